"""People and records (issue 5) on a real trytond: the crm_activity module's
RPCs (shared e-mails, lookups, address resolution, contacts a rep keeps) and
the TrytonConnector methods over them."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Any, Iterator

import pytest

from crmdesk import errors
from crmdesk.crm.base import NewActivity
from crmdesk.crm.tryton import TrytonRpc
from crmdesk.crm.tryton_people import references_from_lookups, resolved_from
from crmdesk.devservers.tryton import TrytonAdmin
from crmdesk.model import CrmRecord, Reference
from tests.fixtures.tryton import TrytonEnv, TrytonRep

pytestmark = pytest.mark.integration

ACTIVITY = "crm.activity"
START = datetime(2030, 6, 3, 10, 0, tzinfo=timezone.utc)


def rpc(rep: TrytonRep) -> TrytonRpc:
    return rep.connector.rpc


def mail(tryton: TrytonEnv, contacts: tuple[int, ...] = ()) -> NewActivity:
    """A shared e-mail as crmdesk creates it."""
    fields = {"description": "Re: pricing", "planned_start": START, "type": "email_in",
              "display_in": "communication", "contacts": contacts,
              "message_id": tryton.unique("msg") + "@mail.example.com"}
    return NewActivity(fields=fields, origin="crm")


def share(rep: TrytonRep, item: NewActivity, **fields: Any) -> CrmRecord:
    return rep.connector.create([NewActivity(fields={**item.fields, **fields},
                                             origin=item.origin)])[0]


def by_key(refs: list[Reference]) -> dict[tuple[str, int], Reference]:
    return {(r.kind, r.id): r for r in refs}


# -- shared e-mails: one activity per Message-ID -------------------------------

def test_a_mail_shared_by_two_reps_is_one_activity_with_both_on_the_team(
        tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    sender, _ = tryton.new_contact("sender")
    cc, _ = tryton.new_contact("cc")
    item = mail(tryton, (sender,))
    first = share(tryton_rep, item)
    assert first.fields["message_id"] == item.fields["message_id"]
    feed = tryton_rep.connector.changes(None)

    second = share(tryton_rep2, item, contacts=(cc,), description="Fwd: pricing")
    assert second.id == first.id
    assert second.owner == tryton_rep.employee_id
    assert second.employees == (tryton_rep2.employee_id,)
    assert second.fields["contacts"] == tuple(sorted((sender, cc)))
    assert second.fields["description"] == "Re: pricing"    # the first share's
    assert [r.id for r in tryton_rep.connector.changes(feed.watermark).records] == [first.id]

    again = share(tryton_rep2, item)                        # nothing new to write
    assert (again.id, again.timestamp) == (first.id, second.timestamp)
    assert share(tryton_rep2, mail(tryton)).id != first.id  # another mail


def test_the_same_mail_twice_in_one_create_is_one_activity(
        tryton: TrytonEnv, tryton_rep: TrytonRep) -> None:
    item = mail(tryton)
    plain = NewActivity(fields={"description": "Call", "planned_start": START})
    one, other, same = tryton_rep.connector.create([item, plain, item])
    assert one.id == same.id != other.id
    assert other.fields["message_id"] == ""


def test_an_empty_message_id_never_matches(tryton: TrytonEnv, tryton_rep: TrytonRep) -> None:
    item = mail(tryton)
    first = share(tryton_rep, item, message_id="")
    assert share(tryton_rep, item, message_id="  ").id != first.id


# -- the rep's records: complete and incomplete ----------------------------------

@pytest.fixture
def book(tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> dict[str, int]:
    """Alice's filter and what her records refer to, plus records of nobody's."""
    admin = tryton.admin
    ids = {"mine": tryton.new_account("mine"), "via_activity": tryton.new_account("visited"),
           "theirs": tryton.new_account("theirs"), "foreign": tryton.new_account("foreign"),
           "unrelated": tryton.new_account("unrelated")}
    ids["opp"] = admin.create_opportunity("Fleet", ids["mine"], tryton_rep.employee_id)
    ids["their_opp"] = admin.create_opportunity("Vans", ids["theirs"], tryton_rep2.employee_id)
    ids["at_mine"], _ = tryton.new_contact("at-mine", ids["mine"])
    ids["at_visited"], _ = tryton.new_contact("at-visited", ids["via_activity"])
    ids["guest"], _ = tryton.new_contact("guest", ids["foreign"])
    ids["loner"], _ = tryton.new_contact("loner")
    ids["stranger"], _ = tryton.new_contact("stranger", ids["unrelated"])
    admin.create_activities([{
        "description": "Visit", "owner": tryton_rep2.employee_id,
        "employees": [tryton_rep.employee_id], "account": ids["via_activity"],
        "contacts": [ids["guest"], ids["loner"]], "opportunity": ids["their_opp"]}])
    return ids


def test_lookups_tell_complete_from_incomplete(
        book: dict[str, int], tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    rows = rpc(tryton_rep).model(ACTIVITY, "lookups")
    assert set(rows) == {"employees", "accounts", "contacts", "opportunities"}
    assert set(rows["contacts"][0]) == {"id", "name", "email", "emails", "account", "detail",
                                        "complete"}
    refs = by_key(tryton_rep.connector.references())
    complete = {k for k, r in refs.items() if r.complete and r.kind != "employee"}
    incomplete = {k for k, r in refs.items() if not r.complete and r.kind != "employee"}
    assert {("account", book["mine"]), ("account", book["via_activity"]),
            ("opportunity", book["opp"]), ("contact", book["at_mine"]),
            ("contact", book["at_visited"]), ("contact", book["loner"])} == complete
    assert {("account", book["theirs"]), ("account", book["foreign"]),
            ("opportunity", book["their_opp"]), ("contact", book["guest"])} == incomplete
    assert ("account", book["unrelated"]) not in refs and ("contact", book["stranger"]) not in refs

    guest = refs[("contact", book["guest"])]
    assert guest.account == book["foreign"] and guest.detail == refs[("account", book["foreign"])].name
    assert guest.email.endswith("@customer.example.com")
    assert refs[("opportunity", book["opp"])].account == book["mine"]
    me = refs[("employee", tryton_rep.employee_id)]
    assert (me.email, me.complete) == (tryton_rep.email, False)
    assert ("employee", tryton_rep2.employee_id) in refs


def test_lookups_of_a_rep_with_no_records_are_the_employees(
        tryton: TrytonEnv, book: dict[str, int]) -> None:
    newcomer = tryton.new_rep("newcomer")
    before = newcomer.connector.request_count
    refs = newcomer.connector.references()
    assert newcomer.connector.request_count == before + 1
    assert {r.kind for r in refs} == {"employee"}


# -- attendees: addresses to employees and contacts ----------------------------

def test_resolve_addresses_any_case(tryton: TrytonEnv, tryton_rep: TrytonRep,
                                    tryton_rep2: TrytonRep) -> None:
    account = tryton.new_account()
    contact, email = tryton.new_contact("ann", account)
    twin_address = tryton.unique("shared") + "@customer.example.com"
    twins = sorted(tryton.admin.create_contact(f"Twin {n}", twin_address.upper())
                   for n in (1, 2))
    unknown = tryton.unique("nobody") + "@nowhere.example.com"
    company_party = tryton.admin.call("company.company", "read", [tryton.admin.company_id],
                                      ["party"])[0]["party"]
    company_address = tryton.unique("info") + "@corp.example.com"
    tryton.admin.add_email(company_party, company_address)

    raw = rpc(tryton_rep).model(ACTIVITY, "resolve_addresses",
                                [email.upper(), tryton_rep2.email, unknown])
    assert raw[email] == [{"kind": "contact", "id": contact, "name": raw[email][0]["name"],
                           "account": account, "complete": False}]

    found = tryton_rep.connector.resolve_addresses(
        [email.upper(), f"mailto:{tryton_rep2.email.title()}", unknown, twin_address,
         company_address, ""])
    assert set(found) == {email, tryton_rep2.email, unknown, twin_address, company_address}
    assert [(r.kind, r.id, r.account) for r in found[email]] == [("contact", contact, account)]
    assert [(r.kind, r.id, r.name) for r in found[tryton_rep2.email]] == [
        ("employee", tryton_rep2.employee_id, tryton_rep2.name)]
    assert found[unknown] == [] and found[company_address] == []
    assert [(r.kind, r.id) for r in found[twin_address]] == [("contact", t) for t in twins]
    assert all(r.email == twin_address for r in found[twin_address])


def test_resolve_addresses_is_one_request_per_500(tryton: TrytonEnv,
                                                  tryton_rep: TrytonRep) -> None:
    crm = tryton_rep.connector
    addresses = [f"a{n}-{tryton.tag}@bulk.example.com" for n in range(501)]
    before = crm.request_count
    found = crm.resolve_addresses(addresses + [tryton_rep.email])
    assert crm.request_count == before + 2
    assert len(found) == 502 and found[tryton_rep.email][0].kind == "employee"
    assert crm.resolve_addresses([]) == {} and crm.request_count == before + 2


# -- contacts a rep keeps ---------------------------------------------------------

@contextmanager
def parties_for_party_admins_only(admin: TrytonAdmin) -> Iterator[None]:
    """Access as a stricter company would set it: reps read parties, only
    party administrators create or change them."""
    admins = admin.group_id("Party Administration")
    values = []
    for model in ("party.party", "party.contact_mechanism"):
        values += [{"model": model, "perm_read": True, "perm_write": False,
                    "perm_create": False, "perm_delete": False},
                   {"model": model, "group": admins, "perm_read": True, "perm_write": True,
                    "perm_create": True, "perm_delete": True}]
    created = admin.call("ir.model.access", "create", values)
    try:
        yield
    finally:
        admin.call("ir.model.access", "delete", created)


def test_a_rep_without_party_rights_creates_and_updates_her_contacts(
        book: dict[str, int], tryton: TrytonEnv, tryton_rep: TrytonRep) -> None:
    crm = tryton_rep.connector
    with parties_for_party_admins_only(tryton.admin):
        with pytest.raises(errors.AccessDenied):
            crm.rpc.model("party.party", "create", [{"name": "Direct"}])
        made = crm.create_contact("  Nora Newman ", "Nora.Newman@Customer.example.com",
                                  book["mine"])
        assert (made.kind, made.name, made.email) == (
            "contact", "Nora Newman", "nora.newman@customer.example.com")
        assert (made.account, made.complete) == (book["mine"], True)
        assert made.detail == by_key(crm.references())[("account", book["mine"])].name

        renamed = crm.update_reference("contact", made.id, name="Nora N. Newman",
                                       email="nora@customer.example.com")
        assert (renamed.id, renamed.name, renamed.email) == (
            made.id, "Nora N. Newman", "nora@customer.example.com")
        account = crm.update_reference("account", book["mine"], email="sales@mine.example.com")
        assert account.email == "sales@mine.example.com" and account.complete
    row, = tryton.admin.call("party.party", "read", [made.id], ["crm_account", "email"])
    assert (row["crm_account"], row["email"]) == (book["mine"], "nora@customer.example.com")
    assert by_key(crm.references())[("contact", made.id)].name == "Nora N. Newman"


def test_create_contact_refuses_what_is_not_a_contact(
        tryton: TrytonEnv, tryton_rep: TrytonRep) -> None:
    crm = tryton_rep.connector
    with pytest.raises(errors.ServerError, match="name"):
        crm.create_contact("  ", "ok@customer.example.com", None)
    for bad in ("", "no-at-sign", "two@@customer.example.com", "a b@customer.example.com"):
        with pytest.raises(errors.ServerError, match="not a valid e-mail"):
            crm.create_contact("Someone", bad, None)
    with pytest.raises(errors.ServerError, match="no account"):
        crm.create_contact("Someone", "ok@customer.example.com", 10**9)
    loner = crm.create_contact("Lone Ranger", tryton.unique("lone") + "@example.com", None)
    assert loner.account is None and loner.complete


def test_an_incomplete_record_is_read_only_with_words(
        book: dict[str, int], tryton_rep: TrytonRep) -> None:
    crm = tryton_rep.connector
    guest = by_key(crm.references())[("contact", book["guest"])]
    with pytest.raises(errors.AccessDenied) as caught:
        crm.update_reference("contact", book["guest"], name="Hijacked")
    assert f'"{guest.name}"' in caught.value.detail
    assert "not one of your contacts" in caught.value.detail
    assert "read-only in crmdesk" in caught.value.detail
    with pytest.raises(errors.AccessDenied, match="not one of your accounts"):
        crm.update_reference("account", book["theirs"], name="Hijacked")
    with pytest.raises(errors.AccessDenied, match="not one of your accounts"):
        crm.update_reference("account", book["unrelated"], email="x@example.com")
    with pytest.raises(errors.ServerError, match="Only contacts and accounts"):
        crm.update_reference("opportunity", book["opp"], name="Renamed")
    assert by_key(crm.references())[("contact", book["guest"])].name == guest.name


# -- owners (rule 14), the identity, the new columns ------------------------------

def test_an_activity_owned_by_another_employee_with_the_rep_on_the_team(
        tryton: TrytonEnv, tryton_rep: TrytonRep) -> None:
    generic, _ = tryton.admin.create_employee(tryton.unique("generic").title())
    crm = tryton_rep.connector
    item = NewActivity(fields={"description": "Received to-do", "planned_start": START},
                       owner=generic, employees=(tryton_rep.employee_id,))
    record = crm.create([item])[0]
    assert (record.owner, record.employees) == (generic, (tryton_rep.employee_id,))
    assert crm.read([record.id]) == [record]
    with pytest.raises(errors.AccessDenied):
        crm.create([NewActivity(fields=item.fields, owner=generic)])


def test_login_tells_the_generic_owner(tryton: TrytonEnv, tryton_admin: TrytonAdmin) -> None:
    generic, _ = tryton_admin.create_employee(tryton.unique("generic").title())
    tryton_admin.set_generic_owner(generic)
    rep = tryton.new_rep("carol")
    assert rep.identity.generic_owner == generic
    before = rep.connector.request_count
    assert rep.connector.login(rep.identity).generic_owner == generic
    assert rep.connector.request_count == before


def test_attendees_message_id_and_recurrence_id_round_trip(tryton_rep: TrytonRep) -> None:
    crm = tryton_rep.connector
    series = crm.create([NewActivity(fields={"description": "Weekly", "planned_start": START},
                                     extra={"repeating": True, "repeating_type": "weekly"})])[0]
    moved = NewActivity(
        fields={"description": "Weekly (moved)", "planned_start": START,
                "attendees": ("Zoe@Example.com", "mailto:al@example.com", "al@example.com")},
        extra={"series": series.id, "recurrence_id": "2030-06-10T10:00:00+00:00"})
    record = crm.create([moved])[0]
    assert record.fields["attendees"] == ("al@example.com", "zoe@example.com")
    assert record.extra["recurrence_id"] == "2030-06-10T10:00:00+00:00"
    assert series.extra["recurrence_id"] is None and series.fields["attendees"] == ()
    row, = crm.rpc.model(ACTIVITY, "read", [record.id], ["attendees", "recurrence_id"])
    assert row["attendees"] == "al@example.com\nzoe@example.com"
    assert row["recurrence_id"] == datetime(2030, 6, 10, 10, 0)

    cleared = crm.write(record.id, {"attendees": (), "message_id": "<a@b>"}, record.timestamp)
    assert cleared.fields["attendees"] == () and cleared.fields["message_id"] == "<a@b>"
    assert crm.rpc.model(ACTIVITY, "read", [record.id], ["attendees"])[0]["attendees"] is None


def test_unusable_lookup_rows_are_left_out() -> None:
    """Pure: what the connector makes of odd answers (no server needed)."""
    good = {"id": 4, "name": "ACME", "email": "Info@ACME.example", "emails": [],
            "account": None, "detail": "", "complete": True}
    answer = {"accounts": [good, {"id": "5", "name": "x"}, {"id": 6, "name": " "}, None],
              "contacts": [{**good, "id": 7, "account": 4, "complete": 1}]}
    refs = references_from_lookups(answer)
    assert refs == [Reference("account", 4, "ACME", "info@acme.example", complete=True),
                    Reference("contact", 7, "ACME", "info@acme.example", complete=False,
                              account=4)]
    assert references_from_lookups([]) is None
    assert references_from_lookups({"accounts": "all"}) is None
    rows = {"a@x.example": [{"kind": "employee", "id": 2, "name": "Al"},
                            {"kind": "account", "id": 3, "name": "No"}],
            "other@x.example": [{"kind": "contact", "id": 9, "name": "Not asked"}]}
    assert resolved_from(rows, ["a@x.example", "b@x.example"]) == {
        "a@x.example": [Reference("employee", 2, "Al", "a@x.example", complete=False)],
        "b@x.example": []}
    assert resolved_from({"a@x.example": "x"}, ["a@x.example"]) is None

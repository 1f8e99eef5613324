"""TrytonConnector against a real trytond with the crm_activity module."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest

from crmdesk import errors
from crmdesk.crm.base import NewActivity
from crmdesk.crm.tryton import TrytonConnector
from crmdesk.devservers.tryton import free_port
from crmdesk.model import CrmRecord, DisplayIn, Origin, Status
from tests.fixtures.tryton import TrytonEnv, TrytonRep

pytestmark = pytest.mark.integration

START = datetime(2030, 5, 6, 8, 0, tzinfo=timezone.utc)


def new(description: str = "Site visit", start: datetime | None = START,
        **fields: object) -> NewActivity:
    data = {"description": description, "planned_start": start,
            "planned_end": start + timedelta(hours=1) if start else None, **fields}
    return NewActivity(fields=data, integration_id=f"{description}@cal.test")


def one(connector: TrytonConnector, item: NewActivity) -> CrmRecord:
    return connector.create([item])[0]


def test_login_tells_who_the_rep_is(tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    me = tryton_rep.connector.login()
    assert (me.login, me.employee_id) == (tryton_rep.login, tryton_rep.employee_id)
    assert me.employee_ids == (tryton_rep.employee_id,)
    assert me.emails == (tryton_rep.email,)
    assert me.name == tryton_rep.name
    before = tryton_rep.connector.request_count
    assert tryton_rep.connector.login(me) is me
    assert tryton_rep.connector.request_count == before      # the session is kept
    assert tryton_rep.connector.login(tryton_rep2.identity) == me  # not her: read again


def test_create_is_one_request_however_many(tryton_rep: TrytonRep) -> None:
    crm = tryton_rep.connector
    before = crm.request_count
    created = crm.create([new(f"Call {i}", START + timedelta(hours=i)) for i in range(25)])
    assert crm.request_count == before + 1
    assert [r.fields["description"] for r in created] == [f"Call {i}" for i in range(25)]
    assert crm.create([]) == [] and crm.request_count == before + 1


def test_records_come_back_normalized(tryton: TrytonEnv, tryton_rep: TrytonRep) -> None:
    contact, _ = tryton.new_contact()
    account = tryton.new_account()
    record = one(tryton_rep.connector, new(
        "All-day fair", START.replace(hour=0), all_day=True, contacts=(contact,),
        account=account, display_in=DisplayIn.TODO, comment="line 1\r\nline 2  "))
    fields = record.fields
    assert fields["all_day"] is True and record.extra["needs_review"] is False
    assert fields["planned_start"] == START.replace(hour=0)
    assert fields["planned_start"].tzinfo is timezone.utc
    assert fields["contacts"] == (contact,) and fields["account"] == account
    assert fields["display_in"] is DisplayIn.TODO and fields["status"] is Status.PLANNED
    assert fields["comment"] == "line 1\nline 2" and fields["opportunity"] is None
    assert record.owner == tryton_rep.employee_id and record.origin is Origin.CALENDAR
    assert record.integration_id == "All-day fair@cal.test" and record.timestamp


def test_write_returns_the_reread_record_and_refuses_stale_timestamps(
        tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    crm = tryton_rep.connector
    record = one(crm, new())
    updated = crm.write(record.id, {"location": "Dock 3", "status": Status.DONE,
                                    "employees": (tryton_rep2.employee_id,)},
                        record.timestamp, integration_id="new-uid@cal.test")
    assert updated.fields["location"] == "Dock 3" and updated.fields["status"] is Status.DONE
    assert updated.employees == (tryton_rep2.employee_id,)
    assert updated.integration_id == "new-uid@cal.test"
    assert updated.timestamp != record.timestamp
    with pytest.raises(errors.StaleWrite) as caught:
        crm.write(record.id, {"location": "Dock 4"}, record.timestamp)
    assert caught.value.key == record.id
    assert crm.read([record.id])[0].fields["location"] == "Dock 3"


def test_write_to_a_deleted_activity_is_not_found(tryton_rep: TrytonRep) -> None:
    crm = tryton_rep.connector
    record = one(crm, new())
    crm.delete([record.id])
    with pytest.raises(errors.NotFound):
        crm.write(record.id, {"location": "x"}, record.timestamp)


def test_changes_feed_is_incremental(tryton_rep: TrytonRep) -> None:
    crm = tryton_rep.connector
    first, second = crm.create([new("One"), new("Two")])
    feed = crm.changes(None)
    assert {r.id for r in feed.records} == {first.id, second.id} and feed.deleted == []

    crm.write(first.id, {"comment": "agenda"}, first.timestamp)
    crm.delete([second.id])
    third = one(crm, new("Three"))
    before = crm.request_count
    later = crm.changes(feed.watermark)
    assert crm.request_count == before + 1
    assert {r.id for r in later.records} == {first.id, third.id}  # overlap may repeat, not here
    assert later.deleted == [second.id]
    assert later.watermark >= feed.watermark


def test_natural_keys_find_the_rep_activity(tryton_rep: TrytonRep,
                                            tryton_rep2: TrytonRep) -> None:
    crm = tryton_rep.connector
    record = one(crm, new("Board meeting"))
    me = tryton_rep.employee_id
    assert crm.find_by_integration_id("Board meeting@cal.test", me).id == record.id
    assert crm.find_by_integration_id("Board meeting@cal.test", tryton_rep2.employee_id) is None
    assert crm.find_by_subject("Board meeting", START, me).id == record.id
    assert crm.find_by_subject("Board meeting", START + timedelta(minutes=1), me) is None
    assert tryton_rep2.connector.find_by_integration_id("Board meeting@cal.test", None) is None


def test_read_leaves_out_gone_and_invisible(tryton_rep: TrytonRep,
                                            tryton_rep2: TrytonRep) -> None:
    mine, gone = tryton_rep.connector.create([new("Mine"), new("Gone")])
    theirs = one(tryton_rep2.connector, new("Theirs"))
    tryton_rep.connector.delete([gone.id])
    found = tryton_rep.connector.read([mine.id, gone.id, theirs.id])
    assert [r.id for r in found] == [mine.id]


def test_delete_is_batched_and_tolerates_already_deleted(tryton_rep: TrytonRep) -> None:
    crm = tryton_rep.connector
    records = crm.create([new(f"Drop {i}") for i in range(5)])
    before = crm.request_count
    crm.delete([r.id for r in records[:3]])
    assert crm.request_count == before + 1
    crm.delete([r.id for r in records])
    assert crm.read([r.id for r in records]) == []


def test_leave_team(tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    record = one(tryton_rep.connector, new("Team lunch", employees=()))
    record = tryton_rep.connector.write(record.id, {"employees": (tryton_rep2.employee_id,)},
                                        record.timestamp)
    assert tryton_rep2.connector.read([record.id])
    tryton_rep2.connector.leave_team(record.id)
    assert tryton_rep2.connector.read([record.id]) == []
    assert tryton_rep.connector.read([record.id])[0].employees == ()


def test_join_shared_puts_an_attendee_on_the_organizer_activity(
        tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    """Rule 2 across reps: the attendee's share joins the organizer's activity."""
    organizer, attendee = tryton_rep.connector, tryton_rep2.connector
    record = one(organizer, new("Partner summit"))
    uid = record.integration_id
    feed = organizer.changes(None)
    assert attendee.find_by_integration_id(uid, None) is None

    before = attendee.request_count
    assert attendee.join_shared(uid, "not-the-organizer@reps.example.com") is None
    assert attendee.join_shared(uid, "") is None  # no request needed
    assert attendee.request_count == before + 1
    assert attendee.read([record.id]) == []

    before = attendee.request_count
    joined = attendee.join_shared(uid, tryton_rep.email.upper())
    assert attendee.request_count == before + 1
    assert joined is not None and joined.id == record.id
    assert joined.owner == tryton_rep.employee_id
    assert joined.employees == (tryton_rep2.employee_id,)
    assert joined.fields == record.fields and joined.timestamp != record.timestamp
    assert attendee.find_by_integration_id(uid, None) == joined
    later = organizer.changes(feed.watermark)
    assert [(r.id, r.employees) for r in later.records] == [
        (record.id, (tryton_rep2.employee_id,))]

    assert attendee.join_shared(uid, tryton_rep.email) == joined  # no second team entry
    assert attendee.join_shared("unknown@cal.test", tryton_rep.email) is None


def test_recurrence_and_review_travel_in_extra(tryton_rep: TrytonRep) -> None:
    item = new("Standup", repeating=True, repeating_type="weekly",
               repeating_expires=date(2030, 12, 31),
               exceptions=(date(2030, 5, 20), date(2030, 5, 13)),
               needs_review=True, review_reason="bob@nowhere.test not found")
    record = one(tryton_rep.connector, item)
    assert record.extra["repeating"] is True and record.extra["repeating_type"] == "weekly"
    assert record.extra["exceptions"] == ["2030-05-13", "2030-05-20"]
    assert record.extra["repeating_expires"] == "2030-12-31"
    assert record.extra["needs_review"] is True
    assert json.loads(json.dumps(record.extra)) == record.extra
    again = tryton_rep.connector.write(record.id, {"exceptions": record.extra["exceptions"][:1],
                                                   "repeating": False}, record.timestamp)
    assert again.extra["exceptions"] == ["2030-05-13"] and again.extra["repeating"] is False


def test_references_cover_the_pickers(tryton: TrytonEnv, tryton_rep: TrytonRep,
                                      tryton_admin: object) -> None:
    account = tryton.new_account()
    contact, email = tryton.new_contact(account=account)    # a contact of her account
    opportunity = tryton.admin.create_opportunity("Trucks", account, tryton_rep.employee_id)
    refs = tryton_rep.connector.references()
    kinds = {(r.kind, r.id) for r in refs}
    assert {("contact", contact), ("account", account), ("opportunity", opportunity),
            ("employee", tryton_rep.employee_id)} <= kinds
    assert ("account", tryton_rep.party_id) not in kinds
    by_contact = next(r for r in refs if (r.kind, r.id) == ("contact", contact))
    assert by_contact.email == email
    assert next(r for r in refs if r.kind == "opportunity" and r.id == opportunity).name == "Trucks"


def test_record_url_opens_the_tryton_client(tryton_rep: TrytonRep, tryton_server: object) -> None:
    url = tryton_rep.connector.record_url(42)
    host = tryton_server.url.split("//", 1)[1]  # type: ignore[attr-defined]
    assert url == f"tryton://{host}/{tryton_server.database}/model/crm.activity/42"  # type: ignore


def test_session_expiry_means_one_new_login(tryton_rep: TrytonRep) -> None:
    crm = tryton_rep.connector
    crm.rpc.logout()
    before = crm.request_count
    assert crm.read([]) == [] and crm.changes(None).deleted == []
    assert crm.request_count == before + 3  # refused, login, retried


def test_wrong_password_is_an_auth_error(tryton: TrytonEnv, tryton_server: object) -> None:
    rep = tryton.new_rep("wrongpw", sign_in=False)
    crm = TrytonConnector(tryton_server.url, tryton_server.database,  # type: ignore
                          rep.login, "not-the-password")
    with pytest.raises(errors.AuthError) as caught:
        crm.login()
    assert not isinstance(caught.value, errors.LockedOutError)
    assert "not-the-password" not in str(caught.value)
    assert crm.request_count == 1


def test_repeated_failures_lock_the_login_out(tryton: TrytonEnv, tryton_server: object) -> None:
    rep = tryton.new_rep("lockout", sign_in=False)
    crm = TrytonConnector(tryton_server.url, tryton_server.database,  # type: ignore
                          rep.login, "wrong-password")
    for _ in range(10):
        with pytest.raises(errors.AuthError) as caught:
            crm.login()
        if isinstance(caught.value, errors.LockedOutError):
            break
    assert isinstance(caught.value, errors.LockedOutError)
    assert "too many failed logins" in str(caught.value)
    right = TrytonConnector(tryton_server.url, tryton_server.database,  # type: ignore
                            rep.login, rep.password)
    with pytest.raises(errors.LockedOutError):
        right.login()


def test_closed_port_is_unreachable() -> None:
    crm = TrytonConnector(f"http://127.0.0.1:{free_port()}", "db", "rep", "secret", timeout=5)
    with pytest.raises(errors.UnreachableError) as caught:
        crm.login()
    assert not isinstance(caught.value, errors.TlsError)
    assert "secret" not in str(caught.value)


def test_tls_to_a_plain_http_server_is_a_tls_error(tryton_server: object) -> None:
    url = tryton_server.url.replace("http://", "https://")  # type: ignore[attr-defined]
    crm = TrytonConnector(url, tryton_server.database, "rep", "secret", timeout=5)  # type: ignore
    with pytest.raises(errors.TlsError):
        crm.login()


def test_unknown_database_is_a_server_error(tryton_server: object) -> None:
    crm = TrytonConnector(tryton_server.url, "no-such-db", "rep", "secret")  # type: ignore
    with pytest.raises(errors.ServerError) as caught:
        crm.login()
    assert caught.value.status == 404

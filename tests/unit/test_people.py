"""Rules 13-15 in the planner: attendees, owner, team, review, declines."""

from __future__ import annotations

from dataclasses import replace

from crmdesk.model import CrmRecord
from crmdesk.model.activity import with_defaults
from crmdesk.model.people import AMBIGUOUS, UNKNOWN, ReviewEntry
from crmdesk.sync.actions import (CreateCrm, DropProxy, LeaveTeam, Note, SetReview, UpdateCrm,
                                  UpdateNative)
from crmdesk.sync.people import AddressBook, owner_for
from crmdesk.sync.plan import plan

from tests.unit.helpers import ME, crm, fields, native, proxy, world

ANN, BOB, CARL = "ann@acme.example", "bob@acme.example", "carl@globex.example"
BOSS = "boss@northwind.example"
BOOK = AddressBook(refs={ANN: (("contact", 11),), BOB: (("contact", 12),),
                         CARL: (("contact", 13), ("contact", 14)),
                         BOSS: (("employee", 80),)},
                   own=frozenset({"rita@example.com", "rita.private@example.org"}))
GENERIC = replace(ME, generic_owner=99)


def people_world(proxies, items, book=BOOK, identity=ME):
    return replace(world(proxies, items), people=book, identity=identity)


def invited(*addresses: str, organizer: str = "", **kw):
    item = native(attendees=addresses, **kw)
    return replace(item, organizer=organizer, attendees=tuple(sorted(addresses)),
                   content_hash="h-" + ",".join(sorted(addresses)))


def linked(record, base=None, **kw):
    """A synced proxy whose share-bar fields are the CRM's."""
    local = {"type": "meeting", "display_in": "calendar",
             "contacts": record.fields["contacts"]}
    return proxy(record=record, base=dict(record.fields) if base is None else base,
                 local=kw.pop("local", local), **kw)


def new_share(item):
    return proxy(record=None, base=None, state="pending")


# -- rule 13: attendees resolve to contacts and employees ---------------------

def test_rule_13_attendees_resolve_to_contacts_and_the_team_on_share() -> None:
    item = invited(ANN, BOSS)
    [create] = [a for a in plan(people_world([new_share(item)], [item]))
                if isinstance(a, CreateCrm)]
    assert create.fields["contacts"] == (11,)
    assert create.team == (70, 80)
    assert create.fields["attendees"] == (ANN, BOSS)   # the original invitee list is kept
    assert create.review == () and create.extra == {}


def test_rule_13_unknown_and_ambiguous_addresses_flag_review_without_blocking() -> None:
    item = invited(ANN, CARL, "nobody@nowhere.example")
    actions = plan(people_world([new_share(item)], [item]))
    [create] = [a for a in actions if isinstance(a, CreateCrm)]
    assert create.fields["contacts"] == (11,)
    assert create.extra["needs_review"] is True
    assert "nobody@nowhere.example: no CRM contact or employee" in create.extra["review_reason"]
    assert "carl@globex.example: 2 CRM records have this address" in \
        create.extra["review_reason"]
    assert create.review == (
        ReviewEntry(1, CARL, AMBIGUOUS, (("contact", 13), ("contact", 14))),
        ReviewEntry(1, "nobody@nowhere.example", UNKNOWN))


def test_rule_13_a_dismissed_address_is_not_flagged() -> None:
    item = invited("nobody@nowhere.example")
    book = replace(BOOK, dismissed=frozenset({(1, "nobody@nowhere.example")}))
    [create] = [a for a in plan(people_world([new_share(item)], [item], book))
                if isinstance(a, CreateCrm)]
    assert create.review == () and create.extra == {}


def test_rule_13_an_attendee_added_in_the_calendar_links_its_contact() -> None:
    record = crm(attendees=(ANN,), contacts=(11,))
    item = invited(ANN, BOB)
    p = linked(record)
    [update] = [a for a in plan(people_world([p], [item])) if isinstance(a, UpdateCrm)]
    assert update.changes["attendees"] == (ANN, BOB)
    assert update.changes["contacts"] == (11, 12)


def test_rule_13_an_attendee_removed_in_the_calendar_unlinks_its_contact() -> None:
    record = crm(attendees=(ANN, BOB), contacts=(11, 12, 30))   # 30 came from the share bar
    item = invited(ANN)
    p = linked(record)
    [update] = [a for a in plan(people_world([p], [item])) if isinstance(a, UpdateCrm)]
    assert update.changes["attendees"] == (ANN,)
    assert update.changes["contacts"] == (11, 30)


def test_rule_13_a_contact_removed_in_the_crm_leaves_the_calendar_too() -> None:
    base = with_defaults(fields(attendees=(ANN, BOB), contacts=(11, 12)))
    record = crm(attendees=(ANN, BOB), contacts=(12,))
    item = invited(ANN, BOB)
    p = linked(replace(record, timestamp="ts2"), base,
               local={"type": "meeting", "display_in": "calendar", "contacts": (11, 12)})
    actions = plan(people_world([p], [item]))
    [native_update] = [a for a in actions if isinstance(a, UpdateNative)]
    assert native_update.changes["attendees"] == (BOB,)
    [update] = [a for a in actions if isinstance(a, UpdateCrm)]
    assert update.changes["attendees"] == (BOB,)


def test_rule_13_a_share_bar_contact_invites_nobody() -> None:
    record = crm(attendees=(ANN,), contacts=(11,))
    item = invited(ANN)
    p = linked(record, local={"type": "meeting", "display_in": "calendar", "contacts": (11, 30)})
    actions = plan(people_world([p], [item]))
    assert not [a for a in actions if isinstance(a, UpdateNative)]
    [update] = [a for a in actions if isinstance(a, UpdateCrm)]
    assert update.changes == {"contacts": (11, 30)}


def test_rule_13_resolving_an_address_later_clears_the_review() -> None:
    record = replace(crm(attendees=("nobody@nowhere.example",)),
                     extra={"needs_review": True, "review_reason":
                            "nobody@nowhere.example: no CRM contact or employee has this address"})
    item = invited("nobody@nowhere.example")
    book = replace(BOOK, refs={**BOOK.refs, "nobody@nowhere.example": (("contact", 40),)})
    p = linked(record, state="pending")
    actions = plan(people_world([p], [item], book))
    [update] = [a for a in actions if isinstance(a, UpdateCrm)]
    assert update.changes == {"contacts": (40,)}
    assert update.extra == {"needs_review": False, "review_reason": ""}
    [review] = [a for a in actions if isinstance(a, SetReview)]
    assert review.entries == ()


def test_rule_13_someone_elses_invitee_list_is_not_edited_from_the_crm() -> None:
    base = with_defaults(fields(attendees=(ANN, BOB), contacts=(11, 12)))
    record = replace(crm(attendees=(ANN, BOB), contacts=(12,)), timestamp="ts2")
    item = invited(ANN, BOB, organizer=BOSS)
    p = linked(record, base, local={"type": "meeting", "display_in": "calendar",
                                    "contacts": (11, 12)})
    actions = plan(people_world([p], [item]))
    assert not [a for a in actions if isinstance(a, UpdateNative)]
    [update] = [a for a in actions if isinstance(a, UpdateCrm)]
    assert update.changes["contacts"] == (11, 12)   # the organizer's list still holds Ann


# -- rule 14: owner -------------------------------------------------------------

def test_rule_14_the_organizers_employee_owns_with_the_rep_on_the_team() -> None:
    owner = owner_for(invited(ANN, organizer=BOSS), ME, BOOK)
    assert (owner.owner, owner.team) == (80, (80, 70))


def test_rule_14_a_meeting_from_one_of_the_reps_addresses_is_hers() -> None:
    for organizer in ("rita@example.com", "rita.private@example.org", ""):
        owner = owner_for(invited(ANN, organizer=organizer), GENERIC, BOOK)
        assert (owner.owner, owner.team) == (70, (70,))


def test_rule_14_an_outside_organizer_gives_the_generic_owner() -> None:
    owner = owner_for(invited(ANN, organizer="partner@outside.example"), GENERIC, BOOK)
    assert (owner.owner, owner.team) == (99, (99, 70))


def test_rule_14_without_a_generic_owner_the_rep_owns_and_is_told() -> None:
    item = invited(ANN, organizer="partner@outside.example")
    actions = plan(people_world([new_share(item)], [item]))
    [create] = [a for a in actions if isinstance(a, CreateCrm)]
    assert create.owner == 70
    [note] = [a for a in actions if isinstance(a, Note)]
    assert "no Generic Owner" in note.reason


def test_rule_14_a_received_todo_gets_the_generic_owner_even_from_an_employee() -> None:
    todo = invited(organizer=BOSS, component="VTODO")
    owner = owner_for(todo, GENERIC, BOOK)
    assert (owner.owner, owner.team) == (99, (99, 70))
    mine = invited(component="VTODO")
    assert owner_for(mine, GENERIC, BOOK).owner == 70


# -- rule 15: declines ------------------------------------------------------------

def test_rule_15_declining_takes_the_rep_off_the_team_and_keeps_the_activity() -> None:
    record = CrmRecord(id=5, fields=with_defaults(fields(attendees=("rita@example.com",))),
                       timestamp="ts1", integration_id="u1", owner=80, employees=(70, 80))
    item = replace(invited("rita@example.com", organizer=BOSS),
                   declined=("rita@example.com",))
    p = linked(record)
    actions = plan(people_world([p], [item]))
    assert [type(a) for a in actions] == [LeaveTeam, DropProxy]
    assert actions[0].crm_id == 5
    assert "declined" in actions[1].reason


def test_rule_15_someone_elses_decline_changes_no_team() -> None:
    record = crm(attendees=(ANN,), contacts=(11,))
    item = replace(invited(ANN), declined=(ANN,))
    p = linked(record)
    assert not [a for a in plan(people_world([p], [item])) if isinstance(a, LeaveTeam)]


def test_rule_15_an_employee_who_left_is_not_put_back_while_still_invited() -> None:
    record = CrmRecord(id=5, fields=with_defaults(fields(attendees=(BOSS, ANN), contacts=(11,))),
                       timestamp="ts2", integration_id="u1", owner=70, employees=(70,))
    item = invited(BOSS, ANN)
    p = linked(record)
    actions = plan(people_world([p], [item]))
    assert not [a for a in actions if isinstance(a, UpdateCrm) and "employees" in a.extra]


def test_rule_13_an_employee_invited_later_joins_the_team() -> None:
    record = CrmRecord(id=5, fields=with_defaults(fields(attendees=(ANN,), contacts=(11,))),
                       timestamp="ts1", integration_id="u1", owner=70, employees=(70,))
    item = invited(BOSS, ANN)
    [update] = [a for a in plan(people_world([linked(record)], [item]))
                if isinstance(a, UpdateCrm)]
    assert update.extra == {"employees": (70, 80)}
    assert update.changes == {"attendees": (ANN, BOSS)}


def test_a_shared_email_without_a_calendar_item_is_created_not_dropped() -> None:
    """Seed 004: a shared e-mail has a proxy but never a calendar item."""
    local = {"type": "email_in", "display_in": "communication", "description": "Re: prices",
             "planned_start": fields()["planned_start"], "contacts": (11,),
             "message_id": "abc@mail.example"}
    p = proxy(uid=None, href=None, record=None, base=None, state="pending", local=local)
    [create] = plan(people_world([p], []))
    assert isinstance(create, CreateCrm) and create.uid == ""
    assert create.title == "Re: prices"
    assert create.fields["message_id"] == "abc@mail.example"
    assert create.fields["display_in"] == "communication"

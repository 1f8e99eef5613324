"""Share, Synchronize, and see it on the other side — both CalDAV servers, real Tryton.

Each test names the DESIGN.md rule it proves.
"""

from __future__ import annotations

import pytest

from crmdesk.model import Origin, Status
from crmdesk.settings import Priority

from tests.integration.conftest import Rep, soon

pytestmark = pytest.mark.integration


def test_rule_1_shared_meeting_reaches_the_crm_with_its_uid(rep: Rep) -> None:
    uid = rep.put_event("Quarterly review with ACME", location="ACME HQ")
    rep.sync()
    view = rep.app.share(rep.key(uid))
    assert view.share_state.value == "pending"
    report = rep.sync()
    assert report.crm.created == 1
    record = rep.crm_by_uid(uid)
    assert record is not None
    assert record.origin is Origin.CALENDAR and record.integration_id == uid
    assert record.fields["description"] == "Quarterly review with ACME"
    assert record.fields["location"] == "ACME HQ"
    assert rep.app.item(rep.key(uid)).share_state.value == "synced"


def test_unshared_items_never_reach_the_crm(rep: Rep) -> None:
    uid = rep.put_event("Dentist")
    rep.sync()
    assert rep.crm_by_uid(uid) is None


def test_rule_4_crm_planned_activities_appear_as_event_and_todo(rep: Rep) -> None:
    meeting = rep.plan_in_crm("Demo at Globex")
    todo = rep.plan_in_crm("Send Globex the quote", display_in="todo", type="todo")
    only = rep.plan_in_crm("Log: call notes", display_in="activities", type="call")
    report = rep.sync()
    assert report.calendar.created == 2
    natives = {i.fields["description"]: i for i in rep.natives()}
    assert natives["Demo at Globex"].component == "VEVENT"
    assert natives["Send Globex the quote"].component == "VTODO"
    assert "Log: call notes" not in natives
    # rule 1 both ways: the CRM learned the UID of the item made for it
    assert rep.crm_record(meeting.id).integration_id == natives["Demo at Globex"].uid
    assert rep.crm_record(todo.id).integration_id == natives["Send Globex the quote"].uid
    titles = {v.title for v in rep.app.activities()}
    assert {"Demo at Globex", "Send Globex the quote", "Log: call notes"} <= titles
    assert rep.crm_record(only.id).integration_id == ""


def test_rule_7_edits_flow_both_ways(rep: Rep) -> None:
    uid = rep.put_event("Lunch with Initech")
    rep.sync()
    rep.app.share(rep.key(uid))
    rep.sync()
    rep.edit_native(uid, location="Chez Paul")
    assert rep.sync().crm.updated == 1
    record = rep.crm_by_uid(uid)
    assert record.fields["location"] == "Chez Paul"
    rep.crm.write(record.id, {"description": "Lunch with Initech (CFO too)"}, record.timestamp)
    assert rep.sync().calendar.updated == 1
    assert rep.native(uid).fields["description"] == "Lunch with Initech (CFO too)"
    assert rep.native(uid).fields["location"] == "Chez Paul"


def _conflict(rep: Rep, priority: Priority) -> str:
    settings = rep.app.settings.copy()
    settings.sync.priority = priority
    rep.app.save_settings(settings)
    uid = rep.put_event("Pricing call")
    rep.sync()
    rep.app.share(rep.key(uid))
    rep.sync()
    rep.edit_native(uid, location="Calendar says room 1")
    record = rep.crm_by_uid(uid)
    rep.crm.write(record.id, {"location": "CRM says room 2"}, record.timestamp)
    return uid


@pytest.mark.parametrize("priority, expected", [(Priority.CRM, "CRM says room 2"),
                                                (Priority.CALENDAR, "Calendar says room 1")])
def test_rule_7_same_field_on_both_sides_resolved_by_priority(rep: Rep, priority: Priority,
                                                              expected: str) -> None:
    uid = _conflict(rep, priority)
    report = rep.sync()
    assert not report.conflicts
    assert rep.native(uid).fields["location"] == expected
    assert rep.crm_by_uid(uid).fields["location"] == expected


def test_rule_7_ask_leaves_the_conflict_pending_until_the_rep_decides(rep: Rep) -> None:
    uid = _conflict(rep, Priority.ASK)
    report = rep.sync()
    assert [c.fields for c in report.conflicts] == [["location"]]
    assert rep.native(uid).fields["location"] == "Calendar says room 1"
    assert rep.crm_by_uid(uid).fields["location"] == "CRM says room 2"
    assert rep.app.item(rep.key(uid)).share_state.value == "conflict"
    [conflict] = rep.app.conflicts()
    assert conflict.fields[0][:3] == ("location", "Calendar says room 1", "CRM says room 2")
    rep.app.resolve(conflict.proxy_id, {"location": "crm"})
    assert not rep.sync().conflicts
    assert rep.native(uid).fields["location"] == "CRM says room 2"
    assert rep.app.item(rep.key(uid)).share_state.value == "synced"


def test_rule_9_owner_deletes_in_calendar_and_the_crm_activity_goes(rep: Rep) -> None:
    uid = rep.put_event("Cancelled visit")
    rep.sync()
    rep.app.share(rep.key(uid))
    rep.sync()
    crm_id = rep.crm_by_uid(uid).id
    rep.delete_native(uid)
    assert rep.sync().crm.deleted == 1
    assert rep.crm_record(crm_id) is None


def test_rule_11_crm_delete_removes_crm_born_native_item(rep: Rep) -> None:
    record = rep.plan_in_crm("Trade fair")
    rep.sync()
    assert any(i.fields["description"] == "Trade fair" for i in rep.natives())
    rep.crm.delete([record.id])
    assert rep.sync().calendar.deleted == 1
    assert not any(i.fields["description"] == "Trade fair" for i in rep.natives())


def test_rule_11_crm_delete_unshares_calendar_born_item_and_keeps_it(rep: Rep) -> None:
    uid = rep.put_event("Board meeting")
    rep.sync()
    rep.app.share(rep.key(uid))
    rep.sync()
    rep.crm.delete([rep.crm_by_uid(uid).id])
    report = rep.sync()
    assert report.calendar.deleted == 0
    assert rep.native(uid) is not None
    assert rep.app.item(rep.key(uid)).share_state.value == "not_shared"


def test_rule_12_unshare_before_upload_leaves_nothing(rep: Rep) -> None:
    uid = rep.put_event("Maybe")
    rep.sync()
    rep.app.share(rep.key(uid))
    rep.app.unshare(rep.key(uid))
    rep.sync()
    assert rep.crm_by_uid(uid) is None
    assert rep.app.store.proxies() == []


def test_rule_5_display_in_change_in_crm_turns_event_into_todo(rep: Rep) -> None:
    record = rep.plan_in_crm("Follow up Umbrella")
    rep.sync()
    fresh = rep.crm_record(record.id)
    rep.crm.write(record.id, {"display_in": "todo"}, fresh.timestamp)
    rep.sync()
    [item] = [i for i in rep.natives() if i.fields["description"] == "Follow up Umbrella"]
    assert item.component == "VTODO"


def test_done_in_crm_is_shown_in_the_calendar(rep: Rep) -> None:
    record = rep.plan_in_crm("Call back Hooli", display_in="todo", type="todo")
    rep.sync()
    rep.crm.write(record.id, {"status": "done"}, rep.crm_record(record.id).timestamp)
    rep.sync()
    [item] = [i for i in rep.natives() if i.fields["description"] == "Call back Hooli"]
    assert item.fields["status"] is Status.DONE
    assert "STATUS:COMPLETED" in item.raw


def test_second_sync_with_no_changes_costs_constant_requests(rep: Rep) -> None:
    for n in range(3):
        uid = rep.put_event(f"Meeting {n}")
        rep.sync()
        rep.app.share(rep.key(uid))
    rep.plan_in_crm("From the CRM")
    rep.sync()
    second = rep.sync()
    third = rep.sync()
    for report in (second, third):
        assert report.calendar.created == report.calendar.updated == 0
        assert report.crm.created == report.crm.updated == 0
        # one sync-collection REPORT; CRM: one change-feed call (the session
        # of the last sync is kept, issue 7)
        assert report.requests == {"calendar": 1, "crm": 1}


def test_one_bad_item_does_not_stop_the_others(rep: Rep) -> None:
    from datetime import timedelta
    bad_uid, good_uid = rep.put_event("Will break"), rep.put_event("Will change")
    rep.sync()
    for uid in (bad_uid, good_uid):
        rep.app.share(rep.key(uid))
    rep.sync()
    bad, good = rep.crm_by_uid(bad_uid), rep.crm_by_uid(good_uid)
    start = bad.fields["planned_start"]
    rep.crm.write(bad.id, {"planned_end": start - timedelta(hours=2)}, bad.timestamp)
    rep.crm.write(good.id, {"location": "Room 7"}, good.timestamp)
    report = rep.app.sync()
    assert [e.title for e in report.errors] == ["Will break"]
    assert "end" in report.errors[0].reason
    assert rep.native(good_uid).fields["location"] == "Room 7"
    assert rep.app.item(rep.key(bad_uid)).share_state.value == "error"
    assert rep.native(bad_uid).fields["planned_end"] > start        # nothing garbled


def test_rule_2_a_natural_key_hit_owned_by_another_item_is_not_stolen(rep: Rep) -> None:
    start = soon(5, 9)
    first = rep.put_event("Team stand-up", start)
    second = rep.put_event("Team stand-up", start)
    rep.sync()
    rep.app.share(rep.key(first))
    rep.sync()
    rep.app.share(rep.key(second))
    report = rep.sync()
    assert not report.errors and report.crm.created == 1
    assert rep.crm_by_uid(first).id != rep.crm_by_uid(second).id


def test_done_meeting_in_crm_is_marked_in_the_calendar_and_not_renamed(rep: Rep) -> None:
    record = rep.plan_in_crm("Demo at Soylent")
    rep.sync()
    rep.crm.write(record.id, {"status": "done"}, rep.crm_record(record.id).timestamp)
    rep.sync()
    [item] = [i for i in rep.natives() if i.fields["description"] == "Demo at Soylent"]
    assert "SUMMARY:\u2714 Demo at Soylent" in item.raw.replace("\r\n ", "")
    assert item.fields["status"] is Status.DONE
    assert rep.sync().crm.updated == 0
    assert rep.crm_record(record.id).fields["description"] == "Demo at Soylent"


def test_rule_22_every_waiting_conflict_is_in_each_report(rep: Rep) -> None:
    _conflict(rep, Priority.ASK)
    assert len(rep.sync().conflicts) == 1
    second = rep.sync()                   # nothing new, but the conflict still waits
    assert [c.fields for c in second.conflicts] == [["location"]]
    assert "1 conflict(s) waiting" in second.summary()

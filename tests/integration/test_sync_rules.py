"""Rules 3, 18, 20 and 22 on real servers."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.integration.conftest import Rep, soon

pytestmark = pytest.mark.integration


def test_rule_3_first_sync_correlates_existing_items_instead_of_duplicating(rep: Rep) -> None:
    start = soon(4, 11)
    uid = rep.put_event("Kick-off with Cyberdyne", start)          # made before crmdesk
    record = rep.plan_in_crm("Kick-off with Cyberdyne", start)     # and in the CRM
    report = rep.sync()
    assert report.calendar.created == 0
    assert [e.title for e in report.linked] == ["Kick-off with Cyberdyne"]
    assert [i.uid for i in rep.natives()] == [uid]
    assert rep.crm_record(record.id).integration_id == uid
    assert rep.app.item(rep.key(uid)).share_state.value == "synced"


def test_rule_18_activities_outside_the_window_are_left_alone(rep: Rep) -> None:
    far = rep.plan_in_crm("Next year's kick-off", soon(400))
    near = rep.plan_in_crm("This week's visit", soon(2))
    rep.sync()
    titles = {i.fields["description"] for i in rep.natives()}
    assert titles == {"This week's visit"}
    # An item that leaves the window is not deleted anywhere.
    record = rep.crm_record(near.id)
    moved = record.fields["planned_start"] + timedelta(days=500)
    rep.crm.write(near.id, {"planned_start": moved, "planned_end": moved + timedelta(hours=1)},
                  record.timestamp)
    report = rep.sync()
    assert report.calendar.deleted == report.crm.deleted == 0
    assert rep.crm_record(far.id) is not None
    assert {i.fields["description"] for i in rep.natives()} == {"This week's visit"}


def test_rule_20_a_new_etag_with_the_same_content_is_not_a_change(rep: Rep) -> None:
    uid = rep.put_event("Budget review")
    rep.sync()
    rep.app.share(rep.key(uid))
    rep.sync()
    item = rep.native(uid)
    # Another client re-saves the object: reordered, re-folded, new DTSTAMP.
    text = item.raw.replace("\r\n", "\n").replace("\n", "\r\n")
    lines = text.rstrip("\r\n").split("\r\n")
    body = [ln for ln in lines if not ln.startswith(("BEGIN:", "END:", "DTSTAMP"))]
    resaved = "\r\n".join(["BEGIN:VCALENDAR", *[ln for ln in body if ln.startswith(
        ("VERSION", "PRODID"))], "BEGIN:VEVENT", "DTSTAMP:20300101T000000Z",
        *reversed([ln for ln in body if not ln.startswith(("VERSION", "PRODID"))]),
        "END:VEVENT", "END:VCALENDAR", ""])
    rep.caldav.client.update(item, resaved)
    assert rep.native(uid).etag != item.etag
    report = rep.sync()
    assert report.crm.updated == report.calendar.updated == 0


def test_rule_22_report_counts_each_side_and_names_skipped_items(rep: Rep) -> None:
    if rep.caldav.server_name == "xandikos":     # Radicale refuses such an object
        rep.caldav.put("broken", "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n"
                                 "SUMMARY:no uid, no start\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")
    rep.plan_in_crm("Appears in the calendar")
    uid = rep.put_event("Goes to the CRM")
    rep.sync()
    rep.app.share(rep.key(uid))
    report = rep.sync()
    data = report.to_json()
    assert data["crm"]["created"] == 1 and data["calendar"] == {"created": 0, "updated": 0,
                                                                 "deleted": 0}
    history = list(rep.app.store.reports(10))
    assert len(history) == 2 and history[0][1]["crm"]["created"] == 1
    if rep.caldav.server_name == "xandikos":
        first = history[1][1]
        assert first["calendar"]["created"] == 1
        assert [s["reason"] for s in first["skipped"]][0]


def test_rule_18_lost_access_is_not_a_delete(rep: Rep, tryton_admin, tryton_rep2) -> None:
    record = rep.plan_in_crm("Handed over to a colleague")
    rep.sync()
    uid = rep.crm_record(record.id).integration_id
    # The manager gives the activity to another rep: ours can no longer see it.
    tryton_admin.call("crm.activity", "write", [record.id],
                      {"owner": tryton_rep2.employee_id, "employees": [("remove", [
                          rep.app.store.get_json("identity")["employee_id"]])]})
    rep.edit_native(uid, location="Updated on my phone")
    report = rep.app.sync()
    assert not report.errors and report.calendar.deleted == report.crm.deleted == 0
    [skipped] = report.skipped
    assert "lost access" in skipped.reason
    assert rep.native(uid) is not None                                # kept in the calendar
    assert tryton_rep2.connector.read([record.id])                   # and in the CRM
    assert rep.app.item(rep.key(uid)).share_state.value == "error"
    assert rep.sync().calendar.deleted == 0

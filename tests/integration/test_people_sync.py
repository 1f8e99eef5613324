"""Rules 13-15 and 19 end to end: attendees, owners, declines and no
scheduling mail, on Radicale and Xandikos against a real Tryton."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from crmdesk.model import Reference
from crmdesk.model.activity import normalize_fields
from crmdesk.pim import ical

from tests.integration.conftest import Rep, make_rep, second_calendar, soon

pytestmark = pytest.mark.integration


def _invite(rep: Rep, summary: str, attendees: list[str], organizer: str = "",
            uid: str | None = None, component: str = "VEVENT") -> str:
    uid = uid or f"{uuid.uuid4()}@groupware.test"
    start = soon(3, 10)
    fields = normalize_fields({"description": summary, "planned_start": start,
                               "planned_end": start + timedelta(hours=1)})
    rep.caldav.put(uid, ical.render_new(uid, component, fields, organizer=organizer,
                                        attendees=[(a, "") for a in attendees]))
    return uid


def _share(rep: Rep, uid: str) -> Any:
    rep.sync()
    rep.app.share(rep.key(uid))
    return rep.sync()


def _set_attendees(rep: Rep, uid: str, attendees: list[str]) -> None:
    """As Thunderbird would: the rep edits the invitee list of her meeting."""
    item = rep.native(uid)
    assert item is not None
    rep.caldav.client.update(item, ical.patch(item.raw, {"attendees": tuple(attendees)}))


def test_rules_13_attendees_link_contacts_and_team_and_unknowns_wait_for_review(
        rep: Rep, tryton: Any, tryton_rep: Any, tryton_rep2: Any) -> None:
    account = tryton.new_account()
    ann, ann_mail = tryton.new_contact("ann", account)
    bob, bob_mail = tryton.new_contact("bob", account)
    stranger = f"stranger-{uuid.uuid4().hex[:6]}@nowhere.example"
    uid = _invite(rep, "Pricing workshop", [ann_mail.upper(), tryton_rep2.email, stranger],
                  organizer=tryton_rep.email)
    _share(rep, uid)
    record = rep.crm_by_uid(uid)
    assert record is not None
    assert record.fields["contacts"] == (ann,)                    # case-insensitive
    assert set(record.employees) == {tryton_rep.employee_id, tryton_rep2.employee_id}
    assert record.owner == tryton_rep.employee_id
    assert record.fields["attendees"] == tuple(sorted([ann_mail, tryton_rep2.email, stranger]))
    assert record.extra["needs_review"] is True
    assert stranger in record.extra["review_reason"]
    [entry] = rep.app.store.review_entries()
    assert (entry.address, entry.reason) == (stranger, "unknown")

    # The calendar drops Ann and invites Bob: the contacts follow.
    _set_attendees(rep, uid, [bob_mail, tryton_rep2.email, stranger])
    rep.sync()
    record = rep.crm_by_uid(uid)
    assert record.fields["contacts"] == (bob,)
    assert ann_mail not in record.fields["attendees"]

    # The rep picks Ann as the stranger's contact in the review queue.
    [view] = rep.app.review_items()
    assert (view.address, view.title) == (stranger, "Pricing workshop")
    rep.app.pick_for_review(view.proxy_id, stranger, Reference("contact", ann, "Ann"))
    rep.sync()
    record = rep.crm_by_uid(uid)
    assert record.fields["contacts"] == (ann, bob)
    assert record.extra["needs_review"] is False and not record.extra["review_reason"]
    assert rep.app.store.review_entries() == []


def test_rule_13_a_contact_removed_in_the_crm_leaves_the_rep_s_meeting(
        rep: Rep, tryton: Any, tryton_rep: Any) -> None:
    ann, ann_mail = tryton.new_contact("ann")
    bob, bob_mail = tryton.new_contact("bob")
    uid = _invite(rep, "Kick-off", [ann_mail, bob_mail], organizer=tryton_rep.email)
    _share(rep, uid)
    record = rep.crm_by_uid(uid)
    assert record.fields["contacts"] == tuple(sorted((ann, bob)))
    rep.crm.write(record.id, {"contacts": (bob,)}, record.timestamp)
    report = rep.sync()
    assert report.calendar.updated == 1
    item = rep.native(uid)
    assert item.attendees == (bob_mail,)
    assert "SCHEDULE-AGENT=CLIENT" in item.raw.replace("\r\n ", "")   # rule 19
    assert rep.crm_by_uid(uid).fields["attendees"] == (bob_mail,)


def test_rule_14_an_outside_organizer_gives_the_generic_owner(
        rep: Rep, tryton: Any, tryton_admin: Any, tryton_rep: Any) -> None:
    boss, _ = tryton_admin.create_employee(tryton.unique("Generic"),
                                           f"{tryton.unique('generic')}@northwind.example")
    tryton_admin.set_generic_owner(boss)
    try:
        rep.app.store.set_json("identity", None)      # read the company setting now
        uid = _invite(rep, "Partner call", [tryton_rep.email],
                      organizer="partner@outside.example")
        _share(rep, uid)
        record = tryton_admin_record(tryton_admin, uid)
        assert record["owner"] == boss
        assert tryton_rep.employee_id in record["employees"]
        assert rep.app.item(rep.key(uid)).share_state.value == "synced"
    finally:
        tryton_admin.set_generic_owner(None)


def tryton_admin_record(admin: Any, uid: str) -> dict[str, Any]:
    [row] = admin.call("crm.activity", "search_read", [("integration_id", "=", uid)], 0, None,
                       None, ["owner", "employees"])
    return row


def test_rules_14_15_two_reps_one_meeting_then_one_declines(
        tmp_path: Path, caldav: Any, tryton_server: Any, tryton_rep: Any,
        tryton_rep2: Any) -> None:
    organizer, attendee = tryton_rep, tryton_rep2
    second = second_calendar(caldav)
    rep1 = make_rep(tmp_path / "rep1", caldav, tryton_server, organizer)
    rep2 = make_rep(tmp_path / "rep2", second, tryton_server, attendee)
    try:
        uid = f"{uuid.uuid4()}@groupware.test"
        # The attendee shares first: her activity is owned by the organizer (rule 14).
        _invite(rep2, "Joint visit", [attendee.email], organizer=organizer.email, uid=uid)
        _share(rep2, uid)
        _invite(rep1, "Joint visit", [attendee.email], organizer=organizer.email, uid=uid)
        # The organizer's crmdesk sees the activity she owns and links her own
        # copy of the meeting to it (rule 3): nothing is created twice.
        report = rep1.sync()
        assert report.crm.created == 0
        assert rep1.app.item(rep1.key(uid)).share_state.value == "synced"
        found = organizer.connector._call("sync_search", [("integration_id", "=", uid)], None)
        assert len(found) == 1
        record = organizer.connector.read([found[0]["id"]])[0]
        assert record.owner == organizer.employee_id
        assert set(record.employees) == {organizer.employee_id, attendee.employee_id}

        # Rule 15: the attendee declines in her calendar.
        item = rep2.native(uid)
        declined = item.raw.replace("PARTSTAT=NEEDS-ACTION", "PARTSTAT=DECLINED")
        rep2.caldav.client.update(item, declined)
        rep2.sync()
        record = organizer.connector.read([record.id])[0]
        assert attendee.employee_id not in record.employees
        assert rep2.native(uid) is not None                      # her calendar keeps it
        assert rep2.app.store.proxy_by_uid(uid) is None          # no longer shared
        # The organizer's next sync does not put her back.
        rep1.sync()
        assert attendee.employee_id not in organizer.connector.read([record.id])[0].employees
    finally:
        rep1.app.close()
        rep2.app.close()


def test_rule_19_crm_attendees_are_written_with_schedule_agent_client(
        rep: Rep, tryton: Any, tryton_rep: Any) -> None:
    """The outbox of a scheduling server is checked in test_no_scheduling.py."""
    _, ann_mail = tryton.new_contact("ann")
    rep.plan_in_crm("Visit from the CRM", attendees=(ann_mail,))
    rep.sync()
    items = [i for i in rep.natives() if ann_mail in i.attendees]
    assert len(items) == 1
    text = items[0].raw.replace("\r\n ", "")
    attendee_lines = [line for line in text.splitlines() if line.startswith("ATTENDEE")]
    assert attendee_lines and all("SCHEDULE-AGENT=CLIENT" in line for line in attendee_lines)
    assert "ORGANIZER" not in text


def test_the_crm_link_line_is_written_once_and_never_synced_back(rep: Rep) -> None:
    """Aurea: the calendar item's description ends with a link to the CRM activity."""
    settings = rep.app.settings.copy()
    settings.sync.crm_link_line = True
    rep.app.save_settings(settings)
    record = rep.plan_in_crm("Quarterly review", comment="Agenda: prices")
    rep.sync()
    [item] = [i for i in rep.natives() if i.fields["description"] == "Quarterly review"]
    url = rep.crm.record_url(record.id)
    assert item.crm_link == url and item.fields["comment"] == "Agenda: prices"
    assert item.raw.replace("\r\n ", "").count(ical.LINK_PREFIX) == 1
    rep.edit_native(item.uid, comment="Agenda: prices and dates")
    rep.sync()
    assert rep.crm_record(record.id).fields["comment"] == "Agenda: prices and dates"
    item = rep.native(item.uid)
    assert item.raw.replace("\r\n ", "").count(ical.LINK_PREFIX) == 1
    assert rep.sync().calendar.updated == 0                   # nothing left to do
    settings.sync.crm_link_line = False
    rep.app.save_settings(settings)
    rep.sync()
    item = rep.native(item.uid)
    assert item.crm_link == "" and ical.LINK_PREFIX not in item.raw
    assert item.fields["comment"] == "Agenda: prices and dates"


def _mail(path: Path, message_id: str, sender: str, to: str) -> Path:
    path.write_text(
        f"From: Ann Customer <{sender}>\r\nTo: {to}\r\nSubject: Re: licence prices\r\n"
        f"Date: Thu, 19 Nov 2026 10:15:00 +0100\r\nMessage-ID: {message_id}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nThe prices look fine.\r\n",
        encoding="utf-8")
    return path


def test_seed_004_the_same_mail_shared_by_two_reps_is_one_activity(
        tmp_path: Path, caldav: Any, tryton_server: Any, tryton: Any, tryton_admin: Any,
        tryton_rep: Any, tryton_rep2: Any) -> None:
    account = tryton.new_account()
    ann, ann_mail = tryton.new_contact("ann", account)
    # The account is both reps' (an opportunity each): its contacts are cached.
    for rep in (tryton_rep, tryton_rep2):
        tryton_admin.create_opportunity(tryton.unique("Licences"), account, rep.employee_id)
    rep1 = make_rep(tmp_path / "rep1", caldav, tryton_server, tryton_rep)
    rep2 = make_rep(tmp_path / "rep2", caldav, tryton_server, tryton_rep2)
    try:
        # Seed 004: one mail, two mailboxes (Domino and POP3), two Message-IDs
        # that share the originator part.
        hexes = uuid.uuid4().hex.upper()
        notes = f"OF{hexes[:8]}.{hexes[8:16]}-ONC2257A9A.004F2A95-C2257A9A.004F30C1"
        for rep, variant, path in ((rep1, f"<{notes}@LocalDomain>", "one.eml"),
                                   (rep2, f"<{notes}@ld8.example.com>", "two.eml")):
            rep.sync()                                 # the contacts reach the cache
            preview = rep.app.preview_email(_mail(tmp_path / path, variant, ann_mail,
                                                  f"{tryton_rep.email}, {tryton_rep2.email}"))
            assert [c.id for c in preview.contacts] == [ann]
            assert str(preview.direction) == "email_in"
            view = rep.app.share_email(preview, account, None, [ann])
            assert view.display_in == "communication"
            rep.sync()
        rows = tryton_admin.call("crm.activity", "search_read",
                                 [("description", "=", "Re: licence prices"),
                                  ("contacts", "in", [ann])], 0, None, None,
                                 ["message_id", "owner", "employees"])
        assert len(rows) == 1, rows
        record = tryton_rep.connector.read([rows[0]["id"]])[0]
        assert record.owner == tryton_rep.employee_id          # the first to share owns it
        assert tryton_rep2.employee_id in record.employees     # the second joined the team
        assert record.fields["type"] == "email_in" and record.fields["account"] == account
        for rep in (rep1, rep2):
            [proxy] = [p for p in rep.app.store.proxies() if p.crm_id == record.id]
            assert proxy.state == "synced"
    finally:
        rep1.app.close()
        rep2.app.close()


def test_rule_13_a_contact_linked_from_the_share_bar_is_not_invited(
        rep: Rep, tryton: Any, tryton_rep: Any) -> None:
    ann, ann_mail = tryton.new_contact("ann")
    bob, _ = tryton.new_contact("bob")
    uid = _invite(rep, "Demo", [ann_mail], organizer=tryton_rep.email)
    _share(rep, uid)
    before = rep.native(uid)
    rep.app.set_links(rep.key(uid), None, None, (ann, bob))
    report = rep.sync()
    assert report.calendar.updated == 0
    assert rep.crm_by_uid(uid).fields["contacts"] == tuple(sorted((ann, bob)))
    after = rep.native(uid)
    assert after.attendees == (ann_mail,) and after.etag == before.etag

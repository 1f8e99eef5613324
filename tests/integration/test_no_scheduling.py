"""Rule 19 on a server that really schedules: crmdesk's writes make no invitation.

The module starts its own Xandikos (0.4.10) with RFC 6638 implicit
scheduling wired to a recording sendmail (`XandikosServer(imip_outbox=...)`):
every iTIP message it mails to an outside attendee lands in the outbox.
Xandikos schedules only for the calendar user it serves, so each test sets
the principal's calendar-user-address-set to the rep's e-mail address.

What Xandikos does, as these tests observe it:

* An object whose ORGANIZER is one of the principal's addresses is a
  scheduling object.  Each PUT that changes its scheduling signature (times,
  SUMMARY, DESCRIPTION, LOCATION, STATUS, the ATTENDEE lines with their
  parameters, ...) mails one iTIP REQUEST to every outside ATTENDEE, and
  stamps SCHEDULE-STATUS="1.1;Sent" on those lines; a DELETE mails a CANCEL.
  Xandikos never reads SCHEDULE-AGENT: an ORGANIZER or ATTENDEE carrying
  SCHEDULE-AGENT=CLIENT is scheduled all the same (the control below).
* An object without ORGANIZER, or organized by someone else and not
  changing the rep's own PARTSTAT, is never scheduled.

So on Xandikos rule 19 holds for everything crmdesk creates (CRM-born items
carry no ORGANIZER, and every ATTENDEE line carries SCHEDULE-AGENT=CLIENT)
and for the rep's own meetings that have no ORGANIZER.  It does NOT hold for
a meeting the rep organized herself (ORGANIZER = her address, as Thunderbird
writes it) once crmdesk writes a change into it, e.g. a time moved in the
CRM: Xandikos mails a REQUEST to each outside attendee although crmdesk
marked ORGANIZER and ATTENDEE SCHEDULE-AGENT=CLIENT.  RFC 6638 3.2.1 says
the server must not schedule then; this is a server limitation, stated by
`test_xandikos_ignores_schedule_agent_client_on_organizer_edits` so that a
fixed Xandikos makes it fail and this note can be updated.  (A link to an
account or a CRM delete changes nothing in the calendar and mails nothing.)

Two more facts this server shows, each stated by a test:

* crmdesk's engine deletes and recreates a native item whose Display In
  changes; a plain DELETE of a meeting the rep organized makes Xandikos mail
  a CANCEL to its attendees, so crmdesk first rewrites it without ORGANIZER
  (rule 18: no delete is ever sent as a cancellation).
* Xandikos refuses (412 CALDAV:attendee-allowed) every edit of an item with
  no ORGANIZER once one ATTENDEE is the rep's own address, so such a CRM
  activity stops following the CRM after its first write; crmdesk reports
  it in words ("only the meeting's organizer can change it").
"""

from __future__ import annotations

import email
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest

from crmdesk.devservers.caldav import XandikosServer
from crmdesk.model import NativeItem

from tests.fixtures.caldav import CalDavEnv, _environment, _start
from tests.integration.conftest import Rep, make_rep, soon

pytestmark = pytest.mark.integration

OUTSIDE = "partner@outside.example"


@pytest.fixture(scope="module")
def scheduling_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XandikosServer]:
    directory = tmp_path_factory.mktemp("xandikos-imip")
    server = XandikosServer(directory / "server", imip_outbox=directory / "outbox")
    yield from _start(server)   # type: ignore[misc]


@pytest.fixture
def calendar(scheduling_server: XandikosServer) -> Iterator[CalDavEnv]:
    yield from _environment("xandikos", scheduling_server)


@pytest.fixture
def rep(tmp_path: Path, calendar: CalDavEnv, tryton_server: Any,
        tryton_rep: Any) -> Iterator[Rep]:
    server: XandikosServer = calendar.server   # type: ignore[assignment]
    server.set_user_addresses([tryton_rep.email])
    server.clear_outbox()
    r = make_rep(tmp_path / "profile", calendar, tryton_server, tryton_rep)
    yield r
    r.app.close()


# -- helpers -------------------------------------------------------------

def _mails(rep: Rep) -> list[tuple[str, str, str]]:
    """(To, METHOD, the iCalendar text) of every mail the server sent."""
    found = []
    for raw in rep.caldav.server.outbox():
        message = email.message_from_bytes(raw)
        body = message.get_payload(decode=True).decode("utf-8")
        found.append((message["To"], message.get_param("method"), _unfold(body)))
    return found


def _unfold(text: str) -> str:
    text = text.replace("\r\n", "\n")
    return text.replace("\n ", "").replace("\n\t", "")


def _lines(item: NativeItem, name: str) -> list[str]:
    return [line for line in _unfold(item.raw).splitlines()
            if line.split(";")[0].split(":")[0] == name]


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def _by_summary(rep: Rep, summary: str) -> NativeItem:
    [item] = [i for i in rep.natives() if i.fields["description"] == summary]
    return item


def _put_raw(rep: Rep, summary: str, attendees: list[str], organizer: str = "",
             start: datetime | None = None) -> str:
    """A meeting as Thunderbird writes one (ORGANIZER and the organizer's
    own ATTENDEE line, no SCHEDULE-AGENT), or as a phone does without
    ORGANIZER when `organizer` is empty."""
    uid = f"{uuid.uuid4()}@client.test"
    start = start or soon(3, 10)
    people = []
    if organizer:
        people += [f"ORGANIZER;CN=Rep:mailto:{organizer}",
                   f"ATTENDEE;CN=Rep;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:{organizer}"]
    people += [f"ATTENDEE;RSVP=TRUE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT:mailto:{a}"
               for a in attendees]
    text = "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0",
        "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
        "BEGIN:VEVENT", f"UID:{uid}", f"DTSTAMP:{_stamp(soon(0))}",
        f"DTSTART:{_stamp(start)}", f"DTEND:{_stamp(start + timedelta(hours=1))}",
        f"SUMMARY:{summary}", *people, "SEQUENCE:0", "END:VEVENT", "END:VCALENDAR", ""])
    rep.caldav.put(uid, text)
    return uid


def _crm_write(rep: Rep, crm_id: int, **changes: Any) -> None:
    record = rep.crm_record(crm_id)
    assert record is not None
    rep.crm.write(record.id, changes, record.timestamp)


def _all_client_scheduled(item: NativeItem) -> None:
    lines = _lines(item, "ATTENDEE") + _lines(item, "ORGANIZER")
    assert lines and all("SCHEDULE-AGENT=CLIENT" in line for line in lines), lines


# -- tests ---------------------------------------------------------------

def test_rule_19_crmdesk_writes_queue_no_scheduling_message(
        rep: Rep, tryton: Any, tryton_rep: Any) -> None:
    # (a) Control: the rep's own invitation, PUT as Thunderbird would, is
    # announced; so this server schedules and an empty outbox below means
    # something.
    _put_raw(rep, "Control invitation", [OUTSIDE], organizer=tryton_rep.email)
    [(to, method, body)] = _mails(rep)
    assert (to, method) == (OUTSIDE, "REQUEST") and "SUMMARY:Control invitation" in body
    rep.caldav.server.clear_outbox()

    # (b) Activities planned in the CRM with attendees come to the calendar...
    account = tryton.new_account()
    _, ann = tryton.new_contact("ann", account)
    _, bob = tryton.new_contact("bob", account)
    stranger = f"stranger-{uuid.uuid4().hex[:6]}@nowhere.example"
    visit = rep.plan_in_crm("Visit planned in the CRM", soon(4, 14), attendees=(ann, stranger))
    call = rep.plan_in_crm("Call planned in the CRM", soon(5, 9), attendees=(bob,),
                           display_in="todo")
    assert rep.sync().calendar.created == 2
    assert _mails(rep) == []
    for summary in ("Visit planned in the CRM", "Call planned in the CRM"):
        item = _by_summary(rep, summary)
        _all_client_scheduled(item)
        assert _lines(item, "ORGANIZER") == []

    # ... then the CRM moves the visit, renames it and changes its invitees.
    moved = soon(6, 11)
    _crm_write(rep, visit.id, planned_start=moved, planned_end=moved + timedelta(hours=2),
               description="Visit moved in the CRM", attendees=(ann, bob))
    call_at = soon(5, 16)
    _crm_write(rep, call.id, planned_start=call_at, planned_end=call_at,
               description="Call renamed in the CRM")
    assert rep.sync().calendar.updated == 2
    assert _mails(rep) == []
    item = _by_summary(rep, "Visit moved in the CRM")
    assert (item.fields["planned_start"], item.attendees) == (moved, tuple(sorted((ann, bob))))
    _all_client_scheduled(item)
    _all_client_scheduled(_by_summary(rep, "Call renamed in the CRM"))

    # The rep shares a meeting of her own with invitees and no ORGANIZER
    # (as a phone writes it) and links an account (a CRM-only field).
    own = _put_raw(rep, "Own meeting, no organizer", [ann, OUTSIDE])
    rep.sync()
    rep.app.share(rep.key(own))
    rep.sync()
    rep.app.set_links(rep.key(own), account, None, ())
    rep.sync()
    record = rep.crm_by_uid(own)
    assert record is not None and record.fields["account"] == account
    assert _mails(rep) == []
    # The CRM moves it: crmdesk writes into the rep's own meeting, silently.
    later = soon(7, 15)
    _crm_write(rep, record.id, planned_start=later, planned_end=later + timedelta(hours=1))
    assert rep.sync().calendar.updated == 1
    assert _mails(rep) == []
    item = rep.native(own)
    assert item is not None and item.fields["planned_start"] == later
    _all_client_scheduled(item)

    # A CRM delete removes the CRM-born to-do from the calendar: no CANCEL.
    rep.crm.delete([call.id])
    rep.sync()
    assert [i for i in rep.natives() if i.fields["description"].startswith("Call")] == []
    assert _mails(rep) == []


def test_xandikos_ignores_schedule_agent_client_on_organizer_edits(
        rep: Rep, tryton: Any, tryton_rep: Any) -> None:
    """A server limitation, not crmdesk's choice: RFC 6638 3.2.1 says the
    server must not schedule for an ORGANIZER/ATTENDEE marked
    SCHEDULE-AGENT=CLIENT, yet Xandikos 0.4.10 mails a REQUEST when crmdesk
    patches a meeting the rep organized.  A fixed Xandikos fails this test:
    then update the module docstring."""
    uid = _put_raw(rep, "Quarterly review", [OUTSIDE], organizer=tryton_rep.email)
    assert [(to, m) for to, m, _ in _mails(rep)] == [(OUTSIDE, "REQUEST")]   # Thunderbird's own
    rep.caldav.server.clear_outbox()

    rep.sync()
    rep.app.share(rep.key(uid))
    rep.sync()
    record = rep.crm_by_uid(uid)
    assert record is not None
    rep.app.set_links(rep.key(uid), tryton.new_account(), None, ())
    rep.sync()
    assert _mails(rep) == []            # sharing and a CRM-only link don't touch the calendar

    # The CRM moves the meeting: crmdesk patches it, marked SCHEDULE-AGENT=CLIENT...
    moved = soon(8, 13)
    _crm_write(rep, record.id, planned_start=moved, planned_end=moved + timedelta(hours=1))
    assert rep.sync().calendar.updated == 1
    item = rep.native(uid)
    assert item is not None and item.fields["planned_start"] == moved
    _all_client_scheduled(item)
    # ... and Xandikos announces it all the same: one REQUEST to the outside
    # attendee (none to the rep herself), with the new time.
    [(to, method, body)] = _mails(rep)
    assert (to, method) == (OUTSIDE, "REQUEST")
    assert f"DTSTART:{_stamp(moved)}" in body
    [outside_line] = [line for line in _lines(item, "ATTENDEE") if OUTSIDE in line]
    assert 'SCHEDULE-STATUS="1.1;Sent"' in outside_line
    rep.caldav.server.clear_outbox()

    # A CRM delete unshares the rep's meeting and keeps it (rule 11): no CANCEL.
    rep.crm.delete([record.id])
    rep.sync()
    assert rep.native(uid) is not None
    assert _mails(rep) == []




def test_rule_18_a_display_in_change_cancels_nothing_for_the_meeting_the_rep_organized(
        rep: Rep, tryton_rep: Any) -> None:
    """The CRM turns the rep's shared meeting into a to-do, so the engine
    deletes the VEVENT (Display In changed) and creates a VTODO.  The stored
    VEVENT is Thunderbird's, organized by the rep with no SCHEDULE-AGENT: a
    plain DELETE makes Xandikos (and any RFC 6638 server) mail a CANCEL to the
    outside attendee.  crmdesk first rewrites the item without ORGANIZER and
    with SCHEDULE-AGENT=CLIENT (sync.apply_calendar._quieted), so nothing is sent."""
    uid = _put_raw(rep, "Quarterly review", [OUTSIDE], organizer=tryton_rep.email)
    rep.caldav.server.clear_outbox()
    rep.sync()
    rep.app.share(rep.key(uid))
    rep.sync()
    record = rep.crm_by_uid(uid)
    assert record is not None and _mails(rep) == []
    _crm_write(rep, record.id, display_in="todo")
    report = rep.sync()
    assert (report.calendar.deleted, report.calendar.created) == (1, 1)
    item = rep.native(uid)
    assert item is not None and item.component == "VTODO"
    assert _mails(rep) == []


def test_xandikos_refuses_edits_of_an_item_without_organizer_that_lists_the_rep(
        rep: Rep, tryton_rep: Any) -> None:
    """A server limitation: RFC 6638 3.1 limits an attendee to her own
    ATTENDEE line on a scheduling object resource, i.e. one with an
    ORGANIZER.  Xandikos 0.4.10 applies it to an item with no ORGANIZER as
    soon as one ATTENDEE is the rep's own address: every later edit (by
    crmdesk or any client) is refused with 412 CALDAV:attendee-allowed.  So
    a CRM activity whose attendees include the rep reaches the calendar once
    and then stops following the CRM (the item is listed among the sync's
    errors).  A fixed Xandikos fails this test: update the module docstring."""
    visit = rep.plan_in_crm("Visit with the rep invited", attendees=(tryton_rep.email, OUTSIDE))
    assert rep.sync().calendar.created == 1
    _crm_write(rep, visit.id, description="Visit renamed in the CRM")
    report = rep.app.sync()
    item = _by_summary(rep, "Visit with the rep invited")       # the calendar kept the old text
    assert [entry.key for entry in report.errors] == [item.uid]
    assert "only the meeting's organizer" in report.errors[0].reason   # not "kept changing"
    assert report.calendar.updated == 0 and _mails(rep) == []
    url = rep.caldav.server.url.rstrip("/") + item.href
    resp = rep.caldav.raw.put(url, data=item.raw.replace("with the rep", "by hand").encode(),
                              headers={"Content-Type": "text/calendar", "If-Match": item.etag})
    assert resp.status_code == 412 and "attendee-allowed" in resp.text

"""Rule 2 across reps (seed 004, "a meeting that includes multiple attendees"):
the organizer and an attendee both share the same meeting from their own
calendars; the CRM ends with ONE activity whose team holds both of them.
Then rule 10: when the attendee deletes her copy, she only leaves the team.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest

from crmdesk.model.activity import normalize_fields
from crmdesk.pim import ical

from tests.integration.conftest import make_rep, second_calendar, soon

pytestmark = pytest.mark.integration


def _meeting(uid: str, organizer: str, attendee: str) -> str:
    start = soon(3, 10)
    fields = normalize_fields({"description": "Joint visit at Wayne Enterprises",
                               "planned_start": start,
                               "planned_end": start + timedelta(hours=2)})
    return ical.render_new(uid, "VEVENT", fields, organizer=organizer,
                           attendees=[(attendee, "")])


def test_rule_2_two_reps_sharing_one_meeting_make_one_activity(tmp_path: Path, caldav,
                                                        tryton_server, tryton_rep,
                                                        tryton_rep2) -> None:
    organizer, attendee = tryton_rep, tryton_rep2
    uid = f"{uuid.uuid4()}@groupware.test"
    text = _meeting(uid, organizer.email, attendee.email)
    # Each rep has her own calendar holding the same meeting (same UID, organizer).
    second = second_calendar(caldav)
    rep1 = make_rep(tmp_path / "rep1", caldav, tryton_server, organizer)
    rep2 = make_rep(tmp_path / "rep2", second, tryton_server, attendee)
    try:
        caldav.put(uid, text)
        second.raw.put(second.calendar_url + "meeting.ics", data=text.encode(),
                       headers={"Content-Type": "text/calendar"}).raise_for_status()
        for rep in (rep1, rep2):
            rep.sync()
            rep.app.share(rep.key(uid))
        assert rep1.sync().crm.created == 1
        report = rep2.sync()
        assert report.crm.created == 0
        # The organizer's create put the attendee on the team already (rule 13),
        # so her change feed brings the activity and her share links to it.
        [proxy] = rep2.app.store.proxies()
        assert proxy.uid == uid and proxy.crm_id is not None and proxy.state == "synced"
        found = organizer.connector._call("sync_search", [("integration_id", "=", uid)], None)
        assert len(found) == 1
        record = organizer.connector.read([found[0]["id"]])[0]
        assert record.owner == organizer.employee_id          # the organizer owns it
        assert proxy.crm_id == record.id
        assert attendee.employee_id in record.employees       # the attendee joined the team
        assert rep2.app.item(rep2.key(uid)).share_state.value == "synced"

        # Rule 10: the attendee deletes her copy: she leaves the team, nothing else.
        rep2.delete_native(uid)
        assert rep2.sync().crm.deleted == 0
        record = organizer.connector.read([record.id])[0]
        assert attendee.employee_id not in record.employees
        assert attendee.connector.read([record.id]) == []
        assert rep1.native(uid) is not None and rep1.sync().calendar.deleted == 0
    finally:
        rep1.app.close()
        rep2.app.close()

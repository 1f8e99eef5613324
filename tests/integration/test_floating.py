"""Rule 6 on real servers: floating times are the rep's zone (the setting,
default the system's), and a change of that setting reads them again."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

import pytest

from tests.integration.conftest import Rep
from tests.integration.test_series import _monday

pytestmark = pytest.mark.integration


def test_rule_6_a_floating_meeting_is_at_its_wall_clock_in_the_reps_zone(rep: Rep) -> None:
    day = _monday(2)            # winter: Copenhagen UTC+1, New York UTC-5
    uid = f"{uuid.uuid4()}@phone.test"
    rep.caldav.put(uid, "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//phone//EN", "BEGIN:VEVENT",
        f"UID:{uid}", "DTSTAMP:20261101T000000Z", "SUMMARY:Floating breakfast",
        f"DTSTART:{day:%Y%m%d}T090000", f"DTEND:{day:%Y%m%d}T100000",
        "END:VEVENT", "END:VCALENDAR", ""]))
    rep.use_zone("Europe/Copenhagen")
    rep.sync()
    rep.app.share(rep.key(uid))
    rep.sync()
    start = datetime.combine(day, datetime.min.time(), timezone.utc)
    assert rep.crm_by_uid(uid).fields["planned_start"] == start + timedelta(hours=8)
    # The rep moves to New York: the same wall-clock is another instant.
    rep.use_zone("America/New_York")
    rep.sync()
    assert rep.crm_by_uid(uid).fields["planned_start"] == start + timedelta(hours=14)
    # A CRM edit is written back floating, at the wall-clock of the rep's zone.
    record = rep.crm_by_uid(uid)
    rep.crm.write(record.id, {"planned_start": start + timedelta(hours=15),
                              "planned_end": start + timedelta(hours=16)}, record.timestamp)
    rep.sync()
    raw = rep.native(uid).raw.replace("\r\n", "\n")
    assert f"DTSTART:{day:%Y%m%d}T100000\n" in raw and "TZID" not in raw

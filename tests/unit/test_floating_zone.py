"""Rule 6 (issue 4): floating times are the rep's local zone, a setting.

The iCalendar reader and writer take that zone (`zone=`); None keeps the
system zone.  A floating 09:00 in winter is 14:00 UTC in New York and
08:00 UTC in Copenhagen, read and written back at the same wall-clock.
"""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from icalendar import Calendar

from crmdesk.model.occurrence import rid_key
from crmdesk.pim.caldav import CalDavClient
from crmdesk.pim.ical import parse_item, patch
from crmdesk.pim.ical_occurrences import add_occurrence, drop_occurrence
from crmdesk.service import IcalRenderer

UTC = timezone.utc
NYC = ZoneInfo("America/New_York")
CPH = ZoneInfo("Europe/Copenhagen")
HREF = "/cal/floating.ics"


def cal(*lines: str) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *lines,
                        "END:VCALENDAR", ""])


def vevent(*props: str) -> list[str]:
    return ["BEGIN:VEVENT", "UID:float-1", "DTSTAMP:20260101T000000Z", *props, "END:VEVENT"]


ONE = cal(*vevent("DTSTART:20260112T090000", "DTEND:20260112T100000", "SUMMARY:Call"))
# Weekly on Mondays at 09:00 floating; the 19 January one is only re-stated
# (same wall-clock, same fields), the 26 January one moved to 11:00.
SERIES = cal(
    *vevent("DTSTART:20260112T090000", "DTEND:20260112T100000", "SUMMARY:Standup",
            "RRULE:FREQ=WEEKLY;COUNT=6"),
    *vevent("RECURRENCE-ID:20260119T090000", "DTSTART:20260119T090000",
            "DTEND:20260119T100000", "SUMMARY:Standup"),
    *vevent("RECURRENCE-ID:20260126T090000", "DTSTART:20260126T110000",
            "DTEND:20260126T120000", "SUMMARY:Standup"))


def master_prop(raw: str, name: str) -> object:
    comp = next(c for c in Calendar.from_ical(raw).walk("VEVENT") if "RECURRENCE-ID" not in c)
    return comp.get(name)


def test_rule6_floating_start_read_in_the_reps_zone() -> None:
    nyc = parse_item(HREF, "", ONE, zone=NYC).fields
    cph = parse_item(HREF, "", ONE, zone=CPH).fields
    assert nyc["planned_start"] == datetime(2026, 1, 12, 14, tzinfo=UTC)
    assert nyc["planned_end"] == datetime(2026, 1, 12, 15, tzinfo=UTC)
    assert cph["planned_start"] == datetime(2026, 1, 12, 8, tzinfo=UTC)


def test_rule6_default_zone_is_the_system_zone() -> None:
    fields = parse_item(HREF, "", ONE).fields
    assert fields["planned_start"] == datetime(2026, 1, 12, 9).astimezone(UTC)
    moved = patch(ONE, {"planned_start": datetime(2026, 1, 12, 15).astimezone(UTC),
                        "planned_end": datetime(2026, 1, 12, 16).astimezone(UTC)})
    assert master_prop(moved, "DTSTART").dt == datetime(2026, 1, 12, 15)


def test_rule6_patch_keeps_floating_at_the_wall_clock_of_the_zone() -> None:
    # 15:00 New York is 20:00 UTC: written back as floating 15:00, not in UTC.
    moved = patch(ONE, {"planned_start": datetime(2026, 1, 12, 20, tzinfo=UTC),
                        "planned_end": datetime(2026, 1, 12, 21, tzinfo=UTC)}, zone=NYC)
    assert master_prop(moved, "DTSTART").dt == datetime(2026, 1, 12, 15)
    assert master_prop(moved, "DTEND").dt == datetime(2026, 1, 12, 16)
    again = parse_item(HREF, "", moved, zone=NYC).fields
    assert again["planned_start"] == datetime(2026, 1, 12, 20, tzinfo=UTC)


def test_rule6_floating_override_compared_in_the_reps_zone() -> None:
    for zone in (NYC, CPH):
        series = parse_item(HREF, "", SERIES, zone=zone)
        assert series.recurrence is not None
        assert [rid_key(r) for r in series.recurrence.overridden] == ["20260126T090000"]
        (moved,) = series.overrides
        assert moved.fields["planned_start"] == datetime(2026, 1, 26, 11, tzinfo=zone) \
            .astimezone(UTC)


def test_rule6_add_occurrence_writes_floating_wall_clock() -> None:
    rid = datetime(2026, 2, 2, 9)
    raw = add_occurrence(SERIES, rid, {"description": "Standup", "all_day": False,
                                       "planned_start": datetime(2026, 2, 2, 15, tzinfo=UTC),
                                       "planned_end": datetime(2026, 2, 2, 16, tzinfo=UTC)},
                         zone=NYC)
    override = next(c for c in Calendar.from_ical(raw).walk("VEVENT")
                    if rid_key(c.decoded("RECURRENCE-ID", None) or datetime.min) == rid_key(rid))
    assert override.decoded("DTSTART") == datetime(2026, 2, 2, 10)    # 15:00 UTC in New York
    item = parse_item(HREF, "", raw, zone=NYC)
    assert "20260202T090000" in [rid_key(r) for r in item.recurrence.overridden]


def test_rule6_drop_occurrence_writes_floating_exdate_in_the_reps_zone() -> None:
    # A deleted occurrence known by its UTC instant (14:00 UTC = 09:00 New York).
    raw = drop_occurrence(SERIES, "20260202T140000Z", exclude=True, zone=NYC)
    exdate = master_prop(raw, "EXDATE")
    assert [d.dt for d in exdate.dts] == [datetime(2026, 2, 2, 9)]
    assert "EXDATE:20260202T090000\r\n" in raw
    # The same instant in Copenhagen is 15:00 there: no occurrence, but still
    # written at that wall-clock (never as the system zone's).
    other = drop_occurrence(SERIES, "20260202T140000Z", exclude=True, zone=CPH)
    assert [d.dt for d in master_prop(other, "EXDATE").dts] == [datetime(2026, 2, 2, 15)]


def test_rule6_drop_occurrence_by_floating_key() -> None:
    raw = drop_occurrence(SERIES, "20260126T090000", exclude=True, zone=NYC)
    assert "RECURRENCE-ID:20260126T090000" not in raw
    assert [d.dt for d in master_prop(raw, "EXDATE").dts] == [datetime(2026, 1, 26, 9)]
    # Excluding it again (same wall-clock, given as its New York instant) adds nothing.
    twice = drop_occurrence(raw, "20260126T140000Z", exclude=True, zone=NYC)
    assert [d.dt for d in master_prop(twice, "EXDATE").dts] == [datetime(2026, 1, 26, 9)]


def test_rule6_renderer_and_client_carry_the_zone() -> None:
    renderer = IcalRenderer(NYC)
    moved = renderer.patch(ONE, {"planned_start": datetime(2026, 1, 12, 20, tzinfo=UTC),
                                 "planned_end": datetime(2026, 1, 12, 21, tzinfo=UTC)})
    assert master_prop(moved, "DTSTART").dt == datetime(2026, 1, 12, 15)
    assert IcalRenderer().zone is None
    assert CalDavClient("https://example.com/dav/", "u", "p").zone is None

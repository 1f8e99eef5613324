"""Rule 6 for series: DST shifts never move a repeating meeting.

A weekly 09:00 meeting stays at 09:00 local on both sides of both DST
transitions, in the calendar and in the CRM (which holds UTC); its UTC
instant moves by the hour instead.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from crmdesk.model.recurrence import (
    CrmRepeat,
    NativeSeries,
    RepeatType,
    crm_to_native,
    expand_crm,
    expand_native,
    native_to_crm,
    start_from_crm,
    start_to_crm,
)

UTC = timezone.utc
TODAY = date(2026, 1, 10)
YEAR = (date(2026, 1, 1), date(2027, 1, 1))
# zone -> the 2026 transitions: (spring forward, fall back) in local dates
TRANSITIONS = {
    "Europe/Copenhagen": (date(2026, 3, 29), date(2026, 10, 25)),
    "America/New_York": (date(2026, 3, 8), date(2026, 11, 1)),
    "Australia/Sydney": (date(2026, 10, 4), date(2026, 4, 5)),
}
PATTERNS = ["FREQ=WEEKLY", "FREQ=WEEKLY;INTERVAL=2", "FREQ=WEEKLY;BYDAY=MO,TH"]


def crm_start(start: datetime, zone: ZoneInfo) -> datetime:
    """What the CRM stores (naive UTC) and the client reads back into the zone."""
    stored = start_to_crm(start).replace(tzinfo=None)
    return start_from_crm(stored, False, zone)  # type: ignore[return-value]


@pytest.mark.parametrize("rrule", PATTERNS)
@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_rule6_weekly_0900_stays_0900_local_on_both_sides(name: str, rrule: str) -> None:
    zone = ZoneInfo(name)
    series = NativeSeries(datetime(2026, 1, 5, 9, tzinfo=zone), rrule)
    mapped = native_to_crm(series, today=TODAY, future_days=365)
    assert mapped.repeat is not None
    start = crm_start(series.dtstart, zone)  # type: ignore[arg-type]
    native = expand_native(series, *YEAR)
    crm = expand_crm(mapped.repeat, start, *YEAR)
    back = expand_native(crm_to_native(mapped.repeat, start).series(start), *YEAR)
    assert [o.astimezone(UTC) for o in crm] == [o.astimezone(UTC) for o in native] \
        == [o.astimezone(UTC) for o in back]                             # type: ignore[union-attr]
    assert {o.astimezone(zone).time() for o in crm} == {time(9)}          # type: ignore[union-attr]
    utc_hours = sorted({o.astimezone(UTC).hour for o in crm})            # type: ignore[union-attr]
    assert len(utc_hours) == 2 and (utc_hours[1] - utc_hours[0]) % 24 == 1


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_rule6_utc_gap_across_each_transition_is_a_day_plus_or_minus_an_hour(name: str) -> None:
    zone = ZoneInfo(name)
    spring, autumn = TRANSITIONS[name]
    series = NativeSeries(datetime(2026, 1, 4, 9, tzinfo=zone), "FREQ=DAILY")
    mapped = native_to_crm(series, today=TODAY, future_days=365)
    assert mapped.repeat is not None
    start = crm_start(series.dtstart, zone)  # type: ignore[arg-type]
    for day, shift in ((spring, -1), (autumn, +1)):
        before, after = expand_crm(mapped.repeat, start, day - timedelta(days=1),
                                   day + timedelta(days=1))
        # (aware datetimes in one zone subtract as wall-clock times: compare in UTC)
        gap = after.astimezone(UTC) - before.astimezone(UTC)            # type: ignore[union-attr]
        assert gap == timedelta(days=1, hours=shift)
        assert {before.astimezone(zone).hour,                         # type: ignore[union-attr]
                after.astimezone(zone).hour} == {9}                     # type: ignore[union-attr]


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_rule6_crm_born_series_keeps_local_time(name: str) -> None:
    """A series created in the CRM in winter, read in summer and in winter."""
    zone = ZoneInfo(name)
    planned = datetime(2026, 1, 6, 9, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
    repeat = CrmRepeat(RepeatType.WEEKLY, date(2026, 12, 29), (date(2026, 7, 7),))
    start = start_from_crm(planned, False, zone)
    found = expand_crm(repeat, start, *YEAR)
    assert len(found) == 51
    assert date(2026, 7, 7) not in {o.date() for o in found}             # type: ignore[union-attr]
    assert {o.astimezone(zone).time() for o in found} == {time(9)}       # type: ignore[union-attr]
    native = crm_to_native(repeat, start)
    assert native.text == f"FREQ=WEEKLY;UNTIL={start_to_crm(found[-1]).strftime('%Y%m%dT%H%M%SZ')}"
    assert native.exdates == (datetime(2026, 7, 7, 9, tzinfo=zone),)
    assert expand_native(native.series(start), *YEAR) == found


def test_rule6_floating_series_is_wall_clock_in_the_reps_zone() -> None:
    zone = ZoneInfo("Europe/Copenhagen")
    series = NativeSeries(datetime(2026, 3, 23, 9), "FREQ=WEEKLY", zone=zone)
    found = expand_native(series, date(2026, 3, 20), date(2026, 4, 10))
    assert found == [datetime(2026, 3, 23, 9), datetime(2026, 3, 30, 9), datetime(2026, 4, 6, 9)]
    assert start_to_crm(series.dtstart, zone) == datetime(2026, 3, 23, 8, tzinfo=UTC)
    assert start_from_crm(datetime(2026, 3, 23, 8), False, zone, floating=True) \
        == series.dtstart
    # an aware window bound is an instant: 07:30 UTC on the 30th is 09:30 local
    assert expand_native(series, datetime(2026, 3, 30, 7, 30, tzinfo=UTC),
                         date(2026, 4, 10)) == found[2:]


def test_rule6_allday_series_ignores_dst() -> None:
    zone = ZoneInfo("America/New_York")
    series = NativeSeries(date(2026, 3, 2), "FREQ=WEEKLY", zone=zone)
    mapped = native_to_crm(series, today=TODAY, future_days=180)
    assert mapped.repeat == CrmRepeat(RepeatType.WEEKLY)
    start = start_from_crm(start_to_crm(series.dtstart), True, zone)
    assert start == date(2026, 3, 2)
    assert expand_crm(mapped.repeat, start, date(2026, 3, 1), date(2026, 3, 17), zone) \
        == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]


def test_rule6_nonexistent_local_time_reads_with_the_offset_before_the_gap() -> None:
    """RFC 5545 3.3.5: 02:30 on the spring-forward day is 03:30 summer time."""
    zone = ZoneInfo("Europe/Copenhagen")
    series = NativeSeries(datetime(2026, 3, 27, 2, 30, tzinfo=zone), "FREQ=DAILY;COUNT=4")
    mapped = native_to_crm(series, today=TODAY, future_days=180)
    assert mapped.repeat is not None
    start = crm_start(series.dtstart, zone)  # type: ignore[arg-type]
    native = [o.astimezone(UTC) for o in expand_native(series, *YEAR)]  # type: ignore[union-attr]
    crm = [o.astimezone(UTC)                                             # type: ignore[union-attr]
           for o in expand_crm(mapped.repeat, start, *YEAR)]
    assert native == crm
    assert native[2] == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)

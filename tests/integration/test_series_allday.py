"""All-day entries and all-day series both ways on real servers (rules 6, 16, 17).

An all-day entry keeps its dates whatever the rep's zone: the calendar holds
DATE values (DTEND the day after the last day), the CRM the all-day flag with
00:00 UTC of the first day and of the day after the last (rule 6).  Series
are compared as the dates of their occurrences, the calendar's expanded from
its RRULE/EXDATE, the CRM's from its repeating type, expiry and exceptions.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta, timezone
from typing import Iterable
from zoneinfo import ZoneInfo

import pytest
from dateutil.relativedelta import relativedelta

from crmdesk.model import CrmRecord, NativeItem
from crmdesk.model.recurrence import CrmRepeat, RepeatType, expand_crm, expand_native
from tests.integration.conftest import Rep

pytestmark = pytest.mark.integration

UTC = timezone.utc
# "" is the system zone; one zone far west of UTC, one far east.
ZONES = ("", "America/Los_Angeles", "Pacific/Auckland")
AWAY = ("America/Los_Angeles", "Pacific/Auckland")
DAY = timedelta(days=1)


def _monday(weeks: int = 1) -> date:
    today = datetime.now(UTC).date()
    return today + timedelta(days=7 * weeks - today.weekday())


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def _put_allday(rep: Rep, summary: str, first: date, days: int = 1, rule: str = "",
                exdates: Iterable[date] = ()) -> str:
    """An all-day VEVENT as a phone writes it: DATE values, DTEND exclusive."""
    uid = f"{uuid.uuid4()}@phone.test"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//phone//EN", "BEGIN:VEVENT",
             f"UID:{uid}", "DTSTAMP:20261101T000000Z", f"SUMMARY:{summary}",
             f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
             f"DTEND;VALUE=DATE:{first + days * DAY:%Y%m%d}"]
    lines += [f"RRULE:{rule}"] if rule else []
    lines += [f"EXDATE;VALUE=DATE:{d:%Y%m%d}" for d in exdates]
    lines += ["TRANSP:TRANSPARENT", "END:VEVENT", "END:VCALENDAR", ""]
    rep.caldav.put(uid, "\r\n".join(lines))
    return uid


def _shared(rep: Rep, uid: str) -> CrmRecord:
    rep.sync()
    rep.app.share(rep.key(uid))
    rep.sync()
    record = rep.crm_by_uid(uid)
    assert record is not None
    return record


def _plan_allday(rep: Rep, description: str, first: date, days: int = 1,
                 repeat: CrmRepeat | None = None) -> tuple[CrmRecord, str]:
    """An all-day activity made in the CRM (00:00 UTC, rule 6), synced to the calendar."""
    record = rep.plan_in_crm(description, _midnight(first), all_day=True,
                             planned_end=_midnight(first + days * DAY))
    if repeat is not None:
        rep.crm.write(record.id, repeat.to_extra(), record.timestamp)
    assert rep.sync().calendar.created == 1
    proxy = rep.app.store.proxy_by_crm_id(record.id)
    assert proxy is not None and proxy.uid
    return rep.crm_record(record.id), proxy.uid


def _prop(raw: str, name: str) -> list[str]:
    """The master's lines of property `name` (unfolded), e.g.
    'DTSTART;VALUE=DATE:20261102'; overrides (RECURRENCE-ID) are left out."""
    text = re.sub(r"\r?\n[ \t]", "", raw)
    master = next(block for block in text.split("BEGIN:VEVENT")[1:]
                  if "RECURRENCE-ID" not in block)
    return [line for line in master.splitlines() if re.match(rf"{name}[;:]", line)]


def _span(fields: dict, first: date, days: int) -> None:
    """All-day, from 00:00 UTC of `first` to 00:00 UTC of the day after the last."""
    got = (fields["all_day"], fields["planned_start"], fields["planned_end"])
    assert got == (True, _midnight(first), _midnight(first + days * DAY))


def _assert_dates(native: NativeItem, first: date, days: int) -> None:
    """DTSTART/DTEND are DATE values on the same days (no zone, no time)."""
    assert _prop(native.raw, "DTSTART") == [f"DTSTART;VALUE=DATE:{first:%Y%m%d}"]
    assert _prop(native.raw, "DTEND") == [f"DTEND;VALUE=DATE:{first + days * DAY:%Y%m%d}"]
    assert "VTIMEZONE" not in native.raw and not any(
        "TZID" in line for line in _prop(native.raw, "[A-Z-]+"))
    _span(native.fields, first, days)


def _assert_crm_dates(record: CrmRecord, first: date, days: int) -> None:
    _span(record.fields, first, days)


def _occurrences(rep: Rep, uid: str, low: date, high: date) -> list[date]:
    """The series' dates on both sides over [low, high), which must agree."""
    native, record = rep.native(uid), rep.crm_by_uid(uid)
    assert native is not None and native.recurrence is not None and record is not None
    series, repeat = native.recurrence, CrmRepeat.from_extra(record.extra)
    assert repeat is not None
    mine = expand_native(series, low, high)
    theirs = expand_crm(repeat, record.fields["planned_start"].date(), low, high)
    # No time of day crept in anywhere, and both sides agree.
    assert all(type(d) is date for d in (series.dtstart, *series.exdates, *mine, *theirs))
    assert mine == theirs
    return mine


# -- single all-day entries ------------------------------------------------------

@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("days", [1, 3])
def test_rule_6_an_all_day_entry_from_the_calendar_keeps_its_dates(
        rep: Rep, zone: str, days: int) -> None:
    rep.use_zone(zone)
    first = _monday() + timedelta(days=2)
    uid = _put_allday(rep, "Trade fair", first, days)
    record = _shared(rep, uid)
    _assert_crm_dates(record, first, days)
    # A CRM edit of the subject comes back without moving the dates.
    rep.crm.write(record.id, {"description": "Trade fair (booth 12)"}, record.timestamp)
    assert rep.sync().calendar.updated == 1
    native = rep.native(uid)
    assert native.fields["description"] == "Trade fair (booth 12)"
    _assert_dates(native, first, days)
    _assert_crm_dates(rep.crm_by_uid(uid), first, days)
    again = rep.sync()
    assert (again.calendar.updated, again.crm.updated) == (0, 0)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("days", [1, 3])
def test_rule_6_an_all_day_entry_from_the_crm_reaches_the_calendar_as_dates(
        rep: Rep, zone: str, days: int) -> None:
    rep.use_zone(zone)
    rep.sync()
    first = _monday() + timedelta(days=4)
    record, uid = _plan_allday(rep, "Company holiday", first, days)
    _assert_dates(rep.native(uid), first, days)
    # A calendar edit of the subject reaches the CRM; the dates stay.
    rep.edit_native(uid, description="Company holiday (office closed)")
    assert rep.sync().crm.updated == 1
    record = rep.crm_record(record.id)
    assert record.fields["description"] == "Company holiday (office closed)"
    _assert_crm_dates(record, first, days)
    _assert_dates(rep.native(uid), first, days)
    # Moved on either side, it moves by whole days: the CRM a day on, two days long...
    later = first + DAY
    rep.crm.write(record.id, {"planned_start": _midnight(later),
                              "planned_end": _midnight(later + timedelta(days=2))},
                  record.timestamp)
    assert rep.sync().calendar.updated == 1
    _assert_dates(rep.native(uid), later, 2)
    # ... the calendar a week on, one day long.
    week = later + timedelta(weeks=1)
    rep.edit_native(uid, planned_start=_midnight(week), planned_end=_midnight(week) + DAY)
    assert rep.sync().crm.updated == 1
    _assert_crm_dates(rep.crm_record(record.id), week, 1)


# -- all-day series ----------------------------------------------------------------

@pytest.mark.parametrize("zone", ZONES)
def test_rule_16_an_all_day_weekly_series_from_the_calendar(rep: Rep, zone: str) -> None:
    rep.use_zone(zone)
    first = _monday() + DAY
    skipped = first + timedelta(weeks=2)
    uid = _put_allday(rep, "Working from home", first, 1, "FREQ=WEEKLY;COUNT=8", [skipped])
    record = _shared(rep, uid)
    last = first + timedelta(weeks=7)
    assert CrmRepeat.from_extra(record.extra) == \
        CrmRepeat(RepeatType.WEEKLY, last, (skipped,))
    _assert_crm_dates(record, first, 1)
    want = [first + timedelta(weeks=k) for k in range(8) if k != 2]
    assert _occurrences(rep, uid, first - timedelta(days=7), last + timedelta(days=30)) == want
    # A CRM edit of the subject keeps the series and its dates as written.
    rep.crm.write(record.id, {"description": "WFH"}, record.timestamp)
    assert rep.sync().calendar.updated == 1
    native = rep.native(uid)
    _assert_dates(native, first, 1)
    assert _prop(native.raw, "RRULE") == ["RRULE:FREQ=WEEKLY;COUNT=8"]
    assert _occurrences(rep, uid, first - timedelta(days=7), last + timedelta(days=30)) == want
    # The CRM shortens it: UNTIL takes DTSTART's value type, a DATE (RFC 5545).
    record = rep.crm_by_uid(uid)
    shorter = CrmRepeat(RepeatType.WEEKLY, first + timedelta(weeks=5), (skipped,))
    rep.crm.write(record.id, shorter.to_extra(), record.timestamp)
    assert rep.sync().calendar.updated == 1
    assert _prop(rep.native(uid).raw, "RRULE") == \
        [f"RRULE:FREQ=WEEKLY;UNTIL={shorter.expires:%Y%m%d}"]
    assert _occurrences(rep, uid, first, last) == want[:5]


def _crm_series_start(case: str) -> date:
    if case == "yearly from 29 February":
        return date(2024, 2, 29)
    if case == "yearly from 100 days ago":
        return _monday() - timedelta(days=100)
    first = _monday() + timedelta(days=5)      # monthly: a day of the month all months have
    return first if first.day <= 28 else first + timedelta(weeks=1)


@pytest.mark.parametrize("zone", ZONES)
@pytest.mark.parametrize("case", ["yearly from 100 days ago", "yearly from 29 February",
                                  "monthly, two days long"])
def test_rule_16_an_open_ended_all_day_crm_series_reaches_the_calendar(
        rep: Rep, zone: str, case: str) -> None:
    """A birthday or anniversary, or a monthly two-day offsite, made in the CRM."""
    rep.use_zone(zone)
    rep.sync()
    first, kind = _crm_series_start(case), RepeatType(case.split()[0].strip(","))
    days = 2 if kind is RepeatType.MONTHLY else 1
    record, uid = _plan_allday(rep, "Acme anniversary", first, days, CrmRepeat(kind))
    native = rep.native(uid)
    _assert_dates(native, first, days)
    assert _prop(native.raw, "RRULE") == [f"RRULE:FREQ={kind.upper()}"]
    assert not _prop(native.raw, "EXDATE")
    dates = _occurrences(rep, uid, first, date(first.year + 9, 1, 1))
    if case == "yearly from 29 February":    # both sides skip the years without one
        assert dates == [date(2024, 2, 29), date(2028, 2, 29), date(2032, 2, 29)]
    elif kind is RepeatType.YEARLY:
        assert dates == [first.replace(year=first.year + k) for k in range(9)]
    else:
        assert dates == [first + relativedelta(months=k) for k in range(len(dates))]
    # A calendar edit of another field: no drift of the dates on either side.
    rep.edit_native(uid, location="Lake hotel")
    assert rep.sync().crm.updated == 1
    again = rep.sync()
    assert (again.calendar.updated, again.crm.updated) == (0, 0)
    _assert_crm_dates(rep.crm_record(record.id), first, days)
    _assert_dates(rep.native(uid), first, days)


@pytest.mark.parametrize("zone", AWAY)
def test_rule_16_a_two_day_monthly_series_from_the_calendar(rep: Rep, zone: str) -> None:
    rep.use_zone(zone)
    first = (datetime.now(UTC).date().replace(day=1) + timedelta(days=32)).replace(day=12)
    uid = _put_allday(rep, "Offsite", first, 2, "FREQ=MONTHLY;COUNT=4")
    record = _shared(rep, uid)
    _assert_crm_dates(record, first, 2)
    months = [first + relativedelta(months=k) for k in range(4)]
    assert CrmRepeat.from_extra(record.extra) == CrmRepeat(RepeatType.MONTHLY, months[-1])
    assert _occurrences(rep, uid, first, months[-1] + timedelta(days=60)) == months
    rep.crm.write(record.id, {"location": "Lake hotel"}, record.timestamp)
    assert rep.sync().calendar.updated == 1
    native = rep.native(uid)
    _assert_dates(native, first, 2)
    assert _prop(native.raw, "RRULE") == ["RRULE:FREQ=MONTHLY;COUNT=4"]


@pytest.mark.parametrize("zone", AWAY)
def test_rule_16_a_bounded_all_day_crm_series_with_exceptions_reaches_the_calendar(
        rep: Rep, zone: str) -> None:
    rep.use_zone(zone)
    rep.sync()
    first = _monday() + timedelta(days=4)
    weeks = [first + timedelta(weeks=k) for k in range(7)]
    repeat = CrmRepeat(RepeatType.WEEKLY, weeks[6], (weeks[1], weeks[3], weeks[5]))
    record, uid = _plan_allday(rep, "Fortnightly stock take", first, 1, repeat)
    native = rep.native(uid)
    _assert_dates(native, first, 1)
    # Every other week: INTERVAL=2, ending on a DATE (RFC 5545: DTSTART's type).
    assert _prop(native.raw, "RRULE") == \
        [f"RRULE:FREQ=WEEKLY;UNTIL={weeks[6]:%Y%m%d};INTERVAL=2"]
    assert _occurrences(rep, uid, first, first + timedelta(weeks=10)) == weeks[::2]
    # The CRM restores the second week: the calendar gets it back.
    record = rep.crm_record(record.id)
    restored = CrmRepeat(RepeatType.WEEKLY, weeks[6], (weeks[3], weeks[5]))
    rep.crm.write(record.id, restored.to_extra(), record.timestamp)
    assert rep.sync().calendar.updated == 1
    native = rep.native(uid)
    assert all(line.startswith("EXDATE;VALUE=DATE:") for line in _prop(native.raw, "EXDATE"))
    assert _occurrences(rep, uid, first, first + timedelta(weeks=10)) == \
        [weeks[k] for k in (0, 1, 2, 4, 6)]


# -- a deleted or moved occurrence (rule 17) ------------------------------------

@pytest.mark.parametrize("zone", ZONES)
def test_rule_17_a_deleted_all_day_occurrence_is_an_exception_on_the_other_side(
        rep: Rep, zone: str) -> None:
    rep.use_zone(zone)
    first = _monday()
    uid = _put_allday(rep, "Site visit day", first, 1, "FREQ=WEEKLY;COUNT=8")
    record = _shared(rep, uid)
    # In the calendar: the rep deletes the third occurrence (one more EXDATE).
    gone = first + timedelta(weeks=2)
    native = rep.native(uid)
    rep.caldav.client.update(native, native.raw.replace(
        "RRULE:", f"EXDATE;VALUE=DATE:{gone:%Y%m%d}\r\nRRULE:", 1))
    assert rep.sync().crm.updated == 1
    record = rep.crm_by_uid(uid)
    assert CrmRepeat.from_extra(record.extra).exceptions == (gone,)
    # In the CRM: the fifth occurrence is excepted.
    also = first + timedelta(weeks=4)
    more = CrmRepeat(RepeatType.WEEKLY, first + timedelta(weeks=7), (gone, also))
    rep.crm.write(record.id, more.to_extra(), record.timestamp)
    assert rep.sync().calendar.updated == 1
    native = rep.native(uid)
    assert set(native.recurrence.exdates) >= {gone, also}
    assert all(line.startswith("EXDATE;VALUE=DATE:") for line in _prop(native.raw, "EXDATE"))
    _assert_dates(native, first, 1)
    dates = _occurrences(rep, uid, first, first + timedelta(weeks=10))
    assert dates == [first + timedelta(weeks=k) for k in (0, 1, 3, 5, 6, 7)]
    _assert_crm_dates(rep.crm_by_uid(uid), first, 1)


@pytest.mark.parametrize("zone", AWAY)
def test_rule_17_a_moved_all_day_occurrence(rep: Rep, zone: str) -> None:
    rep.use_zone(zone)
    first = _monday()
    moved_from = first + timedelta(weeks=1)
    moved_to = moved_from + timedelta(days=2)
    uid = _put_allday(rep, "Inventory day", first, 1, "FREQ=WEEKLY;COUNT=6")
    native = rep.native(uid)
    override = "\r\n".join([
        "BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261101T000000Z",
        f"RECURRENCE-ID;VALUE=DATE:{moved_from:%Y%m%d}",
        f"DTSTART;VALUE=DATE:{moved_to:%Y%m%d}",
        f"DTEND;VALUE=DATE:{moved_to + DAY:%Y%m%d}",
        "SUMMARY:Inventory day (moved)", "END:VEVENT", "END:VCALENDAR"])
    rep.caldav.client.update(native, native.raw.replace("END:VCALENDAR", override, 1))
    record = _shared(rep, uid)
    assert CrmRepeat.from_extra(record.extra) == \
        CrmRepeat(RepeatType.WEEKLY, first + timedelta(weeks=5), (moved_from,))
    _assert_crm_dates(record, first, 1)
    # The CRM edits the series' subject: the calendar keeps its moved occurrence.
    rep.crm.write(record.id, {"description": "Stock count"}, record.timestamp)
    assert rep.sync().calendar.updated == 1
    native = rep.native(uid)
    assert f"RECURRENCE-ID;VALUE=DATE:{moved_from:%Y%m%d}" in native.raw
    assert moved_from not in native.recurrence.exdates
    _assert_dates(native, first, 1)
    occurrence, = rep.crm.find_occurrences([record.id])
    _assert_crm_dates(occurrence, moved_to, 1)
    assert occurrence.extra["recurrence_id"] == _midnight(moved_from).isoformat()


# -- the all-day flag ---------------------------------------------------------------

def _meeting(rep: Rep, zone: str, day: date) -> tuple[str, CrmRecord]:
    """A shared 10:00 meeting on `day` in `zone`."""
    uid = rep.put_event("Planning day",
                        datetime.combine(day, time(10), ZoneInfo(zone)).astimezone(UTC))
    return uid, _shared(rep, uid)


@pytest.mark.parametrize("zone", AWAY)
@pytest.mark.parametrize("side", ["calendar", "crm"])
def test_rule_6_a_timed_meeting_made_all_day_on_either_side(
        rep: Rep, zone: str, side: str) -> None:
    rep.use_zone(zone)
    day = _monday() + timedelta(days=2)
    uid, record = _meeting(rep, zone, day)
    whole = {"all_day": True, "planned_start": _midnight(day), "planned_end": _midnight(day + DAY)}
    if side == "calendar":
        rep.edit_native(uid, **whole)
        assert rep.sync().crm.updated == 1
    else:           # the CRM's own client: the box and 00:00 UTC of the day (rule 6)
        rep.crm.write(record.id, whole, record.timestamp)
        assert rep.sync().calendar.updated == 1
    _assert_crm_dates(rep.crm_by_uid(uid), day, 1)
    _assert_dates(rep.native(uid), day, 1)
    again = rep.sync()
    assert (again.calendar.updated, again.crm.updated) == (0, 0)




@pytest.mark.parametrize("end", ["00:00 the same day", "09:00-10:00 UTC"])
def test_rule_6_a_crm_all_day_activity_ending_on_its_first_day_lasts_one_day(
        rep: Rep, end: str) -> None:
    rep.sync()
    first = _monday() + timedelta(days=3)
    record = rep.plan_in_crm("Trade show", _midnight(first), all_day=True,
                             planned_end=_midnight(first))
    if end != "00:00 the same day":     # as the CRM's own client stores a ticked box
        rep.crm.write(record.id, {"planned_start": _midnight(first) + timedelta(hours=9),
                                  "planned_end": _midnight(first) + timedelta(hours=10)},
                      record.timestamp)
    assert rep.sync().calendar.created == 1
    native = rep.native(rep.app.store.proxy_by_crm_id(record.id).uid)
    assert _prop(native.raw, "DTSTART") == [f"DTSTART;VALUE=DATE:{first:%Y%m%d}"]
    assert _prop(native.raw, "DTEND") in (
        [], [f"DTEND;VALUE=DATE:{first + DAY:%Y%m%d}"])
    rep.sync()
    again = rep.sync()
    assert (again.calendar.updated, again.crm.updated) == (0, 0)


def test_rule_6_a_crm_meeting_ticked_all_day_stays_on_the_reps_day(rep: Rep) -> None:
    rep.use_zone("Pacific/Auckland")
    day = _monday() + timedelta(days=2)
    uid, record = _meeting(rep, "Pacific/Auckland", day)
    rep.crm.write(record.id, {"all_day": True}, record.timestamp)   # the box only
    assert rep.sync().calendar.updated == 1
    assert _prop(rep.native(uid).raw, "DTSTART") == [f"DTSTART;VALUE=DATE:{day:%Y%m%d}"]

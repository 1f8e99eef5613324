"""Issue 4: repeating items both ways on real servers (rules 6, 16, 17).

Series are compared as the sets of their occurrences over a window, the
calendar's expanded from its RRULE/EXDATE, the CRM's from its repeating type,
expiry and exceptions.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from crmdesk.model.recurrence import CrmRepeat, RepeatType, expand_crm, expand_native
from tests.integration.conftest import Rep

pytestmark = pytest.mark.integration

CPH = ZoneInfo("Europe/Copenhagen")


def _monday(weeks: int = 1) -> date:
    today = datetime.now(timezone.utc).date()
    return today + timedelta(days=7 * weeks - today.weekday())


def _put_series(rep: Rep, summary: str, start: datetime, rule: str,
                exdates: list[datetime] = ()) -> str:
    uid = f"{uuid.uuid4()}@phone.test"
    stamp = "20261101T000000Z"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//phone//EN", "BEGIN:VEVENT",
             f"UID:{uid}", f"DTSTAMP:{stamp}", f"SUMMARY:{summary}",
             f"DTSTART;TZID=Europe/Copenhagen:{start:%Y%m%dT%H%M%S}",
             f"DTEND;TZID=Europe/Copenhagen:{start + timedelta(hours=1):%Y%m%dT%H%M%S}",
             f"RRULE:{rule}"]
    lines += [f"EXDATE;TZID=Europe/Copenhagen:{d:%Y%m%dT%H%M%S}" for d in exdates]
    lines += ["END:VEVENT", "END:VCALENDAR", ""]
    rep.caldav.put(uid, "\r\n".join(lines))
    return uid


def _shared(rep: Rep, uid: str):
    rep.sync()
    rep.app.share(rep.key(uid))
    report = rep.sync()
    record = rep.crm_by_uid(uid)
    assert record is not None
    return report, record


def _window() -> tuple[datetime, datetime]:
    now = datetime.now(timezone.utc)
    return now - timedelta(days=7), now + timedelta(days=170)


def _same_occurrences(rep: Rep, uid: str) -> None:
    """The calendar's series and the CRM's hold the same occurrences."""
    native = rep.native(uid)
    record = rep.crm_by_uid(uid)
    assert native is not None and native.recurrence is not None and record is not None
    repeat = CrmRepeat.from_extra(record.extra)
    assert repeat is not None
    low, high = _window()
    mine = {o.astimezone(timezone.utc) for o in expand_native(native.recurrence, low, high)}
    start = native.recurrence.dtstart
    theirs = {o.astimezone(timezone.utc) for o in expand_crm(repeat, start, low, high)}
    assert mine and mine == theirs


def test_rule_16_a_weekly_series_with_an_exdate_is_a_weekly_crm_repeat(rep: Rep) -> None:
    first = datetime.combine(_monday(), datetime.min.time()).replace(hour=9)
    skipped = first + timedelta(weeks=2)
    uid = _put_series(rep, "Weekly pipeline review", first,
                      f"FREQ=WEEKLY;COUNT=10", [skipped])
    _, record = _shared(rep, uid)
    repeat = CrmRepeat.from_extra(record.extra)
    assert repeat == CrmRepeat(RepeatType.WEEKLY, (first + timedelta(weeks=9)).date(),
                               (skipped.date(),))
    assert record.fields["planned_start"] == first.replace(tzinfo=CPH).astimezone(timezone.utc)
    _same_occurrences(rep, uid)


def test_rule_16_every_two_weeks_is_weekly_with_every_other_week_excepted(rep: Rep) -> None:
    first = datetime.combine(_monday(), datetime.min.time()).replace(hour=14)
    uid = _put_series(rep, "Fortnightly 1:1", first, "FREQ=WEEKLY;INTERVAL=2")
    report, record = _shared(rep, uid)
    repeat = CrmRepeat.from_extra(record.extra)
    assert repeat is not None and repeat.type is RepeatType.WEEKLY
    assert (first + timedelta(weeks=1)).date() in repeat.exceptions
    assert (first + timedelta(weeks=2)).date() not in repeat.exceptions
    assert repeat.expires is not None            # open-ended, capped (rule 16)
    assert any("holds this series until" in n.reason for n in report.notes)
    assert "INTERVAL=2" in rep.native(uid).raw   # the calendar keeps what the rep wrote
    _same_occurrences(rep, uid)


def test_rule_16_an_open_ended_monthly_crm_series_reaches_the_calendar(rep: Rep) -> None:
    rep.use_zone("Europe/Copenhagen")
    rep.sync()
    start = datetime.combine(_monday(), datetime.min.time()).replace(hour=10, tzinfo=CPH)
    record = rep.plan_in_crm("Monthly account plan", start.astimezone(timezone.utc))
    rep.crm.write(record.id, CrmRepeat(RepeatType.MONTHLY).to_extra(), record.timestamp)
    report = rep.sync()
    assert report.calendar.created == 1
    uid = rep.app.store.proxy_by_crm_id(record.id).uid
    native = rep.native(uid)
    assert native is not None and "FREQ=MONTHLY" in native.raw
    assert "TZID=Europe/Copenhagen" in native.raw and "UNTIL" not in native.raw
    _same_occurrences(rep, uid)


def test_rule_17_an_occurrence_deleted_on_either_side_is_an_exception(rep: Rep) -> None:
    first = datetime.combine(_monday(), datetime.min.time()).replace(hour=8)
    uid = _put_series(rep, "Daily stand-up", first, "FREQ=DAILY;COUNT=20")
    _shared(rep, uid)
    # In the calendar: one more EXDATE.
    gone = (first + timedelta(days=3)).replace(tzinfo=CPH)
    native = rep.native(uid)
    rep.caldav.client.update(native, native.raw.replace(
        "RRULE:FREQ=DAILY",
        f"EXDATE;TZID=Europe/Copenhagen:{gone:%Y%m%dT%H%M%S}\r\nRRULE:FREQ=DAILY", 1))
    assert rep.sync().crm.updated == 1
    assert gone.date() in CrmRepeat.from_extra(rep.crm_by_uid(uid).extra).exceptions
    # In the CRM: one more exception date.
    record = rep.crm_by_uid(uid)
    repeat = CrmRepeat.from_extra(record.extra)
    also = (first + timedelta(days=5)).date()
    changed = CrmRepeat(repeat.type, repeat.expires, repeat.exceptions + (also,))
    rep.crm.write(record.id, changed.to_extra(), record.timestamp)
    assert rep.sync().calendar.updated == 1
    native = rep.native(uid)
    days = {d.date() for d in native.recurrence.exdates}
    assert {gone.date(), also} <= days
    _same_occurrences(rep, uid)


def test_rule_16_a_series_edited_on_either_side_keeps_its_exceptions(rep: Rep) -> None:
    first = datetime.combine(_monday(), datetime.min.time()).replace(hour=11)
    skipped = first + timedelta(weeks=1)
    uid = _put_series(rep, "Weekly forecast", first, "FREQ=WEEKLY;COUNT=12", [skipped])
    _shared(rep, uid)
    record = rep.crm_by_uid(uid)
    repeat = CrmRepeat.from_extra(record.extra)
    shorter = CrmRepeat(repeat.type, (first + timedelta(weeks=6)).date(), repeat.exceptions)
    rep.crm.write(record.id, shorter.to_extra(), record.timestamp)
    assert rep.sync().calendar.updated == 1
    native = rep.native(uid)
    low, high = _window()
    dates = [o.date() for o in expand_native(native.recurrence, low, high)]
    assert max(dates) == shorter.expires and skipped.date() not in dates
    _same_occurrences(rep, uid)


def test_rule_16_a_pattern_the_crm_cannot_hold_keeps_its_rrule(rep: Rep) -> None:
    first = datetime.combine(_monday(), datetime.min.time()).replace(hour=9)
    extra = (first + timedelta(days=2)).replace(hour=15)     # an extra date, another time
    uid = _put_series(rep, "Coaching", first, "FREQ=WEEKLY;COUNT=4")
    native = rep.native(uid)
    rep.caldav.client.update(native, native.raw.replace(
        "RRULE:FREQ=WEEKLY",
        f"RDATE;TZID=Europe/Copenhagen:{extra:%Y%m%dT%H%M%S}\r\nRRULE:FREQ=WEEKLY", 1))
    report, record = _shared(rep, uid)
    assert CrmRepeat.from_extra(record.extra) is None       # one activity, the first
    assert any("can't hold this repeat pattern" in n.reason for n in report.notes)
    rep.crm.write(record.id, {"location": "Room 4"}, record.timestamp)
    rep.sync()
    native = rep.native(uid)
    assert "RRULE:FREQ=WEEKLY;COUNT=4" in native.raw and "RDATE" in native.raw
    assert native.fields["location"] == "Room 4"


def test_rule_6_a_weekly_crm_series_stays_at_nine_local_across_dst(rep: Rep) -> None:
    rep.use_zone("Europe/Copenhagen")
    rep.sync()
    # Starts in November (winter time), runs through the end of March (summer time).
    today = datetime.now(timezone.utc).date()
    start = datetime.combine(today + timedelta(days=7 - today.weekday()),
                             datetime.min.time()).replace(hour=9, tzinfo=CPH)
    record = rep.plan_in_crm("Weekly team meeting", start.astimezone(timezone.utc))
    rep.crm.write(record.id, CrmRepeat(RepeatType.WEEKLY).to_extra(), record.timestamp)
    rep.sync()
    uid = rep.app.store.proxy_by_crm_id(record.id).uid
    native = rep.native(uid)
    low, high = _window()
    local = {o.astimezone(CPH).hour for o in expand_native(native.recurrence, low, high)}
    assert local == {9}
    utc = {o.astimezone(timezone.utc).hour for o in expand_native(native.recurrence, low, high)}
    assert len(utc) == 2 or high.astimezone(CPH).utcoffset() == low.astimezone(CPH).utcoffset()
    _same_occurrences(rep, uid)


def test_the_week_shows_each_occurrence_of_a_series(rep: Rep) -> None:
    first = datetime.combine(_monday(), datetime.min.time()).replace(hour=9)
    uid = _put_series(rep, "Morning check-in", first, "FREQ=DAILY;COUNT=10",
                      [first + timedelta(days=2)])
    rep.sync()
    monday = first.replace(tzinfo=CPH) - timedelta(hours=9)
    rows = [r for r in rep.app.week(monday, monday + timedelta(days=7))
            if r.title == "Morning check-in"]
    assert [r.start.astimezone(CPH).day for r in rows] == \
        [(first + timedelta(days=d)).day for d in (0, 1, 3, 4, 5, 6)]
    assert all(r.repeating and r.start.astimezone(CPH).hour == 9 for r in rows)
    assert all(r.end - r.start == timedelta(hours=1) for r in rows)
    assert {r.key for r in rows} == {rep.key(uid)}


def test_rule_17_an_overridden_occurrence_is_kept_and_excepted_in_the_crm(rep: Rep) -> None:
    first = datetime.combine(_monday(), datetime.min.time()).replace(hour=9)
    moved_from = first + timedelta(weeks=1)
    uid = _put_series(rep, "Weekly with one moved", first, "FREQ=WEEKLY;COUNT=6")
    native = rep.native(uid)
    override = "\r\n".join([
        "BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261101T000000Z",
        f"RECURRENCE-ID;TZID=Europe/Copenhagen:{moved_from:%Y%m%dT%H%M%S}",
        f"DTSTART;TZID=Europe/Copenhagen:{moved_from + timedelta(hours=5):%Y%m%dT%H%M%S}",
        f"DTEND;TZID=Europe/Copenhagen:{moved_from + timedelta(hours=6):%Y%m%dT%H%M%S}",
        "SUMMARY:Weekly with one moved (afternoon)", "END:VEVENT", "END:VCALENDAR"])
    rep.caldav.client.update(native, native.raw.replace("END:VCALENDAR", override, 1))
    _, record = _shared(rep, uid)
    repeat = CrmRepeat.from_extra(record.extra)
    assert moved_from.date() in repeat.exceptions       # not twice in the CRM
    # The CRM shortens the series: the calendar keeps its moved occurrence.
    shorter = CrmRepeat(repeat.type, (first + timedelta(weeks=4)).date(), repeat.exceptions)
    rep.crm.write(record.id, shorter.to_extra(), record.timestamp)
    assert rep.sync().calendar.updated == 1
    native = rep.native(uid)
    assert "RECURRENCE-ID" in native.raw
    assert moved_from.date() not in {d.date() for d in native.recurrence.exdates}

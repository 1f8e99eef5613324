"""Rule 16 and 17 in detail: caps and their growth, patterns the CRM can't hold,
UNTIL/EXDATE value kinds, RRULE parsing, the CRM record form, and two
Hypothesis round trips (any CRM series; any native series from a grammar)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import subprocess
import sys

import icalendar
import pytest
from hypothesis import given, settings, strategies as st

from crmdesk.crm.tryton import values_from_fields
from crmdesk.model.recurrence import (
    MAX_OCCURRENCES,
    NO_REPEAT_EXTRA,
    CrmRepeat,
    NativeSeries,
    RepeatType,
    Start,
    cap_end,
    crm_to_native,
    expand_crm,
    expand_native,
    format_rrule,
    native_exdates,
    native_to_crm,
    parse_rrule,
    start_from_crm,
    start_to_crm,
)

UTC = timezone.utc
CPH = ZoneInfo("Europe/Copenhagen")
NYC = ZoneInfo("America/New_York")
D, W, M, Y = RepeatType.DAILY, RepeatType.WEEKLY, RepeatType.MONTHLY, RepeatType.YEARLY
TODAY = date(2026, 1, 5)


def cph(*args: int) -> datetime:
    return datetime(*args, tzinfo=CPH)  # type: ignore[misc]


def to_crm(series: NativeSeries, **kw: object) -> object:
    return native_to_crm(series, today=kw.pop("today", TODAY),       # type: ignore[arg-type]
                         future_days=kw.pop("future_days", 180), **kw)  # type: ignore[arg-type]


# -- caps -----------------------------------------------------------------------------

@pytest.mark.parametrize(("rrule", "years", "kind"), [
    ("FREQ=DAILY;INTERVAL=2", 1, D), ("FREQ=WEEKLY;INTERVAL=2", 1, W),
    ("FREQ=MONTHLY;INTERVAL=2", 2, M), ("FREQ=YEARLY;INTERVAL=2", 5, Y)])
def test_rule16_open_ended_pattern_is_capped_by_its_native_frequency(
        rrule: str, years: int, kind: RepeatType) -> None:
    series = NativeSeries(cph(2026, 1, 5, 9), rrule)
    mapped = native_to_crm(series, today=TODAY, future_days=180)
    cap = date(2026 + years, 1, 5)
    held = expand_native(series, date(2026, 1, 5), cap)
    assert mapped.repeat is not None and mapped.repeat.type is kind
    assert not mapped.exact and mapped.capped_at == mapped.repeat.expires \
        == held[-1].date()                                              # type: ignore[union-attr]
    assert expand_native(series, cap, cap + timedelta(days=800))       # the series goes on
    assert str(mapped.capped_at) in mapped.reason
    crm = expand_crm(mapped.repeat, series.dtstart, date(2026, 1, 1), cap + timedelta(days=800))
    assert crm == held


def test_rule16_exact_open_ended_pattern_is_not_capped() -> None:
    for rrule in ("FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO", "FREQ=MONTHLY;BYMONTHDAY=5",
                  "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=5", "FREQ=WEEKLY;BYHOUR=9;BYMINUTE=0"):
        mapped = native_to_crm(NativeSeries(cph(2026, 1, 5, 9), rrule), today=TODAY,
                               future_days=180)
        assert mapped.exact and mapped.capped_at is None
        assert mapped.repeat is not None and mapped.repeat.expires is None


def test_rule16_cap_grows_by_whole_periods_to_cover_the_sync_window() -> None:
    series = NativeSeries(cph(2019, 1, 7, 9), "FREQ=WEEKLY;INTERVAL=2")
    mapped = native_to_crm(series, today=date(2026, 3, 15), future_days=180)
    assert mapped.capped_at is not None
    assert date(2026, 9, 11) <= mapped.capped_at < date(2027, 1, 7)   # 2019-01-07 + 8 years
    last = expand_native(series, date(2026, 1, 1), date(2027, 1, 7))[-1]
    assert mapped.capped_at == last.date()                              # type: ignore[union-attr]


def test_rule16_cap_is_stable_for_a_whole_period_then_moves_once() -> None:
    first = date(2019, 1, 7)
    caps = {cap_end(first, "WEEKLY", date(2025, 7, 11) + timedelta(days=n), 180)
            for n in range(365)}
    assert caps == {date(2027, 1, 7)}
    assert cap_end(first, "WEEKLY", date(2025, 7, 10), 180) == date(2026, 1, 7)
    assert cap_end(first, "WEEKLY", date(2026, 7, 11), 180) == date(2028, 1, 7)
    assert cap_end(first, "YEARLY", date(2018, 1, 1), 180) == date(2024, 1, 7)  # k >= 1
    assert cap_end(date(2024, 2, 29), "MONTHLY", date(2024, 3, 1), 30) == date(2026, 2, 28)


@settings(max_examples=300, deadline=None)
@given(first=st.dates(date(1970, 1, 1), date(2060, 1, 1)),
       today=st.dates(date(1970, 1, 1), date(2070, 1, 1)),
       future=st.integers(0, 3650), freq=st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
def test_rule16_cap_end_is_the_first_whole_period_past_the_window(
        first: date, today: date, future: int, freq: str) -> None:
    from dateutil.relativedelta import relativedelta
    years = {"DAILY": 1, "WEEKLY": 1, "MONTHLY": 2, "YEARLY": 5}[freq]
    end, need = cap_end(first, freq, today, future), today + timedelta(days=future)
    k = next(k for k in range(1, 200) if first + relativedelta(years=k * years) == end)
    assert end > need
    assert k == 1 or first + relativedelta(years=(k - 1) * years) <= need


# -- what the CRM can't hold -------------------------------------------------------------

@pytest.mark.parametrize(("series", "reason"), [
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=HOURLY"), "repeats every hour"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=HOURLY;INTERVAL=2"), "repeats every 2 hours"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=MINUTELY;INTERVAL=15"), "repeats every 15 minutes"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=DAILY;BYHOUR=9,15"), "repeats several times a day"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY;BYMINUTE=0,30"), "several times a day"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=DAILY;BYHOUR=14"), "different times of day"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY;COUNT=5", rdates=(cph(2026, 1, 8, 14),)),
     "different times of day"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY", rdates=(cph(2026, 3, 4, 15),)),
     "different times of day"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY;COUNT=5", rdates=(cph(2026, 1, 1, 9),)),
     "before the first occurrence"),
    (NativeSeries(date(2026, 1, 5), "FREQ=DAILY;BYHOUR=9"), "in an all-day series"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=MONTHLY;RSCALE=HEBREW"), "unsupported RRULE part"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=FORTNIGHTLY"), "bad RRULE FREQ"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY;BYDAY=XX"), "bad RRULE BYDAY"),
    (NativeSeries(cph(2026, 1, 5, 9), "INTERVAL=2"), "without FREQ"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=DAILY;COUNT=3;UNTIL=20260301"), "COUNT and UNTIL"),
    (NativeSeries(cph(2026, 1, 5, 9), "FREQ=DAILY;UNTIL=99991231T000000Z"),
     f"more than {MAX_OCCURRENCES} occurrences"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_rule16_pattern_the_crm_cannot_hold_says_why(series: NativeSeries, reason: str) -> None:
    mapped = native_to_crm(series, today=TODAY, future_days=180)
    assert mapped.repeat is None and not mapped.representable
    assert not mapped.exact and mapped.capped_at is None
    assert reason in mapped.reason


def test_rule16_rdate_on_the_series_time_is_held_with_exceptions() -> None:
    series = NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY;COUNT=3", rdates=(cph(2026, 1, 7, 9),))
    mapped = native_to_crm(series, today=TODAY, future_days=180)
    assert mapped.exact and mapped.repeat is not None and mapped.repeat.type is D
    assert mapped.repeat.expires == date(2026, 1, 19)
    held = expand_crm(mapped.repeat, series.dtstart, date(2026, 1, 1), date(2026, 2, 1))
    assert held == [cph(2026, 1, 5, 9), cph(2026, 1, 7, 9), cph(2026, 1, 12, 9),
                    cph(2026, 1, 19, 9)]


def test_rule16_long_bounded_pattern_is_held_whole() -> None:
    """Bounded series are never capped: the CRM -> calendar -> CRM trip must not shrink them."""
    series = NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY;INTERVAL=2;UNTIL=20351231T230000Z")
    mapped = native_to_crm(series, today=TODAY, future_days=180)
    assert mapped.exact and mapped.repeat is not None
    assert mapped.repeat.expires == date(2035, 12, 24)
    assert crm_to_native(mapped.repeat, series.dtstart).text \
        == "FREQ=WEEKLY;UNTIL=20351224T080000Z;INTERVAL=2"


# -- rule 17: moved occurrences --------------------------------------------------------------

def test_rule17_moved_occurrences_are_exceptions_in_the_crm() -> None:
    series = NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY", exdates=(cph(2026, 1, 19, 9),))
    moved = (cph(2026, 2, 2, 9), datetime(2026, 2, 9, 8, tzinfo=UTC), date(2026, 2, 16))
    mapped = native_to_crm(series, today=TODAY, future_days=180, overridden=moved)
    assert mapped.repeat == CrmRepeat(W, None, (date(2026, 1, 19), date(2026, 2, 2),
                                                date(2026, 2, 9), date(2026, 2, 16)))
    kept = crm_to_native(mapped.repeat, series.dtstart, overridden=moved)
    assert kept.exdates == (cph(2026, 1, 19, 9),)        # the overrides stay in the series
    deleted = crm_to_native(mapped.repeat, series.dtstart)
    assert len(deleted.exdates) == 4


def test_rule16_crm_exceptions_reach_a_kept_native_rrule_as_exdates() -> None:
    """Capped: the engine keeps FREQ=WEEKLY;INTERVAL=2 and adds the CRM's exceptions."""
    series = NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY;INTERVAL=2",
                          exdates=(cph(2026, 1, 19, 9), cph(2027, 3, 1, 9)))
    mapped = native_to_crm(series, today=TODAY, future_days=180)
    assert mapped.repeat is not None and not mapped.exact
    edited = CrmRepeat(W, mapped.repeat.expires,          # the CRM user: +Feb 16, -Jan 19
                       tuple(d for d in mapped.repeat.exceptions if d != date(2026, 1, 19))
                       + (date(2026, 2, 16), date(2026, 3, 2)))
    exdates = native_exdates(series, edited, overridden=(date(2026, 3, 2),))
    assert exdates == (cph(2026, 2, 16, 9), cph(2027, 3, 1, 9))
    kept = NativeSeries(series.dtstart, series.rrule, exdates)
    window = (date(2026, 1, 1), mapped.repeat.expires + timedelta(days=1))
    moved = {date(2026, 3, 2)}
    assert [o for o in expand_native(kept, *window) if o.date() not in moved] \
        == expand_crm(edited, series.dtstart, *window)     # type: ignore[union-attr]
    open_ended = CrmRepeat(W, None, (date(2026, 1, 19),))
    assert native_exdates(NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY"), open_ended) \
        == (cph(2026, 1, 19, 9),)


# -- value kinds --------------------------------------------------------------------------------

def test_rule6_until_and_exdate_take_dtstarts_kind() -> None:
    repeat = CrmRepeat(W, date(2026, 3, 30), (date(2026, 3, 16),))
    zoned = crm_to_native(repeat, cph(2026, 3, 2, 9))
    assert zoned.vrecur["UNTIL"] == [datetime(2026, 3, 30, 7, tzinfo=UTC)]   # 09:00 summer time
    assert zoned.exdates == (cph(2026, 3, 16, 9),)
    assert zoned.text == "FREQ=WEEKLY;UNTIL=20260330T070000Z"
    floating = crm_to_native(repeat, datetime(2026, 3, 2, 9), NYC)
    assert floating.vrecur["UNTIL"] == [datetime(2026, 3, 30, 9)]
    assert floating.exdates == (datetime(2026, 3, 16, 9),)
    allday = crm_to_native(repeat, date(2026, 3, 2))
    assert allday.text == "FREQ=WEEKLY;UNTIL=20260330" and allday.exdates == (date(2026, 3, 16),)


def test_rule16_until_in_utc_is_inclusive_to_the_second() -> None:
    start = cph(2026, 3, 2, 9)
    window = (date(2026, 3, 1), date(2026, 4, 1))
    assert len(expand_native(NativeSeries(start, "FREQ=WEEKLY;UNTIL=20260330T070000Z"),
                             *window)) == 5
    assert len(expand_native(NativeSeries(start, "FREQ=WEEKLY;UNTIL=20260330T065959Z"),
                             *window)) == 4
    assert len(expand_native(NativeSeries(start, "FREQ=WEEKLY;UNTIL=20260330"), *window)) == 5
    floating = NativeSeries(datetime(2026, 3, 2, 9), "FREQ=WEEKLY;UNTIL=20260330T065959Z", zone=CPH)
    assert len(expand_native(floating, *window)) == 4


def test_rule16_count_counts_an_off_pattern_dtstart_first() -> None:
    series = NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY;BYDAY=WE;COUNT=3")   # a Monday
    assert expand_native(series, date(2026, 1, 1), date(2026, 3, 1)) \
        == [cph(2026, 1, 5, 9), cph(2026, 1, 7, 9), cph(2026, 1, 14, 9)]


def test_rule16_exdate_kinds_all_remove_the_occurrence() -> None:
    exdates = (cph(2026, 1, 12, 9), datetime(2026, 1, 19, 8, tzinfo=UTC),
               datetime(2026, 1, 26, 3, tzinfo=NYC), date(2026, 2, 2), cph(2026, 2, 9, 10))
    series = NativeSeries(cph(2026, 1, 5, 9), "FREQ=WEEKLY;COUNT=7", exdates=exdates)
    assert expand_native(series, date(2026, 1, 1), date(2026, 3, 1)) \
        == [cph(2026, 1, 5, 9), cph(2026, 2, 9, 9), cph(2026, 2, 16, 9)]  # 10:00 is no occurrence
    mapped = native_to_crm(series, today=TODAY, future_days=180)
    assert mapped.repeat is not None
    assert mapped.repeat.exceptions == tuple(date(2026, 1, 5) + timedelta(weeks=n)
                                             for n in range(1, 5))


@pytest.mark.parametrize("start", [date(2000, 2, 29), date(2001, 1, 31), cph(2001, 3, 25, 2, 30),
                                   datetime(2001, 10, 28, 2, 30), cph(2001, 12, 31, 23, 59)])
@pytest.mark.parametrize("kind", list(RepeatType))
def test_crm_expansion_far_from_the_start_matches_the_rfc_rule(kind: RepeatType,
                                                               start: Start) -> None:
    """expand_crm jumps to the window; the RRULE of the same type walks there."""
    repeat = CrmRepeat(kind, date(2031, 6, 30), (date(2026, 3, 1), date(2028, 2, 29)))
    for window in ((date(2026, 1, 1), date(2026, 4, 1)), (date(2028, 1, 1), date(2032, 1, 1))):
        assert expand_crm(repeat, start, *window, CPH) \
            == expand_native(crm_to_native(repeat, start, CPH).series(start, CPH), *window)


def test_window_is_half_open_and_takes_any_bound_kind() -> None:
    series = NativeSeries(cph(2026, 1, 5, 9), "FREQ=DAILY")
    assert expand_native(series, cph(2026, 1, 6, 9), cph(2026, 1, 8, 9)) \
        == [cph(2026, 1, 6, 9), cph(2026, 1, 7, 9)]
    assert expand_native(series, datetime(2026, 1, 6, 8, tzinfo=UTC),
                         datetime(2026, 1, 7, 3, tzinfo=NYC)) == [cph(2026, 1, 6, 9)]
    assert expand_native(series, datetime(2026, 1, 6, 9), date(2026, 1, 7)) == [cph(2026, 1, 6, 9)]


def test_crm_start_conversions() -> None:
    assert start_to_crm(cph(2026, 7, 1, 9)) == datetime(2026, 7, 1, 7, tzinfo=UTC)
    assert start_to_crm(date(2026, 7, 1)) == datetime(2026, 7, 1, tzinfo=UTC)
    assert start_to_crm(datetime(2026, 7, 1, 9), NYC) == datetime(2026, 7, 1, 13, tzinfo=UTC)
    assert start_from_crm(datetime(2026, 7, 1, 7), False, CPH) == cph(2026, 7, 1, 9)
    assert start_from_crm(datetime(2026, 7, 1, tzinfo=UTC), True, NYC) == date(2026, 7, 1)
    assert start_from_crm(datetime(2026, 7, 1, 13, tzinfo=UTC), False, NYC, floating=True) \
        == datetime(2026, 7, 1, 9)
    with pytest.raises(TypeError):
        start_from_crm(date(2026, 7, 1), False, CPH)


# -- RRULE text and icalendar ---------------------------------------------------------------

RULES = ["FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20261231T230000Z",
         "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12", "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
         "FREQ=YEARLY;BYMONTH=11;BYDAY=+4TH", "FREQ=DAILY;UNTIL=20261231", "FREQ=WEEKLY;WKST=SU",
         "FREQ=YEARLY;BYYEARDAY=1,-1;BYWEEKNO=20", "FREQ=DAILY;BYHOUR=9;BYMINUTE=30;BYSECOND=0"]


@pytest.mark.parametrize("text", RULES)
def test_rrule_text_and_icalendar_vrecur_read_the_same(text: str) -> None:
    parts = parse_rrule(text)
    assert parse_rrule(icalendar.vRecur.from_ical(text)) == parts
    assert parse_rrule(format_rrule(parts)) == parts
    assert parse_rrule(icalendar.vRecur(parts).to_ical().decode()) == parts


def test_native_repeat_goes_into_an_icalendar_event() -> None:
    repeat = CrmRepeat(W, date(2026, 12, 28), tuple(date(2026, 1, 12) + timedelta(weeks=2 * n)
                                                   for n in range(26)))
    native = crm_to_native(repeat, cph(2026, 1, 5, 9))
    # the CRM's last day (Dec 28) is an exception: UNTIL is the last real occurrence
    assert native.text == "FREQ=WEEKLY;UNTIL=20261221T080000Z;INTERVAL=2"
    event = icalendar.Event()
    event.add("dtstart", cph(2026, 1, 5, 9))
    event.add("rrule", native.vrecur)
    event.add("exdate", [cph(2026, 1, 19, 9), cph(2026, 2, 2, 9)])
    text = event.to_ical().decode()
    assert "RRULE:FREQ=WEEKLY;UNTIL=20261221T080000Z;INTERVAL=2" in text
    assert "EXDATE;TZID=Europe/Copenhagen:20260119T090000,20260202T090000" in text
    parsed = icalendar.Event.from_ical(text)
    assert parse_rrule(parsed["RRULE"]) == dict(native.parts)


# -- the CRM record ---------------------------------------------------------------------------

def test_crm_repeat_reads_and_writes_the_connectors_record_form() -> None:
    extra = {"repeating": True, "repeating_type": "weekly",     # CrmRecord.extra, as read
             "repeating_expires": "2026-06-29", "exceptions": ["2026-01-19", "2026-02-02"],
             "needs_review": False, "series": None}
    repeat = CrmRepeat.from_extra(extra)
    assert repeat is not None
    assert repeat == CrmRepeat(W, date(2026, 6, 29), (date(2026, 1, 19), date(2026, 2, 2)))
    assert CrmRepeat.from_extra(repeat.to_extra()) == repeat
    assert values_from_fields(repeat.to_extra()) == {
        "repeating": True, "repeating_type": "weekly", "repeating_expires": date(2026, 6, 29),
        "exceptions": "2026-01-19\n2026-02-02"}
    assert CrmRepeat.from_extra(NO_REPEAT_EXTRA) is None
    assert CrmRepeat.from_extra({"repeating": True, "repeating_type": "daily",
                                 "exceptions": "2026-01-02\n2026-01-01"}) \
        == CrmRepeat(D, None, (date(2026, 1, 1), date(2026, 1, 2)))
    assert CrmRepeat("monthly", None, (date(2026, 2, 1), date(2026, 1, 1), date(2026, 2, 1))) \
        == CrmRepeat(M, None, (date(2026, 1, 1), date(2026, 2, 1)))


def test_recurrence_imports_no_qt_http_or_sql() -> None:
    banned = ("PySide6", "requests", "niquests", "sqlite3", "caldav", "urllib3")
    code = ("import sys, crmdesk.model.recurrence; "
            f"print(','.join(m for m in {banned!r} if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == ""


# -- property tests ----------------------------------------------------------------------------

def _values(found: list[Start]) -> list[Start]:
    return [v.astimezone(UTC) if isinstance(v, datetime) and v.tzinfo else v for v in found]


@st.composite
def crm_series(draw: st.DrawFn) -> tuple[CrmRepeat, Start]:
    kind = draw(st.sampled_from(list(RepeatType)))
    first = draw(st.dates(date(2024, 1, 1), date(2027, 12, 31)))
    start: Start = draw(st.sampled_from([
        first, datetime.combine(first, time(9, 30), CPH), datetime.combine(first, time(18))]))
    expires = draw(st.none() | st.integers(0, 900).map(lambda n: first + timedelta(days=n)))
    occurrences = [v if not isinstance(v, datetime) else v.date()
                   for v in expand_crm(CrmRepeat(kind, expires), start, first,
                                       first + timedelta(days=901), CPH)]
    picks = draw(st.one_of(
        st.sets(st.integers(0, max(len(occurrences) - 1, 0))),
        st.tuples(st.integers(2, 5), st.integers(0, 4)).map(
            lambda p: {i for i in range(len(occurrences)) if i % p[0] != p[1] % p[0]}),
        st.just({i for i, d in enumerate(occurrences) if d.weekday() > 4})))
    skipped = tuple(occurrences[i] for i in picks if i < len(occurrences))
    return CrmRepeat(kind, expires, skipped), start


@settings(max_examples=150, deadline=None)
@given(crm_series())
def test_rule16_any_crm_series_survives_crm_to_calendar_to_crm(
        drawn: tuple[CrmRepeat, Start]) -> None:
    repeat, start = drawn
    native = crm_to_native(repeat, start, CPH)
    again = native_to_crm(native.series(start, CPH), today=TODAY, future_days=180)
    assert again.repeat is not None and again.exact
    first = start.date() if isinstance(start, datetime) else start
    span = (first, first + timedelta(days=1200))
    expected = _values(expand_crm(repeat, start, *span, CPH))
    assert _values(expand_native(native.series(start, CPH), *span)) == expected
    assert _values(expand_crm(again.repeat, start, *span, CPH)) == expected
    assert len(native.exdates) <= len(repeat.exceptions)     # compaction never adds EXDATEs


BYDAY = st.lists(st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"]), min_size=1,
                 max_size=4, unique=True)
NATIVE_PARTS = st.one_of(
    st.builds(lambda f, i: f"FREQ={f};INTERVAL={i}",
              st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]), st.integers(1, 4)),
    st.builds(lambda i, d, w: f"FREQ=WEEKLY;INTERVAL={i};BYDAY={','.join(d)};WKST={w}",
              st.integers(1, 3), BYDAY, st.sampled_from(["MO", "SU"])),
    st.builds(lambda n, d: f"FREQ=MONTHLY;BYDAY={n}{d}", st.sampled_from([1, 2, 3, 4, -1]),
              st.sampled_from(["MO", "TU", "WE", "TH", "FR", "SA", "SU"])),
    st.builds(lambda d: f"FREQ=MONTHLY;BYMONTHDAY={d}", st.sampled_from([1, 15, 28, 30, 31, -1])),
    st.builds(lambda p: f"FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS={p}",
              st.sampled_from([1, -1])),
    st.builds(lambda m, n: f"FREQ=YEARLY;BYMONTH={m};BYDAY={n}SU", st.integers(1, 12),
              st.sampled_from([1, 2, -1])))
ENDS = st.one_of(st.just(""), st.integers(1, 60).map(lambda n: f";COUNT={n}"),
                 st.dates(date(2026, 2, 1), date(2028, 12, 31)).map(
                     lambda d: f";UNTIL={d:%Y%m%d}T235959Z"))


@settings(max_examples=150, deadline=None)
@given(parts=NATIVE_PARTS, end=ENDS, first=st.dates(date(2025, 6, 1), date(2026, 6, 1)),
       allday=st.booleans(), skip=st.sets(st.integers(0, 40), max_size=5))
def test_rule16_any_native_series_survives_calendar_to_crm_to_calendar(
        parts: str, end: str, first: date, allday: bool, skip: set[int]) -> None:
    start: Start = first if allday else datetime.combine(first, time(9), NYC)
    plain = NativeSeries(start, parts + end)
    head = expand_native(plain, first, first + timedelta(days=400))
    series = NativeSeries(start, parts + end, tuple(head[i] for i in skip if i < len(head)))
    mapped = native_to_crm(series, today=TODAY, future_days=180)
    assert mapped.repeat is not None, mapped.reason
    span = (first, mapped.repeat.expires + timedelta(days=1) if not mapped.exact
            and mapped.repeat.expires else first + timedelta(days=1500))
    expected = _values(expand_native(series, *span))
    assert _values(expand_crm(mapped.repeat, start, *span, NYC)) == expected
    back = crm_to_native(mapped.repeat, start, NYC)
    assert _values(expand_native(back.series(start, NYC), *span)) == expected

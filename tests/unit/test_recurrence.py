"""Rule 16 and 17: real-world repeating patterns survive calendar -> CRM -> calendar
and CRM -> calendar -> CRM with the same occurrences.

Each case is a pattern as RFC 5545 section 3.8.5.3 spells it or as Outlook,
Google Calendar and Thunderbird write it.  The CRM side is reached the way
the engine reaches it: DTSTART goes to the CRM as a UTC instant and comes
back into the series zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo

import pytest

from crmdesk.model.recurrence import (
    CrmRepeat,
    NativeSeries,
    RepeatType,
    Start,
    crm_to_native,
    expand_crm,
    expand_native,
    native_to_crm,
    parse_rrule,
    start_from_crm,
    start_to_crm,
)

UTC = timezone.utc
CPH = ZoneInfo("Europe/Copenhagen")
NYC = ZoneInfo("America/New_York")
SYD = ZoneInfo("Australia/Sydney")
TODAY = date(2026, 3, 15)
PAST, FUTURE = 30, 180
LOW, HIGH = TODAY - timedelta(days=PAST), TODAY + timedelta(days=FUTURE + 1)
D, W, M, Y = RepeatType.DAILY, RepeatType.WEEKLY, RepeatType.MONTHLY, RepeatType.YEARLY


def cph(*args: int) -> datetime:
    return datetime(*args, tzinfo=CPH)  # type: ignore[misc]


def nyc(*args: int) -> datetime:
    return datetime(*args, tzinfo=NYC)  # type: ignore[misc]


@dataclass(frozen=True)
class Case:
    id: str
    dtstart: Start
    rrule: str
    crm_type: RepeatType
    exact: bool
    back: str | None = None          # the compact RRULE expected back, without UNTIL
    exdates: tuple[Start, ...] = ()
    rdates: tuple[Start, ...] = ()
    overridden: tuple[Start, ...] = ()
    zone: tzinfo | None = None

    def series(self) -> NativeSeries:
        return NativeSeries(self.dtstart, self.rrule, self.exdates, self.rdates, self.zone)


WEEKDAYS = "MO,TU,WE,TH,FR"
CASES = [
    # daily
    Case("daily", cph(2026, 2, 2, 9), "FREQ=DAILY", D, True, "FREQ=DAILY"),
    Case("daily_count", cph(2026, 3, 2, 9), "FREQ=DAILY;COUNT=10", D, True, "FREQ=DAILY"),
    Case("daily_until_utc", cph(2026, 3, 2, 9), "FREQ=DAILY;UNTIL=20260320T080000Z", D, True,
         "FREQ=DAILY"),
    Case("every_weekday_outlook", cph(2026, 2, 2, 9), f"FREQ=WEEKLY;BYDAY={WEEKDAYS}", D, False,
         f"FREQ=WEEKLY;BYDAY={WEEKDAYS}"),
    Case("every_weekday_daily_byday", cph(2026, 2, 2, 9), f"FREQ=DAILY;BYDAY={WEEKDAYS}", D,
         False, f"FREQ=WEEKLY;BYDAY={WEEKDAYS}"),
    Case("every_3_days", nyc(2026, 2, 10, 8, 30), "FREQ=DAILY;INTERVAL=3", D, False,
         "FREQ=DAILY;INTERVAL=3"),
    Case("every_2_days_count", cph(2026, 3, 1, 7), "FREQ=DAILY;INTERVAL=2;COUNT=20", D, True,
         "FREQ=DAILY;INTERVAL=2"),
    # weekly
    Case("weekly", cph(2026, 1, 7, 14), "FREQ=WEEKLY", W, True, "FREQ=WEEKLY"),
    Case("weekly_byday_outlook", cph(2026, 1, 7, 14), "FREQ=WEEKLY;BYDAY=WE;WKST=SU", W, True,
         "FREQ=WEEKLY"),
    Case("weekly_count", cph(2026, 3, 3, 9), "FREQ=WEEKLY;COUNT=6", W, True, "FREQ=WEEKLY"),
    Case("weekly_until_date", cph(2026, 3, 4, 9), "FREQ=WEEKLY;UNTIL=20260429", W, True,
         "FREQ=WEEKLY"),
    Case("weekly_tue_thu", cph(2026, 2, 3, 10), "FREQ=WEEKLY;BYDAY=TU,TH", D, False,
         "FREQ=WEEKLY;BYDAY=TU,TH"),
    Case("every_2_weeks", cph(2026, 1, 5, 9), "FREQ=WEEKLY;INTERVAL=2", W, False,
         "FREQ=WEEKLY;INTERVAL=2"),
    Case("every_3_weeks_count", cph(2026, 1, 2, 16), "FREQ=WEEKLY;INTERVAL=3;BYDAY=FR;COUNT=8",
         W, True, "FREQ=WEEKLY;INTERVAL=3"),
    Case("rfc_every_other_week_mo_we_fr", cph(2026, 2, 2, 9),
         "FREQ=WEEKLY;INTERVAL=2;UNTIL=20260630T220000Z;WKST=SU;BYDAY=MO,WE,FR", D, True,
         "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE,FR;WKST=MO"),
    Case("rfc_wkst_mo", cph(2026, 2, 3, 9), "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
         D, True),
    Case("rfc_wkst_su", cph(2026, 2, 3, 9), "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
         D, True, "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU,SU;WKST=SU"),
    # monthly
    Case("monthly", cph(2026, 1, 15, 10), "FREQ=MONTHLY", M, True, "FREQ=MONTHLY"),
    Case("monthly_bymonthday_outlook", cph(2026, 1, 15, 10), "FREQ=MONTHLY;BYMONTHDAY=15", M,
         True, "FREQ=MONTHLY"),
    Case("monthly_31st", cph(2026, 1, 31, 9), "FREQ=MONTHLY;BYMONTHDAY=31", M, True,
         "FREQ=MONTHLY"),
    Case("monthly_2nd_tuesday", cph(2026, 1, 13, 9), "FREQ=MONTHLY;BYDAY=2TU", W, False,
         "FREQ=MONTHLY;BYDAY=2TU"),
    Case("monthly_last_friday", cph(2026, 1, 30, 15), "FREQ=MONTHLY;BYDAY=-1FR", W, False,
         "FREQ=MONTHLY;BYDAY=-1FR"),
    Case("monthly_last_weekday", cph(2026, 1, 30, 17),
         f"FREQ=MONTHLY;BYDAY={WEEKDAYS};BYSETPOS=-1", D, False,
         f"FREQ=MONTHLY;BYDAY={WEEKDAYS};BYSETPOS=-1"),
    Case("monthly_first_weekday", cph(2026, 2, 2, 9),
         f"FREQ=MONTHLY;BYDAY={WEEKDAYS};BYSETPOS=1", D, False,
         f"FREQ=MONTHLY;BYDAY={WEEKDAYS};BYSETPOS=1"),
    Case("monthly_last_day", cph(2026, 1, 31, 12), "FREQ=MONTHLY;BYMONTHDAY=-1", D, False,
         "FREQ=MONTHLY;BYMONTHDAY=-1"),
    Case("every_3_months", cph(2026, 1, 10, 9), "FREQ=MONTHLY;INTERVAL=3", M, False,
         "FREQ=MONTHLY;INTERVAL=3"),
    Case("rfc_first_and_last_day", cph(2026, 2, 1, 9), "FREQ=MONTHLY;BYMONTHDAY=1,-1", D, False),
    Case("rfc_first_friday_count", cph(2026, 2, 6, 9), "FREQ=MONTHLY;COUNT=10;BYDAY=1FR", W, True,
         "FREQ=MONTHLY;BYDAY=1FR"),
    Case("rfc_tuesdays_every_other_month", cph(2026, 1, 6, 9), "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
         W, False, "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU"),
    Case("rfc_friday_13th", cph(2026, 2, 13, 9), "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13", M, False,
         "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13"),
    Case("rfc_third_of_tu_we_th", cph(2026, 2, 5, 9),
         "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3", D, True),
    # yearly
    Case("yearly", cph(2025, 4, 20, 10), "FREQ=YEARLY", Y, True, "FREQ=YEARLY"),
    Case("yearly_outlook", cph(2025, 6, 1, 10), "FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=1", Y, True,
         "FREQ=YEARLY"),
    Case("yearly_last_monday_of_may", nyc(2025, 5, 26, 10), "FREQ=YEARLY;BYMONTH=5;BYDAY=-1MO",
         W, False, "FREQ=YEARLY;BYDAY=-1MO;BYMONTH=5"),
    Case("yearly_4th_thursday_of_november", nyc(2025, 11, 27, 12),
         "FREQ=YEARLY;BYMONTH=11;BYDAY=4TH", W, False, "FREQ=YEARLY;BYDAY=4TH;BYMONTH=11"),
    Case("rfc_us_election_day", nyc(2024, 11, 5, 9),
         "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8", W, False,
         "FREQ=YEARLY;INTERVAL=4;BYDAY=1TU;BYMONTH=11"),
    Case("rfc_every_day_in_january", cph(2026, 1, 1, 9),
         "FREQ=YEARLY;UNTIL=20280131T080000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA", D, True),
    Case("twice_a_year", cph(2026, 1, 1, 9), "FREQ=YEARLY;BYMONTH=1,7;BYMONTHDAY=1", M, False,
         "FREQ=MONTHLY;INTERVAL=6"),
    Case("feb_29", cph(2024, 2, 29, 12), "FREQ=YEARLY", Y, True, "FREQ=YEARLY"),
    # all-day
    Case("allday_daily_count", date(2026, 3, 20), "FREQ=DAILY;COUNT=5", D, True, "FREQ=DAILY"),
    Case("allday_birthday", date(1990, 4, 12), "FREQ=YEARLY", Y, True, "FREQ=YEARLY"),
    Case("allday_feb_29_count", date(2024, 2, 29), "FREQ=YEARLY;COUNT=3", Y, True, "FREQ=YEARLY"),
    Case("allday_weekly_exdates", date(2026, 2, 16), "FREQ=WEEKLY", W, True, "FREQ=WEEKLY",
         exdates=(date(2026, 3, 2), date(2026, 3, 30))),
    Case("allday_until_utc_datetime", date(2026, 3, 2), "FREQ=WEEKLY;UNTIL=20260406T000000Z", W,
         True, "FREQ=WEEKLY"),
    Case("allday_every_weekday", date(2026, 2, 2), f"FREQ=WEEKLY;BYDAY={WEEKDAYS}", D, False,
         f"FREQ=WEEKLY;BYDAY={WEEKDAYS}", zone=CPH),
    # floating
    Case("floating_weekly", datetime(2026, 2, 5, 9), "FREQ=WEEKLY;BYDAY=TH", W, True,
         "FREQ=WEEKLY", zone=NYC),
    Case("floating_every_2_weeks_until_utc", datetime(2026, 2, 5, 9),
         "FREQ=WEEKLY;INTERVAL=2;UNTIL=20260702T130000Z", W, True, "FREQ=WEEKLY;INTERVAL=2",
         zone=NYC),
    # EXDATE, RDATE, overrides
    Case("exdate_in_utc_google", cph(2026, 2, 2, 9), "FREQ=WEEKLY", W, True, "FREQ=WEEKLY",
         exdates=(datetime(2026, 3, 16, 8, tzinfo=UTC),)),
    Case("exdate_in_another_zone", cph(2026, 2, 2, 9), "FREQ=WEEKLY;BYDAY=MO", W, True,
         "FREQ=WEEKLY", exdates=(nyc(2026, 4, 6, 3),)),
    Case("exdate_as_date", cph(2026, 2, 2, 9), "FREQ=WEEKLY;COUNT=20", W, True, "FREQ=WEEKLY",
         exdates=(date(2026, 3, 2),)),
    Case("overridden", cph(2026, 2, 4, 11), "FREQ=WEEKLY", W, True, "FREQ=WEEKLY",
         overridden=(cph(2026, 3, 18, 11), date(2026, 4, 1))),
    Case("every_2_weeks_exdate_and_override", cph(2026, 2, 4, 11),
         "FREQ=WEEKLY;INTERVAL=2;COUNT=12", W, True, "FREQ=WEEKLY;INTERVAL=2",
         exdates=(cph(2026, 3, 4, 11),), overridden=(datetime(2026, 4, 1, 9, tzinfo=UTC),)),
    Case("rdate_extra_thursday", cph(2026, 2, 3, 10), "FREQ=WEEKLY;COUNT=10", D, True,
         rdates=(cph(2026, 3, 12, 10),)),
    Case("dtstart_excluded", cph(2026, 2, 2, 9), "FREQ=WEEKLY;COUNT=8", W, True, "FREQ=WEEKLY",
         exdates=(cph(2026, 2, 2, 9),)),
    Case("dtstart_off_pattern", cph(2026, 2, 2, 9), "FREQ=WEEKLY;BYDAY=WE;COUNT=4", D, True),
    # other zones
    Case("new_york_weekly", nyc(2026, 2, 23, 9), "FREQ=WEEKLY;BYDAY=MO", W, True, "FREQ=WEEKLY"),
    Case("sydney_every_2_weeks", datetime(2026, 3, 2, 9, tzinfo=SYD), "FREQ=WEEKLY;INTERVAL=2",
         W, False, "FREQ=WEEKLY;INTERVAL=2"),
    Case("rrule_prefix_and_x_part", cph(2026, 2, 2, 9), "RRULE:FREQ=WEEKLY;X-NAME=1", W, True,
         "FREQ=WEEKLY"),
]


def instants(values: list[Start]) -> set[Start]:
    return {v.astimezone(UTC) if isinstance(v, datetime) and v.tzinfo else v for v in values}


def local_day(value: Start, zone: tzinfo) -> date:
    if isinstance(value, datetime):
        return value.astimezone(zone).date() if value.tzinfo else value.date()
    return value


def series_zone(series: NativeSeries) -> tzinfo:
    start = series.dtstart
    if isinstance(start, datetime) and start.tzinfo is not None:
        return start.tzinfo
    return series.zone or UTC


def via_crm(series: NativeSeries) -> Start:
    """DTSTART after a trip through the CRM's UTC planned_start (rule 6)."""
    start, zone = series.dtstart, series_zone(series)
    planned = start_to_crm(start, zone)
    return start_from_crm(planned.replace(tzinfo=None), not isinstance(start, datetime), zone,
                          floating=isinstance(start, datetime) and start.tzinfo is None)


def windows(case: Case, exact: bool) -> list[tuple[date, date]]:
    first = case.dtstart.date() if isinstance(case.dtstart, datetime) else case.dtstart
    spans = [(LOW, HIGH), (min(first, LOW), HIGH)]
    if exact:   # the CRM holds the whole series: compare far beyond the sync window
        spans.append((first, first + timedelta(days=366 * 12)))
    return spans


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule16_calendar_to_crm_to_calendar(case: Case) -> None:
    series, zone = case.series(), series_zone(case.series())
    mapped = native_to_crm(series, today=TODAY, future_days=FUTURE, overridden=case.overridden)
    assert mapped.repeat is not None, mapped.reason
    assert (mapped.repeat.type, mapped.exact) == (case.crm_type, case.exact)
    if not case.exact:   # capped, and the cap covers the sync window
        assert mapped.capped_at == mapped.repeat.expires
        assert mapped.capped_at >= TODAY + timedelta(days=FUTURE)
    start = via_crm(series)
    moved = {local_day(v, zone) for v in case.overridden}
    back = crm_to_native(mapped.repeat, start, series.zone, overridden=case.overridden)
    seen = 0
    for low, high in windows(case, case.exact):
        native = expand_native(series, low, high)
        kept = [o for o in native if local_day(o, zone) not in moved]
        assert instants(expand_crm(mapped.repeat, start, low, high, series.zone)) \
            == instants(kept)
        assert instants(expand_native(back.series(start, series.zone), low, high)) \
            == instants(native)
        seen += len(native)
    assert seen > 0
    if case.back is not None:
        assert {k: v for k, v in back.parts if k != "UNTIL"} == parse_rrule(case.back)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_rule16_crm_to_calendar_to_crm(case: Case) -> None:
    series = case.series()
    crm = native_to_crm(series, today=TODAY, future_days=FUTURE,
                        overridden=case.overridden).repeat
    assert crm is not None
    start = via_crm(series)
    native = crm_to_native(crm, start, series.zone)   # moved dates become EXDATEs
    again = native_to_crm(native.series(start, series.zone), today=TODAY, future_days=FUTURE)
    assert again.exact and again.repeat == crm
    for low, high in windows(case, crm.expires is not None):
        assert instants(expand_native(native.series(start, series.zone), low, high)) \
            == instants(expand_crm(crm, start, low, high, series.zone))


def test_the_table_covers_at_least_30_patterns() -> None:
    assert len({c.rrule for c in CASES}) >= 30
    assert {c.crm_type for c in CASES} == set(RepeatType)


# -- series born in the CRM ----------------------------------------------------------

CRM_CASES = [
    ("weekly_open_with_exceptions", cph(2026, 1, 5, 9),
     CrmRepeat(W, None, (date(2026, 2, 2), date(2026, 3, 30), date(2026, 3, 31))), "FREQ=WEEKLY"),
    ("daily_weekends_off", cph(2026, 2, 2, 8),
     CrmRepeat(D, date(2026, 5, 29), tuple(d for d in (date(2026, 2, 2) + timedelta(days=n)
                                                      for n in range(120)) if d.weekday() > 4)),
     f"FREQ=WEEKLY;BYDAY={WEEKDAYS}"),
    ("weekly_every_other_week_off", cph(2026, 1, 5, 9),
     CrmRepeat(W, date(2026, 12, 28), tuple(date(2026, 1, 12) + timedelta(weeks=2 * n)
                                            for n in range(26))),
     "FREQ=WEEKLY;INTERVAL=2"),
    ("monthly_31st_bounded", date(2026, 1, 31), CrmRepeat(M, date(2027, 1, 31)), "FREQ=MONTHLY"),
    ("yearly_feb_29_allday", date(2024, 2, 29), CrmRepeat(Y, None, (date(2028, 2, 29),)),
     "FREQ=YEARLY"),
    ("exceptions_off_pattern_are_dropped", cph(2026, 1, 5, 9),
     CrmRepeat(W, date(2026, 6, 29), (date(2026, 1, 6), date(2026, 7, 6), date(2026, 2, 9))),
     "FREQ=WEEKLY"),
    ("expires_on_an_exception", cph(2026, 1, 5, 9),
     CrmRepeat(W, date(2026, 6, 29), (date(2026, 6, 29),)), "FREQ=WEEKLY"),
    ("daily_every_third_day", datetime(2026, 3, 1, 18),
     CrmRepeat(D, date(2026, 4, 30), tuple(date(2026, 3, 1) + timedelta(days=n)
                                           for n in range(61) if n % 3)),
     "FREQ=DAILY;INTERVAL=3"),
]


@pytest.mark.parametrize(("start", "crm", "rrule"), [c[1:] for c in CRM_CASES],
                         ids=[c[0] for c in CRM_CASES])
def test_rule16_crm_born_series_to_calendar_and_back(start: Start, crm: CrmRepeat,
                                                      rrule: str) -> None:
    zone = NYC if isinstance(start, datetime) and start.tzinfo is None else None
    native = crm_to_native(crm, start, zone)
    assert {k: v for k, v in native.parts if k != "UNTIL"} == parse_rrule(rrule)
    again = native_to_crm(native.series(start, zone), today=TODAY, future_days=FUTURE)
    assert again.exact and again.repeat is not None
    first = start.date() if isinstance(start, datetime) else start
    for high in (HIGH, first + timedelta(days=366 * 6)):
        assert instants(expand_native(native.series(start, zone), first, high)) \
            == instants(expand_crm(crm, start, first, high, zone)) \
            == instants(expand_crm(again.repeat, start, first, high, zone))

"""Repeating activities: expand native and CRM series, map one to the other.

DESIGN rules 6, 16 and 17.  The CRM holds a series as its first occurrence
(a UTC instant, or a date when all-day), a `RepeatType` with no interval and
no by-day rules (weekly = the start's weekday, monthly = the start's day of
month, yearly = its month and day; a month or year without that day is
skipped), the date of the last occurrence (None: open-ended) and exception
dates.  The calendar holds DTSTART + RRULE + EXDATE (+ RDATE).

A *start* is a `date` (all-day), a naive `datetime` (floating, read in the
rep's zone) or an aware `datetime` (zoned: the series zone is its tzinfo).
Every calculation runs on naive wall-clock times of the series zone, so a
weekly 09:00 meeting stays at 09:00 local across DST; only its UTC instant
moves.  Occurrences, EXDATEs and RECURRENCE-IDs come back in DTSTART's kind.

    expand_native(series, start, end)            native occurrences in [start, end)
    native_to_crm(series, today=, future_days=)  -> CrmMapping (rule 16)
    crm_to_native(repeat, dtstart, zone)         -> NativeRepeat: compact RRULE + EXDATEs
    expand_crm(repeat, dtstart, start, end, zone)
    native_exdates(series, repeat)               CRM exceptions as EXDATEs of a kept RRULE
    start_from_crm / start_to_crm                the CRM's UTC planned_start <-> DTSTART

As RFC 5545 says, DTSTART is always the first occurrence, and counts
towards COUNT, even when it is off the RRULE's pattern.
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from enum import StrEnum
from functools import reduce
from math import gcd
from typing import Any, Callable, Iterable, Mapping

from dateutil import rrule as du
from dateutil.relativedelta import relativedelta

UTC = timezone.utc
Start = date | datetime
RuleParts = dict[str, tuple[Any, ...]]   # "BYDAY" -> ("MO", "-1FR"), "INTERVAL" -> (2,)


class RepeatType(StrEnum):
    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    YEARLY = "yearly"


# Seed 004: an open-ended pattern the CRM can't hold is capped, by the native
# pattern's frequency.
CAP_YEARS: dict[str, int] = {"DAILY": 1, "WEEKLY": 1, "MONTHLY": 2, "YEARLY": 5}
# Bounds the work on hostile input such as FREQ=DAILY;UNTIL=99991231.
MAX_OCCURRENCES = 50_000
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
NO_REPEAT_EXTRA: dict[str, Any] = {"repeating": False, "repeating_type": None,
                                   "repeating_expires": None, "exceptions": []}
_FREQS = {"YEARLY": du.YEARLY, "MONTHLY": du.MONTHLY, "WEEKLY": du.WEEKLY, "DAILY": du.DAILY,
          "HOURLY": du.HOURLY, "MINUTELY": du.MINUTELY, "SECONDLY": du.SECONDLY}
_INT_PARTS = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO",
              "BYMONTH", "BYSETPOS")
_ORDER = ("FREQ", "UNTIL", "COUNT", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
          "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST")
_BYDAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_SUB_DAILY = {"HOURLY": "hour", "MINUTELY": "minute", "SECONDLY": "second"}
_WORKDAYS = ("MO", "TU", "WE", "TH", "FR")
_FREQ_RANK = ("YEARLY", "MONTHLY", "WEEKLY", "DAILY")


# -- types -------------------------------------------------------------------

@dataclass(frozen=True)
class CrmRepeat:
    """The CRM's series: type, date of the last occurrence (None: open-ended), skipped dates."""

    type: RepeatType
    expires: date | None = None
    exceptions: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "type", RepeatType(self.type))
        object.__setattr__(self, "exceptions", tuple(sorted(set(self.exceptions))))

    @classmethod
    def from_extra(cls, extra: Mapping[str, Any]) -> CrmRepeat | None:
        """From CrmRecord.extra (repeating, repeating_type, repeating_expires, exceptions)."""
        if not extra.get("repeating") or not extra.get("repeating_type"):
            return None
        days = extra.get("exceptions") or ()
        if isinstance(days, str):
            days = [line for line in days.splitlines() if line.strip()]
        return cls(RepeatType(extra["repeating_type"]), _as_date(extra.get("repeating_expires")),
                   tuple(_as_date(d) for d in days))  # type: ignore[misc]

    def to_extra(self) -> dict[str, Any]:
        """The JSON-safe CrmRecord.extra form, also accepted by the Tryton connector."""
        return {"repeating": True, "repeating_type": str(self.type),
                "repeating_expires": self.expires.isoformat() if self.expires else None,
                "exceptions": [d.isoformat() for d in self.exceptions]}


@dataclass(frozen=True)
class CrmMapping:
    """What native_to_crm made of a native series.

    repeat None: the CRM can't hold the pattern (`reason` says why); keep the
    native RRULE and sync only the other fields.  exact False: the CRM holds
    the occurrences up to `capped_at` (= repeat.expires) and the native
    series goes on after it.
    """

    repeat: CrmRepeat | None
    exact: bool
    capped_at: date | None = None
    reason: str = ""

    @property
    def representable(self) -> bool:
        return self.repeat is not None


@dataclass(frozen=True)
class NativeSeries:
    """A native series.  rrule: RFC 5545 text or a vRecur-like mapping (or None:
    DTSTART + RDATEs only).  zone: the rep's zone, used for floating and all-day
    starts (default UTC); a zoned DTSTART brings its own."""

    dtstart: Start
    rrule: str | Mapping[str, Any] | None = None
    exdates: tuple[Start, ...] = ()
    rdates: tuple[Start, ...] = ()
    zone: tzinfo | None = None
    # RECURRENCE-IDs of the occurrences the item overrides (moved or changed):
    # not EXDATEs, but not the pattern's either (rule 17).
    overridden: tuple[Start, ...] = ()


@dataclass(frozen=True)
class NativeRepeat:
    """An RRULE (`parts`, canonical order) and its EXDATEs, in DTSTART's kind."""

    parts: tuple[tuple[str, tuple[Any, ...]], ...]
    exdates: tuple[Start, ...] = ()

    @property
    def vrecur(self) -> dict[str, list[Any]]:
        """For icalendar: component.add("RRULE", repeat.vrecur)."""
        return {name: list(values) for name, values in self.parts}

    @property
    def text(self) -> str:
        return format_rrule(dict(self.parts))

    def series(self, dtstart: Start, zone: tzinfo | None = None) -> NativeSeries:
        return NativeSeries(dtstart, self.text, self.exdates, (), zone)


# -- RRULE values --------------------------------------------------------------

def parse_rrule(value: str | Mapping[str, Any]) -> RuleParts:
    """RRULE text ("RRULE:" prefix allowed) or a vRecur-like mapping, in normal
    form; ValueError on a bad or unsupported part.  X- parts are dropped."""
    if isinstance(value, str):
        text = value.strip()
        text = text[6:] if text.upper().startswith("RRULE:") else text
        raw: dict[str, list[Any]] = {}
        for item in filter(None, text.split(";")):
            name, sep, values = item.partition("=")
            if not sep:
                raise ValueError(f"RRULE part without a value: {item!r}")
            raw[name.strip().upper()] = values.split(",")
    else:
        raw = {str(k).upper(): list(v) if isinstance(v, (list, tuple)) else [v]
               for k, v in value.items()}
    parts = {name: _part(name, values) for name, values in raw.items()
             if not name.startswith("X-")}
    if "FREQ" not in parts:
        raise ValueError("RRULE without FREQ")
    if "COUNT" in parts and "UNTIL" in parts:
        raise ValueError("RRULE with both COUNT and UNTIL")
    return parts


def _part(name: str, values: list[Any]) -> tuple[Any, ...]:
    try:
        if name in ("FREQ", "WKST"):
            word = str(values[0]).strip().upper()
            if word not in (_FREQS if name == "FREQ" else WEEKDAYS):
                raise ValueError(word)
            return (word,)
        if name in ("INTERVAL", "COUNT"):
            number = int(values[0])
            if number < 1:
                raise ValueError(number)
            return (number,)
        if name == "UNTIL":
            return (_parse_until(values[0]),)
        if name == "BYDAY":
            return tuple(_parse_byday(v) for v in values)
        if name in _INT_PARTS:
            return tuple(int(v) for v in values)
    except (ValueError, TypeError, IndexError):
        raise ValueError(f"bad RRULE {name} value: {values!r}") from None
    raise ValueError(f"unsupported RRULE part {name}")


def _parse_byday(value: Any) -> str:
    match = _BYDAY.fullmatch(str(value).strip().upper())
    if match is None or (match[1] and not 1 <= abs(int(match[1])) <= 53):
        raise ValueError(value)
    return f"{int(match[1])}{match[2]}" if match[1] else match[2]


def _parse_until(value: Any) -> Start:
    if isinstance(value, date):
        return value
    text = str(value).strip().upper()
    if len(text) == 8:
        return datetime.strptime(text, "%Y%m%d").date()
    if text.endswith("Z"):
        return datetime.strptime(text[:-1], "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
    return datetime.strptime(text, "%Y%m%dT%H%M%S")


def format_rrule(parts: Mapping[str, Iterable[Any]]) -> str:
    """RFC 5545 text of normal-form parts: UNTIL as a DATE, a floating time or UTC."""
    return ";".join(f"{name}={','.join(_format_value(v) for v in parts[name])}"
                    for name in _ORDER if name in parts)


def _format_value(value: Any) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        return value.strftime("%Y%m%dT%H%M%S")
    if isinstance(value, date):
        return value.strftime("%Y%m%d")
    return str(value)


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value).strip())


# -- the series zone -------------------------------------------------------------

@dataclass(frozen=True)
class _Frame:
    """DTSTART as naive wall-clock time in the series zone, and its kind."""

    start: datetime
    zone: tzinfo
    kind: str            # "zoned", "floating" or "allday"

    @classmethod
    def of(cls, dtstart: Start, zone: tzinfo | None) -> _Frame:
        if not isinstance(dtstart, datetime):
            return cls(datetime.combine(dtstart, time()), zone or UTC, "allday")
        if dtstart.tzinfo is None:
            return cls(dtstart, zone or UTC, "floating")
        return cls(dtstart.replace(tzinfo=None), dtstart.tzinfo, "zoned")

    def local(self, value: Start) -> datetime:
        """A property value (EXDATE, RDATE, UNTIL, RECURRENCE-ID) as wall-clock time.
        In an all-day series a datetime counts by the date written in it."""
        if not isinstance(value, datetime):
            return datetime.combine(value, time())
        if value.tzinfo is not None:
            value = value.replace(tzinfo=None) if self.kind == "allday" else \
                value.astimezone(self.zone).replace(tzinfo=None)
        return datetime.combine(value.date(), time()) if self.kind == "allday" else value

    def instant(self, value: Start) -> datetime:
        """A window bound or an occurrence as an aware UTC instant."""
        if not isinstance(value, datetime):
            value = datetime.combine(value, time())
        if value.tzinfo is None:
            value = value.replace(tzinfo=self.zone)
        return value.astimezone(UTC)

    def out(self, wall: datetime) -> Start:
        if self.kind == "allday":
            return wall.date()
        return wall.replace(tzinfo=self.zone) if self.kind == "zoned" else wall

    def at(self, day: date) -> Start:
        """The occurrence on `day`, as an EXDATE value."""
        return self.out(datetime.combine(day, self.start.time()))

    def until(self, day: date) -> Start:
        """UNTIL for a last occurrence on `day`: UTC when zoned (RFC 5545)."""
        value = self.at(day)
        return value.astimezone(UTC) if self.kind == "zoned" else value


# -- expansion ----------------------------------------------------------------------

def _rrule(frame: _Frame, parts: RuleParts) -> du.rrule | None:
    if frame.kind == "allday" and {"BYHOUR", "BYMINUTE", "BYSECOND"} & parts.keys():
        raise ValueError("times of day (BYHOUR/BYMINUTE/BYSECOND) in an all-day series")
    kw: dict[str, Any] = {name.lower(): parts[name] for name in _INT_PARTS if name in parts}
    kw.update(dtstart=frame.start, interval=parts.get("INTERVAL", (1,))[0],
              wkst=WEEKDAYS.index(parts.get("WKST", ("MO",))[0]))
    if "UNTIL" in parts:
        until = parts["UNTIL"][0]
        kw["until"] = frame.local(until) if isinstance(until, datetime) or \
            frame.kind == "allday" else datetime.combine(until, time(23, 59, 59))
    if "BYDAY" in parts:
        kw["byweekday"] = [du.weekday(WEEKDAYS.index(v[-2:]), int(v[:-2]) if v[:-2] else None)
                           for v in parts["BYDAY"]]
    freq, count = _FREQS[parts["FREQ"][0]], parts.get("COUNT", (None,))[0]
    rule = du.rrule(freq, count=count, **kw)
    if count and next(iter(rule), None) != frame.start:   # DTSTART counts as the first
        return du.rrule(freq, count=count - 1, **kw) if count > 1 else None
    return rule


def _rule_set(frame: _Frame, parts: RuleParts, exdates: Iterable[Start],
              rdates: Iterable[Start]) -> tuple[du.rruleset, du.rrule | None, frozenset[date]]:
    """The set, its rule, and the DATE exdates of a timed series (whole days off)."""
    rset, rule = du.rruleset(), _rrule(frame, parts) if parts else None
    if rule is not None:
        rset.rrule(rule)
    rset.rdate(frame.start)
    for value in rdates:
        rset.rdate(frame.local(value))
    days: set[date] = set()
    for value in exdates:
        if isinstance(value, datetime) or frame.kind == "allday":
            rset.exdate(frame.local(value))
        else:
            days.add(value)
    return rset, rule, frozenset(days)


def _window(frame: _Frame, rset: du.rruleset, days_off: frozenset[date],
            start: Start, end: Start) -> list[Start]:
    low, high = frame.instant(start), frame.instant(end)
    pad = timedelta(days=2)     # the window is in UTC, the set in wall-clock time
    found = rset.between(low.astimezone(frame.zone).replace(tzinfo=None) - pad,
                         high.astimezone(frame.zone).replace(tzinfo=None) + pad, inc=True)
    return [frame.out(o) for o in found
            if o.date() not in days_off and low <= frame.instant(o) < high]


def expand_native(series: NativeSeries, start: Start, end: Start) -> list[Start]:
    """Occurrence starts of a native series in [start, end), in DTSTART's kind.
    Bounds: dates (midnight), naive (series wall-clock) or aware datetimes."""
    frame = _Frame.of(series.dtstart, series.zone)
    parts = parse_rrule(series.rrule) if series.rrule else {}
    rset, _, days_off = _rule_set(frame, parts, series.exdates, series.rdates)
    return _window(frame, rset, days_off, start, end)


def expand_crm(repeat: CrmRepeat, dtstart: Start, start: Start, end: Start,
               zone: tzinfo | None = None) -> list[Start]:
    """Occurrence starts of a CRM series in [start, end); dtstart as for NativeSeries
    (see start_from_crm)."""
    frame = _Frame.of(dtstart, zone)
    low, high = frame.instant(start), frame.instant(end)
    pad = timedelta(days=2)     # the window is in UTC, the pattern in local days
    last = high.astimezone(frame.zone).date() + pad
    days = _crm_days(repeat.type, frame.start.date(), low.astimezone(frame.zone).date() - pad,
                     min(last, repeat.expires or last))
    skip = set(repeat.exceptions)
    found = (frame.at(d) for d in days if d not in skip)
    return [o for o in found if low <= frame.instant(o) < high]


def start_from_crm(planned_start: Start, all_day: bool, zone: tzinfo,
                   floating: bool = False) -> Start:
    """DTSTART from the CRM's planned_start (naive = UTC): a date when all-day,
    else the instant in `zone`, naive when the native item uses floating time."""
    if all_day:
        return planned_start.date() if isinstance(planned_start, datetime) else planned_start
    if not isinstance(planned_start, datetime):
        raise TypeError(f"a timed series starts at a datetime, not {planned_start!r}")
    aware = planned_start if planned_start.tzinfo else planned_start.replace(tzinfo=UTC)
    local = aware.astimezone(zone)
    return local.replace(tzinfo=None) if floating else local


def start_to_crm(dtstart: Start, zone: tzinfo | None = None) -> datetime:
    """The CRM's planned_start (aware UTC; 00:00 UTC of the date when all-day)."""
    if not isinstance(dtstart, datetime):
        return datetime.combine(dtstart, time(), UTC)
    if dtstart.tzinfo is None:
        dtstart = dtstart.replace(tzinfo=zone or UTC)
    return dtstart.astimezone(UTC)


# -- the CRM's patterns ----------------------------------------------------------------

def _on_type(kind: RepeatType, first: date, day: date) -> bool:
    """Whether `day` is on the CRM pattern of `kind` that starts on `first`."""
    if day < first:
        return False
    if kind is RepeatType.WEEKLY:
        return day.weekday() == first.weekday()
    if kind is RepeatType.MONTHLY:
        return day.day == first.day
    if kind is RepeatType.YEARLY:
        return (day.month, day.day) == (first.month, first.day)
    return True


def _crm_days(kind: RepeatType, first: date, low: date, high: date) -> list[date]:
    """The days of the CRM pattern from `first` within [low, high], by arithmetic:
    dateutil would walk from `first`, years of days for a window in the present."""
    low = max(low, first)
    if kind in (RepeatType.DAILY, RepeatType.WEEKLY):
        step = 7 if kind is RepeatType.WEEKLY else 1
        begin = first.toordinal() - (first.toordinal() - low.toordinal()) // step * step
        return [date.fromordinal(n) for n in range(begin, high.toordinal() + 1, step)]
    months = range(low.year * 12 + low.month - 1, high.year * 12 + high.month)
    if kind is RepeatType.YEARLY:
        months = range(low.year * 12 + first.month - 1, high.year * 12 + high.month, 12)
    out = []
    for n in months:
        if first.day <= monthrange(n // 12, n % 12 + 1)[1]:
            day = date(n // 12, n % 12 + 1, first.day)
            if low <= day <= high:
                out.append(day)
    return out


def _dates(parts: RuleParts, first: date, last: date) -> list[date]:
    """The days of a date-level rule from `first` to `last` included."""
    freq = parts["FREQ"][0]
    if parts.keys() == {"FREQ"} and freq in CAP_YEARS:
        return _crm_days(RepeatType(freq.lower()), first, first, last)
    frame = _Frame(datetime.combine(first, time()), UTC, "allday")
    rule = _rrule(frame, {**parts, "UNTIL": (last,)})
    return [o.date() for o in rule] if rule is not None else []


def cap_end(first: date, freq: str, today: date, future_days: int) -> date:
    """The first day past the cap of an open-ended series (DESIGN rule 16).

    The cap is DTSTART + k cap periods (CAP_YEARS, by the native FREQ) with
    the least k >= 1 that reaches past today + future_days, so a long-running
    series never leaves the sync window and the cap moves once per period.
    """
    years, need = CAP_YEARS.get(freq.upper(), 1), today + timedelta(days=future_days)
    k = max(1, (need.year - first.year) // years)
    while first + relativedelta(years=k * years) <= need:
        k += 1
    while k > 1 and first + relativedelta(years=(k - 1) * years) > need:
        k -= 1
    return first + relativedelta(years=k * years)


# -- native -> CRM -----------------------------------------------------------------------

def native_to_crm(series: NativeSeries, *, today: date, future_days: int,
                  overridden: Iterable[Start] = ()) -> CrmMapping:
    """The CRM series for a native one (rule 16).

    Type: the RRULE's own when it is exactly a CRM type, else the least
    frequent CRM type whose occurrences include the native ones (all at
    DTSTART's time of day); the excess and the EXDATEs become exceptions.
    Bounded series (COUNT, UNTIL) are held whole: exact, expires = the last
    occurrence.  Open-ended ones are exact when the RRULE is a CRM type, else
    capped at cap_end(...) and exact=False.  `overridden`: occurrences (dates
    or RECURRENCE-ID values) moved out as their own activities (rule 17);
    they become exceptions too.
    """
    frame = _Frame.of(series.dtstart, series.zone)
    moved = frozenset(frame.local(v).date() for v in overridden)
    try:
        parts = parse_rrule(series.rrule) if series.rrule else {}
        _refuse_sub_daily(parts)
        rset, rule, days_off = _rule_set(frame, parts, series.exdates, series.rdates)
        plain = _plain_type(frame, parts, rule, series.rdates)
        bounded = not parts or "COUNT" in parts or "UNTIL" in parts
        if plain is not None and not bounded:
            return CrmMapping(_open(plain, frame, series.exdates, moved), exact=True)
        horizon = date.max if bounded else \
            cap_end(frame.start.date(), parts["FREQ"][0], today, future_days)
        occ, more = _collect(rset, days_off, horizon)
        repeat = _bounded(plain or _fit(frame, occ), frame, occ, moved)
    except ValueError as exc:
        return CrmMapping(None, exact=False, reason=str(exc))
    if not more:
        return CrmMapping(repeat, exact=True)
    return CrmMapping(repeat, exact=False, capped_at=repeat.expires,
                      reason=f"the CRM can't repeat this pattern without end; it holds "
                             f"the occurrences until {repeat.expires}")


def _refuse_sub_daily(parts: RuleParts) -> None:
    freq = parts.get("FREQ", ("DAILY",))[0]
    if freq in _SUB_DAILY:
        step = parts.get("INTERVAL", (1,))[0]
        unit = _SUB_DAILY[freq]
        raise ValueError(f"repeats every {unit}" if step == 1 else f"repeats every {step} {unit}s")
    if any(len(parts.get(name, ())) > 1 for name in ("BYHOUR", "BYMINUTE", "BYSECOND")):
        raise ValueError("repeats several times a day")


def _collect(rset: du.rruleset, days_off: frozenset[date],
             horizon: date) -> tuple[list[datetime], bool]:
    """Occurrences before `horizon`, and whether the series goes on after it."""
    found: list[datetime] = []
    for occ in rset:
        if occ.date() >= horizon:
            return found, True
        if occ.date() not in days_off:
            found.append(occ)
            if len(found) > MAX_OCCURRENCES:
                raise ValueError(f"more than {MAX_OCCURRENCES} occurrences")
    return found, False


def _plain_type(frame: _Frame, parts: RuleParts, rule: du.rrule | None,
                rdates: Iterable[Start]) -> RepeatType | None:
    """The CRM type the rule is exactly (INTERVAL 1, redundant BY parts), if any."""
    freq = parts.get("FREQ", ("",))[0]
    if freq not in CAP_YEARS or parts.get("INTERVAL", (1,)) != (1,) or rule is None:
        return None
    s = frame.start
    implied: RuleParts = {"BYHOUR": (s.hour,), "BYMINUTE": (s.minute,), "BYSECOND": (s.second,)}
    if freq == "WEEKLY":
        implied["BYDAY"] = (WEEKDAYS[s.weekday()],)
    if freq in ("MONTHLY", "YEARLY"):
        implied["BYMONTHDAY"] = (s.day,)
    if freq == "YEARLY":
        implied["BYMONTH"] = (s.month,)
    for name, values in parts.items():
        if name not in ("FREQ", "INTERVAL", "COUNT", "UNTIL", "WKST") \
                and implied.get(name) != values:
            return None
    if any(frame.local(r) not in rule for r in rdates):
        return None
    return RepeatType(freq.lower())


def _fit(frame: _Frame, occ: list[datetime]) -> RepeatType:
    """The least frequent CRM type whose pattern includes every occurrence."""
    if occ and occ[0] < frame.start:
        raise ValueError("an extra date (RDATE) comes before the first occurrence")
    if any(o.time() != frame.start.time() for o in occ):
        raise ValueError("occurrences at different times of day")
    days = [o.date() for o in occ]      # one a day: all are at DTSTART's time
    first = frame.start.date()
    for kind in (RepeatType.YEARLY, RepeatType.MONTHLY, RepeatType.WEEKLY):
        if all(_on_type(kind, first, d) for d in days):
            return kind
    return RepeatType.DAILY


def _bounded(kind: RepeatType, frame: _Frame, occ: list[datetime],
             moved: frozenset[date]) -> CrmRepeat:
    first = frame.start.date()
    last = occ[-1].date() if occ else first
    keep = {o.date() for o in occ} - moved
    crm = _dates({"FREQ": (kind.upper(),)}, first, last)
    return CrmRepeat(kind, last, tuple(d for d in crm if d not in keep))


def _open(kind: RepeatType, frame: _Frame, exdates: Iterable[Start],
          moved: frozenset[date]) -> CrmRepeat:
    """An open-ended CRM type: the EXDATEs on its pattern and the moved dates are skipped."""
    first, days = frame.start.date(), set(moved)
    for value in exdates:
        wall = frame.local(value)
        if not isinstance(value, datetime) or wall.time() == frame.start.time():
            days.add(wall.date())
    return CrmRepeat(kind, None, tuple(d for d in days if _on_type(kind, first, d)))


def native_exdates(series: NativeSeries, repeat: CrmRepeat,
                   overridden: Iterable[Start] = ()) -> tuple[Start, ...]:
    """EXDATEs that carry the CRM's exceptions into a native series whose own
    RRULE is kept (a capped mapping): the native occurrences up to
    repeat.expires on an exception date (and not `overridden`), plus the
    series' EXDATEs after that date, which the CRM doesn't see."""
    frame = _Frame.of(series.dtstart, series.zone)
    moved = {frame.local(v).date() for v in overridden}
    skip = set(repeat.exceptions) - moved
    end = repeat.expires or max(skip, default=frame.start.date())
    rset, _, _ = _rule_set(frame, parse_rrule(series.rrule) if series.rrule else {}, (),
                           series.rdates)
    out: list[Start] = []
    for occ in rset:
        if occ.date() > end:
            break
        if occ.date() in skip:
            out.append(frame.out(occ))
    if repeat.expires is None:     # the CRM holds every exception of an open series
        return tuple(out)
    return tuple(out) + tuple(v for v in series.exdates if frame.local(v).date() > end)


# -- CRM -> native ---------------------------------------------------------------------------

def crm_to_native(repeat: CrmRepeat, dtstart: Start, zone: tzinfo | None = None,
                  overridden: Iterable[Start] = ()) -> NativeRepeat:
    """The RRULE and EXDATEs for a CRM series; dtstart from start_from_crm.

    A bounded series gets the most compact rule with the same occurrences
    (fewest EXDATEs, then fewest parts): weekly with every other week excepted
    becomes FREQ=WEEKLY;INTERVAL=2.  `overridden`: exception dates the native
    item keeps as RECURRENCE-ID overrides, so not as EXDATEs.
    """
    frame = _Frame.of(dtstart, zone)
    first, freq = frame.start.date(), repeat.type.upper()
    moved = {frame.local(v).date() for v in overridden}
    skip = sorted(d for d in repeat.exceptions if d not in moved and _on_type(
        repeat.type, first, d) and (repeat.expires is None or d <= repeat.expires))
    if repeat.expires is None:
        return _native(frame, {"FREQ": (freq,)}, skip)
    crm = _dates({"FREQ": (freq,)}, first, repeat.expires)
    off = set(skip)
    keep = [d for d in crm if d not in off]
    last = keep[-1] if keep else first
    parts, exdates = ({"FREQ": (freq,)}, []) if not skip else _compact(repeat.type, first,
                                                                    keep, last)
    return _native(frame, {**parts, "UNTIL": (frame.until(last),)}, exdates)


def _native(frame: _Frame, parts: RuleParts, days: Iterable[date]) -> NativeRepeat:
    ordered = tuple((name, parts[name]) for name in _ORDER if name in parts)
    return NativeRepeat(ordered, tuple(frame.at(d) for d in sorted(days)))


def _compact(kind: RepeatType, first: date, keep: list[date],
             last: date) -> tuple[RuleParts, list[date]]:
    """The candidate rule needing the fewest EXDATEs, then the least frequent FREQ,
    then the fewest parts; the CRM's own type always qualifies."""
    wanted = set(keep)
    best: tuple[tuple[int, int, int, int], RuleParts, list[date]] | None = None
    for rank, (parts, fits) in enumerate(_candidates(kind, first, keep)):
        if not all(fits(d) for d in keep):
            continue
        days = _dates(parts, first, last)
        if not days or days[0] != first or not wanted.issubset(days):
            continue
        extra = [d for d in days if d not in wanted]
        # A less frequent FREQ reads better and can't match by coincidence, as
        # FREQ=WEEKLY;INTERVAL=52 can match a few years of Thanksgivings.
        key = (len(extra), _FREQ_RANK.index(parts["FREQ"][0]), len(parts), rank)
        if best is None or key < best[0]:
            best = (key, parts, extra)
    assert best is not None     # the CRM's own type always fits
    return best[1], best[2]


Candidate = tuple[RuleParts, Callable[[date], bool]]


def _candidates(kind: RepeatType, first: date, keep: list[date]) -> list[Candidate]:
    out: list[Candidate] = [({"FREQ": (kind.upper(),)}, _any_day)]
    order = list(RepeatType)[::-1]              # yearly .. daily
    for less in order[:order.index(kind) + 1]:
        step = _step(less.upper(), first, keep)
        if step > 1 or (step == 1 and less is not kind):
            parts: RuleParts = {"FREQ": (less.upper(),)}
            if step > 1:
                parts["INTERVAL"] = (step,)
            out.append((parts, lambda d, k=less: _on_type(k, first, d)))
    if kind is RepeatType.DAILY:
        out += _weekday_candidates(first, keep) + _month_end_candidates(first)
    if kind in (RepeatType.DAILY, RepeatType.WEEKLY):
        out += _nth_weekday_candidates(first, keep)
    if kind is not RepeatType.YEARLY:   # Friday the 13th: a weekday of a monthly date
        out.append(({"FREQ": ("MONTHLY",), "BYDAY": (WEEKDAYS[first.weekday()],),
                     "BYMONTHDAY": (first.day,)},
                    lambda d: d.weekday() == first.weekday() and d.day == first.day))
    return out


def _step(freq: str, first: date, days: Iterable[date], wkst: int = 0) -> int:
    """The gcd of the days' distances from `first`, in units of `freq`."""
    week0 = first.toordinal() - (first.weekday() - wkst) % 7
    unit: Callable[[date], int] = {
        "DAILY": lambda d: (d - first).days,
        "WEEKLY": lambda d: (d.toordinal() - week0) // 7,
        "MONTHLY": lambda d: (d.year - first.year) * 12 + d.month - first.month,
        "YEARLY": lambda d: d.year - first.year}[freq]
    return reduce(gcd, (unit(d) for d in days), 0)


def _weekday_candidates(first: date, keep: list[date]) -> list[Candidate]:
    weekdays = sorted({d.weekday() for d in keep} | {first.weekday()})
    if len(weekdays) < 2:
        return []
    base: RuleParts = {"FREQ": ("WEEKLY",), "BYDAY": tuple(WEEKDAYS[i] for i in weekdays)}
    out: list[Candidate] = [(base, _any_day)] if len(weekdays) < 7 else []
    for wkst in (0, 6):                          # weeks from Monday, or from Sunday
        step = _step("WEEKLY", first, keep, wkst)
        if step > 1:
            out.append(({**base, "INTERVAL": (step,), "WKST": (WEEKDAYS[wkst],)}, _any_day))
    return out


def _any_day(day: date) -> bool:
    return True


def _month_len(day: date) -> int:
    following = day.replace(day=28) + timedelta(days=4)
    return (following - timedelta(days=following.day)).day


def _last_workday(day: date) -> bool:
    return day.weekday() < 5 and all(
        (day + timedelta(days=n)).weekday() >= 5 for n in range(1, _month_len(day) - day.day + 1))


def _first_workday(day: date) -> bool:
    return day.weekday() < 5 and all(
        (day - timedelta(days=n)).weekday() >= 5 for n in range(1, day.day))


def _month_end_candidates(first: date) -> list[Candidate]:
    out: list[Candidate] = []
    if first.day == _month_len(first):
        out.append(({"FREQ": ("MONTHLY",), "BYMONTHDAY": (-1,)},
                     lambda d: d.day == _month_len(d)))
    for pos, test in ((-1, _last_workday), (1, _first_workday)):
        if test(first):
            out.append(({"FREQ": ("MONTHLY",), "BYDAY": _WORKDAYS, "BYSETPOS": (pos,)}, test))
    return out


def _nth(day: date, n: int) -> bool:
    return (day.day - 1) // 7 + 1 == n if n > 0 else day.day + 7 > _month_len(day)


def _nth_weekday_candidates(first: date, keep: list[date]) -> list[Candidate]:
    nth = (first.day - 1) // 7 + 1
    wd = WEEKDAYS[first.weekday()]
    out: list[Candidate] = []
    for n in [k for k in (nth, -1) if k < 5 and _nth(first, k)]:
        def fits(d: date, n: int = n) -> bool:
            return d.weekday() == first.weekday() and _nth(d, n)
        monthly: RuleParts = {"FREQ": ("MONTHLY",), "BYDAY": (f"{n}{wd}",)}
        yearly: RuleParts = {"FREQ": ("YEARLY",), "BYMONTH": (first.month,),
                             "BYDAY": (f"{n}{wd}",)}
        for parts, freq in ((yearly, "YEARLY"), (monthly, "MONTHLY")):
            step = _step(freq, first, keep)
            if step > 1:
                parts["INTERVAL"] = (step,)
            test = fits if freq == "MONTHLY" else \
                (lambda d, f=fits: f(d) and d.month == first.month)  # type: ignore[misc]
            out.append((parts, test))
    step = _step("MONTHLY", first, keep)   # every Tuesday, every other month
    if step > 1:
        out.append(({"FREQ": ("MONTHLY",), "INTERVAL": (step,), "BYDAY": (wd,)},
                    lambda d: d.weekday() == first.weekday()))
    return out

"""Series in iCalendar text: read DTSTART/RRULE/EXDATE/RDATE, write a SeriesWrite.

The master component holds the series.  What crmdesk reads is kept as the
rep wrote it (zone, UNTIL form, BY parts); what it writes comes from the
planner (model.series.SeriesWrite): a new RRULE and EXDATE list, new
EXDATEs only, or no series at all.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from typing import Any, Iterable

from icalendar import Calendar, vRecur
from icalendar.cal import Component

from crmdesk.errors import InvalidItem
from crmdesk.model.occurrence import rid_key
from crmdesk.model.recurrence import NativeSeries, Start
from crmdesk.model.series import SeriesWrite, series_to_json, zone_named


def read_series(comp: Component) -> NativeSeries | None:
    """The master's series, None when it does not repeat.  Its `overridden`
    is left empty: pim/ical_occurrences.py fills it with the moved or changed
    occurrences (rule 17)."""
    if "RRULE" not in comp and "RDATE" not in comp:
        return None
    rule = comp.get("RRULE")
    if isinstance(rule, list):
        raise InvalidItem("", "several RRULEs in one item (crmdesk reads one)")
    text = rule.to_ical().decode("ascii", "replace") if rule is not None else None
    start = comp.decoded("DTSTART") if "DTSTART" in comp else None
    if start is None:
        raise InvalidItem("", "a repeating item without DTSTART")
    return NativeSeries(dtstart=start, rrule=text, exdates=tuple(_dates(comp, "EXDATE")),
                        rdates=tuple(_dates(comp, "RDATE")))


def overrides_of(cal: Calendar, master: Component) -> list[tuple[Component, Start]]:
    """The master's overrides (its kind, a RECURRENCE-ID) and their RECURRENCE-IDs."""
    found = []
    for comp in cal.subcomponents:
        if comp is master or comp.name != master.name or "RECURRENCE-ID" not in comp:
            continue
        rid = comp.decoded("RECURRENCE-ID")
        if not isinstance(rid, (date, datetime)):
            raise InvalidItem("", "an override has more than one RECURRENCE-ID")
        found.append((comp, rid))
    return found


def find_override(cal: Calendar, master: Component, key: str) -> Component | None:
    """The override whose RECURRENCE-ID has model.occurrence.rid_key `key`."""
    return next((comp for comp, rid in overrides_of(cal, master) if rid_key(rid) == key), None)


def _dates(comp: Component, name: str) -> Iterable[Start]:
    props = comp.get(name)
    if props is None:
        return
    for prop in props if isinstance(props, list) else [props]:
        for value in getattr(prop, "dts", ()):
            if isinstance(value.dt, (date, datetime)):     # PERIOD values are skipped
                yield value.dt


def series_hash(content: str, series: NativeSeries | None) -> str:
    """The content hash with the series in it (rule 20: an EXDATE is an edit)."""
    if series is None:
        return content
    return hashlib.sha256((content + series_to_json(series)).encode("utf-8")).hexdigest()


def write_series(comp: Component, write: SeriesWrite | None) -> None:
    """Make the master hold `write` (None: leave the series alone)."""
    if write is None:
        return
    comp.pop("EXDATE", None)
    if write.rrule == "":
        for name in ("RRULE", "RDATE"):
            comp.pop(name, None)
        return
    if write.rrule is not None:
        comp.pop("RRULE", None)
        comp.add("RRULE", vRecur.from_ical(write.rrule))
    if write.exdates:
        comp.add("EXDATE", _in_start_kind(comp, write.exdates))


def _in_start_kind(comp: Component, values: tuple[Start, ...]) -> list[Any]:
    """EXDATEs as DTSTART is written: dates, floating or in DTSTART's zone."""
    start = comp.decoded("DTSTART") if "DTSTART" in comp else None
    if isinstance(start, datetime) and start.tzinfo is not None:
        return [v.astimezone(start.tzinfo) if isinstance(v, datetime) and v.tzinfo else v
                for v in values]
    return list(values)


def start_templates(write: SeriesWrite | None) -> dict[str, tuple[Any, str]]:
    """Time templates that put a new series' DTSTART/DTEND in its zone."""
    if write is None or not write.tzid:
        return {}
    zone = zone_named(write.tzid)
    return {"DTSTART": (zone, write.tzid), "DTEND": (zone, write.tzid),
            "DUE": (zone, write.tzid)}


def add_timezones(cal: Calendar) -> None:
    """A VTIMEZONE for every TZID used (RFC 5545 3.6.5)."""
    try:
        cal.add_missing_timezones()
    except (ValueError, KeyError, AttributeError):
        # A zone icalendar can't describe: the TZID alone names an IANA zone,
        # which both servers and every client here accept.
        return

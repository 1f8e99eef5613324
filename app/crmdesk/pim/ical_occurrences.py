"""Overridden occurrences of a series in iCalendar text (rule 17).

An override (a component with the master's UID and a RECURRENCE-ID) is an
item of its own only when it is *moved or changed*: its fields differ from
those of the occurrence it replaces (the master's, at the RECURRENCE-ID,
lasting as long as the master).  An override that changes nothing crmdesk
syncs (only a PARTSTAT, as Google writes, or an alarm) stays part of the
series.  Each occurrence item lives in the mirror at
model.occurrence.occurrence_href(series href, RECURRENCE-ID) with no text
of its own: writes go through the series' object (`add_occurrence`,
`drop_occurrence`, `ical.patch(occurrence=...)`).
"""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Any, Mapping

from icalendar import Calendar, Component, Event, Todo
from icalendar.prop import vDDDTypes

from crmdesk.errors import InvalidItem
from crmdesk.model import NATIVE_FIELDS, Fields, NativeItem
from crmdesk.model.hashing import content_hash
from crmdesk.model.occurrence import occurrence_href, rid_from_key, rid_key
from crmdesk.model.recurrence import NativeSeries, Start
from crmdesk.pim.ical_read import (UTC, _address, _as_utc, _attendee_props, _complete,
                                   _declined, _read_fields, _when, crm_link, floating_instant)
from crmdesk.pim.ical_series import _in_start_kind, find_override, overrides_of
from crmdesk.pim.ical_write import (_attendee, _no_scheduling, _stamp, _time_templates,
                                    check_fields, edit, load_for_write, write_all)

# What makes an override an occurrence of its own: "repeat" is the series'.
_COMPARED = tuple(name for name in NATIVE_FIELDS if name != "repeat")


# -- parsing ---------------------------------------------------------------

def occurrences(href: str, etag: str, cal: Calendar, master: Component, fields: Fields,
                series: NativeSeries | None, zone: tzinfo | None = None
                ) -> tuple[NativeSeries | None, tuple[NativeItem, ...]]:
    """The series with `overridden` = its moved or changed occurrences, and
    those as items.  A master that does not repeat, or an object holding only
    overrides, has none.  Floating times are read in `zone` (None: the
    system zone), as `fields` were (rule 6)."""
    if series is None or "RECURRENCE-ID" in master:
        return series, ()
    seen: set[str] = set()
    found: list[tuple[Start, NativeItem]] = []
    for comp, rid in overrides_of(cal, master):
        if rid_key(rid) in seen:      # both would be one item in the mirror
            raise InvalidItem("", "two overrides of one occurrence")
        seen.add(rid_key(rid))
        item = _occurrence(href, etag, comp, rid, zone)
        if _moved_or_changed(item.fields, fields, comp, zone):
            found.append((rid, item))
    return (replace(series, overridden=tuple(rid for rid, _ in found)),
            tuple(item for _, item in found))


def _occurrence(href: str, etag: str, comp: Component, rid: Start,
                zone: tzinfo | None) -> NativeItem:
    kind, fields = str(comp.name), _read_fields(comp, zone)
    return NativeItem(
        href=occurrence_href(href, rid), etag=etag, uid=str(comp.get("UID")), component=kind,
        fields=fields, raw="", organizer=_address(comp.get("ORGANIZER")),
        attendees=fields["attendees"], declined=_declined(comp), crm_link=crm_link(comp),
        content_hash=content_hash(kind, fields), parent=href, recurrence_id=rid)


def _moved_or_changed(fields: Fields, master: Fields, comp: Component,
                      zone: tzinfo | None) -> bool:
    """Whether an override's fields differ from the occurrence it replaces."""
    start = _as_utc(_when(comp, "RECURRENCE-ID", zone))   # read as DTSTART is (rule 6)
    begin, end = master["planned_start"], master["planned_end"]
    planned = {**master, "planned_start": start, "planned_end": None}
    if start is not None and begin is not None and end is not None:
        length = end - begin
        planned["planned_end"] = start + (timedelta(days=length.days) if master["all_day"]
                                          else length)
    return any(fields[name] != planned[name] for name in _COMPARED)


# -- writing ---------------------------------------------------------------

def add_occurrence(raw: str, rid: Start, fields: Mapping[str, Any], link: str = "",
                   zone: tzinfo | None = None) -> str:
    """The series' object with the occurrence at `rid` overridden by `fields`.

    A new override is the master's kind, UID, ORGANIZER and time zones, with
    `fields` complete and ATTENDEE lines for fields["attendees"] (the
    master's parameters kept for the same address); an existing one is
    patched with `fields`.  An EXDATE at `rid` goes: the occurrence is back.
    `link` ends the description, as render_new writes it.  Floating times
    are in `zone` (the rep's, rule 6; None: the system zone).
    """
    cal, master = load_for_write(raw)
    _need_series(master)
    if _unexclude(master, rid, zone):
        _stamp(master, created=False)
    comp = find_override(cal, master, rid_key(rid))
    if comp is not None:
        edit(comp, fields, link or None, zone)
        _stamp(comp, created=False)
    else:
        cal.add_component(_new_override(master, rid, fields, link, zone))
    _no_scheduling(cal)
    return str(cal.to_ical().decode("utf-8"))


def drop_occurrence(raw: str, key: str, exclude: bool, zone: tzinfo | None = None) -> str:
    """The series' object without the override whose rid_key is `key`;
    `exclude` also adds an EXDATE there (a deleted occurrence, rule 17), a
    floating one at its wall-clock in `zone` (None: the system zone)."""
    cal, master = load_for_write(raw)
    gone = [comp for comp, rid in overrides_of(cal, master) if rid_key(rid) == key]
    rid = gone[0].decoded("RECURRENCE-ID") if gone else rid_from_key(key)
    for comp in gone:
        cal.subcomponents.remove(comp)
    touched = bool(gone)
    if exclude:
        _need_series(master)
        touched = _exclude(master, rid, zone) or touched
    if touched:
        _stamp(master, created=False)
    _no_scheduling(cal)
    return str(cal.to_ical().decode("utf-8"))


def _need_series(master: Component) -> None:
    if "RECURRENCE-ID" in master or ("RRULE" not in master and "RDATE" not in master):
        raise InvalidItem("", "the item is not a series")


def _new_override(master: Component, rid: Start, fields: Mapping[str, Any],
                  link: str, zone: tzinfo | None) -> Component:
    values = _complete(dict(fields))
    check_fields(str(master.name), values)
    comp: Component = Event() if master.name == "VEVENT" else Todo()
    comp.add("UID", str(master.get("UID")))
    comp["RECURRENCE-ID"] = _rid_value(rid)
    _stamp(comp, created=True)
    write_all(comp, values, _time_templates(master), link, zone)
    _copy_people(master, comp, values["attendees"])
    return comp


def _rid_value(rid: Start) -> vDDDTypes:
    """RECURRENCE-ID in its own kind: a date, a TZID local time, UTC or floating."""
    if isinstance(rid, datetime) and rid.tzinfo is not None \
            and not getattr(rid.tzinfo, "key", ""):
        rid = rid.astimezone(UTC)         # a bare offset has no TZID to write
    return vDDDTypes(rid)


def _copy_people(master: Component, comp: Component, attendees: tuple[str, ...]) -> None:
    """The master's ORGANIZER; ATTENDEEs for `attendees` (and the organizer's
    own line, as clients write it), the master's parameters kept."""
    organizer = master.get("ORGANIZER")
    if organizer is not None and not isinstance(organizer, list):
        comp.add("ORGANIZER", copy.deepcopy(organizer))
    known = {_address(prop): prop for prop in _attendee_props(master)}
    own = {_address(organizer)} & known.keys() - {""}
    for address in sorted(set(attendees) | own):
        prop = known.get(address)
        comp.add("ATTENDEE", copy.deepcopy(prop) if prop is not None else _attendee(address, ""))


def _unexclude(master: Component, rid: Start, zone: tzinfo | None) -> bool:
    """Remove the master's EXDATEs at `rid`; whether there was one."""
    kept, changed = [], False
    for prop in _exdates(master):
        dts = [d for d in prop.dts if not _same(d.dt, rid, zone)]
        changed = changed or len(dts) != len(prop.dts)
        prop.dts = dts
        if dts:
            kept.append(prop)
    if changed:
        master.pop("EXDATE")
        if kept:
            master["EXDATE"] = kept if len(kept) > 1 else kept[0]
    return changed


def _exclude(master: Component, rid: Start, zone: tzinfo | None) -> bool:
    """An EXDATE at `rid` in DTSTART's kind; False when there is one already.
    Floating times are wall-clock times in `zone` (None: the system zone)."""
    if any(_same(d.dt, rid, zone) for prop in _exdates(master) for d in prop.dts):
        return False
    start = master.decoded("DTSTART") if "DTSTART" in master else None
    value: Start
    if isinstance(start, datetime) and isinstance(rid, datetime) \
            and (start.tzinfo is None) != (rid.tzinfo is None):
        instant = floating_instant(rid, zone)
        value = (instant.astimezone(zone).replace(tzinfo=None) if start.tzinfo is None
                 else instant.astimezone(start.tzinfo))
    else:
        value = _in_start_kind(master, (rid,))[0]
    master.add("EXDATE", value)
    return True


def _exdates(master: Component) -> list[Any]:
    props = master.get("EXDATE")
    return [] if props is None else props if isinstance(props, list) else [props]


def _same(a: Start, b: Start, zone: tzinfo | None) -> bool:
    """The same instant (a floating time read in `zone`, None: the system
    zone) or date."""
    if isinstance(a, datetime) and isinstance(b, datetime):
        return floating_instant(a, zone) == floating_instant(b, zone)
    if isinstance(a, datetime) or isinstance(b, datetime):
        return False
    return isinstance(a, date) and a == b

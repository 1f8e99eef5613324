"""Reading a calendar object: its text checked and loaded, its master
component's properties mapped to the normalized `Fields` (see pim/ical.py
for the mapping and the canonical forms a round trip can't avoid).

The helpers here are shared by pim/ical.py (parse_item), pim/ical_write.py
(a patch reads the fields it changes) and pim/ical_occurrences.py.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from icalendar import Calendar, Component

from crmdesk.errors import InvalidItem
from crmdesk.model import NATIVE_FIELDS, Fields, Priority, Status
from crmdesk.model.activity import with_defaults
from crmdesk.pim import guard

STATUS_X = "X-CRMDESK-STATUS"
DONE_MARK = "\u2714 "          # "✔ " before the subject of a done meeting
# Aurea's link line: the last line of DESCRIPTION, never part of the comment.
LINK_PREFIX = "CRM link: "
COMPONENTS = ("VEVENT", "VTODO")
_TEXT_PROPS = {"description": "SUMMARY", "comment": "DESCRIPTION", "location": "LOCATION"}
UTC = timezone.utc

Instant = date | datetime   # a DATE (all-day) or an aware UTC datetime


def _attendee_props(comp: Component) -> list[Any]:
    props = comp.get("ATTENDEE")
    if props is None:
        return []
    return props if isinstance(props, list) else [props]


def _attendees(comp: Component) -> tuple[str, ...]:
    """Invitees' addresses (lower case), the organizer left out."""
    found = {_address(p) for p in _attendee_props(comp)} - {"", _address(comp.get("ORGANIZER"))}
    return tuple(sorted(found))


def _declined(comp: Component) -> tuple[str, ...]:
    """Invitees who declined (PARTSTAT=DECLINED), lower case (rule 15)."""
    found = {_address(p) for p in _attendee_props(comp)
             if str(getattr(p, "params", {}).get("PARTSTAT", "")).upper() == "DECLINED"}
    return tuple(sorted(found - {""}))


def _short(exc: BaseException | str) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:157] + "..."


def _load(raw: str | bytes) -> Calendar:
    raw = guard.decoded(raw)
    if "BEGIN:" not in raw.upper():
        raise InvalidItem("", "not iCalendar data")
    guard.check_text(raw)
    cal = guard.parse_alone(raw)
    if cal.name != "VCALENDAR":
        raise InvalidItem("", f"top level is {cal.name}, not VCALENDAR")
    guard.check_calendar(cal)
    return cal


def _main_component(cal: Calendar) -> Component:
    """The VEVENT/VTODO master (the first one when only overrides exist)."""
    comps = [c for c in cal.subcomponents if c.name in COMPONENTS]
    if not comps:
        raise InvalidItem("", "no VEVENT or VTODO in the object")
    if len({str(c.get("UID", "")) for c in comps}) > 1:
        raise InvalidItem("", "the object holds several UIDs")
    masters = [c for c in comps if "RECURRENCE-ID" not in c]
    guard.check_components(comps, masters)
    return masters[0] if masters else comps[0]


def _uid(comp: Component) -> str:
    uid = comp.get("UID")
    if isinstance(uid, list):
        raise InvalidItem("", "UID appears more than once")
    if uid is None or not str(uid).strip():
        raise InvalidItem("", "missing UID")
    return str(uid)


def _address(prop: Any) -> str:
    if prop is None or isinstance(prop, list):
        return ""
    text = str(prop).strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    return text.strip().lower()


def _read_fields(comp: Component, zone: tzinfo | None = None) -> Fields:
    """The component's Fields; floating times read in `zone` (None: the
    system zone), the rep's zone (rule 6)."""
    start, end = _read_times(comp, zone)
    all_day = start is not None and not isinstance(start, datetime)
    values: Fields = {
        "all_day": all_day,
        "planned_start": _as_utc(start),
        "planned_end": _as_utc(end),
        "status": _read_status(comp),
        "priority": _read_priority(comp),
        "attendees": _attendees(comp),
    }
    for name, prop in _TEXT_PROPS.items():
        values[name] = _text(comp.get(prop))
    values["comment"] = _split_link(values["comment"])[0]
    if comp.name == "VEVENT" and values["status"] is Status.DONE \
            and values["description"].startswith(DONE_MARK):
        values["description"] = values["description"][len(DONE_MARK):]
    return _complete(values)


def _complete(values: Fields) -> Fields:
    full = with_defaults(values)
    return {name: full[name] for name in NATIVE_FIELDS}


def _split_link(text: str) -> tuple[str, str]:
    """(the comment, the CRM link) of a DESCRIPTION: every link line goes,
    so a copy pasted twice is never kept twice."""
    kept, link = [], ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if line.startswith(LINK_PREFIX):
            link = line[len(LINK_PREFIX):].strip()
        else:
            kept.append(line)
    return ("\n".join(kept).rstrip() if link else text), link


def crm_link(comp: Component) -> str:
    return _split_link(_text(comp.get("DESCRIPTION")))[1]


def _text(prop: Any) -> str:
    if isinstance(prop, list):
        prop = prop[0] if prop else None
    return "" if prop is None else str(prop)


def _read_times(comp: Component, zone: tzinfo | None = None
                ) -> tuple[Instant | None, Instant | None]:
    kind = comp.name
    start = _when(comp, "DTSTART", zone)
    if kind == "VEVENT" and start is None:
        raise InvalidItem("", "VEVENT without DTSTART")
    end = _when(comp, "DTEND" if kind == "VEVENT" else "DUE", zone)
    if end is None and start is not None:
        if comp.get("DURATION") is not None:
            end = _shift(start, _duration(comp))
        elif kind == "VEVENT" and not isinstance(start, datetime):
            end = _shift(start, timedelta(days=1))   # RFC 5545: a one-day all-day event
    if kind == "VTODO" and start is None:
        start = end
    if start is not None and end is not None:
        if isinstance(start, datetime) != isinstance(end, datetime):
            raise InvalidItem("", "start and end differ in value type (DATE vs DATE-TIME)")
        if end < start:
            raise InvalidItem("", "the end is before the start")
    return start, end


def _shift(value: Instant, delta: timedelta) -> Instant:
    if isinstance(value, datetime):
        return value + delta
    return value + timedelta(days=delta.days)    # a DATE moves by whole days


def _duration(comp: Component) -> timedelta:
    value = comp.decoded("DURATION")
    if not isinstance(value, timedelta):
        raise InvalidItem("", "bad DURATION")
    return value


def _when(comp: Component, name: str, zone: tzinfo | None = None) -> Instant | None:
    """A DATE, or the aware UTC instant of a DATE-TIME property; a floating
    one is read in `zone` (None: the system zone)."""
    prop = comp.get(name)
    if prop is None:
        return None
    if isinstance(prop, list):
        raise InvalidItem("", f"{name} appears more than once")
    value = getattr(prop, "dt", None)
    if not isinstance(value, date):
        raise InvalidItem("", f"bad {name} value")
    if not isinstance(value, datetime):
        return value
    if value.tzinfo is None:
        tzid = prop.params.get("TZID")
        if tzid:
            raise InvalidItem("", f"unknown TZID {str(tzid)[:60]!r} in {name}")
        return floating_instant(value, zone)
    return value.astimezone(UTC)


def floating_instant(value: datetime, zone: tzinfo | None) -> datetime:
    """The UTC instant of a naive (floating) time in `zone`, None: the system zone."""
    if value.tzinfo is not None:
        return value.astimezone(UTC)
    return (value.replace(tzinfo=zone) if zone is not None else value).astimezone(UTC)


def _as_utc(value: Instant | None) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), UTC)


def _read_status(comp: Component) -> Status:
    status = _text(comp.get("STATUS")).strip().upper()
    if status == "CANCELLED":
        return Status.CANCELLED
    if comp.name == "VTODO":
        return Status.DONE if status == "COMPLETED" else Status.PLANNED
    done = _text(comp.get(STATUS_X)).strip().lower() == "done"
    return Status.DONE if done else Status.PLANNED


def _read_priority(comp: Component) -> Priority:
    try:
        value = int(_text(comp.get("PRIORITY")) or 0)
    except (TypeError, ValueError):
        return Priority.MEDIUM            # a garbled PRIORITY is not worth an error
    if 1 <= value <= 4:
        return Priority.HIGH
    if 6 <= value <= 9:
        return Priority.LOW
    return Priority.MEDIUM

"""Writing a calendar object: render a new one, patch one, strip scheduling.

`patch` edits only the properties whose mapped value changes and keeps
everything else (attendees, alarms, VTIMEZONEs, X- properties).  A changed
time keeps the zone it was written in (rule 6).  crmdesk never sends
scheduling messages: SEQUENCE is left alone and attendees it writes carry
SCHEDULE-AGENT=CLIENT (rule 19).  The mapping itself is in pim/ical.py.
"""

from __future__ import annotations

from datetime import datetime, timedelta, tzinfo
from typing import Any, Mapping, Sequence

from icalendar import Calendar, Component, Event, Todo, vCalAddress
from icalendar.prop import vDDDTypes, vText

from crmdesk.errors import InvalidItem
from crmdesk.model import Fields, Priority, Status
from crmdesk.model.series import SeriesWrite
from crmdesk.pim.ical_read import (_TEXT_PROPS, COMPONENTS, DONE_MARK, LINK_PREFIX, STATUS_X,
                                   UTC, _address, _attendee_props, _complete, _load,
                                   _main_component, _read_fields, _short, _text, crm_link,
                                   floating_instant)
from crmdesk.pim.ical_series import (add_timezones, find_override, start_templates,
                                     write_series)

PRODID = "-//crmdesk//EN"
_TIME_FIELDS = ("planned_start", "planned_end", "all_day")
_PRIORITY_VALUE = {Priority.HIGH: 1, Priority.LOW: 9}

Template = tuple[tzinfo | None, str]   # (zone, TZID) of an existing DATE-TIME


def check_fields(component: str, fields: Mapping[str, Any]) -> None:
    """ValueError unless complete normalized `fields` fit `component`."""
    if component not in COMPONENTS:
        raise ValueError(f"component must be VEVENT or VTODO, not {component!r}")
    start, end = fields["planned_start"], fields["planned_end"]
    if component == "VEVENT" and start is None:
        raise ValueError("a VEVENT needs a planned_start")
    if start is not None and end is not None and end < start:
        raise ValueError("planned_end is before planned_start")


def render_new(uid: str, component: str, fields: Mapping[str, Any],
               organizer: str = "", attendees: Sequence[tuple[str, str]] = (),
               series: SeriesWrite | None = None, link: str = "") -> str:
    """A fresh VCALENDAR holding one VEVENT/VTODO with `fields`.

    `attendees` are (address, common name) pairs, written with
    SCHEDULE-AGENT=CLIENT so that the server sends no invitation.
    """
    values = _complete(dict(fields))
    check_fields(component, values)
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    comp: Component = Event() if component == "VEVENT" else Todo()
    comp.add("UID", uid)
    _stamp(comp, created=True)
    write_all(comp, values, start_templates(series), link)
    write_series(comp, series)
    if organizer:
        comp.add("ORGANIZER", vCalAddress(f"mailto:{organizer}"))
    names = dict(attendees)
    for address in sorted(set(values["attendees"]) | set(names)):
        comp.add("ATTENDEE", _attendee(address, names.get(address, "")))
    cal.add_component(comp)
    _no_scheduling(cal)
    if series is not None and series.tzid:
        add_timezones(cal)
    return str(cal.to_ical().decode("utf-8"))


def write_all(comp: Component, values: Fields, templates: Mapping[str, Template],
              link: str, zone: tzinfo | None = None) -> None:
    """Write complete `values` into a new component, times in `templates`' zones
    (a floating one at its wall-clock in `zone`, None: the system zone)."""
    for name in _TEXT_PROPS:
        _write_text(comp, name, values[name])
    if link:
        _write_comment(comp, values["comment"], link)
    _write_times(comp, values, templates, due_only=False, zone=zone)
    _write_status(comp, values["status"])
    _write_priority(comp, values["priority"])
    _show_done(comp, values)


def _show_done(comp: Component, values: Fields) -> None:
    """A done meeting reads "✔ subject" in any calendar app (issue 3)."""
    if comp.name != "VEVENT":
        return
    mark = DONE_MARK if values["status"] is Status.DONE else ""
    _write_text(comp, "description", mark + values["description"])


def _attendee(address: str, name: str) -> vCalAddress:
    person = vCalAddress(f"mailto:{address}")
    person.params["SCHEDULE-AGENT"] = "CLIENT"
    person.params["PARTSTAT"] = "NEEDS-ACTION"
    person.params["ROLE"] = "REQ-PARTICIPANT"
    if name:
        person.params["CN"] = name
    return person


def patch(raw: str, changes: Mapping[str, Any], series: SeriesWrite | None = None,
          link: str | None = None, occurrence: str = "", zone: tzinfo | None = None) -> str:
    """Apply a partial Fields mapping to an object's text, keeping the rest.

    `occurrence` (a model.occurrence.rid_key) edits that override of the
    series instead of the master (rule 17); it has no series of its own.
    Floating times are read and written in `zone` (the rep's, rule 6; None:
    the system zone).
    InvalidItem if `raw` can't be read or holds no such override; ValueError
    if the merged fields are incoherent (an end before the start, a VEVENT
    without a start).
    """
    if occurrence and series is not None:
        raise ValueError("an occurrence has no series of its own")
    cal, comp = load_for_write(raw)
    if occurrence:
        comp = find_override(cal, comp, occurrence)
        if comp is None:
            raise InvalidItem("", "that occurrence is no longer in the series")
    edit(comp, changes, link, zone)
    write_series(comp, series)
    _stamp(comp, created=False)
    _no_scheduling(cal)
    return str(cal.to_ical().decode("utf-8"))


def load_for_write(raw: str) -> tuple[Calendar, Component]:
    """`raw` and its master read for a write: InvalidItem on anything unreadable."""
    try:
        cal = _load(raw)
        return cal, _main_component(cal)
    except InvalidItem:
        raise
    except Exception as exc:  # icalendar raises many types on hostile input
        raise InvalidItem("", f"unreadable iCalendar: {_short(exc)}") from exc


def edit(comp: Component, changes: Mapping[str, Any], link: str | None,
         zone: tzinfo | None = None) -> None:
    """Apply `changes` to one component; `link` None keeps its link line;
    floating times in `zone` (None: the system zone)."""
    try:
        old = _read_fields(comp, zone)
    except InvalidItem:
        raise
    except Exception as exc:  # icalendar raises many types on hostile input
        raise InvalidItem("", f"unreadable iCalendar: {_short(exc)}") from exc
    new = _complete({**old, **dict(changes)})
    check_fields(str(comp.name), new)
    had = crm_link(comp)
    _apply(comp, old, new, zone)
    want = had if link is None else link
    if want != had or (want and new["comment"] != old["comment"]):
        _write_comment(comp, new["comment"], want)


def _apply(comp: Component, old: Fields, new: Fields, zone: tzinfo | None) -> None:
    for name in _TEXT_PROPS:
        if new[name] != old[name]:
            _write_text(comp, name, new[name])
            if name == "comment":
                comp.pop("X-ALT-DESC", None)   # an HTML copy would now be stale
    if any(new[name] != old[name] for name in _TIME_FIELDS):
        templates = _time_templates(comp)
        due_only = comp.name == "VTODO" and "DTSTART" not in comp
        for name in ("DTSTART", "DTEND", "DUE", "DURATION"):
            comp.pop(name, None)
        _write_times(comp, new, templates, due_only, zone)
    if new["status"] != old["status"]:
        _write_status(comp, new["status"])
    if new["status"] != old["status"] or new["description"] != old["description"]:
        _show_done(comp, new)
    if new["priority"] != old["priority"]:
        _write_priority(comp, new["priority"])
    if new["attendees"] != old["attendees"]:
        _write_attendees(comp, old["attendees"], new["attendees"])


def unscheduled(raw: str) -> str:
    """The object with no ORGANIZER and SCHEDULE-AGENT=CLIENT on its attendees:
    written just before crmdesk deletes a meeting with invitees, so that no
    server announces the delete as a cancellation (rules 18 and 19), even one
    that ignores SCHEDULE-AGENT (Xandikos 0.4) but schedules for organizers."""
    cal = _load(raw)
    for comp in cal.subcomponents:
        if comp.name in COMPONENTS:
            comp.pop("ORGANIZER", None)
    _no_scheduling(cal)
    return str(cal.to_ical().decode("utf-8"))


def _no_scheduling(cal: Calendar) -> None:
    """Rule 19: every ORGANIZER and ATTENDEE of an object crmdesk writes
    carries SCHEDULE-AGENT=CLIENT, so no server sends iTIP mail for its write
    (RFC 6638 3.2.1); overrides included."""
    for comp in cal.subcomponents:
        if comp.name not in COMPONENTS:
            continue
        for name in ("ORGANIZER", "ATTENDEE"):
            props = comp.get(name)
            for prop in props if isinstance(props, list) else [props]:
                if prop is not None and hasattr(prop, "params"):
                    prop.params["SCHEDULE-AGENT"] = "CLIENT"


def _write_attendees(comp: Component, old: Sequence[str], new: Sequence[str]) -> None:
    """Drop the invitees no longer wanted and add the new ones; the others
    (and the organizer's own ATTENDEE line) keep their parameters."""
    gone, kept = set(old) - set(new), []
    for prop in _attendee_props(comp):
        if _address(prop) not in gone:
            kept.append(prop)
    comp.pop("ATTENDEE", None)
    for prop in kept:
        comp.add("ATTENDEE", prop)
    for address in sorted(set(new) - set(old)):
        comp.add("ATTENDEE", _attendee(address, ""))


def _stamp(comp: Component, created: bool) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    names = ("DTSTAMP", "LAST-MODIFIED") + (("CREATED",) if created else ())
    for name in names:
        comp.pop(name, None)
        comp.add(name, now)


def _write_comment(comp: Component, comment: str, link: str) -> None:
    """DESCRIPTION: the comment, then the link line when there is one."""
    text = f"{comment}\n\n{LINK_PREFIX}{link}" if comment and link else \
        (f"{LINK_PREFIX}{link}" if link else comment)
    _write_text(comp, "comment", text)
    comp.pop("X-ALT-DESC", None)


def _write_text(comp: Component, field: str, value: str) -> None:
    prop = _TEXT_PROPS[field]
    comp.pop(prop, None)
    if value:
        comp.add(prop, _Text(_ical_safe(value)))


class _Text(vText):
    """TEXT escaped by RFC 5545 3.3.11 alone: icalendar 7 takes a literal
    backslash-N for an escaped newline, so "\\N" in a location would come
    back as a line break."""

    def to_ical(self) -> bytes:
        text = (str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
                .replace("\r\n", "\\n").replace("\n", "\\n"))
        return text.encode(self.encoding or "utf-8")


def _ical_safe(text: str) -> str:
    """Drop control characters iCalendar can't carry (all but TAB and LF)."""
    return "".join(ch for ch in text if ch in "\t\n" or not _is_control(ch))


def _is_control(ch: str) -> bool:
    code = ord(ch)
    return code < 0x20 or 0x7F <= code < 0xA0


def _write_status(comp: Component, status: Status) -> None:
    current = _text(comp.get("STATUS")).strip().upper()
    if comp.name == "VTODO":
        _write_todo_status(comp, status, current)
        return
    comp.pop(STATUS_X, None)
    if status is Status.CANCELLED:
        _replace(comp, "STATUS", "CANCELLED")
    elif current == "CANCELLED":
        comp.pop("STATUS", None)
    if status is Status.DONE:
        comp.add(STATUS_X, "done")


def _write_todo_status(comp: Component, status: Status, current: str) -> None:
    if status is Status.DONE:
        _replace(comp, "STATUS", "COMPLETED")
        _replace(comp, "PERCENT-COMPLETE", 100)
        if "COMPLETED" not in comp:
            comp.add("COMPLETED", datetime.now(UTC).replace(microsecond=0))
        return
    comp.pop("COMPLETED", None)
    if status is Status.CANCELLED:
        _replace(comp, "STATUS", "CANCELLED")
        return
    if current in ("", "COMPLETED", "CANCELLED"):
        _replace(comp, "STATUS", "NEEDS-ACTION")
    if _text(comp.get("PERCENT-COMPLETE")).strip() == "100":
        comp.pop("PERCENT-COMPLETE", None)


def _write_priority(comp: Component, priority: Priority) -> None:
    comp.pop("PRIORITY", None)
    if priority in _PRIORITY_VALUE:
        comp.add("PRIORITY", _PRIORITY_VALUE[priority])


def _replace(comp: Component, name: str, value: Any) -> None:
    comp.pop(name, None)
    comp.add(name, value)


# -- times -----------------------------------------------------------------

def _time_templates(comp: Component) -> dict[str, Template]:
    """The zone each time property was written in, before a rewrite."""
    templates: dict[str, Template] = {}
    for name in ("DTSTART", "DTEND", "DUE"):
        prop = comp.get(name)
        value = getattr(prop, "dt", None)
        if isinstance(value, datetime):
            tzid = str(prop.params.get("TZID", ""))
            templates[name] = (value.tzinfo, tzid)
    return templates


def _write_times(comp: Component, new: Fields, templates: Mapping[str, Template],
                 due_only: bool, zone: tzinfo | None = None) -> None:
    """Write DTSTART and DTEND/DUE; `due_only` keeps a DUE-only to-do so."""
    start, end, all_day = new["planned_start"], new["planned_end"], new["all_day"]
    end_name = "DTEND" if comp.name == "VEVENT" else "DUE"
    start_tpl = templates.get("DTSTART", (UTC, ""))
    end_tpl = templates.get(end_name, start_tpl)
    if all_day and comp.name == "VEVENT" and start is not None and end is not None \
            and end.date() <= start.date():
        # DTEND is exclusive (RFC 5545 3.8.2.2): a CRM all-day activity that
        # ends on its first day lasts that day.
        end = start + timedelta(days=1)
    if start is not None and not (due_only and start == end):
        comp["DTSTART"] = _time_value(start, all_day, start_tpl, zone)
    if end is not None:
        comp[end_name] = _time_value(end, all_day, end_tpl, zone)


def _time_value(value: datetime, all_day: bool, template: Template,
                zone: tzinfo | None = None) -> vDDDTypes:
    """A DATE, or `value` expressed in the template's zone when that is exact;
    a floating template keeps it floating, at its wall-clock in `zone` (the
    rep's, rule 6; None: the system zone)."""
    if all_day:
        return vDDDTypes(value.date())
    written, tzid = template
    if written is None:                   # floating: keep it floating
        local = value.astimezone(zone).replace(tzinfo=None, fold=0)
        if floating_instant(local, zone) == value:
            return vDDDTypes(local)
    elif tzid:
        local = value.astimezone(written).replace(tzinfo=None, fold=0)
        if local.replace(tzinfo=written).astimezone(UTC) == value:
            prop = vDDDTypes(local)
            prop.params["TZID"] = tzid
            return prop
    # UTC, or a local time that is ambiguous in that zone (DST fall-back)
    return vDDDTypes(value.astimezone(UTC))

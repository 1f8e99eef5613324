"""iCalendar ⇄ model mapping: parse a calendar object, render a new one, patch one.

One CalDAV resource holds one VEVENT or VTODO (plus VTIMEZONEs and, for a
recurring series, overrides: the master is the item, its moved or changed
occurrences are items of their own, see pim/ical_occurrences.py).  Values
map to the normalized `Fields` of crmdesk.model:

    SUMMARY → description      DESCRIPTION → comment     LOCATION → location
    DTSTART → planned_start    DTEND | DTSTART+DURATION (VTODO: DUE) → planned_end
    DATE values → all_day      STATUS / X-CRMDESK-STATUS → status
    PRIORITY 1–4 high, 0/5/absent medium, 6–9 low

Canonical forms a round trip can't avoid: an all-day VEVENT with no end
lasts one day (planned_end = next day); a VTODO with a DUE and no DTSTART
reads as planned_start = planned_end = DUE; a dateless VTODO is never all-day.

`patch` edits only the properties whose mapped value changes and keeps
everything else (attendees, alarms, VTIMEZONEs, X- properties).  A changed
time keeps the zone it was written in (rule 6).  crmdesk never sends
scheduling messages: SEQUENCE is left alone and attendees it writes carry
SCHEDULE-AGENT=CLIENT (rule 19).

Every object passes pim/guard.py first: hostile input is skipped with its
reason (InvalidItem), never half-read nor written back.

This module is the public face; the work is layered below it, each module
importing only those under it:

    ical.py              parse_item, and the names callers use
    ical_occurrences.py  overrides as occurrence items; add/drop one
    ical_write.py        render_new, patch, unscheduled; times in their zones
    ical_series.py       RRULE/EXDATE/RDATE read and written
    ical_read.py         load, check and map one component to Fields
"""

from __future__ import annotations

from datetime import tzinfo

from crmdesk.errors import InvalidItem
from crmdesk.model import NativeItem
from crmdesk.model.hashing import content_hash
from crmdesk.pim import guard
from crmdesk.pim.ical_occurrences import occurrences
from crmdesk.pim.ical_read import (COMPONENTS, DONE_MARK, LINK_PREFIX, STATUS_X, UTC, Instant,
                                   _address, _declined, _load, _main_component, _read_fields,
                                   _short, _uid, crm_link)
from crmdesk.pim.ical_series import read_series, series_hash
from crmdesk.pim.ical_write import (PRODID, Template, check_fields, edit, load_for_write, patch,
                                    render_new, unscheduled, write_all)

__all__ = ["COMPONENTS", "DONE_MARK", "LINK_PREFIX", "PRODID", "STATUS_X", "UTC", "Instant",
           "Template", "check_fields", "crm_link", "edit", "load_for_write", "parse_item",
           "patch", "render_new", "unscheduled", "write_all"]


def parse_item(href: str, etag: str, raw: str | bytes, zone: tzinfo | None = None
               ) -> NativeItem:
    """Parse one calendar object; InvalidItem (keyed by href) on bad input.

    Bytes must be UTF-8 (no silent replacement: that would be written back).
    A series carries its moved or changed occurrences in `overrides` (rule 17).
    Floating times are read in `zone`, the rep's (rule 6); None: the system zone.
    """
    try:
        raw = guard.decoded(raw)
        cal = _load(raw)
        comp = _main_component(cal)
        uid = _uid(comp)
        fields = _read_fields(comp, zone)
        organizer = _address(comp.get("ORGANIZER"))
        attendees = fields["attendees"]
        declined = _declined(comp)
        link = crm_link(comp)
        series, overrides = occurrences(href, etag, cal, comp, fields, read_series(comp), zone)
    except InvalidItem as exc:
        raise InvalidItem(href, _short(exc.detail)) from exc   # it may quote the server
    except Exception as exc:  # icalendar raises many types on hostile input
        raise InvalidItem(href, f"unreadable iCalendar: {_short(exc)}") from exc
    kind = str(comp.name)
    return NativeItem(
        href=href, etag=etag, uid=uid, component=kind, fields=fields, raw=raw,
        organizer=organizer, attendees=attendees, declined=declined, recurrence=series,
        crm_link=link, overrides=overrides,
        content_hash=series_hash(content_hash(kind, fields), series))

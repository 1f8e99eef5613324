"""The series part of a plan (rules 6 and 16): what the CRM holds of a
calendar series today, how the calendar comes to hold the agreed series,
and what the report says when the CRM holds one only in part.  Pure.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from crmdesk.model import Fields, NativeItem, ProxyRow
from crmdesk.model.recurrence import start_from_crm
from crmdesk.model.series import NO_SERIES, NativeView, SeriesWrite, view_native, write_for, zone_key
from crmdesk.sync.actions import Action, Note

if TYPE_CHECKING:
    from crmdesk.sync.plan import World


def series_view(world: "World", native: NativeItem | None) -> NativeView | None:
    """What the CRM holds of a native series (None: the item does not repeat)."""
    if native is None or native.recurrence is None:
        return None
    return view_native(native.recurrence, world.zone, world.now.date(),
                       world.settings.calendar_future_days)


def series_write(world: "World", native: NativeItem | None, agreed: Fields) -> SeriesWrite | None:
    """How the calendar item comes to hold the agreed series (rules 6 and 16)."""
    repeat = agreed.get("repeat")
    series = native.recurrence if native is not None else None
    if repeat is None and series is None:
        return None
    start = agreed.get("planned_start")
    if repeat is None or start is None:
        return NO_SERIES
    # DTSTART as the item writes it: in its own zone, floating, or (a new item)
    # in the rep's zone.
    written = series.dtstart if series is not None else None
    zoned = isinstance(written, datetime) and written.tzinfo is not None
    zone = written.tzinfo if zoned else world.zone
    floating = isinstance(written, datetime) and not zoned
    dtstart = start_from_crm(start, agreed.get("all_day", False), zone, floating=floating)
    view = series_view(world, native)
    exact = view is None or view.exact or not view.holdable
    write = write_for(repeat, series, exact, dtstart, zone)
    if native is None and not agreed.get("all_day"):
        return replace(write, tzid=zone_key(zone))
    return write


def series_notes(world: "World", proxy: ProxyRow, native: NativeItem | None,
                  title: str) -> list[Action]:
    """Rule 16: the report says when the CRM holds a series only in part."""
    view = series_view(world, native)
    if view is None or (view.holdable and view.exact):
        return []
    if not view.holdable:
        reason = (f"the CRM can't hold this repeat pattern ({view.reason}); it has the first "
                  "occurrence, and the calendar keeps the series as written")
    else:
        reason = (f"the CRM holds this series until {view.capped_at:%d %b %Y}; the calendar "
                  "keeps the series as written")
    return [Note(proxy.id, title, reason=reason)]

"""Turn store rows into the ItemViews the GUI and CLI show."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from crmdesk.model import NativeItem, ProxyRow, Reference
from crmdesk.model.activity import with_defaults
from crmdesk.model.recurrence import expand_native
from crmdesk.service_types import ItemView, ShareState
from crmdesk.sync.plan import local_side


def share_state(proxy: ProxyRow | None, native: NativeItem | None) -> tuple[ShareState, str]:
    if proxy is None:
        return ShareState.NOT_SHARED, ""
    if proxy.unshare:
        return ShareState.PENDING, "will be unshared at the next Synchronize"
    if proxy.state == "conflict":
        return ShareState.CONFLICT, "changed on both sides: " + ", ".join(proxy.conflict)
    if proxy.state == "error":
        return ShareState.ERROR, proxy.detail
    if proxy.crm is None:
        return ShareState.PENDING, "will be uploaded at the next Synchronize"
    if proxy.base is not None and local_side(proxy, native) != with_defaults(proxy.base):
        return ShareState.PENDING, "changes will be sent at the next Synchronize"
    return ShareState.SYNCED, ""


def view(store: Any, native: NativeItem | None, proxy: ProxyRow | None) -> ItemView:
    """One row: the native item's content when there is one, else the proxy's."""
    if proxy is not None:
        fields = local_side(proxy, native)
        if proxy.crm is not None and native is None and proxy.base is None:
            fields = with_defaults(proxy.crm.fields)
    else:
        assert native is not None
        fields = with_defaults(native.fields)
    state, detail = share_state(proxy, native)
    return ItemView(
        key=f"n:{native.href}" if native is not None else f"p:{proxy.id if proxy else 0}",
        title=fields["description"], component=native.component if native else None,
        start=fields["planned_start"], end=fields["planned_end"], all_day=fields["all_day"],
        location=fields["location"], comment=fields["comment"], status=str(fields["status"]),
        priority=str(fields["priority"]), display_in=str(fields["display_in"]),
        uid=native.uid if native is not None else ((proxy.uid or "") if proxy else ""),
        proxy_id=proxy.id if proxy else None, crm_id=proxy.crm_id if proxy else None,
        origin=str(proxy.origin) if proxy else "", share_state=state, state_detail=detail,
        account=_ref(store, "account", fields["account"]),
        opportunity=_ref(store, "opportunity", fields["opportunity"]),
        contacts=tuple(r for r in (_ref(store, "contact", c) for c in fields["contacts"]) if r),
        rrule=_rrule(native), organizer=native.organizer if native is not None else "",
        attendees=tuple(fields["attendees"]),
    )


def _rrule(native: NativeItem | None) -> str:
    series = native.recurrence if native is not None else None
    return series.rrule if series is not None and isinstance(series.rrule, str) else ""


def _ref(store: Any, kind: str, ref_id: int | None) -> Reference | None:
    if ref_id is None:
        return None
    return store.ref(kind, ref_id) or Reference(kind, ref_id, f"#{ref_id} (not in the local list)")


def occurrences(row: ItemView, item: NativeItem, zone: tzinfo, start: datetime,
                end: datetime) -> list[ItemView]:
    """The rows of a series' occurrences that overlap [start, end): the series
    row moved to each occurrence (same key: selecting one selects the series)."""
    if item.recurrence is None or row.start is None:
        return [row]
    length = (row.end - row.start) if row.end is not None else timedelta(0)
    series = item.recurrence if item.recurrence.zone else replace(item.recurrence, zone=zone)
    rows = []
    for first in expand_native(series, start - length, end):
        begins = _instant(first, zone)
        rows.append(replace(row, start=begins, end=begins + length, repeating=True))
    return rows


def _instant(value: date | datetime, zone: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    return datetime.combine(value, time(0), timezone.utc)     # all-day: 00:00 UTC (rule 6)


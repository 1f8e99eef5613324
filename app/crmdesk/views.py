"""Turn store rows into the ItemViews the GUI and CLI show."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import Any

from crmdesk.model import NativeItem, ProxyRow, Reference
from crmdesk.model.activity import with_defaults
from crmdesk.model.occurrence import rid_instant
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


def row_view(store: Any, native: NativeItem | None, proxy: ProxyRow | None,
             known: dict[str, NativeItem] | None = None,
             proxies: dict[str, ProxyRow] | None = None) -> ItemView:
    """`view`, or `occurrence_view` for a moved occurrence, whose series is
    looked up in `known` / `proxies` (by href) and else in the store."""
    if native is None or not native.is_occurrence:
        return view(store, native, proxy)
    series = (known or {}).get(native.parent) or store.mirror_get(native.parent)
    series_proxy = (proxies.get(native.parent) if proxies is not None
                    else store.proxy_by_href(native.parent))
    return occurrence_view(store, native, proxy, series, series_proxy)


def occurrence_view(store: Any, native: NativeItem, own: ProxyRow | None,
                    series: NativeItem | None, series_proxy: ProxyRow | None) -> ItemView:
    """A moved or changed occurrence's row (rule 17): its own title and times,
    marked as one of its series'.  It is shared exactly when its series is:
    its own proxy (once a sync made one) gives its CRM links and state, else,
    or while the series is being unshared, the series' share is shown."""
    if own is not None and (series_proxy is None or not series_proxy.unshare):
        row = view(store, native, own)
    else:
        row = view(store, native, None)
        if series_proxy is not None:
            row = _with_share_of(row, view(store, series, series_proxy))
    return replace(row, repeating=True, rrule=_rrule(series), moved_from=native.recurrence_id)


def _with_share_of(row: ItemView, series: ItemView) -> ItemView:
    return replace(row, share_state=series.share_state, state_detail=series.state_detail,
                   proxy_id=series.proxy_id, crm_id=series.crm_id, origin=series.origin,
                   account=series.account, opportunity=series.opportunity,
                   contacts=series.contacts)


def occurrences(row: ItemView, item: NativeItem, zone: tzinfo, start: datetime,
                end: datetime) -> list[ItemView]:
    """The rows of a series' occurrences that overlap [start, end): the series
    row moved to each occurrence (same key: selecting one selects the series).
    The occurrences it overrides are left out: each is a row of its own
    (rule 17), at its own time, from `occurrence_view`."""
    if item.recurrence is None or item.is_occurrence or row.start is None:
        return [row]
    length = (row.end - row.start) if row.end is not None else timedelta(0)
    series = item.recurrence if item.recurrence.zone else replace(item.recurrence, zone=zone)
    all_day = not isinstance(series.dtstart, datetime)
    moved = {_occurrence_id(rid, zone, all_day) for rid in series.overridden}
    rows = []
    for first in expand_native(series, start - length, end):
        if _occurrence_id(first, zone, all_day) in moved or _day(first) in moved:
            continue
        begins = _instant(first, zone)
        rows.append(replace(row, start=begins, end=begins + length, repeating=True))
    return rows


def _occurrence_id(value: date | datetime, zone: tzinfo, all_day: bool) -> date | datetime:
    """What names one occurrence, for an occurrence start and a RECURRENCE-ID
    alike: in an all-day series its date (of a datetime, the date written in
    it), else its UTC instant (a floating time read in the rep's zone).  A
    date RECURRENCE-ID in a timed series (not RFC 5545, but seen) stays a
    date: it names the occurrence on that day (`_day`)."""
    if not isinstance(value, datetime):
        return value
    if all_day:
        return value.date()
    return rid_instant(value, zone)


def _day(value: date | datetime) -> date:
    """The wall-clock day of an occurrence start, in the series' own terms."""
    return value.date() if isinstance(value, datetime) else value


def _instant(value: date | datetime, zone: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=zone)
    return datetime.combine(value, time(0), timezone.utc)     # all-day: 00:00 UTC (rule 6)

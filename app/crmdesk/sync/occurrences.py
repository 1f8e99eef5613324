"""Rule 17: a moved or changed occurrence of a series is its own CRM activity.

In the calendar such an occurrence is an override (RECURRENCE-ID) inside its
series' object; the mirror keeps it as an item of its own at a pseudo-href
(model.occurrence).  Its proxy is an ordinary one at that pseudo-href; in the
CRM its activity points at the series' activity (`series`) and names the
occurrence it replaces (`recurrence_id`, a UTC instant).  The series' own
CRM repeat excepts that date (model.recurrence), so no occurrence is there
twice.

An occurrence follows its series: it is shared while the series is, waits
for the series to reach the other side before it is created there, and
goes when the series is unshared or deleted.  Deleting one occurrence on
either side is an exception on the other: the calendar's EXDATE becomes a
CRM exception through the series' repeat, and a CRM activity deleted
becomes an EXDATE.  Pure, like the planner that calls it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Callable

from crmdesk.model import NativeItem, ProxyRow
from crmdesk.model.occurrence import (crm_instant, occurrence_href, rid_for_series,
                                      rid_from_key, rid_instant, split_occurrence)
from crmdesk.model.recurrence import Start
from crmdesk.sync.actions import (Action, AddOccurrence, CreateCrm, CreateNative, DeleteCrm,
                                  DeleteNative, Detach, DropProxy, LeaveTeam, LinkNative, Wait)
from crmdesk.sync.deletes import is_owner, unshare

if TYPE_CHECKING:
    from crmdesk.sync.plan import World


@dataclass(frozen=True)
class SeriesLink:
    """Where an occurrence belongs: its series' proxy and item, and which one it is."""

    series: ProxyRow | None        # None: the series is not shared (any more)
    parent: str                    # the series' href ("" while it has no calendar item)
    rid: Start | None              # RECURRENCE-ID, in the kind the series' DTSTART has
    native: NativeItem | None      # the series' calendar item

    @property
    def href(self) -> str:
        return occurrence_href(self.parent, self.rid) if self.parent and self.rid else ""


def series_id(proxy: ProxyRow) -> int | None:
    """The CRM series a proxy's activity was moved out of, if any."""
    value = proxy.crm.extra.get("series") if proxy.crm is not None else None
    return int(value) if value else None


def crm_rid(proxy: ProxyRow) -> datetime | None:
    """The CRM's recurrence_id as an aware UTC instant."""
    return crm_instant(proxy.crm.extra.get("recurrence_id")) if proxy.crm is not None else None


def link_of(world: "World", proxy: ProxyRow) -> SeriesLink | None:
    """The series an occurrence's proxy belongs to; None for any other proxy.

    A CRM activity that names a series crmdesk does not know (the rep is not
    on the series' team) or no recurrence_id is an activity like any other."""
    split = split_occurrence(proxy.href)
    if split is not None:
        parent, key = split
        series = world.series_by_href(parent)
        return SeriesLink(series, parent, rid_from_key(key), world.mirror.get(parent))
    wanted = series_id(proxy)
    instant = crm_rid(proxy)
    if wanted is None or instant is None:
        return None
    series = world.series_by_crm(wanted)
    if series is None:
        return None
    parent = series.href or ""
    native = world.mirror.get(parent) if parent else None
    if native is None or native.recurrence is None:
        return SeriesLink(series, "", None, None)
    rid = rid_for_series(instant, native.recurrence.dtstart, world.zone)
    return SeriesLink(series, parent, rid, native)


Merge = Callable[[ProxyRow, NativeItem | None], list[Action]]


def plan_occurrence(world: "World", proxy: ProxyRow, link: SeriesLink, title: str,
                    merge_actions: Merge, create_crm: Callable[[NativeItem], list[Action]],
                    linked: Callable[[], set[str]]) -> list[Action]:
    """The actions an occurrence's proxy needs now (see the module's docstring).

    `merge_actions` and `create_crm` are the planner's own paths for an
    item with both copies and for a first upload; `linked` gives the hrefs
    that have a proxy."""
    series = link.series
    native = world.mirror.get(proxy.href) if proxy.href else None
    if series is None or series.unshare:
        return unshare(world, proxy, title)
    if series.crm_deleted:
        # The CRM deleted the series and its occurrences with it: the series'
        # own plan decides what becomes of the calendar item.
        return [DropProxy(proxy.id, title, reason="its series was deleted in the CRM")]
    if series.detached or proxy.detached:
        return [] if proxy.detached else [
            Detach(proxy.id, title, reason="its series is no longer synchronized")]
    if proxy.unshare:
        return unshare(world, proxy, title)
    if proxy.crm_deleted:
        return _deleted_in_crm(proxy, native, link, title)
    if proxy.href and native is None and not proxy.native_pending:
        return _gone_from_calendar(world, proxy, link, title)
    if proxy.crm is None:
        if native is None:
            return [DropProxy(proxy.id, title, reason="its calendar item is gone")]
        if series.crm is None:
            return [Wait(proxy.id, title, reason="waits for its series to reach the CRM")]
        return [_as_occurrence(a, world, proxy, series, native) for a in create_crm(native)]
    if native is None:
        return _to_calendar(world, proxy, link, title, merge_actions, linked)
    return merge_actions(proxy, native)


def _as_occurrence(action: Action, world: "World", proxy: ProxyRow, series: ProxyRow,
                   native: NativeItem) -> Action:
    """A first upload made an occurrence of the series' activity, owned as
    the series is."""
    if not isinstance(action, CreateCrm) or native.recurrence_id is None:
        return action
    assert series.crm is not None
    return replace(action, series=series.crm.id,
                   recurrence_id=rid_instant(native.recurrence_id, world.zone),
                   owner=series.crm.owner if action.owner is None else action.owner)


def _deleted_in_crm(proxy: ProxyRow, native: NativeItem | None, link: SeriesLink,
                    title: str) -> list[Action]:
    """The CRM deleted one occurrence: the calendar excepts it (rule 17)."""
    actions: list[Action] = []
    if native is not None and link.native is not None:
        actions.append(DeleteNative(proxy.id, title, href=native.href,
                                    reason="this occurrence was deleted in the CRM"))
    return [*actions, DropProxy(proxy.id, title, reason="deleted in the CRM")]


def _gone_from_calendar(world: "World", proxy: ProxyRow, link: SeriesLink,
                        title: str) -> list[Action]:
    """The override left the series' object: deleted (an EXDATE) or put back
    into the series.  Either way its own CRM activity goes; the series'
    repeat now holds or excepts that date.  With the whole series gone, the
    series' delete decides (rule 9 and its variants)."""
    if link.native is None or proxy.crm is None:
        return [DropProxy(proxy.id, title, reason="its series is gone from the calendar")]
    excepted = link.rid is not None and _excepted(link.native, link.rid, world)
    reason = ("this occurrence was deleted in the calendar" if excepted
              else "this occurrence is back in its series")
    if not is_owner(world, proxy):
        return [LeaveTeam(proxy.id, title, crm_id=proxy.crm.id),
                DropProxy(proxy.id, title, reason=reason)]
    return [DeleteCrm(proxy.id, title, crm_id=proxy.crm.id, reason=reason),
            DropProxy(proxy.id, title, reason=reason)]


def _excepted(series: NativeItem, rid: Start, world: "World") -> bool:
    assert series.recurrence is not None
    want = rid_instant(rid, world.zone)
    return any(rid_instant(d, world.zone) == want for d in series.recurrence.exdates)


def _to_calendar(world: "World", proxy: ProxyRow, link: SeriesLink, title: str,
                 merge_actions: Merge, linked: Callable[[], set[str]]) -> list[Action]:
    """A CRM activity moved out of a series reaches the series' object as an
    override (or finds the override that is already there)."""
    assert proxy.crm is not None
    if link.native is None or link.rid is None:
        return [Wait(proxy.id, title, reason="waits for its series to reach the calendar")]
    proxy = replace(proxy, uid=link.native.uid)      # the series' UID (rule 1)
    found = world.mirror.get(link.href)
    if found is not None and not proxy.native_pending:
        if found.href not in linked():
            return [LinkNative(proxy.id, title, href=found.href, uid=found.uid),
                    *merge_actions(proxy, found)]
    # (Another rep's occurrence arrives with her invitation: the merge plans
    # no calendar write for it, as for any of her meetings.)
    return [AddOccurrence(proxy.id, title, parent=link.parent, rid=link.rid, uid=a.uid,
                          fields=a.fields, link=a.link) if isinstance(a, CreateNative) else a
            for a in merge_actions(proxy, None)]

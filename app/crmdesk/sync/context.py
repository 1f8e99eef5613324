"""What applying a plan works with: the context, the renderer it writes
calendar text with, and the small steps every handler shares."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

from crmdesk.crm.base import Connector
from crmdesk.model import Fields, Identity, NativeItem
from crmdesk.model.recurrence import Start
from crmdesk.model.series import SeriesWrite
from crmdesk.pim.base import CalendarClient
from crmdesk.sync.actions import Action
from crmdesk.sync.report import SyncReport


class Renderer(Protocol):
    def render(self, uid: str, component: str, fields: Fields,
               series: SeriesWrite | None = None, link: str = "") -> str: ...
    def patch(self, raw: str, changes: Fields, series: SeriesWrite | None = None,
              link: str | None = None, occurrence: str = "") -> str: ...
    def unscheduled(self, raw: str) -> str: ...
    # Rule 17: an override inside a series' object, named by its rid_key.
    def add_occurrence(self, raw: str, rid: Start, fields: Fields, link: str = "") -> str: ...
    def drop_occurrence(self, raw: str, key: str, exclude: bool) -> str: ...


class Retry(Exception):
    """The item's state was refreshed after a lost race: plan it again."""


class Stop(Exception):
    """The item's remaining actions no longer apply (already recorded why)."""


@dataclass
class Context:
    store: Any                        # crmdesk.store.Store (duck-typed: no SQL here)
    crm: Connector
    calendar: CalendarClient
    calendar_url: str
    identity: Identity
    renderer: Renderer
    mirror: dict[str, NativeItem]     # kept in step with the store while applying
    report: SyncReport = field(default_factory=SyncReport)
    on_step: Callable[[], None] = lambda: None
    # Called at every point where a crash could happen (before and after each
    # action); the kill test uses it to die at step N.
    checkpoint: Callable[[str], None] = lambda where: None
    # (proxy id, CRM id, UID, timestamp) of UID write-backs sent in one batch
    deferred_uids: list[tuple[int, int, str, str]] = field(default_factory=list)
    # Calendar objects re-read after a lost race (rule 8): every proxy of one
    # (a series and its moved occurrences) is planned again with the new copy.
    refreshed: set[str] = field(default_factory=set)


Replan = Callable[[int], list[Action]]


def key(ctx: Context, proxy_id: int) -> str:
    proxy = ctx.store.proxy(proxy_id)
    if proxy is None:
        return f"proxy:{proxy_id}"
    return proxy.uid or (f"crm:{proxy.crm_id}" if proxy.crm_id else f"proxy:{proxy_id}")


def count(ctx: Context, action: Action) -> None:
    if action.side in ("crm", "calendar") and action.verb:
        counts = getattr(ctx.report, action.side)
        setattr(counts, action.verb, getattr(counts, action.verb) + 1)


def in_flight(ctx: Context, proxy_id: int, side: str, changes: Fields) -> None:
    """Note a write before sending it (see ProxyRow.inflight)."""
    proxy = ctx.store.proxy(proxy_id)
    if proxy is not None and changes:
        writes = [*proxy.inflight.get(side, []), dict(changes)]
        ctx.store.update_proxy(proxy_id, inflight={**proxy.inflight, side: writes})
        ctx.checkpoint(f"{side} write recorded, not sent")


def link_url(ctx: Context, proxy_id: int) -> str:
    """The URL of the proxy's CRM activity, for the description's link line."""
    proxy = ctx.store.proxy(proxy_id)
    return ctx.crm.record_url(proxy.crm_id) if proxy is not None and proxy.crm_id else ""

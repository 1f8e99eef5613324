"""Apply a plan: one proxy's actions at a time, each failure kept to its item.

A lost race on a guarded write (rule 8) refreshes that item's state and
re-plans it once; any other error marks the proxy `error`, goes into the
report, and the next sync retries from the states (they are idempotent:
a create first looks for what an interrupted run may have made).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby
from typing import Any, Callable, Mapping, Protocol, Sequence

from crmdesk.crm.base import Connector, NewActivity
from crmdesk.errors import AccessDenied, CrmDeskError, NotFound, StaleWrite
from crmdesk.messages import describe
from crmdesk.model import Fields, Identity, NativeItem, Origin
from crmdesk.model.series import SeriesWrite, crm_values
from crmdesk.pim.base import CalendarClient
from crmdesk.model.occurrence import occurrence_href, split_occurrence
from crmdesk.model.recurrence import Start
from crmdesk.sync.actions import (Action, AddOccurrence, CreateCrm, CreateFollowUp,
                                  CreateNative, DeleteCrm, DeleteNative, Detach, DropProxy,
                                  LeaveTeam, LinkNative, Note, SaveProxy, SetReview, UpdateCrm,
                                  UpdateNative, Wait)
from crmdesk.sync.batch import create_crm_batch, create_shares, write_back_uids
from crmdesk.sync.report import CancelToken, ReportEntry, SyncReport


class Renderer(Protocol):
    def render(self, uid: str, component: str, fields: Fields,
               series: SeriesWrite | None = None, link: str = "") -> str: ...
    def patch(self, raw: str, changes: Fields, series: SeriesWrite | None = None,
              link: str | None = None, occurrence: str = "") -> str: ...
    def unscheduled(self, raw: str) -> str: ...
    # Rule 17: an override inside a series' object, named by its rid_key.
    def add_occurrence(self, raw: str, rid: Start, fields: Fields, link: str = "") -> str: ...
    def drop_occurrence(self, raw: str, key: str, exclude: bool) -> str: ...


class _Retry(Exception):
    """The item's state was refreshed after a lost race: plan it again."""


class _Stop(Exception):
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


Replan = Callable[[int], list[Action]]


def apply(actions: Sequence[Action], ctx: Context, replan: Replan, cancel: CancelToken) -> None:
    # Notes change nothing: they go to the report first, so that a replan
    # after a create (which makes a fresh action list) can't drop them.
    for note in (a for a in actions if isinstance(a, Note)):
        _note(note, ctx)
    actions = [a for a in actions if not isinstance(a, Note)]
    waiting = list(dict.fromkeys(a.proxy_id for a in actions if isinstance(a, Wait)))
    try:
        _apply_groups([a for a in actions if a.proxy_id not in set(waiting)], ctx, replan,
                      cancel)
        if waiting and not cancel.cancelled:
            # What they waited for (an occurrence's series) is written now.
            again = [a for proxy_id in waiting for a in replan(proxy_id)]
            _apply_groups([a for a in again if not isinstance(a, (Wait, Note))], ctx, replan,
                          cancel)
    finally:
        write_back_uids(ctx)


def _apply_groups(actions: list[Action], ctx: Context, replan: Replan,
                  cancel: CancelToken) -> None:
    created = create_crm_batch([a for a in actions if isinstance(a, CreateCrm)], ctx)
    for proxy_id, group in groupby(actions, key=lambda a: a.proxy_id):
        if cancel.cancelled:
            ctx.report.cancelled = True
            return
        todo = list(group)
        if proxy_id in created:       # the batch made or linked its record
            todo = replan(proxy_id)
        apply_group(proxy_id, todo, ctx, replan)
        ctx.on_step()


def apply_group(proxy_id: int, group: list[Action], ctx: Context, replan: Replan,
                attempts: int = 3) -> None:
    try:
        for action in group:
            if _apply_one(action, ctx):
                # Linking or creating changed what the item is compared with.
                apply_group(proxy_id, replan(proxy_id), ctx, replan, attempts - 1)
                return
    except _Stop:
        return
    except _Retry:
        if attempts > 1:
            apply_group(proxy_id, replan(proxy_id), ctx, replan, attempts - 1)
        else:
            _fail(ctx, group[0], "it kept changing on the server during the sync; "
                                 "it will be tried again next time")
    except CrmDeskError as exc:
        _fail(ctx, group[0], describe(exc))
    except (ValueError, TypeError, KeyError) as exc:
        # Bad data in one item (e.g. an end before its start) must not stop
        # the others; the report names the item and what is wrong with it.
        _fail(ctx, group[0], f"can't be synchronized: {exc}")


def _fail(ctx: Context, action: Action, reason: str) -> None:
    ctx.report.errors.append(ReportEntry(key=_key(ctx, action.proxy_id), title=action.title,
                                         reason=reason))
    if ctx.store.proxy(action.proxy_id) is not None:
        ctx.store.update_proxy(action.proxy_id, state="error", detail=reason)


def _key(ctx: Context, proxy_id: int) -> str:
    proxy = ctx.store.proxy(proxy_id)
    if proxy is None:
        return f"proxy:{proxy_id}"
    return proxy.uid or (f"crm:{proxy.crm_id}" if proxy.crm_id else f"proxy:{proxy_id}")


def _count(ctx: Context, action: Action) -> None:
    if action.side in ("crm", "calendar") and action.verb:
        counts = getattr(ctx.report, action.side)
        setattr(counts, action.verb, getattr(counts, action.verb) + 1)


def _apply_one(action: Action, ctx: Context) -> bool:
    """Apply one action; True when the proxy must be planned again now."""
    handler = _HANDLERS[type(action)]
    name = type(action).__name__
    entry = ctx.store.journal_add(action.proxy_id, name, {"title": action.title})
    ctx.checkpoint(f"before {name}")
    replan = handler(action, ctx)
    ctx.checkpoint(f"after {name}")
    ctx.store.journal_done(entry)
    return bool(replan)


def _create_crm(a: CreateCrm, ctx: Context) -> bool:
    create_shares([a], ctx)
    return True


def _in_flight(ctx: Context, proxy_id: int, side: str, changes: Fields) -> None:
    """Note a write before sending it (see ProxyRow.inflight)."""
    proxy = ctx.store.proxy(proxy_id)
    if proxy is not None and changes:
        writes = [*proxy.inflight.get(side, []), dict(changes)]
        ctx.store.update_proxy(proxy_id, inflight={**proxy.inflight, side: writes})
        ctx.checkpoint(f"{side} write recorded, not sent")


def _update_crm(a: UpdateCrm, ctx: Context) -> bool:
    if not a.changes and not a.extra and a.integration_id:
        # Only the UID to write back: sent with the others after the loop.
        ctx.deferred_uids.append((a.proxy_id, a.crm_id, a.integration_id, a.timestamp))
        return False
    _in_flight(ctx, a.proxy_id, "crm", a.changes)
    try:
        fields, repeating = crm_values(a.changes)
        record = ctx.crm.write(a.crm_id, {**fields, **repeating, **a.extra}, a.timestamp,
                               a.integration_id)
    except (StaleWrite, NotFound):
        fresh = ctx.crm.read([a.crm_id])
        if not fresh:
            _lost_access(a, ctx)
            raise _Stop() from None
        ctx.store.update_proxy(a.proxy_id, crm=fresh[0])
        raise _Retry() from None
    ctx.store.update_proxy(a.proxy_id, crm=record)
    if a.changes or a.extra:
        _count(ctx, a)
    return False


def _set_review(a: SetReview, ctx: Context) -> bool:
    ctx.store.set_review(a.proxy_id, a.entries)
    return False


def _lost_access(a: Action, ctx: Context) -> None:
    """Gone from view with no tombstone: not a delete (rule 18), so nothing is
    deleted anywhere; the item simply stops being synchronized."""
    reason = ("the CRM no longer lets you see this activity (lost access); "
              "it stays in your calendar and is no longer synchronized")
    ctx.store.update_proxy(a.proxy_id, detached=True, state="error", detail=reason)
    ctx.report.skipped.append(ReportEntry(key=_key(ctx, a.proxy_id), title=a.title,
                                          reason=reason))


def _delete_crm(a: DeleteCrm, ctx: Context) -> bool:
    try:
        ctx.crm.delete([a.crm_id])
    except NotFound:
        return False
    _count(ctx, a)
    return False


def _leave_team(a: LeaveTeam, ctx: Context) -> bool:
    try:
        ctx.crm.leave_team(a.crm_id)
    except NotFound:
        return False
    _count(ctx, a)
    return False


def _quieted(native: NativeItem, ctx: Context) -> NativeItem:
    """A meeting with invitees loses its ORGANIZER before crmdesk deletes it, so
    the server sends no cancellation (rules 18, 19).  A server that refuses
    (the rep is only an attendee) gets the plain delete."""
    if not (native.organizer and native.attendees):
        return native
    try:
        return ctx.calendar.update(native, ctx.renderer.unscheduled(native.raw))
    except AccessDenied:
        return native


def _link(ctx: Context, proxy_id: int) -> str:
    """The URL of the proxy's CRM activity, for the description's link line."""
    proxy = ctx.store.proxy(proxy_id)
    return ctx.crm.record_url(proxy.crm_id) if proxy is not None and proxy.crm_id else ""


def _create_native(a: CreateNative, ctx: Context) -> bool:
    ical = ctx.renderer.render(a.uid, a.component, a.fields, a.series,
                               _link(ctx, a.proxy_id) if a.link else "")
    # Remember the UID before the PUT: a run killed here finds the item by UID
    # next time instead of creating a second one.
    ctx.store.update_proxy(a.proxy_id, uid=a.uid, href=None, native_pending=True)
    _in_flight(ctx, a.proxy_id, "calendar", a.fields)
    ctx.checkpoint("UID reserved, not sent")
    try:
        item = ctx.calendar.create(ctx.calendar_url, a.uid, ical)
    except StaleWrite:
        ctx.report.skipped.append(ReportEntry(
            key=a.uid, title=a.title,
            reason="an item with this UID already exists in the calendar; it is linked next sync"))
        return False
    _remember(ctx, item)
    ctx.store.update_proxy(a.proxy_id, href=item.href, native_pending=False)
    _count(ctx, a)
    return False


def _update_native(a: UpdateNative, ctx: Context) -> bool:
    native = ctx.mirror[a.href]
    _in_flight(ctx, a.proxy_id, "calendar", a.changes)
    link = None if a.link is None else (_link(ctx, a.proxy_id) if a.link else "")
    split = split_occurrence(native.href) if native.parent else None
    if split is not None:           # one override inside its series' object (rule 17)
        _write_series(ctx, split[0], lambda raw: ctx.renderer.patch(
            raw, a.changes, None, link, occurrence=split[1]))
    else:
        _write_series(ctx, a.href, lambda raw: ctx.renderer.patch(raw, a.changes, a.series,
                                                                  link))
    _count(ctx, a)
    return False


def _write_series(ctx: Context, href: str, edit: Callable[[str], str]) -> NativeItem:
    """PUT `edit` of the object at `href` (If-Match); a lost race refreshes it
    and plans the item again (rule 8)."""
    native = ctx.mirror.get(href)
    if native is None:
        raise _Stop()
    try:
        item = ctx.calendar.update(native, edit(native.raw))
    except (StaleWrite, NotFound):
        fresh = ctx.calendar.get(href)
        if fresh is None:
            _forget(ctx, href)
        else:
            _remember(ctx, fresh)
        raise _Retry() from None
    _remember(ctx, item)
    return item


def _add_occurrence(a: AddOccurrence, ctx: Context) -> bool:
    """Rule 17 from the CRM: the series' object gains an override.  The proxy
    holds its pseudo-href before the PUT, so a run killed here finds the
    override instead of adding another."""
    assert a.rid is not None
    if a.parent not in ctx.mirror:
        ctx.report.skipped.append(ReportEntry(
            key=a.uid, title=a.title, reason="its series is not in the calendar any more"))
        raise _Stop()
    href = occurrence_href(a.parent, a.rid)
    ctx.store.update_proxy(a.proxy_id, uid=a.uid, href=href, native_pending=True)
    _in_flight(ctx, a.proxy_id, "calendar", a.fields)
    link = _link(ctx, a.proxy_id) if a.link else ""
    _write_series(ctx, a.parent, lambda raw: ctx.renderer.add_occurrence(raw, a.rid, a.fields,
                                                                         link))
    ctx.store.update_proxy(a.proxy_id, native_pending=False)
    _count(ctx, a)
    return False


def _delete_native(a: DeleteNative, ctx: Context) -> bool:
    native = ctx.mirror.get(a.href)
    split = split_occurrence(a.href) if native is not None and native.parent else None
    if split is not None:          # rule 17: one occurrence deleted is an EXDATE
        _write_series(ctx, split[0], lambda raw: ctx.renderer.drop_occurrence(
            raw, split[1], exclude=True))
        _count(ctx, a)
    elif native is not None:
        try:
            native = _quieted(native, ctx)
            ctx.calendar.delete(native)
            _count(ctx, a)
        except NotFound:
            pass
        except StaleWrite:
            fresh = ctx.calendar.get(a.href)
            if fresh is not None:
                _remember(ctx, fresh)
            raise _Retry() from None
    _forget(ctx, a.href)
    if ctx.store.proxy(a.proxy_id) is not None:
        ctx.store.update_proxy(a.proxy_id, href=None)
    return False


def _link_native(a: LinkNative, ctx: Context) -> bool:
    ctx.store.update_proxy(a.proxy_id, uid=a.uid, href=a.href, native_pending=False)
    ctx.report.linked.append(ReportEntry(key=a.uid, title=a.title,
                                         reason="linked to an existing calendar item"))
    return False


def _save_proxy(a: SaveProxy, ctx: Context) -> bool:
    proxy = ctx.store.proxy(a.proxy_id)
    keep = {k: v for k, v in (proxy.resolution if proxy else {}).items() if k in a.conflict}
    state = "conflict" if a.conflict else "synced"
    detail = ", ".join(a.conflict)
    ctx.store.update_proxy(a.proxy_id, base=a.base, local=a.local, conflict=a.conflict,
                           state=state, detail=detail, resolution=keep, invitees=a.invitees,
                           inflight={}, settled="")
    if a.conflict:
        ctx.report.conflicts.append(ReportEntry(key=_key(ctx, a.proxy_id), title=a.title,
                                                reason="changed on both sides",
                                                fields=list(a.conflict)))
    return False


def _note(a: Note, ctx: Context) -> bool:
    ctx.report.notes.append(ReportEntry(key=_key(ctx, a.proxy_id), title=a.title,
                                        reason=a.reason))
    return False


def _create_follow_up(a: CreateFollowUp, ctx: Context) -> bool:
    ctx.crm.create([NewActivity(fields=a.fields, origin=str(Origin.CRM),
                                owner=ctx.identity.employee_id)])
    _count(ctx, a)
    return False


def _detach(a: Detach, ctx: Context) -> bool:
    ctx.store.update_proxy(a.proxy_id, detached=True, href=None, native_pending=False,
                           state="synced", detail=a.reason)
    ctx.report.skipped.append(ReportEntry(key=_key(ctx, a.proxy_id), title=a.title,
                                          reason=a.reason))
    return False


def _drop_proxy(a: DropProxy, ctx: Context) -> bool:
    ctx.store.delete_proxy(a.proxy_id)
    return False


def _remember(ctx: Context, item: NativeItem) -> None:
    ctx.store.mirror_put([item])
    _drop_occurrences(ctx, item.href)
    ctx.mirror[item.href] = item
    ctx.mirror.update({o.href: o for o in item.overrides})


def _forget(ctx: Context, href: str) -> None:
    ctx.store.mirror_delete([href])
    _drop_occurrences(ctx, href)
    ctx.mirror.pop(href, None)


def _drop_occurrences(ctx: Context, href: str) -> None:
    """The occurrences the item at `href` had (they go and come with it)."""
    old = ctx.mirror.get(href)
    if old is not None and old.recurrence is not None:
        for rid in old.recurrence.overridden:
            ctx.mirror.pop(occurrence_href(href, rid), None)


_HANDLERS: Mapping[type, Callable[[Any, Context], bool]] = {
    CreateCrm: _create_crm, UpdateCrm: _update_crm, DeleteCrm: _delete_crm,
    LeaveTeam: _leave_team, CreateNative: _create_native, UpdateNative: _update_native,
    DeleteNative: _delete_native, LinkNative: _link_native, SaveProxy: _save_proxy,
    DropProxy: _drop_proxy, CreateFollowUp: _create_follow_up, Detach: _detach,
    Note: _note, SetReview: _set_review, AddOccurrence: _add_occurrence,
}

"""Apply a plan: one proxy's actions at a time, each failure kept to its item.

A lost race on a guarded write (rule 8) refreshes that item's state and
re-plans it once; any other error marks the proxy `error`, goes into the
report, and the next sync retries from the states (they are idempotent:
a create first looks for what an interrupted run may have made).
"""

from __future__ import annotations

from itertools import groupby
from typing import Any, Callable, Mapping, Sequence

from crmdesk.crm.base import NewActivity
from crmdesk.errors import CrmDeskError, NotFound, StaleWrite
from crmdesk.messages import describe
from crmdesk.model import Origin
from crmdesk.model.series import crm_values
from crmdesk.sync.actions import (Action, AddOccurrence, CreateCrm, CreateFollowUp,
                                  CreateNative, DeleteCrm, DeleteNative, Detach, DropProxy,
                                  LeaveTeam, LinkNative, Note, SaveProxy, SetReview, UpdateCrm,
                                  UpdateNative, Wait)
from crmdesk.sync.apply_calendar import (add_occurrence, create_native, delete_native,
                                         link_native, update_native)
from crmdesk.sync.batch import create_crm_batch, create_shares, write_back_uids
# Context and Renderer are part of this module's interface (engine, batch).
from crmdesk.sync.context import Context, Renderer, Replan, Retry, Stop, count, in_flight, key
from crmdesk.sync.report import CancelToken, ReportEntry

__all__ = ["Context", "Renderer", "apply", "apply_group"]


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
            _again(waiting, ctx, replan, cancel)
        if ctx.refreshed and not cancel.cancelled:
            # A series' object changed under a write: its other items were
            # planned from the old copy (its occurrences, or the series).
            hrefs, ctx.refreshed = sorted(ctx.refreshed), set()
            ids = {p.id for href in hrefs
                   for p in (ctx.store.proxy_by_href(href), *ctx.store.occurrence_proxies([href]))
                   if p is not None}
            _again(sorted(ids), ctx, replan, cancel)
    finally:
        write_back_uids(ctx)


def _again(proxy_ids: list[int], ctx: Context, replan: Replan, cancel: CancelToken) -> None:
    """Plan these proxies again and apply what they need now (once)."""
    again = [a for proxy_id in proxy_ids for a in replan(proxy_id)]
    _apply_groups([a for a in again if not isinstance(a, (Wait, Note))], ctx, replan, cancel)


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
    except Stop:
        return
    except Retry:
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
    ctx.report.errors.append(ReportEntry(key=key(ctx, action.proxy_id), title=action.title,
                                         reason=reason))
    if ctx.store.proxy(action.proxy_id) is not None:
        ctx.store.update_proxy(action.proxy_id, state="error", detail=reason)


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


def _update_crm(a: UpdateCrm, ctx: Context) -> bool:
    if not a.changes and not a.extra and a.integration_id:
        # Only the UID to write back: sent with the others after the loop.
        ctx.deferred_uids.append((a.proxy_id, a.crm_id, a.integration_id, a.timestamp))
        return False
    in_flight(ctx, a.proxy_id, "crm", a.changes)
    try:
        fields, repeating = crm_values(a.changes)
        record = ctx.crm.write(a.crm_id, {**fields, **repeating, **a.extra}, a.timestamp,
                               a.integration_id)
    except (StaleWrite, NotFound):
        fresh = ctx.crm.read([a.crm_id])
        if not fresh:
            _lost_access(a, ctx)
            raise Stop() from None
        ctx.store.update_proxy(a.proxy_id, crm=fresh[0])
        raise Retry() from None
    ctx.store.update_proxy(a.proxy_id, crm=record)
    if a.changes or a.extra:
        count(ctx, a)
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
    ctx.report.skipped.append(ReportEntry(key=key(ctx, a.proxy_id), title=a.title,
                                          reason=reason))


def _delete_crm(a: DeleteCrm, ctx: Context) -> bool:
    try:
        ctx.crm.delete([a.crm_id])
    except NotFound:
        return False
    count(ctx, a)
    return False


def _leave_team(a: LeaveTeam, ctx: Context) -> bool:
    try:
        ctx.crm.leave_team(a.crm_id)
    except NotFound:
        return False
    count(ctx, a)
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
        ctx.report.conflicts.append(ReportEntry(key=key(ctx, a.proxy_id), title=a.title,
                                                reason="changed on both sides",
                                                fields=list(a.conflict)))
    return False


def _note(a: Note, ctx: Context) -> bool:
    ctx.report.notes.append(ReportEntry(key=key(ctx, a.proxy_id), title=a.title,
                                        reason=a.reason))
    return False


def _create_follow_up(a: CreateFollowUp, ctx: Context) -> bool:
    ctx.crm.create([NewActivity(fields=a.fields, origin=str(Origin.CRM),
                                owner=ctx.identity.employee_id)])
    count(ctx, a)
    return False


def _detach(a: Detach, ctx: Context) -> bool:
    ctx.store.update_proxy(a.proxy_id, detached=True, href=None, native_pending=False,
                           state="synced", detail=a.reason)
    ctx.report.skipped.append(ReportEntry(key=key(ctx, a.proxy_id), title=a.title,
                                          reason=a.reason))
    return False


def _drop_proxy(a: DropProxy, ctx: Context) -> bool:
    ctx.store.delete_proxy(a.proxy_id)
    return False


_HANDLERS: Mapping[type, Callable[[Any, Context], bool]] = {
    CreateCrm: _create_crm, UpdateCrm: _update_crm, DeleteCrm: _delete_crm,
    LeaveTeam: _leave_team, CreateNative: create_native, UpdateNative: update_native,
    DeleteNative: delete_native, LinkNative: link_native, SaveProxy: _save_proxy,
    DropProxy: _drop_proxy, CreateFollowUp: _create_follow_up, Detach: _detach,
    Note: _note, SetReview: _set_review, AddOccurrence: add_occurrence,
}

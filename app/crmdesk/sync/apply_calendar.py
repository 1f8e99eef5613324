"""Applying calendar actions: create, patch and delete calendar objects, and
the overrides of a series inside them (rule 17).  Every write is guarded
by the object's ETag (rule 8): a lost race refreshes the copy and plans
the item again."""

from __future__ import annotations

from typing import Callable

from crmdesk.errors import AccessDenied, NotFound, StaleWrite
from crmdesk.model import NativeItem
from crmdesk.model.occurrence import occurrence_href, split_occurrence
from crmdesk.sync.actions import AddOccurrence, CreateNative, DeleteNative, LinkNative, UpdateNative
from crmdesk.sync.context import Context, Retry, Stop, count, in_flight, link_url
from crmdesk.sync.report import ReportEntry


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


def create_native(a: CreateNative, ctx: Context) -> bool:
    ical = ctx.renderer.render(a.uid, a.component, a.fields, a.series,
                               link_url(ctx, a.proxy_id) if a.link else "")
    # Remember the UID before the PUT: a run killed here finds the item by UID
    # next time instead of creating a second one.
    ctx.store.update_proxy(a.proxy_id, uid=a.uid, href=None, native_pending=True)
    in_flight(ctx, a.proxy_id, "calendar", a.fields)
    ctx.checkpoint("UID reserved, not sent")
    try:
        item = ctx.calendar.create(ctx.calendar_url, a.uid, ical)
    except StaleWrite:
        ctx.report.skipped.append(ReportEntry(
            key=a.uid, title=a.title,
            reason="an item with this UID already exists in the calendar; it is linked next sync"))
        return False
    remember(ctx, item)
    ctx.store.update_proxy(a.proxy_id, href=item.href, native_pending=False)
    count(ctx, a)
    return False


def update_native(a: UpdateNative, ctx: Context) -> bool:
    native = ctx.mirror[a.href]
    in_flight(ctx, a.proxy_id, "calendar", a.changes)
    link = None if a.link is None else (link_url(ctx, a.proxy_id) if a.link else "")
    split = split_occurrence(native.href) if native.parent else None
    if split is not None:           # one override inside its series' object (rule 17)
        _write_series(ctx, split[0], lambda raw: ctx.renderer.patch(
            raw, a.changes, None, link, occurrence=split[1]))
    else:
        _write_series(ctx, a.href, lambda raw: ctx.renderer.patch(raw, a.changes, a.series,
                                                                  link))
    count(ctx, a)
    return False


def _write_series(ctx: Context, href: str, edit: Callable[[str], str]) -> NativeItem:
    """PUT `edit` of the object at `href` (If-Match); a lost race refreshes it
    and plans the item again (rule 8)."""
    native = ctx.mirror.get(href)
    if native is None:
        raise Stop()
    try:
        item = ctx.calendar.update(native, edit(native.raw))
    except (StaleWrite, NotFound):
        fresh = ctx.calendar.get(href)
        if fresh is None:
            forget(ctx, href)
        else:
            remember(ctx, fresh)
        ctx.refreshed.add(href)
        raise Retry() from None
    remember(ctx, item)
    return item


def add_occurrence(a: AddOccurrence, ctx: Context) -> bool:
    """Rule 17 from the CRM: the series' object gains an override.  The proxy
    holds its pseudo-href before the PUT, so a run killed here finds the
    override instead of adding another."""
    assert a.rid is not None
    if a.parent not in ctx.mirror:
        ctx.report.skipped.append(ReportEntry(
            key=a.uid, title=a.title, reason="its series is not in the calendar any more"))
        raise Stop()
    href = occurrence_href(a.parent, a.rid)
    ctx.store.update_proxy(a.proxy_id, uid=a.uid, href=href, native_pending=True)
    in_flight(ctx, a.proxy_id, "calendar", a.fields)
    link = link_url(ctx, a.proxy_id) if a.link else ""
    _write_series(ctx, a.parent, lambda raw: ctx.renderer.add_occurrence(raw, a.rid, a.fields,
                                                                         link))
    ctx.store.update_proxy(a.proxy_id, native_pending=False)
    count(ctx, a)
    return False


def delete_native(a: DeleteNative, ctx: Context) -> bool:
    native = ctx.mirror.get(a.href)
    split = split_occurrence(a.href) if native is not None and native.parent else None
    if split is not None:          # rule 17: one occurrence deleted is an EXDATE
        _write_series(ctx, split[0], lambda raw: ctx.renderer.drop_occurrence(
            raw, split[1], exclude=True))
        count(ctx, a)
    elif native is not None:
        try:
            native = _quieted(native, ctx)
            ctx.calendar.delete(native)
            count(ctx, a)
        except NotFound:
            pass
        except StaleWrite:
            fresh = ctx.calendar.get(a.href)
            if fresh is not None:
                remember(ctx, fresh)
            raise Retry() from None
    forget(ctx, a.href)
    if ctx.store.proxy(a.proxy_id) is not None:
        ctx.store.update_proxy(a.proxy_id, href=None)
    return False


def link_native(a: LinkNative, ctx: Context) -> bool:
    ctx.store.update_proxy(a.proxy_id, uid=a.uid, href=a.href, native_pending=False)
    ctx.report.linked.append(ReportEntry(key=a.uid, title=a.title,
                                         reason="linked to an existing calendar item"))
    return False


def remember(ctx: Context, item: NativeItem) -> None:
    ctx.store.mirror_put([item])
    _drop_occurrences(ctx, item.href)
    ctx.mirror[item.href] = item
    ctx.mirror.update({o.href: o for o in item.overrides})


def forget(ctx: Context, href: str) -> None:
    ctx.store.mirror_delete([href])
    _drop_occurrences(ctx, href)
    ctx.mirror.pop(href, None)


def _drop_occurrences(ctx: Context, href: str) -> None:
    """The occurrences the item at `href` had (they go and come with it)."""
    old = ctx.mirror.get(href)
    if old is not None and old.recurrence is not None:
        for rid in old.recurrence.overridden:
            ctx.mirror.pop(occurrence_href(href, rid), None)

"""Gathering: what both servers report goes into the store before planning.

The calendar's sync-collection REPORT refreshes the mirror (with the sync
token, in one transaction); the CRM's change feed refreshes the proxies'
snapshots (with the watermark, in another).  New calendar items may be
shared at once (a setting), and a shared series shares its moved
occurrences (rule 17).  A sync killed between the two still has consistent
states to plan from.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from crmdesk.model import CRM_ONLY_FIELDS, CrmRecord, Identity, NativeItem, Origin, ProxyRow
from crmdesk.model.occurrence import crm_instant, rid_from_key, rid_instant, split_occurrence
from crmdesk.sync.plan import World, fields_for_new_proxy, in_window
from crmdesk.sync.report import ReportEntry, SyncReport

if TYPE_CHECKING:
    from crmdesk.sync.engine import Job

REFS_MAX_AGE = 24 * 3600


@dataclass
class Touched:
    """What the servers reported as changed in this sync."""

    hrefs: set[str]
    crm_ids: set[int]
    new_items: bool = False     # calendar items the mirror did not have
    full: bool = False          # the calendar was listed whole (no usable token)


def gather_calendar(job: Job, identity: Identity, now: datetime,
                    report: SyncReport) -> Touched:
    """Bring the mirror up to date with one sync-collection REPORT."""
    store = job.store
    # Floating times are read in the rep's zone (rule 6): items mirrored in
    # another zone are read again, the whole calendar once.
    zone = getattr(job.zone, "key", None) or str(job.zone)
    token = store.get_meta("sync_token") if store.get_meta("mirror_zone") == zone else None
    known = store.mirror_etags() if token else {}
    delta = job.calendar.sync(job.calendar_url, token, known)
    invalid = {href for href, _ in delta.invalid}
    touched = Touched(hrefs={i.href for i in delta.changed} | set(delta.deleted) | invalid,
                      crm_ids=set(), full=delta.full)
    # Their occurrences, before and after (rule 17).
    touched.hrefs.update(o.href for i in delta.changed for o in i.overrides)
    touched.hrefs.update(store.mirror_occurrences([*(i.href for i in delta.changed),
                                                   *delta.deleted]))
    with store.transaction():
        if delta.full:
            seen = {item.href for item in delta.changed} | set(delta.unchanged) | invalid
            store.mirror_delete([h for h in store.mirror_hrefs() if h not in seen])
        new = [i for i in delta.changed if store.mirror_get(i.href) is None]
        touched.new_items = bool(new)
        store.mirror_put(delta.changed)
        store.mirror_delete(delta.deleted)
        store.set_invalid(delta.invalid)
        store.set_meta("sync_token", delta.token)
        store.set_meta("mirror_zone", zone)
        if job.settings.share_new_items:
            _auto_share(job, new, identity, now)
    for href, reason in delta.invalid:
        report.skipped.append(ReportEntry(key=href, title=href, reason=reason))
    return touched


def _auto_share(job: Job, items: list[NativeItem], identity: Identity, now: datetime) -> None:
    world = World([], {}, identity, job.settings, now)
    for item in items:
        local = fields_for_new_proxy(item)
        # A proxy holding the UID is our own create whose answer was lost: it
        # links the item itself (sharing it again would make a second CRM copy).
        mine = job.store.proxy_by_href(item.href) or job.store.proxy_by_uid(item.uid)
        if mine is None and in_window(world, {**item.fields, **local}):
            job.store.add_proxy(origin=Origin.CALENDAR, uid=item.uid, href=item.href,
                                local=local)


def gather_crm(job: Job, report: SyncReport | None = None) -> set[int]:
    """Store what the CRM change feed says into the proxies' snapshots; returns
    the ids it reported."""
    store = job.store
    feed = job.crm.changes(store.get_meta("crm_watermark"))
    touched: set[int] = set()
    with store.transaction():
        for record in feed.records:
            proxy = store.proxy_by_crm_id(record.id)
            if proxy is None and record.integration_id:
                # A create an interrupted run made but never linked.
                pending = (_pending_occurrence(job, record) if record.extra.get("series")
                           else store.proxy_by_uid(record.integration_id))
                proxy = pending if pending is not None and pending.crm_id is None else None
            if proxy is not None:
                # The feed overlaps the last one: a record seen as it is now
                # is no news (and leaves the proxy settled).
                if proxy.crm != record or proxy.crm_deleted:
                    store.update_proxy(proxy.id, crm=record, crm_deleted=False)
                    touched.add(record.id)
            else:
                store.add_proxy(origin=record.origin, crm=record, uid=None)
                touched.add(record.id)
        for crm_id in feed.deleted:
            proxy = store.proxy_by_crm_id(crm_id)
            if proxy is not None and not proxy.crm_deleted:
                store.update_proxy(proxy.id, crm_deleted=True)
                touched.add(crm_id)
        store.set_meta("crm_watermark", feed.watermark)
    for key, reason in feed.invalid:
        if report is not None:
            report.skipped.append(ReportEntry(
                key=key, title=key, reason=f"the CRM sent it in a form crmdesk can't read "
                                           f"({reason}); it is read again next time"))
    return touched


def _pending_occurrence(job: Job, record: CrmRecord) -> ProxyRow | None:
    """The proxy of the occurrence (rule 17) that `record` was created for."""
    series = job.store.proxy_by_crm_id(int(record.extra["series"]))
    instant = crm_instant(record.extra.get("recurrence_id"))
    if series is None or not series.href or instant is None:
        return None
    for proxy in job.store.occurrence_proxies([series.href]):
        split = split_occurrence(proxy.href)
        if split and rid_instant(rid_from_key(split[1]), job.zone) == instant:
            return proxy
    return None


def share_occurrences(job: Job, now: datetime) -> set[str]:
    """An occurrence is shared with its series (rule 17): a proxy for each
    moved or changed occurrence of a shared series that has none, with the
    series' CRM-only fields.  When the CRM already has its activity (another
    rep's crmdesk made it, and the feed brought it here first), that
    activity's proxy takes the occurrence.  Returns their hrefs (to plan now)."""
    world = World([], {}, Identity(0, "", "", None), job.settings, now)
    made: set[str] = set()
    for item, series in job.store.unproxied_occurrences():
        known = _occurrence_activity(job, series, item)
        if known is not None:
            job.store.update_proxy(known.id, uid=item.uid, href=item.href, native_pending=False)
            made.add(item.href)
            continue
        local = {**fields_for_new_proxy(item), **{k: v for k, v in series.local.items()
                                                  if k in CRM_ONLY_FIELDS}}
        if in_window(world, {**item.fields, **local}):
            job.store.add_proxy(origin=series.origin, uid=item.uid, href=item.href, local=local)
            made.add(item.href)
    return made


def _occurrence_activity(job: Job, series: ProxyRow, item: NativeItem) -> ProxyRow | None:
    """The proxy of a CRM activity moved out of `series` at `item`'s
    RECURRENCE-ID that has no calendar item yet."""
    if series.crm_id is None or item.recurrence_id is None:
        return None
    want = rid_instant(item.recurrence_id, job.zone)
    for proxy in job.store.occurrence_activities(series.crm_id):
        if proxy.href is None and proxy.crm is not None \
                and crm_instant(proxy.crm.extra.get("recurrence_id")) == want:
            return proxy
    return None


def refresh_references(job: Job) -> None:
    """Accounts, contacts, opportunities for the pickers: at most once a day."""
    fetched = float(job.store.get_meta("refs_fetched", "0") or 0)
    if fetched and time.time() - fetched < REFS_MAX_AGE:
        return
    job.store.replace_refs(job.crm.references())
    job.store.set_meta("refs_fetched", str(time.time()))

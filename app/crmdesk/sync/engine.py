"""One whole sync: gather both sides into the store, plan, apply, report.

Gathering writes what the servers said into the store (mirror + token in
one transaction, CRM snapshots + watermark in another) before anything is
planned, so a sync killed at any point restarts from consistent states.
"""

from __future__ import annotations

import json
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timezone, tzinfo
from typing import Any, Callable, Iterator, Mapping

from crmdesk.crm.base import Connector
from crmdesk.model import Identity, ProxyRow
from crmdesk.model.occurrence import split_occurrence
from crmdesk.pim.base import CalendarClient
from crmdesk.settings.model import SyncSettings
from crmdesk.errors import MassDeleteBlocked
from crmdesk.sync.actions import Action, DeleteCrm, DeleteNative
from crmdesk.sync.addresses import build_book
from crmdesk.sync.apply import Context, Renderer, apply
from crmdesk.sync.gather import (REFS_MAX_AGE, Touched, gather_calendar, gather_crm,
                                 refresh_references, share_occurrences)
from crmdesk.sync.occurrences import series_id
from crmdesk.sync.plan import World, newly_settled, plan, plan_proxy
from crmdesk.sync.report import CancelToken, Progress, ReportEntry, SyncReport

@dataclass
class Job:
    """What one sync works with."""

    store: Any
    crm: Connector
    calendar: CalendarClient
    calendar_url: str
    settings: SyncSettings
    renderer: Renderer
    uid_namespace: str = "crmdesk"
    progress: Callable[[Progress], None] = lambda p: None
    cancel: CancelToken | None = None
    now: datetime | None = None
    dry_run: bool = False
    allow_mass_delete: bool = False     # the rep confirmed the plan the guard showed
    checkpoint: Callable[[str], None] = lambda where: None   # see apply.Context
    zone: tzinfo = timezone.utc         # the rep's zone (settings.zone.rep_zone)


def run(job: Job) -> tuple[SyncReport, list[Action]]:
    """Run one sync; returns its report and the plan it applied."""
    started = time.monotonic()
    # Connectors may be kept from one sync to the next: count this sync only.
    before = _traffic(job)
    cancel = job.cancel or CancelToken()
    report = SyncReport()
    now = job.now or datetime.now(timezone.utc)
    phase = _Phases(report.phases)
    with phase("sign in"):
        job.progress(Progress("Signing in to the CRM"))
        identity = _sign_in(job)
    # What the servers report is only kept until this sync has applied it: a
    # sync that stops early (blocked, cancelled, a preview, killed) leaves no
    # key, and the next one plans the whole store.
    previous_key = job.store.get_meta("plan_scope_key")
    job.store.set_meta("plan_scope_key", None)
    with phase("read calendar"):
        job.progress(Progress("Reading the calendar"))
        touched = gather_calendar(job, identity, now, report)
    job.checkpoint("calendar read")
    with phase("read CRM"):
        job.progress(Progress("Reading the CRM"))
        touched.crm_ids.update(gather_crm(job, report))
        job.checkpoint("CRM read")
        refresh_references(job)
        touched.hrefs.update(share_occurrences(job, now))
    with phase("plan"):
        scope_key = _scope_key(job, identity, now)
        world = _world(job, identity, now, touched, previous_key == scope_key)
        actions = _without_unreadable(plan(world), world, job.store)
        report.scope = {"planned": len(world.proxies), "whole": int(not world.partial)}
        if not job.dry_run and not job.allow_mass_delete:
            check_mass_delete(actions, {"calendar": job.store.mirror_count(),
                                        "crm": job.store.crm_proxy_count()}, job.settings)
    with phase("apply"):
        if cancel.cancelled:
            report.cancelled = True
        elif not job.dry_run:
            job.store.set_settled(newly_settled(world, actions))
            _apply(job, world, actions, identity, report, cancel)
            if not report.cancelled:
                job.store.set_meta("plan_scope_key", scope_key)
    _finish(job, report, now, started, before)
    return report, actions


def _without_unreadable(actions: list[Action], world: World, store: Any) -> list[Action]:
    """No action for an item whose calendar copy can't be read now: the
    report already lists it as skipped (gather_calendar), and a write based
    on its last good copy would be refused or would undo the rep's edit."""
    invalid = {href for href, _ in store.invalid_items()}
    if not invalid:
        return actions
    stuck = {p.id for p in world.proxies if p.href in invalid}
    return [a for a in actions if a.proxy_id not in stuck]


def _scope_key(job: Job, identity: Identity, now: datetime) -> str:
    """Everything besides the two copies that a plan depends on.  A new day
    moves the sync windows, so it changes the key too."""
    return json.dumps({"settings": asdict(job.settings), "me": list(identity.employee_ids),
                       "ns": job.uid_namespace, "day": now.date().isoformat()},
                      sort_keys=True, default=str)


def _world(job: Job, identity: Identity, now: datetime, touched: Touched,
           same_scope: bool) -> World:
    """The whole store, or only what may need work when nothing else moved."""
    store = job.store
    zone = job.zone
    if touched.full or not same_scope:
        proxies, mirror = store.proxies(), store.mirror_all()
        book = build_book(store, job.crm, identity, job.settings, proxies, mirror)
        return World(proxies, mirror, identity, job.settings, now, job.uid_namespace,
                     zone=zone, people=book)
    proxies = store.proxies_to_plan(touched.hrefs, touched.crm_ids, touched.new_items)
    proxies = _with_occurrences(store, proxies)
    if any(p.crm is not None and p.href is None and not p.native_pending for p in proxies):
        mirror = store.mirror_all()      # correlation looks at every unlinked item
    else:
        mirror = store.mirror_many(hrefs=[p.href for p in proxies if p.href],
                                   uids=[p.uid for p in proxies if p.native_pending and p.uid])
        parents = {split[0] for split in map(split_occurrence, mirror) if split}
        parents |= {p.href for p in proxies if p.href and p.href in mirror
                    and mirror[p.href].recurrence is not None}
        mirror.update(store.mirror_many(hrefs=parents))
        mirror.update(store.mirror_occurrences(parents))
    linked = {p.href for p in proxies if p.href}
    book = build_book(store, job.crm, identity, job.settings, proxies,
                      {h: i for h, i in mirror.items() if h in linked})
    return World(proxies, mirror, identity, job.settings, now, job.uid_namespace,
                 linked_hrefs=store.linked_hrefs, partial=True, zone=zone, people=book,
                 proxy_by_href=store.proxy_by_href, proxy_by_crm_id=store.proxy_by_crm_id)


def _with_occurrences(store: Any, proxies: list[ProxyRow]) -> list[ProxyRow]:
    """The proxies to plan, with the occurrences of every series among them
    (an unshared series takes its occurrences along, rule 17) and the series
    of every occurrence from the CRM (it is read to place the occurrence)."""
    have = {p.id for p in proxies}
    more = [p for p in store.occurrence_proxies(p.href for p in proxies if p.href
                                                  and not split_occurrence(p.href))
            if p.id not in have]
    for proxy in proxies:
        wanted = series_id(proxy) if proxy.href is None else None
        series = store.proxy_by_crm_id(wanted) if wanted else None
        if series is not None and series.id not in have:
            more.append(series)
            have.add(series.id)
    if not more:
        return proxies
    return sorted({p.id: p for p in [*proxies, *more]}.values(), key=lambda p: p.id)


def _sign_in(job: Job) -> Identity:
    cached = _cached_identity(job.store)
    identity = job.crm.login(cached)
    if identity != cached:
        job.store.set_json("identity", _identity_json(identity))
        job.store.set_meta("identity_fetched", str(time.time()))
    return identity


def _traffic(job: Job) -> dict[str, dict[str, int]]:
    """Requests and bytes so far, per server."""
    out = {}
    for side, connector in (("calendar", job.calendar), ("crm", job.crm)):
        traffic = getattr(connector, "traffic", None)
        out[side] = {"requests": connector.request_count,
                     **(traffic.to_json() if traffic is not None else {})}
    return out


def _finish(job: Job, report: SyncReport, now: datetime, started: float,
            before: dict[str, dict[str, int]]) -> None:
    if not job.dry_run:
        _still_waiting(job.store, report)
    after = _traffic(job)
    used = {side: {k: v - before[side].get(k, 0) for k, v in counts.items()}
            for side, counts in after.items()}
    report.requests = {side: counts.pop("requests") for side, counts in used.items()}
    report.bytes = {side: counts for side, counts in used.items() if counts}
    report.seconds = round(time.monotonic() - started, 3)
    if not job.dry_run:
        job.store.add_report(report.to_json())
        job.store.set_meta("last_sync", now.isoformat(timespec="seconds"))


class _Phases:
    """`with phase("name"):` adds the block's wall time to report.phases."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into = into

    @contextmanager
    def __call__(self, name: str) -> Iterator[None]:
        began = time.monotonic()
        try:
            yield
        finally:
            self.into[name] = round(self.into.get(name, 0.0) + time.monotonic() - began, 4)


def _apply(job: Job, world: World, actions: list[Action], identity: Identity,
           report: SyncReport, cancel: CancelToken) -> None:
    groups = len({a.proxy_id for a in actions})
    done = [0]

    def step() -> None:
        done[0] += 1
        job.progress(Progress("Applying changes", done[0], groups))

    ctx = Context(store=job.store, crm=job.crm, calendar=job.calendar,
                  calendar_url=job.calendar_url, identity=identity, renderer=job.renderer,
                  mirror=dict(world.mirror), report=report, on_step=step,
                  checkpoint=job.checkpoint)

    by_uid = world.by_uid

    def replan(proxy_id: int) -> list[Action]:
        proxy = job.store.proxy(proxy_id)
        if proxy is None:
            return []
        fresh = World([proxy], ctx.mirror, identity, job.settings, world.now, job.uid_namespace,
                      by_uid=by_uid, linked_hrefs=job.store.linked_hrefs, zone=world.zone,
                      people=world.people, proxy_by_href=job.store.proxy_by_href,
                      proxy_by_crm_id=job.store.proxy_by_crm_id)
        return plan_proxy(fresh, proxy)

    job.progress(Progress("Applying changes", 0, groups))
    apply(actions, ctx, replan, cancel)


def _still_waiting(store: Any, report: SyncReport) -> None:
    """Every conflict that still waits for the rep is in the report, not only
    the ones this sync found."""
    named = {entry.title for entry in report.conflicts}
    for proxy in store.proxies_in_state("conflict"):
        title = str((proxy.base or {}).get("description") or
                    (proxy.crm.fields.get("description") if proxy.crm else "") or "")
        if title not in named:
            report.conflicts.append(ReportEntry(
                key=proxy.uid or f"crm:{proxy.crm_id}", title=title,
                reason="changed on both sides; waiting for your decision",
                fields=list(proxy.conflict)))


def check_mass_delete(actions: list[Action], totals: Mapping[str, int],
                      settings: SyncSettings) -> None:
    """Rule 21: stop before applying a plan that deletes too much of a side
    (`totals`: items per side, "calendar" and "crm")."""
    kinds = {"calendar": DeleteNative, "crm": DeleteCrm}
    for side, kind in kinds.items():
        total = totals[side]
        count = sum(1 for a in actions if isinstance(a, kind))
        if count > settings.mass_delete_min and \
                count * 100 > settings.mass_delete_percent * max(total, 1):
            raise MassDeleteBlocked(actions, side, count, total)


def _cached_identity(store: Any) -> Identity | None:
    """The identity of the last sync, if it is less than a day old."""
    data = store.get_json("identity")
    fetched = float(store.get_meta("identity_fetched", "0") or 0)
    if not data or time.time() - fetched > REFS_MAX_AGE:
        return None
    return Identity(user_id=data["user_id"], login=data["login"], name=data["name"],
                    employee_id=data["employee_id"], employee_ids=tuple(data["employee_ids"]),
                    emails=tuple(data["emails"]), generic_owner=data.get("generic_owner"))


def _identity_json(identity: Identity) -> dict[str, Any]:
    return {"user_id": identity.user_id, "login": identity.login, "name": identity.name,
            "employee_id": identity.employee_id, "employee_ids": list(identity.employee_ids),
            "emails": list(identity.emails), "generic_owner": identity.generic_owner}

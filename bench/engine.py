"""Engine-only measurements: no network, no servers.

* plan time of a World of N synced, unchanged proxies (built in memory);
* store speed: writing N proxies, N apply-style updates, mirror writes, the
  load every sync does;
* peak RSS of a 10,000-item engine pass, in a fresh interpreter:
  `python -m bench.engine build DIR N` fills a store, then
  `python -m bench.engine pass DIR` loads it, plans and prints its peak RSS.
"""

from __future__ import annotations

import gc
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from crmdesk.model import (CRM_ONLY_FIELDS, NATIVE_FIELDS, CrmRecord, Identity, NativeItem,
                           Origin, ProxyRow)
from crmdesk.model.activity import with_defaults
from crmdesk.settings.model import SyncSettings
from crmdesk.sync.plan import World, plan, settle_key

ME = Identity(user_id=7, login="rep", name="Rita Rep", employee_id=70, employee_ids=(70,),
              emails=("rita@example.com",))
HOME = "/rep/engine-bench/"


def _raw_template() -> str:
    from crmdesk.pim import ical
    from bench.env import item_fields
    return ical.render_new("@@UID@@", "VEVENT", item_fields(0, "@@TAG@@"))


def synced_items(n: int, settled: bool = True) -> tuple[list[ProxyRow], dict[str, NativeItem]]:
    """n proxies in agreement with their calendar item and CRM record; with
    `settled`, as a sync leaves them (the settle key of their empty plan kept)."""
    from crmdesk.model.hashing import content_hash
    from bench.env import item_fields
    template = _raw_template()
    proxies: list[ProxyRow] = []
    mirror: dict[str, NativeItem] = {}
    for i in range(n):
        uid = f"engine-{i:06d}@bench"
        full = with_defaults(item_fields(i, "Engine"))
        href = f"{HOME}{uid}.ics"
        native_fields = {k: full[k] for k in NATIVE_FIELDS}
        native = NativeItem(href=href, etag=f'"{i}"', uid=uid, component="VEVENT",
                            fields=native_fields,
                            raw=template.replace("@@UID@@", uid).replace("@@TAG@@", "Engine"),
                            content_hash=content_hash("VEVENT", native_fields))
        record = CrmRecord(id=i + 1, fields=full, timestamp=f"ts{i}", integration_id=uid,
                           origin=Origin.CRM, owner=ME.employee_id,
                           employees=(ME.employee_id,))
        proxies.append(ProxyRow(id=i + 1, uid=uid, href=href, native_pending=False,
                                crm_id=record.id, crm=record, crm_deleted=False,
                                origin=Origin.CRM,
                                local={k: full[k] for k in CRM_ONLY_FIELDS},
                                base=dict(full), state="synced"))
        if settled:
            proxies[-1].settled = settle_key(proxies[-1], native)
        mirror[href] = native
    return proxies, mirror


def world_of(proxies: list[ProxyRow], mirror: dict[str, NativeItem]) -> World:
    now = datetime.now(timezone.utc)
    return World(proxies=proxies, mirror=mirror, identity=ME, settings=SyncSettings(),
                 now=now, uid_namespace="bench")


def time_plan(n: int, repeats: int = 5, settled: bool = True) -> dict[str, Any]:
    """Median seconds of plan(world) over `repeats` runs (World built outside)."""
    proxies, mirror = synced_items(n, settled)
    times = []
    actions = 0
    for _ in range(repeats):
        world = world_of(proxies, mirror)
        gc.collect()
        started = time.perf_counter()
        actions = len(plan(world))
        times.append(time.perf_counter() - started)
    return {"seconds": statistics.median(times), "actions": actions, "runs": times}


def plan_hotspots(n: int, top: int = 3) -> list[tuple[str, float]]:
    """(function, share of plan time) of the costliest crmdesk functions under
    plan() (cumulative; the planner's own entry points left out)."""
    import cProfile
    import pstats
    proxies, mirror = synced_items(n)
    world = world_of(proxies, mirror)
    profiler = cProfile.Profile()
    profiler.runcall(plan, world)
    stats = pstats.Stats(profiler)
    total = max(stats.total_tt, 1e-9)   # type: ignore[attr-defined]
    rows = []
    for (path, _line, name), (_cc, _nc, _tt, cum, _callers) in \
            stats.stats.items():        # type: ignore[attr-defined]
        if "crmdesk" not in path or name in ("plan", "plan_proxy", "_merge_actions"):
            continue
        rows.append((f"{Path(path).stem}.{name}", cum / total))
    rows.sort(key=lambda r: -r[1])
    return rows[:top]


def store_speed(n: int, directory: Path) -> dict[str, float]:
    """Seconds of each store operation a sync of n items performs."""
    from crmdesk.store import Store
    proxies, mirror = synced_items(n)
    store = Store(directory / f"store-{n}.sqlite")
    out: dict[str, float] = {}
    try:
        started = time.perf_counter()
        with store.transaction():
            ids = []
            for p in proxies:
                pid = store.add_proxy(origin=p.origin, uid=p.uid, href=p.href, crm=p.crm,
                                      local=p.local, state="synced")
                store.update_proxy(pid, base=p.base, settled=p.settled)
                ids.append(pid)
        out["write"] = time.perf_counter() - started
        started = time.perf_counter()
        store.mirror_put(list(mirror.values()))
        out["mirror_put"] = time.perf_counter() - started
        # What apply does for each item it saves: a journal entry, the proxy, done
        # (one commit each, no surrounding transaction).
        started = time.perf_counter()
        for pid, p in zip(ids, proxies):
            entry = store.journal_add(pid, "SaveProxy", {"title": "x"})
            store.update_proxy(pid, base=p.base, local=p.local, conflict=(), state="synced",
                               detail="", resolution={}, invitees=False, inflight={},
                               settled=p.settled)
            store.journal_done(entry)
        out["apply_updates"] = time.perf_counter() - started
        started = time.perf_counter()
        loaded = store.proxies()
        loaded_mirror = store.mirror_all()
        out["load"] = time.perf_counter() - started
        assert len(loaded) == n and len(loaded_mirror) == n
        started = time.perf_counter()
        actions = plan(world_of(loaded, loaded_mirror))
        out["plan_loaded"] = time.perf_counter() - started
        out["plan_loaded_actions"] = float(len(actions))
        # What a no-change sync reads and plans: only what may need work.
        started = time.perf_counter()
        scoped = store.proxies_to_plan(set(), set(), False)
        scoped_mirror = store.mirror_many(hrefs=[p.href for p in scoped if p.href])
        scoped_world = World(proxies=scoped, mirror=scoped_mirror, identity=ME,
                             settings=SyncSettings(), now=datetime.now(timezone.utc),
                             uid_namespace="bench", linked_hrefs=store.linked_hrefs,
                             partial=True)
        actions = plan(scoped_world)
        out["scoped_pass"] = time.perf_counter() - started
        out["scoped_proxies"] = float(len(scoped) + len(actions))
    finally:
        store.close()
    return out


def rss_pass(n: int, directory: Path) -> dict[str, Any]:
    """Build a store of n items in one process, then load + plan in a fresh one."""
    root = Path(__file__).resolve().parent.parent
    store = directory / f"rss-{n}.sqlite"
    subprocess.run([sys.executable, "-m", "bench.engine", "build", str(store), str(n)],
                   cwd=root, check=True, timeout=1800)
    done = subprocess.run([sys.executable, "-m", "bench.engine", "pass", str(store)],
                          cwd=root, check=True, timeout=1800, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _maxrss_mb() -> float:
    """Peak RSS of this process in MB: VmHWM (ru_maxrss after fork+exec may still
    hold the parent's peak on Linux), else ru_maxrss."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0   # Linux: KiB


def _build(path: Path, n: int) -> None:
    from crmdesk.store import Store
    proxies, mirror = synced_items(n)
    store = Store(path)
    with store.transaction():
        for p in proxies:
            pid = store.add_proxy(origin=p.origin, uid=p.uid, href=p.href, crm=p.crm,
                                  local=p.local, state="synced")
            store.update_proxy(pid, base=p.base, settled=p.settled)
    store.mirror_put(list(mirror.values()))
    store.close()


def _pass(path: Path) -> dict[str, Any]:
    import crmdesk.service  # noqa: F401  (what a sync process has loaded)
    from crmdesk.store import Store
    imported = _maxrss_mb()
    started = time.perf_counter()
    store = Store(path)
    proxies, mirror = store.proxies(), store.mirror_all()
    loaded = time.perf_counter() - started
    actions = plan(world_of(proxies, mirror))
    store.close()
    return {"items": len(proxies), "actions": len(actions), "rss_imports_mb": imported,
            "rss_peak_mb": _maxrss_mb(), "load_seconds": loaded,
            "seconds": time.perf_counter() - started}


def main(argv: list[str]) -> int:
    if argv[:1] == ["build"]:
        _build(Path(argv[1]), int(argv[2]))
        return 0
    if argv[:1] == ["pass"]:
        print(json.dumps(_pass(Path(argv[1]))))
        return 0
    if argv[:1] == ["plan"]:
        for n in map(int, argv[1:] or ["10000"]):
            print(n, time_plan(n))
        return 0
    print("usage: python -m bench.engine build STORE N | pass STORE | plan N...",
          file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def tempdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="crmdesk-engine-"))


def series_plan(exceptions: int = 500, repeats: int = 5) -> dict[str, Any]:
    """Engine time for one daily series with `exceptions` exceptions whose
    exceptions just changed in the CRM: map the native series, merge, and
    work out the calendar write (RRULE + EXDATEs), then render it."""
    from dataclasses import replace as dc_replace
    from datetime import date as ddate, timedelta
    from zoneinfo import ZoneInfo
    from crmdesk.model.recurrence import CrmRepeat, NativeSeries, RepeatType
    from crmdesk.model.series import view_native
    from crmdesk.pim import ical
    from crmdesk.sync.actions import UpdateNative
    zone = ZoneInfo("Europe/Copenhagen")
    first = datetime(2025, 1, 6, 9, 0, tzinfo=zone)
    skipped = tuple(first + timedelta(days=3 * k + 1) for k in range(exceptions))
    series = NativeSeries(first, f"FREQ=DAILY;COUNT={3 * exceptions + 30}", skipped)
    now = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
    held = view_native(series, zone, now.date(), 180).repeat
    assert held is not None
    proxies, mirror = synced_items(1, settled=False)
    proxy, native = proxies[0], next(iter(mirror.values()))
    fields = {**native.fields, "planned_start": first.astimezone(timezone.utc),
              "planned_end": (first + timedelta(hours=1)).astimezone(timezone.utc),
              "repeat": held}
    raw = ical.render_new(native.uid, "VEVENT", fields)
    native = dc_replace(native, fields={**native.fields, **fields}, recurrence=series, raw=raw)
    changed = CrmRepeat(held.type, held.expires, held.exceptions + (ddate(2027, 1, 2),))
    record = dc_replace(proxy.crm, fields={**proxy.crm.fields, **fields},
                        extra={**proxy.crm.extra, **changed.to_extra()})
    proxy = dc_replace(proxy, crm=record, base={**proxy.base, **fields})
    times, writes = [], 0
    for _ in range(repeats):
        world = World(proxies=[proxy], mirror={native.href: native}, identity=ME,
                      settings=SyncSettings(), now=now, uid_namespace="bench", zone=zone)
        started = time.perf_counter()
        actions = plan(world)
        update = next(a for a in actions if isinstance(a, UpdateNative))
        ical.patch(native.raw, update.changes, update.series)
        times.append(time.perf_counter() - started)
        writes = len(update.series.exdates) if update.series else 0
    return {"seconds": statistics.median(times), "runs": times, "exdates": writes,
            "exceptions": len(changed.exceptions)}

"""crmdesk's benchmark suite: `bash bench/run.sh [--quick] [--sizes 500,2000]`.

Starts its own Radicale and Tryton on 127.0.0.1 (devservers), seeds them,
runs every scenario, prints a table of crmdesk's figures next to their
baselines from the same run, with each target of issue 7 and its status,
writes bench/results/latest.json and, with --write-results, bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:          # `python bench/run.py` as well as `-m bench.run`
    sys.path.insert(0, str(ROOT))

from bench import engine, occurrences, picker, scenarios  # noqa: E402
from bench.env import BenchEnv, log, versions  # noqa: E402
from bench.results import (FAIL, INFO, PASS, Results, Row, git_commit,  # noqa: E402
                           judge, machine, now_text)

SCENARIOS = ("c2k", "k2c", "corr", "engine", "gui", "picker")
# "Grows linearly": the cost per item at the largest size may be at most this
# multiple of the cost per item at the smallest (SQLite's B-trees add a log factor).
LINEAR = 2.0


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="N = 500 only (a few minutes)")
    p.add_argument("--sizes", default="",
                   help="comma-separated calendar sizes (default 500,2000; --quick: 500)")
    p.add_argument("--engine-sizes", default="1000,2000,5000,10000",
                   help="proxy counts of the engine-only measurements")
    p.add_argument("--only", default=",".join(SCENARIOS),
                   help="scenario groups to run: c2k (CRM->calendar, no-change, one "
                        "change, 100 changes), k2c (calendar->CRM), corr (both sides full), "
                        "engine, gui (week view, event-loop lag; offscreen Qt), picker "
                        "(search as you type over 20,000 lookups records; no servers)")
    p.add_argument("--no-vdirsyncer", action="store_true", help="skip every vdirsyncer baseline")
    p.add_argument("--no-vdirsyncer-copy", action="store_true",
                   help="skip vdirsyncer's initial copy (as slow as the PUT floor)")
    p.add_argument("--repeats", type=int, default=3,
                   help="runs of each no-change sync and floor (median)")
    p.add_argument("--write-results", nargs="?", const=str(ROOT / "bench" / "RESULTS.md"),
                   default=None, metavar="PATH", help="also write RESULTS.md (default path "
                   "bench/RESULTS.md)")
    p.add_argument("--json", default=str(ROOT / "bench" / "results" / "latest.json"),
                   help="where to write the JSON results")
    p.add_argument("--xandikos", action="store_true",
                   help="also run CRM->calendar, no-change and changes on Xandikos (smallest N)")
    p.add_argument("--keep", action="store_true", help="keep the servers' work directory")
    args = p.parse_args(argv)
    if args.sizes:
        args.size_list = [int(s) for s in args.sizes.split(",") if s.strip()]
    else:
        args.size_list = [500] if args.quick else [500, 2000]
    args.engine_list = [int(s) for s in args.engine_sizes.split(",") if s.strip()]
    args.groups = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = args.groups - set(SCENARIOS)
    if unknown:
        p.error(f"unknown scenario group(s): {', '.join(sorted(unknown))}")
    if not 1 <= args.repeats <= 20:
        p.error("--repeats must be 1..20")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.monotonic()
    res = Results()
    res.meta = {"started": now_text(), "quick": args.quick, "sizes": args.size_list,
                "engine_sizes": args.engine_list, "machine": machine(),
                "versions": versions(), "commit": git_commit(ROOT),
                "argv": sys.argv[1:] if argv is None else argv}
    log(f"crmdesk bench: sizes {args.size_list}, groups {sorted(args.groups)}; "
        f"{res.meta['machine']['nproc']} cores, {res.meta['machine']['cpu']}")
    res.meta["loadavg_start"] = _loadavg()
    if res.meta["loadavg_start"] > 0.5 * (os.cpu_count() or 1):
        log(f"warning: the machine is busy (load average {res.meta['loadavg_start']:.1f}): "
            "times and ratios will be noisy")
    work = Path(tempfile.mkdtemp(prefix="crmdesk-bench-"))
    failed: list[str] = []
    try:
        if "engine" in args.groups:
            _guard("engine", failed, lambda: engine_section(res, args.engine_list, work))
        if "picker" in args.groups:
            _guard("picker", failed, lambda: picker.picker_section(res, work))
        if args.groups & {"c2k", "k2c", "corr", "gui"}:
            _guard("servers", failed, lambda: servers_section(args, res, work, failed))
    except KeyboardInterrupt:
        log("interrupted: printing what was measured so far")
        failed.append("interrupted")
    finally:
        if args.keep:
            log(f"work directory kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    res.meta["loadavg_end"] = _loadavg()
    res.meta["finished"] = now_text()
    res.meta["total_seconds"] = round(time.monotonic() - started, 1)
    res.meta["errors"] = failed
    print()
    print(res.table())
    fails = res.failures()
    if fails:
        print("\nTargets not met:")
        for r in fails:
            print(f"  - {r.label} (N={r.n}): {r.target}; {r.note}")
    notes = [r for r in res.rows if r.note and r not in fails]
    if notes:
        print("\nNotes:")
        for r in notes:
            print(f"  - {r.label} (N={r.n}): {r.note}")
    for line in failed:
        print(f"\nscenario error: {line}")
    res.write_json(Path(args.json))
    log(f"wrote {args.json}")
    if args.write_results:
        command = "bash bench/run.sh " + " ".join(sys.argv[1:] if argv is None else argv)
        res.write_markdown(Path(args.write_results), command.strip())
        log(f"wrote {args.write_results}")
    return 1 if failed else 0


def _loadavg() -> float:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return 0.0


def _guard(name: str, failed: list[str], fn: Callable[[], object]) -> object:
    """Run one scenario; an error is reported and the others still run."""
    try:
        return fn()
    except Exception as exc:  # one broken scenario must not hide the others' figures
        log(f"ERROR in {name}: {exc}")
        traceback.print_exc(file=sys.stderr)
        failed.append(f"{name}: {exc}")
        return None


def servers_section(args: argparse.Namespace, res: Results, work: Path,
                    failed: list[str]) -> None:
    with BenchEnv(work, xandikos=args.xandikos) as env:
        res.meta["servers"] = {"radicale": env.radicale.url, "tryton": env.tryton.url}
        for n in args.size_list:
            server_section(env, n, args, res, work, failed)
        if "gui" in args.groups:
            _guard("GUI week view", failed, lambda: scenarios.gui_week(env, res))
            _guard("GUI lag", failed, lambda: scenarios.gui_lag(env, max(args.size_list), res))


def server_section(env: BenchEnv, n: int, args: argparse.Namespace, res: Results,
                   work: Path, failed: list[str]) -> None:
    opts = scenarios.Options(
        vdirsyncer=not args.no_vdirsyncer,
        vdirsyncer_copy=not args.no_vdirsyncer_copy,
        repeats=args.repeats)
    vdir: dict[str, float] = {}
    if args.groups & {"c2k", "corr"}:
        vdir = _guard(f"vdirsyncer N={n}", failed,
                      lambda: scenarios.vdirsyncer_pair(env, n, opts, work)) or {}
    states: list[scenarios.Synced] = []
    servers = ["radicale"]
    if args.xandikos and n == min(args.size_list):
        servers.append("xandikos")
    for server in servers if "c2k" in args.groups else []:
        state = _guard(f"initial CRM->calendar on {server} N={n}", failed,
                       lambda: scenarios.initial_crm_to_calendar(env, n, res, opts, work,
                                                                 server))
        if state is not None:
            states.append(state)
            _guard(f"no-change right after on {server} N={n}", failed,
                   lambda: scenarios.no_change_right_after(env, n, state, res))
    # The others run while the CRM feed's overlap window drains (steady state below).
    if "k2c" in args.groups:
        _guard(f"initial calendar->CRM N={n}", failed,
               lambda: scenarios.initial_calendar_to_crm(env, n, res, opts))
    if "corr" in args.groups:
        _guard(f"correlated first sync N={n}", failed,
               lambda: scenarios.correlated_first_sync(env, n, res, opts, vdir))
    for state in states:
        scenarios.wait_out_overlap(state)
        where = f"on {state.server} N={n}"
        _guard(f"no-change {where}", failed,
               lambda: scenarios.no_change(env, n, state, res, opts, vdir))
        _guard(f"one change {where}", failed, lambda: scenarios.one_change(env, n, state, res))
        _guard(f"100 changes {where}", failed,
               lambda: scenarios.hundred_changes(env, n, state, res))
        state.app.close()


def engine_section(res: Results, sizes: list[int], work: Path) -> None:
    """Plan time, store speed and peak RSS, no network."""
    plans: dict[int, float] = {}
    for n in sizes:
        log(f"engine: no-change plan of {n:,} synced proxies")
        out = engine.time_plan(n)
        plans[n] = out["seconds"]
        binding = n >= 10000
        ok = out["seconds"] <= 0.100
        note = ""
        if out["actions"]:
            note = f"the plan of unchanged proxies has {out['actions']} action(s)"
        elif not ok:
            spots = ", ".join(f"{name} {share:.0%}" for name, share in engine.plan_hotspots(n))
            note = ("ours: pure Python work per unchanged proxy, no I/O; where plan() spends "
                    f"it (cumulative): {spots}")
        res.add(Row("engine", "Engine: no-change plan", n, out["seconds"] * 1000, "ms", "", None,
                    "<= 100 ms" if binding else "", judge(ok) if binding else INFO,
                    note=note if binding or out["actions"] else "",
                    extra={"runs": out["runs"], "actions": out["actions"]}))
    big_n = max(sizes)
    log(f"engine: first plan of {big_n:,} unsettled proxies (after an upgrade)")
    cold = engine.time_plan(big_n, settled=False)
    res.add(Row("engine", "Engine: plan of unsettled proxies (once, after an upgrade)", big_n,
                cold["seconds"] * 1000, "ms", "", None, "", INFO,
                note="every proxy merged field by field; afterwards each keeps its settle key",
                extra={"runs": cold["runs"], "actions": cold["actions"]}))
    small, big = min(plans), max(plans)
    if big > small:
        per_small, per_big = plans[small] / small * 1e6, plans[big] / big * 1e6
        ok = per_big <= LINEAR * per_small
        res.add(Row("engine", f"Engine: plan per proxy, {big:,} vs {small:,}", big, per_big,
                    "us/item", f"at {small:,}", per_small, f"<= {LINEAR:g}x (linear)",
                    judge(ok)))
    speeds: dict[int, dict[str, float]] = {}
    for n in (small, big):
        log(f"engine: store speed with {n:,} proxies (best of 3)")
        runs = [engine.store_speed(n, work / f"store-{n}-{k}") for k in range(3)]
        speeds[n] = {key: min(r[key] for r in runs) for key in runs[0]}
    labels = {"write": "Store: write proxies (one transaction)",
              "apply_updates": "Store: apply-style updates (one commit each)",
              "mirror_put": "Store: write mirror items",
              "load": "Store: load proxies + mirror (whole-store pass)"}
    for key, label in labels.items():
        per_small = speeds[small][key] / small * 1e6
        per_big = speeds[big][key] / big * 1e6
        ok = per_big <= LINEAR * per_small
        res.add(Row("engine", label, big, per_big, "us/item", f"at {small:,}", per_small,
                    f"<= {LINEAR:g}x (linear)", judge(ok),
                    extra={"seconds": speeds[big][key], "seconds_small": speeds[small][key]}))
    total = speeds[big]["load"] + speeds[big]["plan_loaded"]
    res.add(Row("engine", "Engine: whole-store pass (load + plan; first sync of a day)", big,
                total * 1000, "ms", "", None, "", INFO,
                extra={"load_s": speeds[big]["load"], "plan_s": speeds[big]["plan_loaded"]}))
    scoped = speeds[big]["scoped_pass"]
    res.add(Row("engine", "Engine: no-change pass from the store (scoped load + plan)", big,
                scoped * 1000, "ms", "whole-store pass", total * 1000, "<= 100 ms",
                judge(scoped <= 0.100, big >= 10000),
                extra={"proxies_planned": speeds[big]["scoped_proxies"]}))
    log("engine: one series with 500 exceptions changed in the CRM (plan + calendar write)")
    series = engine.series_plan(500)
    ok = series["seconds"] < 1.0
    res.add(Row("engine", "Engine: series with 500 exceptions (plan + write)", 500,
                series["seconds"] * 1000, "ms", "", None, "< 1 s", judge(ok),
                note=f"{series['exdates']} EXDATEs written", extra=series))
    log("engine: one series with 500 moved occurrences, one changed in the CRM (rule 17)")
    moved = occurrences.occurrences_plan(500)
    res.add(Row("engine", "Engine: series with 500 moved occurrences (read + plan + write)", 500,
                moved["seconds"] * 1000, "ms", "", None, "< 1 s", judge(moved["seconds"] < 1.0),
                note=f"{moved['calendar_writes']} override written", extra=moved))
    log(f"engine: peak RSS of a {big:,}-item engine pass (fresh interpreter)")
    rss = engine.rss_pass(big, work)
    ok = rss["rss_peak_mb"] <= 300
    res.add(Row("engine", "Engine pass peak RSS (load + plan)", rss["items"], rss["rss_peak_mb"],
                "MB", "after imports", rss["rss_imports_mb"], "<= 300 MB", judge(ok, big >= 10000),
                extra=rss))


if __name__ == "__main__":
    sys.exit(main())

__all__ = ["main", "PASS", "FAIL", "INFO"]

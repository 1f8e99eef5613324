"""GUI figures with the real widgets (offscreen Qt), each in a fresh interpreter.

    python -m bench.gui week PROFILE_DIR MONDAY   # the week view of that week
    python -m bench.gui lag PROFILE_DIR           # Synchronize in the main window

`week` times what showing a week costs the GUI thread: AppService.week()
(the store query and the views), WeekView.set_week() (layout) and a full
paint (grab()).  `lag` opens the MainWindow on the profile, presses
Synchronize and, while the sync runs on the worker thread, a 10 ms QTimer
on the GUI thread records how late each of its ticks comes: the largest
delay is the longest the GUI thread stalled.  Each prints one JSON line.
"""

from __future__ import annotations

import collections
import gc
import json
import os
import statistics
import sys
import threading
import time
import traceback
from datetime import date, datetime, timedelta
from datetime import time as dtime
from pathlib import Path
from typing import Any

TICK_MS = 10
LIMIT_S = 900            # a sync that takes longer than this is reported as unfinished


def _app() -> Any:
    """The app's own QApplication setup (crmdesk.ui.app.application)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from crmdesk.ui.app import application
    return application([])


def week(profile_dir: Path, monday: date, runs: int = 7) -> dict[str, Any]:
    app = _app()
    from crmdesk.service import AppService
    from crmdesk.settings import Profile
    from crmdesk.ui.calendar.weekview import WeekView

    service = AppService(Profile.at(profile_dir))
    view = WeekView()
    view.resize(1200, 760)
    view.show()
    app.processEvents()
    start = datetime.combine(monday, dtime(0)).astimezone()
    end = start + timedelta(days=7)
    times, parts = [], []
    count = 0
    for _ in range(runs + 1):                      # the first run warms fonts and caches
        t0 = time.perf_counter()
        items = service.week(start, end)
        t1 = time.perf_counter()
        view.set_week(monday, items)
        t2 = time.perf_counter()
        view.grab()                                # paints the whole widget now
        t3 = time.perf_counter()
        times.append(t3 - t0)
        parts.append({"query": t1 - t0, "layout": t2 - t1, "paint": t3 - t2})
        count = len(items)
    service.close()
    warm = times[1:]
    return {"items": count, "median_ms": statistics.median(warm) * 1000,
            "max_ms": max(warm) * 1000, "cold_ms": times[0] * 1000,
            "parts_ms": {k: statistics.median(p[k] for p in parts[1:]) * 1000
                         for k in parts[0]}}


def _watch_stalls(state: dict[str, Any]) -> threading.Thread:
    """Diagnostics (CRMDESK_BENCH_STALLS=1): while a probe tick is over 30 ms
    late, sample what the GUI thread and the others are running; printed to
    stderr at the end, most frequent first."""
    main = threading.main_thread().ident
    seen: collections.Counter[str] = collections.Counter()

    def where(frame: Any) -> str:
        stack = traceback.extract_stack(frame)[-4:]
        return " < ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in reversed(stack))

    def watch() -> None:
        while not state["ended"]:
            time.sleep(0.005)
            if state["started"] and time.perf_counter() - state["last"] > 0.030 + TICK_MS / 1000:
                for ident, frame in sys._current_frames().items():
                    who = "GUI" if ident == main else "worker"
                    seen[f"{who}: {where(frame)}"] += 1
        for line, count in seen.most_common(12):
            print(f"stall sample x{count}: {line}", file=sys.stderr)

    started: dict[str, float] = {}

    def collected(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started["gc"] = time.perf_counter()
        elif "gc" in started:
            took = (time.perf_counter() - started.pop("gc")) * 1000
            if took > 10:
                seen[f"GC generation {info.get('generation')} took {took:.0f} ms"] += 1

    gc.callbacks.append(collected)
    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def lag(profile_dir: Path) -> dict[str, Any]:
    app = _app()
    from PySide6.QtCore import QTimer
    from crmdesk.service import AppService
    from crmdesk.settings import Profile
    from crmdesk.ui.mainwindow import MainWindow

    service = AppService(Profile.at(profile_dir))
    window = MainWindow(service)
    window.resize(1200, 760)
    window.show()
    state: dict[str, Any] = {"gaps": [], "last": 0.0, "started": 0.0, "ended": 0.0}

    def tick() -> None:
        now = time.perf_counter()
        if state["started"] and not state["ended"]:
            state["gaps"].append(now - state["last"])
        state["last"] = now

    def start() -> None:
        state["started"] = state["last"] = time.perf_counter()
        window.synchronize()

    def finished(report: Any) -> None:
        state["report"] = report.to_json() if hasattr(report, "to_json") else str(report)
        QTimer.singleShot(1000, stop)             # the views reload after a sync: keep probing

    def failed(exc: BaseException) -> None:
        state["error"] = f"{type(exc).__name__}: {exc}"
        stop()

    def stop() -> None:
        state["ended"] = time.perf_counter()
        app.exit(0)

    probe = QTimer(interval=TICK_MS)
    probe.timeout.connect(tick)
    probe.start()
    watcher = _watch_stalls(state) if os.environ.get("CRMDESK_BENCH_STALLS") else None
    window.sync_runner.finished.connect(finished)
    window.sync_runner.failed.connect(failed)
    QTimer.singleShot(1500, start)                # let the window finish its first load
    QTimer.singleShot(LIMIT_S * 1000, stop)
    app.exec()
    probe.stop()
    if watcher is not None:
        watcher.join(2)
    gaps = sorted(state["gaps"])
    late = [g * 1000 - TICK_MS for g in gaps]
    out = {"ticks": len(gaps), "max_lag_ms": max(late, default=0.0),
           "p99_lag_ms": late[int(0.99 * (len(late) - 1))] if late else 0.0,
           "stalls_over_50ms": sum(1 for x in late if x > 50),
           "sync_seconds": (state["ended"] or time.perf_counter()) - state["started"],
           "error": state.get("error", ""), "finished": "report" in state}
    report = state.get("report")
    if isinstance(report, dict):
        out["requests"] = report.get("requests")
        out["crm"] = report.get("crm")
        out["errors"] = len(report.get("errors") or [])
    return out


def main(argv: list[str]) -> int:
    if len(argv) >= 3 and argv[0] == "week":
        result = week(Path(argv[1]), date.fromisoformat(argv[2]))
    elif len(argv) >= 2 and argv[0] == "lag":
        result = lag(Path(argv[1]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result))
    sys.stdout.flush()
    os._exit(0)                                   # no teardown of half-closed windows


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

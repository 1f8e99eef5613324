"""Result rows, targets, the printed table, latest.json and RESULTS.md."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

PASS, FAIL, INFO, NOT_RUN = "PASS", "FAIL", "info", "NOT RUN"


@dataclass
class Row:
    """One measured figure, next to its baseline from the same run."""

    scenario: str                 # short id, e.g. "initial_crm_to_calendar"
    label: str                    # what the row measures, for people
    n: int | None
    value: float | None
    unit: str                     # "s", "ms", "req", "MB", "us/item"
    baseline: str = ""            # what the baseline is
    baseline_value: float | None = None
    target: str = ""              # e.g. "<= 1.05x", "<= 3 req"
    status: str = INFO
    note: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline_value:
            return None
        return self.value / self.baseline_value


def judge(ok: bool, binding: bool = True) -> str:
    """PASS/FAIL where the issue sets the target at this size, else (pass)/(fail)."""
    if binding:
        return PASS if ok else FAIL
    return "(pass)" if ok else "(fail)"


class Results:
    def __init__(self) -> None:
        self.rows: list[Row] = []
        self.meta: dict[str, Any] = {}

    def add(self, row: Row) -> Row:
        self.rows.append(row)
        return row

    # -- output ---------------------------------------------------------
    def table(self) -> str:
        head = ("Scenario", "N", "crmdesk", "baseline (same run)", "ratio", "target", "status")
        lines = [head]
        for r in self.rows:
            lines.append((r.label, "" if r.n is None else f"{r.n:,}", _fmt(r.value, r.unit),
                          _baseline(r), "" if r.ratio is None else f"{r.ratio:.2f}x",
                          r.target, r.status))
        widths = [max(len(str(line[i])) for line in lines) for i in range(len(head))]
        out = []
        for k, line in enumerate(lines):
            out.append("| " + " | ".join(str(c).ljust(w) for c, w in zip(line, widths)) + " |")
            if k == 0:
                out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        return "\n".join(out)

    def notes(self) -> list[str]:
        return [f"{r.label} (N={r.n}): {r.note}" for r in self.rows if r.note]

    def failures(self) -> list[Row]:
        return [r for r in self.rows if r.status in (FAIL, "(fail)")]

    def to_json(self) -> dict[str, Any]:
        rows = []
        for r in self.rows:
            item = asdict(r)
            item["ratio"] = r.ratio
            rows.append(item)
        return {"meta": self.meta, "rows": rows}

    def write_json(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), indent=2, default=str) + "\n")

    def write_markdown(self, path: Path, command: str) -> None:
        m = self.meta
        machine = m.get("machine", {})
        vers = m.get("versions", {})
        sizes = m.get("sizes") or []
        quick = ""
        if m.get("quick") or 2000 not in sizes:
            quick = (" (quick run: N = " + ", ".join(f"{n:,}" for n in sizes) +
                     " only; the issue's targets are set at 2,000)")
        lines = [
            f"# crmdesk benchmark results{quick}",
            "",
            f"Run {m.get('finished', '')} with `{command}` "
            f"({m.get('total_seconds', 0):.0f} s in all).",
            "",
            f"Machine: {machine.get('cpu', '?')}, {machine.get('nproc', '?')} cores, "
            f"{machine.get('ram_gb', '?')} GB RAM, {machine.get('os', '?')}; load average "
            f"{m.get('loadavg_start', '?')} at the start, {m.get('loadavg_end', '?')} at the "
            f"end (other work on the machine makes the times noisier). Commit "
            f"{m.get('commit', '?')} plus the working tree.",
            "",
            "Versions: " + ", ".join(f"{k} {v}" for k, v in vers.items()) + ".",
            "",
            "Every crmdesk figure is printed next to its baseline measured in the same run. "
            "Status: PASS/FAIL where the issue sets the target at that size, (pass)/(fail) "
            "where it is only indicative (the target is set at another N), info where no "
            "target applies.",
            "",
            self.table(),
            "",
        ]
        fails = self.failures()
        if fails:
            lines += ["## Targets not met", ""]
            lines += [f"* **{r.label}** (N={r.n}): {_fmt(r.value, r.unit)} against "
                      f"{r.target}; {r.note or 'see the notes'}" for r in fails]
            lines.append("")
        notes = [f"* {r.label} (N={r.n}): {r.note}" for r in self.rows
                 if r.note and r not in fails]
        if notes:
            lines += ["## Notes", ""] + notes + [""]
        path.write_text("\n".join(lines))


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "req":
        return f"{value:.0f} req"
    if unit == "s":
        return f"{value:.2f} s" if value < 100 else f"{value:.0f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "MB":
        return f"{value:.0f} MB"
    if unit == "%":
        return f"{value:.1f} %"
    if unit == "us/item":
        return f"{value:.1f} us/item"
    return f"{value:g} {unit}"


def _baseline(r: Row) -> str:
    if not r.baseline:
        return ""
    if r.baseline_value is None:
        return r.baseline
    return f"{_fmt(r.baseline_value, r.unit)} {r.baseline}"


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = 0.0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    os_name = platform.platform()
    try:
        info = dict(line.split("=", 1) for line in
                    Path("/etc/os-release").read_text().splitlines() if "=" in line)
        os_name = info.get("PRETTY_NAME", os_name).strip('"')
    except OSError:
        pass
    return {"cpu": cpu, "nproc": os.cpu_count(), "ram_gb": round(ram, 1), "os": os_name}


def now_text() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def git_commit(root: Path) -> str:
    try:
        return subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return ""

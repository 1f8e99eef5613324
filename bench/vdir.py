"""vdirsyncer (from PyPI) as a black-box baseline: a pair of two CalDAV collections.

The bench writes a config file into a temporary directory, runs
`vdirsyncer discover` once and times `vdirsyncer sync` as a subprocess
(wall time of the process, as a user would see it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench.env import CAL_PASSWORD, CAL_USER

_CONFIG = """\
[general]
status_path = "{status}"

[pair bench]
a = "bench_a"
b = "bench_b"
collections = null
conflict_resolution = "a wins"

[storage bench_a]
type = "caldav"
url = "{a}"
username = "{user}"
password = "{password}"

[storage bench_b]
type = "caldav"
url = "{b}"
username = "{user}"
password = "{password}"
"""


def executable() -> str | None:
    local = Path(sys.executable).parent / "vdirsyncer"
    return str(local) if local.exists() else shutil.which("vdirsyncer")


class VdirPair:
    """vdirsyncer syncing collection `a` with collection `b`."""

    def __init__(self, directory: Path, a: str, b: str) -> None:
        exe = executable()
        if exe is None:
            raise RuntimeError("vdirsyncer is not installed (bench/run.sh installs it)")
        self.exe = exe
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.config = directory / "config"
        self.config.write_text(_CONFIG.format(status=directory / "status", a=a, b=b,
                                              user=CAL_USER, password=CAL_PASSWORD))
        self._run("discover")

    def _run(self, command: str) -> float:
        started = time.perf_counter()
        done = subprocess.run([self.exe, "-v", "WARNING", "-c", str(self.config), command],
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=3600, check=False)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"vdirsyncer {command} failed ({done.returncode}):\n"
                               f"{(done.stderr or done.stdout)[-2000:]}")
        return seconds

    def sync(self) -> float:
        """One `vdirsyncer sync`; wall seconds of the process."""
        return self._run("sync")


def startup_seconds() -> float:
    """Wall time of `vdirsyncer --version`: the interpreter and click, no sync."""
    exe = executable()
    if exe is None:
        return 0.0
    started = time.perf_counter()
    subprocess.run([exe, "--version"], capture_output=True, timeout=60, check=False)
    return time.perf_counter() - started

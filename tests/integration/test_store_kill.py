"""The store survives being killed mid-write, and a WAL whose tail a power cut tore.

A child process writes batches into a real store (mirror items, a proxy and
a counter in one transaction each, and a backup every few batches, as a
clean sync makes) and prints each batch number once it is committed; the
test SIGKILLs it at a random batch, reopens, and checks that the store needs
no repair, holds every batch it reported and no half batch.  Then the same
after cutting the WAL short or garbling its tail, as a power cut during a
write can leave it: whole batches may be lost (ordinary commits are not
flushed one by one, see Store._connect), never half of one, and nothing
needs a repair.  (A real power cut can't be made here; SQLite's WAL
checksums are what makes a torn tail harmless.)  No servers are needed.
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from crmdesk.store import Store
from crmdesk.store import safety

pytestmark = pytest.mark.integration

ROUNDS = int(os.environ.get("CRMDESK_STORE_KILL_ROUNDS", "6"))
BATCH = 20

WRITER = f"""
import sys
from datetime import datetime, timezone
from pathlib import Path
from crmdesk.model import NativeItem, Origin
from crmdesk.model.activity import normalize_fields
from crmdesk.store import Store

start = datetime(2026, 11, 23, 9, tzinfo=timezone.utc)
store = Store(Path(sys.argv[1]))
n = int(store.get_meta("n") or 0)
while True:
    n += 1
    items = [NativeItem(href=f"/cal/{{n}}-{{i}}.ics", etag='"1"', uid=f"{{n}}-{{i}}",
                        component="VEVENT", raw="x" * 2000,
                        fields=normalize_fields({{"description": f"item {{n}}-{{i}}",
                                                 "planned_start": start}}))
             for i in range({BATCH})]
    with store.transaction():
        store.mirror_put(items)
        store.add_proxy(origin=Origin.CALENDAR, uid=f"p{{n}}", href=f"/cal/{{n}}-0.ics")
        store.set_meta("n", str(n))
    if n % 7 == 0:
        store.add_report({{"errors": [], "cancelled": False}})
    print(n, flush=True)
"""


def run_and_kill(path: Path, batches: int) -> int:
    """Let the writer commit `batches` more batches, SIGKILL it; the last one it reported."""
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    last = 0
    try:
        for _ in range(batches):
            line = proc.stdout.readline()
            assert line, f"the writer stopped (exit {proc.poll()})"
            last = int(line)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    return last


def check_consistent(path: Path) -> int:
    """No repair needed, whole batches only; returns the batches stored."""
    assert safety.check_file(path) is None
    store = Store(path)
    try:
        assert store.take_recovery() is None
        n = int(store.get_meta("n") or 0)
        assert store.mirror_count() == BATCH * n
        assert {p.uid for p in store.proxies()} == {f"p{i}" for i in range(1, n + 1)}
    finally:
        store.close()
    for _, backup in safety.backups(path):
        db = sqlite3.connect(backup)
        assert [r[0] for r in db.execute("PRAGMA integrity_check")] == ["ok"], backup
        db.close()
    return n


def test_a_store_killed_mid_write_keeps_every_committed_batch(tmp_path: Path) -> None:
    path = tmp_path / "crmdesk.sqlite"
    rng = random.Random(8)
    for _ in range(ROUNDS):
        last = run_and_kill(path, rng.randint(1, 30))
        assert Path(f"{path}-wal").exists()          # killed with the WAL in use
        assert check_consistent(path) >= last        # reported = on disk


def test_a_torn_wal_tail_loses_whole_batches_only(tmp_path: Path) -> None:
    path = tmp_path / "crmdesk.sqlite"
    rng = random.Random(9)
    for round_no in range(ROUNDS):
        run_and_kill(path, rng.randint(5, 30))
        wal = Path(f"{path}-wal")
        size = wal.stat().st_size
        assert size > 32
        if round_no % 2:
            os.truncate(wal, rng.randint(32, size - 1))     # the tail never reached the disk
        else:
            cut = rng.randint(32, size - 1)                 # it reached it as garbage
            with open(wal, "r+b") as handle:
                handle.seek(cut)
                handle.write(os.urandom(min(8192, size - cut)))
        check_consistent(path)

"""Keeping the store usable: damage found at start, rotating backups, restore.

The store is the only copy of the id map between the calendar and the CRM
and of the writes in flight; its mirror and CRM snapshots can always be
read again from the servers.  So:

* every clean sync (no error, not cancelled) ends with a backup taken with
  SQLite's online backup API (one consistent snapshot), checked, then
  rotated in: `BACKUPS_KEPT` generations in `<data dir>/backups/`;
* the first `Store` of a process to open the file checks it (the header,
  then `PRAGMA quick_check`).  A damaged file is moved aside (kept for
  support, as `crmdesk.sqlite.damaged-<time>`) and the newest backup that
  passes the same check takes its place; with none, an empty store starts
  and the first sync links both sides again by UID (rules 2 and 3);
* what was done is a `StoreRecovered` record that the store keeps until a
  front end takes it to tell the rep (words: `crmdesk.messages`).

Only damage triggers a restore: a file that is locked, unreadable or on a
full disk raises `StoreError` and is left alone.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from crmdesk.errors import StoreDamaged, StoreError

log = logging.getLogger(__name__)

BACKUPS_KEPT = 2
HEADER = b"SQLite format 3\x00"
_DAMAGE_CODES = {11, 26}              # SQLITE_CORRUPT, SQLITE_NOTADB
_STAMP = "%Y%m%dT%H%M%S%fZ"

_lock = threading.Lock()
_open: Counter[str] = Counter()       # Stores of this process per file


@dataclass(frozen=True)
class StoreRecovered:
    """What crmdesk did about a damaged store; `backup_taken` None: no backup."""

    problem: str
    damaged_copy: str
    backup_taken: datetime | None
    when: datetime

    def to_json(self) -> dict[str, Any]:
        taken = self.backup_taken.isoformat() if self.backup_taken else None
        return {"problem": self.problem, "damaged_copy": self.damaged_copy,
                "backup_taken": taken, "when": self.when.isoformat()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoreRecovered:
        taken = data.get("backup_taken")
        return cls(problem=data["problem"], damaged_copy=data["damaged_copy"],
                   backup_taken=datetime.fromisoformat(taken) if taken else None,
                   when=datetime.fromisoformat(data["when"]))


def is_damage(exc: sqlite3.Error) -> bool:
    """SQLite's own verdict: the file is corrupt or no database at all."""
    return getattr(exc, "sqlite_errorcode", None) in _DAMAGE_CODES


# -- opening -----------------------------------------------------------------

def opened(path: Path) -> StoreRecovered | None:
    """Register one more Store on `path`; the first one checks the file and
    restores it if damaged.  Pair with `closed(path)`."""
    key = str(path.resolve())
    with _lock:
        recovered = None
        if _open[key] == 0:
            problem = check_file(path)
            if problem is not None:
                try:
                    recovered = restore(path, problem)
                except OSError as exc:       # e.g. another program holds the file
                    raise StoreDamaged(path, f"{problem}; it could not be set aside "
                                             f"({exc.strerror or exc})") from exc
        _open[key] += 1
        return recovered


def closed(path: Path) -> None:
    key = str(path.resolve())
    with _lock:
        _open[key] -= 1
        if _open[key] <= 0:
            del _open[key]


def check_file(path: Path) -> str | None:
    """What is wrong with the store file, or None if it can be used.

    A missing file is a new store.  Anything that is not damage (locked,
    no permission, I/O error) raises StoreError instead.
    """
    if not path.exists():
        return None
    try:
        size = path.stat().st_size
        if size == 0:
            # SQLite writes the header at once, so an empty file with backups
            # around lost its content; without any it is a store never used.
            return "the file is empty" if _backups(path) else None
        with open(path, "rb") as handle:
            head = handle.read(100)
    except OSError as exc:               # a folder, no permission, an I/O error
        raise StoreError(path, exc.strerror or str(exc)) from exc
    problem = _header_problem(head, size)
    return problem if problem is not None else _quick_check(path)


def _header_problem(head: bytes, size: int) -> str | None:
    if not head.startswith(HEADER):
        return f"not an SQLite database (it starts with {head[:16]!r})"
    if size < 100 or len(head) < 100:
        return f"the file is cut short ({size} bytes)"
    return None


def _quick_check(path: Path) -> str | None:
    try:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error as exc:
        raise StoreError(path, str(exc)) from exc
    try:
        rows = [str(r[0]) for r in db.execute("PRAGMA quick_check(5)")]
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):
            return str(exc)
        raise StoreError(path, str(exc)) from exc
    finally:
        db.close()
    return None if rows == ["ok"] else " ".join("; ".join(rows).split())[:300]


# -- restoring ---------------------------------------------------------------

def restore(path: Path, problem: str) -> StoreRecovered:
    """Move the damaged file aside and put the newest good backup in its place.

    The copy is made first; the file is swapped by renames only, so a crash
    in between leaves either the damaged file (restored at the next start)
    or the restored one."""
    now = datetime.now(timezone.utc)
    backup = _newest_good_backup(path)
    copy = _copy(backup, path) if backup is not None else None
    damaged = path.with_name(f"{path.name}.damaged-{now.strftime(_STAMP)}")
    for suffix in ("-wal", "-shm", ""):           # the file itself last
        companion = Path(f"{path}{suffix}")
        if companion.exists():
            os.replace(companion, Path(f"{damaged}{suffix}"))
    if copy is not None:
        os.replace(copy, path)
        fsync(path.parent)
    taken = backup_time(backup) if backup is not None else None
    log.warning("local store was damaged (%s); moved to %s; %s", problem, damaged.name,
                f"restored the backup of {taken.isoformat()}" if taken else
                "no usable backup: starting an empty store")
    return StoreRecovered(problem, str(damaged), taken, now)


def _newest_good_backup(path: Path) -> Path | None:
    for backup in _backups(path):
        if check_file(backup) is None:
            return backup
        log.warning("backup %s is damaged too; trying an older one", backup.name)
    return None


def _copy(source: Path, target: Path) -> Path:
    """A self-contained, flushed copy of `source` next to `target`; returns it."""
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    src, dst = sqlite3.connect(source), sqlite3.connect(part)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")   # no -wal companion to lose
    finally:
        src.close()
        dst.close()
    fsync(part)
    return part


# -- backups -----------------------------------------------------------------

def backup_dir(path: Path) -> Path:
    return path.parent / "backups"


def _backups(path: Path) -> list[Path]:
    """Backups of the store at `path`, newest first."""
    folder = backup_dir(path)
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"{path.stem}-*.sqlite") if backup_time(p) is not None]
    return sorted(found, key=lambda p: p.name, reverse=True)


def backups(path: Path) -> list[tuple[datetime, Path]]:
    """(when taken, file) of each backup of the store at `path`, newest first."""
    return [(t, p) for p in _backups(path) if (t := backup_time(p)) is not None]


def backup_time(backup: Path) -> datetime | None:
    stamp = backup.stem.rsplit("-", 1)[-1]
    try:
        return datetime.strptime(stamp, _STAMP).replace(tzinfo=timezone.utc)
    except ValueError:
        return None


def write_backup(db: sqlite3.Connection, path: Path) -> Path:
    """Copy the open store `db` (file `path`) to a new checked backup and
    drop all but the newest BACKUPS_KEPT.  A copy that fails its check
    never replaces a good one (StoreError)."""
    folder = backup_dir(path)
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob(f"{path.stem}-*.part"):     # a copy killed midway
        stale.unlink(missing_ok=True)
    final = folder / f"{path.stem}-{datetime.now(timezone.utc).strftime(_STAMP)}.sqlite"
    part = final.with_name(final.name + ".part")
    target = sqlite3.connect(part)
    try:
        db.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")
        problem = [str(r[0]) for r in target.execute("PRAGMA quick_check(5)")]
    finally:
        target.close()
    if problem != ["ok"]:
        part.unlink(missing_ok=True)
        raise StoreError(path, f"the backup copy failed its check: {problem}")
    fsync(part)
    os.replace(part, final)
    fsync(folder)
    for old in _backups(path)[BACKUPS_KEPT:]:
        old.unlink(missing_ok=True)
    return final


def store_files(path: Path) -> list[Path]:
    """Every file the store keeps: itself, WAL, backups and damaged copies."""
    names = [Path(f"{path}{s}") for s in ("", "-wal", "-shm")]
    names += sorted(path.parent.glob(f"{path.name}.damaged-*"))
    folder = backup_dir(path)
    names += sorted(folder.glob(f"{path.stem}-*")) if folder.is_dir() else []
    return [p for p in names if p.exists()]


def fsync(path: Path) -> None:
    """Flush `path` (a file or a folder entry) to the disk, where the OS allows."""
    try:
        # (Windows flushes only handles open for writing)
        fd = os.open(path, os.O_RDONLY if path.is_dir() else os.O_RDWR)
    except OSError:
        return                      # folders can't be opened on Windows
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

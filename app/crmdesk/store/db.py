"""The Store: one SQLite file, one connection per thread, short transactions."""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator, Sequence

from crmdesk.errors import StoreDamaged, StoreError
from crmdesk.store import safety
from crmdesk.store.proxies import ProxyTables
from crmdesk.store.mailrefs import MailRefTables
from crmdesk.store.mirror import MirrorTables
from crmdesk.store.refs import RefTables
from crmdesk.store.review import ReviewTables
from crmdesk.store.safety import StoreRecovered
from crmdesk.store.schema import MIGRATIONS

SCHEMA_VERSION = len(MIGRATIONS)
RECOVERED_KEY = "store_recovered"          # until a front end has told the rep
LAST_RECOVERY_KEY = "store_recovered_last"  # kept for diagnostics

log = logging.getLogger(__name__)
_LAZY = "NORMAL"        # the synchronous level of ordinary commits (see _connect)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class Store(MirrorTables, ProxyTables, ReviewTables, RefTables, MailRefTables):
    """The local store.  Create one per thread; they share the file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._depth = 0
        self._closed = False
        self._durable_commit = False
        # The first Store of the process checks the file and restores a damaged one.
        recovered = safety.opened(self.path)
        try:
            self._connect()
            if recovered is not None:
                self.set_json(RECOVERED_KEY, recovered.to_json())
                self.set_json(LAST_RECOVERY_KEY, recovered.to_json())
        except BaseException as exc:
            safety.closed(self.path)
            if isinstance(exc, sqlite3.DatabaseError):
                kind = StoreDamaged if safety.is_damage(exc) else StoreError
                raise kind(self.path, str(exc)) from exc
            raise

    def _connect(self) -> None:
        # check_same_thread=False only so that close() may run on another thread;
        # each thread still uses its own Store (see AppService.store).
        self._db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                   check_same_thread=False)
        self._db.row_factory = sqlite3.Row
        # WAL keeps readers (the GUI) unblocked while a sync writes, and a
        # power cut can only tear its tail, which SQLite's checksums discard:
        # the file is never corrupted.  NORMAL syncs the WAL only at
        # checkpoints, so a power cut may roll back the last commits; that is
        # what a sync killed a little earlier leaves, which the next sync
        # finishes.  What it can't recover is a write whose intent record
        # (a reserved UID, a write in flight) is lost after the request went
        # out, so those commits alone run with FULL (`durable`, see
        # update_proxy).  Measured on a first sync of 80 new items: FULL on
        # every commit 40-80 % slower, FULL on the intents alone ~8 %.
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(f"PRAGMA synchronous={_LAZY}")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._migrate()

    # -- lifecycle -------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._db.close()
        safety.closed(self.path)

    def take_recovery(self) -> StoreRecovered | None:
        """What crmdesk did about a damaged store at this start, once: the
        front end that takes it tells the rep (messages.describe_recovery)."""
        data = self.get_json(RECOVERED_KEY)
        if data is None:
            return None
        self.set_meta(RECOVERED_KEY, None)
        return StoreRecovered.from_json(data)

    def last_recovery(self) -> StoreRecovered | None:
        data = self.get_json(LAST_RECOVERY_KEY)
        return None if data is None else StoreRecovered.from_json(data)

    def backup(self) -> Path:
        """A checked copy in the backups folder; the oldest beyond
        safety.BACKUPS_KEPT go.  StoreError or OSError if it can't be made."""
        return safety.write_backup(self._db, self.path)

    def add_report(self, body: dict[str, Any], keep: int = 50) -> None:
        """Keep the report; a sync that ended clean leaves a known-good store,
        which is the moment to back it up."""
        super().add_report(body, keep)
        if body.get("errors") or body.get("cancelled") or self._depth:
            return      # (inside a caller's transaction nothing is settled yet)
        try:
            self.backup()
        except (OSError, sqlite3.Error, StoreError) as exc:
            # The sync itself succeeded; the previous backups stay.
            log.warning("no backup of the local store after this sync: %s", exc)

    def _version(self) -> int:
        row = self._db.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if row is None:
            return 0
        value = self._db.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(value[0]) if value else 0

    def _migrate(self) -> None:
        version = self._version()
        if version > SCHEMA_VERSION:
            raise StoreError(self.path, f"schema {version} is newer than this crmdesk "
                             f"({SCHEMA_VERSION}); install a newer crmdesk")
        if version == SCHEMA_VERSION:
            return
        if version > 0:
            backup = self.path.with_suffix(f".v{version}.bak")
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy2(self.path, backup)
        for number in range(version + 1, SCHEMA_VERSION + 1):
            self._db.executescript("BEGIN;" + MIGRATIONS[number - 1] + ";COMMIT;")
            self._db.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
                             (str(number),))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes; nested uses join the outer transaction."""
        if self._depth == 0:
            self._db.execute("BEGIN IMMEDIATE")
        self._depth += 1
        try:
            yield
        except BaseException:
            self._depth -= 1
            if self._depth == 0:
                self._durable_commit = False
                self._db.execute("ROLLBACK")
            raise
        self._depth -= 1
        if self._depth == 0:
            self._db.execute("COMMIT")
            if self._durable_commit:
                self._durable_commit = False
                # (the level can't change inside a transaction: what FULL
                # would have done at this COMMIT, flush the WAL, done here)
                safety.fsync(Path(f"{self.path}-wal"))

    @contextmanager
    def durable(self) -> Iterator[None]:
        """The writes of this block are on the disk when it ends, power cut or
        not (synchronous=FULL for their commit; inside a transaction, its
        COMMIT is followed by a flush of the WAL)."""
        if self._depth:
            self._durable_commit = True
            yield
            return
        self._db.execute("PRAGMA synchronous=FULL")
        try:
            yield
        finally:
            self._db.execute(f"PRAGMA synchronous={_LAZY}")

    def update_proxy(self, proxy_id: int, **changes: Any) -> None:
        """ProxyTables.update_proxy; a reserved UID or a write in flight is
        recorded durably: the next sync relies on it to recognise a write
        that reached the server, instead of making a second item."""
        if changes.get("native_pending") or changes.get("inflight"):
            with self.durable():
                super().update_proxy(proxy_id, **changes)
        else:
            super().update_proxy(proxy_id, **changes)

    def _x(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, args)
        except sqlite3.DatabaseError as exc:
            if safety.is_damage(exc):      # found while running: restored at next start
                raise StoreDamaged(self.path, str(exc)) from exc
            raise

    # -- meta ------------------------------------------------------------
    def get_meta(self, key: str, default: str | None = None) -> str | None:
        row = self._x("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self._x("DELETE FROM meta WHERE key=?", (key,))
        else:
            self._x("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def get_json(self, key: str) -> Any:
        text = self.get_meta(key)
        return None if text is None else json.loads(text)

    def set_json(self, key: str, value: Any) -> None:
        self.set_meta(key, None if value is None else json.dumps(value))

    def set_invalid(self, items: Sequence[tuple[str, str]]) -> None:
        with self.transaction():
            self._db.executemany("INSERT OR REPLACE INTO invalid_item VALUES (?, ?)", items)

    def invalid_items(self) -> list[tuple[str, str]]:
        return [(r[0], r[1]) for r in self._x("SELECT href, reason FROM invalid_item")]

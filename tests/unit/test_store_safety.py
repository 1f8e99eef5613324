"""The store survives damage: detected at start, the last good backup restored, the rep told.

Real SQLite files, damaged the ways disks and power cuts damage them.
(A store killed mid-write is in tests/integration/test_store_kill.py.)
"""

from __future__ import annotations

import json
import os
import sqlite3
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from crmdesk.diagnostics import export_profile
from crmdesk.messages import describe, describe_recovery
from crmdesk.model import Origin
from crmdesk.settings import Profile
from crmdesk.store import Store, StoreDamaged, StoreError
from crmdesk.store import safety

from tests.unit.helpers import native

CLEAN = {"errors": [], "cancelled": False}


def filled(path: Path, uids: list[str]) -> Store:
    """A store with mirror items and proxies for `uids`, pages on disk."""
    store = Store(path)
    store.mirror_put([native(uid, comment="x" * 3000) for uid in uids])
    with store.transaction():
        for uid in uids:
            store.add_proxy(origin=Origin.CALENDAR, uid=uid, href=f"/cal/{uid}.ics")
    return store


def proxy_uids(store: Store) -> set[str]:
    return {p.uid for p in store.proxies() if p.uid}


def page_size(path: Path) -> int:
    size = int.from_bytes(path.read_bytes()[16:18], "big")
    return 65536 if size == 1 else size


def overwrite(path: Path, offset: int, data: bytes) -> None:
    with open(path, "r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def _text(path: Path) -> None:
    path.write_bytes(b"Dear support, this is not a database\n" * 200)


def _garbage_header(path: Path) -> None:
    overwrite(path, 0, os.urandom(100))


def _truncated_half(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2)


def _cut_to_50_bytes(path: Path) -> None:
    os.truncate(path, 50)


def _emptied(path: Path) -> None:
    os.truncate(path, 0)


def _garbage_pages(path: Path) -> None:
    # the b-tree pages after the schema: what a torn or misdirected write leaves
    size = page_size(path)
    overwrite(path, 2 * size, os.urandom(4 * size))


def _zeroed_schema_page(path: Path) -> None:
    size = page_size(path)
    overwrite(path, 100, bytes(size - 100))


DAMAGE: dict[str, tuple[Callable[[Path], None], str]] = {
    "a text file": (_text, "not an SQLite database"),
    "a garbage header": (_garbage_header, "not an SQLite database"),
    "truncated to half": (_truncated_half, ""),
    "cut to 50 bytes": (_cut_to_50_bytes, "cut short"),
    "emptied": (_emptied, "empty"),
    "garbage pages": (_garbage_pages, ""),
    "zeroed schema page": (_zeroed_schema_page, ""),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_damage_is_detected_and_the_last_good_backup_restored(tmp_path: Path,
                                                              kind: str) -> None:
    path = tmp_path / "crmdesk.sqlite"
    store = filled(path, [f"a{i}" for i in range(40)])
    store.add_report(CLEAN)                       # backup 1: a0..a39
    store.mirror_put([native("b", comment="y" * 3000)])
    store.add_proxy(origin=Origin.CALENDAR, uid="b", href="/cal/b.ics")
    store.add_report(CLEAN)                       # backup 2: + b
    store.add_proxy(origin=Origin.CALENDAR, uid="after", href="/cal/after.ics")
    store.close()
    damage, words = DAMAGE[kind]
    damage(path)
    damaged_bytes = path.read_bytes()

    assert safety.check_file(path) is not None
    store = Store(path)
    recovered = store.take_recovery()
    assert recovered is not None and words in recovered.problem
    assert proxy_uids(store) == {f"a{i}" for i in range(40)} | {"b"}
    assert store.mirror_get("/cal/b.ics") is not None
    newest = safety.backups(path)[0][0]
    assert recovered.backup_taken == newest
    assert Path(recovered.damaged_copy).read_bytes() == damaged_bytes
    assert store.take_recovery() is None          # told once
    assert store.last_recovery() == recovered     # kept for diagnostics
    assert _sqlite_ok(path)
    store.close()


def _sqlite_ok(path: Path) -> bool:
    db = sqlite3.connect(path)
    try:
        return [r[0] for r in db.execute("PRAGMA integrity_check")] == ["ok"]
    finally:
        db.close()


def test_the_message_says_what_was_restored_and_what_comes_back(tmp_path: Path) -> None:
    path = tmp_path / "crmdesk.sqlite"
    store = filled(path, ["a"])
    store.add_report(CLEAN)
    store.close()
    _garbage_header(path)
    store = Store(path)
    recovered = store.take_recovery()
    store.close()
    assert recovered is not None and recovered.backup_taken is not None
    text = describe_recovery(recovered)
    when = recovered.backup_taken.astimezone().strftime("%a %d %b %Y %H:%M")
    assert text.startswith("The local store was damaged (not an SQLite database")
    assert f"crmdesk restored the backup from {when}." in text
    assert "Changes since then will be re-read from the servers" in text
    assert recovered.damaged_copy in text


def test_with_no_backup_a_new_store_starts_and_the_rep_is_told(tmp_path: Path) -> None:
    path = tmp_path / "crmdesk.sqlite"
    filled(path, ["a"]).close()
    _truncated_half(path)
    store = Store(path)
    recovered = store.take_recovery()
    assert recovered is not None and recovered.backup_taken is None
    assert store.proxies() == [] and store.mirror_count() == 0
    text = describe_recovery(recovered)
    assert "no good backup was found, so crmdesk started a new one" in text
    assert "Everything will be re-read from the servers" in text
    store.close()


def test_a_damaged_backup_is_passed_over_for_an_older_good_one(tmp_path: Path) -> None:
    path = tmp_path / "crmdesk.sqlite"
    store = filled(path, ["old"])
    store.add_report(CLEAN)
    store.add_proxy(origin=Origin.CALENDAR, uid="new", href="/cal/new.ics")
    store.add_report(CLEAN)
    store.close()
    (newest, newest_path), (older, _) = safety.backups(path)
    _garbage_pages(newest_path)
    _text(path)
    store = Store(path)
    recovered = store.take_recovery()
    assert recovered is not None and recovered.backup_taken == older
    assert proxy_uids(store) == {"old"}
    store.close()


def test_backups_rotate_and_only_clean_syncs_make_one(tmp_path: Path) -> None:
    path = tmp_path / "crmdesk.sqlite"
    store = filled(path, ["a"])
    store.add_report({"errors": [{"key": "x"}], "cancelled": False})
    store.add_report({"errors": [], "cancelled": True})
    assert safety.backups(path) == []
    for _ in range(4):
        store.add_report(CLEAN)
    kept = safety.backups(path)
    assert len(kept) == safety.BACKUPS_KEPT
    assert [t for t, _ in kept] == sorted((t for t, _ in kept), reverse=True)
    for _, backup in kept:                         # self-contained, checked copies
        assert not Path(f"{backup}-wal").exists() and _sqlite_ok(backup)
    assert not list(safety.backup_dir(path).glob("*.part"))
    store.close()


def test_a_good_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "crmdesk.sqlite"
    filled(path, ["a"]).close()
    store = Store(path)
    assert store.take_recovery() is None and proxy_uids(store) == {"a"}
    store.close()
    assert not list(tmp_path.glob("*.damaged-*"))


def test_a_garbage_wal_is_not_damage(tmp_path: Path) -> None:
    # SQLite checks every WAL frame's checksum: a torn or garbage WAL is ignored.
    path = tmp_path / "crmdesk.sqlite"
    filled(path, ["a"]).close()
    Path(f"{path}-wal").write_bytes(os.urandom(50_000))
    store = Store(path)
    assert store.take_recovery() is None and proxy_uids(store) == {"a"}
    store.close()


def test_what_is_not_damage_is_an_error_and_nothing_is_moved(tmp_path: Path) -> None:
    path = tmp_path / "crmdesk.sqlite"
    path.mkdir()
    with pytest.raises(StoreError) as info:
        Store(path)
    assert not isinstance(info.value, StoreDamaged)
    assert path.is_dir() and not list(tmp_path.glob("*.damaged-*"))


def test_a_damaged_file_that_cant_be_set_aside_says_restart(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # (as on Windows while another program holds the file)
    path = tmp_path / "crmdesk.sqlite"
    _text(path)

    def refuse(*_args: object) -> None:
        raise PermissionError(13, "The process cannot access the file")

    monkeypatch.setattr(safety.os, "replace", refuse)
    with pytest.raises(StoreDamaged, match="could not be set aside") as info:
        Store(path)
    assert "Close crmdesk and start it again" in describe(info.value)
    assert path.read_bytes().startswith(b"Dear support")


def test_damage_found_while_the_file_is_in_use_says_restart(tmp_path: Path) -> None:
    path = tmp_path / "crmdesk.sqlite"
    first = filled(path, [f"a{i}" for i in range(40)])
    first._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _garbage_pages(path)
    with pytest.raises(StoreDamaged) as info:      # another Store has it open
        Store(path).proxies()
    first.close()
    assert "Close crmdesk and start it again" in describe(info.value)
    assert not list(tmp_path.glob("*.damaged-*"))  # restored only at the next start


def test_wal_and_durable_intents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """WAL; ordinary commits NORMAL; a reserved UID or a write in flight FULL."""
    store = Store(tmp_path / "crmdesk.sqlite")
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA synchronous").fetchone()[0] == 1     # NORMAL
    pid = store.add_proxy(origin=Origin.CALENDAR, uid="u", href="/cal/u.ics")
    seen: list[str] = []
    store._db.set_trace_callback(seen.append)

    def levels_around(write: Callable[[], None]) -> list[str]:
        seen.clear()
        write()
        return [s.split("=")[1] for s in seen if s.startswith("PRAGMA synchronous=")]

    assert levels_around(lambda: store.update_proxy(pid, uid="v", href=None,
                                                    native_pending=True)) == ["FULL", "NORMAL"]
    assert levels_around(lambda: store.update_proxy(
        pid, inflight={"crm": [{"location": "Room 1"}]})) == ["FULL", "NORMAL"]
    assert levels_around(lambda: store.update_proxy(pid, state="synced")) == []

    def in_a_transaction() -> None:
        with store.transaction():
            store.update_proxy(pid, native_pending=True)
            store.set_meta("x", "1")

    flushed: list[Path] = []
    monkeypatch.setattr(safety, "fsync", flushed.append)
    in_a_transaction()                               # the WAL is flushed after COMMIT
    assert flushed == [Path(f"{store.path}-wal")]
    flushed.clear()
    with store.transaction():
        store.set_meta("y", "2")
    assert flushed == []
    store.close()


def test_store_files_lists_everything_the_store_keeps(tmp_path: Path) -> None:
    path = tmp_path / "crmdesk.sqlite"
    store = filled(path, ["a"])
    store.add_report(CLEAN)
    store.close()
    _text(path)
    Store(path).close()
    names = {p.name for p in safety.store_files(path)}
    assert "crmdesk.sqlite" in names
    assert any(n.startswith("crmdesk.sqlite.damaged-") for n in names)
    assert any(n.startswith("crmdesk-") and n.endswith(".sqlite") for n in names)


def test_diagnostics_list_the_store_files_never_their_content(tmp_path: Path) -> None:
    profile = Profile.at(tmp_path / "profile")
    store = filled(profile.store_path, ["secret-uid"])
    store.add_report(CLEAN)
    store.close()
    _garbage_header(profile.store_path)
    Store(profile.store_path).close()
    bundle = export_profile(profile, tmp_path / "ticket.zip", RuntimeError("test"))
    with zipfile.ZipFile(bundle) as opened:
        listed = json.loads(opened.read("store.json"))
        everything = b"".join(opened.read(name) for name in opened.namelist())
    names = [entry["file"] for entry in listed]
    assert "crmdesk.sqlite" in names and all(entry["bytes"] > 0 for entry in listed)
    assert any(n.startswith("crmdesk.sqlite.damaged-") for n in names)
    assert any(n.startswith("backups/crmdesk-") for n in names)
    assert b"secret-uid" not in everything

"""The SQLite store: schema version, migrations with backup, proxies, mirror."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import pytest

from crmdesk.model import Origin, Reference
from crmdesk.store import SCHEMA_VERSION, Store, StoreError

from tests.unit.helpers import crm, native


def test_new_store_has_the_current_schema(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    assert store.get_meta("schema_version") == str(SCHEMA_VERSION)


def test_newer_schema_is_refused_with_advice(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    Store(path).set_meta("schema_version", str(SCHEMA_VERSION + 1))
    with pytest.raises(StoreError, match="newer crmdesk"):
        Store(path)


def test_not_a_database_is_kept_aside_and_reported(tmp_path: Path) -> None:
    # (tests/unit/test_store_safety.py covers damage and restores in detail)
    path = tmp_path / "s.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    store = Store(path)
    recovered = store.take_recovery()
    assert recovered is not None and "not an SQLite database" in recovered.problem
    assert Path(recovered.damaged_copy).read_bytes() == b"this is not sqlite" * 100
    store.close()


def test_migration_backs_up_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crmdesk.store import db, schema
    path = tmp_path / "s.sqlite"
    Store(path).close()
    extra = schema.MIGRATIONS + ["ALTER TABLE proxy ADD COLUMN note TEXT"]
    monkeypatch.setattr(db, "MIGRATIONS", extra)
    monkeypatch.setattr(db, "SCHEMA_VERSION", len(extra))
    store = db.Store(path)
    assert store.get_meta("schema_version") == str(len(extra))
    assert (tmp_path / f"s.v{len(extra) - 1}.bak").exists()
    cols = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(proxy)")]
    assert "note" in cols


def test_proxy_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    record = crm()
    pid = store.add_proxy(origin=Origin.CRM, crm=record)
    store.update_proxy(pid, base=dict(record.fields), conflict=["location"],
                       resolution={"location": "crm"}, state="conflict")
    row = store.proxy(pid)
    assert row is not None and row.crm == record and row.base == record.fields
    assert row.conflict == ["location"] and row.resolution == {"location": "crm"}
    assert store.proxy_by_crm_id(record.id).id == pid


def test_mirror_range_and_uid(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.mirror_put([native("a"), native("b", component="VTODO")])
    week = store.mirror_range(datetime(2026, 11, 23, tzinfo=timezone.utc),
                              datetime(2026, 11, 30, tzinfo=timezone.utc), "VEVENT")
    assert [i.uid for i in week] == ["a"]
    assert store.mirror_by_uid("b").component == "VTODO"
    store.mirror_delete(["/cal/a.ics"])
    assert store.mirror_get("/cal/a.ics") is None


def test_reference_search_puts_prefix_matches_first(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    store.replace_refs([Reference("account", 1, "Big ACME Ltd"),
                        Reference("account", 2, "ACME Corp"),
                        Reference("contact", 3, "Ann Acme", "ann@acme.test")])
    assert [r.id for r in store.search_refs("account", "acme", 10)] == [2, 1]
    assert [r.id for r in store.search_refs("contact", "ann@", 10)] == [3]


def test_transaction_rolls_back_on_error(tmp_path: Path) -> None:
    store = Store(tmp_path / "s.sqlite")
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.set_meta("x", "1")
            raise RuntimeError("boom")
    assert store.get_meta("x") is None


def test_migrations_from_1_keep_proxies_and_mirror(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from crmdesk.store import db, schema
    path = tmp_path / "s.sqlite"
    monkeypatch.setattr(db, "MIGRATIONS", schema.MIGRATIONS[:1])
    monkeypatch.setattr(db, "SCHEMA_VERSION", 1)
    old = db.Store(path)
    old._x("INSERT INTO mirror (href, uid, etag, component, fields, raw) VALUES "
           "('/c/a.ics', 'a', '\"1\"', 'VEVENT', '{\"description\": \"Old\"}', 'RAW')")
    pid = old.add_proxy(origin=Origin.CALENDAR, uid="a", href="/c/a.ics")
    old.close()
    monkeypatch.undo()
    new = Store(path)
    assert new.get_meta("schema_version") == str(SCHEMA_VERSION)
    assert (tmp_path / "s.v1.bak").exists()
    row = new.proxy(pid)
    assert row is not None and row.uid == "a" and not row.detached and not row.invitees
    assert row.settled == ""
    item = new.mirror_get("/c/a.ics")
    assert item is not None and item.fields["description"] == "Old" and item.attendees == ()

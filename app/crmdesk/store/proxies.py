"""Proxy, journal and report tables: a mixin of `Store`."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any, Callable, ContextManager, Iterator

from crmdesk.model import CrmRecord, Fields, Origin
from crmdesk.model.activity import fields_from_json, fields_to_json
from crmdesk.model.proxy import ProxyRow
from crmdesk.store.records import crm_from_json, crm_to_json, fields_json, fields_load
from crmdesk.store.scope import ScopeQueries

_UNSET: Any = object()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _proxy(row: sqlite3.Row) -> ProxyRow:
    return ProxyRow(
        id=row["id"], uid=row["uid"], href=row["href"],
        native_pending=bool(row["native_pending"]), crm_id=row["crm_id"],
        crm=crm_from_json(row["crm"]), crm_deleted=bool(row["crm_deleted"]),
        origin=Origin(row["origin"]), local=fields_load(row["local"]) or {},
        base=fields_load(row["base"]), state=row["state"], detail=row["detail"],
        conflict=json.loads(row["conflict"]), resolution=json.loads(row["resolution"]),
        unshare=bool(row["unshare"]), detached=bool(row["detached"]),
        invitees=bool(row["invitees"]), settled=row["settled"],
        inflight={side: [fields_from_json(write) for write in writes]
                  for side, writes in json.loads(row["inflight"]).items()},
    )


class ProxyTables(ScopeQueries):
    """Methods over the proxy, journal and report tables (refs: store/refs.py)."""

    _row_to_proxy = staticmethod(_proxy)

    # Provided by Store, which this class is mixed into.
    _db: sqlite3.Connection
    _x: Callable[..., sqlite3.Cursor]
    transaction: Callable[[], ContextManager[None]]

    # -- proxies ---------------------------------------------------------
    def proxies(self) -> list[ProxyRow]:
        return [_proxy(r) for r in self._x("SELECT * FROM proxy ORDER BY id")]

    def proxy(self, proxy_id: int) -> ProxyRow | None:
        row = self._x("SELECT * FROM proxy WHERE id=?", (proxy_id,)).fetchone()
        return None if row is None else _proxy(row)

    def proxy_by_href(self, href: str) -> ProxyRow | None:
        row = self._x("SELECT * FROM proxy WHERE href=?", (href,)).fetchone()
        return None if row is None else _proxy(row)

    def proxy_by_uid(self, uid: str) -> ProxyRow | None:
        """The proxy of the item with this UID (a series', not one of its
        occurrences', which share the UID)."""
        row = self._x("SELECT * FROM proxy WHERE uid=? AND (href IS NULL OR instr(href, '#') = 0) "
                      "ORDER BY id LIMIT 1", (uid,)).fetchone()
        return None if row is None else _proxy(row)

    def proxy_by_crm_id(self, crm_id: int) -> ProxyRow | None:
        row = self._x("SELECT * FROM proxy WHERE crm_id=?", (crm_id,)).fetchone()
        return None if row is None else _proxy(row)

    def linked_crm_ids(self) -> set[int]:
        return {r[0] for r in self._x("SELECT crm_id FROM proxy WHERE crm_id IS NOT NULL")}

    def linked_hrefs(self) -> set[str]:
        return {r[0] for r in self._x("SELECT href FROM proxy WHERE href IS NOT NULL")}

    def proxies_by_href(self) -> dict[str, ProxyRow]:
        rows = self._x("SELECT * FROM proxy WHERE href IS NOT NULL")
        return {r["href"]: _proxy(r) for r in rows}

    def add_proxy(self, *, origin: Origin, uid: str | None = None, href: str | None = None,
                  crm: CrmRecord | None = None, local: Fields | None = None,
                  state: str = "pending") -> int:
        cur = self._x(
            "INSERT INTO proxy (uid, href, crm_id, crm, origin, local, state, updated) "
            "VALUES (?,?,?,?,?,?,?,?)",
            (uid, href, crm.id if crm else None, crm_to_json(crm), str(origin),
             fields_json(local or {}), state, _now()))
        return int(cur.lastrowid or 0)

    def update_proxy(self, proxy_id: int, *, uid: Any = _UNSET, href: Any = _UNSET,
                     native_pending: Any = _UNSET, crm: Any = _UNSET,
                     crm_deleted: Any = _UNSET, local: Any = _UNSET, base: Any = _UNSET,
                     state: Any = _UNSET, detail: Any = _UNSET, conflict: Any = _UNSET,
                     resolution: Any = _UNSET, unshare: Any = _UNSET,
                     origin: Any = _UNSET, detached: Any = _UNSET,
                     invitees: Any = _UNSET, inflight: Any = _UNSET,
                     settled: Any = _UNSET) -> None:
        """Set only the columns given."""
        cols: dict[str, Any] = {}
        for name, value in (("uid", uid), ("href", href), ("state", state),
                            ("detail", detail), ("settled", settled)):
            if value is not _UNSET:
                cols[name] = value
        for name, value in (("native_pending", native_pending), ("crm_deleted", crm_deleted),
                            ("unshare", unshare), ("detached", detached),
                            ("invitees", invitees)):
            if value is not _UNSET:
                cols[name] = int(bool(value))
        if crm is not _UNSET:
            cols["crm"] = crm_to_json(crm)
            cols["crm_id"] = crm.id if crm is not None else None
        if local is not _UNSET:
            cols["local"] = fields_json(local)
        if base is not _UNSET:
            cols["base"] = fields_json(base)
        if conflict is not _UNSET:
            cols["conflict"] = json.dumps(list(conflict))
        if resolution is not _UNSET:
            cols["resolution"] = json.dumps(resolution)
        if origin is not _UNSET:
            cols["origin"] = str(origin)
        if inflight is not _UNSET:
            cols["inflight"] = json.dumps({side: [fields_to_json(write) for write in writes]
                                           for side, writes in inflight.items()})
        if not cols:
            return
        cols["updated"] = _now()
        sets = ", ".join(f"{name}=?" for name in cols)
        self._x(f"UPDATE proxy SET {sets} WHERE id=?", (*cols.values(), proxy_id))

    def delete_proxy(self, proxy_id: int) -> None:
        self._x("DELETE FROM proxy WHERE id=?", (proxy_id,))
        self._x("DELETE FROM review WHERE proxy_id=?", (proxy_id,))

    def proxy_counts(self) -> dict[str, int]:
        rows = self._x("SELECT state, count(*) FROM proxy GROUP BY state")
        return {r[0]: int(r[1]) for r in rows}

    # -- journal -----------------------------------------------------------
    def journal_add(self, proxy_id: int | None, action: str, payload: dict[str, Any]) -> int:
        cur = self._x("INSERT INTO journal (proxy_id, action, payload, created) VALUES (?,?,?,?)",
                      (proxy_id, action, json.dumps(payload), _now()))
        return int(cur.lastrowid or 0)

    def journal_done(self, entry_id: int) -> None:
        self._x("DELETE FROM journal WHERE id=?", (entry_id,))

    def journal(self) -> list[tuple[int, int | None, str, dict[str, Any]]]:
        rows = self._x("SELECT id, proxy_id, action, payload FROM journal ORDER BY id")
        return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    # -- reports -------------------------------------------------------------
    def add_report(self, body: dict[str, Any], keep: int = 50) -> None:
        with self.transaction():
            self._x("INSERT INTO report (finished, body) VALUES (?, ?)", (_now(), json.dumps(body)))
            self._x("DELETE FROM report WHERE id NOT IN "
                    "(SELECT id FROM report ORDER BY id DESC LIMIT ?)", (keep,))

    def reports(self, limit: int = 50) -> Iterator[tuple[str, dict[str, Any]]]:
        rows = self._x("SELECT finished, body FROM report ORDER BY id DESC LIMIT ?", (limit,))
        return iter([(r[0], json.loads(r[1])) for r in rows])

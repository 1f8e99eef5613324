"""The queries that keep a no-change sync from reading the whole store.

A sync plans only the proxies that may need something: the ones whose
calendar item or CRM record the servers just reported, and the ones not yet
settled (pending, in conflict, in error, half-written, flagged).  Every
other proxy planned to nothing last time and nothing it depends on has
changed.  A mixin of `Store` (through ProxyTables).
"""

from __future__ import annotations

import json
import sqlite3
from typing import Callable, Collection, ContextManager, Iterable

from crmdesk.model import NativeItem
from crmdesk.model.proxy import ProxyRow

# A proxy that is none of these has nothing waiting on the crmdesk side.
UNSETTLED = ("state != 'synced' OR unshare != 0 OR crm_deleted != 0 OR native_pending != 0 "
             "OR inflight != '{}' OR resolution != '{}' OR crm IS NULL")


class ScopeQueries:
    """Selective reads for incremental planning."""

    _x: Callable[..., sqlite3.Cursor]
    _row_to_proxy: Callable[[sqlite3.Row], ProxyRow]
    _native: Callable[[sqlite3.Row], NativeItem]
    transaction: Callable[[], ContextManager[None]]

    def proxies_to_plan(self, hrefs: Collection[str], crm_ids: Collection[int],
                        unlinked: bool) -> list[ProxyRow]:
        """Unsettled proxies, the ones linked to `hrefs` or `crm_ids`, and with
        `unlinked` every CRM activity that has no calendar item yet (a new
        calendar item may be its match, rule 3)."""
        where = [UNSETTLED, "href IN (SELECT value FROM json_each(?))",
                 "crm_id IN (SELECT value FROM json_each(?))"]
        if unlinked:
            where.append("(href IS NULL AND crm IS NOT NULL AND detached = 0)")
        rows = self._x(f"SELECT * FROM proxy WHERE {' OR '.join(where)} ORDER BY id",
                       (json.dumps(sorted(hrefs)), json.dumps(sorted(crm_ids))))
        return [self._row_to_proxy(r) for r in rows]

    def proxies_in_state(self, state: str) -> list[ProxyRow]:
        rows = self._x("SELECT * FROM proxy WHERE state=? ORDER BY id", (state,))
        return [self._row_to_proxy(r) for r in rows]

    def crm_proxy_count(self) -> int:
        return int(self._x("SELECT count(*) FROM proxy WHERE crm IS NOT NULL").fetchone()[0])

    def mirror_many(self, hrefs: Iterable[str] = (),
                    uids: Iterable[str] = ()) -> dict[str, NativeItem]:
        """The mirrored items at `hrefs` and those with one of `uids`."""
        rows = self._x("SELECT * FROM mirror WHERE href IN (SELECT value FROM json_each(?)) "
                       "OR (uid IN (SELECT value FROM json_each(?)) AND parent='')",
                       (json.dumps(sorted(set(hrefs))), json.dumps(sorted(set(uids)))))
        return {r["href"]: self._native(r) for r in rows}

    def set_settled(self, keys: Iterable[tuple[int, str]]) -> None:
        """Remember the settle key of proxies that planned to nothing."""
        with self.transaction():
            for proxy_id, key in keys:
                self._x("UPDATE proxy SET settled=? WHERE id=? AND state='synced'",
                        (key, proxy_id))

    # -- occurrences of a series (rule 17) -------------------------------------
    def occurrence_proxies(self, parents: Iterable[str]) -> list[ProxyRow]:
        """The proxies of the occurrences of the series at `parents`."""
        found: list[ProxyRow] = []
        for parent in sorted(set(parents)):
            rows = self._x("SELECT * FROM proxy WHERE href > ? AND href < ? ORDER BY id",
                           (f"{parent}#", f"{parent}$"))
            found.extend(self._row_to_proxy(r) for r in rows)
        return found

    def occurrence_activities(self, series_crm_id: int) -> list[ProxyRow]:
        """Proxies of CRM activities moved out of the series with that CRM id."""
        rows = self._x("SELECT * FROM proxy WHERE crm IS NOT NULL "
                       "AND json_extract(crm, '$.extra.series') = ? ORDER BY id",
                       (series_crm_id,))
        return [self._row_to_proxy(r) for r in rows]

    def unproxied_occurrences(self) -> list[tuple[NativeItem, ProxyRow]]:
        """Occurrences without a proxy whose series is shared, with the series'
        proxy: an occurrence is shared with its series."""
        rows = self._x(
            "SELECT m.*, s.id AS series_id FROM mirror m JOIN proxy s ON s.href = m.parent "
            "WHERE m.parent > '' AND s.unshare = 0 AND s.detached = 0 AND s.crm_deleted = 0 "
            "AND NOT EXISTS (SELECT 1 FROM proxy p WHERE p.href = m.href) ORDER BY m.href")
        found = []
        for row in rows.fetchall():
            series = self._x("SELECT * FROM proxy WHERE id=?", (row["series_id"],)).fetchone()
            found.append((self._native(row), self._row_to_proxy(series)))
        return found

"""The review queue and the address book (rule 13): a mixin of `Store`.

`review` holds, per proxy, the attendee addresses the CRM could not resolve
to exactly one employee or contact.  The engine replaces a proxy's open rows
at each sync; a row the rep dismissed stays dismissed across syncs.

`address_book` remembers what an address is: the CRM's answer (source
'crm') or the rep's own choice (source 'rep'), which later answers from the
CRM never overwrite.  Addresses are kept in normal form (lower case, no
"mailto:"), so look-ups are case-insensitive.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Callable, ContextManager, Iterable, Mapping, Sequence

from crmdesk.model.activity import norm_address
from crmdesk.model.people import ReviewEntry
from crmdesk.store.records import chunks

OPEN = "open"
DISMISSED = "dismissed"
CRM = "crm"
REP = "rep"

RefKey = tuple[str, int]
BookEntry = tuple[tuple[RefKey, ...], str]       # (refs, source)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _refs_json(refs: Iterable[RefKey]) -> str:
    return json.dumps([[str(kind), int(ref_id)] for kind, ref_id in refs])


def _refs_load(text: str) -> tuple[RefKey, ...]:
    return tuple((str(kind), int(ref_id)) for kind, ref_id in json.loads(text or "[]"))




class ReviewTables:
    """Methods over the review and address_book tables."""

    # Provided by Store, which this class is mixed into.
    _db: sqlite3.Connection
    _x: Callable[..., sqlite3.Cursor]
    transaction: Callable[[], ContextManager[None]]

    # -- the review queue ---------------------------------------------------
    def set_review(self, proxy_id: int, entries: Sequence[ReviewEntry]) -> None:
        """Replace the proxy's open rows with `entries`; dismissed rows stay
        (an entry for a dismissed address is not reopened)."""
        rows = [(proxy_id, norm_address(e.address), e.reason, _refs_json(e.candidates))
                for e in entries]
        with self.transaction():
            self._x("DELETE FROM review WHERE proxy_id=? AND state=?", (proxy_id, OPEN))
            self._db.executemany(
                "INSERT OR IGNORE INTO review (proxy_id, address, reason, candidates, state) "
                f"VALUES (?,?,?,?,'{OPEN}')", rows)

    def review_entries(self) -> list[ReviewEntry]:
        """Every open entry, by proxy and address."""
        rows = self._x("SELECT proxy_id, address, reason, candidates FROM review "
                       "WHERE state=? ORDER BY proxy_id, address", (OPEN,))
        return [ReviewEntry(r[0], r[1], r[2], _refs_load(r[3])) for r in rows]

    def dismissed(self, proxy_ids: Sequence[int]) -> set[tuple[int, str]]:
        """(proxy id, address) of the dismissed rows of these proxies."""
        found: set[tuple[int, str]] = set()
        for chunk in chunks(list(proxy_ids)):
            marks = ",".join("?" * len(chunk))
            rows = self._x(f"SELECT proxy_id, address FROM review WHERE state=? "
                           f"AND proxy_id IN ({marks})", (DISMISSED, *chunk))
            found.update((r[0], r[1]) for r in rows)
        return found

    def dismiss(self, proxy_id: int, address: str) -> None:
        """The rep leaves this address unresolved on this proxy: never listed again."""
        self._x("INSERT INTO review (proxy_id, address, reason, state) VALUES (?,?,'',?) "
                "ON CONFLICT (proxy_id, address) DO UPDATE SET state=excluded.state",
                (proxy_id, norm_address(address), DISMISSED))

    def drop_review(self, proxy_id: int) -> None:
        """Forget every row of the proxy (it is gone, or no longer shared)."""
        self._x("DELETE FROM review WHERE proxy_id=?", (proxy_id,))

    # -- the address book ---------------------------------------------------
    def address_book(self, addresses: Sequence[str]) -> dict[str, BookEntry]:
        """{address: (refs, source)} for the addresses known, keyed in normal form."""
        wanted = sorted({a for a in (norm_address(v) for v in addresses) if a})
        found: dict[str, BookEntry] = {}
        for chunk in chunks(wanted):
            marks = ",".join("?" * len(chunk))
            rows = self._x(f"SELECT address, refs, source FROM address_book "
                           f"WHERE address IN ({marks})", tuple(chunk))
            found.update((r[0], (_refs_load(r[1]), r[2])) for r in rows)
        return found

    def remember_addresses(self, found: Mapping[str, Sequence[RefKey]],
                           source: str = CRM) -> None:
        """Record what each address is; the CRM's answer never replaces the rep's choice."""
        now = _now()
        rows = [(norm_address(address), _refs_json(refs), source, now)
                for address, refs in found.items() if norm_address(address)]
        with self.transaction():
            self._db.executemany(
                "INSERT INTO address_book (address, refs, source, checked) VALUES (?,?,?,?) "
                "ON CONFLICT (address) DO UPDATE SET refs=excluded.refs, "
                "source=excluded.source, checked=excluded.checked "
                f"WHERE address_book.source != '{REP}' OR excluded.source = '{REP}'", rows)

    def choose_for_address(self, address: str, kind: str, ref_id: int) -> None:
        """The rep's choice: this address is that employee or contact."""
        self.remember_addresses({address: [(kind, ref_id)]}, source=REP)

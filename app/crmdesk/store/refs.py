"""The CRM records the pickers look up (accounts, contacts, opportunities,
employees): the `ref` table, a mixin of `Store`.

`search_refs` answers as the rep types, so it has to fit in one 16 ms frame
over 20,000 records.  One ranked LIKE query (a lower-case name column, CASE
for the rank) took 4.4 ms median, 6.5 ms p95 over 12,000 contacts, about as
long as a plain Python scan, and cannot stop early: every row is ranked
before the first is returned.  So each Store keeps an in-memory index per
kind (built at the first search: ~70 ms for 12,000 records, loading
included; the pickers ask on focus) that answers from sorted keys and stops
as soon as `limit` rows are found (bench/picker.py: ~0.1 ms median, < 1 ms
p95 per keystroke).
The index is rebuilt when `refs_version` in the meta table moves; every write
here moves it, so a sync's `replace_refs` on another connection is seen by
the GUI's Store at its next search.
"""

from __future__ import annotations

import heapq
import re
import sqlite3
from bisect import bisect_left, bisect_right
from itertools import accumulate
from typing import Callable, ContextManager, Iterable, Sequence

from crmdesk.model import Reference
from crmdesk.store.records import REF_COLUMNS, chunks, reference_from_row

VERSION_KEY = "refs_version"
_SEP = "\x00"               # between the names of a joined key string
_TOP = "\U0010ffff"         # above every character: the end of a prefix range
_BOUNDARY = re.compile("[ -]")


def fold(text: str) -> str:
    """The form names are compared in: case-folded, outer blanks dropped."""
    return text.strip().casefold()


def _word_starts(key: str) -> Iterable[int]:
    """Where words begin inside `key`: after a blank or a hyphen."""
    return (m.end() for m in _BOUNDARY.finditer(key, 0, len(key) - 1))



class KindIndex:
    """The records of one kind, ready for ranked search.

    Records are held in tie order (complete first, shorter name, name), so
    the matches of one rank, taken in position order, are already sorted.
    """

    def __init__(self, refs: Iterable[Reference]) -> None:
        self.refs = sorted(refs, key=lambda r: (not r.complete, len(r.name), fold(r.name), r.id))
        self.keys = [fold(r.name) for r in self.refs]
        self.exact: dict[str, list[int]] = {}
        for pos, key in enumerate(self.keys):
            self.exact.setdefault(key, []).append(pos)
        by_name = sorted(range(len(self.keys)), key=self.keys.__getitem__)
        self.names = [self.keys[pos] for pos in by_name]
        self.name_pos = by_name
        words = sorted((key[start:], pos) for pos, key in enumerate(self.keys)
                       for start in _word_starts(key))
        self.words = [word for word, _ in words]
        self.word_pos = [pos for _, pos in words]
        self.alpha = sorted(range(len(self.refs)), key=lambda pos: _alpha(self.refs[pos]))
        self.joined, self.starts = self._join(self.keys)
        self.mails, self.mail_starts = self._join([r.email.casefold() for r in self.refs])

    @staticmethod
    def _join(texts: list[str]) -> tuple[str, list[int]]:
        """One string to run str.find over (C speed), and where each text starts."""
        starts = list(accumulate((len(text) + 1 for text in texts[:-1]), initial=0))
        return _SEP.join(texts), starts if texts else []

    def search(self, text: str, limit: int) -> list[Reference]:
        """Exact name, name prefix, word prefix, name substring, e-mail
        substring; within a rank, tie order."""
        key = fold(text)
        if limit <= 0 or _SEP in key:
            return []
        if not key:
            return [self.refs[pos] for pos in self.alpha[:limit]]
        found: list[int] = list(self.exact.get(key, ()))[:limit]
        taken = set(found)
        tiers: tuple[Callable[[], list[int]], ...] = (
            lambda: self._ranged(self.names, self.name_pos, key, taken),
            lambda: self._ranged(self.words, self.word_pos, key, taken),
            lambda: self._scan(self.joined, self.starts, key, taken, limit - len(found)),
            lambda: self._scan(self.mails, self.mail_starts, key, taken, limit - len(found)))
        for tier in tiers:
            if len(found) >= limit:
                break
            ranked = tier()
            found += ranked[:limit - len(found)]
            taken.update(ranked)
        return [self.refs[pos] for pos in found]

    @staticmethod
    def _ranged(sorted_keys: list[str], positions: list[int], key: str,
                taken: set[int]) -> list[int]:
        """Positions of the keys starting with `key`, in tie order, new ones only."""
        low = bisect_left(sorted_keys, key)
        high = bisect_right(sorted_keys, key + _TOP, low)
        return sorted(set(positions[low:high]) - taken)

    @staticmethod
    def _scan(joined: str, starts: list[int], key: str, taken: set[int],
              need: int) -> list[int]:
        """The first `need` positions whose text contains `key` (in position
        order, i.e. tie order), skipping `taken`."""
        found: list[int] = []
        at = 0
        while len(found) < need:
            hit = joined.find(key, at)
            if hit < 0:
                break
            pos = bisect_right(starts, hit) - 1
            if pos not in taken:
                found.append(pos)
            at = starts[pos + 1] if pos + 1 < len(starts) else len(joined)
        return found


class RefTables:
    """Methods over the `ref` table (mixed into Store)."""

    # Provided by Store, which this class is mixed into.
    _db: sqlite3.Connection
    _x: Callable[..., sqlite3.Cursor]
    transaction: Callable[[], ContextManager[None]]
    # This Store's indexes and the refs_version they were built at.
    _ref_indexes: dict[str, KindIndex]
    _ref_version: object = None

    def replace_refs(self, refs: Sequence[Reference]) -> None:
        """The whole cache, as the CRM's lookups answered it."""
        with self.transaction():
            self._x("DELETE FROM ref")
            self._db.executemany(f"INSERT OR REPLACE INTO ref ({REF_COLUMNS}) VALUES (?,?,?,?,?,?,?)",
                                 [_row(r) for r in refs])
            self._bump_refs()

    def put_ref(self, ref: Reference) -> None:
        """Add or replace one record (after it was created or edited in the CRM)."""
        with self.transaction():
            self._x(f"INSERT OR REPLACE INTO ref ({REF_COLUMNS}) VALUES (?,?,?,?,?,?,?)",
                    _row(ref))
            self._bump_refs()

    def ref(self, kind: str, ref_id: int) -> Reference | None:
        row = self._x(f"SELECT {REF_COLUMNS} FROM ref WHERE kind=? AND id=?",
                      (kind, ref_id)).fetchone()
        return None if row is None else reference_from_row(row)

    def refs_by_ids(self, kind: str, ids: Iterable[int]) -> dict[int, Reference]:
        """The known records of `kind` among `ids`, by id (unknown ids left out)."""
        wanted = sorted(set(ids))
        found: dict[int, Reference] = {}
        for chunk in chunks(wanted):
            marks = ",".join("?" * len(chunk))
            rows = self._x(f"SELECT {REF_COLUMNS} FROM ref WHERE kind=? AND id IN ({marks})",
                           (kind, *chunk))
            found.update((row["id"], reference_from_row(row)) for row in rows)
        return found

    def search_refs(self, kind: str, text: str, limit: int) -> list[Reference]:
        """Records of `kind` matching `text`, best first: exact name, name
        prefix, word prefix (after a blank or hyphen), name substring, e-mail
        substring; ties: complete before incomplete, shorter name, then name.
        Without text: complete ones first, by name.  Case-insensitive."""
        return self._ref_index(kind).search(text, limit)

    def ref_count(self) -> int:
        return int(self._x("SELECT count(*) FROM ref").fetchone()[0])

    # -- the in-memory index ----------------------------------------------
    def _bump_refs(self) -> None:
        self._x("INSERT INTO meta (key, value) VALUES (?, '1') ON CONFLICT(key) DO UPDATE "
                "SET value = CAST(value AS INTEGER) + 1", (VERSION_KEY,))

    def _ref_index(self, kind: str) -> KindIndex:
        """This Store's index of `kind`, rebuilt when any connection changed refs."""
        row = self._x("SELECT value FROM meta WHERE key=?", (VERSION_KEY,)).fetchone()
        version = ("v", row[0] if row else None)     # never equal to the unbuilt None
        if self._ref_version != version:
            self._ref_indexes, self._ref_version = {}, version
        index = self._ref_indexes.get(kind)
        if index is None:
            rows = self._x(f"SELECT {REF_COLUMNS} FROM ref WHERE kind=?", (kind,))
            index = self._ref_indexes[kind] = KindIndex(reference_from_row(r) for r in rows)
        return index


def _row(ref: Reference) -> tuple[object, ...]:
    return (ref.kind, ref.id, ref.name, ref.email, ref.detail, int(ref.complete), ref.account)


def linear_search(refs: Sequence[Reference], text: str, limit: int) -> list[Reference]:
    """The same ranking by a plain scan of every record (the benchmark's
    baseline, and the tests' reference answer)."""
    key = fold(text)
    if limit <= 0:
        return []
    if not key:
        return heapq.nsmallest(limit, refs, key=_alpha)
    ranked = []
    for ref in refs:
        rank = _rank(fold(ref.name), ref.email.casefold(), key)
        if rank is not None:
            ranked.append(((rank, not ref.complete, len(ref.name), fold(ref.name), ref.id), ref))
    return [ref for _, ref in heapq.nsmallest(limit, ranked, key=lambda pair: pair[0])]


def _alpha(ref: Reference) -> tuple[bool, str, int, int]:
    """The order without text: complete ones first, by name."""
    return (not ref.complete, fold(ref.name), len(ref.name), ref.id)


def _rank(name: str, email: str, key: str) -> int | None:
    if name == key:
        return 0
    if name.startswith(key):
        return 1
    if f" {key}" in name or f"-{key}" in name:
        return 2
    if key in name:
        return 3
    return 4 if key in email else None

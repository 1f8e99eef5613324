"""The mirror: the calendar's items as the server last sent them.

A series' moved or changed occurrences (rule 17) are rows of their own at
their pseudo-href (model.occurrence), with `parent` set to the series' href
and no text of their own: putting or deleting a series replaces or drops
its occurrences with it.  The listing of the calendar itself (hrefs, ETags,
UIDs) is of real objects only.  A mixin of `Store`.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from typing import Any, Callable, ContextManager, Sequence

from crmdesk.model import NativeItem
from crmdesk.model.activity import fields_from_json, fields_to_json
from crmdesk.model.occurrence import rid_from_key, split_occurrence
from crmdesk.model.series import series_from_json, series_to_json

_COLUMNS = ("href, uid, etag, component, fields, raw, organizer, content_hash, start_utc, "
            "end_utc, attendees, recurrence, declined, crm_link, parent")


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(timezone.utc).isoformat()


def _row(i: NativeItem) -> tuple[Any, ...]:
    return (i.href, i.uid, i.etag, i.component, json.dumps(fields_to_json(i.fields)),
            i.raw, i.organizer, i.content_hash, iso(i.fields.get("planned_start")),
            iso(i.fields.get("planned_end")), "\n".join(i.attendees),
            series_to_json(i.recurrence), "\n".join(i.declined), i.crm_link, i.parent)


def _in(values: Sequence[str]) -> tuple[str, str]:
    return "(SELECT value FROM json_each(?))", json.dumps(sorted(set(values)))


class MirrorTables:
    _db: sqlite3.Connection
    _x: Callable[..., sqlite3.Cursor]
    transaction: Callable[[], ContextManager[None]]

    @staticmethod
    def _native(row: sqlite3.Row) -> NativeItem:
        parent = row["parent"]
        occurrence = split_occurrence(row["href"]) if parent else None
        return NativeItem(href=row["href"], etag=row["etag"], uid=row["uid"],
                          component=row["component"],
                          fields=fields_from_json(json.loads(row["fields"])),
                          raw=row["raw"], organizer=row["organizer"],
                          attendees=tuple(a for a in row["attendees"].split("\n") if a),
                          declined=tuple(a for a in row["declined"].split("\n") if a),
                          crm_link=row["crm_link"],
                          content_hash=row["content_hash"],
                          recurrence=series_from_json(row["recurrence"]),
                          parent=parent,
                          recurrence_id=rid_from_key(occurrence[1]) if occurrence else None)

    def mirror_put(self, items: Sequence[NativeItem]) -> None:
        """Store items as the server has them; a series' occurrences are
        replaced by the ones it carries now (`overrides`)."""
        series = [i.href for i in items if not i.parent]
        rows = [_row(o) for i in items for o in (i, *i.overrides)]
        sub, arg = _in(series)
        with self.transaction():
            self._x(f"DELETE FROM mirror WHERE parent IN {sub}", (arg,))
            self._db.executemany(
                f"INSERT OR REPLACE INTO mirror ({_COLUMNS}) "
                f"VALUES ({','.join('?' * 15)})", rows)
            self._db.executemany("DELETE FROM invalid_item WHERE href=?",
                                 [(h,) for h in series])

    def mirror_delete(self, hrefs: Sequence[str]) -> None:
        sub, arg = _in(hrefs)
        with self.transaction():
            self._x(f"DELETE FROM mirror WHERE href IN {sub} OR parent IN {sub}", (arg, arg))
            self._x(f"DELETE FROM invalid_item WHERE href IN {sub}", (arg,))

    def mirror_clear(self) -> None:
        with self.transaction():
            self._x("DELETE FROM mirror")
            self._x("DELETE FROM invalid_item")

    def mirror_get(self, href: str) -> NativeItem | None:
        row = self._x("SELECT * FROM mirror WHERE href=?", (href,)).fetchone()
        return None if row is None else self._native(row)

    def mirror_by_uid(self, uid: str) -> NativeItem | None:
        """The series or single item with this UID (not one of its occurrences)."""
        row = self._x("SELECT * FROM mirror WHERE uid=? AND parent='' LIMIT 1",
                      (uid,)).fetchone()
        return None if row is None else self._native(row)

    def mirror_all(self) -> dict[str, NativeItem]:
        return {r["href"]: self._native(r) for r in self._x("SELECT * FROM mirror")}

    def mirror_occurrences(self, parents: Sequence[str]) -> dict[str, NativeItem]:
        """The occurrences of the series at `parents`, by pseudo-href."""
        sub, arg = _in(parents)
        rows = self._x(f"SELECT * FROM mirror WHERE parent IN {sub}", (arg,))
        return {r["href"]: self._native(r) for r in rows}

    def mirror_etags(self) -> dict[str, str]:
        """The calendar's objects and their ETags, as last listed."""
        return {r[0]: r[1] for r in self._x("SELECT href, etag FROM mirror WHERE parent=''")}

    def mirror_hrefs(self) -> set[str]:
        return {r[0] for r in self._x("SELECT href FROM mirror WHERE parent=''")}

    def mirror_range(self, start: datetime, end: datetime, component: str) -> list[NativeItem]:
        """Items of `component` overlapping [start, end), and every series
        that starts before `end` (its occurrences are worked out by the caller)."""
        rows = self._x(
            "SELECT * FROM mirror WHERE component=? AND start_utc < ? "
            "AND (COALESCE(end_utc, start_utc) >= ? OR recurrence != '') ORDER BY start_utc",
            (component, iso(end), iso(start)))
        return [self._native(r) for r in rows]

    def mirror_component(self, component: str) -> list[NativeItem]:
        rows = self._x("SELECT * FROM mirror WHERE component=? ORDER BY start_utc", (component,))
        return [self._native(r) for r in rows]

    def mirror_count(self) -> int:
        """Calendar objects (a series with its occurrences counts once)."""
        return int(self._x("SELECT count(*) FROM mirror WHERE parent=''").fetchone()[0])

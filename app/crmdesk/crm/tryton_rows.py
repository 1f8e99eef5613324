"""Rows of the crm_activity server module -> CrmRecord, checked before use.

A row is taken only when every field has the type and the values the server
module defines: a wrong type, a missing field or an unknown selection value
makes the whole row an InvalidItem (with the reason), so that nothing
half-understood is merged, stored or written back.  The change feed skips
such rows and names them (crm.tryton); the other calls raise.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone, tzinfo
from typing import Any, Mapping

from crmdesk import errors
from crmdesk.model import COLUMN_FIELDS, CrmRecord, Origin, normalize_fields
from crmdesk.model.activity import ActivityType, DisplayIn, Priority, Status

MODEL = "crm.activity"
REPEATING_TYPES = frozenset({"daily", "weekly", "monthly", "yearly"})

_TEXT = ("description", "comment", "location", "integration_id", "review_reason", "exceptions",
         "repeating_type", "origin", "type", "display_in", "status", "priority", "attendees",
         "message_id")
_INSTANTS = ("planned_start", "planned_end", "create_date", "write_date", "recurrence_id")
_FLAGS = ("all_day", "needs_review", "repeating")
_REFS = ("account", "opportunity", "owner", "series", "company")
_SELECTIONS: dict[str, frozenset[str]] = {
    "type": frozenset(ActivityType), "display_in": frozenset(DisplayIn),
    "status": frozenset(Status), "priority": frozenset(Priority), "origin": frozenset(Origin),
}
# Every row of the module has these (`opportunity` only with sale_opportunity).
REQUIRED = frozenset(COLUMN_FIELDS) - {"opportunity"} | {
    "id", "_timestamp", "integration_id", "origin", "owner", "employees"}


def check_row(row: Any) -> None:
    """InvalidItem unless `row` is a well-formed activity row."""
    if not isinstance(row, Mapping):
        raise errors.InvalidItem(MODEL, f"not a record: {_short(row)}")
    key = f"{MODEL},{row.get('id')}"
    if not _is_id(row.get("id")):
        raise errors.InvalidItem(key, f"no usable id: {_short(row.get('id'))}")
    missing = sorted(REQUIRED - set(row))
    if missing:
        raise errors.InvalidItem(key, f"missing field(s) {', '.join(missing)}")
    problem = _field_problem(row)
    if problem:
        raise errors.InvalidItem(key, problem)


def _field_problem(row: Mapping[str, Any]) -> str:
    for name, value in row.items():
        if value is None or value is False and name not in _FLAGS:
            continue                     # Tryton sends empty values as None (or False)
        if not _fits(name, value):
            return f"field {name!r} has an unexpected value {_short(value)}"
        allowed = _SELECTIONS.get(name)
        if allowed is not None and value not in allowed:
            return f"field {name!r} has an unknown value {_short(value)}"
        if name == "repeating_type" and value not in REPEATING_TYPES:
            return f"field {name!r} has an unknown value {_short(value)}"
    if row.get("description") in (None, False, ""):
        return "field 'description' is empty"
    return ""


def _fits(name: str, value: Any) -> bool:
    if name in _TEXT or name == "_timestamp":
        return isinstance(value, str)
    if name in _INSTANTS:
        return isinstance(value, datetime)
    if name == "repeating_expires":
        return isinstance(value, date) and not isinstance(value, datetime)
    if name in _FLAGS:
        return isinstance(value, bool) or value in (0, 1) and isinstance(value, int)
    if name in _REFS or name == "id":
        return _is_id(value)
    if name in ("employees", "contacts"):
        return isinstance(value, list) and all(_is_id(v) for v in value)
    return True          # a field crmdesk does not use (a newer server module)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _to_utc(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
    return value


def _rep_date(value: Any, zone: tzinfo) -> Any:
    """A time that is not midnight UTC, as the date it is in `zone`."""
    instant = _to_utc(value)
    if not isinstance(instant, datetime) or instant.time() == time(0):
        return value
    return instant.astimezone(zone).date()


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def record_from_row(row: Mapping[str, Any], zone: tzinfo = timezone.utc) -> CrmRecord:
    """A CrmRecord in normal form from one row of the server module.

    An all-day activity's times are 00:00 UTC of its dates (rule 6); one
    whose times are not (its All Day box ticked on a timed activity in the
    CRM) is dated in the rep's `zone`, where it was on her calendar."""
    check_row(row)
    raw = {name: row.get(name) for name in COLUMN_FIELDS}
    if row.get("all_day"):
        for name in ("planned_start", "planned_end"):
            raw[name] = _rep_date(raw[name], zone)
    try:
        fields = normalize_fields(raw)
        exceptions = sorted(date.fromisoformat(line.strip()).isoformat()
                            for line in (row.get("exceptions") or "").splitlines()
                            if line.strip())
    except ValueError as exc:
        raise errors.InvalidItem(f"{MODEL},{row.get('id')}", str(exc)) from None
    extra: dict[str, Any] = {  # JSON-safe: the store keeps it as it is
        "needs_review": bool(row.get("needs_review")),
        "review_reason": row.get("review_reason") or "",
        "repeating": bool(row.get("repeating")),
        "repeating_type": row.get("repeating_type") or None,
        "repeating_expires": _iso(row.get("repeating_expires")),
        "exceptions": exceptions,
        "series": row.get("series") or None,
        # the original start of the occurrence a moved one replaces (rule 17)
        "recurrence_id": _iso(_to_utc(row.get("recurrence_id"))),
        "company": row.get("company") or None,
        "create_date": _iso(_to_utc(row.get("create_date"))),
        "write_date": _iso(_to_utc(row.get("write_date"))),
    }
    return CrmRecord(
        id=int(row["id"]), fields=fields, timestamp=str(row.get("_timestamp") or ""),
        integration_id=row.get("integration_id") or "",
        origin=Origin(row.get("origin") or Origin.CRM),
        owner=row.get("owner") or None,
        employees=tuple(sorted(int(e) for e in row.get("employees") or ())),
        extra=extra)

"""The activity's fields, their enums and their normal form.

Values are normalized so that equal content always compares equal, whatever
side it came from (rule 20): text has no trailing blanks and "\\n" line ends,
datetimes are aware UTC with whole seconds, all-day starts are 00:00 UTC of
their date, reference lists are sorted tuples.
"""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from enum import StrEnum
from typing import Any, Mapping

from crmdesk.model.series import repeat_from_value, repeat_to_json


class DisplayIn(StrEnum):
    CALENDAR = "calendar"
    TODO = "todo"
    ACTIVITIES = "activities"
    COMMUNICATION = "communication"


class Status(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class Priority(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Origin(StrEnum):
    CRM = "crm"
    CALENDAR = "calendar"


class ActivityType(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    TODO = "todo"
    EMAIL_IN = "email_in"
    EMAIL_OUT = "email_out"
    OTHER = "other"


Fields = dict[str, Any]

# Fields a native VEVENT/VTODO can carry.  display_in is implied by the
# component type (VEVENT -> calendar, VTODO -> todo).
NATIVE_FIELDS: tuple[str, ...] = (
    "description", "comment", "planned_start", "planned_end", "all_day",
    "status", "priority", "location", "repeat", "attendees",
)
# Fields only the CRM (and the proxy, edited from the share bar) hold.
CRM_ONLY_FIELDS: tuple[str, ...] = (
    "type", "display_in", "account", "opportunity", "contacts", "message_id",
)
ALL_FIELDS: tuple[str, ...] = NATIVE_FIELDS + CRM_ONLY_FIELDS
# Fields added after stores with bases existed (store schema 6): a base
# without one takes the CRM's value, so the calendar's copy flows to the CRM
# instead of both sides looking changed.
LATER_FIELDS: tuple[str, ...] = ("attendees", "message_id")
# The fields that are columns of the CRM activity: "repeat" is the CRM's
# repeating, repeating_type, repeating_expires and exceptions (model.series).
COLUMN_FIELDS: tuple[str, ...] = tuple(n for n in ALL_FIELDS if n != "repeat")

DEFAULTS: Fields = {
    "description": "", "comment": "", "planned_start": None, "planned_end": None,
    "all_day": False, "status": Status.PLANNED, "priority": Priority.MEDIUM,
    "location": "", "type": ActivityType.MEETING, "display_in": DisplayIn.CALENDAR,
    "account": None, "opportunity": None, "contacts": (), "repeat": None,
    "attendees": (), "message_id": "",
}

_ENUMS: dict[str, type[StrEnum]] = {
    "status": Status, "priority": Priority, "type": ActivityType,
    "display_in": DisplayIn,
}


def component_for(display_in: DisplayIn | str, planned_start: datetime | None) -> str | None:
    """The native component an activity is shown as (rule 4), or None."""
    kind = DisplayIn(display_in)
    if kind is DisplayIn.CALENDAR:
        return "VEVENT" if planned_start is not None else None
    if kind is DisplayIn.TODO:
        return "VTODO"
    return None


def _norm_text(value: Any) -> str:
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def _norm_instant(value: Any, all_day: bool) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(timezone.utc).replace(microsecond=0)
        if all_day:
            value = datetime.combine(value.date(), time(0), timezone.utc)
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(0), timezone.utc)
    raise TypeError(f"not a date or datetime: {value!r}")


def _norm_ref(value: Any) -> int | None:
    if value in (None, "", 0, False):
        return None
    return int(value)


def normalize_fields(raw: Mapping[str, Any]) -> Fields:
    """Return the normal form of the known fields present in `raw`.

    Missing fields are left out (a partial mapping stays partial); unknown
    keys are dropped.  Raises ValueError/TypeError on a value that can't be
    one of the field's type, naming the field.
    """
    all_day = bool(raw.get("all_day", False))
    out: Fields = {}
    for name in ALL_FIELDS:
        if name not in raw:
            continue
        value = raw[name]
        try:
            out[name] = _normalize_one(name, value, all_day)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"field {name!r}: {exc}") from exc
    return out


def _normalize_one(name: str, value: Any, all_day: bool) -> Any:
    if name in ("description", "comment", "location"):
        return _norm_text(value)
    if name == "attendees":
        return norm_addresses(value)
    if name == "message_id":
        return _norm_text(value)
    if name in ("planned_start", "planned_end"):
        return _norm_instant(value, all_day)
    if name == "all_day":
        return bool(value)
    if name in _ENUMS:
        return _ENUMS[name](value if value not in (None, "") else DEFAULTS[name])
    if name in ("account", "opportunity"):
        return _norm_ref(value)
    if name == "contacts":
        return tuple(sorted({int(v) for v in (value or ())}))
    if name == "repeat":
        # A series as the CRM holds it (rules 16 and 17): see model.series.
        return repeat_from_value(value)
    raise KeyError(name)


def norm_address(value: Any) -> str:
    """An e-mail address in normal form: no "mailto:", trimmed, lower case."""
    text = str(value or "").strip()
    if text[:7].lower() == "mailto:":
        text = text[7:]
    return text.strip().lower()


def norm_addresses(value: Any) -> tuple[str, ...]:
    """A set of addresses (a sequence, or text with one per line) in normal form."""
    if isinstance(value, str):
        value = value.replace(",", "\n").split("\n")
    return tuple(sorted({a for a in (norm_address(v) for v in value or ()) if a}))


def with_defaults(fields: Mapping[str, Any]) -> Fields:
    """A complete normalized field set: defaults for whatever is missing."""
    merged = dict(DEFAULTS)
    merged.update(normalize_fields(fields))
    return merged


def fields_to_json(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A JSON-safe copy (datetimes as ISO strings, tuples as lists)."""
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, datetime):
            out[name] = value.isoformat()
        elif isinstance(value, tuple):
            out[name] = list(value)
        elif isinstance(value, StrEnum):
            out[name] = str(value)
        elif name == "repeat":
            out[name] = repeat_to_json(value)
        else:
            out[name] = value
    return out


def fields_from_json(data: Mapping[str, Any]) -> Fields:
    """Inverse of fields_to_json, normalized."""
    raw = dict(data)
    for name in ("planned_start", "planned_end"):
        if isinstance(raw.get(name), str):
            raw[name] = datetime.fromisoformat(raw[name])
    return normalize_fields(raw)

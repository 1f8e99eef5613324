"""Row types the store hands out (plain data, JSON decoded)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterator, Sequence, TypeVar

from crmdesk.model import CrmRecord, Fields, Origin, Reference
from crmdesk.model.activity import fields_from_json, fields_to_json


T = TypeVar("T")
CHUNK = 500          # values per IN (...) list, well under SQLite's variable limit
REF_COLUMNS = "kind, id, name, email, detail, complete, account"


def chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    """`values` in slices short enough for one IN (...) list."""
    for start in range(0, len(values), size):
        yield values[start:start + size]


def reference_from_row(row: sqlite3.Row) -> Reference:
    """A `ref` table row (REF_COLUMNS) as a Reference."""
    return Reference(kind=row["kind"], id=row["id"], name=row["name"], email=row["email"],
                     detail=row["detail"], complete=bool(row["complete"]),
                     account=row["account"])


def _json_default(value: Any) -> str:
    """Connector extras may hold datetimes; keep them as ISO text."""
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def crm_to_json(record: CrmRecord | None) -> str | None:
    if record is None:
        return None
    return json.dumps({
        "id": record.id, "fields": fields_to_json(record.fields),
        "timestamp": record.timestamp, "integration_id": record.integration_id,
        "origin": str(record.origin), "owner": record.owner,
        "employees": list(record.employees), "extra": record.extra,
    }, default=_json_default)


def crm_from_json(text: str | None) -> CrmRecord | None:
    if not text:
        return None
    data: dict[str, Any] = json.loads(text)
    return CrmRecord(
        id=data["id"], fields=fields_from_json(data["fields"]),
        timestamp=data.get("timestamp", ""), integration_id=data.get("integration_id", ""),
        origin=Origin(data.get("origin", "crm")), owner=data.get("owner"),
        employees=tuple(data.get("employees", ())), extra=data.get("extra", {}),
    )


def fields_json(fields: Fields | None) -> str | None:
    return None if fields is None else json.dumps(fields_to_json(fields), sort_keys=True)


def fields_load(text: str | None) -> Fields | None:
    return None if text is None else fields_from_json(json.loads(text))

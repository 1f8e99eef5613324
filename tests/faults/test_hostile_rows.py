"""Hostile CRM payloads, row by row: a wrong type, a missing field or an
unknown selection value makes the row an InvalidItem with its reason —
never a crash, never a half-read record (pure, no server).

The change feed leaves such rows out, names them and keeps its watermark
(tests/integration/test_faults_tryton.py shows it against a real server).
"""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

import pytest

from crmdesk import errors
from crmdesk.crm.tryton_rows import REQUIRED, record_from_row

ROW: dict[str, Any] = {
    "id": 41, "_timestamp": "1735689600.123", "description": "Quarterly review",
    "comment": "Bring the numbers", "type": "meeting", "display_in": "calendar",
    "planned_start": datetime(2030, 5, 6, 8, 0), "planned_end": datetime(2030, 5, 6, 9, 0),
    "all_day": 0, "status": "planned", "priority": "high", "location": "Room 4",
    "owner": 3, "employees": [3, 5], "contacts": [12], "account": 9, "integration_id": "u@x",
    "origin": "calendar", "needs_review": False, "review_reason": None, "repeating": False,
    "repeating_type": None, "repeating_expires": None, "exceptions": None, "series": None,
    "attendees": "a@x.example\nb@x.example", "message_id": None, "recurrence_id": None,
    "company": 1, "create_date": datetime(2030, 1, 1, 8, 0), "write_date": None,
}

HOSTILE = [
    # wrong types
    ("description", 12345), ("description", ["a", "list"]), ("comment", {"x": 1}),
    ("planned_start", "tomorrow at nine"), ("planned_end", 1735689600),
    ("all_day", "yes"), ("all_day", 2), ("owner", "3"), ("owner", True), ("employees", "3,5"),
    ("employees", [3, "five"]), ("contacts", [None]), ("account", 9.5), ("id", "41"),
    ("_timestamp", 17356), ("integration_id", 7), ("series", -1),
    ("repeating_expires", "2030-12-31"), ("create_date", "2030-01-01"),
    # unknown selection values
    ("status", "postponed"), ("display_in", "hologram"), ("type", "fax"),
    ("priority", "urgent"), ("origin", "mars"), ("repeating_type", "fortnightly"),
    # an empty required value
    ("description", ""),
]


@pytest.mark.parametrize("name, value", HOSTILE, ids=[f"{n}={v!r}" for n, v in HOSTILE])
def test_a_hostile_value_makes_the_row_invalid_with_its_reason(name: str, value: Any) -> None:
    row = {**copy.deepcopy(ROW), name: value}
    with pytest.raises(errors.InvalidItem) as caught:
        record_from_row(row)
    assert name in caught.value.detail or "id" in caught.value.detail


@pytest.mark.parametrize("name", sorted(REQUIRED - {"id"}))
def test_a_missing_field_makes_the_row_invalid(name: str) -> None:
    row = {k: v for k, v in ROW.items() if k != name}
    with pytest.raises(errors.InvalidItem) as caught:
        record_from_row(row)
    assert f"missing field(s) {name}" in caught.value.detail
    assert caught.value.key == "crm.activity,41"


@pytest.mark.parametrize("row", [None, 41, "row", ["id", 41], {}, {"id": None}],
                         ids=repr)
def test_a_row_that_is_no_record_is_invalid(row: Any) -> None:
    with pytest.raises(errors.InvalidItem):
        record_from_row(row)


def test_a_bad_exception_date_is_invalid() -> None:
    with pytest.raises(errors.InvalidItem) as caught:
        record_from_row({**ROW, "repeating": True, "repeating_type": "weekly",
                         "exceptions": "2030-05-13\nnot a date"})
    assert "not a date" in caught.value.detail


def test_a_good_row_reads_as_before() -> None:
    record = record_from_row({**ROW, "opportunity": None, "a_field_of_a_newer_module": [1]})
    assert record.id == 41 and record.timestamp == "1735689600.123"
    assert record.fields["description"] == "Quarterly review"
    assert record.fields["all_day"] is False and record.employees == (3, 5)
    assert record.extra["repeating_expires"] is None
    dated = record_from_row({**ROW, "repeating": 1, "repeating_type": "weekly",
                             "repeating_expires": date(2030, 12, 31)})
    assert dated.extra["repeating_expires"] == "2030-12-31" and dated.extra["repeating"]

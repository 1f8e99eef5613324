"""Rows of the crm_activity module's lookups -> References, checked here.

`lookups()` answers {"employees", "accounts", "contacts", "opportunities"},
each a list of {"id", "name", "email", "emails", "account", "detail",
"complete"}; `resolve_addresses()` answers {address: [{"kind", "id", "name",
"account", "complete"}]}.  A row without a usable id or name is left out
rather than guessed at.
"""

from __future__ import annotations

from typing import Any, Mapping

from crmdesk.model import Reference
from crmdesk.model.activity import norm_address

# lookups() key -> Reference.kind
LOOKUP_KINDS = {"employees": "employee", "accounts": "account", "contacts": "contact",
                "opportunities": "opportunity"}
RESOLVED_KINDS = frozenset({"employee", "contact"})


def is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def reference_from_row(kind: str, row: Any) -> Reference | None:
    """The Reference of one lookups row, None when it can't be used."""
    if not isinstance(row, Mapping) or not is_id(row.get("id")) \
            or not isinstance(row.get("name"), str) or not row["name"].strip():
        return None
    account = row.get("account")
    email = row.get("email")
    return Reference(kind, row["id"], row["name"],
                     email=norm_address(email) if isinstance(email, str) else "",
                     detail=str(row.get("detail") or ""),
                     complete=row.get("complete") is True,
                     account=account if is_id(account) else None)


def references_from_lookups(result: Any) -> list[Reference] | None:
    """All References of a lookups() answer; None when it is not one."""
    if not isinstance(result, Mapping):
        return None
    refs: list[Reference] = []
    for key, kind in LOOKUP_KINDS.items():
        rows = result.get(key, [])
        if not isinstance(rows, list):
            return None
        refs += [r for r in (reference_from_row(kind, row) for row in rows) if r is not None]
    return refs


def resolved_from(result: Any, wanted: list[str]) -> dict[str, list[Reference]] | None:
    """{address: [Reference]} of a resolve_addresses() answer for `wanted`
    (normalized addresses; those the answer leaves out map to []); None
    when it is not such an answer."""
    if not isinstance(result, Mapping):
        return None
    found: dict[str, list[Reference]] = {address: [] for address in wanted}
    for address, rows in result.items():
        if not isinstance(address, str) or not isinstance(rows, list):
            return None
        key = norm_address(address)
        if key not in found:
            continue
        for row in rows:
            kind = row.get("kind") if isinstance(row, Mapping) else None
            ref = reference_from_row(kind, {**row, "email": key}) \
                if kind in RESOLVED_KINDS else None
            if ref is not None and ref not in found[key]:
                found[key].append(ref)
    return found

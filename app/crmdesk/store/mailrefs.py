"""Look-ups for sharing an e-mail (issue 5): a mixin of `Store`.

Who the sender and recipients are (cached contacts and employees by
e-mail, case-insensitively), the opportunities of the accounts they belong
to, and whether the mail was shared before (a proxy with its Message-ID).
"""

from __future__ import annotations

import sqlite3
from typing import Callable, Iterable

from crmdesk.model import ProxyRow, Reference
from crmdesk.model.activity import norm_address
from crmdesk.store.records import REF_COLUMNS, chunks, reference_from_row

PEOPLE = ("contact", "employee")


class MailRefTables:
    """Methods over `ref` and `proxy` for shared e-mails (mixed into Store)."""

    # Provided by Store, which this class is mixed into.
    _x: Callable[..., sqlite3.Cursor]
    _row_to_proxy: Callable[[sqlite3.Row], ProxyRow]

    def refs_by_emails(self, addresses: Iterable[str]) -> dict[str, list[Reference]]:
        """{address: the cached contacts and employees with it} for every
        address asked (normal form; [] when nobody has it), employees first."""
        wanted = sorted({a for a in (norm_address(v) for v in addresses) if a})
        found: dict[str, list[Reference]] = {address: [] for address in wanted}
        for chunk in chunks(wanted):
            marks = ",".join("?" * len(chunk))
            rows = self._x(f"SELECT {REF_COLUMNS} FROM ref WHERE kind IN (?, ?) "
                           f"AND lower(trim(email)) IN ({marks}) ORDER BY kind DESC, name, id",
                           (*PEOPLE, *chunk))
            for row in rows:
                found.setdefault(norm_address(row["email"]), []).append(reference_from_row(row))
        return found

    def refs_of_accounts(self, kind: str, accounts: Iterable[int]) -> list[Reference]:
        """Cached records of `kind` (e.g. opportunities) whose account is one of
        `accounts`; complete ones first, then by name."""
        wanted = sorted(set(accounts))
        found: list[Reference] = []
        for chunk in chunks(wanted):
            marks = ",".join("?" * len(chunk))
            rows = self._x(f"SELECT {REF_COLUMNS} FROM ref WHERE kind=? AND account IN ({marks})",
                           (kind, *chunk))
            found.extend(reference_from_row(row) for row in rows)
        return sorted(found, key=lambda r: (not r.complete, r.name.casefold(), r.id))

    def proxy_by_message_id(self, message_id: str) -> ProxyRow | None:
        """The proxy of an e-mail shared before: its own fields or its CRM
        record carry this (normalized) Message-ID."""
        if not message_id:
            return None
        row = self._x(
            "SELECT * FROM proxy WHERE json_extract(local, '$.message_id') = ? "
            "OR json_extract(crm, '$.fields.message_id') = ? ORDER BY id LIMIT 1",
            (message_id, message_id)).fetchone()
        return None if row is None else self._row_to_proxy(row)

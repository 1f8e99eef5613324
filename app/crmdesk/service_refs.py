"""The pickers' part of the application service: look up CRM records in the
local cache, and edit a complete contact or account in the CRM.

A mixin of `AppService` (service.py), which provides `store`, `profile`,
`_connectors()` and `_sync_lock`.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from crmdesk.errors import UserError
from crmdesk.model import Reference
from crmdesk.settings import Profile
from crmdesk.store import Store

EDITABLE_KINDS = ("contact", "account")


class RefService:
    """references() and update_reference() (see ServiceApi in service.py)."""

    # Provided by AppService, which this class is mixed into.
    profile: Profile
    store: Store
    _sync_lock: threading.Lock
    _connectors: Callable[[], tuple[Any, Any]]

    def references(self, kind: str, text: str = "", limit: int = 50) -> list[Reference]:
        """Cached records of `kind` matching `text`, the closest match first
        (store.search_refs); quick, local."""
        return self.store.search_refs(kind, text, limit)

    def update_reference(self, ref: Reference, name: str, email: str) -> Reference:
        """Rename a complete contact or account, or change its e-mail, in the
        CRM; the local cache takes the CRM's answer.  Network: call it off the
        GUI thread.  It waits for a running sync (they share the connection)."""
        _check_editable(ref)
        name, email = name.strip(), email.strip()
        if not name:
            raise UserError("The name must not be empty.")
        if email and ("@" not in email or any(c.isspace() for c in email)):
            raise UserError(f"{email!r} is not an e-mail address.")
        with self._sync_lock:
            crm, _calendar = self._connectors()
            result: Reference = crm.update_reference(ref.kind, ref.id, name, email)
        # Not self.store: this runs on a pool thread, which must not keep a
        # connection of its own open (see run_sync).
        store = Store(self.profile.store_path)
        try:
            store.put_ref(result)
        finally:
            store.close()
        return result


def _check_editable(ref: Reference) -> None:
    """The same rule the CRM applies (it refuses too), said before asking it."""
    if ref.kind not in EDITABLE_KINDS:
        raise UserError(f"Only contacts and accounts can be edited in crmdesk, "
                        f"not a record of kind {ref.kind!r}.")
    if not ref.complete:
        raise UserError(f"{ref.name} is not one of your accounts: it is read-only in "
                        "crmdesk. Change it in the CRM.")

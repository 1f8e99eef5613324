"""The review queue's part of the application service (rule 13): a mixin of
`AppService`.

The engine lists, per shared activity, the attendee addresses the CRM could
not resolve to exactly one employee or contact.  Here the rep settles them:
she picks the right person, creates a new contact, or dismisses the address.
A choice is remembered for the address (the address book's source 'rep', which
the engine prefers to the CRM's answer) and puts every activity that listed
the address back in the sync's plan, so the next Synchronize links it.
"""

from __future__ import annotations

import threading
from datetime import datetime, timezone
from typing import Any, Callable

from crmdesk.errors import UserError
from crmdesk.model import Reference
from crmdesk.model.activity import norm_address
from crmdesk.model.people import AMBIGUOUS, ReviewEntry
from crmdesk.service_types import ReviewView
from crmdesk.settings import Profile
from crmdesk.store import Store
from crmdesk.views import view

PEOPLE = ("contact", "employee")     # what an attendee address can be in the CRM
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def reason_text(entry: ReviewEntry) -> str:
    """Why the address is listed, in words."""
    if entry.reason == AMBIGUOUS:
        return f"{len(entry.candidates)} CRM records have this address."
    return "No contact or employee in the CRM has this address."


def candidate_refs(store: Store, entry: ReviewEntry) -> tuple[Reference, ...]:
    """The records sharing the address, from the ref cache; one the cache
    doesn't hold is shown by its kind and id (named "#<id>")."""
    return tuple(store.ref(kind, ref_id) or Reference(kind, ref_id, f"#{ref_id}")
                 for kind, ref_id in entry.candidates)


def _must_have_proxy(store: Store, proxy_id: int) -> None:
    if store.proxy(proxy_id) is None:
        raise UserError("That activity is no longer in the local store.")


def _replan(store: Store, proxy_id: int) -> None:
    """Not "synced" any more: a sync plans only unsettled proxies (store.scope)."""
    proxy = store.proxy(proxy_id)
    if proxy is not None and proxy.state == "synced":
        store.update_proxy(proxy_id, state="pending")


def settle_address(store: Store, proxy_id: int, address: str, ref: Reference) -> None:
    """Remember `ref` for `address` and take the address off the review list
    of every activity that lists it; those activities are synced again."""
    address = norm_address(address)
    with store.transaction():
        store.choose_for_address(address, ref.kind, ref.id)
        entries = store.review_entries()
        proxies = {e.proxy_id for e in entries if e.address == address} | {proxy_id}
        for pid in sorted(proxies):
            store.set_review(pid, [e for e in entries
                                   if e.proxy_id == pid and e.address != address])
            _replan(store, pid)


class ReviewService:
    """review_items, review_count, pick_for_review, create_contact_for_review,
    dismiss_review (documented in service.ServiceApi)."""

    # Provided by AppService, which this class is mixed into.
    profile: Profile
    store: Store
    _sync_lock: threading.Lock
    _connectors: Callable[[], tuple[Any, Any]]

    def review_items(self) -> list[ReviewView]:
        """The open entries, by the activity's start."""
        store = self.store
        items: list[ReviewView] = []
        for entry in store.review_entries():
            proxy = store.proxy(entry.proxy_id)
            if proxy is None:
                continue              # gone meanwhile; the engine drops its rows
            native = store.mirror_get(proxy.href) if proxy.href else None
            shown = view(store, native, proxy)
            items.append(ReviewView(entry.proxy_id, shown.title, shown.start, entry.address,
                                    reason_text(entry), candidate_refs(store, entry)))
        return sorted(items, key=lambda i: (i.start or _EPOCH, i.title, i.address))

    def review_count(self) -> int:
        """How many entries `review_items` lists (for the status bar)."""
        return len(self.review_items())

    def pick_for_review(self, proxy_id: int, address: str, ref: Reference) -> None:
        """The rep says who `address` is; applied at the next sync."""
        if ref.kind not in PEOPLE:
            raise UserError("An attendee can only be a contact or an employee.")
        _must_have_proxy(self.store, proxy_id)
        settle_address(self.store, proxy_id, address, ref)

    def create_contact_for_review(self, proxy_id: int, address: str, name: str, email: str,
                                  account: int | None) -> Reference:
        """Create the contact in the CRM (network: call off the GUI thread) and
        use it for `address`.  Opens its own store: a network pool's threads
        keep no per-thread store."""
        name, email = name.strip(), email.strip()
        if not name:
            raise UserError("Enter the new contact's name.")
        if "@" not in email.strip("@"):
            raise UserError(f"{email!r} is not an e-mail address.")
        store = Store(self.profile.store_path)
        try:
            _must_have_proxy(store, proxy_id)
            with self._sync_lock:          # the kept connector is the sync's
                crm, _ = self._connectors()
                ref: Reference = crm.create_contact(name, email, account)
            put_ref = getattr(store, "put_ref", None)
            if put_ref is not None:
                put_ref(ref)
            settle_address(store, proxy_id, address, ref)
            return ref
        finally:
            store.close()

    def dismiss_review(self, proxy_id: int, address: str) -> None:
        """Leave `address` unresolved on this activity; it is not listed again."""
        store = self.store
        _must_have_proxy(store, proxy_id)
        with store.transaction():
            store.dismiss(proxy_id, address)
            _replan(store, proxy_id)

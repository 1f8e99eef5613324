"""The address book a plan needs (rules 13-15): what each attendee and
organizer address of the planned items is in the CRM.

Answers are kept in the store.  An address the CRM resolved stays resolved
until the daily refresh of the CRM references; one it could not resolve
(unknown, or several records) is asked again whenever an item that carries
it is planned, in one request for all of them.  The rep's own choices from
the review queue are never overwritten.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from crmdesk.model import Identity, NativeItem, ProxyRow
from crmdesk.settings.model import SyncSettings
from crmdesk.sync.people import AddressBook, own_addresses, single


def addresses_of(proxies: Sequence[ProxyRow], mirror: Mapping[str, NativeItem]) -> set[str]:
    """Every attendee and organizer address the planner may look at."""
    found: set[str] = set()
    for item in mirror.values():
        found.update(item.attendees)
        if item.organizer:
            found.add(item.organizer)
    for proxy in proxies:
        if proxy.crm is not None:
            found.update(proxy.crm.fields.get("attendees", ()))
    return found


def build_book(store: Any, crm: Any, identity: Identity, settings: SyncSettings,
               proxies: Sequence[ProxyRow], mirror: Mapping[str, NativeItem]) -> AddressBook:
    """Read what the store knows, ask the CRM about the rest (one request)."""
    own = own_addresses(identity, settings.own_addresses())
    wanted = addresses_of(proxies, mirror) - own
    if not wanted:
        return AddressBook(own=own)
    known = store.address_book(sorted(wanted))
    ask = sorted(a for a in wanted if _needs_asking(known.get(a)))
    if ask:
        answers = crm.resolve_addresses(ask)
        fresh = {a: [(r.kind, r.id) for r in answers.get(a, ())] for a in ask}
        store.remember_addresses(fresh)
        known = store.address_book(sorted(wanted))
    refs = {a: tuple(tuple(r) for r in entry[0]) for a, entry in known.items()}
    dismissed = store.dismissed([p.id for p in proxies])
    return AddressBook(refs=refs, dismissed=frozenset(dismissed), own=own)


def _needs_asking(entry: tuple[Iterable[Any], str] | None) -> bool:
    """Unknown here, or the CRM's last answer resolved nothing."""
    if entry is None:
        return True
    refs, source = entry
    return source != "rep" and single(tuple(tuple(r) for r in refs)) is None

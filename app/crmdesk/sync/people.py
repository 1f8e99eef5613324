"""People on an activity (rules 13-15, 19): pure decisions for the planner.

Attendee addresses resolve by e-mail, case-insensitively, to CRM employees
(the team) and contacts.  What each address is comes from the address book
the engine reads before planning (the CRM's answer, or the rep's own choice
from the review queue).  An address that is unknown or ambiguous never
blocks a sync: the activity is flagged for review in the CRM with the
reason and listed in the app's Sync issues, until the rep picks someone,
creates a contact, or dismisses it.

The calendar's invitee list is the CRM's `attendees` field (the original
list, resolved or not).  Keeping the two sides consistent:

* an attendee added in the calendar links its contact or employee; one
  removed there unlinks it;
* a contact removed in the CRM whose address is an attendee removes that
  attendee from the calendar item (and an attendee removed from the CRM's
  list leaves the calendar through the ordinary field merge);
* contacts added from the share bar are linked without inviting anyone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import AbstractSet, Iterable, Mapping

from crmdesk.model import CrmRecord, Fields, Identity, NativeItem
from crmdesk.model.people import AMBIGUOUS, UNKNOWN, ReviewEntry

Refs = tuple[tuple[str, int], ...]          # (kind, id) with kind "employee" | "contact"


@dataclass(frozen=True)
class AddressBook:
    """What the engine knows about addresses before planning."""

    refs: Mapping[str, Refs] = field(default_factory=dict)
    dismissed: AbstractSet[tuple[int, str]] = frozenset()     # (proxy id, address)
    own: AbstractSet[str] = frozenset()      # the rep's addresses (CRM's and her setting's)

    def resolved(self, address: str) -> tuple[str, int] | None:
        """The one employee or contact an address is, or None."""
        return single(self.refs.get(address, ()))


def single(found: Refs) -> tuple[str, int] | None:
    """The one record a set of matches means: the only one, or the only
    employee among them; None when there is none or it is ambiguous."""
    if len(found) == 1:
        return found[0]
    employees = [r for r in found if r[0] == "employee"]
    return employees[0] if len(employees) == 1 else None


def own_addresses(identity: Identity, extra: Iterable[str]) -> frozenset[str]:
    return frozenset(a.lower() for a in (*identity.emails, *extra) if a)


@dataclass(frozen=True)
class Owner:
    """Rule 14: who owns a new activity and who is on its team first."""

    owner: int | None
    team: tuple[int, ...]
    note: str = ""


def owner_for(native: NativeItem, identity: Identity, book: AddressBook) -> Owner:
    """The organizer's employee; else the rep when she organized it (or nobody
    did); else the company's Generic Owner, with the rep on the team.  A to-do
    someone else sent her always gets the Generic Owner."""
    me = identity.employee_id
    mine = (me,) if me is not None else ()
    organizer = native.organizer
    if not organizer or organizer in book.own:
        return Owner(me, mine)
    found = book.resolved(organizer)
    if native.component != "VTODO" and found is not None and found[0] == "employee":
        return Owner(found[1], tuple(dict.fromkeys((found[1], *mine))))
    if identity.generic_owner is not None:
        return Owner(identity.generic_owner,
                     tuple(dict.fromkeys((identity.generic_owner, *mine))))
    return Owner(me, mine, note=f"the organizer {organizer} is not an employee and the CRM "
                                f"has no Generic Owner set, so you own it")


def declined_by_rep(native: NativeItem | None, book: AddressBook) -> bool:
    """Rule 15: the rep declined this meeting in her calendar."""
    return native is not None and any(a in book.own for a in native.declined)


def review_for(proxy_id: int, attendees: Iterable[str], book: AddressBook) -> list[ReviewEntry]:
    """The attendee addresses no single employee or contact has (rule 13)."""
    entries = []
    for address in sorted(set(attendees)):
        if address in book.own or (proxy_id, address) in book.dismissed:
            continue
        if book.resolved(address) is not None:
            continue
        found = book.refs.get(address, ())
        entries.append(ReviewEntry(proxy_id, address, AMBIGUOUS if found else UNKNOWN,
                                   tuple(found)))
    return entries


def review_values(entries: Iterable[ReviewEntry]) -> dict[str, object]:
    """The CRM's needs_review flag and its reason, one line per address."""
    lines = []
    for entry in entries:
        if entry.reason == AMBIGUOUS:
            lines.append(f"{entry.address}: {len(entry.candidates)} CRM records have this "
                         f"address; pick the right one in crmdesk's Sync issues")
        else:
            lines.append(f"{entry.address}: no CRM contact or employee has this address")
    return {"needs_review": bool(lines), "review_reason": "\n".join(lines)}


def _contact(book: AddressBook, address: str) -> int | None:
    found = book.resolved(address)
    return found[1] if found is not None and found[0] == "contact" else None


def _of(book: AddressBook, addresses: Iterable[str], kind: str) -> set[int]:
    out = set()
    for address in addresses:
        found = book.resolved(address)
        if found is not None and found[0] == kind:
            out.add(found[1])
    return out


@dataclass
class PeopleChange:
    """What the people step adds to a merge."""

    attendees: tuple[str, ...]
    contacts: tuple[int, ...]
    team: tuple[int, ...] | None            # the new employee team, None: unchanged
    review: list[ReviewEntry]
    crm_extra: dict[str, object]            # needs_review / review_reason / employees


def reconcile(proxy_id: int, agreed: Fields, base: Fields, crm: CrmRecord,
              book: AddressBook, identity: Identity, organized: bool = True) -> PeopleChange:
    """Attendees, contacts and team after a field merge (`agreed`) against the
    last agreed `base` and the CRM record as it is now.  `organized`: the rep
    organizes the meeting (or nobody does), so its invitee list is hers to edit."""
    attendees = set(agreed.get("attendees", ()))
    if organized:
        # A contact the CRM dropped takes its attendee out of the calendar too.
        dropped = set(base.get("contacts", ())) - set(crm.fields.get("contacts", ()))
        attendees -= {a for a in attendees if _contact(book, a) in dropped}
    before = set(base.get("attendees", ()))
    removed, added = before - attendees, attendees - before
    contacts = (set(agreed.get("contacts", ())) - _of(book, removed, "contact")) \
        | _of(book, attendees, "contact")
    # Employees join the team when invited, not at every sync: one who left
    # it (rules 10 and 15) stays off although still on the invitee list.
    keep = {crm.owner, *identity.employee_ids} - {None}
    team = set(crm.employees)
    new_team = (team - (_of(book, removed, "employee") - keep)) | _of(book, added, "employee")
    review = review_for(proxy_id, attendees, book)
    extra: dict[str, object] = {}
    wanted = review_values(review)
    if bool(crm.extra.get("needs_review")) != wanted["needs_review"] \
            or (crm.extra.get("review_reason") or "") != wanted["review_reason"]:
        extra.update(wanted)
    if new_team != team:
        extra["employees"] = tuple(sorted(new_team))
    return PeopleChange(attendees=tuple(sorted(attendees)), contacts=tuple(sorted(contacts)),
                        team=tuple(sorted(new_team)) if new_team != team else None,
                        review=review, crm_extra=extra)


def involved(native: NativeItem | None, fields: Fields, crm: CrmRecord | None) -> bool:
    """Whether the people step has anything to look at (a cheap test)."""
    return bool((native is not None and (native.attendees or native.organizer))
                or fields.get("attendees") or (crm is not None and crm.fields.get("attendees"))
                or (crm is not None and crm.extra.get("needs_review")))


def organized_by_rep(native: NativeItem | None, book: AddressBook) -> bool:
    """The invitee list is the rep's to edit: she organizes it, or nobody does.
    Someone else's meeting keeps the organizer's list (it flows to the CRM)."""
    return native is None or not native.organizer or native.organizer in book.own


def after_merge(proxy_id: int, native: NativeItem | None, agreed: Fields, to_crm: Fields,
                to_local: Fields, base: Fields, crm: CrmRecord, book: AddressBook,
                identity: Identity) -> PeopleChange | None:
    """Rules 13-15 after the field merge: attendees, contacts and team agree and
    unresolved addresses go to review.  Edits the merge's three mappings."""
    if not involved(native, agreed, crm):
        return None
    organized = organized_by_rep(native, book)
    if not organized and native is not None:
        agreed["attendees"] = native.fields.get("attendees", ())
    change = reconcile(proxy_id, agreed, base, crm, book, identity, organized)
    for name, value in (("attendees", change.attendees), ("contacts", change.contacts)):
        agreed[name] = value
        if value != crm.fields.get(name, ()):
            to_crm[name] = value
        else:
            to_crm.pop(name, None)
    if native is not None and change.attendees != native.fields.get("attendees", ()):
        to_local["attendees"] = change.attendees
    else:
        to_local.pop("attendees", None)
    return change


@dataclass(frozen=True)
class NewPeople:
    """A new activity's people: fields with contacts, owner, team, review."""

    fields: Fields
    owner: int | None
    team: tuple[int, ...]
    extra: dict[str, object]
    review: tuple[ReviewEntry, ...]
    note: str = ""


def for_new_activity(proxy_id: int, native: NativeItem, fields: Fields, book: AddressBook,
                     identity: Identity) -> NewPeople | None:
    """Rules 13 and 14 for a share's first upload (None: nobody involved)."""
    if not involved(native, fields, None):
        return None
    owner = owner_for(native, identity, book)
    attendees = fields.get("attendees", ())
    found = [r for r in (book.resolved(a) for a in attendees) if r is not None]
    contacts = {*fields.get("contacts", ()), *(i for k, i in found if k == "contact")}
    team = tuple(dict.fromkeys((*owner.team, *sorted(i for k, i in found if k == "employee"))))
    review = tuple(review_for(proxy_id, attendees, book))
    return NewPeople(fields={**fields, "contacts": tuple(sorted(contacts))}, owner=owner.owner,
                     team=team, extra=review_values(review) if review else {}, review=review,
                     note=owner.note)

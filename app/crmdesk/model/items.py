"""Records that cross the boundary between the engine and the I/O layers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from crmdesk.model.activity import Fields, Origin
from crmdesk.model.recurrence import NativeSeries, Start


@dataclass(frozen=True)
class NativeItem:
    """One calendar object as mirrored from the CalDAV server.

    `fields` holds the NATIVE_FIELDS in normal form; `component` is "VEVENT"
    or "VTODO"; `raw` is the whole iCalendar text as the server sent it, so
    that writes can patch it and keep whatever crmdesk does not understand.
    """

    href: str
    etag: str
    uid: str
    component: str
    fields: Fields
    raw: str
    organizer: str = ""          # mailto address, lower case, "" if none
    attendees: tuple[str, ...] = ()   # invitees' addresses, organizer left out
    declined: tuple[str, ...] = ()    # invitees whose PARTSTAT is DECLINED
    crm_link: str = ""           # the link line to the CRM activity, if any (Aurea)
    content_hash: str = ""       # hash of the normalized fields (rule 20)
    # A repeating item's own terms (DTSTART as written, RRULE, EXDATE, RDATE);
    # its "repeat" field is what the CRM makes of them (see sync.plan).
    recurrence: NativeSeries | None = None
    # An overridden occurrence (rule 17) is an item of its own, kept in the
    # mirror at occurrence_href(parent, RECURRENCE-ID): `parent` is its
    # series' href, `recurrence_id` its RECURRENCE-ID as written, and `raw`
    # is empty (the series' object holds its text).  A series as parsed
    # carries its moved or changed occurrences in `overrides`.
    parent: str = ""
    recurrence_id: Start | None = None
    overrides: tuple["NativeItem", ...] = ()

    @property
    def is_occurrence(self) -> bool:
        return bool(self.parent)


@dataclass(frozen=True)
class CrmRecord:
    """One CRM activity as the connector read it, fields in normal form."""

    id: int
    fields: Fields
    timestamp: str = ""          # opaque token for optimistic locking (rule 8)
    integration_id: str = ""
    origin: Origin = Origin.CRM
    owner: int | None = None     # employee id
    employees: tuple[int, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Identity:
    """Who the CRM says the signed-in rep is."""

    user_id: int
    login: str
    name: str
    employee_id: int | None
    employee_ids: tuple[int, ...] = ()
    emails: tuple[str, ...] = ()
    # The company's Generic Owner employee (rule 14), None when unset.
    generic_owner: int | None = None


@dataclass(frozen=True)
class Reference:
    """A CRM record an activity can point at: account, contact, opportunity."""

    kind: str                    # "account" | "contact" | "opportunity" | "employee"
    id: int
    name: str
    email: str = ""
    detail: str = ""             # e.g. the account of a contact or opportunity
    # True: within the rep's filter (her accounts and opportunities and what
    # belongs to them), editable; False: only referenced by her records,
    # read-only in crmdesk (CRM Desktop's "incomplete" records).
    complete: bool = True
    account: int | None = None   # a contact's or opportunity's account id

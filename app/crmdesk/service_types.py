"""Plain data types of the application service API (see service.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Callable

from crmdesk.model import Reference
from crmdesk.sync.report import Progress


class ShareState(StrEnum):
    NOT_SHARED = "not_shared"
    PENDING = "pending"          # shared locally, not yet uploaded / local edits waiting
    SYNCED = "synced"
    CONFLICT = "conflict"
    ERROR = "error"


@dataclass(frozen=True)
class ItemView:
    """What a list row or the item form shows about one item.

    `key` identifies the row: "n:<href>" for a calendar item (shared or
    not), "p:<proxy id>" for an activity with no calendar item.
    """

    key: str
    title: str
    component: str | None            # "VEVENT", "VTODO" or None (Activities only)
    start: datetime | None           # aware; local conversion is the UI's job
    end: datetime | None
    all_day: bool
    location: str = ""
    comment: str = ""
    status: str = "planned"
    priority: str = "medium"
    display_in: str = "calendar"
    uid: str = ""
    proxy_id: int | None = None
    crm_id: int | None = None
    origin: str = ""
    share_state: ShareState = ShareState.NOT_SHARED
    state_detail: str = ""           # error text or conflicting field names
    account: Reference | None = None
    opportunity: Reference | None = None
    contacts: tuple[Reference, ...] = ()
    repeating: bool = False          # one occurrence of a series (rule 16)
    rrule: str = ""                  # the series' RRULE as the calendar holds it
    organizer: str = ""              # the calendar item's organizer address
    attendees: tuple[str, ...] = ()  # its invitees' addresses (rule 13)
    # A moved or changed occurrence (rule 17): the start it replaces, a date
    # for an all-day series, naive for a floating one.
    moved_from: date | datetime | None = None


@dataclass(frozen=True)
class ConflictView:
    proxy_id: int
    title: str
    fields: tuple[tuple[str, str, str, str], ...]   # (field, calendar, crm, base) as text


@dataclass
class Status:
    """For `crmdesk status` and the status bar."""

    configured: bool
    last_sync: datetime | None
    shared: int
    pending: int
    conflicts: int
    errors: int
    calendar_items: int
    notes: list[str] = field(default_factory=list)


ProgressCallback = Callable[[Progress], None]


@dataclass(frozen=True)
class ReviewView:
    """One attendee address of a shared activity that the CRM could not
    resolve to exactly one employee or contact (rule 13)."""

    proxy_id: int
    title: str
    start: datetime | None           # aware; local conversion is the UI's job
    address: str
    reason: str                      # in words, e.g. "3 CRM records have this address."
    candidates: tuple[Reference, ...] = ()   # the records that share the address

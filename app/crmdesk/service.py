"""The application service: the one API the GUI and the CLI call.

It owns the profile (settings + store) and builds connectors from settings.
The GUI calls `sync()` from a worker thread only; everything else is quick
local work on the store (or, for the `test_*` methods, one network check
that the GUI also runs off the GUI thread).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Callable

from crmdesk.model import Identity, Reference
from crmdesk.pim.base import CalendarInfo
from crmdesk.settings import Settings
from crmdesk.sync.report import CancelToken, Progress, SyncReport


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


class ServiceApi:
    """The methods the GUI relies on (implemented by `AppService`).

    Every method raises only crmdesk.errors types; `ui/errors.py` turns
    them into words.

    settings (attribute): the current `Settings` (a copy is edited by dialogs).
    save_settings(settings, crm_password=None, calendar_password=None) -> None
        Write settings.toml; passwords (when not None) go to the keyring.
    password(side) -> str | None      side is "crm" or "calendar".
    test_crm(crm_settings, password) -> Identity
        Sign in once; raises AuthError / UnreachableError / TlsError / ServerError.
    test_calendar(calendar_settings, password) -> list[CalendarInfo]
        Discovery; the dialog fills its calendar picker from the result.
    week(start: datetime, end: datetime) -> list[ItemView]
        Calendar entries (VEVENT) overlapping [start, end).
    agenda(start: datetime, days: int) -> list[ItemView]   sorted by start.
    todos() -> list[ItemView]          every VTODO in the mirror.
    activities() -> list[ItemView]     every proxy (shared items and Activities-only).
    item(key) -> ItemView | None
    share(key) -> ItemView             creates the proxy at once (works offline).
    unshare(key) -> ItemView
    set_links(key, account: int | None, opportunity: int | None,
              contacts: tuple[int, ...]) -> ItemView
    references(kind: str, text: str = "", limit: int = 50) -> list[Reference]
        kind is "account", "contact" or "opportunity"; cached from the CRM.
    crm_link(key) -> str | None        URL to open the activity in the CRM.
    conflicts() -> list[ConflictView]
    resolve(proxy_id, choices: dict[str, str]) -> None
        choices maps field -> "calendar" | "crm"; applied at the next sync.
    status() -> Status
    sync(progress: ProgressCallback, cancel: CancelToken) -> SyncReport
        The whole two-way sync; call from a worker thread only.
    """


__all__ = ["CalendarInfo", "CancelToken", "ConflictView", "Identity", "ItemView",
           "Progress", "ProgressCallback", "Reference", "ServiceApi", "Settings",
           "ShareState", "Status", "SyncReport"]

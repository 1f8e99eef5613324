"""The calendar client protocol the engine's apply step uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Protocol

from crmdesk.model import NativeItem


@dataclass(frozen=True)
class CalendarInfo:
    url: str              # absolute collection URL
    name: str             # display name
    components: tuple[str, ...] = ("VEVENT", "VTODO")


@dataclass(frozen=True)
class Delta:
    """Result of one incremental read of a collection."""

    changed: list[NativeItem]        # new or modified since the token
    deleted: list[str]               # hrefs removed since the token
    token: str                       # new sync token
    full: bool                       # True when this was a full listing
    invalid: list[tuple[str, str]]   # (href, reason) for objects that could not be parsed
    unchanged: list[str] = field(default_factory=list)  # listed hrefs whose etag was known


class CalendarClient(Protocol):
    request_count: int

    def calendars(self) -> list[CalendarInfo]:
        """Discovery: every calendar collection of the user."""

    def sync(self, calendar_url: str, token: str | None,
             known: Mapping[str, str] | None = None) -> Delta:
        """sync-collection REPORT + one multiget of the changed hrefs.

        `known` maps href -> etag of what the caller already holds: a listed
        href whose etag equals the known one is not fetched again and goes
        into `Delta.unchanged` (so our own writes cost no multiget next time).

        A rejected token (403/412 or valid-sync-token error) makes it
        restart with an initial sync and return `full=True`.
        """

    def create(self, calendar_url: str, uid: str, ical: str) -> NativeItem:
        """PUT with If-None-Match: *; the href is derived from the UID."""

    def update(self, item: NativeItem, ical: str) -> NativeItem:
        """PUT with If-Match: item.etag; StaleWrite on 412."""

    def delete(self, item: NativeItem) -> None:
        """DELETE with If-Match; NotFound is not an error for the caller."""

    def get(self, href: str) -> NativeItem | None: ...

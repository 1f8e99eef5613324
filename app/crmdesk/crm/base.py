"""The Connector protocol every CRM module implements.

Connectors speak in normalized `Fields` (crmdesk.model) and raise the typed
errors of crmdesk.errors.  They never touch the store.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol, Sequence

from crmdesk.model import CrmRecord, Fields, Identity, Reference


@dataclass(frozen=True)
class ChangeFeed:
    """What changed on the CRM since a watermark."""

    records: list[CrmRecord]          # created or written since the watermark
    deleted: list[int]                # tombstoned activity ids
    watermark: str                    # opaque; pass back next time
    # (key, reason) of records the CRM sent that could not be understood: left
    # out of `records`, to be named in the sync report as skipped
    invalid: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class NewActivity:
    """An activity to create: its fields plus the identity columns."""

    fields: Fields
    integration_id: str = ""
    origin: str = "calendar"
    owner: int | None = None          # employee id; None -> the rep's own
    employees: tuple[int, ...] = ()
    extra: dict = field(default_factory=dict)


class Connector(Protocol):
    """One CRM server, signed in as the rep."""

    name: str                          # e.g. "Tryton"
    request_count: int                 # requests sent since construction

    def login(self, known: Identity | None = None) -> Identity:
        """Sign in; when `known` is the same user, trust it instead of re-reading it."""

    def changes(self, watermark: str | None) -> ChangeFeed:
        """Creates, writes and deletes since `watermark` (None: everything visible)."""

    def find_by_integration_id(self, integration_id: str, owner: int | None) -> CrmRecord | None:
        """Natural key 1 (rule 2): a series or single activity, never a moved
        occurrence (rule 17), although it has the same integration id."""

    def find_by_subject(self, description: str, planned_start: datetime | None,
                        owner: int | None) -> CrmRecord | None:
        """Natural key 2 (rule 2)."""

    def find_by_integration_ids(self, integration_ids: Sequence[str],
                                owner: int | None) -> dict[str, CrmRecord]:
        """Natural key 1 for many items at once, in a few requests; moved
        occurrences are left out as in find_by_integration_id."""

    def find_occurrences(self, series_ids: Sequence[int]) -> list[CrmRecord]:
        """Rule 2 for occurrences (rule 17): every visible activity whose `series`
        is one of `series_ids`, in a few requests.

        A moved or changed occurrence is its own activity with extra["series"]
        = the series' id and extra["recurrence_id"] = the UTC instant (ISO) of
        the occurrence it replaces; the sync looks for one by (series,
        recurrence_id) here before creating it.
        """

    def find_by_subjects(self, keys: Sequence[tuple[str, datetime | None]],
                         owner: int | None) -> dict[tuple[str, datetime | None], CrmRecord]:
        """Natural key 2 for many items at once, in a few requests."""

    def write_integration_ids(self, items: Sequence[tuple[int, str, str]]) -> list[CrmRecord]:
        """Write back many (record id, UID, timestamp) at once (rule 1)."""

    def create(self, items: Sequence[NewActivity]) -> list[CrmRecord]: ...

    def write(self, record_id: int, changes: Fields, timestamp: str,
              integration_id: str | None = None) -> CrmRecord:
        """Guarded write; raises StaleWrite when `timestamp` is out of date."""

    def read(self, ids: Sequence[int]) -> list[CrmRecord]:
        """Current state; ids that are gone or invisible are left out."""

    def delete(self, ids: Sequence[int]) -> None: ...

    def leave_team(self, record_id: int) -> None:
        """Take the rep's own employee off the activity's team (rule 10)."""

    def join_shared(self, integration_id: str, organizer_email: str,
                    recurrence_id: datetime | None = None) -> CrmRecord | None:
        """Rule 2 across reps: join the team of the activity another rep created
        for the same meeting.

        The CRM looks past the rep's visibility for the activity with this
        integration id whose owner has `organizer_email`, puts the rep's own
        employee on its team and returns it, now visible to her; None (and
        nothing changed) when there is no such activity.  Without
        `recurrence_id` that is a series or single activity, never a moved
        occurrence; with it (a UTC instant; naive means UTC) the organizer's
        moved occurrence of that series replacing that instant (rule 17).
        """

    def references(self) -> list[Reference]:
        """Accounts, contacts, opportunities and employees for the pickers.

        Employees are the company's; accounts, contacts and opportunities are
        the rep's, `complete` (within her filter: editable) or not (only
        referred to by her records: read-only in crmdesk).
        """

    def resolve_addresses(self, addresses: Sequence[str]) -> dict[str, list[Reference]]:
        """Rule 13: the employees and contacts that have each e-mail address.

        Case-insensitive; keys are the addresses in normal form (lower case),
        each mapped to its matches (kind "employee" or "contact"): [] when
        unknown, more than one when ambiguous.
        """

    def create_contact(self, name: str, email: str, account: int | None) -> Reference:
        """Create a contact with this e-mail address, working for `account`."""

    def update_reference(self, kind: str, ref_id: int, name: str | None = None,
                         email: str | None = None) -> Reference:
        """Change the name and/or e-mail of a complete contact or account (kind
        "contact" or "account"); AccessDenied for an incomplete one."""

    def record_url(self, record_id: int) -> str:
        """A URL that opens the activity in the CRM's own client."""

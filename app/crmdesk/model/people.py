"""People on an activity (rules 13-15): the review queue's entries.

An attendee address the CRM can't resolve to exactly one employee or
contact never blocks a sync: the activity is flagged for review and the
address is listed in the app's Sync issues until the rep picks someone,
creates a contact, or dismisses it.
"""

from __future__ import annotations

from dataclasses import dataclass

UNKNOWN = "unknown"        # no employee or contact has the address
AMBIGUOUS = "ambiguous"    # more than one has it


@dataclass(frozen=True)
class ReviewEntry:
    """One unresolved attendee address of one proxy activity."""

    proxy_id: int
    address: str
    reason: str                                   # UNKNOWN or AMBIGUOUS
    candidates: tuple[tuple[str, int], ...] = ()  # (kind, id) when ambiguous

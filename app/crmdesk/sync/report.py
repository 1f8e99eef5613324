"""The sync report (rule 22) and the progress snapshot a worker fills."""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class SideCounts:
    created: int = 0
    updated: int = 0
    deleted: int = 0


@dataclass
class ReportEntry:
    """One item the report names: a conflict, a skip or an error."""

    key: str                 # the native UID or "crm:<id>"
    title: str
    reason: str
    fields: list[str] = field(default_factory=list)


@dataclass
class SyncReport:
    calendar: SideCounts = field(default_factory=SideCounts)
    crm: SideCounts = field(default_factory=SideCounts)
    conflicts: list[ReportEntry] = field(default_factory=list)
    skipped: list[ReportEntry] = field(default_factory=list)
    errors: list[ReportEntry] = field(default_factory=list)
    linked: list[ReportEntry] = field(default_factory=list)   # correlations made
    notes: list[ReportEntry] = field(default_factory=list)    # e.g. a series held in part
    requests: dict[str, int] = field(default_factory=dict)    # per server
    bytes: dict[str, dict[str, int]] = field(default_factory=dict)   # per server: sent/received
    phases: dict[str, float] = field(default_factory=dict)    # seconds per phase
    # How much of the store the plan looked at: proxies planned, and 1 when it
    # was the whole store (a new day, new settings, a full calendar listing).
    scope: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors and not self.cancelled

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["ok"] = self.ok
        return data

    def summary(self) -> str:
        """One line for a status bar."""
        parts = []
        for side, counts in (("calendar", self.calendar), ("CRM", self.crm)):
            done = [f"{n} {verb}" for verb, n in (("created", counts.created),
                    ("updated", counts.updated), ("deleted", counts.deleted)) if n]
            if done:
                parts.append(f"{side}: " + ", ".join(done))
        if not parts:
            parts.append("no changes")
        if self.conflicts:
            parts.append(f"{len(self.conflicts)} conflict(s) waiting")
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        if self.errors:
            parts.append(f"{len(self.errors)} error(s)")
        if self.cancelled:
            parts.append("cancelled")
        return "; ".join(parts)


class CancelToken:
    """A flag the worker checks between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()


@dataclass
class Progress:
    """A snapshot the GUI polls with a QTimer (thread-safe by replacement)."""

    phase: str = ""          # "Reading calendar", "Reading CRM", "Applying changes"…
    done: int = 0
    total: int = 0

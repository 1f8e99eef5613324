"""Working offline: after a sync could not reach a server, say so and count
what waits.

Nothing else changes when the servers are away: the window shows the
mirrored calendar, to-dos and activities from the store, and sharing,
unsharing and link edits are written to the store at once, as pending
proxies that the next Synchronize uploads.  This module only keeps the
"offline" flag (set by a sync that failed with UnreachableError, cleared by
one that succeeded) and words the status bar's resting text.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from crmdesk.errors import TlsError, UnreachableError
from crmdesk.service_types import Status
from crmdesk.ui.sync.statusbar import moment_text


def is_offline_error(exc: BaseException) -> bool:
    """No connection at all; a refused certificate is a setting, not offline."""
    return isinstance(exc, UnreachableError) and not isinstance(exc, TlsError)


def offline_text(pending: int) -> str:
    """"Offline — 3 changes waiting" (plural-aware, translatable)."""
    if pending == 0:
        return QCoreApplication.translate("Offline", "Offline \u2014 no changes waiting")
    if pending == 1:
        return QCoreApplication.translate("Offline", "Offline \u2014 1 change waiting")
    return QCoreApplication.translate("Offline", "Offline \u2014 {n} changes waiting").format(
        n=pending)


class OfflineState:
    """Whether the last sync found the servers unreachable."""

    def __init__(self) -> None:
        self.active = False
        self.reason = ""

    def sync_failed(self, exc: BaseException) -> bool:
        """Record a failed sync; True when it means "offline"."""
        self.active = is_offline_error(exc)
        self.reason = str(exc) if self.active else ""
        return self.active

    def sync_succeeded(self) -> None:
        self.active = False
        self.reason = ""

    def text(self, status: Status | None) -> str:
        """"Offline — 2 changes waiting · showing what was synchronized today at 09:12"."""
        head = offline_text(status.pending if status is not None else 0)
        if status is None or status.last_sync is None:
            return head
        return head + QCoreApplication.translate(
            "Offline", " \u00b7 showing what was synchronized {when}").format(
                when=moment_text(status.last_sync))

    @staticmethod
    def hint() -> str:
        """What offline means for the rep (our words only: it may become a tooltip)."""
        return QCoreApplication.translate(
            "Offline", "The servers could not be reached. You can keep working: shares, "
            "unshares and edits are kept on this computer and sent at the next "
            "Synchronize (F9).")

"""Optional automatic Synchronize every `sync.auto_sync_minutes` (0 = off).

On demand is the model; the timer is a convenience for reps who want it.
An automatic sync runs through the window's one SyncRunner (so it never
overlaps a sync or preview the rep started), skips its turn while a dialog
is open or nothing is configured, and reports without dialogs: the status
bar and a desktop notification say what happened.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from crmdesk.service_types import Status
from crmdesk.ui.api import GuiService
from crmdesk.ui.sync.worker import SyncRunner

MINUTE_MS = 60_000


class AutoSyncWindow(Protocol):
    service: GuiService
    sync_runner: SyncRunner
    status: Status | None
    status_changed: Signal


class AutoSync(QObject):
    """A timer that follows the setting; re-read whenever the window reloads."""

    def __init__(self, window: AutoSyncWindow, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.window = window
        self.timer = QTimer(self)
        self.timer.setObjectName("autoSyncTimer")
        self.timer.timeout.connect(self.tick)
        window.status_changed.connect(self.follow_settings)
        self.follow_settings()

    @property
    def minutes(self) -> int:
        return self.window.service.settings.sync.auto_sync_minutes

    def follow_settings(self, *_: object) -> None:
        """Start, stop or re-time the timer after the settings may have changed."""
        interval = self.minutes * MINUTE_MS
        if not interval:
            self.timer.stop()
        elif not self.timer.isActive() or self.timer.interval() != interval:
            self.timer.start(interval)

    def tick(self) -> bool:
        """One turn; True when it started a sync."""
        status, runner = self.window.status, self.window.sync_runner
        if status is None or not status.configured or runner.running:
            return False
        if QApplication.activeModalWidget() is not None:
            return False               # the rep is deciding something: not now
        return runner.start(automatic=True)

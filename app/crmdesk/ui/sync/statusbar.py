"""The main window's status bar: last result, sync progress, Cancel, Sync issues."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QProgressBar, QPushButton, QStatusBar, QWidget

from crmdesk.service_types import Status
from crmdesk.sync.report import Progress, SyncReport
from crmdesk.ui.look import local, plain_label

OFFLINE_STYLE = "color: #8a5a00; font-weight: 600;"


def status_text(status: Status) -> str:
    """The idle sentence: when the last sync ran and what is waiting."""
    if not status.configured:
        return "Not connected yet \u2014 open Connection settings to start."
    if status.last_sync is None:
        head = "Never synchronized \u2014 press Synchronize (F9)"
    else:
        head = f"Last synchronized {moment_text(status.last_sync)}"
    waiting = [f"{n} {word}" for n, word in ((status.shared, "shared"),
                                               (status.pending, "waiting to upload")) if n]
    return head + (" \u00b7 " + ", ".join(waiting) if waiting else "")


def moment_text(moment: datetime) -> str:
    """"today at 10:04" or "Tue 12 May at 10:04", in local time."""
    shown = local(moment)
    if shown.date() == datetime.now().astimezone().date():
        return f"today at {shown:%H:%M}"
    return f"{shown:%a %d %b at %H:%M}"


class SyncStatusBar(QStatusBar):
    """Idle: a summary and maybe "Sync issues"; syncing: progress + Cancel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = plain_label("", name="syncSummary")
        self.phase = plain_label("", name="syncPhase")
        self.progress = QProgressBar()
        self.progress.setObjectName("syncProgress")
        self.progress.setFixedWidth(180)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("cancelSync")
        self.issues_button = QPushButton("Sync issues")
        self.issues_button.setObjectName("syncIssues")
        self.issues_button.setFlat(True)
        self.issues_button.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.addWidget(self.summary, 1)
        for widget in (self.phase, self.progress, self.cancel_button):
            self.addPermanentWidget(widget)
        self.addPermanentWidget(self.issues_button)
        self.set_syncing(False)
        self.set_issues(0)

    def set_syncing(self, syncing: bool, doing: str = "Synchronizing\u2026") -> None:
        """Show progress and Cancel while a sync (or a preview: `doing`) runs."""
        for widget in (self.phase, self.progress, self.cancel_button):
            widget.setVisible(syncing)
        self.cancel_button.setEnabled(syncing)
        if syncing:
            self.say(doing)
            self.show_progress(Progress(phase="Starting"))

    def show_progress(self, progress: Progress) -> None:
        self.phase.setText(progress.phase)
        if progress.total > 0:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(min(progress.done, progress.total))
        else:
            self.progress.setRange(0, 0)       # busy indicator until a total is known
        if progress.phase == "Cancelling":
            self.cancel_button.setEnabled(False)

    def show_report(self, report: SyncReport, when: datetime | None) -> None:
        head = "Last sync" if when is None else f"Synchronized {moment_text(when)}"
        self.say(f"{head}: {report.summary()}")

    def show_status(self, status: Status) -> None:
        self.say(status_text(status))

    def show_offline(self, text: str, hint: str) -> None:
        """"Offline — N changes waiting", marked, with what to do as a tooltip."""
        self.say(text, hint, OFFLINE_STYLE)

    def say(self, text: str, tip: str = "", style: str = "") -> None:
        # The tooltip is our own text only: Qt guesses rich text in tooltips.
        self.summary.setText(text)
        self.summary.setToolTip(tip)
        self.summary.setStyleSheet(style)

    def set_issues(self, count: int) -> None:
        self.issues_button.setText(f"Sync issues ({count})")
        self.issues_button.setVisible(count > 0)

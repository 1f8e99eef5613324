"""The main window's status bar: last result, sync progress, Cancel, Sync issues."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QProgressBar, QPushButton, QStatusBar, QWidget

from crmdesk.service_types import Status
from crmdesk.sync.report import Progress, SyncReport
from crmdesk.ui.look import local, plain_label
from crmdesk.ui.sync.report_view import summary_text
from crmdesk.ui.sync.worker import CANCELLING, STARTING, phase_text

OFFLINE_STYLE = "color: #8a5a00; font-weight: 600;"
translate = QCoreApplication.translate


def status_text(status: Status, passwords_only: bool = False) -> str:
    """The idle sentence: when the last sync ran and what is waiting.

    `passwords_only`: not configured although the servers are set (a password
    is unknown), so the rep is not sent to set up crmdesk again.
    """
    if not status.configured and passwords_only:
        return translate("SyncStatusBar", "Not connected yet \u2014 crmdesk needs the passwords "
                         "to synchronize.")
    if not status.configured:
        return translate("SyncStatusBar", "Not connected yet \u2014 choose Set up crmdesk\u2026 "
                         "to connect the CRM and your calendar.")
    if status.last_sync is None:
        head = translate("SyncStatusBar", "Never synchronized \u2014 press Synchronize (F9)")
    else:
        head = translate("SyncStatusBar", "Last synchronized {when}").format(
            when=moment_text(status.last_sync))
    waiting = [text.format(n=n) for n, text in (
        (status.shared, translate("SyncStatusBar", "{n} shared")),
        (status.pending, translate("SyncStatusBar", "{n} waiting to upload"))) if n]
    return head + (" \u00b7 " + ", ".join(waiting) if waiting else "")


def moment_text(moment: datetime) -> str:
    """"today at 10:04" or "Tue 12 May at 10:04", in local time."""
    shown = local(moment)
    if shown.date() == datetime.now().astimezone().date():
        return translate("SyncStatusBar", "today at {time}").format(time=f"{shown:%H:%M}")
    return translate("SyncStatusBar", "{day} at {time}").format(day=f"{shown:%a %d %b}",
                                                                 time=f"{shown:%H:%M}")


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
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelSync")
        self.issues_button = QPushButton(self.tr("Sync issues"))
        self.issues_button.setObjectName("syncIssues")
        self.issues_button.setFlat(True)
        self.issues_button.setStyleSheet("color: #b3261e; font-weight: 600;")
        self.addWidget(self.summary, 1)
        for widget in (self.phase, self.progress, self.cancel_button):
            self.addPermanentWidget(widget)
        self.addPermanentWidget(self.issues_button)
        self.set_syncing(False)
        self.set_issues(0)

    def set_syncing(self, syncing: bool, doing: str = "") -> None:
        """Show progress and Cancel while a sync (or a preview: `doing`) runs."""
        for widget in (self.phase, self.progress, self.cancel_button):
            widget.setVisible(syncing)
        self.cancel_button.setEnabled(syncing)
        if syncing:
            self.say(doing or self.tr("Synchronizing\u2026"))
            self.show_progress(Progress(phase=STARTING))

    def show_progress(self, progress: Progress) -> None:
        self.phase.setText(phase_text(progress.phase))
        if progress.total > 0:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(min(progress.done, progress.total))
        else:
            self.progress.setRange(0, 0)       # busy indicator until a total is known
        if progress.phase == CANCELLING:
            self.cancel_button.setEnabled(False)

    def show_report(self, report: SyncReport, when: datetime | None) -> None:
        if when is None:
            text = self.tr("Last sync: {summary}")
        else:
            text = self.tr("Synchronized {when} \u2014 {summary}")
        self.say(text.format(when=moment_text(when) if when else "",
                             summary=summary_text(report)))

    def show_status(self, status: Status, passwords_only: bool = False) -> None:
        self.say(status_text(status, passwords_only))

    def show_offline(self, text: str, hint: str) -> None:
        """"Offline — N changes waiting", marked, with what to do as a tooltip."""
        self.say(text, hint, OFFLINE_STYLE)

    def say(self, text: str, tip: str = "", style: str = "") -> None:
        # The tooltip is our own text only: Qt guesses rich text in tooltips.
        self.summary.setText(text)
        self.summary.setToolTip(tip)
        self.summary.setStyleSheet(style)

    def set_issues(self, count: int) -> None:
        self.issues_button.setText(self.tr("Sync issues ({n})").format(n=count))
        self.issues_button.setVisible(count > 0)

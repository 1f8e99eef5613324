"""The wizard's last page: the first Synchronize, with progress, then its report.

The settings and passwords were saved when the rep left the previous page
(its commit button), so whatever happens here, crmdesk is set up: a failed
first sync says why and offers "Try again"; Finish is always possible once
nothing runs.
"""

from __future__ import annotations

from PySide6.QtWidgets import (QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget,
                               QWizardPage)

from crmdesk.errors import Cancelled
from crmdesk.sync.report import Progress, SyncReport
from crmdesk.ui.api import GuiService
from crmdesk.ui.errors import describe
from crmdesk.ui.look import plain_label
from crmdesk.ui.settings.base import ERROR_STYLE
from crmdesk.ui.sync.report_view import IssuesTree, counts_text, issue_count
from crmdesk.ui.sync.worker import CANCELLING, SyncRunner, phase_text


class FinishPage(QWizardPage):
    """Runs the first sync when shown; `report` is its result (None if it failed)."""

    def __init__(self, service: GuiService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("First synchronization"))
        self.setSubTitle(self.tr("Your settings are saved. crmdesk now reads your calendar "
                                 "and the CRM for the first time."))
        self.runner = SyncRunner(service, self)
        self.runner.progressed.connect(self._show_progress)
        self.runner.finished.connect(self._on_finished)
        self.runner.failed.connect(self._on_failed)
        self.report: SyncReport | None = None
        self.headline = plain_label("", wrap=True, name="firstSyncHeadline")
        self.headline.setStyleSheet("font-weight: 600;")
        self.phase = plain_label("", name="firstSyncPhase")
        self.progress = QProgressBar()
        self.progress.setTextVisible(False)
        self.stop_button = QPushButton(self.tr("Stop"))
        self.stop_button.clicked.connect(self.runner.cancel)
        self.retry_button = QPushButton(self.tr("Try again"))
        self.retry_button.clicked.connect(self.start)
        self.details = plain_label("", wrap=True, name="firstSyncDetails")
        self.issues = IssuesTree()
        self.issues.setVisible(False)
        self._lay_out()

    def _lay_out(self) -> None:
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.stop_button)
        bar.addWidget(self.retry_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.phase)
        layout.addLayout(bar)
        layout.addWidget(self.details)
        layout.addWidget(self.issues, 1)
        layout.addStretch(0)

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        if self.report is None and not self.runner.running:
            self.start()

    def isComplete(self) -> bool:  # noqa: N802 - Qt's name
        return not self.runner.running

    def start(self) -> None:
        self.report = None
        self.details.setStyleSheet("")
        self.details.clear()
        self.issues.setVisible(False)
        self.headline.setText(self.tr("Synchronizing\u2026"))
        self._running(True)
        self.runner.start()

    def _running(self, running: bool) -> None:
        for widget in (self.phase, self.progress, self.stop_button):
            widget.setVisible(running)
        self.stop_button.setEnabled(running)
        self.retry_button.setVisible(False)
        self.completeChanged.emit()

    def _show_progress(self, progress: Progress) -> None:
        self.phase.setText(phase_text(progress.phase))
        if progress.total > 0:
            self.progress.setRange(0, progress.total)
            self.progress.setValue(min(progress.done, progress.total))
        else:
            self.progress.setRange(0, 0)
        if progress.phase == CANCELLING:
            self.stop_button.setEnabled(False)

    def _on_finished(self, report: SyncReport) -> None:
        self.report = report
        self._running(False)
        if report.cancelled:
            self.headline.setText(self.tr("The first synchronization was stopped."))
            self.details.setText(self.tr("Press Finish, then Synchronize (F9) when you "
                                         "are ready; it goes on where this one stopped."))
            return
        self.headline.setText(self.tr("Your calendar and the CRM are synchronized."))
        self.details.setText(self.report_text(report))
        if issue_count(report, ("conflicts", "skipped", "errors")):
            self.issues.show_report(report)
            self.issues.setVisible(True)

    def report_text(self, report: SyncReport) -> str:
        lines = [self.tr("Written to your calendar: {counts}").format(
                     counts=counts_text(report.calendar)),
                 self.tr("Written to the CRM: {counts}").format(counts=counts_text(report.crm)),
                 "",
                 self.tr("Next: select a meeting or to-do in the calendar and press "
                         "\u201cShare with CRM\u201d; Synchronize (F9) sends it.")]
        if issue_count(report, ("conflicts", "skipped", "errors")):
            lines.insert(2, self.tr("Some items need your attention (listed below, and "
                                    "under Sync issues in the status bar)."))
        return "\n".join(lines)

    def _on_failed(self, exc: BaseException) -> None:
        self._running(False)
        if isinstance(exc, Cancelled):
            self.headline.setText(self.tr("The first synchronization was stopped."))
            return
        self.headline.setText(self.tr("The first synchronization did not finish."))
        self.details.setStyleSheet(ERROR_STYLE)
        self.details.setText(self.tr("{reason}\n\nYour settings are saved. Press Try again, "
                                     "or Finish and Synchronize (F9) later.").format(
                                         reason=describe(exc).message))
        self.retry_button.setVisible(True)

    def stop_and_wait(self) -> None:
        """Before the wizard closes: stop a running sync at its next step."""
        if self.runner.running:
            self.runner.cancel()
            self.runner.wait()

"""Sync history: the last synchronizations, newest first, and one report's details.

The reports are read from the store on the store thread (`load_history`);
the dialog keeps them only to show the selected one's conflicts, skipped
items and errors.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHeaderView, QSplitter,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from crmdesk.sync.report import SyncReport
from crmdesk.ui.api import GuiService
from crmdesk.ui.errors import show_error
from crmdesk.ui.look import local, plain_label
from crmdesk.ui.sync.report_view import IssuesTree, counts_text, issue_count, summary_text
from crmdesk.ui.tasks import TaskRunner

HISTORY_LIMIT = 50
EMPTY = QT_TRANSLATE_NOOP("HistoryDialog",
                          "No synchronization has run yet. Press Synchronize (F9) to start one.")
translate = QCoreApplication.translate


@dataclass(frozen=True)
class PastSync:
    """One stored report and when its sync finished."""

    finished: datetime
    report: SyncReport


def load_history(service: GuiService, limit: int = HISTORY_LIMIT) -> list[PastSync]:
    """Newest first; runs on the store thread."""
    return [PastSync(finished, report) for finished, report in service.history(limit)]


def when_text(moment: datetime) -> str:
    return f"{local(moment):%a %d %b %Y %H:%M}"


def detail_text(past: PastSync) -> str:
    """The selected sync in one paragraph: when, what changed, how long."""
    report = past.report
    requests = sum(report.requests.values())
    if requests == 1:
        took = translate("HistoryDialog", "Took {seconds} s and 1 server request.")
    else:
        took = translate("HistoryDialog", "Took {seconds} s and {n} server requests.")
    parts = [translate("HistoryDialog", "{when}: {summary}.").format(
                 when=when_text(past.finished), summary=summary_text(report)),
             took.format(seconds=f"{report.seconds:.1f}", n=requests)]
    if not issue_count(report, ("conflicts", "skipped", "errors")):
        parts.append(translate("HistoryDialog", "No issues."))
    return " ".join(parts)


class HistoryDialog(QDialog):
    """Past syncs on top; the selected one's summary and issues below."""

    def __init__(self, service: GuiService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sync history"))
        self.resize(860, 560)
        self.history: list[PastSync] = []
        self.intro = plain_label(self.tr("Loading\u2026"), wrap=True, name="historyIntro")
        self.list = self._list()
        self.detail = plain_label("", wrap=True, name="historyDetail")
        # Without issues below it, the line would float in the middle of the pane.
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.issues = IssuesTree()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        self.split = self._split()
        layout.addWidget(self.split, 1)
        layout.addWidget(buttons)
        self._runner = TaskRunner(parent=self)
        self._runner.run(lambda: load_history(service), self._show, self._failed)

    def _list(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName("historyList")
        tree.setHeaderLabels([self.tr("Finished"), self.tr("Result"), self.tr("Calendar"),
                              self.tr("CRM")])
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)
        header = tree.header()
        header.setStretchLastSection(False)
        for col in (0, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        tree.currentItemChanged.connect(lambda *_: self._select())
        return tree

    def _split(self) -> QSplitter:
        below = QWidget()
        column = QVBoxLayout(below)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.detail)
        column.addWidget(self.issues, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.list)
        split.addWidget(below)
        split.setSizes([260, 240])
        return split

    def _show(self, history: list[PastSync]) -> None:
        self.history = history
        self.intro.setText(self._intro(len(history)))
        for past in history:
            report = past.report
            QTreeWidgetItem(self.list, [when_text(past.finished), summary_text(report),
                                        counts_text(report.calendar), counts_text(report.crm)])
        self.split.setVisible(bool(history))
        if history:
            self.list.setCurrentItem(self.list.topLevelItem(0))

    def _intro(self, count: int) -> str:
        if not count:
            return self.tr(EMPTY)
        if count == 1:
            return self.tr("The last synchronization. Select it to see what it could not do.")
        return self.tr("The last {n} synchronizations, newest first. Select one to see what "
                       "it could not do.").format(n=count)

    def _select(self) -> None:
        row = self.list.indexOfTopLevelItem(self.list.currentItem())
        past = self.history[row] if 0 <= row < len(self.history) else None
        self.detail.setText(detail_text(past) if past else "")
        self.issues.show_report(past.report if past else None)
        self.issues.setVisible(bool(past and issue_count(past.report, self.issues.kinds)))

    def _failed(self, exc: BaseException) -> None:
        self.intro.setText(self.tr("The sync history could not be read."))
        show_error(self, exc)

"""The collision dialog ("Sync issues"): choose a side for each conflicting field.

Each conflicting item gets a table: field | calendar value | CRM value |
last agreed value | which to keep.  OK sends `service.resolve` for every item
whose fields all have a choice; the choices apply at the next Synchronize.
Items left on "Decide later" stay pending.  Skipped items and errors of the
last sync are listed below with their reasons, for the rep to act on in the
calendar or CRM; without a report from this session the dialog reads the
last stored one, so the list survives a restart.  Invitees the CRM could not
match are listed under "People to review" (ui/sync/review.py).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QGroupBox, QHBoxLayout,
                               QHeaderView, QPushButton, QScrollArea, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from crmdesk.service_types import ConflictView
from crmdesk.sync.report import SyncReport
from crmdesk.ui.api import GuiService
from crmdesk.ui.errors import show_error
from crmdesk.ui.look import field_name, plain_label, title_text
from crmdesk.ui.sync.report_view import IssuesTree, issue_count
from crmdesk.ui.sync.review import ReviewSection
from crmdesk.ui.tasks import TaskRunner

CHOICES = ((QT_TRANSLATE_NOOP("ConflictBox", "Decide later"), ""),
           (QT_TRANSLATE_NOOP("ConflictBox", "Keep calendar"), "calendar"),
           (QT_TRANSLATE_NOOP("ConflictBox", "Keep CRM"), "crm"))
# "Keep calendar for all fields", "Keep CRM for all fields"
ALL_FIELDS = {"calendar": QT_TRANSLATE_NOOP("ConflictBox", "Keep calendar for all fields"),
              "crm": QT_TRANSLATE_NOOP("ConflictBox", "Keep CRM for all fields")}


class ConflictBox(QGroupBox):
    """One item's conflicting fields and a choice per field."""

    def __init__(self, conflict: ConflictView, parent: QWidget | None = None) -> None:
        super().__init__(title_text(conflict.title), parent)
        self.conflict = conflict
        self.table = QTableWidget(len(conflict.fields), 5)
        self.table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Calendar"),
                                              self.tr("CRM"), self.tr("Last agreed"),
                                              self.tr("Keep")])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.combos: dict[str, QComboBox] = {}
        for row, (name, calendar, crm, base) in enumerate(conflict.fields):
            label = field_name(name)
            for col, text in enumerate((label[:1].upper() + label[1:], calendar, crm, base)):
                self.table.setItem(row, col, QTableWidgetItem(text))
            combo = QComboBox()
            for label, value in CHOICES:
                combo.addItem(self.tr(label), value)
            self.combos[name] = combo
            self.table.setCellWidget(row, 4, combo)
        header = self.table.horizontalHeader()
        for col in (1, 2, 3):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Stretch)
        self.table.resizeRowsToContents()
        self.table.setFixedHeight(header.height() + sum(
            self.table.rowHeight(r) for r in range(self.table.rowCount())) + 4)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(self._side_buttons())

    def _side_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addStretch(1)
        for _, value in CHOICES[1:]:
            button = QPushButton(self.tr(ALL_FIELDS[value]))
            button.clicked.connect(lambda _=False, v=value: self.choose_all(v))
            row.addWidget(button)
        return row

    def choose_all(self, side: str) -> None:
        for combo in self.combos.values():
            combo.setCurrentIndex(combo.findData(side))

    def choose(self, field: str, side: str) -> None:
        combo = self.combos[field]
        combo.setCurrentIndex(combo.findData(side))

    def choices(self) -> dict[str, str] | None:
        """field -> side when every field has a choice, else None (decide later)."""
        chosen = {name: str(combo.currentData()) for name, combo in self.combos.items()}
        return chosen if all(chosen.values()) else None


class ConflictsDialog(QDialog):
    """Lists `service.conflicts()` and the last report's other issues."""

    def __init__(self, service: GuiService, report: SyncReport | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sync issues"))
        self.resize(960, 600)
        self._service = service
        self._runner = TaskRunner(parent=self)
        self.boxes: list[ConflictBox] = []
        self.intro = plain_label(self.tr("Loading\u2026"), wrap=True, name="conflictIntro")
        self._column = QVBoxLayout()
        holder = QWidget()
        holder.setLayout(self._column)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setWidget(holder)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.apply)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.scroll, 2)
        self.review = ReviewSection(service)
        layout.addWidget(self.review, 2)
        layout.addWidget(self._issues_box(), 1)
        layout.addWidget(self.buttons)
        self._runner.run(service.conflicts, self._show, self._failed)
        self.review.load()
        if report is None:
            self._runner.run(service.last_report, self.show_issues,
                             lambda exc: show_error(self, exc, self.tr(
                                 "The last sync's issues could not be read.")))
        else:
            self.show_issues(report)

    def _issues_box(self) -> QGroupBox:
        self.issues_box = QGroupBox(self.tr("Other issues from the last synchronization"))
        self.issues = IssuesTree(("skipped", "errors"))
        self.issues.setObjectName("otherIssues")
        self.issues.setMinimumHeight(120)
        QVBoxLayout(self.issues_box).addWidget(self.issues)
        self.issues_box.setVisible(False)
        return self.issues_box

    def show_issues(self, report: SyncReport | None) -> None:
        """The report's skipped items and errors, with their reasons."""
        self.issues.show_report(report)
        self.issues_box.setVisible(issue_count(report) > 0)

    def _show(self, conflicts: list[ConflictView]) -> None:
        for conflict in conflicts:
            box = ConflictBox(conflict)
            self.boxes.append(box)
            self._column.addWidget(box)
        self._column.addStretch(1)
        self.intro.setText(
            self.tr("These entries were changed both in your calendar and in the CRM. Choose "
                    "which value to keep for each field; the choice is applied at the next "
                    "Synchronize.") if conflicts else self.tr("No conflicts are waiting."))
        self.scroll.setVisible(bool(conflicts))     # an empty frame would look like a fault
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)

    def _failed(self, exc: BaseException) -> None:
        self.intro.setText(self.tr("The conflicts could not be read."))
        show_error(self, exc)

    def apply(self) -> None:
        """Resolve every fully decided item, then close."""
        decided = [(box.conflict.proxy_id, choices) for box in self.boxes
                   if (choices := box.choices()) is not None]
        if not decided:
            self.accept()
            return
        self.buttons.setEnabled(False)

        def resolve_all() -> int:
            for proxy_id, choices in decided:
                self._service.resolve(proxy_id, choices)
            return len(decided)

        self._runner.run(resolve_all, lambda _count: self.accept(), self._apply_failed)

    def _apply_failed(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        show_error(self, exc, self.tr("The choices were not saved."))

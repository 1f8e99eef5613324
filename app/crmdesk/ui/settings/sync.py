"""Sync settings: who wins a conflict, the sync windows, sharing new items,
what deleting a shared meeting does in the CRM, the mass-delete guard, the
rep's own e-mail addresses (rule 14) and the CRM link line in descriptions."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Signal
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QDialogButtonBox, QGroupBox,
                               QHBoxLayout, QLineEdit, QRadioButton, QSpinBox, QVBoxLayout,
                               QWidget)

from crmdesk.settings import DeletePolicy, Priority, Settings
from crmdesk.settings.model import AUTO_SYNC_MAX_MINUTES, AUTO_SYNC_MIN_MINUTES, SyncSettings
from crmdesk.ui.api import GuiService
from crmdesk.ui.look import plain_label
from crmdesk.ui.settings.base import FormPage, NotedForm, Problem, SettingsDialog

MAX_DAYS = 3650
translate = QCoreApplication.translate
# (value, label, hint): English marked for the "SyncSettings" context; show
# them with `translate("SyncSettings", …)`.
PRIORITIES = (
    (Priority.CRM, QT_TRANSLATE_NOOP("SyncSettings", "The CRM wins"),
     QT_TRANSLATE_NOOP("SyncSettings", "The CRM's value replaces your calendar's.")),
    (Priority.CALENDAR, QT_TRANSLATE_NOOP("SyncSettings", "My calendar wins"),
     QT_TRANSLATE_NOOP("SyncSettings", "Your calendar's value replaces the CRM's.")),
    (Priority.ASK, QT_TRANSLATE_NOOP("SyncSettings", "Ask me"),
     QT_TRANSLATE_NOOP("SyncSettings", "Synchronize lists the conflict; you choose per field.")),
)

DELETE_POLICIES = (
    (DeletePolicy.DELETE, QT_TRANSLATE_NOOP("SyncSettings", "Delete the CRM activity")),
    (DeletePolicy.CANCEL, QT_TRANSLATE_NOOP("SyncSettings",
                                            "Cancel it in the CRM and add a follow-up to-do")),
    (DeletePolicy.INVITEES, QT_TRANSLATE_NOOP(
        "SyncSettings", "Delete only meetings with invitees; keep the others in the CRM")),
)
MAX_GUARD_ITEMS = 100_000


def days_box() -> QSpinBox:
    """0–3650 days (a sync window edge)."""
    box = QSpinBox()
    box.setRange(0, MAX_DAYS)
    box.setSuffix(translate("SyncSettings", " days"))
    return box


class WindowFields(Protocol):
    """The widgets both Sync settings and the first-run wizard show."""

    priority: QButtonGroup
    calendar_past: QSpinBox
    calendar_future: QSpinBox
    todo_past: QSpinBox
    todo_future: QSpinBox


def save_priority_and_windows(page: WindowFields, sync: SyncSettings) -> None:
    sync.priority = PRIORITIES[max(page.priority.checkedId(), 0)][0]
    sync.calendar_past_days = page.calendar_past.value()
    sync.calendar_future_days = page.calendar_future.value()
    sync.todo_past_days = page.todo_past.value()
    sync.todo_future_days = page.todo_future.value()


class SyncPage(QWidget, FormPage):
    """The page behind the Sync settings dialog."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.priority = QButtonGroup(self)
        conflict_box = QGroupBox(self.tr("When the same field changed on both sides"))
        column = QVBoxLayout(conflict_box)
        self.priority_buttons: dict[Priority, QRadioButton] = {}
        for index, (value, label, hint) in enumerate(PRIORITIES):
            button = QRadioButton(translate("SyncSettings", label))
            button.setToolTip(translate("SyncSettings", hint))
            self.priority.addButton(button, index)
            self.priority_buttons[value] = button
            column.addWidget(button)
        self.calendar_past, self.calendar_future = days_box(), days_box()
        self.todo_past, self.todo_future = days_box(), days_box()
        window_box = QGroupBox(self.tr("Synchronize only items inside these windows"))
        self.form = NotedForm()
        self.form.add(self.tr("Calendar entries, past:"), self.calendar_past)
        self.form.add(self.tr("Calendar entries, future:"), self.calendar_future)
        self.form.add(self.tr("To-dos, past:"), self.todo_past)
        self.form.add(self.tr("To-dos, future:"), self.todo_future)
        note = plain_label(self.tr("Items outside the windows are left alone, never deleted."),
                           wrap=True)
        note.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow(note)
        window_box.setLayout(self.form)
        self.share_new = QCheckBox(self.tr("Share new calendar items with the CRM by default"))
        self.crm_link_line = QCheckBox(self.tr("Add a link to the CRM activity at the end of "
                                               "shared items' descriptions"))
        self.crm_link_line.setObjectName("crmLinkLine")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (conflict_box, window_box, self._delete_box(), self.share_new,
                       self.crm_link_line, self._auto_row()):
            layout.addWidget(widget)

    def _auto_row(self) -> QWidget:
        """Synchronize automatically every N minutes; 0 shows as "Never"."""
        self.auto_minutes = QSpinBox()
        self.auto_minutes.setObjectName("autoSyncMinutes")
        self.auto_minutes.setRange(0, AUTO_SYNC_MAX_MINUTES)
        self.auto_minutes.setSingleStep(5)
        self.auto_minutes.setSuffix(self.tr(" minutes"))
        self.auto_minutes.setSpecialValueText(self.tr("Never \u2014 only when I press "
                                                      "Synchronize"))
        self.auto_form = NotedForm()
        self.auto_form.setContentsMargins(0, 0, 0, 0)
        self.auto_form.add(self.tr("Synchronize automatically every:"), self.auto_minutes)
        # Rule 14: whose meeting it is.  (In this form: its notes show problems.)
        self.my_addresses = QLineEdit()
        self.my_addresses.setObjectName("myAddresses")
        self.my_addresses.setPlaceholderText(self.tr("e.g. jane@example.com, j.doe@home.example"))
        self.auto_form.add(self.tr("Your e-mail addresses:"), self.my_addresses)
        hint = plain_label(self.tr("Besides the ones the CRM knows. Meetings you organize from "
                                   "these are yours."), wrap=True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        self.auto_form.addRow(plain_label(), hint)
        row = QWidget()
        row.setLayout(self.auto_form)
        return row

    def _delete_box(self) -> QGroupBox:
        """The deletion policy (rule 9) and the mass-delete guard (rule 21)."""
        self.delete_policy = QComboBox()
        self.delete_policy.setObjectName("deletePolicy")
        for value, label in DELETE_POLICIES:
            self.delete_policy.addItem(translate("SyncSettings", label), value.value)
        self.mass_percent = QSpinBox()
        self.mass_percent.setRange(0, 100)
        self.mass_percent.setSuffix(" %")
        self.mass_min = QSpinBox()
        self.mass_min.setRange(0, MAX_GUARD_ITEMS)
        box = QGroupBox(self.tr("Deleting"))
        column = QVBoxLayout(box)
        column.addWidget(plain_label(self.tr("When I delete a shared meeting in my calendar:")))
        column.addWidget(self.delete_policy)
        guard = QHBoxLayout()
        for part in (plain_label(self.tr("Ask before a sync deletes more than")),
                     self.mass_percent, plain_label(self.tr("and more than")), self.mass_min,
                     plain_label(self.tr("items"))):
            guard.addWidget(part)
        guard.addStretch(1)
        column.addLayout(guard)
        note = plain_label(self.tr("Counted on each side, calendar and CRM, separately."),
                           wrap=True)
        note.setStyleSheet("color: palette(placeholder-text);")
        column.addWidget(note)
        return box

    def load(self, settings: Settings) -> None:
        sync = settings.sync
        self.priority_buttons[sync.priority].setChecked(True)
        self.calendar_past.setValue(sync.calendar_past_days)
        self.calendar_future.setValue(sync.calendar_future_days)
        self.todo_past.setValue(sync.todo_past_days)
        self.todo_future.setValue(sync.todo_future_days)
        self.share_new.setChecked(sync.share_new_items)
        self.delete_policy.setCurrentIndex(max(self.delete_policy.findData(
            sync.delete_policy.value), 0))
        self.mass_percent.setValue(sync.mass_delete_percent)
        self.mass_min.setValue(sync.mass_delete_min)
        self.auto_minutes.setValue(sync.auto_sync_minutes)
        self.my_addresses.setText(sync.my_addresses)
        self.crm_link_line.setChecked(sync.crm_link_line)

    def check(self) -> list[Problem]:
        problems = []
        if self.calendar_past.value() + self.calendar_future.value() == 0:
            problems.append(Problem(self.tr("Calendar entries window"), self.tr(
                "A window of 0 days synchronizes no calendar entries at all."),
                self.calendar_future))
        if 0 < self.auto_minutes.value() < AUTO_SYNC_MIN_MINUTES:
            problems.append(Problem(self.tr("Automatic sync"), self.tr(
                "Every {low} minutes at the most often, or Never.").format(
                    low=AUTO_SYNC_MIN_MINUTES), self.auto_minutes))
        wrong = [a for a in self.my_addresses.text().replace(",", " ").split()
                 if "@" not in a.strip("@")]
        if wrong:
            problems.append(Problem(self.tr("Your e-mail addresses"), self.tr(
                "\u201c{address}\u201d is not an e-mail address.").format(address=wrong[0]),
                self.my_addresses))
        return problems

    # Two forms (windows, automatic sync) report problems; the dialog asks the page.
    def clear_notes(self) -> None:
        self.form.clear_notes()
        self.auto_form.clear_notes()

    def open_problems(self) -> int:
        return self.form.open_problems() + self.auto_form.open_problems()

    def show_problem(self, problem: Problem) -> None:
        self.form.show_problem(problem)
        self.auto_form.show_problem(problem)

    def save(self, settings: Settings) -> None:
        sync = settings.sync
        save_priority_and_windows(self, sync)
        sync.share_new_items = self.share_new.isChecked()
        sync.delete_policy = DeletePolicy(str(self.delete_policy.currentData()))
        sync.mass_delete_percent = self.mass_percent.value()
        sync.mass_delete_min = self.mass_min.value()
        sync.auto_sync_minutes = self.auto_minutes.value()
        sync.my_addresses = self.my_addresses.text().strip()
        sync.crm_link_line = self.crm_link_line.isChecked()


class SyncSettingsDialog(SettingsDialog):
    """OK saves the sync section when it changed; Cancel discards."""

    # Emitted when the rep asks to remove all CRM data (rule 23); the dialog
    # closes without saving and the main window runs the confirmed flow.
    remove_requested = Signal()

    def __init__(self, service: GuiService, parent: QWidget | None = None) -> None:
        super().__init__(service.settings, "", parent)
        self.setWindowTitle(self.tr("Sync settings"))
        self._service = service
        self.page = SyncPage()
        self.pages = [self.page]
        self.body.addWidget(self.page)
        self.remove_button = self.buttons.addButton(
            self.tr("Remove CRM data\u2026"), QDialogButtonBox.ButtonRole.ResetRole)
        self.remove_button.setObjectName("removeCrmData")
        self.remove_button.setToolTip(self.tr("Delete the calendar items that came from the "
                                              "CRM, stop sharing the others, forget the local "
                                              "data"))
        self.remove_button.clicked.connect(self._remove)
        self.finish_layout()
        self.page.auto_form.edited = self.problems_edited

    def _remove(self) -> None:
        self.reject()
        self.remove_requested.emit()

    def commit(self) -> None:
        if self.changed():
            self._service.save_settings(self.settings)

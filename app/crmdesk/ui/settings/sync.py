"""Sync settings: who wins a conflict, the sync windows, sharing new items."""

from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QGroupBox, QRadioButton, QSpinBox,
                               QVBoxLayout, QWidget)

from crmdesk.settings import Priority, Settings
from crmdesk.ui.api import GuiService
from crmdesk.ui.look import plain_label
from crmdesk.ui.settings.base import FormPage, NotedForm, Problem, SettingsDialog

MAX_DAYS = 3650
PRIORITIES = (
    (Priority.CRM, "The CRM wins", "The CRM's value replaces your calendar's."),
    (Priority.CALENDAR, "My calendar wins", "Your calendar's value replaces the CRM's."),
    (Priority.ASK, "Ask me", "Synchronize lists the conflict; you choose per field."),
)


def _days() -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, MAX_DAYS)
    box.setSuffix(" days")
    return box


class SyncPage(QWidget, FormPage):
    """The page behind the Sync settings dialog."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.priority = QButtonGroup(self)
        conflict_box = QGroupBox("When the same field changed on both sides")
        column = QVBoxLayout(conflict_box)
        self.priority_buttons: dict[Priority, QRadioButton] = {}
        for index, (value, label, hint) in enumerate(PRIORITIES):
            button = QRadioButton(label)
            button.setToolTip(hint)
            self.priority.addButton(button, index)
            self.priority_buttons[value] = button
            column.addWidget(button)
        self.calendar_past, self.calendar_future = _days(), _days()
        self.todo_past, self.todo_future = _days(), _days()
        window_box = QGroupBox("Synchronize only items inside these windows")
        self.form = NotedForm()
        self.form.add("Calendar entries, past:", self.calendar_past)
        self.form.add("Calendar entries, future:", self.calendar_future)
        self.form.add("To-dos, past:", self.todo_past)
        self.form.add("To-dos, future:", self.todo_future)
        note = plain_label("Items outside the windows are left alone, never deleted.", wrap=True)
        note.setStyleSheet("color: palette(placeholder-text);")
        self.form.addRow(note)
        window_box.setLayout(self.form)
        self.share_new = QCheckBox("Share new calendar items with the CRM by default")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (conflict_box, window_box, self.share_new):
            layout.addWidget(widget)

    def load(self, settings: Settings) -> None:
        sync = settings.sync
        self.priority_buttons[sync.priority].setChecked(True)
        self.calendar_past.setValue(sync.calendar_past_days)
        self.calendar_future.setValue(sync.calendar_future_days)
        self.todo_past.setValue(sync.todo_past_days)
        self.todo_future.setValue(sync.todo_future_days)
        self.share_new.setChecked(sync.share_new_items)

    def check(self) -> list[Problem]:
        if self.calendar_past.value() + self.calendar_future.value() == 0:
            return [Problem("Calendar entries window", "A window of 0 days synchronizes "
                            "no calendar entries at all.", self.calendar_future)]
        return []

    def save(self, settings: Settings) -> None:
        sync = settings.sync
        sync.priority = PRIORITIES[max(self.priority.checkedId(), 0)][0]
        sync.calendar_past_days = self.calendar_past.value()
        sync.calendar_future_days = self.calendar_future.value()
        sync.todo_past_days = self.todo_past.value()
        sync.todo_future_days = self.todo_future.value()
        sync.share_new_items = self.share_new.isChecked()


class SyncSettingsDialog(SettingsDialog):
    """OK saves the sync section when it changed; Cancel discards."""

    def __init__(self, service: GuiService, parent: QWidget | None = None) -> None:
        super().__init__(service.settings, "Sync settings", parent)
        self._service = service
        self.page = SyncPage()
        self.pages = [self.page]
        self.body.addWidget(self.page)
        self.finish_layout()

    def commit(self) -> None:
        if self.changed():
            self._service.save_settings(self.settings)

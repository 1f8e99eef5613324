"""The Calendar tab: week navigation, the week grid and the agenda list.

It loads its entries through the store task runner (never on the GUI
thread) and drops answers that arrive for a week the rep has already left.
"""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (QButtonGroup, QHBoxLayout, QStackedWidget, QToolButton,
                               QVBoxLayout, QWidget)

from crmdesk.service_types import ItemView, ShareState
from crmdesk.ui.api import GuiService
from crmdesk.ui.calendar.agenda import AgendaView
from crmdesk.ui.calendar.layout import local_midnight
from crmdesk.ui.calendar.weekview import WeekView
from crmdesk.ui.look import look, plain_label
from crmdesk.ui.tasks import TaskRunner

AGENDA_DAYS = 14


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def range_text(first: date, days: int) -> str:
    last = first + timedelta(days=days - 1)
    if first.year != last.year:
        return f"{first:%d %b %Y} \u2013 {last:%d %b %Y}"
    if first.month != last.month:
        return f"{first:%d %b} \u2013 {last:%d %b %Y}"
    return f"{first:%d} \u2013 {last:%d %B %Y}"


def legend() -> QWidget:
    """One chip per share state, so the colours explain themselves."""
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(6, 2, 6, 2)
    line.addStretch(1)
    for state in ShareState:
        chip = look(state)
        label = plain_label(f"{chip.glyph} {chip.label}".strip())
        label.setStyleSheet(f"background: {chip.fill.name()}; border: 1px solid "
                            f"{chip.border.name()}; border-radius: 4px; padding: 1px 6px;")
        line.addWidget(label)
    return row


class CalendarPage(QWidget):
    """Week / Agenda switch over one navigable week."""

    selected = Signal(str)

    def __init__(self, service: GuiService, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._runner = runner
        self._week = monday_of(date.today())
        self._generation = 0
        self.week_view = WeekView()
        self.agenda = AgendaView()
        self.week_view.selected.connect(self.selected)
        self.agenda.selected.connect(self.selected)
        self.views = QStackedWidget()
        self.views.addWidget(self.week_view)
        self.views.addWidget(self.agenda)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(self._build_nav())
        layout.addWidget(self.views, 1)
        layout.addWidget(legend())

    def _tool(self, text: str, tip: str, shortcut: str = "") -> QToolButton:
        button = QToolButton()
        button.setText(text)
        button.setToolTip(tip + (f" ({shortcut})" if shortcut else ""))
        if shortcut:
            button.setShortcut(QKeySequence(shortcut))
        return button

    def _build_nav(self) -> QHBoxLayout:
        nav = QHBoxLayout()
        nav.setContentsMargins(6, 0, 6, 0)
        self.prev_button = self._tool("\u25c0", self.tr("Previous week"), "Alt+Left")
        self.today_button = self._tool(self.tr("Today"), self.tr("Go to this week"), "Alt+Home")
        self.next_button = self._tool("\u25b6", self.tr("Next week"), "Alt+Right")
        self.prev_button.clicked.connect(lambda: self.go(self._week - timedelta(days=7)))
        self.next_button.clicked.connect(lambda: self.go(self._week + timedelta(days=7)))
        self.today_button.clicked.connect(lambda: self.go(monday_of(date.today())))
        self.range_label = plain_label("", name="rangeLabel")
        self.range_label.setStyleSheet("font-weight: 600; font-size: 11pt; padding-left: 8px;")
        for widget in (self.prev_button, self.today_button, self.next_button, self.range_label):
            nav.addWidget(widget)
        nav.addStretch(1)
        self.mode_group = QButtonGroup(self)
        for index, (name, tip) in enumerate(((self.tr("Week"), self.tr("Show the week")),
                                             (self.tr("Agenda"), self.tr("Show the agenda")))):
            button = self._tool(name, tip)
            button.setCheckable(True)
            button.setChecked(index == 0)
            self.mode_group.addButton(button, index)
            nav.addWidget(button)
        self.mode_group.idClicked.connect(self._set_mode)
        return nav

    # -- navigation and loading ---------------------------------------------

    def week(self) -> date:
        return self._week

    def go(self, week: date) -> None:
        self._week = week
        self.refresh()

    def _set_mode(self, index: int) -> None:
        self.views.setCurrentIndex(index)
        self.refresh()

    def agenda_mode(self) -> bool:
        return self.views.currentIndex() == 1

    def refresh(self) -> None:
        """Reload the shown week (or agenda range) off the GUI thread."""
        self._generation += 1
        generation, week = self._generation, self._week
        start = local_midnight(week)
        if self.agenda_mode():
            self.range_label.setText(range_text(week, AGENDA_DAYS))
            self._runner.run(lambda: self._service.agenda(start, AGENDA_DAYS),
                             lambda items: self._show_agenda(generation, items))
        else:
            self.range_label.setText(range_text(week, 7))
            end = local_midnight(week + timedelta(days=7))
            self._runner.run(lambda: self._service.week(start, end),
                             lambda items: self._show_week(generation, week, items))

    def _show_week(self, generation: int, week: date, items: list[ItemView]) -> None:
        if generation == self._generation:
            self.week_view.set_week(week, items)

    def _show_agenda(self, generation: int, items: list[ItemView]) -> None:
        if generation == self._generation:
            self.agenda.set_items(items, self.tr("Nothing in the {days} days from {day}").format(
                days=AGENDA_DAYS, day=f"{self._week:%d %B}"))

    def select(self, key: str) -> None:
        self.week_view.select(key)
        self.agenda.select(key)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """PageUp / PageDown move by a week."""
        if event.key() == Qt.Key.Key_PageUp:
            self.go(self._week - timedelta(days=7))
        elif event.key() == Qt.Key.Key_PageDown:
            self.go(self._week + timedelta(days=7))
        else:
            super().keyPressEvent(event)

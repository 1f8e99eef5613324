"""The wizard's input pages: CRM connection, calendar connection, sync windows.

The server pages reuse the Connection settings groups.  "Next" checks the
fields, then needs a successful connection test *with the values shown*:
if there is none yet, Next runs the test itself and goes on when it
succeeds and leaves nothing to choose (the CRM; an account with exactly
one calendar).  A failed test stays on the page with the reason in words.
"""

from __future__ import annotations

from dataclasses import astuple
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QButtonGroup, QGroupBox, QLabel, QRadioButton, QVBoxLayout,
                               QWidget, QWizardPage)

from crmdesk.pim.base import CalendarInfo
from crmdesk.settings import CalendarSettings, CrmSettings, Settings
from crmdesk.ui.api import GuiService
from crmdesk.ui.look import plain_label
from crmdesk.ui.settings.base import ERROR_STYLE, NotedForm, Problem
from crmdesk.ui.settings.connection import CalendarGroup, CrmGroup, ServerGroup
from crmdesk.ui.settings.sync import PRIORITIES, days_box, save_priority_and_windows

HINT_STYLE = "color: palette(placeholder-text);"
translate = QCoreApplication.translate


def _summary() -> QLabel:
    label = plain_label("", wrap=True, name="pageProblem")
    label.setStyleSheet(ERROR_STYLE)
    label.setVisible(False)
    return label


class ServerPage(QWizardPage):
    """One server's fields and Test connection; Next requires a passed test."""

    def __init__(self, group: ServerGroup, settings: Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.group = group
        group.load(settings)
        group.setFlat(True)
        group.setTitle("")
        self.summary = _summary()
        group.form.edited = self._edited
        layout = QVBoxLayout(self)
        layout.addWidget(group)
        layout.addStretch(1)
        layout.addWidget(self.summary)
        self.passed: tuple[Any, ...] | None = None   # the values the last good test used
        self._testing: tuple[Any, ...] | None = None
        self._go_on = False
        group.test_button.clicked.connect(self._test_started)
        group.tested.connect(self._on_tested)
        group.test_failed.connect(self._on_failed)

    # -- what was tested -----------------------------------------------------

    def values(self) -> tuple[Any, ...]:
        """Everything the connection test depends on (not the chosen calendar)."""
        section = CrmSettings() if isinstance(self.group, CrmGroup) else CalendarSettings()
        self.group.save_common(section)
        database = self.group.database.text().strip() if isinstance(self.group, CrmGroup) \
            else ""
        return astuple(section), database, self.group.password.text()

    def _test_started(self) -> None:
        self._testing = self.values()

    def _on_tested(self, answer: object) -> None:
        self.passed = self._testing
        go_on, self._go_on = self._go_on, False
        self.say("")
        if go_on and self.can_go_on(answer):
            self.wizard().next()

    def _on_failed(self, exc: BaseException) -> None:
        self._go_on = False
        self.passed = None
        self.say(self.tr("The connection test failed: correct the details above and "
                         "press Next again."))

    def can_go_on(self, answer: object) -> bool:
        """After a test Next started: go on by itself? (Not if there is a choice.)"""
        return True

    # -- Next ------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        return self.group.check()

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        self.group.clear_notes()
        problems = self.problems()
        for problem in problems:
            self.group.show_problem(problem)
        if problems:
            self.say(self.tr("Please correct the marked fields: {fields}.").format(
                fields=", ".join(p.field for p in problems)))
            problems[0].widget.setFocus()
            return False
        if self.passed == self.values():
            return self.ready()
        if self.group.test_button.isEnabled():
            self._go_on = True
            self._testing = self.values()
            self.group.test()
        self.say("")
        return False

    def ready(self) -> bool:
        """Tested with these values: anything left to do on this page?"""
        return True

    def say(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.setVisible(bool(text))

    def _edited(self) -> None:
        if not self.group.open_problems():
            self.say("")

    def password(self) -> str:
        return self.group.password.text()


class CrmPage(ServerPage):
    def __init__(self, service: GuiService, settings: Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(CrmGroup(service), settings, parent)
        self.setTitle(self.tr("Connect to the CRM"))
        self.setSubTitle(self.tr(
            "Your company's Tryton CRM: its address, database and your sign-in. crmdesk "
            "signs in once to check them; the password goes to the system keyring."))


class CalendarPage(ServerPage):
    def __init__(self, service: GuiService, settings: Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(CalendarGroup(service), settings, parent)
        self.setTitle(self.tr("Connect to your calendar"))
        self.setSubTitle(self.tr(
            "The CalDAV server your phone and mail program use (Nextcloud, Radicale, "
            "SOGo\u2026). The server's address is enough: crmdesk finds your calendars."))

    def initializePage(self) -> None:  # noqa: N802 - Qt's name
        """The same user name as in the CRM is a good guess."""
        crm = self.wizard().page(0)
        if not self.group.username.text() and isinstance(crm, CrmPage):
            self.group.username.setText(crm.group.username.text())

    def problems(self) -> list[Problem]:
        # Before the first test the picker is empty: Next runs the test to fill it.
        return [p for p in self.group.check()
                if p.widget is not self.group.calendar or self.passed is not None]

    def can_go_on(self, answer: object) -> bool:
        calendars: list[CalendarInfo] = answer  # type: ignore[assignment]
        if len(calendars) > 1:
            self.say_hint(self.tr("{n} calendars found: choose the one to synchronize "
                                  "with the CRM, then press Next.").format(n=len(calendars)))
        return len(calendars) == 1

    def ready(self) -> bool:
        if self.group.calendar.currentData():
            return True
        self.say(self.tr("This account has no calendar to synchronize: create one on the "
                         "server (or in your phone's calendar app), then press Next."))
        return False

    def say_hint(self, text: str) -> None:
        self.summary.setText(text)
        self.summary.setStyleSheet(HINT_STYLE)
        self.summary.setVisible(True)

    def say(self, text: str) -> None:
        self.summary.setStyleSheet(ERROR_STYLE)
        super().say(text)


class WindowsPage(QWizardPage):
    """Who wins a conflict, and how far back and ahead to synchronize."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("What to synchronize"))
        self.setSubTitle(self.tr(
            "Only items inside these windows are synchronized; older and later ones are "
            "left alone, never deleted. You can change all of this later in Sync settings."))
        self.priority = QButtonGroup(self)
        box = QGroupBox(self.tr("When the same field changed in the calendar and the CRM"))
        column = QVBoxLayout(box)
        for index, (value, label, hint) in enumerate(PRIORITIES):
            button = QRadioButton(f"{translate('SyncSettings', label)} \u2014 "
                                  f"{translate('SyncSettings', hint)}")
            button.setChecked(value is settings.sync.priority)
            self.priority.addButton(button, index)
            column.addWidget(button)
        self.calendar_past, self.calendar_future = days_box(), days_box()
        self.todo_past, self.todo_future = days_box(), days_box()
        self.form = NotedForm()
        for label, box_, value in (
                (self.tr("Calendar entries, past:"), self.calendar_past,
                 settings.sync.calendar_past_days),
                (self.tr("Calendar entries, future:"), self.calendar_future,
                 settings.sync.calendar_future_days),
                (self.tr("To-dos, past:"), self.todo_past, settings.sync.todo_past_days),
                (self.tr("To-dos, future:"), self.todo_future, settings.sync.todo_future_days)):
            box_.setValue(value)
            self.form.add(label, box_)
        windows = QGroupBox(self.tr("Synchronize only items inside these windows"))
        windows.setLayout(self.form)
        self.summary = _summary()
        layout = QVBoxLayout(self)
        layout.addWidget(box)
        layout.addWidget(windows)
        layout.addStretch(1)
        layout.addWidget(self.summary)

    def validatePage(self) -> bool:  # noqa: N802 - Qt's name
        self.form.clear_notes()
        self.summary.setVisible(False)
        if self.calendar_past.value() + self.calendar_future.value() == 0:
            self.form.show_problem(Problem(
                self.tr("Calendar entries window"),
                self.tr("A window of 0 days synchronizes no calendar entries at all."),
                self.calendar_future))
            return False
        return self.wizard().commit()  # type: ignore[attr-defined, no-any-return]

    def save(self, settings: Settings) -> None:
        save_priority_and_windows(self, settings.sync)

"""The main window's empty states, views and chrome, on the real AppService."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from crmdesk.service import AppService
from crmdesk.settings import Profile, Settings
from crmdesk.ui.mainwindow import NOT_CONFIGURED, MainWindow
from tests.gui.conftest import WAIT_MS, seed_event, this_week

pytestmark = pytest.mark.gui


def test_an_unconfigured_profile_says_where_to_start(window: MainWindow) -> None:
    assert window.calendar_stack.currentIndex() == 1
    assert window.not_configured.text() == NOT_CONFIGURED
    assert "Connection settings" in window.status_bar.summary.text()


def test_window_chrome(window: MainWindow) -> None:
    assert window.windowTitle() == "crmdesk"
    assert not window.windowIcon().isNull()
    assert window.sync_action.shortcut() == QKeySequence("F9")
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == \
        ["Calendar", "To-dos", "Activities"]


def configured(service: AppService) -> None:
    settings = Settings()
    settings.crm.url, settings.crm.database, settings.crm.username = \
        "https://crm.example.com", "prod", "jdoe"
    settings.calendar.url, settings.calendar.username = "https://dav.example.com/", "jdoe"
    settings.calendar.calendar = "https://dav.example.com/jdoe/work/"
    service.save_settings(settings, crm_password="pw", calendar_password="pw")


def test_empty_week_and_lists_say_so(qtbot: QtBot, window: MainWindow,
                                     service: AppService) -> None:
    configured(service)
    window.refresh()
    qtbot.waitUntil(lambda: window.calendar_stack.currentIndex() == 0, timeout=WAIT_MS)
    assert window.calendar.week_view.keys() == []
    assert window.calendar.week_view._empty_text == "Nothing this week"
    qtbot.waitUntil(lambda: window.todos.stack.currentIndex() == 1, timeout=WAIT_MS)
    assert window.todos.stack.message.text() == "No to-dos in your calendar."
    assert "Share with CRM" in window.activities.stack.message.text()


def test_week_navigation_and_agenda(qtbot: QtBot, window: MainWindow,
                                   profile: Profile) -> None:
    monday = seed_event(profile, "Kick-off", this_week(0, 9))
    todo = seed_event(profile, "Send the offer", this_week(2, 17), component="VTODO")
    window.refresh()
    page = window.calendar
    qtbot.waitUntil(lambda: page.week_view.keys() == [monday], timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.todos.tree.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert window.todos.tree.topLevelItem(0).text(0) == "Send the offer"

    page.next_button.click()
    qtbot.waitUntil(lambda: page.week_view.keys() == [], timeout=WAIT_MS)
    page.today_button.click()
    qtbot.waitUntil(lambda: page.week_view.keys() == [monday], timeout=WAIT_MS)

    page.mode_group.button(1).click()                     # Agenda
    qtbot.waitUntil(lambda: page.agenda.tree.topLevelItemCount() == 1, timeout=WAIT_MS)
    day = page.agenda.tree.topLevelItem(0)
    assert day.text(0) == this_week(0, 9).strftime("%A %d %B %Y")
    assert day.child(0).text(0) == "09:00\u201310:00"
    assert day.child(0).text(1) == "Kick-off"
    assert todo not in page.week_view.keys()

"""The main window's empty states, views and chrome, on the real AppService."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from crmdesk.service import AppService
from crmdesk.settings import Profile, Settings
from crmdesk.ui.firstrun.wizard import FirstRunWizard
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.notconfigured import NOT_CONFIGURED
from crmdesk.ui.settings.connection import ConnectionDialog
from tests.gui.conftest import WAIT_MS, seed_event, this_week

pytestmark = pytest.mark.gui


def test_an_unconfigured_profile_says_where_to_start(window: MainWindow) -> None:
    assert window.calendar_stack.currentIndex() == 1
    assert window.not_configured.text() == NOT_CONFIGURED
    assert "Set up crmdesk" in window.status_bar.summary.text()
    page = window.not_configured_page
    assert page.setup_button.isVisible() and page.setup_button.isDefault()
    assert page.by_hand_button.isVisible()


def test_set_up_on_the_not_configured_page_opens_the_first_run_wizard(
        qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.first_run.opened, timeout=WAIT_MS) as opened:
        qtbot.mouseClick(window.not_configured_page.setup_button, Qt.MouseButton.LeftButton)
    wizard = opened.args[0]
    assert isinstance(wizard, FirstRunWizard)
    assert wizard.isVisible() and wizard.windowModality() == Qt.WindowModality.WindowModal
    assert wizard.currentPage() is wizard.crm_page
    assert window.findChild(ConnectionDialog) is None
    assert window.open_setup() is wizard            # one wizard, brought forward
    with qtbot.waitSignal(wizard.finished, timeout=WAIT_MS):
        wizard.reject()
    assert window.first_run.wizard is None


def test_synchronize_without_a_setup_offers_the_wizard(qtbot: QtBot, window: MainWindow) -> None:
    with qtbot.waitSignal(window.first_run.opened, timeout=WAIT_MS) as opened:
        window.sync_action.trigger()
    assert not window.sync_runner.running
    opened.args[0].reject()


def test_the_plain_connection_settings_stay_one_click_away(qtbot: QtBot,
                                                           window: MainWindow) -> None:
    qtbot.mouseClick(window.not_configured_page.by_hand_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(ConnectionDialog)
    assert dialog is not None and dialog.isVisible()
    assert window.first_run.wizard is None
    dialog.reject()


def test_window_chrome(window: MainWindow) -> None:
    assert window.windowTitle() == "crmdesk"
    assert not window.windowIcon().isNull()
    assert window.sync_action.shortcut() == QKeySequence("F9")
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == \
        ["Calendar", "To-dos", "Activities"]


def test_saved_settings_without_passwords_ask_for_the_passwords_not_the_wizard(
        qtbot: QtBot, window: MainWindow, service: AppService,
        monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    settings.crm.url, settings.crm.database, settings.crm.username = \
        "https://crm.example.com", "prod", "jdoe"
    settings.calendar.url, settings.calendar.username = "https://dav.example.com/", "jdoe"
    service.save_settings(settings)                   # no keyring entry: a restart without one
    asked: list[MainWindow] = []
    monkeypatch.setattr("crmdesk.ui.mainwindow.ask_missing_passwords",
                        lambda parent, _service: asked.append(parent) or False)
    page = window.not_configured_page
    window.refresh()
    qtbot.waitUntil(lambda: page.passwords_button.isVisibleTo(page), timeout=WAIT_MS)
    assert window.not_configured.text() == "crmdesk needs your passwords"
    assert page.setup_button.isHidden() and page.passwords_button.isDefault()
    assert "needs the passwords" in window.status_bar.summary.text()
    qtbot.mouseClick(page.passwords_button, Qt.MouseButton.LeftButton)
    window.sync_action.trigger()
    assert asked == [window, window] and window.first_run.wizard is None


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

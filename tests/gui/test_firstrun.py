"""The first-run wizard: happy path against real servers, each failure, Skip."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QWizard
from pytestqt.qtbot import QtBot

from crmdesk.devservers.tryton import free_port
from crmdesk.service import AppService
from crmdesk.settings import Priority
from crmdesk.ui.firstrun.wizard import FirstRun, FirstRunWizard
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.settings.connection import ServerGroup
from tests.conftest import InMemoryKeyring
from tests.gui.conftest import SYNC_MS, WAIT_MS, key_of, put_event, wait_loaded
from tests.gui.relay import Relay, relays  # noqa: F401 - a fixture

pytestmark = pytest.mark.gui

Button = QWizard.WizardButton


@pytest.fixture
def wizard(qtbot: QtBot, service: AppService) -> Iterator[FirstRunWizard]:
    wz = FirstRunWizard(service)
    qtbot.addWidget(wz)
    wz.show()
    yield wz
    wz.finish_page.stop_and_wait()


def click(qtbot: QtBot, button: QAbstractButton) -> None:
    assert button.isVisible() and button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot: QtBot, group: ServerGroup, **fields: str) -> None:
    for name, text in fields.items():
        getattr(group, name).clear()
        qtbot.keyClicks(getattr(group, name), text)


def wait_tested(qtbot: QtBot, group: ServerGroup) -> None:
    qtbot.waitUntil(lambda: group.test_button.isEnabled()
                    and group.result.text() not in ("", "Testing\u2026"), timeout=WAIT_MS * 3)


def nothing_saved(service: AppService, keyring: InMemoryKeyring) -> bool:
    return not service.profile.settings_path.exists() and not keyring.passwords


def fill_crm(qtbot: QtBot, wizard: FirstRunWizard, url: str, database: str, login: str,
             password: str) -> None:
    type_into(qtbot, wizard.crm_page.group, url=url, database=database, username=login,
              password=password)


def to_calendar_page(qtbot: QtBot, wizard: FirstRunWizard, crm_url: str, server: Any,
                     rep: Any) -> None:
    fill_crm(qtbot, wizard, crm_url, server.database, rep.login, rep.password)
    click(qtbot, wizard.button(Button.NextButton))       # Next runs the test, then goes on
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.calendar_page, timeout=WAIT_MS * 3)


def choose_calendar(qtbot: QtBot, wizard: FirstRunWizard, url: str, caldav: Any,
                    calendar_url: str) -> None:
    group = wizard.calendar_page.group
    type_into(qtbot, group, url=url, username=caldav.username, password=caldav.password)
    click(qtbot, group.test_button)
    wait_tested(qtbot, group)
    assert group.result.text().startswith("Connected: "), group.result.text()
    index = group.calendar.findData(calendar_url)
    assert index >= 0, [group.calendar.itemData(i) for i in range(group.calendar.count())]
    group.calendar.setCurrentIndex(index)


# -- happy path --------------------------------------------------------------------

@pytest.mark.integration
def test_first_run_sets_up_crmdesk_and_runs_the_first_sync(
        qtbot: QtBot, service: AppService, caldav: Any, tryton_server: Any,
        tryton_rep: Any, memory_keyring: InMemoryKeyring) -> None:
    uid = put_event(caldav, "Kick-off with Initech")
    window = MainWindow(service)
    qtbot.addWidget(window)
    first_run = FirstRun(window)
    with qtbot.waitSignal(first_run.opened, timeout=WAIT_MS) as opened:
        window.show()
    wizard: FirstRunWizard = opened.args[0]
    assert wizard.isVisible() and wizard.windowModality() == Qt.WindowModality.WindowModal

    to_calendar_page(qtbot, wizard, tryton_server.url, tryton_server, tryton_rep)
    assert wizard.crm_page.group.result.text() == f"Signed in as {tryton_rep.identity.name}"
    calendar = wizard.calendar_page.group
    assert calendar.username.text() == tryton_rep.login     # the CRM's user name, a guess
    choose_calendar(qtbot, wizard, caldav.url, caldav, caldav.calendar_url)
    assert nothing_saved(service, memory_keyring), "nothing is written before the commit"
    click(qtbot, wizard.button(Button.NextButton))
    assert wizard.currentPage() is wizard.windows_page

    page = wizard.windows_page
    page.priority.button(0).setChecked(True)                # "The CRM wins"
    page.calendar_future.setValue(90)
    commit = wizard.button(Button.CommitButton)
    assert commit.text() == "Save and synchronize"
    click(qtbot, commit)
    finish = wizard.finish_page
    assert wizard.currentPage() is finish
    qtbot.waitUntil(lambda: wizard.button(Button.FinishButton).isEnabled(), timeout=SYNC_MS)

    assert finish.report is not None and not finish.report.errors
    assert finish.headline.text() == "Your calendar and the CRM are synchronized."
    assert "Written to your calendar: " in finish.details.text()
    assert not wizard.button(Button.BackButton).isEnabled()
    assert not wizard.button(Button.CustomButton1).isVisible()   # no skipping after saving
    click(qtbot, wizard.button(Button.FinishButton))

    settings = service.settings
    assert (settings.crm.url, settings.crm.username) == (tryton_server.url, tryton_rep.login)
    assert settings.calendar.calendar == caldav.calendar_url
    assert (settings.sync.priority, settings.sync.calendar_future_days) == (Priority.CRM, 90)
    text = service.profile.settings_path.read_text()
    assert tryton_rep.password not in text and caldav.password not in text
    assert {tryton_rep.password, caldav.password} <= set(memory_keyring.passwords.values())
    qtbot.waitUntil(lambda: window.status is not None and window.status.configured,
                    timeout=WAIT_MS)
    assert window.status_bar.summary.text().startswith("Synchronized today")
    key = key_of(service, uid)
    qtbot.waitUntil(lambda: key in window.calendar.week_view.keys(), timeout=WAIT_MS)
    window.close()


def test_a_configured_profile_gets_no_wizard(qtbot: QtBot, service: AppService) -> None:
    settings = service.settings.copy()
    settings.crm.url, settings.crm.database, settings.crm.username = \
        "https://crm.example.com", "prod", "jdoe"
    settings.calendar.url, settings.calendar.username = "https://dav.example.com/", "jdoe"
    service.save_settings(settings, crm_password="pw", calendar_password="pw")
    window = MainWindow(service)
    qtbot.addWidget(window)
    first_run = FirstRun(window)
    window.show()
    wait_loaded(qtbot, window)
    assert first_run.wizard is None
    window.close()


# -- each failure ------------------------------------------------------------------

def test_next_on_empty_fields_names_each_one(qtbot: QtBot, wizard: FirstRunWizard,
                                             service: AppService,
                                             memory_keyring: InMemoryKeyring) -> None:
    click(qtbot, wizard.button(Button.NextButton))

    assert wizard.currentPage() is wizard.crm_page
    group = wizard.crm_page.group
    assert group.form.notes[group.url].text() == "Enter the server address."
    assert group.form.notes[group.database].text() == "Enter the database name."
    assert wizard.crm_page.summary.text() == (
        "Please correct the marked fields: CRM server address, CRM database, "
        "CRM user name, CRM password.")
    assert group.result.text() == ""                 # nothing was tried
    qtbot.keyClicks(group.url, "crm.example.com")
    click(qtbot, wizard.button(Button.NextButton))
    assert group.form.notes[group.url].text().startswith("The address must start with http")
    assert nothing_saved(service, memory_keyring)


def test_unreachable_crm_keeps_the_page_and_says_why(qtbot: QtBot, wizard: FirstRunWizard,
                                                     service: AppService,
                                                     memory_keyring: InMemoryKeyring) -> None:
    fill_crm(qtbot, wizard, f"http://127.0.0.1:{free_port()}", "crm", "jdoe", "pw")
    click(qtbot, wizard.button(Button.NextButton))
    group = wizard.crm_page.group
    wait_tested(qtbot, group)

    assert wizard.currentPage() is wizard.crm_page
    assert group.result.text().startswith("Can't reach the CRM at http://127.0.0.1:")
    assert wizard.crm_page.summary.text() == (
        "The connection test failed: correct the details above and press Next again.")
    click(qtbot, wizard.button(Button.NextButton))     # still no way past a failed test
    wait_tested(qtbot, group)
    assert wizard.currentPage() is wizard.crm_page
    assert nothing_saved(service, memory_keyring)


@pytest.mark.integration
def test_wrong_crm_password_is_refused_in_words(qtbot: QtBot, wizard: FirstRunWizard,
                                                tryton_server: Any, tryton: Any) -> None:
    rep = tryton.new_rep("wizard", sign_in=False)         # her own login: lockouts stay hers
    fill_crm(qtbot, wizard, tryton_server.url, tryton_server.database, rep.login,
             rep.password + "-typo")
    click(qtbot, wizard.button(Button.NextButton))
    group = wizard.crm_page.group
    wait_tested(qtbot, group)

    assert wizard.currentPage() is wizard.crm_page
    assert group.result.text() == ("The CRM refused your user name or password. Check them "
                                   "in Connection settings.")


@pytest.mark.integration
def test_calendar_failure_window_check_and_cancel_save_nothing(
        qtbot: QtBot, wizard: FirstRunWizard, service: AppService, caldav: Any,
        tryton_server: Any, tryton_rep: Any, memory_keyring: InMemoryKeyring) -> None:
    to_calendar_page(qtbot, wizard, tryton_server.url, tryton_server, tryton_rep)
    page, group = wizard.calendar_page, wizard.calendar_page.group
    closed = f"http://127.0.0.1:{free_port()}/"
    type_into(qtbot, group, url=closed, username=caldav.username, password=caldav.password)
    click(qtbot, wizard.button(Button.NextButton))
    wait_tested(qtbot, group)
    assert wizard.currentPage() is page
    assert group.result.text().startswith("Can't reach the calendar server at " + closed)
    assert group.calendar.count() == 0

    choose_calendar(qtbot, wizard, caldav.url, caldav, caldav.calendar_url)
    click(qtbot, wizard.button(Button.NextButton))
    windows = wizard.windows_page
    assert wizard.currentPage() is windows
    windows.calendar_past.setValue(0)
    windows.calendar_future.setValue(0)
    click(qtbot, wizard.button(Button.CommitButton))
    assert wizard.currentPage() is windows
    assert windows.form.notes[windows.calendar_future].text() == \
        "A window of 0 days synchronizes no calendar entries at all."

    click(qtbot, wizard.button(Button.CancelButton))
    assert not wizard.isVisible()
    assert nothing_saved(service, memory_keyring)


@pytest.mark.integration
def test_a_failed_first_sync_can_be_tried_again(
        qtbot: QtBot, wizard: FirstRunWizard, service: AppService, caldav: Any,
        tryton_server: Any, tryton_rep: Any, relays: tuple[Relay, Relay]) -> None:
    crm, dav = relays
    to_calendar_page(qtbot, wizard, crm.url(tryton_server.url), tryton_server, tryton_rep)
    choose_calendar(qtbot, wizard, dav.url(caldav.url), caldav, dav.url(caldav.calendar_url))
    click(qtbot, wizard.button(Button.NextButton))
    crm.unplug()
    dav.unplug()                                           # the Wi-Fi drops right now
    click(qtbot, wizard.button(Button.CommitButton))
    finish = wizard.finish_page
    qtbot.waitUntil(lambda: finish.retry_button.isVisible(), timeout=SYNC_MS)

    assert finish.headline.text() == "The first synchronization did not finish."
    assert "can't be reached" in finish.details.text() or "Can't reach" in \
        finish.details.text()
    assert "Your settings are saved." in finish.details.text()
    assert wizard.button(Button.FinishButton).isEnabled()
    assert service.settings.crm.username == tryton_rep.login      # committed before the sync

    crm.plug()
    dav.plug()
    click(qtbot, finish.retry_button)
    qtbot.waitUntil(lambda: finish.report is not None, timeout=SYNC_MS)
    assert not finish.report.errors
    assert finish.headline.text() == "Your calendar and the CRM are synchronized."
    assert not finish.retry_button.isVisible()


# -- skip --------------------------------------------------------------------------------

def test_skip_explains_the_demo_and_saves_nothing(qtbot: QtBot, service: AppService,
                                                  memory_keyring: InMemoryKeyring) -> None:
    window = MainWindow(service)
    qtbot.addWidget(window)
    first_run = FirstRun(window)
    with qtbot.waitSignal(first_run.opened, timeout=WAIT_MS) as opened:
        window.show()
    wizard: FirstRunWizard = opened.args[0]
    skip = wizard.button(Button.CustomButton1)
    assert skip.text() == "Skip: explore the demo instead"
    with qtbot.waitSignal(wizard.rejected, timeout=WAIT_MS):
        click(qtbot, skip)

    box = first_run.demo_box
    assert box is not None and box.isVisible()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "crmdesk demo" in box.text() and "Nothing you do there reaches a real server" \
        in box.text()
    assert nothing_saved(service, memory_keyring)
    assert window.calendar_stack.currentIndex() == 1        # "No calendar configured"
    box.close()
    window.close()


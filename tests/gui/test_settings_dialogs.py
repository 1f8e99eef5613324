"""Connection and Sync settings dialogs: validation, Test connection, OK and Cancel."""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from crmdesk.devservers.tryton import free_port
from crmdesk.service import AppService
from crmdesk.settings import (CalendarSettings, CrmSettings, DeletePolicy, Priority, Profile,
                              Settings)
from crmdesk.ui.errors import describe
from crmdesk.ui.settings.base import SettingsDialog
from crmdesk.ui.settings.connection import ConnectionDialog
from crmdesk.ui.settings.sync import SyncSettingsDialog
from tests.conftest import InMemoryKeyring
from tests.gui.conftest import WAIT_MS

pytestmark = pytest.mark.gui

CRM_PW = "crm-Secret-123"
CAL_PW = "cal-Secret-456"


def same_words(shown: str, expected: str) -> bool:
    """Equal but for object addresses a library may put in an error detail."""
    return re.sub(r"0x[0-9a-f]+", "0x", shown) == re.sub(r"0x[0-9a-f]+", "0x", expected)


def press(qtbot: QtBot, dialog: SettingsDialog, which: QDialogButtonBox.StandardButton) -> None:
    qtbot.mouseClick(dialog.buttons.button(which), Qt.MouseButton.LeftButton)


def open_dialog(qtbot: QtBot, dialog: SettingsDialog) -> SettingsDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def saved_settings(service: AppService, **crm: str) -> None:
    """A configured profile (what the rep saved last time)."""
    settings = Settings()
    settings.crm = CrmSettings(url="https://crm.example.com", database="prod",
                               username="jdoe", **crm)
    settings.calendar = CalendarSettings(url="https://dav.example.com/", username="jdoe",
                                         calendar="https://dav.example.com/jdoe/work/")
    service.save_settings(settings, crm_password=CRM_PW, calendar_password=CAL_PW)


# -- validation ---------------------------------------------------------------

def test_ok_on_an_empty_form_names_every_missing_field(qtbot: QtBot,
                                                       service: AppService) -> None:
    dialog = open_dialog(qtbot, ConnectionDialog(service))
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)

    assert dialog.isVisible(), "invalid settings must not close the dialog"
    notes = dialog.crm.form.notes
    assert notes[dialog.crm.url].text() == "Enter the server address."
    assert notes[dialog.crm.database].text() == "Enter the database name."
    assert notes[dialog.crm.username].text() == "Enter your user name."
    calendar_note = dialog.calendar.form.notes[dialog.calendar.calendar]
    assert calendar_note.isVisibleTo(dialog)
    assert calendar_note.text().startswith("Choose a calendar")
    summary = dialog.summary.text()
    for field in ("CRM server address", "CRM database", "CRM user name", "CRM password",
                  "Calendar server address", "Calendar user name", "Calendar"):
        assert field in summary
    assert not service.profile.settings_path.exists()


def test_server_address_must_be_http_or_https(qtbot: QtBot, service: AppService) -> None:
    dialog = open_dialog(qtbot, ConnectionDialog(service))
    qtbot.keyClicks(dialog.crm.url, "crm.example.com")
    qtbot.keyClicks(dialog.calendar.url, "ftp://dav.example.com")
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)

    for group in (dialog.crm, dialog.calendar):
        assert group.form.notes[group.url].text().startswith(
            "The address must start with http:// or https://")
    # typing in the field takes the complaint away
    qtbot.keyClicks(dialog.crm.url, "x")
    assert not dialog.crm.form.notes[dialog.crm.url].isVisibleTo(dialog)


def test_sync_window_of_zero_days_is_refused(qtbot: QtBot, service: AppService) -> None:
    dialog = open_dialog(qtbot, SyncSettingsDialog(service))
    dialog.page.calendar_past.setValue(0)
    dialog.page.calendar_future.setValue(0)
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)
    assert dialog.isVisible()
    assert "Calendar entries window" in dialog.summary.text()


# -- Cancel discards, OK saves ---------------------------------------------------

def test_cancel_discards_every_change(qtbot: QtBot, service: AppService,
                                      memory_keyring: InMemoryKeyring) -> None:
    saved_settings(service)
    before = service.profile.settings_path.read_bytes()
    passwords = dict(memory_keyring.passwords)
    dialog = open_dialog(qtbot, ConnectionDialog(service))
    dialog.crm.url.setText("https://elsewhere.example.com")
    dialog.crm.password.setText("typed-but-cancelled")
    dialog.calendar.verify_tls.setChecked(False)
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)

    assert not dialog.isVisible()
    assert service.profile.settings_path.read_bytes() == before
    assert service.settings.crm.url == "https://crm.example.com"
    assert service.settings.calendar.verify_tls is True
    assert memory_keyring.passwords == passwords

    sync = open_dialog(qtbot, SyncSettingsDialog(service))
    sync.page.priority_buttons[Priority.CRM].setChecked(True)
    sync.page.todo_future.setValue(7)
    press(qtbot, sync, QDialogButtonBox.StandardButton.Cancel)
    assert service.profile.settings_path.read_bytes() == before


def test_empty_password_keeps_the_stored_one(qtbot: QtBot, service: AppService,
                                             memory_keyring: InMemoryKeyring) -> None:
    saved_settings(service)
    dialog = open_dialog(qtbot, ConnectionDialog(service))
    assert dialog.crm.password.text() == ""
    assert "leave empty to keep" in dialog.crm.password.placeholderText()
    dialog.crm.database.setText("staging")
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)

    assert not dialog.isVisible()
    assert service.settings.crm.database == "staging"
    assert service.password("crm") == CRM_PW


def test_sync_settings_ok_saves(qtbot: QtBot, service: AppService, profile: Profile) -> None:
    dialog = open_dialog(qtbot, SyncSettingsDialog(service))
    dialog.page.priority_buttons[Priority.CALENDAR].setChecked(True)
    dialog.page.calendar_future.setValue(90)
    dialog.page.todo_past.setValue(3)
    dialog.page.share_new.setChecked(True)
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)

    assert not dialog.isVisible()
    reloaded = AppService(profile)
    try:
        sync = reloaded.settings.sync
        assert (sync.priority, sync.calendar_future_days, sync.todo_past_days,
                sync.share_new_items) == (Priority.CALENDAR, 90, 3, True)
    finally:
        reloaded.close()


def test_sync_settings_save_the_delete_policy_and_the_mass_delete_guard(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    dialog = open_dialog(qtbot, SyncSettingsDialog(service))
    page = dialog.page
    assert page.delete_policy.currentText() == "Delete the CRM activity"
    assert (page.mass_percent.value(), page.mass_min.value()) == (10, 20)
    assert [page.delete_policy.itemText(i) for i in range(page.delete_policy.count())] == [
        "Delete the CRM activity", "Cancel it in the CRM and add a follow-up to-do",
        "Delete only meetings with invitees; keep the others in the CRM"]
    page.delete_policy.setCurrentIndex(1)
    page.mass_percent.setValue(25)
    page.mass_min.setValue(3)
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)

    assert not dialog.isVisible()
    reloaded = AppService(profile)
    try:
        sync = reloaded.settings.sync
        assert (sync.delete_policy, sync.mass_delete_percent, sync.mass_delete_min) == \
            (DeletePolicy.CANCEL, 25, 3)
    finally:
        reloaded.close()
    again = open_dialog(qtbot, SyncSettingsDialog(service))       # load shows what was saved
    assert again.page.delete_policy.currentData() == "cancel"
    assert (again.page.mass_percent.value(), again.page.mass_min.value()) == (25, 3)


def test_sync_settings_cancel_discards_the_new_fields(qtbot: QtBot,
                                                     service: AppService) -> None:
    settings = service.settings.copy()
    settings.sync.delete_policy = DeletePolicy.INVITEES
    service.save_settings(settings)
    before = service.profile.settings_path.read_bytes()
    dialog = open_dialog(qtbot, SyncSettingsDialog(service))
    assert dialog.page.delete_policy.currentData() == "invitees"
    dialog.page.delete_policy.setCurrentIndex(0)
    dialog.page.mass_percent.setValue(90)
    dialog.page.mass_min.setValue(0)
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Cancel)

    assert service.profile.settings_path.read_bytes() == before
    sync = service.settings.sync
    assert (sync.delete_policy, sync.mass_delete_percent, sync.mass_delete_min) == \
        (DeletePolicy.INVITEES, 10, 20)


# -- Test connection against real servers ---------------------------------------

def test_connection_tests_succeed_and_ok_saves_passwords_in_the_keyring(
        qtbot: QtBot, service: AppService, caldav: Any, tryton_server: Any,
        tryton_rep: Any, memory_keyring: InMemoryKeyring) -> None:
    dialog = open_dialog(qtbot, ConnectionDialog(service))
    crm, cal = dialog.crm, dialog.calendar
    qtbot.keyClicks(crm.url, tryton_server.url)
    qtbot.keyClicks(crm.database, tryton_server.database)
    qtbot.keyClicks(crm.username, tryton_rep.login)
    qtbot.keyClicks(crm.password, tryton_rep.password)
    qtbot.keyClicks(cal.url, caldav.url)
    qtbot.keyClicks(cal.username, caldav.username)
    qtbot.keyClicks(cal.password, caldav.password)

    qtbot.mouseClick(crm.test_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(cal.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: crm.test_button.isEnabled() and cal.test_button.isEnabled(),
                    timeout=WAIT_MS * 3)
    assert crm.result.text() == f"Signed in as {tryton_rep.identity.name}"
    assert cal.result.text().startswith("Connected: ")
    index = cal.calendar.findData(caldav.calendar_url)
    assert index >= 0, [cal.calendar.itemData(i) for i in range(cal.calendar.count())]
    cal.calendar.setCurrentIndex(index)
    press(qtbot, dialog, QDialogButtonBox.StandardButton.Ok)

    assert not dialog.isVisible(), dialog.summary.text()
    text = service.profile.settings_path.read_text()
    assert tryton_rep.login in text and caldav.calendar_url in text
    assert tryton_rep.password not in text and caldav.password not in text
    assert "password" not in text
    stored = set(memory_keyring.passwords.values())
    assert {tryton_rep.password, caldav.password} <= stored
    assert service.password("crm") == tryton_rep.password
    assert service.password("calendar") == caldav.password


def test_connection_test_failure_is_explained_in_words(qtbot: QtBot,
                                                       service: AppService) -> None:
    closed = f"http://127.0.0.1:{free_port()}"
    dialog = open_dialog(qtbot, ConnectionDialog(service))
    crm, cal = dialog.crm, dialog.calendar
    for field, text in ((crm.url, closed), (crm.database, "crm"), (crm.username, "jdoe"),
                        (crm.password, "pw"), (cal.url, closed + "/dav/"),
                        (cal.username, "jdoe"), (cal.password, "pw")):
        qtbot.keyClicks(field, text)
    qtbot.mouseClick(crm.test_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(cal.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: crm.test_button.isEnabled() and cal.test_button.isEnabled(),
                    timeout=WAIT_MS * 3)

    with pytest.raises(Exception) as crm_error:
        service.test_crm(CrmSettings(url=closed, database="crm", username="jdoe"), "pw")
    with pytest.raises(Exception) as cal_error:
        service.test_calendar(CalendarSettings(url=closed + "/dav/", username="jdoe"), "pw")
    assert crm.result.text() == describe(crm_error.value).message
    assert same_words(cal.result.text(), describe(cal_error.value).message)
    assert "reach" in crm.result.text() and "Connection settings" in crm.result.text()
    assert cal.calendar.count() == 0

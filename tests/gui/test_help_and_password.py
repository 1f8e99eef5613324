"""Help menu (Export diagnostics…, About) and the per-session password prompt."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any, Callable

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from PySide6.QtCore import QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk import __version__
from crmdesk.service import AppService
from crmdesk.settings import Settings
from crmdesk.settings.secrets import forget_session, set_password
from crmdesk.ui.help import AboutDialog, install_help_menu
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.password_prompt import (PasswordPrompt, ask_missing_passwords,
                                        missing_password_sides, prompt_for)

from .conftest import WAIT_MS, synchronize


@pytest.fixture
def no_keyring() -> None:
    keyring.set_keyring(FailKeyring())


def configured(service: AppService) -> None:
    """Servers and users set; passwords left to the test."""
    settings = Settings()
    settings.crm.url, settings.crm.database, settings.crm.username = "https://crm", "db", "rita"
    settings.calendar.url, settings.calendar.username = "https://dav", "rita"
    service.save_settings(settings)


def find(qtbot: QtBot, kind: type, name: str) -> Any:
    found: list[Any] = []

    def present() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets()
                    if isinstance(w, kind) and w.objectName() == name and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(present, timeout=WAIT_MS)
    return found[0]


def test_help_menu_is_added_last(window: MainWindow, service: AppService) -> None:
    menu = install_help_menu(window, service)
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles[-1] == "&Help" and menu.objectName() == "helpMenu"
    assert [a.text() for a in menu.actions() if a.text()] == ["Export diagnostics\u2026",
                                                              "About crmdesk"]


def test_about_shows_the_versions(qtbot: QtBot, window: MainWindow,
                                  service: AppService) -> None:
    menu = install_help_menu(window, service)
    next(a for a in menu.actions() if a.objectName() == "aboutAction").trigger()
    about = window.findChild(AboutDialog, "aboutDialog")
    qtbot.waitUntil(about.isVisible, timeout=WAIT_MS)
    for name in ("crmdesk", "Python", "Qt", "PySide6", "icalendar", "requests",
                 "keyring backend"):
        assert about.rows[name].text(), name
    assert about.rows["crmdesk"].text() == __version__
    assert "InMemoryKeyring" in about.rows["keyring backend"].text()
    about.copy_button.click()
    assert f"crmdesk: {__version__}" in QGuiApplication.clipboard().text()
    about.close()


def test_export_diagnostics_writes_the_zip(qtbot: QtBot, window: MainWindow,
                                          service: AppService, tmp_path: Path) -> None:
    menu = install_help_menu(window, service)
    next(a for a in menu.actions() if a.objectName() == "exportDiagnosticsAction").trigger()
    dialog = window.findChild(QFileDialog, "exportDiagnosticsDialog")
    qtbot.waitUntil(dialog.isVisible, timeout=WAIT_MS)
    target = tmp_path / "ticket.zip"
    dialog.selectFile(str(target))
    dialog.accept()
    saved = window.findChild(QMessageBox, "diagnosticsSaved")
    assert saved is not None and str(target) in saved.text()
    with zipfile.ZipFile(target) as bundle:
        assert {"about.json", "settings.toml", "reports.json"} <= set(bundle.namelist())
    saved.close()


def test_prompt_says_there_is_no_keyring_and_keeps_the_password(
        qtbot: QtBot, service: AppService, no_keyring: None) -> None:
    configured(service)
    assert missing_password_sides(service) == ["crm", "calendar"]
    prompt = prompt_for(service, "crm")
    qtbot.addWidget(prompt)
    prompt.show()
    assert prompt.notice.isVisible() and "No system keyring" in prompt.notice.text()
    ok = prompt.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not ok.isEnabled()
    qtbot.keyClicks(prompt.password, "typed-in-gui")
    assert ok.isEnabled()
    ok.click()
    assert service.password("crm") == "typed-in-gui"
    assert prompt.password.text() == ""
    assert missing_password_sides(service) == ["calendar"]
    for path in service.profile.config_dir.rglob("*"):
        assert not path.is_file() or b"typed-in-gui" not in path.read_bytes(), path


def test_prompt_without_notice_when_a_keyring_exists(qtbot: QtBot, service: AppService) -> None:
    configured(service)
    prompt = prompt_for(service, "calendar")
    qtbot.addWidget(prompt)
    prompt.show()
    assert not prompt.notice.isVisible()
    set_password("calendar", "https://dav", "rita", "stored")
    assert missing_password_sides(service) == ["crm"]


def answer_prompts(qtbot: QtBot, answers: list[str | None]) -> Callable[[], None]:
    """Fill in (or cancel, for None) each modal prompt as it comes up."""
    def step() -> None:
        prompt = QApplication.activeModalWidget()
        if not isinstance(prompt, PasswordPrompt):
            QTimer.singleShot(20, step)
            return
        answer = answers.pop(0)
        if answer is None:
            prompt.reject()
        else:
            prompt.password.setText(answer)
            prompt.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
        if answers:
            QTimer.singleShot(20, step)
    return step


def test_ask_missing_passwords_asks_each_server(qtbot: QtBot, service: AppService,
                                                no_keyring: None) -> None:
    configured(service)
    QTimer.singleShot(0, answer_prompts(qtbot, ["crm-typed", "dav-typed"]))
    assert ask_missing_passwords(None, service) is True
    assert (service.password("crm"), service.password("calendar")) == ("crm-typed", "dav-typed")
    assert ask_missing_passwords(None, service) is True      # nothing left to ask


def test_cancelling_the_prompt_stops(qtbot: QtBot, service: AppService,
                                     no_keyring: None) -> None:
    configured(service)
    QTimer.singleShot(0, answer_prompts(qtbot, [None]))
    assert ask_missing_passwords(None, service) is False
    assert service.password("crm") is None


@pytest.mark.integration
def test_gui_sync_without_keyring_after_a_restart(qtbot: QtBot, no_keyring: None,
                                                  synced_window: MainWindow,
                                                  service: AppService, caldav: Any,
                                                  tryton_rep: Any) -> None:
    # Connection settings kept the passwords for the session; a restart forgets them.
    forget_session()
    assert missing_password_sides(service) == ["crm", "calendar"]
    QTimer.singleShot(0, answer_prompts(qtbot, [tryton_rep.password, caldav.password]))
    assert ask_missing_passwords(synced_window, service)
    report = synchronize(qtbot, synced_window)
    assert report.ok
    for path in service.profile.config_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in (tryton_rep.password, caldav.password):
                assert secret.encode() not in data, path

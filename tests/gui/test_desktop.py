"""Desktop integration: single instance, tray menu and notifications, automatic
sync, remembered geometry, shortcuts and translations."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QDir, QLocale, QSize, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.service import AppService
from crmdesk.settings import Profile
from crmdesk.ui.i18n import install_translations
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.settings.sync import SyncSettingsDialog
from crmdesk.ui.single import SingleInstance, bring_to_front, server_name
from crmdesk.ui.tray import SyncTray
from crmdesk.ui.windowstate import state_path
from tests.gui.conftest import (SYNC_MS, WAIT_MS, configure, make_conflict)
from tests.gui.test_offline import open_window, unreachable_profile

pytestmark = pytest.mark.gui

LAUNCH_S = 60


# -- single instance -----------------------------------------------------------------

def second_launch(profile: Profile, tmp_path: Path) -> subprocess.Popen[str]:
    """`crmdesk --profile-dir DIR` in a new process, as a second click on the icon."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen",
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[name] = str(tmp_path / name.lower())
    code = "import sys; from crmdesk.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.Popen([sys.executable, "-c", code, "--profile-dir",
                             str(profile.config_dir)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_a_second_launch_raises_the_first_window_and_exits(
        qtbot: QtBot, window: MainWindow, service: AppService, tmp_path: Path) -> None:
    first = SingleInstance(service.profile)
    assert first.listen()
    first.raise_requested.connect(lambda: bring_to_front(window))
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized, timeout=WAIT_MS)
    launched: list[subprocess.Popen[str]] = []
    try:
        with qtbot.waitSignal(first.raise_requested, timeout=LAUNCH_S * 1000):
            launched.append(second_launch(service.profile, tmp_path))
        out, err = launched[0].communicate(timeout=LAUNCH_S)
    finally:
        first.close()
        for proc in launched:
            proc.kill() if proc.poll() is None else None
    assert launched[0].returncode == 0, err
    assert "already running" in err
    assert not window.isMinimized() and window.isVisible()


def test_two_launches_of_the_app_leave_one_instance(service: AppService,
                                                    tmp_path: Path) -> None:
    """Both launches are real `crmdesk` processes: run_gui does the wiring."""
    first = second_launch(service.profile, tmp_path)
    try:
        probe = SingleInstance(service.profile)
        deadline = time.monotonic() + LAUNCH_S
        while not probe.notify_running(200):        # the first window is up when it answers
            assert first.poll() is None, first.communicate()[1]
            assert time.monotonic() < deadline, "the first launch never listened"
            time.sleep(0.1)
        second = second_launch(service.profile, tmp_path)
        _, err = second.communicate(timeout=LAUNCH_S)
        assert second.returncode == 0, err
        assert "already running with this profile" in err
        assert first.poll() is None                 # the first one goes on
    finally:
        first.send_signal(signal.SIGTERM)           # as at logout: it quits cleanly
        _, first_err = first.communicate(timeout=LAUNCH_S)
    assert first.returncode == 0, first_err
    after = SingleInstance(service.profile)
    assert after.listen()                            # and leaves no lock behind
    after.close()


def test_another_profile_is_another_instance(service: AppService, tmp_path: Path) -> None:
    first = SingleInstance(service.profile)
    assert first.listen()
    try:
        other = Profile.at(tmp_path / "other")
        assert server_name(other) != first.name
        assert not SingleInstance(other).notify_running(200)
    finally:
        first.close()


def test_a_crashed_instance_leaves_no_lock(qtbot: QtBot, service: AppService) -> None:
    name = server_name(service.profile)
    leftover = Path(QDir.tempPath()) / name
    stale = socket.socket(socket.AF_UNIX)
    stale.bind(str(leftover))                  # bound, never listening: the crash's socket
    stale.close()
    assert leftover.exists()
    first = SingleInstance(service.profile)
    try:
        assert not first.notify_running(200)
        assert first.listen()
        with qtbot.waitSignal(first.raise_requested, timeout=WAIT_MS):
            assert SingleInstance(service.profile).notify_running()
    finally:
        first.close()


# -- tray ----------------------------------------------------------------------------

def menu_texts(tray: SyncTray) -> list[str]:
    return [action.text() for action in tray.menu.actions()]


def test_tray_menu_has_the_state_line_synchronize_show_and_quit(
        qtbot: QtBot, window: MainWindow) -> None:
    tray = window.tray
    assert menu_texts(tray) == ["Not connected yet", "", "Synchronize", "Show crmdesk", "",
                                "Quit crmdesk"]
    assert tray.sync_action is window.sync_action and tray.sync_action.shortcut() == \
        QKeySequence("F9")
    assert not tray.last_sync_action.isEnabled()
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized, timeout=WAIT_MS)
    tray.show_action.trigger()
    assert not window.isMinimized() and window.isVisible()


@pytest.mark.integration
def test_tray_synchronize_runs_a_sync_and_updates_the_last_sync_line(
        qtbot: QtBot, synced_window: MainWindow) -> None:
    tray = synced_window.tray
    assert tray.last_sync_action.text() == "Never synchronized"
    with qtbot.waitSignal(synced_window.sync_runner.finished, timeout=SYNC_MS):
        tray.sync_action.trigger()
        assert synced_window.sync_runner.running
        assert tray.last_sync_action.text() == "Synchronizing\u2026"
    qtbot.waitUntil(lambda: tray.last_sync_action.text().startswith(
        "Last synchronized today at "), timeout=WAIT_MS)


@pytest.mark.integration
def test_an_automatic_sync_with_a_conflict_notifies_instead_of_opening_a_dialog(
        qtbot: QtBot, synced_window: MainWindow, service: AppService, caldav: Any,
        tryton_rep: Any) -> None:
    make_conflict(qtbot, synced_window, service, caldav, tryton_rep)

    with qtbot.waitSignal(synced_window.tray.notified, timeout=SYNC_MS) as notified:
        assert synced_window.auto_sync.tick()
    assert notified.args == ["Synchronization needs your attention",
                             "1 conflict waits for your decision. Open crmdesk to see them."]
    assert QApplication.activeModalWidget() is None          # priority "Ask", yet no dialog
    qtbot.waitUntil(synced_window.status_bar.issues_button.isVisible, timeout=WAIT_MS)


def test_an_automatic_sync_offline_shows_no_box_and_no_notification(
        qtbot: QtBot, service: AppService) -> None:
    unreachable_profile(service)
    window = open_window(qtbot, service)
    notes: list[tuple[str, str]] = []
    window.tray.notified.connect(lambda *args: notes.append(args))
    with qtbot.waitSignal(window.sync_runner.failed, timeout=SYNC_MS):
        assert window.auto_sync.tick()
    qtbot.waitUntil(lambda: window.status_bar.summary.text().startswith("Offline"),
                    timeout=WAIT_MS)
    assert window.findChild(QMessageBox, "errorBox") is None and notes == []
    assert window.tray.last_sync_action.text() == "Offline \u2014 no changes waiting"
    window.close()


@pytest.mark.integration
def test_a_failed_automatic_sync_is_notified_in_words(
        qtbot: QtBot, service: AppService, caldav: Any, tryton_server: Any,
        tryton: Any) -> None:
    rep = tryton.new_rep("tray", sign_in=False)           # her own login: lockouts stay hers
    configure(service, caldav, tryton_server, rep)
    settings = service.settings.copy()
    service.save_settings(settings, crm_password=rep.password + "-changed-elsewhere")
    window = open_window(qtbot, service)
    with qtbot.waitSignal(window.tray.notified, timeout=SYNC_MS) as notified:
        assert window.auto_sync.tick()
    assert notified.args == ["Synchronization failed: Sign-in refused",
                             "The CRM refused your user name or password. Check them in "
                             "Connection settings."]
    assert window.findChild(QMessageBox, "errorBox") is None
    assert window.status_bar.summary.text() == \
        "Synchronization failed \u2014 nothing more was changed."
    window.close()


# -- automatic sync --------------------------------------------------------------------

def test_automatic_sync_is_off_until_set_and_follows_the_setting(
        qtbot: QtBot, window: MainWindow, service: AppService) -> None:
    timer = window.auto_sync.timer
    assert service.settings.sync.auto_sync_minutes == 0 and not timer.isActive()
    assert not window.auto_sync.tick()                      # nothing configured: no sync

    dialog: SyncSettingsDialog = window.open_sync_settings()
    page = dialog.page
    assert page.auto_minutes.text() == "Never \u2014 only when I press Synchronize"
    page.auto_minutes.setValue(3)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()
    assert page.auto_form.notes[page.auto_minutes].text() == \
        "Every 5 minutes at the most often, or Never."
    assert "Automatic sync" in dialog.summary.text()
    page.auto_minutes.setValue(15)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)

    assert not dialog.isVisible()
    assert service.settings.sync.auto_sync_minutes == 15
    qtbot.waitUntil(timer.isActive, timeout=WAIT_MS)
    assert timer.interval() == 15 * 60_000


# -- geometry, shortcuts, translations ---------------------------------------------------

def test_window_geometry_is_remembered_in_the_profile(qtbot: QtBot,
                                                      service: AppService) -> None:
    first = open_window(qtbot, service)
    # The offscreen screen is 800 x 800, narrower than the window can be: only a
    # size that fits the screen (as far as the window allows) comes back as it was.
    first.resize(first.minimumSize().width(), 700)
    first.centralWidget().setSizes([500, 371])
    qtbot.waitUntil(lambda: first.height() == 700, timeout=WAIT_MS)
    sizes, where = first.centralWidget().sizes(), first.geometry()
    assert where.size() != QSize(1200, 760)                 # not the default size
    first.close()
    assert state_path(service.profile).is_file()

    second = open_window(qtbot, service)
    assert second.size() == where.size()          # (the place is the window manager's say)
    assert second.centralWidget().sizes() == sizes
    second.close()


def test_keyboard_shortcuts(qtbot: QtBot, window: MainWindow) -> None:
    assert window.sync_settings_action.shortcut() == QKeySequence("Ctrl+,")
    assert window.connection_action.shortcut() == QKeySequence("Ctrl+Shift+,")
    assert window.history_action.shortcut() == QKeySequence("Ctrl+H")
    assert window.preview_action.shortcut() == QKeySequence("Shift+F9")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 2


GERMAN_TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context><name>SyncTray</name>
<message><source>Show crmdesk</source><translation>crmdesk anzeigen</translation></message>
</context>
</TS>
"""


def test_a_qm_file_for_the_locale_is_loaded(qtbot: QtBot, window: MainWindow,
                                            tmp_path: Path) -> None:
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    if not lrelease.exists():
        pytest.skip("pyside6-lrelease is not installed")
    (tmp_path / "crmdesk_de.ts").write_text(GERMAN_TS, encoding="utf-8")
    subprocess.run([str(lrelease), str(tmp_path / "crmdesk_de.ts"), "-qm",
                    str(tmp_path / "crmdesk_de.qm")], check=True, capture_output=True)
    app = QCoreApplication.instance()
    installed = install_translations(app, QLocale("de_AT"), tmp_path)
    try:
        assert installed
        assert SyncTray(window).show_action.text() == "crmdesk anzeigen"
    finally:
        for translator in installed:
            app.removeTranslator(translator)
    assert SyncTray(window).show_action.text() == "Show crmdesk"    # English is the base

"""Synchronize from the main window against real Tryton and CalDAV servers."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from crmdesk.service import AppService
from crmdesk.service_types import ShareState
from crmdesk.sync.report import Progress, SyncReport
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.sync.conflicts import ConflictsDialog
from crmdesk.ui.sync.report_view import summary_text
from crmdesk.ui.sync.worker import SyncRunner
from tests.gui.conftest import (SYNC_MS, WAIT_MS, key_of, key_of_after_sync, make_conflict,
                                put_event, synchronize)

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def test_synchronize_runs_off_the_gui_thread_with_progress(
        qtbot: QtBot, synced_window: MainWindow, service: AppService, caldav: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    uid = put_event(caldav, "Demo at Initech")
    threads: set[int] = set()
    original = SyncRunner._store_progress

    def record(self: SyncRunner, progress: Progress) -> None:
        threads.add(threading.get_ident())
        original(self, progress)

    monkeypatch.setattr(SyncRunner, "_store_progress", record)
    bar = synced_window.status_bar
    with qtbot.waitSignal(synced_window.sync_runner.finished, timeout=SYNC_MS) as done:
        synced_window.sync_action.trigger()
        # trigger() came back at once: the sync is still running elsewhere
        assert synced_window.sync_runner.running
        assert bar.progress.isVisible() and bar.cancel_button.isVisible()
        assert not synced_window.sync_action.isEnabled()
    report: SyncReport = done.args[0]

    assert not report.errors and not report.cancelled
    assert threads and threading.get_ident() not in threads
    assert not bar.progress.isVisible() and not bar.cancel_button.isVisible()
    assert synced_window.sync_action.isEnabled()
    assert summary_text(report) in bar.summary.text()
    view = synced_window.calendar.week_view
    qtbot.waitUntil(lambda: key_of(service, uid) in view.keys(), timeout=WAIT_MS)


def test_cancel_stops_the_sync_before_it_changes_anything(
        qtbot: QtBot, synced_window: MainWindow, service: AppService, caldav: Any,
        tryton_rep: Any) -> None:
    synchronize(qtbot, synced_window)
    uid = put_event(caldav, "Cancelled upload")
    key = key_of_after_sync(qtbot, synced_window, service, uid)
    service.share(key)
    bar = synced_window.status_bar
    with qtbot.waitSignal(synced_window.sync_runner.finished, timeout=SYNC_MS) as done:
        synced_window.sync_action.trigger()
        qtbot.mouseClick(bar.cancel_button, Qt.MouseButton.LeftButton)
        assert not bar.cancel_button.isEnabled()
    report: SyncReport = done.args[0]

    assert report.cancelled
    assert "cancelled" in bar.summary.text()
    assert tryton_rep.connector.find_by_integration_id(uid, None) is None
    assert service.item(key).share_state is ShareState.PENDING


def test_share_then_synchronize_uploads_and_links_the_item(
        qtbot: QtBot, synced_window: MainWindow, service: AppService, caldav: Any,
        tryton_rep: Any) -> None:
    uid = put_event(caldav, "Quarterly review")
    key = key_of_after_sync(qtbot, synced_window, service, uid)
    synced_window.select(key)
    bar = synced_window.share_bar
    qtbot.waitUntil(lambda: bar.item() is not None and bar.share_button.isVisible(),
                    timeout=WAIT_MS)
    qtbot.mouseClick(bar.share_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bar.item().share_state is ShareState.PENDING, timeout=WAIT_MS)

    report = synchronize(qtbot, synced_window)

    assert report.crm.created == 1
    qtbot.waitUntil(lambda: bar.item().share_state is ShareState.SYNCED, timeout=WAIT_MS)
    qtbot.waitUntil(bar.open_button.isEnabled, timeout=WAIT_MS)
    assert bar._link == service.crm_link(key)
    record = tryton_rep.connector.find_by_integration_id(uid, None)
    assert record is not None and record.fields["description"] == "Quarterly review"


def test_conflicts_open_the_collision_dialog_and_the_choice_is_applied(
        qtbot: QtBot, synced_window: MainWindow, service: AppService, caldav: Any,
        tryton_rep: Any) -> None:
    uid = make_conflict(qtbot, synced_window, service, caldav, tryton_rep)

    report = synchronize(qtbot, synced_window)        # priority is "Ask me"

    assert len(report.conflicts) == 1
    dialog = synced_window.findChild(ConflictsDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: len(dialog.boxes) == 1, timeout=WAIT_MS)
    box = dialog.boxes[0]
    assert box.table.item(0, 1).text() == "Calendar room 1"
    assert box.table.item(0, 2).text() == "CRM room 2"
    box.choose_all("crm")
    with qtbot.waitSignal(dialog.accepted, timeout=WAIT_MS):
        qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Ok),
                         Qt.MouseButton.LeftButton)

    synchronize(qtbot, synced_window)
    key = key_of(service, uid)
    assert service.item(key).location == "CRM room 2"
    assert service.item(key).share_state is ShareState.SYNCED
    qtbot.waitUntil(synced_window.status_bar.issues_button.isHidden, timeout=WAIT_MS)

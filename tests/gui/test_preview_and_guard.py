"""Preview and the mass-delete guard from the main window, on real Tryton and CalDAV."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from crmdesk.errors import MassDeleteBlocked
from crmdesk.service import AppService
from crmdesk.service_types import ShareState
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.sync.massdelete import MassDeleteDialog
from crmdesk.ui.sync.plan_view import tree_rows
from crmdesk.ui.sync.preview import NOTHING_TO_DO, PreviewDialog
from tests.gui.conftest import (SYNC_MS, WAIT_MS, delete_event, key_of_after_sync,
                                put_event, synchronize)

pytestmark = [pytest.mark.gui, pytest.mark.integration]


def preview(qtbot: QtBot, window: MainWindow) -> PreviewDialog:
    with qtbot.waitSignal(window.sync_runner.previewed, timeout=SYNC_MS):
        window.preview_action.trigger()
        assert window.sync_runner.running and not window.sync_action.isEnabled()
    dialog = window.findChild(PreviewDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def count_cell(dialog: PreviewDialog, row: int, col: int) -> str:
    return dialog.counts.item(row, col).text()


def test_preview_lists_the_plan_and_changes_nothing(
        qtbot: QtBot, synced_window: MainWindow, service: AppService, caldav: Any,
        tryton_rep: Any) -> None:
    uid = put_event(caldav, "Pipeline <b>review</b>")
    key = key_of_after_sync(qtbot, synced_window, service, uid)
    service.share(key)

    dialog = preview(qtbot, synced_window)

    assert count_cell(dialog, 1, 0) == "1"                      # CRM: 1 created
    assert [count_cell(dialog, r, c) for r in (0, 1) for c in (0, 1, 2)] == \
        ["0", "0", "0", "1", "0", "0"]
    assert tree_rows(dialog.tree) == [("Create in CRM", "Pipeline <b>review</b>", "")]
    assert dialog.tree.topLevelItem(0).text(0) == "In the CRM (1)"
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Close),
                     Qt.MouseButton.LeftButton)
    assert service.item(key).share_state is ShareState.PENDING
    assert tryton_rep.connector.find_by_integration_id(uid, None) is None
    assert synced_window.sync_action.isEnabled() and synced_window.preview_action.isEnabled()


def test_preview_of_an_agreed_state_says_nothing_to_do_and_can_sync(
        qtbot: QtBot, synced_window: MainWindow, service: AppService, caldav: Any) -> None:
    synchronize(qtbot, synced_window)
    dialog = preview(qtbot, synced_window)
    assert dialog.intro.text() == NOTHING_TO_DO
    assert dialog.tree.isHidden() and dialog.sync_button.isHidden()
    dialog.reject()

    uid = put_event(caldav, "Call Initech")
    key = key_of_after_sync(qtbot, synced_window, service, uid)
    service.share(key)
    dialog = preview(qtbot, synced_window)
    with qtbot.waitSignal(synced_window.sync_runner.finished, timeout=SYNC_MS) as done:
        qtbot.mouseClick(dialog.sync_button, Qt.MouseButton.LeftButton)
    assert done.args[0].crm.created == 1


@pytest.fixture
def four_shared(qtbot: QtBot, synced_window: MainWindow, service: AppService,
                caldav: Any) -> list[str]:
    """Four meetings shared and synced, with a guard that stops at three deletes."""
    settings = service.settings.copy()
    settings.sync.mass_delete_min, settings.sync.mass_delete_percent = 2, 10
    service.save_settings(settings)
    uids = [put_event(caldav, f"Account review {n}", day=n) for n in range(4)]
    synchronize(qtbot, synced_window)
    for uid in uids:
        service.share(_key(service, uid))
    assert synchronize(qtbot, synced_window).crm.created == 4
    for uid in uids[:3]:
        delete_event(caldav, uid)
    return uids


def _key(service: AppService, uid: str) -> str:
    item = service.store.mirror_by_uid(uid)
    assert item is not None
    return f"n:{item.href}"


def blocked_dialog(qtbot: QtBot, window: MainWindow) -> MassDeleteDialog:
    with qtbot.waitSignal(window.sync_runner.failed, timeout=SYNC_MS) as failed:
        window.sync_action.trigger()
    assert isinstance(failed.args[0], MassDeleteBlocked)
    dialog = window.findChild(MassDeleteDialog)
    assert dialog is not None and dialog.isVisible()
    return dialog


def test_mass_delete_guard_cancel_deletes_nothing(
        qtbot: QtBot, synced_window: MainWindow, tryton_rep: Any,
        four_shared: list[str]) -> None:
    dialog = blocked_dialog(qtbot, synced_window)

    assert "would delete 3 of 4 items on the CRM side" in dialog.message.text()
    assert sorted(tree_rows(dialog.tree)) == [
        ("Delete from CRM", f"Account review {n}", "Deleted in the calendar") for n in range(3)]
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.isDefault(), "Enter must not confirm a mass delete"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)

    assert not synced_window.sync_runner.running
    assert "nothing was changed" in synced_window.status_bar.summary.text()
    assert all(tryton_rep.connector.find_by_integration_id(uid, None) is not None
               for uid in four_shared)


def test_mass_delete_guard_delete_them_deletes(
        qtbot: QtBot, synced_window: MainWindow, tryton_rep: Any,
        four_shared: list[str]) -> None:
    dialog = blocked_dialog(qtbot, synced_window)
    with qtbot.waitSignal(synced_window.sync_runner.finished, timeout=SYNC_MS) as done:
        qtbot.mouseClick(dialog.delete_button, Qt.MouseButton.LeftButton)

    assert done.args[0].crm.deleted == 3
    qtbot.waitUntil(lambda: not synced_window.sync_runner.running, timeout=WAIT_MS)
    assert [tryton_rep.connector.find_by_integration_id(uid, None) is None
            for uid in four_shared] == [True, True, True, False]

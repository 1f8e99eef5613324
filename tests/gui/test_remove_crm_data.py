"""Remove CRM data… from the File menu: confirm with numbers, run, report."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.crm.base import NewActivity
from crmdesk.model import Origin
from crmdesk.model.activity import normalize_fields
from crmdesk.service import AppService
from crmdesk.settings import Profile, Settings
from crmdesk.store import Store
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.uninstall import RemoveCrmData
from tests.gui.conftest import (SYNC_MS, WAIT_MS, key_of, put_event, seed_event,
                                synchronize, this_week)

pytestmark = pytest.mark.gui


def start_removal(qtbot: QtBot, window: MainWindow) -> RemoveCrmData:
    window.remove_action.trigger()
    flow = window.remove_flow
    assert flow is not None
    qtbot.waitUntil(lambda: flow.box is not None and flow.box.isVisible(), timeout=WAIT_MS)
    return flow


def button(box: QMessageBox, text: str) -> Any:
    found = [b for b in box.buttons() if b.text() == text]
    assert found, [b.text() for b in box.buttons()]
    return found[0]


@pytest.mark.integration
def test_remove_crm_data_deletes_crm_items_and_keeps_shared_ones(
        qtbot: QtBot, synced_window: MainWindow, service: AppService, caldav: Any,
        tryton_rep: Any) -> None:
    mine = put_event(caldav, "My own meeting")
    synchronize(qtbot, synced_window)
    service.share(key_of(service, mine))
    start = this_week(4, 14)
    tryton_rep.connector.create([NewActivity(fields=normalize_fields({
        "description": "Planned in the CRM", "planned_start": start,
        "planned_end": start + timedelta(hours=1)}), origin="crm")])
    synchronize(qtbot, synced_window)

    errors: list[BaseException] = []
    synced_window.runner.failed.connect(errors.append)
    flow = start_removal(qtbot, synced_window)
    text = flow.box.text()
    assert "deletes 1 calendar item that came from the CRM" in text
    assert "keeps 1 shared item in your calendar (no longer shared)" in text
    assert "The CRM itself is not changed." in text
    confirm = flow.box
    with qtbot.waitSignal(flow.finished, timeout=SYNC_MS) as done:
        button(confirm, "Remove CRM data").click()

    assert done.args == [True]
    assert flow.box.objectName() == "uninstallResult"
    assert flow.box.text().startswith("Deleted 1 calendar item that came from the CRM; "
                                      "1 shared item stays in your calendar")
    titles = {i.fields["description"] for i in caldav.client.sync(caldav.calendar_url,
                                                                  None).changed}
    assert titles == {"My own meeting"}
    assert flow.report is not None and str(service.profile.store_path) in flow.report.removed
    assert service.password("crm") is None and service.password("calendar") is None
    assert tryton_rep.connector.find_by_integration_id(mine, None) is not None
    # The window reloads from a fresh, empty store: no errors, nothing shared.
    qtbot.waitUntil(lambda: synced_window.status is not None
                    and synced_window.status.calendar_items == 0, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: synced_window.activities.stack.currentIndex() == 1,
                    timeout=WAIT_MS)
    assert not errors
    assert synced_window.calendar.week_view.keys() == []
    # The passwords went too, so the window asks to connect again.
    assert synced_window.status_bar.summary.text().startswith("Not connected yet")
    assert synced_window.remove_action.isEnabled()


def seed_crm_item(profile: Profile, title: str) -> str:
    """A calendar item that came from the CRM (a proxy of CRM origin)."""
    key = seed_event(profile, title)
    store = Store(profile.store_path)
    try:
        store.add_proxy(origin=Origin.CRM, href=key[2:], state="synced")
    finally:
        store.close()
    return key


def unreachable_calendar(service: AppService) -> None:
    settings = Settings()
    settings.crm.url, settings.crm.database, settings.crm.username = \
        "https://crm.example.com", "prod", "jdoe"
    settings.calendar.url, settings.calendar.username = "http://127.0.0.1:9/", "jdoe"
    service.save_settings(settings, crm_password="pw", calendar_password="pw")


def test_cancel_removes_nothing(qtbot: QtBot, window: MainWindow, service: AppService,
                                profile: Profile) -> None:
    seed_crm_item(profile, "Planned <i>in</i> the CRM")
    flow = start_removal(qtbot, window)
    assert "deletes 1 calendar item" in flow.box.text()
    assert "keeps 0 shared items" in flow.box.text()
    with qtbot.waitSignal(flow.finished, timeout=WAIT_MS) as done:
        flow.box.button(QMessageBox.StandardButton.Cancel).click()
    assert done.args == [False]
    assert profile.store_path.exists() and len(service.activities()) == 1
    assert window.remove_action.isEnabled() and window.sync_action.isEnabled()


def test_failed_deletes_are_listed_and_nothing_local_is_removed(
        qtbot: QtBot, window: MainWindow, service: AppService, profile: Profile) -> None:
    unreachable_calendar(service)
    seed_crm_item(profile, "Planned <b>in</b> the CRM")
    flow = start_removal(qtbot, window)
    with qtbot.waitSignal(flow.finished, timeout=SYNC_MS) as done:
        button(flow.box, "Remove CRM data").click()

    assert done.args == [False]
    box = flow.box
    assert box.objectName() == "uninstallResult" and box.windowTitle() == "CRM data not removed"
    assert box.textFormat() == Qt.TextFormat.PlainText
    text = box.text()
    assert text.startswith("1 calendar item could not be deleted from your calendar, so "
                           "nothing local was removed.")
    assert "\u2022 Planned <b>in</b> the CRM: " in text and "127.0.0.1:9" in text
    assert profile.store_path.exists() and len(service.activities()) == 1
    assert service.password("calendar") == "pw"


def test_the_sync_settings_dialog_has_the_remove_button(qtbot: QtBot, window: MainWindow,
                                                        service: AppService,
                                                        profile: Profile) -> None:
    seed_crm_item(profile, "Planned in the CRM")
    dialog = window.open_sync_settings()
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.remove_flow is not None
                    and getattr(window.remove_flow, "box", None) is not None, timeout=WAIT_MS)
    assert "deletes 1 calendar item" in window.remove_flow.box.text()
    with qtbot.waitSignal(window.remove_flow.finished, timeout=WAIT_MS):
        window.remove_flow.box.button(QMessageBox.StandardButton.Cancel).click()
    assert profile.store_path.exists()

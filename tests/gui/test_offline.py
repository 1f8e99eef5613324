"""Working offline: the window opens on the mirror, changes queue, the status
bar says "Offline — N changes waiting", and the next sync online sends them."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.devservers.tryton import free_port
from crmdesk.errors import TlsError, UnreachableError
from crmdesk.service import AppService
from crmdesk.service_types import ShareState
from crmdesk.settings import Profile, Settings
from crmdesk.sync.report import SyncReport
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.offline import OfflineState
from tests.gui.conftest import (SYNC_MS, WAIT_MS, key_of, put_event, seed_event,
                                synchronize, wait_loaded)
from tests.gui.relay import Relay, relays  # noqa: F401 - a fixture

pytestmark = pytest.mark.gui


def open_window(qtbot: QtBot, service: AppService) -> MainWindow:
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    wait_loaded(qtbot, window)
    return window


def sync_fails(qtbot: QtBot, window: MainWindow) -> BaseException:
    with qtbot.waitSignal(window.sync_runner.failed, timeout=SYNC_MS) as failed:
        window.sync_action.trigger()
    return failed.args[0]


def close_error_box(window: MainWindow) -> str:
    box = window.findChild(QMessageBox, "errorBox")
    assert box is not None and box.isVisible()
    text = box.text()
    box.close()
    return text


def unreachable_profile(service: AppService) -> None:
    """Saved settings whose servers don't answer (closed ports on 127.0.0.1)."""
    settings = Settings()
    settings.crm.url, settings.crm.database = f"http://127.0.0.1:{free_port()}", "crm"
    settings.crm.username = settings.calendar.username = "rita"
    settings.calendar.url = f"http://127.0.0.1:{free_port()}/"
    settings.calendar.calendar = "Work"
    service.save_settings(settings, crm_password="pw", calendar_password="pw")


def summary(window: MainWindow) -> str:
    return window.status_bar.summary.text()


def test_without_servers_the_window_lists_the_mirror_and_counts_queued_shares(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    unreachable_profile(service)
    key = seed_event(profile, "Lunch with Globex CFO")
    todo = seed_event(profile, "Send the price list", component="VTODO")
    window = open_window(qtbot, service)
    qtbot.waitUntil(lambda: key in window.calendar.week_view.keys(), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.todos.tree.topLevelItemCount() == 1, timeout=WAIT_MS)

    assert not summary(window).startswith("Offline")        # not known before a sync tries
    exc = sync_fails(qtbot, window)
    assert type(exc).__name__ == "UnreachableError"
    assert close_error_box(window).startswith(OfflineState.hint())
    qtbot.waitUntil(lambda: summary(window) == "Offline \u2014 no changes waiting",
                    timeout=WAIT_MS)
    assert window.tray.last_sync_action.text() == "Offline \u2014 no changes waiting"

    service.share(key)                                      # what the share bar calls
    service.share(todo)
    window.refresh()
    qtbot.waitUntil(lambda: summary(window) == "Offline \u2014 2 changes waiting",
                    timeout=WAIT_MS)
    assert window.status_bar.summary.toolTip() == OfflineState.hint()
    assert service.item(key).share_state is ShareState.PENDING
    window.close()


def test_a_refused_certificate_is_not_offline() -> None:
    state = OfflineState()
    assert not state.sync_failed(TlsError("CalDAV", "https://dav", "self-signed"))
    assert state.sync_failed(UnreachableError("CalDAV", "https://dav", "refused"))
    state.sync_succeeded()
    assert not state.active


@pytest.mark.integration
def test_offline_start_queues_a_share_that_the_next_sync_sends(
        qtbot: QtBot, service: AppService, caldav: Any, tryton_server: Any,
        tryton_rep: Any, relays: tuple[Relay, Relay]) -> None:
    crm, dav = relays
    settings = Settings()
    settings.crm.url, settings.crm.database = crm.url(tryton_server.url), tryton_server.database
    settings.crm.username = tryton_rep.login
    settings.calendar.url, settings.calendar.username = dav.url(caldav.url), caldav.username
    settings.calendar.calendar = dav.url(caldav.calendar_url)
    service.save_settings(settings, crm_password=tryton_rep.password,
                          calendar_password=caldav.password)
    uid = put_event(caldav, "Site visit Umbrella Health")
    online = open_window(qtbot, service)
    synchronize(qtbot, online)
    online.close()

    crm.unplug()
    dav.unplug()                              # on the train: no network
    window = open_window(qtbot, service)      # the app starts again, offline
    key = key_of(service, uid)
    qtbot.waitUntil(lambda: key in window.calendar.week_view.keys(), timeout=WAIT_MS)
    window.select(key)
    qtbot.waitUntil(lambda: window.share_bar.item() is not None, timeout=WAIT_MS)
    with qtbot.waitSignal(window.share_bar.changed, timeout=WAIT_MS):
        window.share_bar.share()
    assert service.item(key).share_state is ShareState.PENDING
    sync_fails(qtbot, window)
    close_error_box(window)
    qtbot.waitUntil(lambda: summary(window).startswith("Offline \u2014 1 change waiting"),
                    timeout=WAIT_MS)
    assert " \u00b7 showing what was synchronized today at " in summary(window)
    assert tryton_rep.connector.find_by_integration_id(uid, None) is None

    crm.plug()
    dav.plug()                                # back at the office
    report: SyncReport = synchronize(qtbot, window)
    assert report.crm.created == 1
    record = tryton_rep.connector.find_by_integration_id(uid, None)
    assert record is not None and record.fields["description"] == "Site visit Umbrella Health"
    qtbot.waitUntil(lambda: summary(window).startswith("Synchronized today"), timeout=WAIT_MS)
    assert not window.offline.active
    assert window.status_bar.summary.toolTip() == ""
    assert service.item(key).share_state is ShareState.SYNCED
    window.close()

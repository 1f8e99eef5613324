"""GUI test fixtures: the real AppService on a temporary profile, real servers.

Calendar items are seeded straight into the profile's real store (as a
previous sync would have left them), so share-bar tests need no server;
Synchronize and "Test connection" tests use the `caldav` and `tryton_rep`
fixtures (`synced_window` is a window on a profile pointing at them).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Iterator

import pytest
from pytestqt.qtbot import QtBot

from crmdesk.model import Reference
from crmdesk.model.activity import normalize_fields
from crmdesk.pim import ical
from crmdesk.service import AppService
from crmdesk.settings import Profile
from crmdesk.store import Store
from crmdesk.sync.report import SyncReport
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.tasks import wait_for_all
from tests.fixtures.profile import configure

WAIT_MS = 10_000
SYNC_MS = 60_000


def this_week(day: int = 2, hour: int = 10) -> datetime:
    """An aware local time in the current week (day 0 = Monday)."""
    monday = date.today() - timedelta(days=date.today().weekday())
    return datetime.combine(monday + timedelta(days=day), time(hour)).astimezone()


def seed_event(profile: Profile, title: str, start: datetime | None = None,
               component: str = "VEVENT", **extra: Any) -> str:
    """Put one calendar item into the profile's store; returns its item key."""
    start = start or this_week()
    uid = f"{uuid.uuid4()}@phone.test"
    fields = normalize_fields({"description": title, "planned_start": start,
                               "planned_end": start + timedelta(hours=1), **extra})
    href = f"/alice/calendar/{uid}.ics"
    item = ical.parse_item(href, f'"{uuid.uuid4().hex}"', ical.render_new(uid, component, fields))
    store = Store(profile.store_path)
    try:
        store.mirror_put([item])
    finally:
        store.close()
    return f"n:{href}"


def seed_references(profile: Profile, refs: list[Reference]) -> None:
    """The CRM accounts/contacts/opportunities a sync would have cached."""
    store = Store(profile.store_path)
    try:
        store.replace_refs(refs)
    finally:
        store.close()


@pytest.fixture
def profile(tmp_path: Path) -> Profile:
    return Profile.at(tmp_path / "profile")


@pytest.fixture
def service(profile: Profile) -> Iterator[AppService]:
    app = AppService(profile)
    yield app
    wait_for_all()
    app.close()


@pytest.fixture
def window(qtbot: QtBot, service: AppService) -> Iterator[MainWindow]:
    """The main window, shown, after its first load finished."""
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.resize(1200, 760)
    win.show()
    wait_loaded(qtbot, win)
    yield win
    win.close()
    wait_for_all()


def wait_loaded(qtbot: QtBot, win: MainWindow) -> None:
    """Wait for the first status answer; a service error fails at once, with its text."""
    errors: list[BaseException] = []
    win.runner.failed.connect(errors.append)

    def loaded() -> bool:
        if errors:
            pytest.fail(f"the service failed: {errors[0]!r}")
        return win.status is not None

    qtbot.waitUntil(loaded, timeout=WAIT_MS)


@pytest.fixture
def synced_window(qtbot: QtBot, service: AppService, caldav: Any, tryton_server: Any,
                  tryton_rep: Any) -> Iterator[MainWindow]:
    """The main window of a rep whose profile points at the real servers."""
    configure(service, caldav, tryton_server, tryton_rep)
    win = MainWindow(service)
    qtbot.addWidget(win)
    win.show()
    wait_loaded(qtbot, win)
    yield win
    win.close()


def put_event(caldav: Any, title: str, day: int = 3) -> str:
    """A meeting created on the phone: straight onto the CalDAV server."""
    uid = f"{uuid.uuid4()}@phone.test"
    start = this_week(day, 10)
    fields = normalize_fields({"description": title, "planned_start": start,
                               "planned_end": start + timedelta(hours=1)})
    caldav.put(ical.render_new(uid, "VEVENT", fields))
    return uid


def delete_event(caldav: Any, uid: str) -> None:
    """The rep deletes a meeting on her phone."""
    native = next(i for i in caldav.client.sync(caldav.calendar_url, None).changed
                  if i.uid == uid)
    caldav.client.delete(native)


def synchronize(qtbot: QtBot, window: MainWindow) -> SyncReport:
    with qtbot.waitSignal(window.sync_runner.finished, timeout=SYNC_MS) as done:
        window.sync_action.trigger()
    report = done.args[0]
    assert isinstance(report, SyncReport)
    assert not report.errors, report.errors
    return report


def key_of(service: AppService, uid: str) -> str:
    found = [i for i in service.week(this_week(0, 0), this_week(6, 23)) if i.uid == uid]
    assert found, f"{uid} not in the week"
    return found[0].key


def key_of_after_sync(qtbot: QtBot, window: MainWindow, service: AppService,
                      uid: str) -> str:
    synchronize(qtbot, window)
    return key_of(service, uid)


def make_conflict(qtbot: QtBot, window: MainWindow, service: AppService, caldav: Any,
                  tryton_rep: Any, title: str = "Pricing call") -> str:
    """A shared, synced meeting whose location then changes on both sides."""
    uid = put_event(caldav, title)
    service.share(key_of_after_sync(qtbot, window, service, uid))
    synchronize(qtbot, window)
    native = next(i for i in caldav.client.sync(caldav.calendar_url, None).changed
                  if i.uid == uid)
    caldav.client.update(native, ical.patch(native.raw, normalize_fields(
        {"location": "Calendar room 1"})))
    record = tryton_rep.connector.find_by_integration_id(uid, None)
    tryton_rep.connector.write(record.id, {"location": "CRM room 2"}, record.timestamp)
    return uid

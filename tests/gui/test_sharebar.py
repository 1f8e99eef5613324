"""The share bar: share, unshare and link an item, against the real AppService."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from crmdesk.model import Reference
from crmdesk.service import AppService
from crmdesk.service_types import ShareState
from crmdesk.settings import Profile
from crmdesk.ui.mainwindow import MainWindow
from tests.gui.conftest import WAIT_MS, seed_event, seed_references, this_week

pytestmark = pytest.mark.gui


def click_in_week(qtbot: QtBot, window: MainWindow, key: str) -> None:
    """Click the entry's box in the painted week grid, as the rep would."""
    view = window.calendar.week_view
    qtbot.waitUntil(lambda: view.box_rect(key) is not None, timeout=WAIT_MS)
    view.select(key)                       # scrolls it into view
    rect = view.box_rect(key)
    assert rect is not None
    center = rect.center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(int(center.x()), int(center.y())))
    qtbot.waitUntil(lambda: window.share_bar.item() is not None
                    and window.share_bar.item().key == key, timeout=WAIT_MS)


def shown_state(window: MainWindow) -> ShareState:
    item = window.share_bar.item()
    assert item is not None
    return item.share_state


def test_share_button_makes_the_item_shared_and_pending(
        qtbot: QtBot, window: MainWindow, service: AppService, profile: Profile) -> None:
    key = seed_event(profile, "Quarterly review with Acme")
    window.refresh()
    click_in_week(qtbot, window, key)
    bar = window.share_bar
    assert bar.share_button.isVisible() and not bar.links.isVisible()
    assert bar.state_label.text() == "Not shared with the CRM"

    qtbot.mouseClick(bar.share_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: shown_state(window) is ShareState.PENDING, timeout=WAIT_MS)
    assert "Pending upload" in bar.state_label.text()
    assert not bar.share_button.isVisible()
    assert bar.unshare_button.isVisible() and bar.links.isVisible()
    assert not bar.open_button.isEnabled()          # not in the CRM yet
    stored = service.item(key)
    assert stored is not None and stored.share_state is ShareState.PENDING
    assert stored.proxy_id is not None
    # the Activities tab lists every proxy: the new one is there
    qtbot.waitUntil(lambda: window.activities.tree.topLevelItemCount() == 1, timeout=WAIT_MS)


def test_unshare_of_a_never_uploaded_item_removes_the_share(
        qtbot: QtBot, window: MainWindow, service: AppService, profile: Profile) -> None:
    key = seed_event(profile, "Call Borealis")
    window.refresh()
    click_in_week(qtbot, window, key)
    qtbot.mouseClick(window.share_bar.share_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_state(window) is ShareState.PENDING, timeout=WAIT_MS)

    qtbot.mouseClick(window.share_bar.unshare_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: shown_state(window) is ShareState.NOT_SHARED, timeout=WAIT_MS)
    stored = service.item(key)
    assert stored is not None and stored.proxy_id is None
    assert window.share_bar.share_button.isVisible()


def test_account_opportunity_and_contacts_are_saved(
        qtbot: QtBot, window: MainWindow, service: AppService, profile: Profile) -> None:
    account = Reference("account", 41, "Acme Logistics GmbH")
    opportunity = Reference("opportunity", 42, "Fleet renewal", detail="Acme Logistics GmbH")
    contact = Reference("contact", 43, "Jackie Driver", email="jackie@acme.example")
    seed_references(profile, [account, opportunity, contact])
    key = seed_event(profile, "Pricing workshop")
    window.refresh()
    click_in_week(qtbot, window, key)
    bar = window.share_bar
    qtbot.mouseClick(bar.share_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown_state(window) is ShareState.PENDING, timeout=WAIT_MS)

    # typing searches the CRM references off the GUI thread and fills the list
    qtbot.keyClicks(bar.account.lineEdit(), "Acme")
    qtbot.waitUntil(lambda: bar.account.findText("Acme Logistics GmbH") > 0, timeout=WAIT_MS)
    bar.account.activated.emit(bar.account.findText("Acme Logistics GmbH"))
    qtbot.waitUntil(lambda: service.item(key).account == account, timeout=WAIT_MS)

    bar.opportunity.search("Fleet")
    index = "Fleet renewal \u2014 Acme Logistics GmbH"
    qtbot.waitUntil(lambda: bar.opportunity.findText(index) > 0, timeout=WAIT_MS)
    bar.opportunity.activated.emit(bar.opportunity.findText(index))
    qtbot.waitUntil(lambda: service.item(key).opportunity == opportunity, timeout=WAIT_MS)

    bar.contact_picker.search("Jackie")
    qtbot.waitUntil(lambda: bar.contact_picker.count() > 1, timeout=WAIT_MS)
    bar.contact_picker.activated.emit(1)
    assert bar.add_contact.isEnabled()
    qtbot.mouseClick(bar.add_contact, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.item(key).contacts == (contact,), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bar.contacts.count() == 1, timeout=WAIT_MS)
    assert service.item(key).account == account       # earlier links kept

    bar.contacts.setCurrentRow(0)
    qtbot.mouseClick(bar.remove_contact, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.item(key).contacts == (), timeout=WAIT_MS)


def test_week_view_is_keyboard_navigable(
        qtbot: QtBot, window: MainWindow, profile: Profile) -> None:
    first = seed_event(profile, "Monday meeting", this_week(0, 9))
    second = seed_event(profile, "Tuesday meeting", this_week(1, 9))
    window.refresh()
    view = window.calendar.week_view
    qtbot.waitUntil(lambda: view.keys() == [first, second], timeout=WAIT_MS)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.share_bar.item() is not None
                    and window.share_bar.item().key == first, timeout=WAIT_MS)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: window.share_bar.item().key == second, timeout=WAIT_MS)
    assert window.form.title_label.text() == "Tuesday meeting"


def test_crm_born_activity_offers_no_unshare(
        qtbot: QtBot, window: MainWindow, service: AppService, profile: Profile) -> None:
    from crmdesk.model import CrmRecord, Origin
    from crmdesk.model.activity import with_defaults
    key = seed_event(profile, "Planned in the CRM")
    native = service.store.mirror_get(key[2:])
    record = CrmRecord(id=41, fields=with_defaults(native.fields), timestamp="t",
                       integration_id=native.uid, origin=Origin.CRM, owner=1)
    pid = service.store.add_proxy(origin=Origin.CRM, uid=native.uid, href=native.href,
                                  crm=record, state="synced")
    service.store.update_proxy(pid, base=dict(record.fields))
    window.refresh()
    click_in_week(qtbot, window, key)
    qtbot.waitUntil(lambda: shown_state(window) is ShareState.SYNCED, timeout=WAIT_MS)
    assert window.share_bar.open_button.isVisible()
    assert not window.share_bar.unshare_button.isVisible()

"""Sync issues: "People to review" (rule 13) — pick, create, dismiss.

Review entries, calendar items and the CRM records cache are seeded into the
profile's real store, as a sync would have left them; "New contact…" runs
against the real Tryton server.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from crmdesk.model import Reference
from crmdesk.model.people import AMBIGUOUS, UNKNOWN, ReviewEntry
from crmdesk.service import AppService
from crmdesk.settings import Profile
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.settings.sync import SyncSettingsDialog
from crmdesk.ui.sync.conflicts import ConflictsDialog
from crmdesk.ui.sync.review import NewContactDialog, PickContactDialog, date_text
from crmdesk.ui.tasks import wait_for_all
from tests.gui.conftest import (SYNC_MS, WAIT_MS, seed_event, seed_references, this_week,
                                wait_loaded)

pytestmark = pytest.mark.gui

OK = QDialogButtonBox.StandardButton.Ok
JANE = Reference("contact", 11, "Jane Doe", "jane@acme.example", "Acme")
JANE_EMPLOYEE = Reference("employee", 3, "Jane Doe (sales)", "jane@acme.example")
JOHN = Reference("contact", 12, "John Smith", "john@initech.example", "Initech")
ACME = Reference("account", 40, "Acme")
HTML_TITLE = "<b>Pricing</b> & terms"


def seed_review(service: AppService, profile: Profile, title: str, address: str,
                candidates: tuple[tuple[str, int], ...] = (), day: int = 2) -> int:
    """A shared, synced calendar entry with one unresolved invitee; its proxy id."""
    item = service.share(seed_event(profile, title, this_week(day, 10)))
    assert item.proxy_id is not None
    store = service.store
    store.update_proxy(item.proxy_id, state="synced")
    reason = AMBIGUOUS if candidates else UNKNOWN
    store.set_review(item.proxy_id, [ReviewEntry(item.proxy_id, address, reason, candidates)])
    return item.proxy_id


def two_entries(service: AppService, profile: Profile) -> tuple[int, int]:
    seed_references(profile, [JANE, JANE_EMPLOYEE, JOHN, ACME])
    first = seed_review(service, profile, HTML_TITLE, "jane@acme.example",
                        (("contact", 11), ("employee", 3), ("contact", 99)), day=1)
    second = seed_review(service, profile, "Kick-off", "new.person@globex.example", day=3)
    return first, second


def john_row(pick: PickContactDialog) -> int:
    """John's row in the contact picker's list (-1 while it isn't there)."""
    picker = pick.picker
    return next((i for i in range(picker.count()) if picker.itemData(i) == JOHN), -1)


def open_dialog(qtbot: QtBot, service: AppService, rows: int) -> ConflictsDialog:
    dialog = ConflictsDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.review.rows()) == rows
                    and not dialog.review._runner.busy, timeout=WAIT_MS)
    return dialog


def test_rule_13_people_to_review_lists_each_open_entry(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    two_entries(service, profile)
    dialog = open_dialog(qtbot, service, 2)
    section = dialog.review
    assert section.isVisibleTo(dialog)
    assert section.title() == "People to review (2)"
    assert section.rows() == [
        (HTML_TITLE, date_text(this_week(1, 10)), "jane@acme.example",
         "3 CRM records have this address."),
        ("Kick-off", date_text(this_week(3, 10)), "new.person@globex.example",
         "No contact or employee in the CRM has this address.")]
    assert all(b.isEnabled() for b in (section.pick_button, section.new_button,
                                       section.dismiss_button))


def test_nothing_to_review_hides_the_section(qtbot: QtBot, service: AppService) -> None:
    dialog = open_dialog(qtbot, service, 0)
    section = dialog.review
    assert not section.isVisibleTo(dialog)


def test_pick_lists_the_records_sharing_the_address_first(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    first, _ = two_entries(service, profile)
    dialog = open_dialog(qtbot, service, 2)
    section = dialog.review
    section.select(first, "jane@acme.example")
    section.pick_button.click()
    pick = section.dialog
    assert isinstance(pick, PickContactDialog) and pick.isVisible()
    assert [pick.candidates.item(i).text() for i in range(pick.candidates.count())] == [
        "Jane Doe \u2014 Acme (contact)", "Jane Doe (sales) \u2014 jane@acme.example (employee)",
        "#99 (contact)"]
    assert pick.candidates.currentRow() == -1            # nothing is chosen for the rep
    assert not pick.buttons.button(OK).isEnabled()
    pick.candidates.setCurrentRow(0)                     # (a click on the first row)
    assert pick.chosen() == JANE and pick.buttons.button(OK).isEnabled()
    pick.choose(JANE_EMPLOYEE)
    assert pick.chosen() == JANE_EMPLOYEE and pick.buttons.button(OK).isEnabled()
    pick.reject()


def test_pick_contact_records_the_choice_and_resyncs_the_activity(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    _, second = two_entries(service, profile)
    other = seed_review(service, profile, "Follow-up", "New.Person@globex.example", day=4)
    dialog = open_dialog(qtbot, service, 3)
    section = dialog.review
    section.select(second, "new.person@globex.example")
    section.pick_button.click()
    pick = section.dialog
    assert isinstance(pick, PickContactDialog)
    assert pick.candidates.isHidden()                 # unknown address: a search only
    pick.picker.search("john")
    qtbot.waitUntil(lambda: john_row(pick) > 0, timeout=WAIT_MS)
    pick.picker.activated.emit(john_row(pick))
    assert pick.chosen() == JOHN
    pick.buttons.button(OK).click()

    # the address is John's for every activity that listed it
    qtbot.waitUntil(lambda: len(section.rows()) == 1, timeout=WAIT_MS)
    assert section.rows()[0][2] == "jane@acme.example"
    store = service.store
    assert store.address_book(["new.person@globex.example"]) == {
        "new.person@globex.example": ((("contact", 12),), "rep")}
    assert store.proxy(second).state == "pending"
    assert store.proxy(other).state == "pending"


def test_dismiss_hides_the_entry_for_good_and_updates_the_count(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    first, second = two_entries(service, profile)
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    wait_loaded(qtbot, window)
    bar = window.status_bar
    qtbot.waitUntil(lambda: bar.issues_button.text() == "Sync issues (2)", timeout=WAIT_MS)

    dialog = window.open_conflicts()
    section = dialog.review
    qtbot.waitUntil(lambda: len(section.rows()) == 2, timeout=WAIT_MS)
    section.select(second, "new.person@globex.example")
    section.dismiss_button.click()
    qtbot.waitUntil(lambda: len(section.rows()) == 1, timeout=WAIT_MS)
    store = service.store
    assert store.dismissed([first, second]) == {(second, "new.person@globex.example")}
    assert store.proxy(second).state == "pending"
    qtbot.waitUntil(lambda: bar.issues_button.text() == "Sync issues (1)", timeout=WAIT_MS)

    # the next sync lists the address again: it stays dismissed
    store.set_review(second, [ReviewEntry(second, "new.person@globex.example", UNKNOWN)])
    section.dismiss_button.click()                # the last one
    qtbot.waitUntil(lambda: not section.rows(), timeout=WAIT_MS)
    assert section.isVisibleTo(dialog) and section.intro.text() == "Nobody is left to review."
    assert section.list.isHidden() and section.pick_button.isHidden()
    qtbot.waitUntil(lambda: bar.issues_button.isHidden(), timeout=WAIT_MS)
    dialog.reject()
    window.close()
    wait_for_all()


def test_new_contact_dialog_starts_from_the_address(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    _, second = two_entries(service, profile)
    dialog = open_dialog(qtbot, service, 2)
    section = dialog.review
    section.select(second, "new.person@globex.example")
    section.new_button.click()
    form = section.dialog
    assert isinstance(form, NewContactDialog) and form.isVisible()
    assert (form.name.text(), form.email.text()) == ("New Person", "new.person@globex.example")
    assert form.values() == ("New Person", "new.person@globex.example", None)
    form.name.setText("  ")
    assert not form.buttons.button(OK).isEnabled()
    form.name.setText("Nadia Person")
    form.email.setText("nadia.person")
    assert not form.buttons.button(OK).isEnabled()
    form.email.setText("nadia@globex.example")
    form.account.choose(ACME)
    assert form.buttons.button(OK).isEnabled()
    assert form.values() == ("Nadia Person", "nadia@globex.example", 40)
    form.reject()                                  # Cancel creates nothing
    assert len(section.rows()) == 2 and not section._network.busy


@pytest.mark.parametrize("caldav", ["radicale"], indirect=True)
def test_new_contact_is_created_in_the_crm_and_used_for_the_address(
        qtbot: QtBot, synced_window: MainWindow, service: AppService, profile: Profile,
        tryton: Any, tryton_rep: Any) -> None:
    account = tryton.new_account()
    seed_references(profile, [Reference("account", account, "Globex")])
    name = tryton.unique("nadia").title()
    address = f"{name.lower()}@globex.example"
    pid = seed_review(service, profile, "Kick-off", address)
    dialog = synced_window.open_conflicts()
    section = dialog.review
    qtbot.waitUntil(lambda: len(section.rows()) == 1, timeout=WAIT_MS)
    section.new_button.click()
    form = section.dialog
    assert isinstance(form, NewContactDialog)
    form.name.setText(name)
    form.account.choose(Reference("account", account, "Globex"))
    form.buttons.button(OK).click()

    qtbot.waitUntil(lambda: not section.rows() and not section._network.busy,
                    timeout=SYNC_MS)
    refs, source = service.store.address_book([address])[address]
    assert source == "rep" and len(refs) == 1 and refs[0][0] == "contact"
    found = tryton_rep.connector.resolve_addresses([address])[address]
    assert [(r.kind, r.id, r.name) for r in found] == [("contact", refs[0][1], name)]
    cached = service.store.ref("contact", refs[0][1])
    assert cached is not None and cached.name == name and cached.account == account
    assert service.store.proxy(pid).state == "pending"
    dialog.reject()


# -- Sync settings: whose meetings (rule 14) and the CRM link line --------------------

def test_sync_settings_keep_your_addresses_and_the_link_line(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    dialog = SyncSettingsDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    page = dialog.page
    assert (page.my_addresses.text(), page.crm_link_line.isChecked()) == ("", False)
    page.my_addresses.setText("jane@home.example, j.doe")
    dialog.buttons.button(OK).click()
    assert dialog.isVisible()                           # refused, with the reason
    assert "Your e-mail addresses" in dialog.summary.text()
    assert "\u201cj.doe\u201d is not an e-mail address." in [
        note.text() for note in page.auto_form.notes.values()]

    page.my_addresses.setText("jane@home.example, J.Doe@Work.example")
    page.crm_link_line.setChecked(True)
    dialog.buttons.button(OK).click()
    assert not dialog.isVisible()
    reloaded = AppService(profile)
    try:
        sync = reloaded.settings.sync
        assert sync.crm_link_line
        assert sync.own_addresses() == ("j.doe@work.example", "jane@home.example")
        again = SyncSettingsDialog(reloaded)
        qtbot.addWidget(again)
        assert again.page.my_addresses.text() == "jane@home.example, J.Doe@Work.example"
        assert again.page.crm_link_line.isChecked()
    finally:
        reloaded.close()

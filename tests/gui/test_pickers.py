"""The reference pickers: search as you type, closest match first, a clear
row when nothing matches, incomplete records read-only, complete ones
editable (saved in the real Tryton CRM)."""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from crmdesk.model import Reference
from crmdesk.service import AppService
from crmdesk.settings import Profile
from crmdesk.ui.pickers import REF_ROLE, ReferenceEditor, ReferencePicker
from crmdesk.ui.sharebar import ShareBar
from crmdesk.ui.tasks import TaskRunner
from tests.fixtures.profile import configure
from tests.gui.conftest import WAIT_MS, seed_event, seed_references

pytestmark = pytest.mark.gui

# The calendar is not contacted by an edit: one server is enough.
ONE_CALENDAR = pytest.mark.parametrize("caldav", ["radicale"], indirect=True)
READ_ONLY = "Referenced only: not one of your accounts. Read-only in crmdesk."


@pytest.fixture
def host(qtbot: QtBot) -> Iterator[QWidget]:
    """A shown, active window to put a picker and its Edit… button in."""
    widget = QWidget()
    QHBoxLayout(widget)
    qtbot.addWidget(widget)
    widget.resize(520, 60)
    yield widget


def picker_in(qtbot: QtBot, host: QWidget, service: AppService, kind: str) -> ReferencePicker:
    picker = ReferencePicker(service, TaskRunner(parent=host), kind)
    host.layout().addWidget(picker, 1)
    host.layout().addWidget(picker.edit_button)
    host.show()
    host.activateWindow()
    qtbot.waitExposed(host)
    picker.lineEdit().setFocus()
    qtbot.waitUntil(picker.lineEdit().hasFocus, timeout=WAIT_MS)
    return picker


def rows(picker: ReferencePicker) -> list[str]:
    """The texts of the popup under the typed text, top first."""
    return [picker.matches.item(i).text() for i in range(picker.matches.rowCount())]


def shown_rows(qtbot: QtBot, picker: ReferencePicker, expected: list[str]) -> None:
    qtbot.waitUntil(lambda: rows(picker) == expected, timeout=WAIT_MS)
    qtbot.waitUntil(picker.completer_popup().isVisible, timeout=WAIT_MS)


def test_typing_filters_the_list_closest_match_first(
        qtbot: QtBot, host: QWidget, service: AppService, profile: Profile) -> None:
    seed_references(profile, [
        Reference("contact", 1, "Joanne Annick", "joanne@borealis.example"),
        Reference("contact", 2, "Mary-Ann Lee"),
        Reference("contact", 3, "Annabel Ash"),
        Reference("contact", 4, "Bob Ray", "bob@annex.example"),
        Reference("contact", 5, "Ann"),
        Reference("contact", 6, "Carl Stone")])
    picker = picker_in(qtbot, host, service, "contact")

    qtbot.keyClicks(picker.lineEdit(), "ann")
    shown_rows(qtbot, picker, ["Ann", "Annabel Ash", "Mary-Ann Lee",
                               "Joanne Annick \u2014 joanne@borealis.example",
                               "Bob Ray \u2014 bob@annex.example"])
    assert picker.completer_popup().currentIndex().row() == 0    # Enter takes "Ann"

    qtbot.keyClicks(picker.lineEdit(), "ab")
    shown_rows(qtbot, picker, ["Annabel Ash"])
    with qtbot.waitSignal(picker.picked, timeout=WAIT_MS) as chosen:
        qtbot.keyClick(picker.completer_popup(), Qt.Key.Key_Return)
    assert chosen.args[0] == Reference("contact", 3, "Annabel Ash")
    assert picker.current_ref() == chosen.args[0]
    assert picker.lineEdit().text() == "Annabel Ash"


def test_a_search_without_matches_says_so(
        qtbot: QtBot, host: QWidget, service: AppService, profile: Profile) -> None:
    seed_references(profile, [Reference("account", 1, "Acme Logistics GmbH")])
    picker = picker_in(qtbot, host, service, "account")

    qtbot.keyClicks(picker.lineEdit(), "xyz")

    shown_rows(qtbot, picker, ["No account matches \u201cxyz\u201d"])
    assert not picker.matches.item(0).flags() & Qt.ItemFlag.ItemIsEnabled    # not a choice
    assert picker.current_ref() is None


def test_enter_takes_the_closest_match_and_keeps_nothing_typed_over(
        qtbot: QtBot, host: QWidget, service: AppService, profile: Profile) -> None:
    seed_references(profile, [Reference("account", 1, "Nordlicht Acme Energy"),
                              Reference("account", 2, "Acme Foods GmbH"),
                              Reference("account", 3, "Acme", complete=False)])
    picker = picker_in(qtbot, host, service, "account")
    qtbot.keyClicks(picker.lineEdit(), "acme")
    shown_rows(qtbot, picker, ["Acme (read-only)", "Acme Foods GmbH",
                               "Nordlicht Acme Energy"])
    assert picker.lineEdit().text() == "acme"       # the top row is current, not copied in
    with qtbot.waitSignal(picker.picked, timeout=WAIT_MS) as chosen:
        qtbot.keyClick(picker.completer_popup(), Qt.Key.Key_Return)
    assert chosen.args[0] == Reference("account", 3, "Acme", complete=False)


def test_an_empty_cache_says_where_records_come_from(
        qtbot: QtBot, host: QWidget, service: AppService) -> None:
    picker = picker_in(qtbot, host, service, "opportunity")
    with qtbot.waitSignal(picker.answered, timeout=WAIT_MS):
        picker.search("")
    note = picker.model().index(picker.count() - 1, 0)
    assert note.data() == ("No opportunities yet: they are fetched from the CRM at the "
                           "next Synchronize")
    assert not note.flags() & Qt.ItemFlag.ItemIsEnabled


def test_an_incomplete_record_is_marked_and_its_edit_is_disabled(
        qtbot: QtBot, host: QWidget, service: AppService, profile: Profile) -> None:
    theirs = Reference("account", 7, "Borealis AG", complete=False)
    mine = Reference("account", 8, "Borealis Foods", complete=True)
    seed_references(profile, [theirs, mine])
    picker = picker_in(qtbot, host, service, "account")
    assert not picker.edit_button.isEnabled()          # nothing chosen yet
    assert "Choose a record first" in picker.edit_button.toolTip()

    qtbot.keyClicks(picker.lineEdit(), "borealis")
    # complete before incomplete on a tie of rank; the incomplete one says so
    shown_rows(qtbot, picker, ["Borealis Foods", "Borealis AG (read-only)"])
    marked = picker.matches.item(1)
    assert marked.toolTip() == READ_ONLY
    assert marked.font().italic()

    picker.choose(marked.data(REF_ROLE))
    assert picker.current_ref() == theirs
    assert picker.lineEdit().text() == "Borealis AG (read-only)"
    assert not picker.edit_button.isEnabled()
    assert picker.edit_button.toolTip() == READ_ONLY
    assert picker.edit_current() is None               # no editor for a read-only record

    picker.choose(mine)
    assert picker.edit_button.isEnabled()
    assert "Borealis Foods" in picker.edit_button.toolTip()


def test_share_bar_marks_incomplete_links_and_offers_edit_for_complete_ones(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    account = Reference("account", 41, "Acme Logistics GmbH", complete=True)
    contact = Reference("contact", 43, "Jackie Driver", "jackie@other.example",
                        complete=False, account=99)
    seed_references(profile, [account, contact])
    key = seed_event(profile, "Pricing workshop")
    service.share(key)
    item = service.set_links(key, account.id, None, (contact.id,))
    bar = ShareBar(service, TaskRunner())
    qtbot.addWidget(bar)
    bar.show_item(item)
    bar.show()

    assert bar.account.edit_button.isEnabled()
    assert not bar.opportunity.edits_kind             # opportunities are not edited here
    row = bar.contacts.item(0)
    assert row.text() == "Jackie Driver (read-only) \u2014 jackie@other.example"
    assert row.toolTip() == READ_ONLY
    bar.contact_picker.choose(contact)
    assert not bar.contact_picker.edit_button.isEnabled()

    # after an edit (the CRM answered, the cache took it) the bar shows the new name
    renamed = Reference("account", 41, "Acme Logistics SE", complete=True)
    service.store.put_ref(renamed)
    bar.account.edited.emit(renamed)
    qtbot.waitUntil(lambda: bar.account.lineEdit().text() == "Acme Logistics SE",
                    timeout=WAIT_MS)
    assert bar.item() is not None and bar.item().account == renamed


def test_the_editor_needs_a_name_and_cancel_changes_nothing(
        qtbot: QtBot, host: QWidget, service: AppService, profile: Profile) -> None:
    ref = Reference("contact", 5, "Ann Lee", "ann@acme.example")
    seed_references(profile, [ref])
    picker = picker_in(qtbot, host, service, "contact")
    picker.choose(ref)

    qtbot.mouseClick(picker.edit_button, Qt.MouseButton.LeftButton)
    editor = picker.findChild(ReferenceEditor)
    assert editor is not None
    qtbot.waitExposed(editor)
    assert editor.windowTitle() == "Edit contact"
    assert (editor.name.text(), editor.email.text()) == ("Ann Lee", "ann@acme.example")
    editor.name.clear()
    assert not editor.buttons.button(editor.buttons.StandardButton.Save).isEnabled()
    editor.name.setText("Ann Lee-Smith")
    editor.reject()
    assert service.store.ref("contact", 5) == ref
    assert picker.current_ref() == ref


# -- against the real CRM --------------------------------------------------------

def complete_contact(tryton: Any, rep: Any) -> Reference:
    """A contact of an account the rep has an opportunity with: hers to edit."""
    account = tryton.new_account("account")
    if tryton.admin.create_opportunity("Renewal", account, employee=rep.employee_id) is None:
        pytest.skip("sale_opportunity is not active on the test server")
    name = tryton.unique("Ann")
    email = f"{name}@customer.example.com".lower()
    party = tryton.admin.create_contact(name, email, account)
    return Reference("contact", party, name, email, complete=True, account=account)


def open_editor(qtbot: QtBot, picker: ReferencePicker, ref: Reference) -> ReferenceEditor:
    picker.choose(ref)
    qtbot.mouseClick(picker.edit_button, Qt.MouseButton.LeftButton)
    editor = picker.findChild(ReferenceEditor)
    assert editor is not None
    qtbot.waitExposed(editor)
    return editor


@ONE_CALENDAR
def test_editing_a_complete_contact_saves_it_in_the_crm(
        qtbot: QtBot, host: QWidget, service: AppService, profile: Profile, caldav: Any,
        tryton_server: Any, tryton: Any, tryton_rep: Any) -> None:
    configure(service, caldav, tryton_server, tryton_rep)
    ref = complete_contact(tryton, tryton_rep)
    seed_references(profile, [ref])
    picker = picker_in(qtbot, host, service, "contact")
    editor = open_editor(qtbot, picker, ref)

    editor.name.setText(f"{ref.name} Renamed")
    editor.email.setText("ann.new@customer.example.com")
    with qtbot.waitSignal(picker.edited, timeout=WAIT_MS) as done:
        qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Save),
                         Qt.MouseButton.LeftButton)

    saved = done.args[0]
    assert (saved.name, saved.email, saved.complete) == (
        f"{ref.name} Renamed", "ann.new@customer.example.com", True)
    assert not editor.isVisible()
    assert service.store.ref("contact", ref.id) == saved              # the cache took it
    party = tryton.admin.call("party.party", "read", [ref.id], ["name"])[0]
    assert party["name"] == f"{ref.name} Renamed"                     # and the CRM has it
    assert picker.current_ref() == saved


@ONE_CALENDAR
def test_the_crm_refusing_an_edit_keeps_the_editor_open(
        qtbot: QtBot, host: QWidget, service: AppService, profile: Profile, caldav: Any,
        tryton_server: Any, tryton: Any, tryton_rep: Any) -> None:
    """A record the cache still thinks is hers, which the CRM no longer does."""
    configure(service, caldav, tryton_server, tryton_rep)
    name = tryton.unique("Stranger")
    party = tryton.admin.create_contact(name, "", tryton.new_account("theirs"))
    ref = Reference("contact", party, name, complete=True)
    seed_references(profile, [ref])
    picker = picker_in(qtbot, host, service, "contact")
    editor = open_editor(qtbot, picker, ref)

    editor.name.setText("Taken over")
    qtbot.mouseClick(editor.buttons.button(editor.buttons.StandardButton.Save),
                     Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: editor.findChild(QMessageBox, "errorBox") is not None,
                    timeout=WAIT_MS)
    box = editor.findChild(QMessageBox, "errorBox")
    assert "not saved in the CRM" in box.text() and "read-only" in box.text()
    box.close()
    assert editor.isVisible() and editor.name.text() == "Taken over"
    assert editor.name.isEnabled()
    assert service.store.ref("contact", party) == ref
    assert tryton.admin.call("party.party", "read", [party], ["name"])[0]["name"] == name

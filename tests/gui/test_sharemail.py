"""Sharing an e-mail (issue 5, seed 004): the Share E-mail dialog and its ways
in (File › Share E-mail…, dropping .eml files), against the real AppService
on a real profile whose ref cache holds what a sync would have cached.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from crmdesk.model import Reference
from crmdesk.service import AppService
from crmdesk.settings import Profile
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.sharemail import WHO_COLUMN, ShareEmailDialog
from crmdesk.ui.tasks import TaskRunner
from tests.gui.conftest import WAIT_MS, seed_references
from tests.gui.test_plain_text import HOSTILE, shown_texts, sweep

pytestmark = pytest.mark.gui

DATA = Path(__file__).resolve().parents[1] / "data" / "mail"
ACME, GLOBEX = 1, 2
REFS = [
    Reference("account", ACME, "Acme Corp"),
    Reference("account", GLOBEX, "Globex"),
    Reference("contact", 10, "Anna Weber", "Anna.Weber@acme.example", "Acme Corp", account=ACME),
    Reference("contact", 11, "Tom Baker", "tom.baker@acme.example", "Acme Corp", account=ACME),
    Reference("contact", 12, "Lena Vogel", "lena.vogel@globex.example", "Globex",
              account=GLOBEX),
    Reference("employee", 5, "Casey Cheng", "casey.cheng@example.com", complete=False),
    Reference("opportunity", 20, "Acme 120 seats", detail="Acme Corp", account=ACME),
    Reference("opportunity", 21, "Globex upgrade", detail="Globex", account=GLOBEX),
]


@pytest.fixture
def seeded(profile: Profile) -> Profile:
    seed_references(profile, REFS)
    return profile


def open_dialog(qtbot: QtBot, service: AppService, name: str) -> ShareEmailDialog:
    runner = TaskRunner()
    dialog = ShareEmailDialog(service.preview_email(DATA / name), service, runner)
    dialog._test_runner = runner               # kept alive with the dialog  # type: ignore
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def rows(dialog: ShareEmailDialog) -> list[list[str]]:
    tree = dialog.people
    return [[tree.topLevelItem(i).text(c) for c in range(3)]
            for i in range(tree.topLevelItemCount())]


def test_dialog_shows_people_direction_and_suggestions(
        qtbot: QtBot, service: AppService, seeded: Profile) -> None:
    dialog = open_dialog(qtbot, service, "outlook.eml")

    assert dialog.findChild(QLabel, "mailSubject").text() == "RE: Quote for 120 seats"
    assert dialog.direction_label.text().startswith("Outbound")   # an employee sent it
    assert rows(dialog) == [
        ["From", "Casey Cheng <casey.cheng@example.com>", "Employee: Casey Cheng"],
        ["To", "Weber, Anna <anna.weber@acme.example>", "Contact: Anna Weber \u2014 Acme Corp"],
        ["To", "tom.baker@acme.example", "Contact: Tom Baker \u2014 Acme Corp"],
        ["Cc", "Jonas Richter <jonas.richter@example.com>", "not in the CRM"]]
    assert dialog.chosen_contacts() == (10, 11)
    assert dialog.account.current_ref().id == ACME
    assert dialog.opportunity.current_ref().id == 20
    assert "Quote 2012-118.pdf" in dialog.findChild(QLabel, "mailAttachments").text()
    assert not dialog.shared_note.isVisible()


def test_inbound_mail_and_the_other_suggestions_are_offered(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    """Thunderbird mail from a Globex contact to an Acme one: Globex first (the
    sender's, ties keep mail order), Acme offered; choosing it moves the opportunity."""
    seed_references(profile, REFS + [Reference("contact", 14, "Jonas Richter",
                                               "jonas.richter@example.com", account=ACME)])
    dialog = open_dialog(qtbot, service, "thunderbird.eml")
    assert dialog.direction_label.text().startswith("Inbound")
    assert dialog.account.current_ref().id == GLOBEX
    assert dialog.opportunity.current_ref().id == 21
    offered = [dialog.account_hints.itemAt(i).widget()
               for i in range(dialog.account_hints.count())]
    acme = next(w for w in offered if w is not None and w.text().startswith("Acme Corp"))

    qtbot.mouseClick(acme, Qt.MouseButton.LeftButton)

    assert dialog.account.current_ref().id == ACME
    assert dialog.opportunity.current_ref().id == 20


def test_own_address_from_the_settings_makes_it_outbound(
        qtbot: QtBot, service: AppService, seeded: Profile) -> None:
    settings = service.settings.copy()
    settings.sync.my_addresses = "Anna.Weber@acme.example"
    service.save_settings(settings)
    assert service.preview_email(DATA / "gmail.eml").direction == "email_out"


def test_an_address_of_two_contacts_is_not_guessed(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    seed_references(profile, REFS + [Reference("contact", 13, "Anna Weber (private)",
                                               "anna.weber@acme.example", account=GLOBEX)])
    dialog = open_dialog(qtbot, service, "gmail.eml")
    anna = dialog.people.topLevelItem(0)
    assert "2 contacts have this address" in anna.text(2)
    assert anna.childCount() == 2
    assert dialog.chosen_contacts() == ()           # nothing ticked for the rep
    anna.child(1).setCheckState(WHO_COLUMN, Qt.CheckState.Checked)
    assert len(dialog.chosen_contacts()) == 1


def wait_dialog(qtbot: QtBot, window: MainWindow) -> ShareEmailDialog:
    qtbot.waitUntil(lambda: window.mail_share.dialog is not None
                    and window.mail_share.dialog.isVisible(), timeout=WAIT_MS)
    dialog = window.mail_share.dialog
    assert dialog is not None
    return dialog


def test_share_makes_one_activity_and_sharing_again_makes_none(
        qtbot: QtBot, window: MainWindow, service: AppService, seeded: Profile) -> None:
    window.mail_share.open_files([str(DATA / "outlook.eml")])
    dialog = wait_dialog(qtbot, window)
    qtbot.mouseClick(dialog.share_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.activities.tree.topLevelItemCount() == 1, timeout=WAIT_MS)

    [activity] = service.activities()
    assert activity.display_in == "communication" and activity.title == "RE: Quote for 120 seats"
    assert activity.account is not None and activity.account.id == ACME
    assert {c.id for c in activity.contacts} == {10, 11}
    assert window.tabs.currentWidget() is window.activities
    assert window.activities.tree.topLevelItem(0).text(0) == "RE: Quote for 120 seats"
    qtbot.waitUntil(lambda: window.selected_key == activity.key, timeout=WAIT_MS)
    proxy = service.store.proxy(activity.proxy_id or 0)
    assert proxy is not None and proxy.local["type"] == "email_out"
    assert proxy.local["message_id"] == "00fa01cdac74$b5b0f770$2112e650$"
    assert proxy.local["comment"].startswith("From: Casey Cheng <casey.cheng@example.com>\n")

    window.mail_share.open_files([str(DATA / "outlook.eml")])
    again = wait_dialog(qtbot, window)
    assert again.shared_note.isVisible() and "already shared" in again.shared_note.text()
    assert again.share_button.text() == "Show in Activities"
    assert not again.account.isEnabled() and again.account.current_ref().id == ACME
    assert again.chosen_contacts() == (10, 11)          # the activity's, read-only
    qtbot.mouseClick(again.share_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.mail_share.dialog is None, timeout=WAIT_MS)
    assert len(service.activities()) == 1
    assert window.selected_key == activity.key


def drop(window: QWidget, *paths: Path) -> QDropEvent:
    """What the window gets when files are dragged from a file manager and dropped."""
    mime = QMimeData()
    urls = [QUrl.fromLocalFile(str(p)) for p in paths]
    mime.setUrls(urls)
    mime.setText("\n".join(u.toString() for u in urls))     # as file managers do
    action, buttons = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    enter = QDragEnterEvent(QPoint(200, 200), action, mime, buttons,
                            Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    dropped = QDropEvent(QPointF(200, 200), action, mime, buttons,
                         Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, dropped)
    return dropped


def test_dropping_files_opens_a_dialog_for_each(
        qtbot: QtBot, window: MainWindow, seeded: Profile) -> None:
    event = drop(window, DATA / "gmail.eml", DATA / "html_only.eml")
    assert event.isAccepted()
    first = wait_dialog(qtbot, window)
    assert first.preview.message.subject == "Re: Quote for 120 seats"
    first.reject()
    qtbot.waitUntil(lambda: window.mail_share.dialog is not None
                    and window.mail_share.dialog is not first, timeout=WAIT_MS)
    second = wait_dialog(qtbot, window)
    assert second.preview.message.subject == "Angebot Lizenzen"


def test_a_file_dropped_on_a_picker_is_shared_not_typed(
        qtbot: QtBot, window: MainWindow, seeded: Profile) -> None:
    editor = window.share_bar.account.lineEdit()
    qtbot.waitUntil(lambda: editor.acceptDrops(), timeout=WAIT_MS)
    drop(editor, DATA / "gmail.eml")
    assert wait_dialog(qtbot, window).preview.message.subject == "Re: Quote for 120 seats"
    assert editor.text() == ""


def test_a_garbage_file_shows_an_error_in_words(
        qtbot: QtBot, window: MainWindow, seeded: Profile) -> None:
    drop(window, DATA / "not_a_mail.txt")
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "errorBox") is not None,
                    timeout=WAIT_MS)
    box = window.findChild(QMessageBox, "errorBox")
    assert box.windowTitle() == "E-mail not readable"
    assert "not_a_mail.txt can't be shared as an e-mail" in box.text()
    assert "Save the e-mail from your mail program as an .eml file" in box.text()
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert window.mail_share.dialog is None


def test_menu_action_asks_for_eml_files(
        qtbot: QtBot, window: MainWindow, seeded: Profile) -> None:
    assert window.mail_share.action in window.menuBar().actions()[0].menu().actions()
    chooser = window.mail_share.choose_files()
    assert isinstance(chooser, QFileDialog)
    assert chooser.nameFilters()[0] == "E-mail files (*.eml)"
    chooser.filesSelected.emit([str(DATA / "encoded_subject.eml")])
    chooser.close()
    dialog = wait_dialog(qtbot, window)
    assert dialog.preview.message.subject == "\u00c4nderung des Vertrags \u2013 bitte pr\u00fcfen"


def test_mail_text_is_shown_as_plain_text(
        qtbot: QtBot, service: AppService, seeded: Profile, tmp_path: Path) -> None:
    raw = (f"From: \"{HOSTILE}\" <anna.weber@acme.example>\r\nTo: casey.cheng@example.com\r\n"
           f"Subject: {HOSTILE}\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n--x\r\n"
           f"Content-Type: text/plain\r\n\r\n{HOSTILE}\r\n--x\r\nContent-Type: text/plain\r\n"
           f"Content-Disposition: attachment; filename=\"{HOSTILE}.txt\"\r\n\r\nx\r\n--x--\r\n")
    path = tmp_path / "hostile.eml"
    path.write_text(raw, encoding="utf-8")
    runner = TaskRunner()
    dialog = ShareEmailDialog(service.preview_email(path), service, runner)
    qtbot.addWidget(dialog)
    dialog.show()
    assert HOSTILE in shown_texts(dialog)
    assert sweep(dialog) == []

"""Text from servers is shown as plain text everywhere, never as rich text."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox
from pytestqt.qtbot import QtBot

from crmdesk.errors import ServerError
from crmdesk.settings import Profile
from crmdesk.ui.errors import show_error
from crmdesk.ui.mainwindow import MainWindow
from tests.gui.conftest import WAIT_MS, seed_event

pytestmark = pytest.mark.gui

MARKUP = '<b>bold</b><a href="x">link</a>'


def labels_showing(window: MainWindow, text: str) -> list[QLabel]:
    return [label for label in window.findChildren(QLabel) if text in label.text()]


def test_a_title_with_markup_is_shown_literally(
        qtbot: QtBot, window: MainWindow, profile: Profile) -> None:
    key = seed_event(profile, MARKUP, location="<i>room</i>", comment="<h1>agenda</h1>")
    window.refresh()
    qtbot.waitUntil(lambda: window.calendar.week_view.box_rect(key) is not None,
                    timeout=WAIT_MS)
    window.select(key)
    qtbot.waitUntil(lambda: window.form.title_label.text() == MARKUP, timeout=WAIT_MS)

    assert window.form.location_label.text() == "<i>room</i>"
    assert window.form.description.toPlainText() == "<h1>agenda</h1>"
    shown = labels_showing(window, MARKUP)
    assert shown, "the title is in no label"
    for label in shown + labels_showing(window, "<i>room</i>"):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()
    # rendered literally: as plain text the label needs the width of every
    # character of the markup; rendered as rich text it would only need "boldlink"
    title = window.form.title_label
    assert title.fontMetrics().horizontalAdvance(MARKUP) > \
        2 * title.fontMetrics().horizontalAdvance("boldlink")
    title.setWordWrap(False)
    assert title.sizeHint().width() >= title.fontMetrics().horizontalAdvance(MARKUP)


def test_every_label_in_the_window_is_plain_text(
        qtbot: QtBot, window: MainWindow, profile: Profile) -> None:
    key = seed_event(profile, MARKUP)
    window.refresh()
    window.select(key)
    qtbot.waitUntil(lambda: window.share_bar.item() is not None, timeout=WAIT_MS)
    rich = [label.objectName() or label.text() for label in window.findChildren(QLabel)
            if label.textFormat() != Qt.TextFormat.PlainText and label.text()
            and not label.text().isspace()]
    assert rich == []


def test_error_boxes_show_server_text_as_plain_text(qtbot: QtBot) -> None:
    box = show_error(None, ServerError("CRM", "https://crm.example.com", 500, MARKUP))
    qtbot.addWidget(box)
    assert isinstance(box, QMessageBox)
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert MARKUP in box.text()
    box.close()

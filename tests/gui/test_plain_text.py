"""Text from servers is shown as plain text everywhere, never as rich text.

The sweep at the end seeds every kind of server text (titles, locations,
descriptions, account/contact/opportunity names, CRM values in a conflict,
sync report skip reasons and errors, server error messages) with markup, a
link and a remote image, opens every window that shows them, and checks
each widget: labels and message boxes in PlainText, no label that opens
links by itself or has a linkActivated handler, no server text in a
tooltip (Qt guesses rich text there), item views with a plain delegate.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

import pytest
from PySide6.QtCore import (QAbstractItemModel, QAbstractListModel, QMetaMethod,
                            QModelIndex, Qt)
from PySide6.QtWidgets import (QAbstractItemView, QApplication, QHeaderView, QLabel,
                               QMessageBox, QTextBrowser, QTextEdit, QWidget)
from pytestqt.qtbot import QtBot

from crmdesk.errors import ServerError
from crmdesk.model import CrmRecord, Origin, Reference
from crmdesk.model.activity import normalize_fields, with_defaults
from crmdesk.service import AppService
from crmdesk.settings import Profile
from crmdesk.store import Store
from crmdesk.ui.errors import show_error
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.settings.connection import ConnectionDialog
from tests.gui.conftest import WAIT_MS, seed_event, seed_references

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


# -- every window that shows server text, swept (issue 8) -----------------------------------

# What a hostile server could send: markup, a link, a remote image, an entity.
HOSTILE = MARKUP + '<img src="https://evil.example/t.png">&amp;<i>x</i>'
LINKY = ('<a href', '<img', '<b>')


def looks_rich(text: str) -> bool:
    return any(mark in text for mark in LINKY)


def sweep(*roots: QWidget) -> list[str]:
    """Every way a widget under `roots` could render server text as rich text
    or open a link by itself."""
    problems: list[str] = []
    for root in roots:
        for widget in [root, *root.findChildren(QWidget)]:
            problems += widget_problems(widget)
    return problems


def widget_problems(widget: QWidget) -> list[str]:
    name = f"{type(widget).__name__}({widget.objectName() or '?'})"
    found = []
    if looks_rich(widget.toolTip()):             # Qt renders tooltips as rich text
        found.append(f"{name}: server text in a tooltip")
    if isinstance(widget, QLabel):
        plain = widget.textFormat() == Qt.TextFormat.PlainText
        if looks_rich(widget.text()) and not plain:
            found.append(f"{name}: server text as {widget.textFormat()}")
        # (QMessageBox's own label opens links, inert in PlainText: there are none)
        if widget.openExternalLinks() and not plain:
            found.append(f"{name}: opens links by itself")
        if widget.isSignalConnected(QMetaMethod.fromSignal(widget.linkActivated)) and not plain:
            found.append(f"{name}: a linkActivated handler")
    if isinstance(widget, QMessageBox) and looks_rich(widget.text()) \
            and widget.textFormat() != Qt.TextFormat.PlainText:
        found.append(f"{name}: server text as {widget.textFormat()}")
    if isinstance(widget, QTextBrowser) and (widget.openExternalLinks() or widget.openLinks()):
        found.append(f"{name}: a text browser that follows links")
    if isinstance(widget, QTextEdit) and "<a href" in widget.toHtml() \
            and "<a href" not in widget.toPlainText():
        found.append(f"{name}: server text as HTML")
    if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView) \
            and widget.model() is not None:
        found += view_problems(name, widget)
    return found


# Qt's own delegates, which paint an item's text as plain text.
PLAIN_DELEGATES = {"QStyledItemDelegate", "QItemDelegate", "QComboBoxDelegate",
                   "QComboMenuDelegate", "QCompleterItemDelegate"}


def view_problems(name: str, view: QAbstractItemView) -> list[str]:
    found = []
    delegate = view.itemDelegate().metaObject().className()
    if delegate not in PLAIN_DELEGATES:
        found.append(f"{name}: a custom delegate ({delegate}): check that it paints plain text")
    model = view.model()
    for index in model_indexes(model):
        if looks_rich(str(model.data(index, Qt.ItemDataRole.ToolTipRole) or "")):
            found.append(f"{name}: server text in an item tooltip")
        if looks_rich(str(model.data(index, Qt.ItemDataRole.WhatsThisRole) or "")):
            found.append(f"{name}: server text in an item's What's This")
    return found


def model_indexes(model: QAbstractItemModel, parent: QModelIndex = QModelIndex()
                  ) -> list[QModelIndex]:
    found = []
    flat = isinstance(model, QAbstractListModel)      # (its columnCount is private)
    for row in range(model.rowCount(parent)):
        for column in range(1 if flat else model.columnCount(parent)):
            index = model.index(row, column, parent)
            found.append(index)
            if column == 0 and not flat:
                found += model_indexes(model, index)
    return found


def shown_texts(*roots: QWidget) -> str:
    """All text the widgets under `roots` hold, items included: the proof that
    the sweep looked at the server's text."""
    texts = []
    for root in roots:
        for widget in [root, *root.findChildren(QWidget)]:
            for getter in ("text", "toPlainText", "currentText"):
                value = getattr(widget, getter, None)
                if callable(value):
                    texts.append(str(value()))
            if isinstance(widget, QAbstractItemView) and widget.model() is not None:
                texts += [str(widget.model().data(i) or "") for i in model_indexes(widget.model())]
    return "\n".join(texts)


def seed_hostile_profile(profile: Profile) -> str:
    """A shared item in conflict, its CRM links, and a troubled sync report: every
    text a server supplies is HOSTILE.  Returns the item's key."""
    refs = [Reference("account", 41, "Acme " + HOSTILE, detail=HOSTILE),
            Reference("opportunity", 42, "Deal " + HOSTILE, detail="Acme " + HOSTILE),
            Reference("contact", 43, "Ann " + HOSTILE, email="ann@acme.example")]
    seed_references(profile, refs)
    key = seed_event(profile, HOSTILE, location=HOSTILE, comment=HOSTILE)
    store = Store(profile.store_path)
    try:
        native = store.mirror_get(key[2:])
        assert native is not None
        record = CrmRecord(id=7, fields=with_defaults({**native.fields,
                                                       "location": "CRM " + HOSTILE}),
                           timestamp="t1", integration_id=native.uid, origin=Origin.CALENDAR,
                           owner=70, employees=(70,))
        local = normalize_fields({"type": "meeting", "display_in": "calendar", "account": 41,
                                  "opportunity": 42, "contacts": (43,)})
        pid = store.add_proxy(origin=Origin.CALENDAR, uid=native.uid, href=native.href,
                              crm=record, local=local)
        store.update_proxy(pid, base=with_defaults({**native.fields, "location": "Base"}),
                           state="conflict", conflict=["location"], detail=HOSTILE)
        entry = {"key": native.href, "title": HOSTILE, "reason": HOSTILE, "fields": []}
        store.add_report({"calendar": {"created": 1, "updated": 0, "deleted": 0},
                          "crm": {"created": 0, "updated": 0, "deleted": 0},
                          "conflicts": [{**entry, "fields": ["location"]}], "skipped": [entry],
                          "errors": [entry], "linked": [], "requests": {}, "seconds": 1.0,
                          "cancelled": False})
    finally:
        store.close()
    return key


def test_no_window_shows_server_text_as_rich_text_or_opens_links(
        qtbot: QtBot, window: MainWindow, profile: Profile) -> None:
    key = seed_hostile_profile(profile)
    window.refresh()
    window.select(key)
    bar = window.share_bar
    qtbot.waitUntil(lambda: bar.item() is not None and bar.contacts.count() == 1,
                    timeout=WAIT_MS)
    conflicts = window.open_conflicts()
    qtbot.waitUntil(lambda: len(conflicts.boxes) == 1 and bool(conflicts.issues.rows()),
                    timeout=WAIT_MS)
    history = window.open_history()
    qtbot.waitUntil(lambda: history.list.topLevelItemCount() == 1, timeout=WAIT_MS)
    history.list.setCurrentItem(history.list.topLevelItem(0))
    box = show_error(window, ServerError("Tryton", "https://crm.example.com", 200, HOSTILE))
    qtbot.addWidget(box)

    windows = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert {conflicts, history, box} <= set(windows)
    shown = shown_texts(*windows)
    for text in ("Acme " + HOSTILE, "Ann " + HOSTILE, "CRM " + HOSTILE):
        assert text in shown, f"{text!r} is not shown literally anywhere"
    assert shown.count(HOSTILE) >= 8              # title, location, description, reasons…
    problems = sweep(*windows)
    assert problems == [], "\n".join(problems)
    box.close()


class HostileServer(ThreadingHTTPServer):
    """A real HTTP server on 127.0.0.1 whose every text carries markup: a
    JSON-RPC UserError (the CRM), a calendar's display name (CalDAV)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), HostileHandler)
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()
        self.thread.join(5)


MULTISTATUS = """<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:response>
<D:href>{href}</D:href><D:propstat><D:prop>
<D:resourcetype><D:collection/><C:calendar/></D:resourcetype>
<D:displayname>{name}</D:displayname></D:prop>
<D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response></D:multistatus>"""


class HostileHandler(BaseHTTPRequestHandler):
    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.command == "POST":           # Tryton JSON-RPC
            request = json.loads(body or b"{}")
            data = json.dumps({"id": request.get("id"),
                               "error": ["UserError", [HOSTILE, HOSTILE]]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
        else:                                # CalDAV: the URL is a calendar
            data = MULTISTATUS.format(href=escape(self.path), name=escape(HOSTILE)).encode()
            self.send_response(207)
            self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_POST = do_PROPFIND = _answer

    def log_message(self, *args: object) -> None:
        pass


def test_server_text_in_connection_tests_is_plain(qtbot: QtBot, service: AppService) -> None:
    """A CRM's error message and a calendar's name, as the Test buttons show them."""
    server = HostileServer()
    try:
        dialog = ConnectionDialog(service)
        qtbot.addWidget(dialog)
        dialog.show()
        crm, cal = dialog.crm, dialog.calendar
        for field, text in ((crm.url, server.url), (crm.database, "crm"), (crm.username, "jdoe"),
                            (crm.password, "pw"), (cal.url, server.url + "dav/"),
                            (cal.username, "jdoe"), (cal.password, "pw")):
            qtbot.keyClicks(field, text)
        qtbot.mouseClick(crm.test_button, Qt.MouseButton.LeftButton)
        qtbot.mouseClick(cal.test_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: crm.test_button.isEnabled() and cal.test_button.isEnabled()
                        and looks_rich(crm.result.text()) and cal.calendar.count() > 0,
                        timeout=WAIT_MS * 3)
        assert HOSTILE in crm.result.text()
        assert HOSTILE in shown_texts(cal.calendar)
        problems = sweep(dialog)
        assert problems == [], "\n".join(problems)
        dialog.reject()
    finally:
        server.stop()

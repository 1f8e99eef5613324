"""Every text the GUI shows is found in its translation at run time (issue 6).

A pseudo-translation of the English base (`resources/translations/crmdesk_en.ts`,
every string wrapped in ⟦…⟧) is compiled with lrelease and installed the way
the app installs a language; then every label, button, action, header, tab,
placeholder and window title of the main window and its dialogs must show
the brackets.  A string that is not in the base (not wrapped, or marked
under another context than the one it is looked up in at run time) shows
without them, and the test names it.
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QComboBox, QDialogButtonBox,
                               QGroupBox, QLabel, QLineEdit, QMenu, QPlainTextEdit, QSpinBox,
                               QTabBar, QTableWidget, QTabWidget, QTreeWidget, QWidget, QWizard)
from pytestqt.qtbot import QtBot

from crmdesk.errors import AuthError, MassDeleteBlocked
from crmdesk.service import AppService
from crmdesk.settings import Profile
from crmdesk.sync.actions import CreateCrm, DeleteCrm, SaveProxy
from crmdesk.ui.errors import show_error
from crmdesk.ui.firstrun.wizard import FirstRunWizard
from crmdesk.ui.help import AboutDialog
from crmdesk.ui.i18n import install_translations
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.password_prompt import PasswordPrompt
from crmdesk.ui.sync.massdelete import MassDeleteDialog
from crmdesk.ui.sync.preview import PreviewDialog
from tests.gui.conftest import WAIT_MS, seed_event
from tests.gui.test_mainwindow import configured

pytestmark = pytest.mark.gui

BASE = Path(__file__).resolve().parents[2] / "resources" / "translations" / "crmdesk_en.ts"
OPEN, CLOSE = "\u27e6", "\u27e7"
# Server text, dates and software names are data, not our words.
DATA = {"rangeLabel", "titleLabel", "whenLabel", "locationLabel", "description", "versionName",
        "version", "passwordServer", "passwordUser"}      # "version:Python" and so on
WORDS = re.compile(r"[^\W\d_]{2,}")


@pytest.fixture(scope="module")
def pseudo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """crmdesk_eo.qm: the base with every translation ⟦source⟧."""
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    if not lrelease.exists():
        pytest.skip("pyside6-lrelease is not installed")
    folder = tmp_path_factory.mktemp("pseudo")
    tree = ET.parse(BASE)
    for message in tree.iter("message"):
        translation = message.find("translation")
        assert translation is not None
        translation.text = f"{OPEN}{message.findtext('source')}{CLOSE}"
        translation.attrib.pop("type", None)
    tree.write(folder / "crmdesk_eo.ts", encoding="utf-8", xml_declaration=True)
    subprocess.run([str(lrelease), str(folder / "crmdesk_eo.ts"), "-qm",
                    str(folder / "crmdesk_eo.qm")], check=True, capture_output=True)
    return folder


@pytest.fixture
def pseudo(qtbot: QtBot, pseudo_dir: Path) -> Iterator[None]:
    app = QCoreApplication.instance()
    installed = install_translations(app, QLocale("eo"), pseudo_dir)
    assert installed, "the pseudo translation did not load"
    yield
    for translator in installed:
        app.removeTranslator(translator)


def texts_of(widget: QWidget) -> list[str]:
    """What one widget shows in words (its own, not its children's)."""
    found = [widget.toolTip(), widget.accessibleName()]
    if widget.isWindow():
        found.append(widget.windowTitle())
    if isinstance(widget, (QLabel, QAbstractButton)):
        found.append(widget.text())
    if isinstance(widget, QGroupBox):
        found.append(widget.title())
    if isinstance(widget, (QLineEdit, QPlainTextEdit)):
        found.append(widget.placeholderText())
    if isinstance(widget, QSpinBox):
        found += [widget.suffix(), widget.specialValueText()]
    if isinstance(widget, QComboBox) and not widget.isEditable():
        found += [widget.itemText(i) for i in range(widget.count())]
    if isinstance(widget, QTabWidget):
        found += [widget.tabText(i) for i in range(widget.count())]
    if isinstance(widget, QTreeWidget):
        header = widget.headerItem()
        found += [header.text(c) for c in range(header.columnCount())]
    if isinstance(widget, QTableWidget):
        found += [widget.horizontalHeaderItem(c).text() for c in range(widget.columnCount())
                  if widget.horizontalHeaderItem(c) is not None]
    if isinstance(widget, QMenu):
        found.append(widget.title())
    return found


def qt_own(widget: QWidget) -> bool:
    """Qt's words (OK, Cancel, Next >…: qtbase's translation) and its inner widgets."""
    if widget.objectName().startswith("qt_") or isinstance(widget.parent(),
                                                           (QAbstractSpinBox, QTabBar)):
        return True
    box = widget.parent()
    if isinstance(box, QDialogButtonBox) and isinstance(widget, QAbstractButton):
        return box.standardButton(widget) != QDialogButtonBox.StandardButton.NoButton
    wizard = widget.window()
    if isinstance(wizard, QWizard) and isinstance(widget, QAbstractButton):
        return widget in [wizard.button(b) for b in (
            QWizard.WizardButton.BackButton, QWizard.WizardButton.NextButton,
            QWizard.WizardButton.FinishButton, QWizard.WizardButton.CancelButton)]
    return False


# Example addresses in placeholders ("https://crm.example.com/") are not words.
EXAMPLE_URL = re.compile(r"https?://\S+")


def not_ours(widget: QWidget) -> bool:
    """Qt's own, or the rep's data."""
    return qt_own(widget) or widget.objectName().split(":")[0] in DATA


def untranslated(root: QWidget, *more: QObject) -> list[str]:
    """Every text under `root` (and `more`) that shows without the pseudo brackets."""
    widgets = [w for w in [root, *root.findChildren(QWidget)] if not not_ours(w)]
    texts = [(type(w).__name__, w.objectName(), t) for w in widgets for t in texts_of(w)]
    for owner in (root, *more):
        for action in owner.findChildren(QAction):
            texts += [("QAction", action.objectName(), t)
                      for t in (action.text(), action.toolTip(), action.statusTip())]
        if isinstance(owner, QMenu):
            texts += [("QAction", a.objectName(), a.text()) for a in owner.actions()]
    return sorted({f"{kind}#{name}: {text!r}" for kind, name, text in texts
                   if WORDS.search(text.replace("crmdesk", "")) and OPEN not in text
                   and not EXAMPLE_URL.fullmatch(text)})


def shown(qtbot: QtBot, widget: QWidget) -> QWidget:
    qtbot.addWidget(widget)
    widget.show()
    return widget


def test_the_main_window_shows_only_translated_words(qtbot: QtBot, pseudo: None,
                                                     service: AppService) -> None:
    window = shown(qtbot, MainWindow(service))
    qtbot.waitUntil(lambda: window.status is not None
                    and window.todos.stack.message.text() != "", timeout=WAIT_MS)
    assert window.not_configured.text().startswith(OPEN)
    assert untranslated(window, window.tray.menu) == []
    window.close()


def test_the_selected_item_shows_only_translated_words(qtbot: QtBot, pseudo: None,
                                                       service: AppService,
                                                       profile: Profile) -> None:
    configured(service)
    key = seed_event(profile, "Kick-off")
    window = shown(qtbot, MainWindow(service))
    qtbot.waitUntil(lambda: window.calendar.week_view.keys() == [key], timeout=WAIT_MS)
    window.select(key)
    qtbot.waitUntil(lambda: window.form.title_label.text() == "Kick-off", timeout=WAIT_MS)
    assert window.form.kind_label.text().startswith(OPEN)
    assert window.status_bar.summary.text().startswith(OPEN)
    window.calendar.mode_group.button(1).click()                    # the agenda, too
    assert untranslated(window) == []
    window.close()


def test_the_dialogs_show_only_translated_words(qtbot: QtBot, pseudo: None,
                                                service: AppService) -> None:
    window = shown(qtbot, MainWindow(service))
    qtbot.waitUntil(lambda: window.status is not None, timeout=WAIT_MS)
    history = window.open_history()
    qtbot.waitUntil(lambda: history.intro.text().startswith(OPEN + "No"), timeout=WAIT_MS)
    conflicts = window.open_conflicts()
    qtbot.waitUntil(lambda: conflicts.scroll.isHidden(), timeout=WAIT_MS)
    plan = [CreateCrm(1, "Demo"), DeleteCrm(2, "Old call", reason="deleted in the calendar"),
            SaveProxy(3, "Review", conflict=("location",))]
    dialogs = [window.open_sync_settings(), history, conflicts, PreviewDialog(plan),
               PreviewDialog([]), MassDeleteDialog(MassDeleteBlocked(plan, "crm", 1, 2)),
               AboutDialog(), PasswordPrompt("crm", "https://crm.example.com", "jdoe"),
               FirstRunWizard(service), show_error(window, AuthError("Tryton", "https://x"))]
    for dialog in dialogs:
        shown(qtbot, dialog)
        assert untranslated(dialog) == [], type(dialog).__name__

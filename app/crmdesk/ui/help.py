"""The Help menu: Export diagnostics… and About crmdesk.

The main window calls `install_help_menu(window, service)` once; the menu
goes last in the window's menu bar.  Exporting runs
`crmdesk.diagnostics.export_diagnostics` (a small zip, written on the GUI
thread in well under a second) after a file dialog; About lists the
versions support asks for, and the keyring backend.
"""

from __future__ import annotations

from pathlib import Path

import platformdirs
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout,
                               QHBoxLayout, QLabel, QMainWindow, QMenu, QMessageBox,
                               QPushButton, QVBoxLayout, QWidget)

from crmdesk import __version__
from crmdesk.diagnostics import DiagnosticsSource, default_name, export_diagnostics, versions
from crmdesk.settings.secrets import keyring_notice
from crmdesk.ui.errors import show_error
from crmdesk.ui.icons import app_icon
from crmdesk.ui.look import plain_label

translate = QCoreApplication.translate
# The About rows that are not product names (those stay as they are).
ROW_NAMES = {"keyring backend": QT_TRANSLATE_NOOP("AboutDialog", "keyring backend"),
             "platform": QT_TRANSLATE_NOOP("AboutDialog", "platform")}


def install_help_menu(window: QMainWindow, service: DiagnosticsSource) -> QMenu:
    """Add Help (Export diagnostics…, About crmdesk) to `window`'s menu bar."""
    menu = window.menuBar().addMenu(translate("HelpMenu", "&Help"))
    menu.setObjectName("helpMenu")
    export = menu.addAction(translate("HelpMenu", "Export diagnostics\u2026"))
    export.setObjectName("exportDiagnosticsAction")
    export.setStatusTip(translate("HelpMenu", "Save logs, the last sync reports and the "
                                  "settings (no passwords) as a zip for a support ticket"))
    export.triggered.connect(lambda: choose_export_file(window, service))
    menu.addSeparator()
    about = menu.addAction(translate("HelpMenu", "About crmdesk"))
    about.setObjectName("aboutAction")
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(lambda: show_about(window))
    return menu


def choose_export_file(parent: QWidget, service: DiagnosticsSource) -> QFileDialog:
    """A save dialog (opened, not exec'd); choosing a file writes the zip."""
    folder = Path(platformdirs.user_documents_dir())
    if not folder.is_dir():
        folder = Path.home()
    dialog = QFileDialog(parent, translate("HelpMenu", "Export diagnostics"),
                         str(folder / default_name()),
                         translate("HelpMenu", "Zip archives (*.zip)"))
    dialog.setObjectName("exportDiagnosticsDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setDefaultSuffix("zip")
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.fileSelected.connect(lambda name: save_diagnostics(parent, service, Path(name)))
    dialog.open()
    return dialog


def save_diagnostics(parent: QWidget, service: DiagnosticsSource, path: Path) -> Path | None:
    """Write the zip and say where (or why not); returns the file written."""
    try:
        written = export_diagnostics(service, path)
    except Exception as exc:  # noqa: BLE001 - every error becomes words
        show_error(parent, exc, translate("HelpMenu", "The diagnostics were not saved."))
        return None
    box = QMessageBox(QMessageBox.Icon.Information, translate("HelpMenu", "Diagnostics saved"),
                      translate("HelpMenu", "Saved to {path}\n\nIt holds the logs, the last "
                                "sync reports and the settings, without passwords. Attach it "
                                "to your support ticket.").format(path=written),
                      QMessageBox.StandardButton.Ok, parent)
    box.setObjectName("diagnosticsSaved")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return written


class AboutDialog(QDialog):
    """The version of crmdesk and of everything it runs on."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(self.tr("About crmdesk"))
        self.versions = versions()
        layout = QVBoxLayout(self)
        layout.addLayout(self._heading())
        form = QFormLayout()
        self.rows: dict[str, QLabel] = {}
        for name, value in self.versions.items():
            label = plain_label(value, name=f"version:{name}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(plain_label(self.tr("{name}:").format(
                name=self.tr(ROW_NAMES[name]) if name in ROW_NAMES else name),
                name="versionName"), label)
            self.rows[name] = label
        layout.addLayout(form)
        notice = keyring_notice(translate)
        if notice:
            layout.addWidget(plain_label(notice, wrap=True, name="keyringNotice"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(self.tr("Copy versions"))
        self.copy_button.setObjectName("copyVersions")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_versions)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(440)

    def _heading(self) -> QHBoxLayout:
        row = QHBoxLayout()
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        text = QVBoxLayout()
        title = plain_label(f"crmdesk {__version__}", name="aboutTitle")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        text.addWidget(title)
        text.addWidget(plain_label(self.tr("Joins your CalDAV calendar to the company CRM: "
                                           "share meetings and to-dos, then synchronize both "
                                           "ways."), wrap=True))
        text.addWidget(plain_label(self.tr("Free software under the GNU GPL, version 3 or "
                                           "later."), wrap=True))
        row.addLayout(text, 1)
        return row

    def as_text(self) -> str:
        return "\n".join(f"{name}: {value}" for name, value in self.versions.items())

    def copy_versions(self) -> None:
        QGuiApplication.clipboard().setText(self.as_text())


def show_about(parent: QWidget | None) -> AboutDialog:
    dialog = AboutDialog(parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog

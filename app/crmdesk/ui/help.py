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
from PySide6.QtCore import QCoreApplication, Qt
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

def _tr(text: str) -> str:
    return QCoreApplication.translate("HelpMenu", text)


def install_help_menu(window: QMainWindow, service: DiagnosticsSource) -> QMenu:
    """Add Help (Export diagnostics…, About crmdesk) to `window`'s menu bar."""
    menu = window.menuBar().addMenu(_tr("&Help"))
    menu.setObjectName("helpMenu")
    export = menu.addAction(_tr("Export diagnostics\u2026"))
    export.setObjectName("exportDiagnosticsAction")
    export.setStatusTip(_tr("Save logs, the last sync reports and the settings (no passwords) "
                            "as a zip for a support ticket"))
    export.triggered.connect(lambda: choose_export_file(window, service))
    menu.addSeparator()
    about = menu.addAction(_tr("About crmdesk"))
    about.setObjectName("aboutAction")
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(lambda: show_about(window))
    return menu


def choose_export_file(parent: QWidget, service: DiagnosticsSource) -> QFileDialog:
    """A save dialog (opened, not exec'd); choosing a file writes the zip."""
    folder = Path(platformdirs.user_documents_dir())
    if not folder.is_dir():
        folder = Path.home()
    dialog = QFileDialog(parent, _tr("Export diagnostics"), str(folder / default_name()),
                         _tr("Zip archives (*.zip)"))
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
        show_error(parent, exc, _tr("The diagnostics were not saved."))
        return None
    box = QMessageBox(QMessageBox.Icon.Information, _tr("Diagnostics saved"),
                      _tr("Saved to {path}\n\nIt holds the logs, the last sync reports and "
                          "the settings, without passwords. Attach it to your support "
                          "ticket.").format(path=written),
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
        self.setWindowTitle(_tr("About crmdesk"))
        self.versions = versions()
        layout = QVBoxLayout(self)
        layout.addLayout(self._heading())
        form = QFormLayout()
        self.rows: dict[str, QLabel] = {}
        for name, value in self.versions.items():
            label = plain_label(value, name=f"version:{name}")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(f"{name}:", label)
            self.rows[name] = label
        layout.addLayout(form)
        notice = keyring_notice()
        if notice:
            layout.addWidget(plain_label(notice, wrap=True, name="keyringNotice"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(_tr("Copy versions"))
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
        text.addWidget(plain_label(_tr("Joins your CalDAV calendar to the company CRM: share "
                                        "meetings and to-dos, then synchronize both ways."),
                                    wrap=True))
        text.addWidget(plain_label(_tr("Free software under the GNU GPL, version 3 or later."),
                                   wrap=True))
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

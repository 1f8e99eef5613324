"""Asks for a password that neither the environment nor a keyring holds.

Without a system keyring (keyring's fail backend) crmdesk can't remember
passwords: this dialog says so and keeps the answer for this session only
(`secrets.remember_for_session`, process memory; never written anywhere).

    if not ask_missing_passwords(window, service):   # before a sync
        return
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLineEdit,
                               QVBoxLayout, QWidget)

from crmdesk.settings.secrets import keyring_notice, remember_for_session
from crmdesk.ui.api import GuiService
from crmdesk.ui.look import plain_label

SIDES = ("crm", "calendar")




class PasswordPrompt(QDialog):
    """One server's password, kept in memory until crmdesk closes."""

    def __init__(self, side: str, url: str, username: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.side, self.url, self.username = side, url, username
        self.setObjectName("passwordPrompt")
        self.setWindowTitle(self.tr("Password needed"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        what = self.tr("crmdesk needs the CRM password to synchronize.") if side == "crm" \
            else self.tr("crmdesk needs the calendar password to synchronize.")
        layout.addWidget(plain_label(what, wrap=True, name="passwordQuestion"))
        notice = keyring_notice(QCoreApplication.translate)
        self.notice = plain_label(notice or "", wrap=True,
                                  name="keyringNotice")
        self.notice.setVisible(bool(notice))
        self.notice.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.notice)
        form = QFormLayout()
        form.addRow(self.tr("Server:"), plain_label(url, name="passwordServer"))
        form.addRow(self.tr("User:"), plain_label(username, name="passwordUser"))
        self.password = QLineEdit()
        self.password.setObjectName("passwordField")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(self.tr("Password:"), self.password)
        layout.addLayout(form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.password.textChanged.connect(self._update_ok)
        self._update_ok()
        self.setMinimumWidth(460)
        self.password.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(bool(self.password.text()))

    def accept(self) -> None:
        """Keep the typed password for this session, then clear the field."""
        if not self.password.text():
            return
        remember_for_session(self.side, self.url, self.username, self.password.text())
        self.password.clear()
        super().accept()


def missing_password_sides(service: GuiService) -> list[str]:
    """The configured servers ("crm", "calendar") whose password is unknown."""
    missing = []
    for side in SIDES:
        section = service.settings.crm if side == "crm" else service.settings.calendar
        if section.url and section.username and service.password(side) is None:
            missing.append(side)
    return missing


def prompt_for(service: GuiService, side: str, parent: QWidget | None = None
               ) -> PasswordPrompt:
    """The (not yet shown) prompt for one server of the current settings."""
    section = service.settings.crm if side == "crm" else service.settings.calendar
    return PasswordPrompt(side, section.url, section.username, parent)


def ask_missing_passwords(parent: QWidget | None, service: GuiService) -> bool:
    """Ask, one dialog per server, for every missing password; False if cancelled."""
    for side in missing_password_sides(service):
        dialog = prompt_for(service, side, parent)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return False
        finally:
            dialog.deleteLater()
    return True

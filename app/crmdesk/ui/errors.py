"""The GUI's one place for error words: a title, the sentence, a plain-text box.

The sentences themselves come from `crmdesk.messages` (Qt-free, shared with
the CLI, so both front ends say the same thing: what went wrong and what to
do); here they are looked up in Qt's translations.  This module adds a short
title per kind of error and shows them with Qt.PlainText, so text that came
from a server (details, URLs) can never inject markup into a dialog.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from crmdesk import messages
from crmdesk.errors import (AccessDenied, AuthError, Cancelled, ClientCertError, InvalidItem,
                            LockedOutError, MailUnreadable, MassDeleteBlocked, NotFound,
                            RateLimited, RedirectRefused, ServerError, SessionExpired,
                            SettingsError, StaleWrite, StoreError, TlsError,
                            UnreachableError, UserError)
from crmdesk.settings.secrets import KeyringUnavailable


@dataclass(frozen=True)
class ErrorText:
    """A short headline and the full explanation with what to do."""

    title: str
    message: str

    def __str__(self) -> str:
        return self.message


# Most specific classes first: the first isinstance match wins.
_TITLES: tuple[tuple[type[BaseException], str], ...] = (
    (LockedOutError, QT_TRANSLATE_NOOP("ErrorBox", "Too many sign-in attempts")),
    (SessionExpired, QT_TRANSLATE_NOOP("ErrorBox", "Session ended")),
    (AuthError, QT_TRANSLATE_NOOP("ErrorBox", "Sign-in refused")),
    (ClientCertError, QT_TRANSLATE_NOOP("ErrorBox", "Client certificate needed")),
    (TlsError, QT_TRANSLATE_NOOP("ErrorBox", "Certificate not trusted")),
    (UnreachableError, QT_TRANSLATE_NOOP("ErrorBox", "Server not reachable")),
    (RateLimited, QT_TRANSLATE_NOOP("ErrorBox", "Server busy")),
    (ServerError, QT_TRANSLATE_NOOP("ErrorBox", "Server error")),
    (RedirectRefused, QT_TRANSLATE_NOOP("ErrorBox", "Redirected to another server")),
    (StoreError, QT_TRANSLATE_NOOP("ErrorBox", "Local store problem")),
    (AccessDenied, QT_TRANSLATE_NOOP("ErrorBox", "Not allowed")),
    (KeyringUnavailable, QT_TRANSLATE_NOOP("ErrorBox", "Password not saved")),
    (SettingsError, QT_TRANSLATE_NOOP("ErrorBox", "Setting needs attention")),
    (MassDeleteBlocked, QT_TRANSLATE_NOOP("ErrorBox", "Synchronization stopped")),
    (MailUnreadable, QT_TRANSLATE_NOOP("ErrorBox", "E-mail not readable")),
    (UserError, QT_TRANSLATE_NOOP("ErrorBox", "Can't do that")),
    (Cancelled, QT_TRANSLATE_NOOP("ErrorBox", "Cancelled")),
    (StaleWrite, QT_TRANSLATE_NOOP("ErrorBox", "Changed elsewhere")),
    (NotFound, QT_TRANSLATE_NOOP("ErrorBox", "Item no longer there")),
    (InvalidItem, QT_TRANSLATE_NOOP("ErrorBox", "Item not understood")),
)
UNEXPECTED = QT_TRANSLATE_NOOP("ErrorBox", "Unexpected error")


def describe(exc: BaseException) -> ErrorText:
    """Title and words for any exception (unknown ones get an honest generic one)."""
    title = next((t for kind, t in _TITLES if isinstance(exc, kind)), UNEXPECTED)
    return ErrorText(QCoreApplication.translate("ErrorBox", title),
                     messages.describe(exc, QCoreApplication.translate))


def show_notice(parent: QWidget | None, title: str, text: str) -> QMessageBox:
    """A window-modal information box, as plain text (it may quote a path)."""
    return _open_box(QMessageBox.Icon.Information, title, text, parent, "noticeBox")


def show_error(parent: QWidget | None, exc: BaseException, doing: str = "") -> QMessageBox:
    """A window-modal message box with the words for `exc`, as plain text.

    It is opened, not exec'd: the event loop (and a running sync) go on.
    """
    text = describe(exc)
    return _open_box(QMessageBox.Icon.Warning, text.title,
                     f"{doing}\n\n{text.message}" if doing else text.message, parent,
                     "errorBox")


def _open_box(icon: QMessageBox.Icon, title: str, text: str, parent: QWidget | None,
              name: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName(name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box

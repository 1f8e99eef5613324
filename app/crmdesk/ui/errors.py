"""The GUI's one place for error words: a title, the sentence, a plain-text box.

The sentences themselves come from `crmdesk.messages` (Qt-free, shared with
the CLI, so both front ends say the same thing: what went wrong and what to
do).  This module adds a short title per kind of error and shows them with
Qt.PlainText, so text that came from a server (details, URLs) can never
inject markup into a dialog.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from crmdesk import messages
from crmdesk.errors import (AccessDenied, AuthError, Cancelled, InvalidItem, LockedOutError,
                            MassDeleteBlocked, NotFound, ServerError, SettingsError,
                            StaleWrite, TlsError, UnreachableError, UserError)
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
    (LockedOutError, "Too many sign-in attempts"),
    (AuthError, "Sign-in refused"),
    (TlsError, "Certificate not trusted"),
    (UnreachableError, "Server not reachable"),
    (ServerError, "Server error"),
    (AccessDenied, "Not allowed"),
    (KeyringUnavailable, "Password not saved"),
    (SettingsError, "Setting needs attention"),
    (MassDeleteBlocked, "Synchronization stopped"),
    (UserError, "Can't do that"),
    (Cancelled, "Cancelled"),
    (StaleWrite, "Changed elsewhere"),
    (NotFound, "Item no longer there"),
    (InvalidItem, "Item not understood"),
)


def describe(exc: BaseException) -> ErrorText:
    """Title and words for any exception (unknown ones get an honest generic one)."""
    title = next((t for kind, t in _TITLES if isinstance(exc, kind)), "Unexpected error")
    return ErrorText(title, messages.describe(exc))


def show_error(parent: QWidget | None, exc: BaseException, doing: str = "") -> QMessageBox:
    """A window-modal message box with the words for `exc`, as plain text.

    It is opened, not exec'd: the event loop (and a running sync) go on.
    """
    text = describe(exc)
    box = QMessageBox(QMessageBox.Icon.Warning, text.title,
                      f"{doing}\n\n{text.message}" if doing else text.message,
                      QMessageBox.StandardButton.Ok, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setObjectName("errorBox")
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box

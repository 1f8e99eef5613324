"""The Calendar tab's page while crmdesk can't work yet: what is missing, and the way in.

Nothing set up: the first-run wizard is the primary action ("Set up
crmdesk…").  Settings saved but a password unknown (no keyring, a restart):
"Enter the passwords…" instead, so the rep is not sent through the wizard
again.  The plain Connection settings stay one click away in both cases.
The page only asks; the main window opens the wizard or the dialogs.
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from crmdesk.ui.look import plain_label

NOT_CONFIGURED = QT_TRANSLATE_NOOP("NotConfiguredPage", "crmdesk is not connected yet")
HINT = QT_TRANSLATE_NOOP(
    "NotConfiguredPage", "Set it up with your CRM and calendar server: crmdesk tests each "
    "connection, then runs the first Synchronize, and your week shows here.")
NO_PASSWORDS = QT_TRANSLATE_NOOP("NotConfiguredPage", "crmdesk needs your passwords")
NO_PASSWORDS_HINT = QT_TRANSLATE_NOOP(
    "NotConfiguredPage", "The connection settings are saved, but not the passwords: this "
    "computer has no keyring to keep them, or they were removed. Enter them to see your week "
    "and synchronize.")
COLUMN_WIDTH = 520


class NotConfiguredPage(QWidget):
    """Headline, hint, "Set up crmdesk…" or "Enter the passwords…" (the default
    button), and "Enter the connection details by hand…"."""

    setup_requested = Signal()
    passwords_requested = Signal()
    settings_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = plain_label("", wrap=True, name="notConfigured")
        self.headline.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.hint = plain_label("", wrap=True, name="notConfiguredHint")
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self.setup_button = QPushButton(self.tr("Set up crmdesk\u2026"))
        self.setup_button.setObjectName("setUpCrmdesk")
        self.setup_button.clicked.connect(self.setup_requested)
        self.passwords_button = QPushButton(self.tr("Enter the passwords\u2026"))
        self.passwords_button.setObjectName("enterPasswords")
        self.passwords_button.clicked.connect(self.passwords_requested)
        self.by_hand_button = QPushButton()
        self.by_hand_button.setObjectName("connectionByHand")
        self.by_hand_button.setFlat(True)
        self.by_hand_button.clicked.connect(self.settings_requested)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(self._centred(self._column()))
        layout.addStretch(2)

    def _column(self) -> QWidget:
        """The words and buttons, one above the other, at most COLUMN_WIDTH wide."""
        column = QWidget()
        column.setMaximumWidth(COLUMN_WIDTH)
        column.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        lines = QVBoxLayout(column)
        for label in (self.headline, self.hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            lines.addWidget(label)
        lines.addSpacing(12)
        for button in (self.setup_button, self.passwords_button):
            button.setMinimumWidth(220)
            button.setStyleSheet("font-weight: 600; padding: 6px 18px;")
            lines.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        lines.addWidget(self.by_hand_button, 0, Qt.AlignmentFlag.AlignHCenter)
        self.show_missing(passwords_only=False)
        return column

    def show_missing(self, passwords_only: bool) -> None:
        """Nothing set up, or only the passwords missing: words and primary button."""
        self.headline.setText(self.tr(NO_PASSWORDS if passwords_only else NOT_CONFIGURED))
        self.hint.setText(self.tr(NO_PASSWORDS_HINT if passwords_only else HINT))
        self.setup_button.setVisible(not passwords_only)
        self.passwords_button.setVisible(passwords_only)
        self.by_hand_button.setText(self.tr("Change the connection settings\u2026")
                                    if passwords_only
                                    else self.tr("Enter the connection details by hand\u2026"))
        (self.passwords_button if passwords_only else self.setup_button).setDefault(True)
        (self.setup_button if passwords_only else self.passwords_button).setDefault(False)

    @staticmethod
    def _centred(column: QWidget) -> QHBoxLayout:
        # A wrapped label gets its height for the width it is given only when it
        # has no alignment of its own in the layout: centre the column by stretches.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(column, 4)
        row.addStretch(1)
        return row

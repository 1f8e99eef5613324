"""The mass-delete guard's question (rule 21): show what would go, then ask.

Synchronize stopped with MassDeleteBlocked before changing anything.  The
dialog says so in the shared words of `crmdesk.messages`, lists every item
the plan would delete with its side, and offers "Delete them" (accept: the
window runs the sync again with allow_mass_delete) or "Cancel" (nothing).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QHBoxLayout, QLabel, QStyle,
                               QVBoxLayout, QWidget)

from crmdesk import messages
from crmdesk.errors import MassDeleteBlocked
from crmdesk.sync.actions import Action
from crmdesk.ui.look import plain_label
from crmdesk.ui.sync.plan_view import actions_tree


def deletions(blocked: MassDeleteBlocked) -> list[Action]:
    """The plan's deletes on either side (the guard's plan is a list of Actions)."""
    return [a for a in blocked.plan or [] if a.verb == "deleted"
            and a.side in ("calendar", "crm")]


class MassDeleteDialog(QDialog):
    """Warning, the deletes grouped by side, "Delete them" / "Cancel"."""

    def __init__(self, blocked: MassDeleteBlocked, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Confirm deleting many items"))
        self.resize(720, 480)
        self.deleted = deletions(blocked)
        self.message = plain_label(messages.describe(blocked, QCoreApplication.translate),
                                   wrap=True, name="massDeleteText")
        self.tree = actions_tree(self.deleted, "massDeleteList")
        self.question = plain_label(self.tr(
            "Delete these items now? Choose Cancel if they should not be deleted: nothing is "
            "changed, and the next Synchronize asks again."), wrap=True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.delete_button = self.buttons.addButton(
            self.tr("Delete them"), QDialogButtonBox.ButtonRole.DestructiveRole)
        self.delete_button.setObjectName("confirmMassDelete")
        self.delete_button.clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        # Enter must not confirm a mass delete by accident.
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setDefault(True)
        layout = QVBoxLayout(self)
        layout.addLayout(self._header())
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.question)
        layout.addWidget(self.buttons)

    def _header(self) -> QHBoxLayout:
        icon = QLabel()
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_MessageBoxIconSize)
        icon.setPixmap(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(size, size))
        row = QHBoxLayout()
        row.addWidget(icon, 0)
        row.addWidget(self.message, 1)
        return row

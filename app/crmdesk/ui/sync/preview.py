"""The Preview dialog: what the next Synchronize would do, before it does it.

The plan comes from `service.preview` (run by the SyncRunner, which shows
progress in the status bar); this dialog only shows it.  "Synchronize now"
accepts the dialog and the window starts the real sync, which plans again
from fresh data.
"""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QVBoxLayout, QWidget

from crmdesk.sync.actions import Action
from crmdesk.ui.look import plain_label
from crmdesk.ui.sync.plan_view import actions_tree, conflicts, counts_table, visible

NOTHING_TO_DO = QT_TRANSLATE_NOOP("PreviewDialog",
                                  "Nothing to do: the calendar and the CRM agree.")
INTRO = QT_TRANSLATE_NOOP("PreviewDialog",
                          "Nothing has been changed yet. This is what Synchronize would do now; "
                          "press Synchronize now to go ahead, or Close to leave everything as "
                          "it is.")


class PreviewDialog(QDialog):
    """Counts per side on top, the planned changes grouped by side below."""

    def __init__(self, actions: Sequence[Action], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Preview of the next Synchronize"))
        self.actions = visible(actions) + conflicts(actions)
        self.intro = plain_label(self.tr(INTRO if self.actions else NOTHING_TO_DO), wrap=True,
                                 name="previewIntro")
        self.counts = counts_table(self.actions)
        self.tree = actions_tree(self.actions, "previewList")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.sync_button = self.buttons.addButton(
            self.tr("Synchronize now"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.sync_button.setObjectName("previewSync")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.counts)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)
        self._fit()

    def _fit(self) -> None:
        """A short window for an empty plan; room for the list otherwise."""
        empty = not self.actions
        self.counts.setVisible(not empty)
        self.tree.setVisible(not empty)
        self.sync_button.setVisible(not empty)
        if empty:
            self.resize(420, 130)
        else:
            self.resize(760, 520)

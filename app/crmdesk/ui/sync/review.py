"""The "People to review" part of the Sync issues dialog (rule 13).

Each row is one invitee address of a shared activity that the CRM could not
match to exactly one contact or employee.  The rep picks who it is (the
records sharing the address are offered first), creates a new contact in the
CRM, or dismisses the address.  Picking and dismissing are local (the store
thread); creating a contact goes to the CRM (the network pool).  Every choice
is applied to the activity at the next Synchronize.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Callable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QLineEdit, QListWidget, QListWidgetItem,
                               QPushButton, QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from crmdesk.model import Reference
from crmdesk.service_types import ReviewView
from crmdesk.ui.api import GuiService
from crmdesk.ui.errors import show_error
from crmdesk.ui.look import local, plain_label, title_text
from crmdesk.ui.pickers import ReferencePicker, ref_text
from crmdesk.ui.tasks import TaskRunner, network_pool

translate = QCoreApplication.translate
ITEM_ROLE = Qt.ItemDataRole.UserRole
KINDS = {"contact": QT_TRANSLATE_NOOP("ReviewSection", "contact"),
         "employee": QT_TRANSLATE_NOOP("ReviewSection", "employee")}
NOTE_STYLE = "color: palette(placeholder-text);"
INTRO = QT_TRANSLATE_NOOP(
    "ReviewSection", "These invitees could not be matched to one contact or employee in the "
    "CRM. Pick who they are, create a new contact, or dismiss them; the activity is updated "
    "at the next Synchronize.")


def date_text(start: datetime | None) -> str:
    """"Tue 12 May 2026, 09:00" in local time, or "No date"."""
    if start is None:
        return translate("ReviewSection", "No date")
    shown = local(start)
    return f"{shown:%a %d %b %Y}, {shown:%H:%M}"


def candidate_text(ref: Reference) -> str:
    """"Jane Doe — Acme (contact)": the record, and what kind of record it is."""
    kind = KINDS.get(ref.kind)
    return translate("ReviewSection", "{record} ({kind})").format(
        record=ref_text(ref), kind=translate("ReviewSection", kind) if kind else ref.kind)


def name_from_address(address: str) -> str:
    """A first guess at a name, shown for the rep to correct: jane.doe@… -> Jane Doe."""
    local_part = address.split("@", 1)[0]
    words = local_part.replace(".", " ").replace("_", " ").replace("-", " ").split()
    return " ".join(word.capitalize() for word in words)


class PickContactDialog(QDialog):
    """Who is this address?  The records sharing it first, then a contact search."""

    def __init__(self, service: GuiService, runner: TaskRunner, item: ReviewView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Pick contact"))
        self.setMinimumWidth(460)
        self.item = item
        self._chosen: Reference | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(self.tr("Who is {address}?").format(address=item.address),
                                     wrap=True, name="pickQuestion"))
        self.candidates = QListWidget()
        self.candidates.setObjectName("candidates")
        for ref in item.candidates:
            row = QListWidgetItem(candidate_text(ref))
            row.setData(ITEM_ROLE, ref)
            self.candidates.addItem(row)
        self.candidates.setCurrentRow(-1)        # nothing is chosen for the rep
        rows = max(len(item.candidates), 1)
        self.candidates.setMaximumHeight(self.candidates.sizeHintForRow(0) * rows
                                         + 2 * self.candidates.frameWidth() + 4)
        self.candidates.currentItemChanged.connect(self._candidate_chosen)
        shared = plain_label(self.tr("CRM records with this address:"))
        for widget in (shared, self.candidates):
            layout.addWidget(widget)
            widget.setVisible(bool(item.candidates))
        self.picker = ReferencePicker(service, runner, "contact",
                                      none_text=self.tr("(choose a contact)"))
        self.picker.setObjectName("contactPicker")
        self.picker.picked.connect(self._picked)
        layout.addWidget(plain_label(self.tr("Or search all contacts:") if item.candidates
                                     else self.tr("Search contacts:")))
        layout.addWidget(self.picker)
        note = plain_label(self.tr("The choice is used for every activity with this address "
                                   "and applied at the next Synchronize."), wrap=True)
        note.setStyleSheet(NOTE_STYLE)
        layout.addWidget(note)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update()

    def chosen(self) -> Reference | None:
        return self._chosen

    def choose(self, ref: Reference | None) -> None:
        """Choose `ref` as if the rep had (a candidate is selected in the list)."""
        for index in range(self.candidates.count()):
            if self.candidates.item(index).data(ITEM_ROLE) == ref:
                self.candidates.setCurrentRow(index)
                return
        self.picker.choose(ref)

    def _candidate_chosen(self, current: QListWidgetItem | None) -> None:
        if current is None:
            return
        self._chosen = current.data(ITEM_ROLE)
        self.picker.set_current(None)
        self._update()

    def _picked(self, ref: Reference | None) -> None:
        self._chosen = ref
        if ref is not None:
            self.candidates.setCurrentRow(-1)
        self._update()

    def _update(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            self._chosen is not None)


class NewContactDialog(QDialog):
    """Name, e-mail (the address, editable) and account of a new CRM contact."""

    def __init__(self, service: GuiService, runner: TaskRunner, item: ReviewView,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New contact"))
        self.setMinimumWidth(460)
        self.item = item
        self.name = QLineEdit(name_from_address(item.address))
        self.name.setObjectName("contactName")
        self.email = QLineEdit(item.address)
        self.email.setObjectName("contactEmail")
        self.account = ReferencePicker(service, runner, "account",
                                       none_text=self.tr("(no account)"))
        self.account.setObjectName("contactAccount")
        form = QFormLayout()
        form.addRow(self.tr("Name:"), self.name)
        form.addRow(self.tr("E-mail:"), self.email)
        form.addRow(self.tr("Account:"), self.account)
        note = plain_label(self.tr("The contact is created in the CRM now; the activity is "
                                   "linked to it at the next Synchronize."), wrap=True)
        note.setStyleSheet(NOTE_STYLE)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        for edit in (self.name, self.email):
            edit.textChanged.connect(self._update)
        self._update()

    def values(self) -> tuple[str, str, int | None]:
        """(name, e-mail, account id or None) as entered."""
        account = self.account.current_ref()
        return (self.name.text().strip(), self.email.text().strip(),
                account.id if account is not None else None)

    def _update(self) -> None:
        name, email, _ = self.values()
        ok = bool(name) and "@" in email.strip("@") and " " not in email
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class ReviewSection(QGroupBox):
    """The open review entries and their actions; hidden while there are none.

    `changed` is emitted after an action was saved (the issue count changed).
    """

    changed = Signal()

    def __init__(self, service: GuiService, parent: QWidget | None = None) -> None:
        super().__init__(self.tr("People to review"), parent)
        self.setObjectName("peopleToReview")
        self._service = service
        self._runner = TaskRunner(parent=self)
        self._network = TaskRunner(network_pool(), self)
        self.items: list[ReviewView] = []
        self.dialog: QDialog | None = None
        self._shown = False          # once shown, it stays and says when nobody is left
        self.intro = plain_label(self.tr(INTRO), wrap=True, name="reviewIntro")
        self.list = self._make_list()
        self.pick_button = QPushButton(self.tr("Pick contact\u2026"))
        self.new_button = QPushButton(self.tr("New contact\u2026"))
        self.dismiss_button = QPushButton(self.tr("Dismiss"))
        self.dismiss_button.setToolTip(self.tr("Leave this address unmatched on this activity"))
        self.busy = plain_label("", name="reviewBusy")
        row = QHBoxLayout()
        for button, slot in ((self.pick_button, self.pick), (self.new_button, self.new_contact),
                             (self.dismiss_button, self.dismiss)):
            button.clicked.connect(lambda _=False, s=slot: s())
            row.addWidget(button)
        row.addWidget(self.busy, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.list)
        layout.addLayout(row)
        self.setVisible(False)
        self._update_buttons()

    def _make_list(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName("reviewList")
        tree.setRootIsDecorated(False)
        tree.setHeaderLabels([self.tr("Activity"), self.tr("Date"), self.tr("Address"),
                              self.tr("Reason")])
        tree.header().setStretchLastSection(True)
        tree.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        tree.setColumnWidth(0, 220)
        tree.setMinimumHeight(110)
        tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        tree.itemDoubleClicked.connect(lambda *_: self.pick())
        return tree

    # -- loading --------------------------------------------------------------

    def load(self) -> None:
        self._runner.run(self._service.review_items, self.show_items, self._failed_to_read)

    def show_items(self, items: list[ReviewView]) -> None:
        """One row per entry (plain text: titles and addresses come from outside)."""
        self.items = list(items)
        self.list.clear()
        for item in items:
            row = QTreeWidgetItem(self.list, [title_text(item.title), date_text(item.start),
                                              item.address, item.reason])
            row.setData(0, ITEM_ROLE, item)
        if items:
            self.list.setCurrentItem(self.list.topLevelItem(0))
            for column in (1, 2):
                self.list.resizeColumnToContents(column)
        self.setTitle(self.tr("People to review ({n})").format(n=len(items)) if items
                      else self.tr("People to review"))
        self._shown = self._shown or bool(items)
        self.setVisible(self._shown)
        self.list.setVisible(bool(items))
        self.intro.setText(self.tr(INTRO) if items else self.tr("Nobody is left to review."))
        self._update_buttons()

    def rows(self) -> list[tuple[str, str, str, str]]:
        """(activity, date, address, reason) of every row, in order."""
        found = []
        for index in range(self.list.topLevelItemCount()):
            row = self.list.topLevelItem(index)
            found.append((row.text(0), row.text(1), row.text(2), row.text(3)))
        return found

    def current(self) -> ReviewView | None:
        row = self.list.currentItem()
        return row.data(0, ITEM_ROLE) if row is not None else None

    def select(self, proxy_id: int, address: str) -> None:
        for index in range(self.list.topLevelItemCount()):
            row = self.list.topLevelItem(index)
            item = row.data(0, ITEM_ROLE)
            if (item.proxy_id, item.address) == (proxy_id, address):
                self.list.setCurrentItem(row)

    def _update_buttons(self) -> None:
        idle = not self.busy.text()
        chosen = self.current() is not None and idle
        for button in (self.pick_button, self.new_button, self.dismiss_button):
            button.setEnabled(chosen)
            button.setVisible(bool(self.items))

    # -- actions ----------------------------------------------------------------

    def pick(self) -> PickContactDialog | None:
        item = self.current()
        if item is None:
            return None
        dialog = PickContactDialog(self._service, self._runner, item, self)
        dialog.accepted.connect(lambda: self._save_pick(item, dialog.chosen()))
        return self._open(dialog)

    def new_contact(self) -> NewContactDialog | None:
        item = self.current()
        if item is None:
            return None
        dialog = NewContactDialog(self._service, self._runner, item, self)
        dialog.accepted.connect(lambda: self._create(item, *dialog.values()))
        return self._open(dialog)

    def dismiss(self) -> None:
        item = self.current()
        if item is not None:
            self._act(self._runner, lambda: self._service.dismiss_review(
                item.proxy_id, item.address), self.tr("The address was not dismissed."))

    def _open(self, dialog: QDialog) -> QDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _save_pick(self, item: ReviewView, ref: Reference | None) -> None:
        if ref is not None:
            self._act(self._runner, lambda: self._service.pick_for_review(
                item.proxy_id, item.address, ref), self.tr("The choice was not saved."))

    def _create(self, item: ReviewView, name: str, email: str, account: int | None) -> None:
        self.busy.setText(self.tr("Creating the contact in the CRM\u2026"))
        self._act(self._network, lambda: self._service.create_contact_for_review(
            item.proxy_id, item.address, name, email, account),
            self.tr("The contact was not created."))

    def _act(self, runner: TaskRunner, job: Callable[[], Any], doing: str) -> None:
        """Run the action; then read the list again and tell the dialog."""
        self._update_buttons()

        def done(_result: object) -> None:
            self.busy.setText("")
            self.load()
            self.changed.emit()

        def failed(exc: BaseException) -> None:
            self.busy.setText("")
            self._update_buttons()
            show_error(self, exc, doing)

        runner.run(job, done, failed)

    def _failed_to_read(self, exc: BaseException) -> None:
        show_error(self, exc, self.tr("The people to review could not be read."))

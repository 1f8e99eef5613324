"""The share bar at the top of an item's form (as in Siebel CRM Desktop).

Not shared: one "Share with CRM" button.  Shared: the state (pending upload,
synced, conflict, error with its detail), account / opportunity pickers,
contacts, "Unshare" and "Open in CRM".  Every change is one service call
run off the GUI thread; the answer (a fresh ItemView) redraws the bar and
is announced through `changed` so the lists can follow.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QStandardItem
from PySide6.QtWidgets import (QAbstractItemView, QFormLayout, QFrame, QGridLayout, QHBoxLayout,
                               QListWidget, QListWidgetItem, QMessageBox, QPushButton,
                               QVBoxLayout, QWidget)

from crmdesk.model import Reference
from crmdesk.service_types import ItemView, ShareState
from crmdesk.ui.api import GuiService
from crmdesk.ui.errors import show_error
from crmdesk.ui.look import look, plain_label, state_text
from crmdesk.ui.pickers import REF_ROLE, ReferencePicker, ref_row
from crmdesk.ui.tasks import TaskRunner


class ShareBar(QFrame):
    """Share state and CRM links of one item."""

    changed = Signal(object)      # the new ItemView after a share-bar action

    def __init__(self, service: GuiService, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shareBar")
        self._service, self._runner = service, runner
        self._item: ItemView | None = None
        self._link: str | None = None
        self.state_label = plain_label("", wrap=True, name="shareState")
        self.share_button = QPushButton(self.tr("Share with CRM"))
        self.share_button.setToolTip(self.tr("Send this entry to the CRM at the next "
                                             "Synchronize"))
        self.unshare_button = QPushButton(self.tr("Unshare"))
        self.open_button = QPushButton(self.tr("Open in CRM"))
        self.share_button.clicked.connect(self.share)
        self.unshare_button.clicked.connect(self.ask_unshare)
        self.open_button.clicked.connect(self.open_in_crm)
        self.account = ReferencePicker(service, runner, "account")
        self.opportunity = ReferencePicker(service, runner, "opportunity")
        self.account.picked.connect(lambda _ref: self.save_links())
        self.opportunity.picked.connect(lambda _ref: self.save_links())
        self._build()
        for picker in (self.account, self.contact_picker):
            picker.edited.connect(self._on_ref_edited)
        self.show_item(None)

    def _build(self) -> None:
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.share_button, self.open_button, self.unshare_button):
            buttons.addWidget(button)
        self.links = QWidget()
        form = QFormLayout(self.links)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(plain_label(self.tr("Account:")), _with_edit(self.account))
        form.addRow(plain_label(self.tr("Opportunity:")), self.opportunity)
        form.addRow(plain_label(self.tr("Contacts:")), self._build_contacts())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 8)
        layout.addWidget(self.state_label)
        layout.addLayout(buttons)
        layout.addWidget(self.links)

    def _build_contacts(self) -> QWidget:
        self.contacts = QListWidget()
        self.contacts.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.contacts.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.contacts.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.contact_picker = ReferencePicker(self._service, self._runner, "contact",
                                              none_text="")
        self.add_contact = QPushButton(self.tr("Add"))
        self.remove_contact = QPushButton(self.tr("Remove"))
        self.add_contact.setEnabled(False)
        self.contact_picker.picked.connect(
            lambda ref: self.add_contact.setEnabled(ref is not None))
        self.add_contact.clicked.connect(self._on_add_contact)
        self.remove_contact.clicked.connect(self._on_remove_contact)
        self.contacts.itemSelectionChanged.connect(self._update_remove)
        box = QWidget()
        grid = QGridLayout(box)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(self.contacts, 0, 0, 1, 2)
        grid.addWidget(self.remove_contact, 0, 2, Qt.AlignmentFlag.AlignTop)
        grid.addWidget(self.contact_picker, 1, 0)
        grid.addWidget(self.contact_picker.edit_button, 1, 1)
        grid.addWidget(self.add_contact, 1, 2)
        grid.setColumnStretch(0, 1)
        return box

    # -- showing ------------------------------------------------------------

    def item(self) -> ItemView | None:
        return self._item

    def show_item(self, item: ItemView | None) -> None:
        """Redraw for `item` (None hides the bar)."""
        self._item = item
        self.setVisible(item is not None)
        if item is None:
            return
        shared = item.share_state is not ShareState.NOT_SHARED
        state = look(item.share_state)
        self.setStyleSheet(f"#shareBar {{ background: {state.fill.name()}; "
                           f"border: 1px solid {state.border.name()}; border-radius: 6px; }}")
        glyph = f"{state.glyph}  " if state.glyph else ""
        self.state_label.setText(glyph + (state_text(item) if shared
                                          else self.tr("Not shared with the CRM")))
        self.share_button.setVisible(not shared)
        # A CRM-born activity can't be unshared: it is changed or deleted in the CRM.
        self.unshare_button.setVisible(shared and item.component is not None
                                       and item.origin != "crm")
        self.open_button.setVisible(shared)
        self.links.setVisible(shared)
        if shared:
            self._show_links(item)
        self._set_busy(False)
        self.layout().invalidate()     # drop hints cached for the previous item's rows

    def _show_links(self, item: ItemView) -> None:
        self.account.set_current(item.account)
        self.opportunity.set_current(item.opportunity)
        self.contacts.clear()
        for ref in item.contacts:
            self.contacts.addItem(_list_row(ref_row(ref, self.palette())))
        self.contacts.setVisible(bool(item.contacts))
        self.remove_contact.setVisible(bool(item.contacts))
        rows = min(len(item.contacts), 4)
        self.contacts.setFixedHeight(rows * max(self.contacts.sizeHintForRow(0), 16) + 6)
        self._update_remove()
        self.open_button.setEnabled(False)
        key = item.key
        self._runner.run(lambda: self._service.crm_link(key),
                         lambda link: self._on_link(key, link))

    def _on_link(self, key: str, link: str | None) -> None:
        if self._item is not None and self._item.key == key:
            self._link = link
            self.open_button.setEnabled(link is not None)
            self.open_button.setToolTip(self.tr("Open this activity in the CRM") if link else
                                        self.tr("Available after the activity reached the CRM"))

    def _on_ref_edited(self, _ref: Reference) -> None:
        """A record was renamed in the CRM: redraw the item with the new names."""
        if self._item is None:
            return
        key = self._item.key
        self._runner.run(lambda: self._service.item(key),
                         lambda item: self._on_reloaded(key, item))

    def _on_reloaded(self, key: str, item: ItemView | None) -> None:
        if item is not None and self._item is not None and self._item.key == key:
            self.show_item(item)
            self.changed.emit(item)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.share_button, self.unshare_button, self.links):
            widget.setEnabled(not busy)

    def _update_remove(self) -> None:
        self.remove_contact.setEnabled(bool(self.contacts.selectedItems()))

    # -- actions ------------------------------------------------------------

    def _call(self, job: str, *args: object) -> None:
        """Run one service write for the shown item; redraw from its answer."""
        if self._item is None:
            return
        method, key = getattr(self._service, job), self._item.key
        self._set_busy(True)
        self._runner.run(lambda: method(key, *args), self._on_done, self._on_failed)

    def _on_done(self, item: ItemView) -> None:
        if self._item is not None and self._item.key == item.key:
            self.show_item(item)
        self.changed.emit(item)

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self, exc, self.tr("The share bar change was not saved."))

    def share(self) -> None:
        self._call("share")

    def unshare(self) -> None:
        self._call("unshare")

    def ask_unshare(self) -> None:
        """Unshare at once if nothing reached the CRM yet; otherwise confirm."""
        if self._item is None or self._item.crm_id is None:
            self.unshare()
            return
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Stop sharing"),
                          self.tr("Stop sharing this entry with the CRM? It stays in your "
                                  "calendar. At the next Synchronize its activity is removed "
                                  "from the CRM (for someone else's meeting, you are taken off "
                                  "its team)."),
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
                          self)
        box.setObjectName("unshareQuestion")
        box.accepted.connect(self.unshare)
        box.open()

    def contact_refs(self) -> tuple[Reference, ...]:
        return tuple(self.contacts.item(i).data(REF_ROLE) for i in range(self.contacts.count()))

    def save_links(self, contacts: tuple[Reference, ...] | None = None) -> None:
        refs = self.contact_refs() if contacts is None else contacts
        account, opportunity = self.account.current_ref(), self.opportunity.current_ref()
        self._call("set_links", account.id if account else None,
                   opportunity.id if opportunity else None,
                   tuple(ref.id for ref in refs))

    def _on_add_contact(self) -> None:
        ref = self.contact_picker.current_ref()
        refs = self.contact_refs()
        if ref is not None and all(r.id != ref.id for r in refs):
            self.contact_picker.set_current(None)
            self.save_links(refs + (ref,))

    def _on_remove_contact(self) -> None:
        chosen = {self.contacts.row(row) for row in self.contacts.selectedItems()}
        refs = tuple(ref for i, ref in enumerate(self.contact_refs()) if i not in chosen)
        self.save_links(refs)

    def open_in_crm(self) -> None:
        if self._link:
            QDesktopServices.openUrl(QUrl(self._link))


def _with_edit(picker: ReferencePicker) -> QWidget:
    """The picker with its Edit… button at its right."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(picker, 1)
    row.addWidget(picker.edit_button)
    return box


def _list_row(row: QStandardItem) -> QListWidgetItem:
    """A contacts-list row drawn like the picker's row for the same record."""
    item = QListWidgetItem(row.text())
    for role in (REF_ROLE, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.FontRole,
                 Qt.ItemDataRole.ForegroundRole):
        item.setData(role, row.data(role))
    return item

"""Share an e-mail with the CRM (issue 5): drop .eml files on the window, or
File › Share E-mail….

`MailShare` is the entry point the main window installs: the menu action,
the drop target (an event filter on the window, so the window itself stays
small) and the queue of files.  Each file is read off the GUI thread
(`service.preview_email`) and shown in a `ShareEmailDialog`: who is on the
mail and who they are in the CRM, whether it came in or went out, and the
account and opportunity it probably belongs to.  Share makes the activity;
it reaches the CRM at the next Synchronize.  Everything from the mail is
shown as plain text.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QDropEvent, QFont, QKeySequence
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QPlainTextEdit, QPushButton, QTreeWidget,
                               QTreeWidgetItem, QVBoxLayout, QWidget)

from crmdesk.errors import MailUnreadable
from crmdesk.model import ActivityType, Reference
from crmdesk.service_mail import CC, FROM, TO, MailPerson, MailPreview
from crmdesk.service_types import ItemView, ShareState
from crmdesk.ui.api import GuiService
from crmdesk.ui.errors import show_error
from crmdesk.ui.look import local, look, plain_label, state_text
from crmdesk.ui.pickers import ReferencePicker, ref_text
from crmdesk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from crmdesk.ui.mainwindow import MainWindow

CONTACT_ROLE = Qt.ItemDataRole.UserRole
WHO_COLUMN = 2                 # "In the CRM": a contact's tick box sits by its name
MAX_SUGGESTIONS = 3            # "Also suggested" buttons under a picker
BODY_LINES = 6                 # height of the body excerpt, in lines
LINK_STYLE = "QPushButton { color: palette(link); text-decoration: underline; border: none; }"
ROLE_WORDS = {FROM: QT_TRANSLATE_NOOP("ShareEmailDialog", "From"),
              TO: QT_TRANSLATE_NOOP("ShareEmailDialog", "To"),
              CC: QT_TRANSLATE_NOOP("ShareEmailDialog", "Cc")}


class ShareEmailDialog(QDialog):
    """One e-mail, its people and its CRM links; Share makes the activity."""

    shared = Signal(object, bool)          # the ItemView, True when it was shared before

    def __init__(self, preview: MailPreview, service: GuiService, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shareEmailDialog")
        self.preview, self._service, self._runner = preview, service, runner
        self.setWindowTitle(self.tr("Share E-mail with the CRM"))
        self.setMinimumWidth(720)
        self.account = ReferencePicker(service, runner, "account")
        self.opportunity = ReferencePicker(service, runner, "opportunity")
        self.account.picked.connect(self._on_account)
        self.people = self._people_tree()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.share_button = QPushButton(self.tr("Share"))
        self.share_button.setDefault(True)
        self.buttons.addButton(self.share_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.share)
        self.buttons.rejected.connect(self.reject)
        self._build()
        self._prefill()

    # -- construction -------------------------------------------------------

    def _build(self) -> None:
        mail = self.preview.message
        subject = plain_label(mail.subject or self.tr("(no subject)"), wrap=True,
                              name="mailSubject")
        font = QFont(subject.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        subject.setFont(font)
        layout = QVBoxLayout(self)
        layout.addWidget(subject)
        self.shared_note = plain_label(self._shared_text(), wrap=True, name="alreadyShared")
        pending = look(ShareState.PENDING)
        self.shared_note.setStyleSheet(f"background: {pending.fill.name()}; padding: 6px; "
                                       f"border: 1px solid {pending.border.name()};")
        self.shared_note.setVisible(self.preview.shared is not None)
        layout.addWidget(self.shared_note)
        layout.addLayout(self._facts())
        layout.addWidget(self.people, 1)
        hint = plain_label(self.tr("Ticked contacts are linked to the activity."),
                           name="peopleHint")
        hint.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(hint)
        layout.addWidget(self._body_excerpt())
        layout.addLayout(self._links())
        layout.addWidget(self.buttons)

    def _facts(self) -> QFormLayout:
        mail = self.preview.message
        form = QFormLayout()
        sent = local(mail.sent).strftime("%a %d %b %Y %H:%M") if mail.sent is not None \
            else self.tr("No date in the e-mail")
        self.date_label = plain_label(sent, name="mailDate")
        self.direction_label = plain_label(self._direction_text(), name="mailDirection")
        form.addRow(plain_label(self.tr("Date:")), self.date_label)
        form.addRow(plain_label(self.tr("Direction:")), self.direction_label)
        if mail.attachments:
            form.addRow(plain_label(self.tr("Attachments:")),
                        plain_label(", ".join(mail.attachments), wrap=True,
                                    name="mailAttachments"))
        return form

    def _direction_text(self) -> str:
        if self.preview.direction is ActivityType.EMAIL_OUT:
            return self.tr("Outbound \u2014 sent by you or a colleague")
        return self.tr("Inbound \u2014 received from outside the company")

    def _shared_text(self) -> str:
        item = self.preview.shared
        if item is None:
            return ""
        return self.tr("This e-mail is already shared with the CRM ({state}): the CRM keeps "
                       "one activity per e-mail. To change its account, opportunity or "
                       "contacts, use its share bar in Activities.").format(
                           state=state_text(item))

    def _people_tree(self) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setObjectName("mailPeople")
        tree.setHeaderLabels([self.tr("Role"), self.tr("Address"), self.tr("In the CRM")])
        tree.setRootIsDecorated(False)
        tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(WHO_COLUMN, QHeaderView.ResizeMode.Stretch)
        for person in self.preview.people:
            self._add_person(tree, person)
        tree.expandAll()
        return tree

    def _add_person(self, tree: QTreeWidget, person: MailPerson) -> None:
        role = self.tr(ROLE_WORDS.get(person.role, person.role))
        shown = f"{person.name} <{person.address}>" if person.name else person.address
        row = QTreeWidgetItem([role, shown, self._who(person)])
        tree.addTopLevelItem(row)
        contacts = person.contacts
        if len(contacts) == 1 and not person.employees:
            _make_checkable(row, contacts[0], checked=True)
        elif len(contacts) > 1:
            tree.setRootIsDecorated(True)
            for contact in contacts:      # several: the rep ticks the right one
                child = QTreeWidgetItem(["", "", self.tr("Contact: {name}").format(
                    name=ref_text(contact))])
                _make_checkable(child, contact, checked=False)
                row.addChild(child)

    def _who(self, person: MailPerson) -> str:
        """Who the address is in the CRM, in words."""
        employees, contacts = person.employees, person.contacts
        if employees:
            names = ", ".join(e.name for e in employees)
            return self.tr("You ({name})").format(name=names) if person.own \
                else self.tr("Employee: {name}").format(name=names)
        if person.own:
            return self.tr("You")
        if len(contacts) == 1:
            return self.tr("Contact: {name}").format(name=ref_text(contacts[0]))
        if contacts:
            return self.tr("{count} contacts have this address:").format(count=len(contacts))
        return self.tr("not in the CRM")

    def _body_excerpt(self) -> QPlainTextEdit:
        body = QPlainTextEdit(self.preview.message.body)
        body.setObjectName("mailBody")
        body.setReadOnly(True)
        body.setPlaceholderText(self.tr("The e-mail has no text."))
        lines = body.fontMetrics().lineSpacing() * BODY_LINES
        body.setFixedHeight(lines + 2 * body.frameWidth() + 8)
        return body

    def _links(self) -> QFormLayout:
        form = QFormLayout()
        self.account_hints = QHBoxLayout()
        self.opportunity_hints = QHBoxLayout()
        form.addRow(plain_label(self.tr("Account:")), self.account)
        form.addRow("", self.account_hints)
        form.addRow(plain_label(self.tr("Opportunity:")), self.opportunity)
        form.addRow("", self.opportunity_hints)
        return form

    def _prefill(self) -> None:
        """The first suggestions chosen, the others offered; a mail shared
        before shows its activity's links instead, read-only."""
        if self.preview.shared is not None:
            self._show_shared(self.preview.shared)
            return
        accounts = self.preview.accounts
        first = accounts[0] if accounts else None
        self.account.set_current(first)
        self._offer(self.account_hints, self.account, accounts[1:])
        self._follow_account(first)

    def _show_shared(self, item: ItemView) -> None:
        self.account.set_current(item.account)
        self.opportunity.set_current(item.opportunity)
        linked = {c.id for c in item.contacts}
        for row in self._contact_rows():
            state = Qt.CheckState.Checked if row.data(WHO_COLUMN, CONTACT_ROLE).id in linked \
                else Qt.CheckState.Unchecked
            row.setCheckState(WHO_COLUMN, state)
        self.share_button.setText(self.tr("Show in Activities"))
        for widget in (self.account, self.opportunity, self.people):
            widget.setEnabled(False)          # nothing here would change it

    def _offer(self, row: QHBoxLayout, picker: ReferencePicker,
               refs: tuple[Reference, ...]) -> None:
        """Buttons for the other suggestions, under the picker."""
        while row.count():
            widget = row.takeAt(0).widget()
            if widget is not None:
                widget.deleteLater()
        if not refs:
            return
        row.addWidget(plain_label(self.tr("Also suggested:")))
        for ref in refs[:MAX_SUGGESTIONS]:
            button = QPushButton(ref_text(ref))
            button.setFlat(True)
            button.setStyleSheet(LINK_STYLE)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setToolTip(self.tr("Use this one"))
            button.clicked.connect(lambda _checked=False, r=ref: picker.choose(r))
            row.addWidget(button)
        row.addStretch(1)

    # -- behaviour ----------------------------------------------------------

    def _on_account(self, account: Reference | None) -> None:
        self._follow_account(account)
        self._offer(self.account_hints, self.account,
                    tuple(a for a in self.preview.accounts
                          if account is None or a.id != account.id))

    def _follow_account(self, account: Reference | None) -> None:
        """The opportunity suggestions of the chosen account; the first one chosen."""
        fitting = tuple(o for o in self.preview.opportunities
                        if account is not None and o.account == account.id)
        current = self.opportunity.current_ref()
        if current is None or account is None or current.account != account.id:
            self.opportunity.set_current(fitting[0] if fitting else None)
        chosen = self.opportunity.current_ref()
        self._offer(self.opportunity_hints, self.opportunity,
                    tuple(o for o in fitting if chosen is None or o.id != chosen.id))

    def _contact_rows(self) -> list[QTreeWidgetItem]:
        """The rows with a contact's tick box (children: an address of several)."""
        rows = [self.people.topLevelItem(i) for i in range(self.people.topLevelItemCount())]
        rows += [row.child(j) for row in list(rows) for j in range(row.childCount())]
        return [row for row in rows if row.data(WHO_COLUMN, CONTACT_ROLE) is not None]

    def chosen_contacts(self) -> tuple[int, ...]:
        """The ids of the ticked contacts."""
        return tuple(dict.fromkeys(
            row.data(WHO_COLUMN, CONTACT_ROLE).id for row in self._contact_rows()
            if row.checkState(WHO_COLUMN) == Qt.CheckState.Checked))

    def share(self) -> None:
        """Make the activity off the GUI thread; the dialog closes when it is stored."""
        account, opportunity = self.account.current_ref(), self.opportunity.current_ref()
        contacts, preview = self.chosen_contacts(), self.preview
        self.share_button.setEnabled(False)
        self._runner.run(lambda: self._service.share_email(
            preview, account.id if account else None,
            opportunity.id if opportunity else None, contacts),
            self._on_shared, self._on_failed)

    def _on_shared(self, item: ItemView) -> None:
        self.shared.emit(item, self.preview.shared is not None)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self.share_button.setEnabled(True)
        show_error(self, exc, self.tr("The e-mail was not shared."))


def _make_checkable(row: QTreeWidgetItem, contact: Reference, checked: bool) -> None:
    row.setData(WHO_COLUMN, CONTACT_ROLE, contact)
    row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
    row.setCheckState(WHO_COLUMN, Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)


class MailShare(QObject):
    """The main window's way in: File › Share E-mail… and .eml files dropped on it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.queue: list[str] = []
        self.busy = False                 # a file is being read, or its dialog is open
        self.dialog: ShareEmailDialog | None = None
        self.action = QAction(self.tr("Share E-mail\u2026"), window)
        self.action.setObjectName("shareEmailAction")
        self.action.setShortcut(QKeySequence("Ctrl+E"))
        self.action.setToolTip(self.tr("Share an e-mail saved as an .eml file with the CRM "
                                       "(or drop the file on this window)"))
        self.action.triggered.connect(self.choose_files)
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        # Line edits (the share bar's pickers) take drops themselves: a dropped
        # file would become its path as text.  Watch them too, once built.
        QTimer.singleShot(0, self._watch_drop_targets)

    def _watch_drop_targets(self) -> None:
        for widget in self.window.findChildren(QWidget):
            if widget.acceptDrops():
                widget.installEventFilter(self)

    def choose_files(self) -> QFileDialog:
        """A file dialog for .eml files; the chosen ones are shared one by one."""
        dialog = QFileDialog(self.window, self.tr("Share E-mail"), str(Path.home()))
        dialog.setObjectName("shareEmailFiles")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFiles)
        dialog.setNameFilters([self.tr("E-mail files (*.eml)"), self.tr("All files (*)")])
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.filesSelected.connect(self.open_files)
        dialog.open()
        return dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop):
            assert isinstance(event, QDropEvent)        # the base of all three
            files = _local_files(event)
            if files:
                event.acceptProposedAction()
                if kind == QEvent.Type.Drop:
                    self.open_files(files)
                return True
        return super().eventFilter(watched, event)

    def open_files(self, paths: list[str]) -> None:
        """Share each file in turn (one dialog at a time)."""
        self.queue.extend(paths)
        if not self.busy:
            self._next()

    def _next(self) -> None:
        self.dialog = None
        self.busy = bool(self.queue)
        if not self.queue:
            return
        path = self.queue.pop(0)
        self.window.runner.run(lambda: self.window.service.preview_email(path), self._show,
                               self._unreadable)

    def _show(self, preview: MailPreview) -> None:
        dialog = ShareEmailDialog(preview, self.window.service, self.window.runner,
                                  self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.shared.connect(self._on_shared)
        dialog.finished.connect(lambda _result: self._next())
        self.dialog = dialog
        dialog.open()

    def _unreadable(self, exc: BaseException) -> None:
        # MailUnreadable names the file and says what is wrong; others need the context.
        doing = "" if isinstance(exc, MailUnreadable) else self.tr("The e-mail can't be shared.")
        box = show_error(self.window, exc, doing)
        box.finished.connect(lambda _result: self._next())

    def _on_shared(self, item: ItemView, already: bool) -> None:
        """Show the activity in the Activities list, selected: its share bar
        says where it stands (pending upload, synced).  (`already`: the dialog
        said so before Share was pressed.)"""
        window = self.window
        window.tabs.setCurrentWidget(window.activities)
        window.refresh()
        window.select(item.key)


def _local_files(event: QDropEvent) -> list[str]:
    """The local files a drag carries (links and text are not for us)."""
    mime = event.mimeData()
    if not mime.hasUrls():
        return []
    return [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]

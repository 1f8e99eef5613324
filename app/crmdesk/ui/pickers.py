"""A combo box that searches CRM references (accounts, contacts, opportunities).

The rep types; the picker asks `service.references(kind, text)` off the GUI
thread (the store answers well within a frame, bench/picker.py) and shows
the answer, closest match first, in a popup under the text; a search that
finds nothing says so in that popup.  Choosing an entry emits `picked` with
the Reference (or None for "none").

Records outside the rep's filter (incomplete: only referenced by her
records) are marked read-only; a complete contact or account can be edited
with the picker's `edit_button` (placed by the owner next to the picker),
which opens `ReferenceEditor` and emits `edited` with the CRM's answer.
"""

from __future__ import annotations

import html

from PySide6.QtCore import (QT_TRANSLATE_NOOP, QCoreApplication, QModelIndex, QRect, Qt,
                            QTimer, Signal)
from PySide6.QtGui import QFocusEvent, QFont, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (QComboBox, QCompleter, QDialog, QDialogButtonBox, QFormLayout,
                               QLineEdit, QToolButton, QVBoxLayout, QWidget)

from crmdesk.model import Reference
from crmdesk.ui.api import GuiService
from crmdesk.ui.errors import show_error
from crmdesk.ui.look import plain_label
from crmdesk.ui.tasks import TaskRunner, network_pool

translate = QCoreApplication.translate
REF_ROLE = Qt.ItemDataRole.UserRole
SEARCH_DELAY_MS = 30        # coalesces key repeat and paste; a search takes < 1 ms
EDITABLE_KINDS = ("contact", "account")
POPUP_MAX_WIDTH = 520

SEARCH_HINTS = {"account": QT_TRANSLATE_NOOP("ReferencePicker", "Type to search accounts"),
                "contact": QT_TRANSLATE_NOOP("ReferencePicker", "Type to search contacts"),
                "opportunity": QT_TRANSLATE_NOOP("ReferencePicker",
                                                 "Type to search opportunities")}
NO_MATCH = {"account": QT_TRANSLATE_NOOP("ReferencePicker", "No account matches \u201c{text}\u201d"),
            "contact": QT_TRANSLATE_NOOP("ReferencePicker", "No contact matches \u201c{text}\u201d"),
            "opportunity": QT_TRANSLATE_NOOP("ReferencePicker",
                                             "No opportunity matches \u201c{text}\u201d")}
EMPTY = {"account": QT_TRANSLATE_NOOP("ReferencePicker", "No accounts yet: they are fetched "
                                      "from the CRM at the next Synchronize"),
         "contact": QT_TRANSLATE_NOOP("ReferencePicker", "No contacts yet: they are fetched "
                                      "from the CRM at the next Synchronize"),
         "opportunity": QT_TRANSLATE_NOOP("ReferencePicker", "No opportunities yet: they are "
                                          "fetched from the CRM at the next Synchronize")}
READ_ONLY_MARK = QT_TRANSLATE_NOOP("ReferencePicker", "(read-only)")
READ_ONLY_TIP = QT_TRANSLATE_NOOP("ReferencePicker", "Referenced only: not one of your "
                                  "accounts. Read-only in crmdesk.")


def ref_text(ref: Reference) -> str:
    """What a row shows: the name, its account or e-mail when known, and a
    read-only mark for an incomplete record."""
    name = ref.name
    if not ref.complete:       # next to the name: a narrow list elides the end
        name = f"{name} {translate('ReferencePicker', READ_ONLY_MARK)}"
    extra = ref.detail or ref.email
    return f"{name} \u2014 {extra}" if extra else name


def plain_tip(text: str) -> str:
    """A tooltip holding server text: Qt guesses rich text in tooltips, so the
    text goes escaped inside a paragraph and always reads as typed."""
    return f"<p>{html.escape(text)}</p>" if text else ""


def ref_tip(ref: Reference) -> str:
    """A row's tooltip: why an incomplete record is read-only; else its e-mail."""
    if not ref.complete:
        return translate("ReferencePicker", READ_ONLY_TIP)
    return plain_tip(ref.email)


def ref_row(ref: Reference, palette: QPalette) -> QStandardItem:
    """A list row for `ref`: incomplete ones greyed and in italics."""
    row = QStandardItem(ref_text(ref))
    row.setData(ref, REF_ROLE)
    row.setToolTip(ref_tip(ref))
    row.setEditable(False)
    if not ref.complete:
        font = QFont()
        font.setItalic(True)
        row.setFont(font)
        row.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))
    return row


def _note_row(text: str) -> QStandardItem:
    """A row that explains (nothing matched) and can't be chosen."""
    row = QStandardItem(text)
    row.setFlags(Qt.ItemFlag.NoItemFlags)
    return row


class ReferencePicker(QComboBox):
    """Editable combo + ranked popup over one kind of CRM reference."""

    picked = Signal(object)
    edited = Signal(object)       # the Reference as the CRM saved it
    answered = Signal(str)        # the answer for this text is in the lists

    def __init__(self, service: GuiService, runner: TaskRunner, kind: str,
                 none_text: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._service, self._runner, self.kind = service, runner, kind
        self._none_text = self.tr("(none)") if none_text is None else none_text
        self._current: Reference | None = None
        self._generation = 0
        self._listed = False        # True once the unfiltered list was loaded
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMinimumContentsLength(16)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.lineEdit().setPlaceholderText(self.tr(SEARCH_HINTS.get(kind, "")))
        self._build_completer()
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(lambda: self.search(self.lineEdit().text()))
        self.lineEdit().textEdited.connect(lambda _text: self._timer.start())
        self.lineEdit().editingFinished.connect(self._restore_text)
        self.activated.connect(self._on_activated)
        # Placed by the owner next to the picker, for the kinds that can be edited.
        self.edits_kind = kind in EDITABLE_KINDS
        self.edit_button = QToolButton()
        self.edit_button.setText(self.tr("Edit\u2026"))
        self.edit_button.setObjectName("editReference")
        self.edit_button.clicked.connect(self.edit_current)
        self._fill([])

    def _build_completer(self) -> None:
        """The popup under the text: the service's ranked answer, unfiltered
        (a row's text need not contain what was typed: e-mail matches)."""
        self.matches = QStandardItemModel(self)
        completer = QCompleter(self.matches, self)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setMaxVisibleItems(12)
        completer.activated[QModelIndex].connect(self._on_completed)
        completer.setWidget(self.lineEdit())
        # On the line edit, not QComboBox.setCompleter: the combo would map a
        # choice back to its own rows by text, and two records can share one.
        self.lineEdit().setCompleter(completer)
        self._completer = completer

    # -- state --------------------------------------------------------------

    def set_current(self, ref: Reference | None) -> None:
        """Show `ref` as the chosen value without emitting `picked`."""
        self._current = ref
        self._listed = False
        self._fill(self._refs())
        self._restore_text()

    def current_ref(self) -> Reference | None:
        return self._current

    def completer_popup(self) -> QWidget:
        return self._completer.popup()

    def _refs(self) -> list[Reference]:
        return [ref for ref in (self.itemData(i, REF_ROLE) for i in range(1, self.count()))
                if ref is not None]

    def _fill(self, refs: list[Reference], note: str = "") -> None:
        """The combo's own list: "(none)", the chosen record, the answer (or
        `note` saying why there is none)."""
        typed = self.lineEdit().text()
        current = self._current
        # (the chosen record as it is now: it may have been renamed since listed)
        rows = [current if current is not None and r.id == current.id else r for r in refs]
        if current is not None and current not in rows:
            rows.insert(0, current)
        self.blockSignals(True)
        self.clear()
        self.addItem(self._none_text, None)
        model = self.model()
        for ref in rows:
            if isinstance(model, QStandardItemModel):
                model.appendRow(ref_row(ref, self.palette()))
            else:
                self.addItem(ref_text(ref), ref)
        if note and isinstance(model, QStandardItemModel):
            model.appendRow(_note_row(note))
        self.blockSignals(False)
        self.lineEdit().setText(typed)
        self._update_edit()

    def _show_matches(self, text: str, refs: list[Reference]) -> None:
        """The popup's rows: the answer, or one row saying nothing matched."""
        self.matches.clear()
        for ref in refs:
            self.matches.appendRow(ref_row(ref, self.palette()))
        if not refs:
            self.matches.appendRow(_note_row(self._none_found(text)))

    def _none_found(self, text: str) -> str:
        words = NO_MATCH if text else EMPTY
        return translate("ReferencePicker", words.get(self.kind, "")).format(text=text)

    # -- searching ----------------------------------------------------------

    def search(self, text: str = "") -> None:
        """Ask the service for matching references (off the GUI thread)."""
        self._generation += 1
        self._listed = not text.strip()
        generation, kind, wanted = self._generation, self.kind, text.strip()
        self._runner.run(lambda: self._service.references(kind, wanted),
                         lambda refs: self._on_results(generation, wanted, refs))

    def _on_results(self, generation: int, text: str, refs: list[Reference]) -> None:
        if generation != self._generation:
            return
        self._fill(refs, "" if refs else self._none_found(text))
        self._show_matches(text, refs)
        # (only for what is typed now: not the first matches loaded on focus)
        if self.lineEdit().hasFocus() and text and text == self.lineEdit().text().strip():
            self._completer.complete(self._popup_rect())
            first = self._completer.completionModel().index(0, 0)
            if first.flags() & Qt.ItemFlag.ItemIsEnabled:
                self._mark_closest(first)
        self.answered.emit(text)

    def _popup_rect(self) -> QRect:
        """Under the text, as wide as the longest row needs (the share bar's
        pickers are narrower than a contact's name and account)."""
        popup = self._completer.popup()
        rect = self.lineEdit().rect()
        wanted = (popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width()
                  + 2 * popup.frameWidth() + 8)
        rect.setWidth(max(rect.width(), min(wanted, POPUP_MAX_WIDTH)))
        return rect

    def _mark_closest(self, first: QModelIndex) -> None:
        """Make the top row current, so that Enter takes it, without the
        completer copying its text over what the rep is typing."""
        popup = self._completer.popup()
        selection = popup.selectionModel()
        selection.blockSignals(True)
        popup.setCurrentIndex(first)
        selection.blockSignals(False)
        popup.viewport().update()

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Load the first matches on focus: the store builds its search index
        then (once after each refresh), not at the first keystroke."""
        super().focusInEvent(event)
        if not self._listed and not self.lineEdit().text():
            self.search("")

    def showPopup(self) -> None:
        """Opening the list without typing shows the first matches."""
        if not self._listed:
            self.search("")
        super().showPopup()

    # -- choosing -----------------------------------------------------------

    def choose(self, ref: Reference | None) -> None:
        """Pick `ref` as if the rep had chosen it (emits `picked`)."""
        self.set_current(ref)
        self.picked.emit(ref)

    def _on_activated(self, index: int) -> None:
        self.choose(self.itemData(index, REF_ROLE) if index > 0 else None)

    def _on_completed(self, index: QModelIndex) -> None:
        ref = index.data(REF_ROLE)
        if isinstance(ref, Reference):
            self.choose(ref)

    def _restore_text(self) -> None:
        """Show the chosen value again if the rep typed without choosing."""
        index = 0
        if self._current is not None:
            index = next((i for i in range(1, self.count())
                          if getattr(self.itemData(i, REF_ROLE), "id", None)
                          == self._current.id), 0)
        self.blockSignals(True)
        self.setCurrentIndex(index)
        self.blockSignals(False)
        self.lineEdit().setText(self.itemText(index) if self._current is not None else "")
        self.lineEdit().setCursorPosition(0)

    # -- editing ------------------------------------------------------------

    def _update_edit(self) -> None:
        """Edit… works on the chosen record, if it is a complete one."""
        ref = self._current
        self.edit_button.setEnabled(ref is not None and ref.complete)
        if ref is None:
            tip = self.tr("Choose a record first, then edit its name or e-mail")
        elif not ref.complete:
            tip = self.tr(READ_ONLY_TIP)
        else:
            tip = plain_tip(self.tr("Change the name or e-mail of {name} in the CRM")
                            .format(name=ref.name))
        self.edit_button.setToolTip(tip)

    def edit_current(self) -> ReferenceEditor | None:
        """Open the editor for the chosen record (complete ones only)."""
        ref = self._current
        if ref is None or not ref.complete:
            return None
        editor = ReferenceEditor(self._service, ref, self)
        editor.saved.connect(self._on_edited)
        editor.open()
        return editor

    def _on_edited(self, ref: Reference) -> None:
        if self._current is not None and self._current.id == ref.id:
            self.set_current(ref)
        self.edited.emit(ref)


class ReferenceEditor(QDialog):
    """Name and e-mail of one complete contact or account, saved in the CRM.

    Save sends them at once (off the GUI thread) and closes on the CRM's
    answer; a refusal is shown and the dialog stays open with what was typed.
    Cancel changes nothing.
    """

    saved = Signal(object)        # the Reference as the CRM saved it

    def __init__(self, service: GuiService, ref: Reference,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("referenceEditor")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._service, self.ref = service, ref
        self._runner = TaskRunner(network_pool(), self)
        self.setWindowTitle(self.tr("Edit contact") if ref.kind == "contact"
                            else self.tr("Edit account"))
        self.name = QLineEdit(ref.name)
        self.email = QLineEdit(ref.email)
        self.email.setPlaceholderText(self.tr("name@example.com"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.name.textChanged.connect(self._update_save)
        form = QFormLayout()
        form.addRow(plain_label(self.tr("Name:")), self.name)
        form.addRow(plain_label(self.tr("E-mail:")), self.email)
        layout = QVBoxLayout(self)
        layout.addWidget(plain_label(self.tr("Saved in the CRM at once; other users see "
                                             "the change there."), wrap=True))
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(380)

    def _save_button(self) -> QWidget:
        return self.buttons.button(QDialogButtonBox.StandardButton.Save)

    def _update_save(self) -> None:
        self._save_button().setEnabled(bool(self.name.text().strip()))

    def save(self) -> None:
        ref, name, email = self.ref, self.name.text().strip(), self.email.text().strip()
        if not name:
            return
        self._set_busy(True)
        self._runner.run(lambda: self._service.update_reference(ref, name, email),
                         self._on_saved, self._on_failed)

    def _set_busy(self, busy: bool) -> None:
        for widget in (self.name, self.email, self._save_button()):
            widget.setEnabled(not busy)
        if not busy:
            self._update_save()

    def _on_saved(self, ref: Reference) -> None:
        self.saved.emit(ref)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        show_error(self, exc, self.tr("The change was not saved in the CRM."))

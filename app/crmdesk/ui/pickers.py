"""A combo box that searches CRM references (accounts, contacts, opportunities).

The rep types; after a short pause the picker asks `service.references(kind,
text)` off the GUI thread and fills its list and completer with the answer.
Choosing an entry emits `picked` with the Reference (or None for "none").
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QCompleter, QWidget

from crmdesk.model import Reference
from crmdesk.ui.api import GuiService
from crmdesk.ui.tasks import TaskRunner

REF_ROLE = Qt.ItemDataRole.UserRole
SEARCH_DELAY_MS = 250

SEARCH_HINTS = {"account": QT_TRANSLATE_NOOP("ReferencePicker", "Type to search accounts"),
                "contact": QT_TRANSLATE_NOOP("ReferencePicker", "Type to search contacts"),
                "opportunity": QT_TRANSLATE_NOOP("ReferencePicker",
                                                 "Type to search opportunities")}


def ref_text(ref: Reference) -> str:
    """What a row shows: the name, and its account or e-mail when known."""
    extra = ref.detail or ref.email
    return f"{ref.name} \u2014 {extra}" if extra else ref.name


class ReferencePicker(QComboBox):
    """Editable combo + completer over one kind of CRM reference."""

    picked = Signal(object)

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
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        completer.activated[str].connect(self._on_completed)
        self.setCompleter(completer)
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._timer.timeout.connect(lambda: self.search(self.lineEdit().text()))
        self.lineEdit().textEdited.connect(lambda _text: self._timer.start())
        self.lineEdit().editingFinished.connect(self._restore_text)
        self.activated.connect(self._on_activated)
        self._fill([])

    # -- state --------------------------------------------------------------

    def set_current(self, ref: Reference | None) -> None:
        """Show `ref` as the chosen value without emitting `picked`."""
        self._current = ref
        self._listed = False
        self._fill(self._refs())
        self._restore_text()

    def current_ref(self) -> Reference | None:
        return self._current

    def _refs(self) -> list[Reference]:
        return [self.itemData(i, REF_ROLE) for i in range(1, self.count())]

    def _fill(self, refs: list[Reference]) -> None:
        typed = self.lineEdit().text()
        rows = list(refs)
        if self._current is not None and all(r.id != self._current.id for r in rows):
            rows.insert(0, self._current)
        self.blockSignals(True)
        self.clear()
        self.addItem(self._none_text, None)
        for ref in rows:
            self.addItem(ref_text(ref), ref)
        self.blockSignals(False)
        self.lineEdit().setText(typed)

    # -- searching ----------------------------------------------------------

    def search(self, text: str = "") -> None:
        """Ask the service for matching references (off the GUI thread)."""
        self._generation += 1
        self._listed = not text.strip()
        generation, kind = self._generation, self.kind
        self._runner.run(lambda: self._service.references(kind, text.strip()),
                         lambda refs: self._on_results(generation, refs))

    def _on_results(self, generation: int, refs: list[Reference]) -> None:
        if generation != self._generation:
            return
        self._fill(refs)
        if self.lineEdit().hasFocus() and self.lineEdit().text():
            self.completer().complete()

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

    def _on_completed(self, text: str) -> None:
        index = self.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            self.setCurrentIndex(index)
            self._on_activated(index)

    def _restore_text(self) -> None:
        """Show the chosen value again if the rep typed without choosing."""
        index = 0
        if self._current is not None:
            index = next((i for i in range(1, self.count())
                          if self.itemData(i, REF_ROLE).id == self._current.id), 0)
        self.blockSignals(True)
        self.setCurrentIndex(index)
        self.blockSignals(False)
        self.lineEdit().setText(self.itemText(index) if self._current is not None else "")
        self.lineEdit().setCursorPosition(0)

"""What every settings page and dialog shares.

A page has `load(settings)`, `check() -> list[Problem]` and
`save(settings)`.  A dialog loads a *copy* of the service's settings, runs
every page's check before any save, writes only when something changed,
and Cancel simply drops the copy.  Problems are shown next to their field
and summed up above the buttons, each naming its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol
from urllib.parse import urlparse

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QVBoxLayout,
                               QWidget)

from crmdesk.settings import Settings
from crmdesk.ui.errors import show_error
from crmdesk.ui.look import plain_label

ERROR_STYLE = "color: #b3261e;"


@dataclass(frozen=True)
class Problem:
    """A field that can't be saved as it is; `field` is its visible name."""

    field: str
    message: str
    widget: QWidget


class SettingsPage(Protocol):
    def load(self, settings: Settings) -> None: ...

    def check(self) -> list[Problem]: ...

    def save(self, settings: Settings) -> None: ...

    def clear_notes(self) -> None: ...

    def open_problems(self) -> int: ...

    def show_problem(self, problem: Problem) -> None: ...

    @property
    def form(self) -> "NotedForm": ...


class NotedForm(QFormLayout):
    """A form whose fields each have a hidden error note just below them."""

    def __init__(self) -> None:
        super().__init__()
        self.notes: dict[QWidget, QLabel] = {}
        self.edited: Callable[[], None] | None = None   # called when a noted field changes

    def add(self, label: str, field: QWidget, anchor: QWidget | None = None) -> None:
        """Add a row; `anchor` is the widget problems point at (default: field)."""
        self.addRow(plain_label(label), field)
        note = plain_label("", wrap=True)
        note.setStyleSheet(ERROR_STYLE)
        self.addRow(plain_label(), note)
        # The whole row goes, not only the note: an empty row would still take
        # a row's spacing and double the gaps between the fields.
        self.setRowVisible(note, False)
        target = anchor or field
        self.notes[target] = note
        changed = next((getattr(target, name) for name in
                        ("textEdited", "currentIndexChanged", "valueChanged")
                        if hasattr(target, name)), None)
        if changed is not None:
            changed.connect(lambda *_: self._field_edited(note))

    def _field_edited(self, note: QLabel) -> None:
        """Editing a field takes its complaint away."""
        if note.isVisible():
            self.setRowVisible(note, False)
            if self.edited is not None:
                self.edited()

    def open_problems(self) -> int:
        return sum(1 for note in self.notes.values() if not note.isHidden())

    def clear_notes(self) -> None:
        for note in self.notes.values():
            note.clear()
            self.setRowVisible(note, False)

    def show_problem(self, problem: Problem) -> None:
        note = self.notes.get(problem.widget)
        if note is not None:
            note.setText(problem.message)
            self.setRowVisible(note, True)


def url_problem(text: str) -> str:
    """Why `text` is not a usable server address, or "" when it is."""
    if not text:
        return QCoreApplication.translate("SettingsDialog", "Enter the server address.")
    parsed = urlparse(text)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        return QCoreApplication.translate(
            "SettingsDialog", "The address must start with http:// or https:// "
            "(e.g. https://crm.example.com).")
    return ""


class FormPage:
    """A settings page whose fields live in `self.form` (a NotedForm)."""

    form: NotedForm

    def clear_notes(self) -> None:
        self.form.clear_notes()

    def open_problems(self) -> int:
        return self.form.open_problems()

    def show_problem(self, problem: Problem) -> None:
        self.form.show_problem(problem)


class SettingsDialog(QDialog):
    """Runs load / check / save over its pages on a copy of the settings."""

    def __init__(self, settings: Settings, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.settings = settings.copy()
        self._original = settings.copy()
        self.pages: list[SettingsPage] = []
        self.summary = plain_label("", wrap=True, name="problemSummary")
        self.summary.setStyleSheet(ERROR_STYLE)
        self.summary.setVisible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.body = QVBoxLayout(self)

    def finish_layout(self) -> None:
        """Call after the pages were added to `body`."""
        self.body.addWidget(self.summary)
        self.body.addWidget(self.buttons)
        for page in self.pages:
            page.load(self.settings)
            page.form.edited = self.problems_edited

    def check(self) -> list[Problem]:
        """Run every page's check; show the problems; True when there are none."""
        problems = []
        for page in self.pages:
            page.clear_notes()
            found = page.check()
            for problem in found:
                page.show_problem(problem)
            problems += found
        self.summary.setVisible(bool(problems))
        if problems:
            self.summary.setText(self.tr("Please correct the marked fields: {fields}.").format(
                fields=", ".join(p.field for p in problems)))
            problems[0].widget.setFocus()
        return problems

    def problems_edited(self) -> None:
        """Hide the summary once every complaint was dealt with."""
        if not any(page.open_problems() for page in self.pages):
            self.summary.setVisible(False)

    def changed(self) -> bool:
        return self.settings != self._original

    def commit(self) -> None:
        """Write the copy through the service (subclasses add passwords)."""
        raise NotImplementedError

    def accept(self) -> None:
        if self.check():
            return
        for page in self.pages:
            page.save(self.settings)
        try:
            self.commit()
        except Exception as exc:  # noqa: BLE001 - every error becomes words
            show_error(self, exc, self.tr("The settings were not saved."))
            return
        super().accept()

"""Item lists: the To-dos and Activities tabs, and the empty-state helper.

Rows are QTreeWidgetItems whose text the default delegate paints as plain
text; each row keeps the item key in Qt.UserRole.  No tooltips carry server
text (Qt would guess rich text from it).
"""

from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QStackedWidget,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from crmdesk.service_types import ItemView
from crmdesk.ui.look import look, plain_label, when_text

MAX_COLUMN = 220      # px: a long account name must not squeeze the title away

KEY_ROLE = Qt.ItemDataRole.UserRole


class EmptyStack(QStackedWidget):
    """Shows a widget, or a centred sentence when there is nothing to show."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content = content
        holder = QWidget(self)
        layout = QVBoxLayout(holder)
        self.message = plain_label("", holder, wrap=True, name="emptyMessage")
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.message.setStyleSheet("color: palette(placeholder-text); font-size: 12pt;")
        layout.addStretch(1)
        layout.addWidget(self.message)
        layout.addStretch(2)
        self.addWidget(content)
        self.addWidget(holder)

    def show_content(self) -> None:
        self.setCurrentIndex(0)

    def show_message(self, text: str) -> None:
        self.message.setText(text)
        self.setCurrentIndex(1)

    def empty_label(self) -> QLabel:
        return self.message


Column = tuple[str, Callable[[ItemView], str]]


def fit_columns(tree: QTreeWidget, columns: Iterable[int]) -> None:
    """Size columns to their contents, but never wider than MAX_COLUMN."""
    for col in columns:
        tree.resizeColumnToContents(col)
        tree.setColumnWidth(col, min(tree.columnWidth(col), MAX_COLUMN))


def _names(item: ItemView) -> str:
    parts = [ref.name for ref in (item.account, item.opportunity) if ref is not None]
    return " \u00b7 ".join(parts)


TODO_COLUMNS: list[Column] = [
    ("To-do", lambda i: i.title or "(no title)"),
    ("Due", when_text),
    ("Status", lambda i: i.status.capitalize()),
    ("Priority", lambda i: i.priority.capitalize()),
    ("CRM", lambda i: look(i.share_state).label),
]

ACTIVITY_COLUMNS: list[Column] = [
    ("Activity", lambda i: i.title or "(no title)"),
    ("When", when_text),
    ("Shown in", lambda i: {"calendar": "Calendar", "todo": "To-dos",
                            "activities": "Activities only",
                            "communication": "Communication"}.get(i.display_in, i.display_in)),
    ("Account / opportunity", _names),
    ("CRM", lambda i: look(i.share_state).label),
]


class ItemList(QWidget):
    """A sortable table of items; `selected` reports the chosen key."""

    selected = Signal(str)

    def __init__(self, columns: list[Column], empty_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = columns
        self._empty_text = empty_text
        self.tree = QTreeWidget()
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setHeaderLabels([name for name, _ in columns])
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        self.stack = EmptyStack(self.tree)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)
        self.stack.show_message("Loading\u2026")

    def set_items(self, items: list[ItemView]) -> None:
        current = self.current_key()
        self.tree.blockSignals(True)
        self.tree.clear()
        for item in items:
            self.tree.addTopLevelItem(self._row(item))
        self.tree.blockSignals(False)
        fit_columns(self.tree, range(1, len(self._columns)))
        if items:
            self.stack.show_content()
            self.select(current)
        else:
            self.stack.show_message(self._empty_text)

    def set_message(self, text: str) -> None:
        self.stack.show_message(text)

    def _row(self, item: ItemView) -> QTreeWidgetItem:
        row = QTreeWidgetItem([render(item) for _, render in self._columns])
        row.setData(0, KEY_ROLE, item.key)
        state = look(item.share_state)
        row.setForeground(len(self._columns) - 1, QBrush(state.border))
        return row

    def current_key(self) -> str:
        row = self.tree.currentItem()
        return str(row.data(0, KEY_ROLE)) if row is not None else ""

    def select(self, key: str) -> None:
        """Select the row of `key`, quietly (no `selected` signal)."""
        self.tree.blockSignals(True)
        for index in range(self.tree.topLevelItemCount()):
            row = self.tree.topLevelItem(index)
            if row.data(0, KEY_ROLE) == key:
                self.tree.setCurrentItem(row)
                break
        else:
            self.tree.clearSelection()
        self.tree.blockSignals(False)

    def _on_selection(self) -> None:
        key = self.current_key()
        if key:
            self.selected.emit(key)

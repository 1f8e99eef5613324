"""Item lists: the To-dos and Activities tabs, and the empty-state helper.

Rows are QTreeWidgetItems whose text the default delegate paints as plain
text; each row keeps the item key in Qt.UserRole.  No tooltips carry server
text (Qt would guess rich text from it).
"""

from __future__ import annotations

from typing import Callable, Iterable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (QAbstractItemView, QHeaderView, QLabel, QStackedWidget,
                               QTreeWidget, QTreeWidgetItem, QVBoxLayout, QWidget)

from crmdesk.service_types import ItemView
from crmdesk.ui.look import (look, plain_label, priority_word, status_word, title_text,
                             when_text)

MAX_COLUMN = 220      # px: a long account name must not squeeze the title away
CHUNK = 250           # rows added per event-loop turn (~10 ms)

KEY_ROLE = Qt.ItemDataRole.UserRole
translate = QCoreApplication.translate


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


# (English header marked for the "ItemList" context, cell text of an item)
Column = tuple[str, Callable[[ItemView], str]]


def list_tree(labels: list[str], stretch: int) -> QTreeWidget:
    """A flat, single-selection list whose column `stretch` takes the room."""
    tree = QTreeWidget()
    tree.setHeaderLabels(labels)
    tree.setRootIsDecorated(False)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.header().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    tree.header().setStretchLastSection(False)
    return tree


def fill_with_stack(owner: QWidget, tree: QTreeWidget) -> EmptyStack:
    """`tree` in an EmptyStack filling `owner`."""
    stack = EmptyStack(tree)
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(stack)
    return stack


def fit_columns(tree: QTreeWidget, columns: Iterable[int]) -> None:
    """Size columns to their contents, but never wider than MAX_COLUMN."""
    for col in columns:
        tree.resizeColumnToContents(col)
        tree.setColumnWidth(col, min(tree.columnWidth(col), MAX_COLUMN))


def _title(item: ItemView) -> str:
    """The title, marked ↻ (as in the week) for a series or one of its moved occurrences."""
    return f"\u21bb\u00a0{title_text(item.title)}" if item.rrule else title_text(item.title)


def _names(item: ItemView) -> str:
    parts = [ref.name for ref in (item.account, item.opportunity) if ref is not None]
    return " \u00b7 ".join(parts)


SHOWN_IN = {"calendar": QT_TRANSLATE_NOOP("ItemList", "Calendar"),
            "todo": QT_TRANSLATE_NOOP("ItemList", "To-dos"),
            "activities": QT_TRANSLATE_NOOP("ItemList", "Activities only"),
            "communication": QT_TRANSLATE_NOOP("ItemList", "Communication")}


def _shown_in(item: ItemView) -> str:
    where = SHOWN_IN.get(item.display_in)
    return translate("ItemList", where) if where else item.display_in


TODO_COLUMNS: list[Column] = [
    (QT_TRANSLATE_NOOP("ItemList", "To-do"), _title),
    (QT_TRANSLATE_NOOP("ItemList", "Due"), when_text),
    (QT_TRANSLATE_NOOP("ItemList", "Status"), lambda i: status_word(i.status)),
    (QT_TRANSLATE_NOOP("ItemList", "Priority"), lambda i: priority_word(i.priority)),
    (QT_TRANSLATE_NOOP("ItemList", "CRM"), lambda i: look(i.share_state).label),
]

ACTIVITY_COLUMNS: list[Column] = [
    (QT_TRANSLATE_NOOP("ItemList", "Activity"), _title),
    (QT_TRANSLATE_NOOP("ItemList", "When"), when_text),
    (QT_TRANSLATE_NOOP("ItemList", "Shown in"), _shown_in),
    (QT_TRANSLATE_NOOP("ItemList", "Account / opportunity"), _names),
    (QT_TRANSLATE_NOOP("ItemList", "CRM"), lambda i: look(i.share_state).label),
]


class ItemList(QWidget):
    """A sortable table of items; `selected` reports the chosen key."""

    selected = Signal(str)

    def __init__(self, columns: list[Column], empty_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._generation = 0
        self._columns = columns
        self._empty_text = empty_text
        self.tree = list_tree([self.tr(name) for name, _ in columns], stretch=0)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        self.stack = fill_with_stack(self, self.tree)
        self.stack.show_message(self.tr("Loading\u2026"))

    def set_items(self, items: list[ItemView]) -> None:
        """Show `items`.  Long lists are filled CHUNK rows per event-loop turn,
        so thousands of activities never freeze the window (issue 7: no GUI
        stall over 50 ms)."""
        current = self.current_key()
        self._generation += 1
        self.tree.blockSignals(True)
        self.tree.clear()
        self.tree.blockSignals(False)
        if not items:
            self.stack.show_message(self._empty_text)
            return
        self.stack.show_content()
        self._fill(self._generation, list(items), 0, current)

    def _fill(self, generation: int, items: list[ItemView], start: int, current: str) -> None:
        if generation != self._generation:        # a newer list replaced this one
            return
        self.tree.blockSignals(True)
        self.tree.addTopLevelItems([self._row(item) for item in items[start:start + CHUNK]])
        self.tree.blockSignals(False)
        if start + CHUNK < len(items):
            QTimer.singleShot(0, self, lambda: self._fill(generation, items, start + CHUNK,
                                                          current))
            return
        fit_columns(self.tree, range(1, len(self._columns)))
        self.select(current)

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

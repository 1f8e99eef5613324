"""The agenda: the coming days as a list grouped by day, in local time."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QTreeWidgetItem, QWidget

from crmdesk.service_types import ItemView
from crmdesk.ui.itemlist import KEY_ROLE, fill_with_stack, fit_columns, list_tree
from crmdesk.ui.look import all_day_dates, local, look, title_text


def _day_of(item: ItemView) -> date | None:
    span = all_day_dates(item)
    if span is not None:
        return span[0]
    return local(item.start).date() if item.start is not None else None


def _time_of(item: ItemView) -> str:
    if item.all_day:
        return QCoreApplication.translate("AgendaView", "All day")
    if item.start is None:
        return ""
    text = f"{local(item.start):%H:%M}"
    return text + (f"\u2013{local(item.end):%H:%M}" if item.end else "")


def group_by_day(items: list[ItemView]) -> list[tuple[date, list[ItemView]]]:
    """Items in their given order, grouped under the local day they start."""
    groups: dict[date, list[ItemView]] = {}
    for item in items:
        day = _day_of(item)
        if day is not None:
            groups.setdefault(day, []).append(item)
    return sorted(groups.items())


class AgendaView(QWidget):
    """Day headings, then one row per entry: time, title, location, CRM state."""

    selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = list_tree([self.tr("Time"), self.tr("Title"), self.tr("Location"),
                               self.tr("CRM")], stretch=1)
        self.tree.setItemsExpandable(False)
        self.tree.setIndentation(14)
        self.tree.itemSelectionChanged.connect(self._on_selection)
        self.stack = fill_with_stack(self, self.tree)

    def set_items(self, items: list[ItemView], empty_text: str) -> None:
        self.tree.blockSignals(True)
        self.tree.clear()
        for day, entries in group_by_day(items):
            self.tree.addTopLevelItem(self._day_row(day, entries))
        self.tree.expandAll()
        self.tree.blockSignals(False)
        fit_columns(self.tree, (0, 2, 3))
        if items:
            self.stack.show_content()
        else:
            self.stack.show_message(empty_text)

    def _day_row(self, day: date, entries: list[ItemView]) -> QTreeWidgetItem:
        heading = QTreeWidgetItem([day.strftime("%A %d %B %Y")])
        heading.setFirstColumnSpanned(True)
        heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
        font = QFont(self.font())
        font.setBold(True)
        heading.setFont(0, font)
        for item in entries:
            title = f"{look(item.share_state).glyph} {title_text(item.title)}".strip()
            row = QTreeWidgetItem([_time_of(item), title, item.location,
                                   look(item.share_state).label])
            row.setData(0, KEY_ROLE, item.key)
            row.setForeground(3, QBrush(look(item.share_state).border))
            heading.addChild(row)
        return heading

    def select(self, key: str) -> None:
        self.tree.blockSignals(True)
        self.tree.clearSelection()
        for top in range(self.tree.topLevelItemCount()):
            heading = self.tree.topLevelItem(top)
            for index in range(heading.childCount()):
                if heading.child(index).data(0, KEY_ROLE) == key:
                    self.tree.setCurrentItem(heading.child(index))
        self.tree.blockSignals(False)

    def _on_selection(self) -> None:
        row = self.tree.currentItem()
        key = row.data(0, KEY_ROLE) if row is not None else None
        if key:
            self.selected.emit(str(key))

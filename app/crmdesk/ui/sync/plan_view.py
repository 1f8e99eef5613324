"""Planned sync actions in words: counts per side and a list grouped by side.

Shared by the Preview dialog and the mass-delete guard.  Titles come from
the servers, so they only ever go into item views and plain-text labels.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QHeaderView, QTableWidget, QTableWidgetItem, QTreeWidget,
                               QTreeWidgetItem)

from crmdesk.sync.actions import Action, SaveProxy

SIDES = (("calendar", "Calendar", "In your calendar"), ("crm", "CRM", "In the CRM"))
VERBS = ("created", "updated", "deleted")
_VERB_WORDS = {"created": "Create in", "updated": "Update in", "deleted": "Delete from"}
# Actions whose generic verb would hide what really happens.
_SPECIAL = {"CreateFollowUp": "Add a follow-up to-do in CRM",
            "LeaveTeam": "Take you off the activity in CRM"}


def visible(actions: Iterable[Action]) -> list[Action]:
    """The actions a rep would notice: those that touch the calendar or the CRM."""
    return [a for a in actions if a.side in ("calendar", "crm") and a.verb in VERBS]


def conflicts(actions: Iterable[Action]) -> list[Action]:
    """Items changed on both sides that wait for the rep (priority "ask")."""
    return [a for a in actions if isinstance(a, SaveProxy) and a.conflict]


def counts(actions: Iterable[Action]) -> Counter[tuple[str, str]]:
    """(side, verb) -> how many, for calendar and CRM only."""
    return Counter((a.side, a.verb) for a in visible(actions))


def side_name(side: str) -> str:
    return "CRM" if side == "crm" else "calendar"


def verb_text(action: Action) -> str:
    """"Create in CRM", "Update in calendar", "Delete from CRM" …"""
    special = _SPECIAL.get(type(action).__name__)
    if special:
        return special
    return f"{_VERB_WORDS.get(action.verb, action.verb.capitalize())} {side_name(action.side)}"


def detail_text(action: Action) -> str:
    """Why the action is planned, or which fields it changes."""
    reason = str(getattr(action, "reason", "") or "")
    if reason:
        return reason[:1].upper() + reason[1:]
    changes = getattr(action, "changes", None)
    if changes:
        return "Changes " + ", ".join(n.replace("_", " ") for n in sorted(changes))
    return ""


def title_text(action: Action) -> str:
    return action.title.strip() or "(no title)"


def counts_table(actions: Sequence[Action]) -> QTableWidget:
    """A read-only 2 x 3 table: calendar / CRM by created / updated / deleted."""
    found = counts(actions)
    table = QTableWidget(len(SIDES), len(VERBS))
    table.setObjectName("planCounts")
    table.setHorizontalHeaderLabels([v.capitalize() for v in VERBS])
    table.setVerticalHeaderLabels([label for _, label, _ in SIDES])
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    for row, (side, _, _) in enumerate(SIDES):
        for col, verb in enumerate(VERBS):
            cell = QTableWidgetItem(str(found[(side, verb)]))
            cell.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            table.setItem(row, col, cell)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    table.setFixedHeight(table.horizontalHeader().sizeHint().height()
                         + sum(table.rowHeight(r) for r in range(table.rowCount())) + 4)
    return table


def actions_tree(actions: Sequence[Action], name: str = "planList") -> QTreeWidget:
    """Change | Item | Why, one expanded group per side; empty sides are left out."""
    tree = QTreeWidget()
    tree.setObjectName(name)
    tree.setHeaderLabels(["Change", "Item", "Why"])
    tree.setRootIsDecorated(True)
    tree.setUniformRowHeights(True)
    for side, _, heading in SIDES:
        mine = [a for a in visible(actions) if a.side == side]
        if not mine:
            continue
        group = QTreeWidgetItem(tree, [f"{heading} ({len(mine)})"])
        group.setFirstColumnSpanned(True)
        for action in mine:
            QTreeWidgetItem(group, [verb_text(action), title_text(action), detail_text(action)])
        group.setExpanded(True)
    _conflict_group(tree, conflicts(actions))
    header = tree.header()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    return tree


def _conflict_group(tree: QTreeWidget, waiting: list[Action]) -> None:
    if not waiting:
        return
    group = QTreeWidgetItem(tree, [f"Changed on both sides: you decide ({len(waiting)})"])
    group.setFirstColumnSpanned(True)
    for action in waiting:
        names = ", ".join(n.replace("_", " ") for n in getattr(action, "conflict", ()))
        QTreeWidgetItem(group, ["Conflict", title_text(action),
                                f"Both changed {names}; the collision dialog will ask"])
    group.setExpanded(True)


def tree_rows(tree: QTreeWidget) -> list[tuple[str, str, str]]:
    """(change, item, why) of every action row, in order (for tests and copying)."""
    rows = []
    for g in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(g)
        for c in range(group.childCount()):
            child = group.child(c)
            rows.append((child.text(0), child.text(1), child.text(2)))
    return rows

"""Planned sync actions in words: counts per side and a list grouped by side.

Shared by the Preview dialog and the mass-delete guard.  Titles come from
the servers, so they only ever go into item views and plain-text labels.
"""

from __future__ import annotations

from collections import Counter
from typing import Iterable, Sequence

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import (QHeaderView, QTableWidget, QTableWidgetItem, QTreeWidget,
                               QTreeWidgetItem)

from crmdesk.sync.actions import Action, SaveProxy
from crmdesk.ui.look import field_names, title_text

translate = QCoreApplication.translate
# (side, row label, group heading with its count)
SIDES = (("calendar", QT_TRANSLATE_NOOP("PlanView", "Calendar"),
          QT_TRANSLATE_NOOP("PlanView", "In your calendar ({n})")),
         ("crm", QT_TRANSLATE_NOOP("PlanView", "CRM"),
          QT_TRANSLATE_NOOP("PlanView", "In the CRM ({n})")))
VERBS = ("created", "updated", "deleted")
_VERB_HEADERS = {"created": QT_TRANSLATE_NOOP("PlanView", "Created"),
                 "updated": QT_TRANSLATE_NOOP("PlanView", "Updated"),
                 "deleted": QT_TRANSLATE_NOOP("PlanView", "Deleted")}
# Whole phrases per side and verb: word order differs between languages.
_VERB_WORDS = {("created", "calendar"): QT_TRANSLATE_NOOP("PlanView", "Create in calendar"),
               ("created", "crm"): QT_TRANSLATE_NOOP("PlanView", "Create in CRM"),
               ("updated", "calendar"): QT_TRANSLATE_NOOP("PlanView", "Update in calendar"),
               ("updated", "crm"): QT_TRANSLATE_NOOP("PlanView", "Update in CRM"),
               ("deleted", "calendar"): QT_TRANSLATE_NOOP("PlanView", "Delete from calendar"),
               ("deleted", "crm"): QT_TRANSLATE_NOOP("PlanView", "Delete from CRM")}
# Actions whose generic verb would hide what really happens.
_SPECIAL = {"CreateFollowUp": QT_TRANSLATE_NOOP("PlanView", "Add a follow-up to-do in CRM"),
            "LeaveTeam": QT_TRANSLATE_NOOP("PlanView", "Take you off the activity in CRM"),
            "AddOccurrence": QT_TRANSLATE_NOOP("PlanView",
                                               "Move one occurrence of the series in calendar")}


def visible(actions: Iterable[Action]) -> list[Action]:
    """The actions a rep would notice: those that touch the calendar or the CRM."""
    return [a for a in actions if a.side in ("calendar", "crm") and a.verb in VERBS]


def conflicts(actions: Iterable[Action]) -> list[Action]:
    """Items changed on both sides that wait for the rep (priority "ask")."""
    return [a for a in actions if isinstance(a, SaveProxy) and a.conflict]


def counts(actions: Iterable[Action]) -> Counter[tuple[str, str]]:
    """(side, verb) -> how many, for calendar and CRM only."""
    return Counter((a.side, a.verb) for a in visible(actions))


def verb_text(action: Action) -> str:
    """"Create in CRM", "Update in calendar", "Delete from CRM" …"""
    special = _SPECIAL.get(type(action).__name__)
    if special:
        return translate("PlanView", special)
    words = _VERB_WORDS.get((action.verb, "crm" if action.side == "crm" else "calendar"))
    return translate("PlanView", words) if words else action.verb.capitalize()


def detail_text(action: Action) -> str:
    """Why the action is planned, or which fields it changes."""
    reason = str(getattr(action, "reason", "") or "")
    if reason:
        return reason[:1].upper() + reason[1:]
    changes = getattr(action, "changes", None)
    if changes:
        return translate("PlanView", "Changes {fields}").format(
            fields=field_names(sorted(changes)))
    return ""


def action_title(action: Action) -> str:
    return title_text(action.title.strip())


def counts_table(actions: Sequence[Action]) -> QTableWidget:
    """A read-only 2 x 3 table: calendar / CRM by created / updated / deleted."""
    found = counts(actions)
    table = QTableWidget(len(SIDES), len(VERBS))
    table.setObjectName("planCounts")
    table.setHorizontalHeaderLabels([translate("PlanView", _VERB_HEADERS[v]) for v in VERBS])
    table.setVerticalHeaderLabels([translate("PlanView", label) for _, label, _ in SIDES])
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
    tree.setHeaderLabels([translate("PlanView", "Change"), translate("PlanView", "Item"),
                          translate("PlanView", "Why")])
    tree.setRootIsDecorated(True)
    tree.setUniformRowHeights(True)
    for side, _, heading in SIDES:
        mine = [a for a in visible(actions) if a.side == side]
        if not mine:
            continue
        group = QTreeWidgetItem(tree, [translate("PlanView", heading).format(n=len(mine))])
        group.setFirstColumnSpanned(True)
        for action in mine:
            QTreeWidgetItem(group, [verb_text(action), action_title(action),
                                    detail_text(action)])
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
    group = QTreeWidgetItem(tree, [translate(
        "PlanView", "Changed on both sides: you decide ({n})").format(n=len(waiting))])
    group.setFirstColumnSpanned(True)
    for action in waiting:
        names = field_names(getattr(action, "conflict", ()))
        QTreeWidgetItem(group, [translate("PlanView", "Conflict"), action_title(action),
                                translate("PlanView", "Both changed {fields}; the collision "
                                          "dialog will ask").format(fields=names)])
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

"""How planned actions are put into words: Preview and the mass-delete guard, no servers."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from crmdesk import messages
from crmdesk.errors import MassDeleteBlocked
from crmdesk.sync.actions import (CreateCrm, CreateFollowUp, CreateNative, DeleteCrm,
                                  DeleteNative, Detach, DropProxy, LeaveTeam, SaveProxy,
                                  UpdateCrm, UpdateNative)
from crmdesk.ui.sync.massdelete import MassDeleteDialog
from crmdesk.ui.sync.plan_view import counts, tree_rows, verb_text
from crmdesk.ui.sync.preview import INTRO, PreviewDialog

pytestmark = pytest.mark.gui

HTML = "<img src=x onerror=alert(1)> <b>Board</b> meeting"

PLAN = [
    CreateCrm(1, "Demo at Initech"),
    UpdateCrm(2, HTML, changes={"location": "Room 1", "planned_start": None}),
    DeleteCrm(3, "Old call", reason="deleted in the calendar"),
    DropProxy(3, "Old call", reason="deleted in the calendar"),
    CreateFollowUp(4, "Follow up: Lunch was cancelled"),
    LeaveTeam(5, "Team sync"),
    CreateNative(6, "Planned in the CRM"),
    UpdateNative(7, "", changes={"description": "x"}),
    DeleteNative(8, "Dropped in CRM", reason="deleted in the CRM"),
    SaveProxy(1, "Demo at Initech"), Detach(9, "Solo prep", reason="kept"),
]


def test_verbs_read_like_sentences() -> None:
    assert [verb_text(a) for a in PLAN if a.side != "local"] == [
        "Create in CRM", "Update in CRM", "Delete from CRM", "Add a follow-up to-do in CRM",
        "Take you off the activity in CRM", "Create in calendar", "Update in calendar",
        "Delete from calendar"]


def test_counts_ignore_local_bookkeeping() -> None:
    assert counts(PLAN) == {("crm", "created"): 2, ("crm", "updated"): 2,
                            ("crm", "deleted"): 1, ("calendar", "created"): 1,
                            ("calendar", "updated"): 1, ("calendar", "deleted"): 1}


def test_preview_groups_by_side_and_shows_titles_as_plain_text(qtbot: QtBot) -> None:
    dialog = PreviewDialog(PLAN)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.intro.text() == INTRO
    assert [dialog.tree.topLevelItem(i).text(0) for i in range(2)] == \
        ["In your calendar (3)", "In the CRM (5)"]
    rows = tree_rows(dialog.tree)
    assert rows[0] == ("Create in calendar", "Planned in the CRM", "")
    assert rows[1] == ("Update in calendar", "(no title)", "Changes description")
    assert ("Update in CRM", HTML, "Changes location, planned start") in rows
    assert ("Delete from CRM", "Old call", "Deleted in the calendar") in rows
    assert [dialog.counts.item(r, c).text() for r in (0, 1) for c in (0, 1, 2)] == \
        ["1", "1", "1", "2", "2", "1"]


def test_mass_delete_dialog_lists_only_the_deletes(qtbot: QtBot) -> None:
    blocked = MassDeleteBlocked(PLAN, "crm", 1, 4)
    dialog = MassDeleteDialog(blocked)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.message.text() == messages.describe(blocked)
    assert tree_rows(dialog.tree) == [
        ("Delete from calendar", "Dropped in CRM", "Deleted in the CRM"),
        ("Delete from CRM", "Old call", "Deleted in the calendar")]
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).isDefault()
    with qtbot.waitSignal(dialog.rejected):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()


def test_preview_of_a_pending_conflict_does_not_say_nothing_to_do(qtbot: QtBot) -> None:
    plan = [SaveProxy(3, "Quarterly review – ACME", conflict=("location", "comment"))]
    dialog = PreviewDialog(plan)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.intro.text() == INTRO
    assert dialog.tree.topLevelItem(0).text(0) == "Changed on both sides: you decide (1)"
    assert tree_rows(dialog.tree) == [("Conflict", "Quarterly review – ACME",
                                       "Both changed location, comment; "
                                       "the collision dialog will ask")]

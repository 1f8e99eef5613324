"""Sync history and the Sync issues list: read from the store, so they survive restarts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from crmdesk.service import AppService
from crmdesk.settings import Profile
from crmdesk.store import Store
from crmdesk.sync.report import ReportEntry, SideCounts, SyncReport
from crmdesk.ui.mainwindow import MainWindow
from crmdesk.ui.sync.conflicts import ConflictsDialog
from crmdesk.ui.sync.history import EMPTY, HistoryDialog, when_text
from crmdesk.ui.sync.report_view import summary_text
from tests.gui.conftest import WAIT_MS, key_of, put_event, synchronize, wait_loaded

pytestmark = pytest.mark.gui

HTML_TITLE = "<b>Lunch</b> & <a href='x'>learn</a>"


TROUBLED_SUMMARY = ("calendar: 2 created; CRM: 1 updated, 1 deleted; 1 conflict waiting; "
                    "1 skipped; 1 error")


def troubled_report() -> SyncReport:
    return SyncReport(
        calendar=SideCounts(created=2), crm=SideCounts(updated=1, deleted=1),
        conflicts=[ReportEntry("u1", "Pricing call", "changed on both sides", ["location"])],
        skipped=[ReportEntry("/cal/bad.ics", HTML_TITLE, "no DTSTART <i>at all</i>")],
        errors=[ReportEntry("crm:7", "Visit Initech", "the CRM refused: access denied")],
        requests={"calendar": 3, "crm": 2}, seconds=1.5)


def seed_reports(profile: Profile, *reports: SyncReport) -> list[str]:
    """Store reports oldest first; returns their finished times, newest first."""
    store = Store(profile.store_path)
    try:
        for report in reports:
            store.add_report(report.to_json())
        return [when for when, _ in store.reports(len(reports))]
    finally:
        store.close()


def open_history(qtbot: QtBot, window: MainWindow, rows: int) -> HistoryDialog:
    window.history_action.trigger()
    dialog = window.findChild(HistoryDialog)
    assert dialog is not None and dialog.isVisible()
    qtbot.waitUntil(lambda: dialog.list.topLevelItemCount() == rows
                    and dialog.intro.text() != "Loading\u2026", timeout=WAIT_MS)
    return dialog


def test_history_is_empty_before_the_first_sync(qtbot: QtBot, window: MainWindow) -> None:
    dialog = open_history(qtbot, window, 0)
    assert dialog.intro.text() == EMPTY
    assert dialog.split.isHidden()


def test_history_lists_stored_reports_newest_first_with_details(
        qtbot: QtBot, service: AppService, profile: Profile) -> None:
    quiet = SyncReport(requests={"calendar": 1, "crm": 1}, seconds=0.4)
    finished = seed_reports(profile, quiet, troubled_report())
    window = MainWindow(service)
    qtbot.addWidget(window)
    window.show()
    wait_loaded(qtbot, window)

    dialog = open_history(qtbot, window, 2)
    top, older = dialog.list.topLevelItem(0), dialog.list.topLevelItem(1)
    assert top.text(0) == when_text(datetime.fromisoformat(finished[0]))
    assert top.text(1) == TROUBLED_SUMMARY
    assert (top.text(2), top.text(3)) == ("2 created", "1 updated, 1 deleted")
    assert (older.text(1), older.text(2)) == ("no changes", "no changes")
    assert dialog.issues.rows() == [
        ("Conflicts (1)", "Pricing call", "changed on both sides (location)"),
        ("Skipped (1)", HTML_TITLE, "no DTSTART <i>at all</i>"),
        ("Errors (1)", "Visit Initech", "the CRM refused: access denied")]
    assert dialog.detail.text() == (
        f"{top.text(0)}: {TROUBLED_SUMMARY}. Took 1.5 s and 5 server requests.")

    dialog.list.setCurrentItem(older)
    assert dialog.issues.isHidden() and dialog.detail.text().endswith("No issues.")
    window.close()


def test_sync_issues_survive_a_restart(qtbot: QtBot, service: AppService,
                                       profile: Profile) -> None:
    seed_reports(profile, troubled_report())
    window = MainWindow(service)                      # a fresh start: nothing in memory
    qtbot.addWidget(window)
    window.show()
    wait_loaded(qtbot, window)
    bar = window.status_bar
    qtbot.waitUntil(lambda: bar.issues_button.isVisible(), timeout=WAIT_MS)
    assert bar.issues_button.text() == "Sync issues (2)"

    dialog = window.open_conflicts()
    assert dialog.issues_box.isVisibleTo(dialog)
    assert dialog.issues.rows() == [
        ("Skipped (1)", HTML_TITLE, "no DTSTART <i>at all</i>"),
        ("Errors (1)", "Visit Initech", "the CRM refused: access denied")]
    dialog.reject()
    window.close()


def test_issues_dialog_reads_the_last_report_itself(qtbot: QtBot, service: AppService,
                                                    profile: Profile) -> None:
    seed_reports(profile, troubled_report())
    dialog = ConflictsDialog(service)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: len(dialog.issues.rows()) == 2, timeout=WAIT_MS)
    assert dialog.issues.topLevelItem(1).child(0).text(1) == "the CRM refused: access denied"


@pytest.mark.integration
def test_history_lists_the_last_sync(qtbot: QtBot, synced_window: MainWindow,
                                     service: AppService, caldav: Any) -> None:
    uid = put_event(caldav, "Quarterly review")
    synchronize(qtbot, synced_window)
    service.share(key_of(service, uid))
    report = synchronize(qtbot, synced_window)

    dialog = open_history(qtbot, synced_window, 2)
    top = dialog.list.topLevelItem(0)
    assert top.text(1) == summary_text(report) and top.text(3) == "1 created"
    assert dialog.detail.text().startswith(top.text(0) + ": " + summary_text(report))
    assert dialog.list.currentItem() is top

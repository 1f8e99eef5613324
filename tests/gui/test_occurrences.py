"""Rule 17 on screen: the real week view draws a series' moved occurrence at
its own time, with its own title, and not at the time it was moved from;
selecting it shows the occurrence, and sharing it shares its series."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt
from pytestqt.qtbot import QtBot

from crmdesk.model import Origin
from crmdesk.model.activity import normalize_fields
from crmdesk.service import AppService
from crmdesk.service_types import ShareState
from crmdesk.settings import Profile
from crmdesk.settings.zone import rep_zone
from crmdesk.ui.calendar.weekview import WeekView
from crmdesk.ui.mainwindow import MainWindow
from tests.gui.conftest import WAIT_MS
from tests.unit.test_occurrence_views import put, series_item

pytestmark = pytest.mark.gui


def seed_moved_standup(service: AppService, profile: Profile) -> tuple[str, str]:
    """A daily stand-up this week whose Wednesday moved to Thursday 15:00;
    returns the keys of the series and of the moved occurrence."""
    zone = rep_zone(service.settings.sync.time_zone)
    monday = datetime.now(zone).date() - timedelta(days=datetime.now(zone).weekday())
    first = datetime.combine(monday, time(9), zone)
    series = series_item("Stand-up", first, "FREQ=DAILY;COUNT=5", {
        first + timedelta(days=2): (first + timedelta(days=3, hours=6), "Stand-up with Acme")})
    put(profile, series)
    return f"n:{series.href}", f"n:{series.overrides[0].href}"


def placed(view: WeekView) -> list[tuple[str, int, int, str]]:
    """(key, day, minutes from midnight, title) of every timed box drawn."""
    return sorted((seg.item.key, seg.day, int(seg.top), seg.item.title)
                  for seg in view._segments)


def test_rule_17_the_week_view_draws_the_moved_occurrence_at_its_own_time(
        qtbot: QtBot, window: MainWindow, service: AppService, profile: Profile) -> None:
    series, moved = seed_moved_standup(service, profile)
    window.refresh()
    view = window.calendar.week_view
    qtbot.waitUntil(lambda: moved in view.keys(), timeout=WAIT_MS)

    assert placed(view) == sorted(
        [(series, day, 9 * 60, "Stand-up") for day in (0, 1, 3, 4)]
        + [(moved, 3, 15 * 60, "Stand-up with Acme")])
    assert all(seg.item.repeating for seg in view._segments)   # drawn with the ↻ mark
    # the box sits in Thursday's column, below the 09:00 one of the series
    rect, thursday = view.box_rect(moved), view.box_rect(series)
    assert rect is not None and thursday is not None
    assert view.grab().width() > 0                               # paints without error


def test_rule_17_selecting_and_sharing_a_moved_occurrence(
        qtbot: QtBot, window: MainWindow, service: AppService, profile: Profile) -> None:
    series, moved = seed_moved_standup(service, profile)
    window.refresh()
    view = window.calendar.week_view
    qtbot.waitUntil(lambda: moved in view.keys(), timeout=WAIT_MS)
    view.select(moved)                                   # scrolls it into view
    rect = view.box_rect(moved)
    assert rect is not None
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                     pos=QPoint(int(rect.center().x()), int(rect.center().y())))
    qtbot.waitUntil(lambda: window.share_bar.item() is not None
                    and window.share_bar.item().key == moved, timeout=WAIT_MS)

    assert window.form.title_label.text() == "Stand-up with Acme"
    assert "15:00" in window.form.when_label.text()
    wednesday = datetime.now(rep_zone(service.settings.sync.time_zone)).date() \
        - timedelta(days=datetime.now(rep_zone(service.settings.sync.time_zone)).weekday() - 2)
    assert window.form.repeat_label.text() == \
        f"Every day, 5 times; this occurrence was moved from {wednesday:%a %d %b %Y} 09:00"
    assert window.share_bar.share_button.isVisible()

    qtbot.mouseClick(window.share_bar.share_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: window.share_bar.item().share_state is ShareState.PENDING,
                    timeout=WAIT_MS)
    assert service.item(series).share_state is ShareState.PENDING
    qtbot.waitUntil(lambda: {seg.item.share_state for seg in view._segments}
                    == {ShareState.PENDING}, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: window.activities.tree.topLevelItemCount() == 1, timeout=WAIT_MS)
    assert window.activities.tree.topLevelItem(0).text(0) == "\u21bb\u00a0Stand-up"


def test_rule_17_the_activities_list_shows_the_occurrence_s_own_activity(
        qtbot: QtBot, window: MainWindow, service: AppService, profile: Profile) -> None:
    series, moved = seed_moved_standup(service, profile)
    service.share(series)
    # as a sync leaves it: the occurrence has its own proxy at its pseudo-href
    service.store.add_proxy(origin=Origin.CALENDAR, uid=service.item(series).uid,
                            href=moved.removeprefix("n:"), local=normalize_fields(
                                {"account": None, "opportunity": None, "contacts": ()}))
    window.refresh()
    tree = window.activities.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() == 2, timeout=WAIT_MS)
    rows = [(tree.topLevelItem(i).text(0), tree.topLevelItem(i).text(1)) for i in range(2)]
    assert [title for title, _ in rows] == ["\u21bb\u00a0Stand-up",
                                            "\u21bb\u00a0Stand-up with Acme"]
    assert rows[1][1].startswith("Thu") and rows[1][1].endswith("15:00\u201316:00")
    window.tabs.setCurrentIndex(2)
    tree.setCurrentItem(tree.topLevelItem(1))
    qtbot.waitUntil(lambda: window.form.title_label.text() == "Stand-up with Acme",
                    timeout=WAIT_MS)

"""Rule 17 in the views: a series' moved or changed occurrence is a row of its
own, at its own time and with its own title, and the series leaves the
occurrence it replaces out; the occurrence is shared exactly when its series is.

The series are put into a real Store as a sync leaves them (a series row
carrying `overrides`, see store/mirror.py) and read back through AppService.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest

from crmdesk.model import NativeItem, Origin, Reference
from crmdesk.model.activity import normalize_fields
from crmdesk.model.occurrence import occurrence_href
from crmdesk.model.recurrence import NativeSeries, Start
from crmdesk.service import AppService
from crmdesk.service_types import ItemView, ShareState
from crmdesk.settings import Profile
from crmdesk.store import Store

CPH = ZoneInfo("Europe/Copenhagen")
MONDAY = date(2026, 11, 23)


def series_item(title: str, first: Start, rrule: str,
                moved: dict[Start, tuple[Start, str]], hours: int = 1,
                uid: str = "standup@phone.test") -> NativeItem:
    """A series starting at `first` whose occurrences at the keys of `moved`
    (RECURRENCE-IDs) moved to (new start, new title), as pim.ical parses it."""
    href = f"/alice/calendar/{uid}.ics"
    length = timedelta(days=1) if not isinstance(first, datetime) else timedelta(hours=hours)
    overrides = tuple(
        NativeItem(href=occurrence_href(href, rid), etag='"1"', uid=uid, component="VEVENT",
                   fields=_fields(new_title, start, length), raw="", parent=href,
                   recurrence_id=rid)
        for rid, (start, new_title) in moved.items())
    return NativeItem(href=href, etag='"1"', uid=uid, component="VEVENT",
                      fields=_fields(title, first, length), raw="BEGIN:VCALENDAR...",
                      recurrence=NativeSeries(first, rrule, overridden=tuple(moved)),
                      overrides=overrides)


def _fields(title: str, start: Start, length: timedelta) -> dict:
    if not isinstance(start, datetime):
        begin = datetime.combine(start, time(0), timezone.utc)
        return normalize_fields({"description": title, "planned_start": begin,
                                 "planned_end": begin + length, "all_day": True})
    return normalize_fields({"description": title, "planned_start": start,
                             "planned_end": start + length})


def put(profile: Profile, *items: NativeItem) -> None:
    store = Store(profile.store_path)
    try:
        store.mirror_put(list(items))
    finally:
        store.close()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[AppService]:
    service = AppService(Profile.at(tmp_path / "profile"))
    service.settings.sync.time_zone = "Europe/Copenhagen"
    yield service
    service.close()


def week_of(app: AppService, monday: date = MONDAY) -> list[ItemView]:
    start = datetime.combine(monday, time(0), CPH)
    return app.week(start, start + timedelta(days=7))


def local_times(rows: list[ItemView]) -> list[tuple[date, int, int]]:
    return [(r.start.astimezone(CPH).date(), r.start.astimezone(CPH).hour,
             r.end.astimezone(CPH).hour) for r in rows]


def test_rule_17_the_week_shows_a_moved_occurrence_at_its_own_time_not_at_the_old(
        app: AppService) -> None:
    first = datetime.combine(MONDAY, time(9), CPH)
    wednesday, thursday = first + timedelta(days=2), first + timedelta(days=3)
    # the RECURRENCE-ID as the store gives it back: the instant, in UTC
    rid = wednesday.astimezone(timezone.utc)
    series = series_item("Stand-up", first, "FREQ=DAILY;COUNT=5",
                         {rid: (thursday.replace(hour=15), "Stand-up with Acme")})
    put(app.profile, series)

    rows = week_of(app)

    assert [(r.title, *t) for r, t in zip(rows, local_times(rows))] == [
        ("Stand-up", MONDAY, 9, 10), ("Stand-up", MONDAY + timedelta(days=1), 9, 10),
        ("Stand-up", MONDAY + timedelta(days=3), 9, 10),
        ("Stand-up with Acme", MONDAY + timedelta(days=3), 15, 16),
        ("Stand-up", MONDAY + timedelta(days=4), 9, 10)]
    assert all(r.repeating and r.rrule == "FREQ=DAILY;COUNT=5" for r in rows)
    moved = rows[3]
    assert moved.key == f"n:{series.href}#{wednesday.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}"
    assert {r.key for r in rows if r is not moved} == {f"n:{series.href}"}


def test_rule_17_an_occurrence_moved_to_another_week_leaves_a_gap_here_only(
        app: AppService) -> None:
    first = datetime.combine(MONDAY, time(9), CPH)
    rid = first + timedelta(weeks=1)                  # zoned, as written
    series = series_item("Weekly review", first, "FREQ=WEEKLY;COUNT=3",
                         {rid: (first + timedelta(weeks=2, days=2), "Weekly review (moved)")})
    put(app.profile, series)

    assert [r.title for r in week_of(app, MONDAY + timedelta(weeks=1))] == []
    later = week_of(app, MONDAY + timedelta(weeks=2))
    assert [(r.title, r.start.astimezone(CPH).weekday()) for r in later] == [
        ("Weekly review", 0), ("Weekly review (moved)", 2)]


def test_rule_17_floating_and_all_day_series_skip_their_moved_occurrences(
        app: AppService) -> None:
    floating = datetime.combine(MONDAY, time(8))      # read in the rep's zone
    put(app.profile,
        series_item("Gym", floating, "FREQ=DAILY;COUNT=3",
                    {floating + timedelta(days=1): (
                        datetime.combine(MONDAY + timedelta(days=1), time(18), CPH),
                        "Gym (evening)")}, uid="gym@phone.test"),
        series_item("Office day", MONDAY, "FREQ=DAILY;COUNT=3",
                    {MONDAY + timedelta(days=2): (MONDAY + timedelta(days=4), "Office day")},
                    uid="office@phone.test"))

    rows = week_of(app)

    gym = [(r.title, *t) for r, t in zip(rows, local_times(rows)) if "Gym" in r.title]
    assert gym == [("Gym", MONDAY, 8, 9), ("Gym (evening)", MONDAY + timedelta(days=1), 18, 19),
                   ("Gym", MONDAY + timedelta(days=2), 8, 9)]
    office = [r.start.astimezone(timezone.utc).date() for r in rows if r.all_day]
    assert office == [MONDAY, MONDAY + timedelta(days=1), MONDAY + timedelta(days=4)]


def moved_standup(app: AppService) -> tuple[NativeItem, str]:
    first = datetime.combine(MONDAY, time(9), CPH)
    series = series_item("Stand-up", first, "FREQ=DAILY;COUNT=5",
                         {first + timedelta(days=2): (first + timedelta(days=2, hours=5),
                                                      "Stand-up (afternoon)")})
    put(app.profile, series)
    return series, f"n:{series.overrides[0].href}"


def test_rule_17_an_occurrence_is_shared_exactly_when_its_series_is(app: AppService) -> None:
    series, key = moved_standup(app)
    item = app.item(key)
    assert item is not None and item.title == "Stand-up (afternoon)"
    assert item.start.astimezone(CPH).hour == 14 and item.repeating
    assert item.rrule == "FREQ=DAILY;COUNT=5" and item.share_state is ShareState.NOT_SHARED

    shared = app.share(key)                           # shares the series

    assert shared.key == key and shared.share_state is ShareState.PENDING
    assert app.store.proxy_by_href(series.href) is not None
    assert app.store.proxy_by_href(series.overrides[0].href) is None
    assert app.item(f"n:{series.href}").share_state is ShareState.PENDING
    assert {r.share_state for r in week_of(app)} == {ShareState.PENDING}

    unshared = app.unshare(key)                       # never uploaded: the share goes

    assert unshared.share_state is ShareState.NOT_SHARED
    assert app.store.proxy_by_href(series.href) is None


def test_rule_17_an_occurrence_with_its_own_proxy_shows_its_own_links(
        app: AppService) -> None:
    series, key = moved_standup(app)
    app.share(f"n:{series.href}")
    occurrence = series.overrides[0]
    app.store.replace_refs([Reference("account", 41, "Acme Logistics")])
    app.store.add_proxy(origin=Origin.CALENDAR, uid=series.uid, href=occurrence.href,
                        local=normalize_fields({"account": 41, "opportunity": None,
                                                "contacts": ()}))

    item = app.item(key)
    assert item is not None and item.account is not None
    assert item.account.name == "Acme Logistics"
    assert item.title == "Stand-up (afternoon)" and item.share_state is ShareState.PENDING
    assert app.item(f"n:{series.href}").account is None

    # the Activities list: the occurrence's own row, at its own time
    rows = app.activities()
    assert [(r.title, r.key) for r in rows] == [("Stand-up", f"n:{series.href}"),
                                               ("Stand-up (afternoon)", key)]
    assert rows[1].start.astimezone(CPH) == datetime.combine(MONDAY + timedelta(days=2),
                                                             time(14), CPH)
    # while the series is being unshared, so is its occurrence
    app.store.update_proxy(app.store.proxy_by_href(series.href).id, unshare=True)
    assert "unshared" in app.item(key).state_detail


def test_rule_17_a_series_moved_in_the_calendar_replaces_its_occurrence_rows(
        app: AppService) -> None:
    series, key = moved_standup(app)
    put(app.profile, replace(series, overrides=(),
                             recurrence=replace(series.recurrence, overridden=())))
    rows = week_of(app)
    assert app.item(key) is None
    assert [r.start.astimezone(CPH).hour for r in rows] == [9] * 5

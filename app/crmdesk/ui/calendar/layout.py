"""Where each entry of a week goes: pure geometry, no Qt, no painting.

Timed entries become one segment per local day (a meeting over midnight
shows on both days), side by side in lanes when they overlap; all-day
entries become bars in rows of the all-day strip.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable

from crmdesk.service_types import ItemView
from crmdesk.ui.look import all_day_dates, local

MIN_MINUTES = 20          # a 5-minute call is still big enough to click
DEFAULT_MINUTES = 30      # an entry with no end


@dataclass(frozen=True)
class Segment:
    """One day's part of a timed entry; minutes count from local midnight."""

    item: ItemView
    day: int
    top: float
    bottom: float
    lane: int = 0
    lanes: int = 1


@dataclass(frozen=True)
class Bar:
    """An all-day entry in the strip: days first..last (inclusive), one row."""

    item: ItemView
    first: int
    last: int
    row: int


def local_midnight(day: date) -> datetime:
    """The aware local instant a day starts (DST-correct per date)."""
    return datetime.combine(day, time(0)).astimezone()


def _segments(item: ItemView, week_start: date) -> Iterable[Segment]:
    assert item.start is not None
    start = local(item.start)
    end = local(item.end) if item.end is not None and item.end > item.start else \
        start + timedelta(minutes=DEFAULT_MINUTES)
    for day in range(7):
        day_start = local_midnight(week_start + timedelta(days=day))
        day_end = local_midnight(week_start + timedelta(days=day + 1))
        if end <= day_start or start >= day_end:
            continue
        top = max(start, day_start) - day_start
        bottom = min(end, day_end) - day_start
        top_min = top.total_seconds() / 60
        bottom_min = max(bottom.total_seconds() / 60, top_min + MIN_MINUTES)
        yield Segment(item, day, top_min, min(bottom_min, 24 * 60.0))


def _assign_lanes(segments: list[Segment]) -> list[Segment]:
    """Greedy lanes inside clusters of overlapping segments of one day."""
    placed: list[Segment] = []
    cluster: list[Segment] = []
    lane_ends: list[float] = []
    cluster_end = -1.0

    def flush() -> None:
        placed.extend(Segment(s.item, s.day, s.top, s.bottom, s.lane, len(lane_ends))
                      for s in cluster)

    for seg in sorted(segments, key=lambda s: (s.top, -s.bottom)):
        if cluster and seg.top >= cluster_end:
            flush()
            cluster, lane_ends = [], []
        lane = next((i for i, end in enumerate(lane_ends) if end <= seg.top), len(lane_ends))
        if lane == len(lane_ends):
            lane_ends.append(seg.bottom)
        else:
            lane_ends[lane] = seg.bottom
        cluster.append(Segment(seg.item, seg.day, seg.top, seg.bottom, lane))
        cluster_end = max(cluster_end, seg.bottom) if len(cluster) > 1 else seg.bottom
    if cluster:
        flush()
    return placed


def place_timed(items: Iterable[ItemView], week_start: date) -> list[Segment]:
    """Segments of every timed entry that falls in the week, with lanes."""
    by_day: dict[int, list[Segment]] = {}
    for item in items:
        if item.all_day or item.start is None:
            continue
        for seg in _segments(item, week_start):
            by_day.setdefault(seg.day, []).append(seg)
    return [seg for day in sorted(by_day) for seg in _assign_lanes(by_day[day])]


def place_all_day(items: Iterable[ItemView], week_start: date) -> list[Bar]:
    """Bars of the all-day strip; overlapping bars go to separate rows."""
    bars: list[Bar] = []
    row_ends: list[int] = []
    spans = []
    for item in items:
        dates = all_day_dates(item)
        if dates is None:
            continue
        first = max((dates[0] - week_start).days, 0)
        last = min((dates[1] - week_start).days - 1, 6)
        if first <= last:
            spans.append((first, last, item))
    for first, last, item in sorted(spans, key=lambda s: (s[0], -s[1])):
        row = next((i for i, end in enumerate(row_ends) if end < first), len(row_ends))
        if row == len(row_ends):
            row_ends.append(last)
        else:
            row_ends[row] = last
        bars.append(Bar(item, first, last, row))
    return bars

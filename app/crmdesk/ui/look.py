"""Shared presentation helpers: plain-text labels, share-state looks, times.

Server text (titles, locations, descriptions, error details) always goes
through `plain_label` or a painter, never through a rich-text path.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from crmdesk.service_types import ItemView, ShareState


def plain_label(text: str = "", parent: QWidget | None = None, *,
                wrap: bool = False, name: str = "") -> QLabel:
    """A QLabel that can never interpret its text as HTML."""
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setText(text)
    label.setWordWrap(wrap)
    if name:
        label.setObjectName(name)
    return label


@dataclass(frozen=True)
class StateLook:
    """How one share state is drawn: words, a glyph and two colours."""

    label: str
    glyph: str
    fill: QColor
    border: QColor


LOOKS: dict[ShareState, StateLook] = {
    ShareState.NOT_SHARED: StateLook("Not shared", "", QColor("#eef1f5"), QColor("#9aa5b1")),
    ShareState.PENDING: StateLook("Pending upload", "\u2191", QColor("#fff4d6"), QColor("#d49a12")),
    ShareState.SYNCED: StateLook("Shared \u00b7 synced", "\u2713", QColor("#dcf1e2"),
                                 QColor("#2f8a4f")),
    ShareState.CONFLICT: StateLook("Conflict", "\u26a0", QColor("#ffe3cc"), QColor("#d2600a")),
    ShareState.ERROR: StateLook("Error", "!", QColor("#fbdcdc"), QColor("#c02626")),
}


def look(state: ShareState) -> StateLook:
    return LOOKS.get(state, LOOKS[ShareState.NOT_SHARED])


def local(moment: datetime) -> datetime:
    """An aware instant in the machine's local zone (naive is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone()


def all_day_dates(item: ItemView) -> tuple[date, date] | None:
    """First day and day-after-last of an all-day item (dates are not shifted)."""
    if not item.all_day or item.start is None:
        return None
    first = item.start.date()
    last = item.end.date() if item.end is not None else first
    return first, max(last, first + timedelta(days=1))


def _day(value: date) -> str:
    return value.strftime("%a %d %b %Y")


def when_text(item: ItemView) -> str:
    """"Tue 12 May 2026, 09:00–10:30" in local time, or an all-day range."""
    span = all_day_dates(item)
    if span is not None:
        first, after = span
        if after - first <= timedelta(days=1):
            return f"{_day(first)} (all day)"
        return f"{_day(first)} \u2013 {_day(after - timedelta(days=1))} (all day)"
    if item.start is None:
        return "Due date not set" if item.component == "VTODO" else "No date"
    start = local(item.start)
    prefix = "Due " if item.component == "VTODO" else ""
    if item.end is None or item.end == item.start:
        return f"{prefix}{_day(start.date())}, {start:%H:%M}"
    end = local(item.end)
    if end.date() == start.date():
        return f"{prefix}{_day(start.date())}, {start:%H:%M}\u2013{end:%H:%M}"
    return f"{_day(start.date())} {start:%H:%M} \u2013 {_day(end.date())} {end:%H:%M}"


def kind_text(item: ItemView) -> str:
    """Meeting / To-do / Activity, for lists and the form."""
    if item.component == "VEVENT":
        return "Calendar entry"
    if item.component == "VTODO":
        return "To-do"
    return "Activity (CRM only)"


def state_text(item: ItemView) -> str:
    """The share state in words, with its detail when there is one."""
    words = look(item.share_state).label
    if item.state_detail and item.share_state in (ShareState.CONFLICT, ShareState.ERROR):
        return f"{words}: {item.state_detail}"
    return words

"""Shared presentation helpers: plain-text labels, share-state looks, times.

Server text (titles, locations, descriptions, error details) always goes
through `plain_label` or a painter, never through a rich-text path.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone
from typing import Iterable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from crmdesk.service_types import ItemView, ShareState

translate = QCoreApplication.translate
NO_TITLE = QT_TRANSLATE_NOOP("ItemText", "(no title)")


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
    """How one share state is drawn: words, a glyph and two colours.

    `LOOKS` holds the English label; `look()` hands out the translated one.
    """

    label: str
    glyph: str
    fill: QColor
    border: QColor


LOOKS: dict[ShareState, StateLook] = {
    ShareState.NOT_SHARED: StateLook(QT_TRANSLATE_NOOP("ShareState", "Not shared"), "",
                                     QColor("#eef1f5"), QColor("#9aa5b1")),
    ShareState.PENDING: StateLook(QT_TRANSLATE_NOOP("ShareState", "Pending upload"), "\u2191",
                                  QColor("#fff4d6"), QColor("#d49a12")),
    ShareState.SYNCED: StateLook(QT_TRANSLATE_NOOP("ShareState", "Shared \u00b7 synced"),
                                 "\u2713", QColor("#dcf1e2"), QColor("#2f8a4f")),
    ShareState.CONFLICT: StateLook(QT_TRANSLATE_NOOP("ShareState", "Conflict"), "\u26a0",
                                   QColor("#ffe3cc"), QColor("#d2600a")),
    ShareState.ERROR: StateLook(QT_TRANSLATE_NOOP("ShareState", "Error"), "!",
                                QColor("#fbdcdc"), QColor("#c02626")),
}


def look(state: ShareState) -> StateLook:
    """The state's look, its label in the rep's language."""
    found = LOOKS.get(state, LOOKS[ShareState.NOT_SHARED])
    return replace(found, label=translate("ShareState", found.label))


STATUS_WORDS = {"planned": QT_TRANSLATE_NOOP("ItemText", "Planned"),
                "done": QT_TRANSLATE_NOOP("ItemText", "Done"),
                "cancelled": QT_TRANSLATE_NOOP("ItemText", "Cancelled")}
PRIORITY_WORDS = {"high": QT_TRANSLATE_NOOP("ItemText", "High"),
                  "medium": QT_TRANSLATE_NOOP("ItemText", "Medium"),
                  "low": QT_TRANSLATE_NOOP("ItemText", "Low")}


# A field's name as plan lists, conflict tables and reports show it.
FIELD_NAMES = {"description": QT_TRANSLATE_NOOP("FieldName", "description"),
               "comment": QT_TRANSLATE_NOOP("FieldName", "comment"),
               "planned_start": QT_TRANSLATE_NOOP("FieldName", "planned start"),
               "planned_end": QT_TRANSLATE_NOOP("FieldName", "planned end"),
               "all_day": QT_TRANSLATE_NOOP("FieldName", "all day"),
               "status": QT_TRANSLATE_NOOP("FieldName", "status"),
               "priority": QT_TRANSLATE_NOOP("FieldName", "priority"),
               "location": QT_TRANSLATE_NOOP("FieldName", "location"),
               "type": QT_TRANSLATE_NOOP("FieldName", "type"),
               "display_in": QT_TRANSLATE_NOOP("FieldName", "display in"),
               "account": QT_TRANSLATE_NOOP("FieldName", "account"),
               "opportunity": QT_TRANSLATE_NOOP("FieldName", "opportunity"),
               "contacts": QT_TRANSLATE_NOOP("FieldName", "contacts")}


def field_name(name: str) -> str:
    """"planned start" for planned_start, in the rep's language."""
    word = FIELD_NAMES.get(name)
    return translate("FieldName", word) if word else name.replace("_", " ")


def field_names(names: Iterable[str]) -> str:
    """"location, planned start": a list of fields in words."""
    return ", ".join(field_name(name) for name in names)


def status_word(value: str) -> str:
    """"Planned", "Done"… for a model status value (unknown ones capitalized)."""
    word = STATUS_WORDS.get(value.lower())
    return translate("ItemText", word) if word else value.capitalize()


def priority_word(value: str) -> str:
    """"High", "Medium", "Low" for a model priority value."""
    word = PRIORITY_WORDS.get(value.lower())
    return translate("ItemText", word) if word else value.capitalize()


def title_text(title: str) -> str:
    """A server's title, or "(no title)" in the rep's language when it has none."""
    return title or translate("ItemText", NO_TITLE)


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
            return translate("ItemText", "{day} (all day)").format(day=_day(first))
        return translate("ItemText", "{first} \u2013 {last} (all day)").format(
            first=_day(first), last=_day(after - timedelta(days=1)))
    todo = item.component == "VTODO"
    if item.start is None:
        return translate("ItemText", "Due date not set") if todo \
            else translate("ItemText", "No date")
    start = local(item.start)
    if item.end is None or item.end == item.start:
        when = f"{_day(start.date())}, {start:%H:%M}"
    elif (end := local(item.end)).date() == start.date():
        when = f"{_day(start.date())}, {start:%H:%M}\u2013{end:%H:%M}"
    else:
        return f"{_day(start.date())} {start:%H:%M} \u2013 {_day(end.date())} {end:%H:%M}"
    return translate("ItemText", "Due {when}").format(when=when) if todo else when


def moment_text(value: date | datetime) -> str:
    """"Mon 16 Nov 2026 15:00" in local time; a date alone; a floating time as written."""
    if not isinstance(value, datetime):
        return _day(value)
    shown = local(value) if value.tzinfo is not None else value
    return f"{_day(shown.date())} {shown:%H:%M}"


def kind_text(item: ItemView) -> str:
    """Meeting / To-do / Activity, for lists and the form."""
    if item.component == "VEVENT":
        return translate("ItemText", "Calendar entry")
    if item.component == "VTODO":
        return translate("ItemText", "To-do")
    return translate("ItemText", "Activity (CRM only)")


def state_text(item: ItemView) -> str:
    """The share state in words, with its detail when there is one."""
    words = look(item.share_state).label
    if item.state_detail and item.share_state in (ShareState.CONFLICT, ShareState.ERROR):
        return translate("ItemText", "{state}: {detail}").format(state=words,
                                                                 detail=item.state_detail)
    return words

"""What a calendar object must pass before pim/ical.py reads it (issue 8).

Servers and other clients can store anything: bytes that aren't UTF-8, a
local file's path, megabytes of text, 10,000 attendees, several masters of
one UID, a rule that repeats every second.  Each check raises InvalidItem
with the reason in words, so the sync skips that one item and goes on.  The
budgets bound icalendar's parse time, which grows with lines, list values
(CATEGORIES:a,b,…) and parameters: the worst object found that passes
(20,000 lines, each with a TZID) parses in 0.6-0.8 s here, a 10,000-attendee
or 5 MB object is refused in milliseconds.  A parse also never sees another
object's time zones (`parse_alone`).
"""

from __future__ import annotations

import re
import threading
from typing import Any

from icalendar import Calendar, Component
from icalendar.prop import vRecur
from icalendar.timezone import tzp

from crmdesk.errors import InvalidItem

# Real items stay far below: a series with 100 changed occurrences is
# ~5,000 lines; one past a budget is skipped, never half-read.
MAX_OBJECT_CHARS = 2_000_000        # the whole object (managed attachments are URLs)
MAX_LINES = 20_000                  # content lines, after unfolding
MAX_ATTENDEES = 5_000               # ATTENDEE lines, all components together
MAX_LIST_CHARS = 100_000            # all list-valued lines together (~5,000 EXDATEs)
MAX_PARAM_CHARS = 500_000           # all parameter sections together
# A CRM holds daily, weekly, monthly and yearly patterns only (rule 16);
# an open-ended sub-daily rule is also what would make an expansion hang.
_SUB_DAILY = {"SECONDLY", "MINUTELY", "HOURLY"}
_LIST_PROPS = {"CATEGORIES", "EXDATE", "RDATE", "RRULE", "EXRULE", "FREEBUSY"}
_COMPONENT_ONLY = {"DTSTART", "DTEND", "DUE", "DURATION", "RRULE", "RDATE", "EXDATE",
                   "EXRULE", "RECURRENCE-ID", "DTSTAMP", "ATTENDEE", "ORGANIZER"}
# Unfold and split exactly as icalendar's parser does (blank lines inside a
# fold vanish), so that what is counted and checked is what it will read.
_FOLD = re.compile(r"(?:(?<!\n)\r\n|(?<![\r\n])\n)(?:\r?\n)*[ \t]")
_NEWLINE = re.compile(r"\r?\n")
_FOLD_BYTES = re.compile(rb"\r?\n[ \t]")
_NAME_END = re.compile(r"[;:]")
_COMPONENT_NAME = re.compile(r"[A-Za-z0-9-]+")
_ZONES = threading.Lock()     # icalendar's zone cache is process-wide


def parse_alone(raw: str) -> Any:
    """Parse `raw` reading only its own VTIMEZONEs.

    icalendar caches the first definition of a custom TZID for the whole
    process, so one object's zone would move another object's meetings
    (rule 6); start and end each parse with an empty cache.
    """
    with _ZONES:
        tzp.use(tzp.name)
        try:
            return Calendar.from_ical(raw)
        finally:
            tzp.use(tzp.name)


def decoded(raw: str | bytes) -> str:
    """`raw` as text; InvalidItem for bytes that aren't UTF-8 or text with
    lone surrogates (SQLite and the servers could not store it)."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raw = _utf8_unfolded(raw)
    if not isinstance(raw, str):
        raise InvalidItem("", "not iCalendar data")
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidItem("", f"not UTF-8 text (a lone surrogate at offset {exc.start})") \
            from None
    return raw


def _utf8_unfolded(raw: bytes) -> str:
    """RFC 5545 3.1: a fold may split a multi-octet character; unfold, then decode."""
    try:
        return _FOLD_BYTES.sub(b"", raw).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidItem("", f"not UTF-8 text (byte {exc.object[exc.start]:#04x} at "
                              f"offset {exc.start})") from None


def check_text(raw: str) -> None:
    """Cheap checks before the parser sees `raw`."""
    if "\n" not in raw and "\r" not in raw:
        # icalendar reads a one-line string that names an existing file as that
        # file: a server must never make crmdesk read (and write back) local files.
        raise InvalidItem("", "not iCalendar data (a single line)")
    if "\x00" in raw:
        raise InvalidItem("", "contains NUL characters")
    if "\r" in raw.replace("\r\n", ""):
        raise InvalidItem("", "a carriage return inside a line")
    if len(raw) > MAX_OBJECT_CHARS:
        raise InvalidItem("", f"too large ({len(raw) / 1e6:.1f} MB; crmdesk reads objects "
                              f"up to {MAX_OBJECT_CHARS / 1e6:.0f} MB)")
    _check_lines([line for line in _NEWLINE.split(_FOLD.sub("", raw)) if line])


def _check_lines(lines: list[str]) -> None:
    """Count what icalendar's parse time grows with, before it starts."""
    if len(lines) > MAX_LINES:
        raise InvalidItem("", f"has {len(lines)} lines (crmdesk reads at most {MAX_LINES})")
    attendees = lists = params = 0
    for line in lines:
        end = _NAME_END.search(line)
        name = (line[:end.start()] if end else line).upper()
        attendees += name == "ATTENDEE"
        if name in ("BEGIN", "END") and not _COMPONENT_NAME.fullmatch(line[len(name) + 1:]):
            # icalendar closes the open component whatever END names, and only
            # reads a zone ended by an exact END:VTIMEZONE: meanings would shift
            raise InvalidItem("", f"a garbled {name} line ({_short(line)[:60]!r})")
        lists += len(line) if name in _LIST_PROPS else 0
        if end is not None and end.group() == ";":
            colon = line.find(":", end.start())
            params += (colon if colon >= 0 else len(line)) - end.start()
    for count, limit, what in ((attendees, MAX_ATTENDEES, "attendees"),
                               (lists, MAX_LIST_CHARS, "characters of list values"),
                               (params, MAX_PARAM_CHARS, "characters of parameters")):
        if count > limit:
            raise InvalidItem("", f"has {count} {what} (crmdesk reads at most {limit})")


def check_calendar(cal: Component) -> None:
    """Properties of an event or to-do at the top: a BEGIN or END line is
    missing, and where they sit would change how the object's zones read."""
    stray = sorted(name for name in cal if name in _COMPONENT_ONLY)
    if stray:
        raise InvalidItem("", f"{', '.join(stray)} outside any VEVENT or VTODO "
                              "(a BEGIN or END line is missing)")


def check_components(comps: list[Component], masters: list[Component]) -> None:
    """The VEVENTs/VTODOs of one object (`masters`: those without RECURRENCE-ID)."""
    if len(masters) > 1:
        raise InvalidItem("", f"{len(masters)} {masters[0].name}s share one UID and none "
                              "is a changed occurrence (RECURRENCE-ID)")
    for comp in comps:
        check_component(comp)


def check_component(comp: Component) -> None:
    """What icalendar tolerates but crmdesk must not read or write back."""
    for name, error in comp.errors:
        if name is None:       # a whole line was dropped: a patch would lose it
            raise InvalidItem("", f"a line can't be read ({_short(str(error))})")
    uid = comp.get("UID")
    if isinstance(uid, str) and any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in uid):
        raise InvalidItem("", "the UID holds control characters")   # it would not round-trip
    rule = comp.get("RRULE")
    if rule is None:
        return
    if isinstance(rule, list):
        raise InvalidItem("", "RRULE appears more than once")
    if not isinstance(rule, vRecur):
        raise InvalidItem("", "RRULE can't be read")
    freq = [str(f).upper() for f in rule.get("FREQ", [])]
    if not freq:                  # written back as an empty "RRULE:" otherwise
        raise InvalidItem("", "RRULE without FREQ")
    if freq[0] in _SUB_DAILY:
        raise InvalidItem("", f"repeats more often than daily (FREQ={freq[0]}); the CRM "
                              "holds daily, weekly, monthly and yearly series only")
    for part in ("BYSECOND", "BYMINUTE", "BYHOUR"):
        if len(rule.get(part, [])) > 1:
            raise InvalidItem("", f"repeats several times a day ({part}); the CRM holds "
                                  "daily, weekly, monthly and yearly series only")


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 160 else text[:157] + "..."

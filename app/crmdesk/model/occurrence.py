"""Overridden occurrences of a series (rule 17): their keys and instants.

A moved or changed occurrence is an item of its own: in the mirror at the
pseudo-href `<series href>#<key>`, in the CRM as an activity whose `series`
is the series' activity and whose `recurrence_id` is the UTC instant of the
occurrence it replaces.  The key is the RECURRENCE-ID in one text form:
`YYYYMMDD` for a date, `YYYYMMDDTHHMMSSZ` for a zoned time (in UTC), and
`YYYYMMDDTHHMMSS` for a floating time.
"""

from __future__ import annotations

from datetime import datetime, time, timezone, tzinfo

from crmdesk.model.recurrence import Start

UTC = timezone.utc
SEPARATOR = "#"


def rid_key(rid: Start) -> str:
    """The text form of a RECURRENCE-ID value."""
    if isinstance(rid, datetime):
        if rid.tzinfo is None:
            return rid.strftime("%Y%m%dT%H%M%S")
        return rid.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return rid.strftime("%Y%m%d")


def rid_from_key(key: str) -> Start:
    """Inverse of rid_key (ValueError on anything else)."""
    if len(key) == 8:
        return datetime.strptime(key, "%Y%m%d").date()
    if key.endswith("Z"):
        return datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    return datetime.strptime(key, "%Y%m%dT%H%M%S")


def occurrence_href(parent: str, rid: Start) -> str:
    return f"{parent}{SEPARATOR}{rid_key(rid)}"


def split_occurrence(href: str | None) -> tuple[str, str] | None:
    """(series href, key) of an occurrence's pseudo-href; None for a real href."""
    if not href or SEPARATOR not in href:
        return None
    parent, _, key = href.rpartition(SEPARATOR)
    return parent, key


def rid_instant(rid: Start, zone: tzinfo) -> datetime:
    """The UTC instant the CRM keeps as recurrence_id: a date is 00:00 UTC
    (rule 6), a floating time is read in the rep's zone."""
    if isinstance(rid, datetime):
        aware = rid if rid.tzinfo is not None else rid.replace(tzinfo=zone)
        return aware.astimezone(UTC).replace(microsecond=0)
    return datetime.combine(rid, time(0), UTC)


def rid_for_series(instant: datetime, dtstart: Start, zone: tzinfo) -> Start:
    """The CRM's recurrence_id as a RECURRENCE-ID of the series that starts at
    `dtstart`: a date, a time in DTSTART's zone, or a floating time."""
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=UTC)
    if not isinstance(dtstart, datetime):
        return instant.astimezone(UTC).date()
    if dtstart.tzinfo is None:
        return instant.astimezone(zone).replace(tzinfo=None)
    return instant.astimezone(dtstart.tzinfo)


def crm_instant(value: object) -> datetime | None:
    """The CRM's recurrence_id (ISO text or a datetime, naive = UTC) as an
    aware UTC instant; None when there is none."""
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)

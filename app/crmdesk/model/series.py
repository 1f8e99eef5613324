"""Series as the engine handles them: stored forms and what each side writes.

A native item's series (`NativeSeries`: DTSTART as written, RRULE text,
EXDATEs, RDATEs) is kept in the mirror as JSON; the CRM's (`CrmRepeat`) is
the activity field "repeat".  `SeriesWrite` is what a calendar write puts in
the item: a new RRULE and EXDATE list, or only new EXDATEs under the RRULE
the rep wrote (when the CRM can't hold it whole, rule 16), or no series.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timezone, tzinfo
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crmdesk.model.recurrence import (NO_REPEAT_EXTRA, CrmRepeat, NativeSeries, RepeatType,
                                      Start, crm_to_native, native_exdates, native_to_crm)

UTC = timezone.utc


@dataclass(frozen=True)
class SeriesWrite:
    """The series part of a calendar write.

    rrule None keeps the item's RRULE (and only `exdates` change); "" removes
    the series (RRULE and EXDATE); anything else replaces both.  `tzid` names
    the zone a new item's DTSTART is written in ("" for UTC or all-day).
    """

    rrule: str | None
    exdates: tuple[Start, ...] = ()
    tzid: str = ""


NO_SERIES = SeriesWrite(rrule="")


# -- stored forms --------------------------------------------------------------

def start_to_json(value: Start) -> dict[str, str]:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return {"floating": value.isoformat()}
        key = getattr(value.tzinfo, "key", "")
        if key:
            return {"at": value.replace(tzinfo=None).isoformat(), "tz": key}
        return {"utc": value.astimezone(UTC).replace(tzinfo=None).isoformat()}
    return {"date": value.isoformat()}


def start_from_json(data: Mapping[str, str]) -> Start:
    if "date" in data:
        return date.fromisoformat(data["date"])
    if "floating" in data:
        return datetime.fromisoformat(data["floating"])
    if "utc" in data:
        return datetime.fromisoformat(data["utc"]).replace(tzinfo=UTC)
    return datetime.fromisoformat(data["at"]).replace(tzinfo=zone_named(data["tz"]))


def zone_named(name: str) -> tzinfo:
    """The IANA zone `name`, UTC for "" or "UTC"."""
    if name in ("", "UTC", "Etc/UTC"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def series_to_json(series: NativeSeries | None) -> str:
    if series is None:
        return ""
    rrule = series.rrule if isinstance(series.rrule, str) or series.rrule is None else None
    return json.dumps({"dtstart": start_to_json(series.dtstart), "rrule": rrule or "",
                       "exdates": [start_to_json(d) for d in series.exdates],
                       "rdates": [start_to_json(d) for d in series.rdates],
                       "overridden": [start_to_json(d) for d in series.overridden]})


def series_from_json(text: str) -> NativeSeries | None:
    if not text:
        return None
    data = json.loads(text)
    return NativeSeries(dtstart=start_from_json(data["dtstart"]), rrule=data["rrule"] or None,
                        exdates=tuple(start_from_json(d) for d in data["exdates"]),
                        rdates=tuple(start_from_json(d) for d in data["rdates"]),
                        overridden=tuple(start_from_json(d)
                                         for d in data.get("overridden", ())))


def repeat_to_json(repeat: CrmRepeat | None) -> dict[str, Any] | None:
    if repeat is None:
        return None
    return {"type": str(repeat.type),
            "expires": repeat.expires.isoformat() if repeat.expires else None,
            "exceptions": [d.isoformat() for d in repeat.exceptions]}


def repeat_from_value(value: Any) -> CrmRepeat | None:
    """The normal form of the "repeat" field (None, a CrmRepeat or its JSON)."""
    if value is None or value is False or value == {}:
        return None
    if isinstance(value, CrmRepeat):
        return value
    if isinstance(value, Mapping):
        expires = value.get("expires")
        return CrmRepeat(RepeatType(value["type"]),
                         date.fromisoformat(expires) if isinstance(expires, str) else expires,
                         tuple(d if isinstance(d, date) else date.fromisoformat(d)
                               for d in value.get("exceptions") or ()))
    raise TypeError(f"not a series: {value!r}")


# -- the engine's view -----------------------------------------------------------

@dataclass(frozen=True)
class NativeView:
    """What the CRM would hold of a native series, and whether it holds it whole."""

    repeat: CrmRepeat | None
    holdable: bool          # False: the CRM can't hold the pattern at all
    exact: bool             # False: held up to `capped_at`, the native goes on
    capped_at: date | None = None
    reason: str = ""


def view_native(series: NativeSeries, zone: tzinfo, today: date,
                future_days: int) -> NativeView:
    if series.zone is None:
        series = replace(series, zone=zone)
    mapping = native_to_crm(series, today=today, future_days=future_days,
                            overridden=series.overridden)
    return NativeView(mapping.repeat, mapping.representable, mapping.exact,
                      mapping.capped_at, mapping.reason)


def write_for(repeat: CrmRepeat | None, series: NativeSeries | None, exact: bool,
              dtstart: Start, zone: tzinfo) -> SeriesWrite:
    """The calendar write that makes the item hold `repeat`.

    A series the CRM holds only up to a cap keeps the rep's RRULE; only the
    exceptions made in the CRM become EXDATEs (the native must never lose
    what the CRM can't express).
    """
    if repeat is None:
        return NO_SERIES
    if series is not None and series.rrule and not exact:
        if series.zone is None:
            series = replace(series, zone=zone)
        return SeriesWrite(rrule=None, exdates=native_exdates(series, repeat,
                                                              series.overridden))
    native = crm_to_native(repeat, dtstart, zone,
                           overridden=series.overridden if series is not None else ())
    return SeriesWrite(rrule=native.text, exdates=tuple(native.exdates))


def zone_key(zone: tzinfo) -> str:
    return getattr(zone, "key", "") if zone is not UTC else ""


def crm_values(fields: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split `fields` into plain fields and the CRM's repeating columns."""
    rest = {k: v for k, v in fields.items() if k != "repeat"}
    if "repeat" not in fields:
        return rest, {}
    repeat = fields["repeat"]
    return rest, (repeat.to_extra() if repeat is not None else dict(NO_REPEAT_EXTRA))

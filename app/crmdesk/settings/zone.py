"""The rep's time zone: the setting, else the system's (rule 6, issue 4).

Floating times are read in it and series that come from the CRM are written
in it, so it must be a real IANA zone (DST rules included), not a fixed
offset: datetime.astimezone() alone would turn 09:00 into 10:00 in summer.
"""

from __future__ import annotations

import os
from datetime import timezone, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from crmdesk.errors import UserError


def rep_zone(name: str) -> tzinfo:
    """The zone named in the settings, else the system zone, else UTC."""
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise UserError(f"The time zone {name!r} in the sync settings is not known; "
                            "choose one such as Europe/Copenhagen.") from None
    return system_zone()


def system_zone() -> tzinfo:
    for candidate in (os.environ.get("TZ", "").lstrip(":"), _etc_timezone(), _localtime_link()):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                continue
    return timezone.utc


def zone_names() -> list[str]:
    """IANA names for a settings picker."""
    return sorted(available_timezones())


def _etc_timezone() -> str:
    try:
        return Path("/etc/timezone").read_text(encoding="utf-8").strip()
    except OSError:
        return ""


def _localtime_link() -> str:
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return ""
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else ""

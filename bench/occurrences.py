"""Engine time for a series with many moved occurrences (rule 17).

One daily series whose object holds `n` overrides, each moved three hours
later and so its own CRM activity.  The CRM has just changed the location of
one of them.  Timed: reading the object (parse_item, which works out which
overrides are occurrences of their own), planning the series and all its
occurrences, and writing the one changed override into the object.  No
network, no servers; in-memory proxies as a sync leaves them.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from crmdesk.model import CRM_ONLY_FIELDS, CrmRecord, Origin, ProxyRow
from crmdesk.model.activity import with_defaults
from crmdesk.model.occurrence import rid_instant, split_occurrence
from crmdesk.model.series import view_native
from crmdesk.settings.model import SyncSettings
from crmdesk.sync.actions import UpdateNative
from crmdesk.sync.plan import World, plan

from bench.engine import ME

ZONE = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 11, 20, 12, tzinfo=timezone.utc)
HREF = "/rep/occurrences-bench/series.ics"


def series_text(n: int) -> str:
    """A daily series at 09:00 Copenhagen with `n` overrides moved to 12:00."""
    first = datetime(2026, 11, 2, 9)
    tz = "TZID=Europe/Copenhagen"
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//bench//EN", "BEGIN:VEVENT",
             "UID:series@bench", "DTSTAMP:20261101T000000Z", "SUMMARY:Daily check-in",
             f"DTSTART;{tz}:{first:%Y%m%dT%H%M%S}",
             f"DTEND;{tz}:{first + timedelta(hours=1):%Y%m%dT%H%M%S}",
             f"RRULE:FREQ=DAILY;COUNT={2 * n + 10}", "END:VEVENT"]
    for k in range(n):
        rid = first + timedelta(days=2 * k + 1)
        moved = rid + timedelta(hours=3)
        lines += ["BEGIN:VEVENT", "UID:series@bench", "DTSTAMP:20261101T000000Z",
                  f"RECURRENCE-ID;{tz}:{rid:%Y%m%dT%H%M%S}",
                  f"DTSTART;{tz}:{moved:%Y%m%dT%H%M%S}",
                  f"DTEND;{tz}:{moved + timedelta(hours=1):%Y%m%dT%H%M%S}",
                  f"SUMMARY:Daily check-in (moved {k})", "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


def _proxy(pid: int, href: str, record: CrmRecord) -> ProxyRow:
    return ProxyRow(id=pid, uid="series@bench", href=href, native_pending=False, crm_id=record.id,
                    crm=record, crm_deleted=False, origin=Origin.CALENDAR,
                    local={k: record.fields[k] for k in CRM_ONLY_FIELDS},
                    base=dict(record.fields), state="synced")


def occurrences_plan(n: int = 500, repeats: int = 5) -> dict[str, Any]:
    from crmdesk.pim import ical
    raw = series_text(n)
    series = ical.parse_item(HREF, '"1"', raw)
    assert len(series.overrides) == n and series.recurrence is not None
    repeat = view_native(series.recurrence, ZONE, NOW.date(), 180).repeat
    assert repeat is not None
    fields = with_defaults(series.fields)
    record = CrmRecord(id=1, fields=fields, timestamp="ts", integration_id=series.uid,
                       origin=Origin.CALENDAR, owner=ME.employee_id,
                       employees=(ME.employee_id,), extra=repeat.to_extra())
    proxies = [_proxy(1, HREF, replace(record, fields={**fields, "repeat": repeat}))]
    proxies[0].base["repeat"] = repeat
    for k, item in enumerate(series.overrides):
        assert item.recurrence_id is not None
        own = CrmRecord(id=k + 2, fields=with_defaults(item.fields), timestamp="ts",
                        integration_id=series.uid, origin=Origin.CALENDAR,
                        owner=ME.employee_id, employees=(ME.employee_id,),
                        extra={"series": 1, "recurrence_id":
                               rid_instant(item.recurrence_id, ZONE).isoformat()})
        proxies.append(_proxy(k + 2, item.href, own))
    changed = proxies[n // 2 + 1]
    assert changed.crm is not None
    proxies[n // 2 + 1] = replace(changed, crm=replace(
        changed.crm, fields={**changed.crm.fields, "location": "Room 4"}, timestamp="ts2"))
    times, updates = [], 0
    for _ in range(repeats):
        started = time.perf_counter()
        item = ical.parse_item(HREF, '"1"', raw)
        mirror = {item.href: item, **{o.href: o for o in item.overrides}}
        world = World(proxies=proxies, mirror=mirror, identity=ME, settings=SyncSettings(),
                      now=NOW, uid_namespace="bench", zone=ZONE)
        actions = plan(world)
        writes = [a for a in actions if isinstance(a, UpdateNative)]
        for write in writes:
            split = split_occurrence(write.href)
            assert split is not None
            ical.patch(raw, write.changes, None, None, occurrence=split[1])
        times.append(time.perf_counter() - started)
        updates = len(writes)
    return {"seconds": statistics.median(times), "runs": times, "occurrences": n,
            "calendar_writes": updates}


if __name__ == "__main__":
    print(occurrences_plan())

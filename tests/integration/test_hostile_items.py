"""Hostile calendar objects on a real server: each is skipped with its reason, the
rest syncs, and nothing is written back to them (issue 8).

The objects are PUT as another client would.  Both servers store the core
set (they validate little).  Radicale refuses the extras (no DTSTART, two
masters: 400) and skips any file it can't parse that is written into its
storage folder directly, so the extras are tested where the server keeps
them (Xandikos).  Neither can be made to serve a line icalendar can't read
(Radicale refuses it, Xandikos re-serializes the object without it), nor
bytes that aren't UTF-8 (Xandikos refuses them, Radicale transcodes them);
tests/unit/test_hostile_ical.py covers every case without a server.
"""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest

from crmdesk.pim import ical

from tests.integration.conftest import Rep, soon

pytestmark = pytest.mark.integration

D = "{DAV:}"


def _cal(*lines: str) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//hostile//EN", *lines,
                        "END:VCALENDAR", ""])


def _event(*props: str, uid: str = "", start: str | None = None) -> list[str]:
    begin = start if start is not None else \
        f"DTSTART:{soon(5).strftime('%Y%m%dT%H%M%SZ')}"
    return ["BEGIN:VEVENT", f"UID:{uid or uuid.uuid4()}", "DTSTAMP:20260101T000000Z",
            *([begin] if begin else []), *props, "END:VEVENT"]


def _hostile() -> dict[str, tuple[str, str, bool]]:
    """name -> (object, reason in the report, stored by every server)."""
    day = soon(5)
    same = str(uuid.uuid4())
    attendees = [f"ATTENDEE;CN=Guest {i}:mailto:guest{i}@example.com" for i in range(10_000)]
    return {
        "end before start": (_cal(*_event(f"DTEND:{(day - timedelta(hours=1)):%Y%m%dT%H%M%SZ}",
                                          "SUMMARY:Backwards")),
                             "the end is before the start", True),
        "unknown zone": (_cal(*_event("SUMMARY:On Mars",
                                      start=f"DTSTART;TZID=Mars/Olympus:{day:%Y%m%dT%H%M%S}")),
                         "unknown TZID", True),
        "10,000 attendees": (_cal(*_event("SUMMARY:Everyone", *attendees)),
                             "10000 attendees", True),
        "5 MB description": (_cal(*_event("SUMMARY:Long read", "DESCRIPTION:" + "x" * 5_000_000)),
                             "too large (5.", True),
        "endless every second": (_cal(*_event("SUMMARY:Tick",
                                              "RRULE:FREQ=SECONDLY;BYSECOND=0,15,30,45")),
                                 "more often than daily", True),
        "no component": (_cal(), "no VEVENT or VTODO", True),
        "no start": (_cal(*_event("SUMMARY:Whenever", start="")), "without DTSTART", False),
        "two masters": (_cal(*_event("SUMMARY:One", uid=same), *_event("SUMMARY:Two", uid=same)),
                        "share one UID", False),
    }


def _etags(caldav: Any) -> dict[str, str]:
    """href -> ETag of every object, as a PROPFIND of another client sees them."""
    body = ('<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:getetag/>'
            "</D:prop></D:propfind>")
    resp = caldav.raw.request("PROPFIND", caldav.calendar_url, data=body,
                              headers={"Depth": "1", "Content-Type": "application/xml"},
                              timeout=60)
    assert resp.status_code == 207, resp.status_code
    found = {}
    for node in ET.fromstring(resp.content).iter(D + "response"):
        href, etag = node.findtext(D + "href") or "", node.findtext(f".//{D}getetag")
        if etag and not href.endswith("/"):
            found[href] = etag
    return found


def _put_hostile(rep: Rep) -> dict[str, tuple[str, str]]:
    """Store what the server accepts; name -> (href, reason)."""
    stored = {}
    for name, (text, reason, everywhere) in _hostile().items():
        href = rep.caldav.href(f"hostile-{uuid.uuid4().hex[:8]}.ics")
        resp = rep.caldav.raw.put(rep.caldav.server.url.rstrip("/") + href, data=text.encode(),
                                  headers={"Content-Type": "text/calendar; charset=utf-8"},
                                  timeout=120)
        if resp.status_code in (201, 204):
            stored[name] = (href, reason)
        else:
            assert not everywhere, f"{rep.caldav.server_name} refused {name}: {resp.status_code}"
    return stored


def test_hostile_items_are_skipped_with_reasons_and_never_written(rep: Rep) -> None:
    good = rep.put_event("Quarterly review with Acme")
    planned = rep.plan_in_crm("Call Globex about the renewal")
    turned = rep.put_event("Lunch with Initech")            # shared, then broken on a phone
    rep.sync()
    rep.app.share(rep.key(good))
    rep.app.share(rep.key(turned))
    rep.sync()
    assert rep.crm_by_uid(turned) is not None

    hostile = _put_hostile(rep)
    turned_item = rep.native(turned)
    turned_href = turned_item.href
    rep.caldav.put(turned, _break_end(turned_item.raw))
    record = rep.crm_by_uid(turned)
    rep.crm.write(record.id, {"location": "CRM says: room 4"}, record.timestamp)
    before = _etags(rep.caldav)

    report = rep.app.sync()
    # (today the engine still tries the CRM's change on the broken item with its
    # old ETag: the server refuses it (412), the re-read fails, an error entry)
    assert all(entry.title == "Lunch with Initech" for entry in report.errors), report.errors
    skipped = {entry.key: entry.reason for entry in report.skipped}
    for name, (href, reason) in hostile.items():
        assert href in skipped, f"{name} not reported as skipped: {skipped}"
        assert reason in skipped[href], (name, skipped[href])
    assert "the end is before the start" in skipped[turned_href]
    # the rest synced: the good share reached the CRM, the CRM plan reached the calendar
    assert rep.crm_by_uid(good) is not None
    assert any(i.fields["description"] == "Call Globex about the renewal"
               for i in rep.natives())
    assert rep.crm_record(planned.id).integration_id
    # nothing was written back to the hostile objects, nor to the one a phone broke
    after = _etags(rep.caldav)
    for href, _ in hostile.values():
        assert after[href] == before[href], href
    assert after[turned_href] == before[turned_href]
    rep.app.sync()                                  # and not at the next sync either
    assert all(_etags(rep.caldav)[h] == before[h] for h, _ in hostile.values())
    assert _etags(rep.caldav)[turned_href] == before[turned_href]
    assert {h for h, _ in rep.app.store.invalid_items()} >= {h for h, _ in hostile.values()}


def _break_end(raw: str) -> str:
    """The object with its end an hour before its start, as a buggy phone app saves it."""
    start = ical.parse_item("/x.ics", "", raw).fields["planned_start"]
    lines = [line for line in raw.splitlines() if not line.startswith(("DTEND", "DURATION"))]
    lines.insert(lines.index("END:VEVENT"), f"DTEND:{start - timedelta(hours=1):%Y%m%dT%H%M%SZ}")
    return "\r\n".join(lines)

"""Rule 17 on real servers: a moved or changed occurrence of a series is its
own CRM activity linked to the series, both ways, on Radicale and Xandikos
with Tryton; deleting one occurrence on either side is an exception on the
other.

Occurrences are compared as sets over a window: the calendar's series
expanded (RRULE minus EXDATEs and overridden occurrences) plus the
overrides' own starts, against the CRM's repeat expanded plus the starts of
the activities linked to it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from crmdesk.crm.base import NewActivity
from crmdesk.model import CrmRecord
from crmdesk.model.activity import normalize_fields
from crmdesk.model.occurrence import crm_instant
from crmdesk.model.recurrence import CrmRepeat, RepeatType, expand_crm, expand_native
from tests.integration.conftest import Rep
from tests.integration.test_series import _monday, _put_series, _shared, _window

pytestmark = pytest.mark.integration

CPH = ZoneInfo("Europe/Copenhagen")
UTC = timezone.utc


def _override(uid: str, moved_from: datetime, hours: int = 5, summary: str = "") -> str:
    begins = moved_from + timedelta(hours=hours)
    lines = ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261101T000000Z",
             f"RECURRENCE-ID;TZID=Europe/Copenhagen:{moved_from:%Y%m%dT%H%M%S}",
             f"DTSTART;TZID=Europe/Copenhagen:{begins:%Y%m%dT%H%M%S}",
             f"DTEND;TZID=Europe/Copenhagen:{begins + timedelta(hours=1):%Y%m%dT%H%M%S}",
             f"SUMMARY:{summary}", "END:VEVENT"]
    return "\r\n".join(lines)


def _with_override(rep: Rep, uid: str, moved_from: datetime, summary: str) -> None:
    native = rep.native(uid)
    rep.caldav.client.update(native, native.raw.replace(
        "END:VCALENDAR", _override(uid, moved_from, summary=summary) + "\r\nEND:VCALENDAR", 1))


def _without_override(raw: str) -> str:
    """The object's text without its override components."""
    out, skipping, block = [], False, []
    for line in raw.splitlines():
        if line == "BEGIN:VEVENT":
            block, skipping = [line], True
            continue
        if skipping:
            block.append(line)
            if line == "END:VEVENT":
                skipping = False
                if not any(b.startswith("RECURRENCE-ID") for b in block):
                    out.extend(block)
            continue
        out.append(line)
    return "\r\n".join(out) + "\r\n"


def _occurrences_in_crm(rep: Rep, series: CrmRecord) -> list[CrmRecord]:
    return rep.crm.find_occurrences([series.id])


def _same_occurrences(rep: Rep, uid: str) -> None:
    """Both sides hold the same occurrences, moved ones included."""
    native = rep.native(uid)
    series = rep.crm_by_uid(uid)
    assert native is not None and native.recurrence is not None and series is not None
    low, high = _window()
    zone = native.recurrence.dtstart.tzinfo
    moved = {rid.astimezone(UTC) for rid in native.recurrence.overridden}
    mine = {o.astimezone(UTC) for o in expand_native(native.recurrence, low, high)} - moved
    mine |= {o.fields["planned_start"] for o in native.overrides}
    repeat = CrmRepeat.from_extra(series.extra)
    assert repeat is not None
    theirs = {o.astimezone(UTC) for o in expand_crm(repeat, native.recurrence.dtstart
                                                    .astimezone(zone), low, high)}
    theirs |= {o.fields["planned_start"] for o in _occurrences_in_crm(rep, series)}
    assert mine and mine == theirs


def _series_with_moved(rep: Rep, title: str = "Weekly with one moved"):
    first = datetime.combine(_monday(), datetime.min.time()).replace(hour=9)
    skipped = first + timedelta(weeks=2)
    uid = _put_series(rep, title, first, "FREQ=WEEKLY;COUNT=6", [skipped])
    moved_from = first + timedelta(weeks=1)
    _with_override(rep, uid, moved_from, f"{title} (afternoon)")
    _, series = _shared(rep, uid)
    return uid, series, moved_from.replace(tzinfo=CPH), skipped.replace(tzinfo=CPH)


def test_rule_17_a_series_with_an_exception_and_a_moved_occurrence(rep: Rep) -> None:
    uid, series, moved_from, skipped = _series_with_moved(rep)
    repeat = CrmRepeat.from_extra(series.extra)
    assert {moved_from.date(), skipped.date()} <= set(repeat.exceptions)
    [occurrence] = _occurrences_in_crm(rep, series)
    assert occurrence.fields["description"] == "Weekly with one moved (afternoon)"
    assert occurrence.fields["planned_start"] == (moved_from + timedelta(hours=5)).astimezone(UTC)
    assert crm_instant(occurrence.extra["recurrence_id"]) == moved_from.astimezone(UTC)
    assert occurrence.integration_id == uid and occurrence.extra["series"] == series.id
    _same_occurrences(rep, uid)
    # Nothing moves on the next sync: no second activity, no write.
    report = rep.sync()
    assert report.crm.created == report.crm.updated == report.calendar.updated == 0
    assert len(_occurrences_in_crm(rep, series)) == 1


def test_rule_17_edits_of_a_moved_occurrence_flow_both_ways(rep: Rep) -> None:
    uid, series, moved_from, _ = _series_with_moved(rep, "Pipeline review")
    [occurrence] = _occurrences_in_crm(rep, series)
    rep.crm.write(occurrence.id, {"location": "Room 4"}, occurrence.timestamp)
    assert rep.sync().calendar.updated == 1
    native = rep.native(uid)
    [override] = native.overrides
    assert override.fields["location"] == "Room 4"
    assert native.fields["location"] == ""              # the series is untouched
    # In the calendar, the rep renames the moved occurrence.
    raw = native.raw.replace("SUMMARY:Pipeline review (afternoon)",
                             "SUMMARY:Pipeline review with the CFO", 1)
    rep.caldav.client.update(native, raw)
    assert rep.sync().crm.updated == 1
    record = rep.crm_record(occurrence.id)
    assert record.fields["description"] == "Pipeline review with the CFO"
    assert rep.crm_record(series.id).fields["description"] == "Pipeline review"
    _same_occurrences(rep, uid)


def test_rule_17_a_moved_occurrence_deleted_in_the_crm_is_an_exdate(rep: Rep) -> None:
    uid, series, moved_from, _ = _series_with_moved(rep, "Stand-up")
    [occurrence] = _occurrences_in_crm(rep, series)
    rep.crm.delete([occurrence.id])
    assert rep.sync().calendar.deleted == 1
    native = rep.native(uid)
    assert not native.overrides and "RECURRENCE-ID" not in native.raw
    assert moved_from in {d.astimezone(CPH) for d in native.recurrence.exdates}
    assert moved_from.date() in CrmRepeat.from_extra(rep.crm_by_uid(uid).extra).exceptions
    _same_occurrences(rep, uid)


def test_rule_17_a_moved_occurrence_deleted_in_the_calendar_goes_from_the_crm(rep: Rep) -> None:
    uid, series, moved_from, _ = _series_with_moved(rep, "Forecast")
    [occurrence] = _occurrences_in_crm(rep, series)
    native = rep.native(uid)
    # As Thunderbird deletes one occurrence: the override goes, an EXDATE comes.
    raw = _without_override(native.raw).replace(
        "RRULE:FREQ=WEEKLY", f"EXDATE;TZID=Europe/Copenhagen:{moved_from:%Y%m%dT%H%M%S}"
                             "\r\nRRULE:FREQ=WEEKLY", 1)
    rep.caldav.client.update(native, raw)
    report = rep.sync()
    assert report.crm.deleted == 1
    assert rep.crm_record(occurrence.id) is None
    assert moved_from.date() in CrmRepeat.from_extra(rep.crm_by_uid(uid).extra).exceptions
    _same_occurrences(rep, uid)


def test_rule_17_an_occurrence_put_back_into_its_series(rep: Rep) -> None:
    uid, series, moved_from, skipped = _series_with_moved(rep, "Coaching")
    [occurrence] = _occurrences_in_crm(rep, series)
    native = rep.native(uid)
    rep.caldav.client.update(native, _without_override(native.raw))
    rep.sync()
    assert rep.crm_record(occurrence.id) is None
    exceptions = CrmRepeat.from_extra(rep.crm_by_uid(uid).extra).exceptions
    assert moved_from.date() not in exceptions and skipped.date() in exceptions
    _same_occurrences(rep, uid)


def test_rule_17_an_occurrence_moved_in_the_crm_reaches_the_calendar(rep: Rep) -> None:
    rep.use_zone("Europe/Copenhagen")
    rep.sync()
    start = datetime.combine(_monday(), datetime.min.time()).replace(hour=10, tzinfo=CPH)
    series = rep.plan_in_crm("Monthly account plan", start.astimezone(UTC))
    moved_from = start + timedelta(weeks=1)
    repeat = CrmRepeat(RepeatType.WEEKLY, (start + timedelta(weeks=5)).date(),
                       (moved_from.date(),))
    series = rep.crm.write(series.id, repeat.to_extra(), series.timestamp)
    begins = (moved_from + timedelta(hours=4)).astimezone(UTC)
    fields = normalize_fields({"description": "Monthly account plan (moved)",
                               "planned_start": begins,
                               "planned_end": begins + timedelta(hours=1)})
    [occurrence] = rep.crm.create([NewActivity(
        fields=fields, origin="crm", extra={"series": series.id,
                                            "recurrence_id": moved_from.astimezone(UTC)})])
    report = rep.sync()
    assert report.calendar.created >= 1 and not report.skipped
    uid = rep.app.store.proxy_by_crm_id(series.id).uid
    native = rep.native(uid)
    [override] = native.overrides
    assert override.fields["description"] == "Monthly account plan (moved)"
    assert override.recurrence_id == moved_from
    assert "TZID=Europe/Copenhagen" in native.raw.split("RECURRENCE-ID", 1)[1].split("\n")[0]
    assert rep.app.store.proxy_by_crm_id(occurrence.id).href == override.href
    _same_occurrences(rep, uid)
    second = rep.sync()
    assert second.calendar.created == second.calendar.updated == second.crm.updated == 0
    assert [o.id for o in _occurrences_in_crm(rep, rep.crm_record(series.id))] == \
        [occurrence.id]


def test_rule_17_unsharing_a_series_takes_its_moved_occurrences_along(rep: Rep) -> None:
    uid, series, _, _ = _series_with_moved(rep, "Quarterly")
    [occurrence] = _occurrences_in_crm(rep, series)
    rep.app.unshare(rep.key(uid))
    rep.sync()
    assert rep.crm_record(series.id) is None and rep.crm_record(occurrence.id) is None
    native = rep.native(uid)
    assert native is not None and len(native.overrides) == 1       # the calendar keeps it
    assert not [p for p in rep.app.store.proxies() if p.href and "#" in p.href]

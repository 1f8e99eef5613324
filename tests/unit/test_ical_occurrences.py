"""Rule 17 in iCalendar text: a moved or changed occurrence is an item of its own.

Objects as Thunderbird (TZID with a VTIMEZONE, alarms, X-MOZ properties),
Google (UTC times, overrides that only carry a PARTSTAT), Outlook (all-day
DATE values) and a floating-time client write them.  Parsing gives the
master plus its moved or changed occurrences; add_occurrence,
drop_occurrence and patch(occurrence=...) write them back.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from crmdesk.errors import InvalidItem
from crmdesk.model import NATIVE_FIELDS, Fields, NativeItem
from crmdesk.model.activity import with_defaults
from crmdesk.model.hashing import content_hash
from crmdesk.model.occurrence import occurrence_href, rid_key
from crmdesk.model.recurrence import Start, expand_native
from crmdesk.model.series import SeriesWrite
from crmdesk.pim.ical import parse_item, patch
from crmdesk.pim.ical_occurrences import add_occurrence, drop_occurrence
from tests.unit.test_ical import local_zone

UTC = timezone.utc
CPH = ZoneInfo("Europe/Copenhagen")
HREF = "/cal/series.ics"


def cal(*lines: str) -> str:
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN", *lines,
                        "END:VCALENDAR", ""])


def vevent(*props: str, uid: str = "series-1") -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20260101T000000Z", *props, "END:VEVENT"]


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def native(values: dict[str, Any]) -> Fields:
    full = with_defaults(values)
    return {name: full[name] for name in NATIVE_FIELDS}


CPH_TZ = ["BEGIN:VTIMEZONE", "TZID:Europe/Copenhagen",
          "BEGIN:DAYLIGHT", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "TZNAME:CEST",
          "DTSTART:19700329T020000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT",
          "BEGIN:STANDARD", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "TZNAME:CET",
          "DTSTART:19701025T030000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
          "END:STANDARD", "END:VTIMEZONE"]
ALARM = ["BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:ring", "TRIGGER:-PT15M", "END:VALARM"]
PEOPLE = ["ORGANIZER;CN=Rita:mailto:rita@example.com",
          "ATTENDEE;CN=Rita;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:rita@example.com",
          "ATTENDEE;CN=Ann;PARTSTAT=ACCEPTED;ROLE=OPT-PARTICIPANT:mailto:ann@example.com"]


def tb_times(day: int, hour: int = 10) -> list[str]:
    return [f"DTSTART;TZID=Europe/Copenhagen:202603{day:02}T{hour:02}0000",
            f"DTEND;TZID=Europe/Copenhagen:202603{day:02}T{hour + 1:02}0000"]


def tb_rid(day: int, month: int = 3) -> str:
    return f"RECURRENCE-ID;TZID=Europe/Copenhagen:2026{month:02}{day:02}T100000"


# Thunderbird: weekly at 10:00 Copenhagen across the DST change of 29 March.
THUNDERBIRD = cal(
    *CPH_TZ,
    *vevent(*tb_times(2), "RRULE:FREQ=WEEKLY;COUNT=8", "SUMMARY:Team meeting",
            "EXDATE;TZID=Europe/Copenhagen:20260413T100000", "X-MOZ-GENERATION:3",
            *PEOPLE, *ALARM),
    *vevent(tb_rid(9), *tb_times(9, 14), "SUMMARY:Team meeting", "X-MOZ-GENERATION:4",
            *PEOPLE, *ALARM),                                             # moved
    *vevent(tb_rid(16), *tb_times(16), "SUMMARY:Team meeting", *PEOPLE,
            "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:ring", "TRIGGER:-PT5M",
            "END:VALARM"),                                                # only its alarm
    *vevent(tb_rid(23), *tb_times(23), "SUMMARY:Team meeting (budget)", *PEOPLE),  # changed
    *vevent(tb_rid(6, 4), "DTSTART;TZID=Europe/Copenhagen:20260406T100000",
            "DTEND;TZID=Europe/Copenhagen:20260406T110000", "SUMMARY:Team meeting",
            *PEOPLE[:2], PEOPLE[2].replace("ACCEPTED", "DECLINED")))     # after DST, PARTSTAT
GOOGLE_PEOPLE = ["ORGANIZER;CN=Rita:mailto:rita@example.com",
                 "ATTENDEE;CN=Rita;PARTSTAT=ACCEPTED:mailto:rita@example.com",
                 "ATTENDEE;CN=Bob;PARTSTAT=NEEDS-ACTION:mailto:bob@example.com"]
# Google: UTC times; an override for each answer, with everything copied.
GOOGLE = cal(
    *vevent("DTSTART:20260302T090000Z", "DTEND:20260302T100000Z",
            "RRULE:FREQ=WEEKLY;BYDAY=MO;UNTIL=20260427T090000Z", "SUMMARY:Pipeline review",
            "SEQUENCE:0", "X-GOOGLE-CONFERENCE:https://meet.example/x", *GOOGLE_PEOPLE),
    *vevent("RECURRENCE-ID:20260309T090000Z", "DTSTART:20260309T090000Z",
            "DTEND:20260309T100000Z", "SUMMARY:Pipeline review", "SEQUENCE:1",
            *GOOGLE_PEOPLE[:2], GOOGLE_PEOPLE[2].replace("NEEDS-ACTION", "DECLINED")),
    *vevent("RECURRENCE-ID:20260316T090000Z", "DTSTART:20260317T090000Z",
            "DTEND:20260317T100000Z", "SUMMARY:Pipeline review", "SEQUENCE:1",
            *GOOGLE_PEOPLE))
# Outlook: an all-day series, a moved day and one that only changed busy status.
OUTLOOK = cal(
    *vevent("DTSTART;VALUE=DATE:20260302", "DTEND;VALUE=DATE:20260303",
            "RRULE:FREQ=WEEKLY;COUNT=5", "SUMMARY:Office day",
            "X-MICROSOFT-CDO-ALLDAYEVENT:TRUE", "X-MICROSOFT-CDO-BUSYSTATUS:FREE"),
    *vevent("RECURRENCE-ID;VALUE=DATE:20260309", "DTSTART;VALUE=DATE:20260310",
            "DTEND;VALUE=DATE:20260311", "SUMMARY:Office day"),
    *vevent("RECURRENCE-ID;VALUE=DATE:20260316", "DTSTART;VALUE=DATE:20260316",
            "DTEND;VALUE=DATE:20260317", "SUMMARY:Office day",
            "X-MICROSOFT-CDO-BUSYSTATUS:BUSY"))
# A floating-time client: daily at 10:00 wall-clock, one moved to 11:00.
FLOATING = cal(
    *vevent("DTSTART:20260302T100000", "DTEND:20260302T103000", "RRULE:FREQ=DAILY;COUNT=5",
            "SUMMARY:Call"),
    *vevent("RECURRENCE-ID:20260303T100000", "DTSTART:20260303T110000",
            "DTEND:20260303T113000", "SUMMARY:Call"),
    *vevent("RECURRENCE-ID:20260304T100000", "DTSTART:20260304T100000",
            "DTEND:20260304T103000", "SUMMARY:Call"))

OBJECTS = {"thunderbird": THUNDERBIRD, "google": GOOGLE, "outlook": OUTLOOK,
           "floating": FLOATING}
# The RECURRENCE-IDs that are occurrences of their own (moved or changed).
EXPECTED: dict[str, tuple[Start, ...]] = {
    "thunderbird": (datetime(2026, 3, 9, 10, tzinfo=CPH), datetime(2026, 3, 23, 10, tzinfo=CPH)),
    "google": (at(2026, 3, 16, 9),),
    "outlook": (date(2026, 3, 9),),
    "floating": (datetime(2026, 3, 3, 10),),
}


def parsed(name: str, raw: str | None = None) -> NativeItem:
    with local_zone("Europe/Copenhagen"):
        return parse_item(HREF, '"7"', OBJECTS[name] if raw is None else raw)


def keys(values: Any) -> set[str]:
    return {rid_key(v) for v in values}


# -- parsing ---------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_rule17_overridden_lists_exactly_the_moved_or_changed(name: str) -> None:
    series = parsed(name)
    assert series.recurrence is not None and not series.is_occurrence
    assert keys(series.recurrence.overridden) == keys(EXPECTED[name])
    assert keys(o.recurrence_id for o in series.overrides) == keys(EXPECTED[name])
    for item in series.overrides:
        assert item.recurrence_id is not None
        assert item.href == occurrence_href(HREF, item.recurrence_id)
        assert (item.parent, item.etag, item.uid, item.raw) == (HREF, '"7"', "series-1", "")
        assert item.component == "VEVENT" and item.is_occurrence and not item.overrides
        assert item.content_hash == content_hash("VEVENT", item.fields)


def test_rule17_partstat_or_alarm_only_override_is_not_an_occurrence() -> None:
    google = parsed("google")
    assert rid_key(at(2026, 3, 9, 9)) not in keys(google.recurrence.overridden)
    tb = parsed("thunderbird")
    # 16 March: another alarm; 6 April (after DST, 08:00 UTC): Ann declined.
    assert {"20260316T090000Z", "20260406T080000Z"}.isdisjoint(keys(tb.recurrence.overridden))


def test_rule17_moved_time_is_an_occurrence_with_its_own_fields() -> None:
    moved = {o.href: o for o in parsed("thunderbird").overrides}[f"{HREF}#20260309T090000Z"]
    assert moved.fields == native({
        "description": "Team meeting", "planned_start": at(2026, 3, 9, 13),
        "planned_end": at(2026, 3, 9, 14), "attendees": ("ann@example.com",)})
    assert moved.organizer == "rita@example.com" and moved.attendees == ("ann@example.com",)
    google = parsed("google").overrides[0]
    assert google.fields["planned_start"] == at(2026, 3, 17, 9)
    outlook = parsed("outlook").overrides[0]
    assert outlook.fields["all_day"] and outlook.fields["planned_start"] == at(2026, 3, 10)
    floating = parsed("floating").overrides[0]
    assert floating.fields["planned_start"] == at(2026, 3, 3, 10)      # 11:00 CET


def test_rule17_changed_summary_is_an_occurrence() -> None:
    changed = {o.href: o for o in parsed("thunderbird").overrides}[f"{HREF}#20260323T090000Z"]
    assert changed.fields["description"] == "Team meeting (budget)"
    assert changed.fields["planned_start"] == at(2026, 3, 23, 9)       # not moved


@pytest.mark.parametrize("name", sorted(OBJECTS))
def test_rule17_series_minus_overridden_plus_occurrences_cover_the_series(name: str) -> None:
    item = parsed(name)
    series = item.recurrence
    assert series is not None
    with local_zone("Europe/Copenhagen"):
        starts = keys(expand_native(series, date(2026, 1, 1), date(2027, 1, 1)))
    overridden = keys(series.overridden)
    assert overridden <= starts                     # each replaces a real occurrence
    kept = starts - overridden
    moved = keys(o.recurrence_id for o in item.overrides)
    assert kept | moved == starts and not kept & moved


def test_rule17_overrides_of_a_single_item_are_ignored() -> None:
    raw = cal(*vevent("DTSTART:20260302T090000Z", "SUMMARY:once"),
              *vevent("RECURRENCE-ID:20260302T090000Z", "DTSTART:20260302T150000Z"))
    item = parse_item(HREF, '"1"', raw)
    assert item.recurrence is None and item.overrides == ()


def test_rule17_an_object_of_overrides_only_is_its_first_override() -> None:
    raw = cal(*vevent("RECURRENCE-ID:20260309T090000Z", "DTSTART:20260309T150000Z",
                      "SUMMARY:first"),
              *vevent("RECURRENCE-ID:20260316T090000Z", "DTSTART:20260316T150000Z"))
    item = parse_item(HREF, '"1"', raw)
    assert item.fields["description"] == "first" and item.overrides == ()


@pytest.mark.parametrize(("override", "reason"), [
    (["RECURRENCE-ID:20260309T090000Z", "DTSTART:20260309T090000Z",
      "DTEND:20260309T080000Z"], "before the start"),
    (["RECURRENCE-ID;TZID=Mars/Olympus:20260309T090000", "DTSTART:20260309T090000Z"],
     "unknown TZID"),
    (["RECURRENCE-ID:20260309T090000Z", "RECURRENCE-ID:20260316T090000Z",
      "DTSTART:20260309T090000Z"], "more than one RECURRENCE-ID"),
])
def test_rule17_a_bad_override_makes_the_object_invalid(override: list[str],
                                                        reason: str) -> None:
    raw = cal(*vevent("DTSTART:20260302T090000Z", "RRULE:FREQ=WEEKLY"), *vevent(*override))
    with pytest.raises(InvalidItem) as info:
        parse_item(HREF, '"1"', raw)
    assert info.value.key == HREF and reason in info.value.detail


def test_rule17_two_overrides_of_one_occurrence_are_invalid() -> None:
    moved = vevent("RECURRENCE-ID:20260309T090000Z", "DTSTART:20260309T150000Z")
    raw = cal(*vevent("DTSTART:20260302T090000Z", "RRULE:FREQ=WEEKLY"), *moved, *moved)
    with pytest.raises(InvalidItem, match="two overrides"):
        parse_item(HREF, '"1"', raw)


# -- writing ---------------------------------------------------------------

ADDS = {   # object: (RECURRENCE-ID, its line, the new start and end, an EXDATE there)
    "thunderbird": (datetime(2026, 4, 13, 10, tzinfo=CPH),
                    "RECURRENCE-ID;TZID=Europe/Copenhagen:20260413T100000",
                    (at(2026, 4, 13, 12), at(2026, 4, 13, 13)), True),
    "google": (at(2026, 3, 23, 9), "RECURRENCE-ID:20260323T090000Z",
               (at(2026, 3, 23, 14), at(2026, 3, 23, 15)), False),
    "outlook": (date(2026, 3, 23), "RECURRENCE-ID;VALUE=DATE:20260323",
                (at(2026, 3, 24), at(2026, 3, 25)), False),
    "floating": (datetime(2026, 3, 5, 10), "RECURRENCE-ID:20260305T100000",
                 (at(2026, 3, 5, 8), at(2026, 3, 5, 8, 30)), False),
}


@pytest.mark.parametrize("name", sorted(ADDS))
def test_rule17_add_occurrence_round_trips(name: str) -> None:
    rid, line, (start, end), had_exdate = ADDS[name]
    before = parsed(name)
    fields = {**before.fields, "description": "Moved", "comment": "Agenda", "planned_start":
              start, "planned_end": end, "attendees": ("carl@example.com",)}
    with local_zone("Europe/Copenhagen"):
        raw = add_occurrence(OBJECTS[name], rid, fields, link="https://crm.example/a/9")
    assert line in raw.replace("\r\n ", "")
    after = parsed(name, raw)
    occurrence = {o.href: o for o in after.overrides}[occurrence_href(HREF, rid)]
    assert occurrence.fields == native({**fields, "repeat": None})
    assert occurrence.crm_link == "https://crm.example/a/9"
    assert keys(after.recurrence.overridden) == keys(EXPECTED[name]) | {rid_key(rid)}
    assert len(before.recurrence.exdates) == int(had_exdate)
    assert after.recurrence.exdates == ()                  # the occurrence is back
    assert after.fields == before.fields                   # the master is the same


def test_rule17_add_occurrence_writes_in_the_master_zone_with_its_people() -> None:
    rid, _, (start, end), _ = ADDS["thunderbird"]
    fields = {**parsed("thunderbird").fields, "planned_start": start, "planned_end": end,
              "attendees": ("ann@example.com", "carl@example.com")}
    raw = add_occurrence(THUNDERBIRD, rid, fields)
    new = [c for c in Calendar.from_ical(raw).walk("VEVENT")
           if str(c.get("RECURRENCE-ID", "")) and c.decoded("RECURRENCE-ID") == rid][0]
    text = new.to_ical().decode().replace("\r\n ", "")
    assert "DTSTART;TZID=Europe/Copenhagen:20260413T140000" in text
    assert "ORGANIZER;CN=Rita;SCHEDULE-AGENT=CLIENT:mailto:rita@example.com" in text
    people = {str(p)[7:]: p.params for p in new["ATTENDEE"]}
    assert people["ann@example.com"]["ROLE"] == "OPT-PARTICIPANT"          # the master's
    assert people["carl@example.com"]["PARTSTAT"] == "NEEDS-ACTION"
    assert all(p["SCHEDULE-AGENT"] == "CLIENT" for p in people.values())  # rule 19
    assert "DTSTAMP" in new and "RRULE" not in new


def test_rule17_add_occurrence_over_an_existing_override_patches_it() -> None:
    rid = datetime(2026, 3, 16, 10, tzinfo=CPH)             # the alarm-only override
    fields = {**parsed("thunderbird").fields, "description": "Moved",
              "planned_start": at(2026, 3, 16, 12), "planned_end": at(2026, 3, 16, 13)}
    raw = add_occurrence(THUNDERBIRD, rid, fields)
    assert raw.count("BEGIN:VEVENT") == THUNDERBIRD.count("BEGIN:VEVENT")
    assert "TRIGGER:-PT5M" in raw                              # its own alarm is kept
    moved = {o.href: o for o in parsed("thunderbird", raw).overrides}
    assert moved[f"{HREF}#20260316T090000Z"].fields["description"] == "Moved"


def other_components(raw: str, key: str) -> list[str]:
    """Every component but the override `key`, as text (rule 19 params aside)."""
    found = []
    for comp in Calendar.from_ical(raw).subcomponents:
        if "RECURRENCE-ID" in comp and rid_key(comp.decoded("RECURRENCE-ID")) == key:
            continue
        found.append(comp.to_ical().decode().replace("\r\n ", "")
                     .replace(";SCHEDULE-AGENT=CLIENT", ""))
    return found


def test_rule17_patch_occurrence_changes_only_that_override() -> None:
    key = "20260309T090000Z"
    raw = patch(THUNDERBIRD, {"location": "Room 2", "planned_start": at(2026, 3, 9, 14),
                              "planned_end": at(2026, 3, 9, 15)}, occurrence=key)
    assert other_components(raw, key) == other_components(THUNDERBIRD, key)
    moved = {o.href: o for o in parsed("thunderbird", raw).overrides}[f"{HREF}#{key}"]
    assert moved.fields["location"] == "Room 2"
    assert moved.fields["planned_start"] == at(2026, 3, 9, 14)
    override = [c for c in Calendar.from_ical(raw).walk("VEVENT")
                if "RECURRENCE-ID" in c and rid_key(c.decoded("RECURRENCE-ID")) == key][0]
    text = override.to_ical().decode().replace("\r\n ", "")
    assert "DTSTART;TZID=Europe/Copenhagen:20260309T150000" in text     # its zone kept
    assert "X-MOZ-GENERATION:4" in text and "TRIGGER:-PT15M" in text
    assert "SCHEDULE-AGENT=CLIENT" in text and override.get("DTSTAMP") is not None


def test_rule17_patch_of_a_missing_occurrence_or_with_a_series_is_refused() -> None:
    with pytest.raises(InvalidItem, match="no longer in the series"):
        patch(GOOGLE, {"location": "x"}, occurrence="20260330T090000Z")
    with pytest.raises(ValueError):
        patch(GOOGLE, {"location": "x"}, series=SeriesWrite(rrule=None),
              occurrence="20260316T090000Z")


def test_rule17_drop_occurrence_without_exclude_gives_the_occurrence_back() -> None:
    raw = drop_occurrence(GOOGLE, "20260316T090000Z", exclude=False)
    item = parse_item(HREF, '"8"', raw)
    assert item.overrides == () and item.recurrence.exdates == ()
    assert raw.count("BEGIN:VEVENT") == 2 and "RECURRENCE-ID:20260309T090000Z" in raw
    assert item.fields == parsed("google").fields


@pytest.mark.parametrize(("name", "key", "exdate"), [
    ("google", "20260316T090000Z", "EXDATE:20260316T090000Z"),
    ("thunderbird", "20260309T090000Z", "EXDATE;TZID=Europe/Copenhagen:20260309T100000"),
    ("outlook", "20260309", "EXDATE;VALUE=DATE:20260309"),
    ("floating", "20260303T100000", "EXDATE:20260303T100000"),
    ("thunderbird", "20260330T080000Z", "EXDATE;TZID=Europe/Copenhagen:20260330T100000"),
])
def test_rule17_drop_occurrence_with_exclude_is_an_exception(name: str, key: str,
                                                             exdate: str) -> None:
    """The last case has no override: only the EXDATE is added, in DTSTART's kind."""
    with local_zone("Europe/Copenhagen"):
        raw = drop_occurrence(OBJECTS[name], key, exclude=True)
    assert exdate in raw.replace("\r\n ", "")
    item = parsed(name, raw)
    assert key not in keys(item.recurrence.overridden)
    assert key in keys(item.recurrence.exdates)
    assert len(item.overrides) == len(parsed(name).overrides) - (key != "20260330T080000Z")
    with local_zone("Europe/Copenhagen"):
        again = drop_occurrence(raw, key, exclude=True)
    assert again.count("EXDATE") == raw.count("EXDATE")        # not twice


def test_rule17_drop_of_a_missing_override_without_exclude_changes_nothing() -> None:
    raw = drop_occurrence(GOOGLE, "20260330T090000Z", exclude=False)
    assert other_components(raw, "") == other_components(GOOGLE, "")


def test_rule17_writes_need_a_series() -> None:
    single = cal(*vevent("DTSTART:20260302T090000Z"))
    with pytest.raises(InvalidItem, match="not a series"):
        add_occurrence(single, at(2026, 3, 2, 9), {"planned_start": at(2026, 3, 2, 10)})
    with pytest.raises(InvalidItem, match="not a series"):
        drop_occurrence(single, "20260302T090000Z", exclude=True)


def test_rule17_add_occurrence_refuses_incoherent_fields() -> None:
    with pytest.raises(ValueError):
        add_occurrence(GOOGLE, at(2026, 3, 23, 9), {"planned_start": at(2026, 3, 23, 9),
                                                    "planned_end": at(2026, 3, 23, 8)})


"""iCalendar ⇄ model mapping: round trips, patches that keep everything, hostile input."""

from __future__ import annotations

import os
import time
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterator

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from icalendar import Calendar

from crmdesk.errors import InvalidItem
from crmdesk.model import NATIVE_FIELDS, Fields, Status
from crmdesk.model.activity import with_defaults
from crmdesk.model.hashing import content_hash
from crmdesk.pim.ical import parse_item, patch, render_new

UTC = timezone.utc
settings.register_profile("ci", max_examples=300, deadline=None)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


def cal(*lines: str, tz: str = "") -> str:
    """A VCALENDAR around one component given as content lines."""
    return "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN",
                        *([tz] if tz else []), *lines, "END:VCALENDAR", ""])


def vevent(*props: str, uid: str = "ev-1") -> list[str]:
    return ["BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20240101T000000Z", *props, "END:VEVENT"]


def vtodo(*props: str, uid: str = "todo-1") -> list[str]:
    return ["BEGIN:VTODO", f"UID:{uid}", "DTSTAMP:20240101T000000Z", *props, "END:VTODO"]


WINDOWS_TZ = "\r\n".join([
    "BEGIN:VTIMEZONE", "TZID:W. Europe Standard Time",
    "BEGIN:STANDARD", "DTSTART:16010101T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:16010101T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE"])


def fields_of(raw: str) -> Fields:
    return parse_item("/c/x.ics", '"1"', raw).fields


def native(values: dict[str, Any]) -> Fields:
    full = with_defaults(values)
    return {name: full[name] for name in NATIVE_FIELDS}


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


@contextmanager
def local_zone(name: str) -> Iterator[None]:
    """Run with the process' local zone set to `name` (floating times)."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = name
    time.tzset()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old
        time.tzset()


# -- mapping ---------------------------------------------------------------

def test_event_fields_and_tzid_become_utc() -> None:
    raw = cal(*vevent("DTSTART;TZID=Europe/Berlin:20240701T100000",
                      "DTEND;TZID=Europe/Berlin:20240701T113000",
                      "SUMMARY:Visit\\, ACME", "DESCRIPTION:a\\nb", "LOCATION:Berlin",
                      "PRIORITY:2", "ORGANIZER;CN=Bob:MAILTO:Bob@Example.COM"))
    item = parse_item("/c/x.ics", '"e"', raw)
    assert item.fields == native({
        "description": "Visit, ACME", "comment": "a\nb", "location": "Berlin",
        "planned_start": at(2024, 7, 1, 8), "planned_end": at(2024, 7, 1, 9, 30),
        "priority": "high"})
    assert (item.uid, item.component, item.organizer) == ("ev-1", "VEVENT", "bob@example.com")
    assert item.content_hash == content_hash("VEVENT", item.fields)


@pytest.mark.parametrize(("prop", "expected"), [
    ("PRIORITY:1", "high"), ("PRIORITY:4", "high"), ("PRIORITY:5", "medium"),
    ("PRIORITY:0", "medium"), ("PRIORITY:6", "low"), ("PRIORITY:9", "low"),
    ("PRIORITY:x", "medium"), ("X-NONE:1", "medium")])
def test_priority_mapping(prop: str, expected: str) -> None:
    assert fields_of(cal(*vevent("DTSTART:20240101T100000Z", prop)))["priority"] == expected


@pytest.mark.parametrize(("lines", "expected"), [
    (vevent("DTSTART:20240101T100000Z", "STATUS:CANCELLED"), "cancelled"),
    (vevent("DTSTART:20240101T100000Z", "STATUS:CONFIRMED"), "planned"),
    (vevent("DTSTART:20240101T100000Z", "X-CRMDESK-STATUS:done"), "done"),
    (vtodo("STATUS:COMPLETED"), "done"), (vtodo("STATUS:CANCELLED"), "cancelled"),
    (vtodo("STATUS:IN-PROCESS"), "planned"), (vtodo(), "planned")])
def test_status_mapping(lines: list[str], expected: str) -> None:
    assert fields_of(cal(*lines))["status"] == expected


def test_all_day_event_without_end_lasts_one_day() -> None:
    fields = fields_of(cal(*vevent("DTSTART;VALUE=DATE:20240229")))
    assert fields["all_day"] is True
    assert (fields["planned_start"], fields["planned_end"]) == (at(2024, 2, 29), at(2024, 3, 1))


def test_duration_gives_the_end() -> None:
    fields = fields_of(cal(*vevent("DTSTART:20240101T100000Z", "DURATION:PT90M")))
    assert fields["planned_end"] == at(2024, 1, 1, 11, 30)


def test_todo_due_only_and_due_as_end() -> None:
    due_only = fields_of(cal(*vtodo("DUE:20240105T120000Z")))
    assert due_only["planned_start"] == due_only["planned_end"] == at(2024, 1, 5, 12)
    both = fields_of(cal(*vtodo("DTSTART;VALUE=DATE:20240101", "DUE;VALUE=DATE:20240105")))
    assert both["all_day"] and both["planned_end"] == at(2024, 1, 5)
    assert fields_of(cal(*vtodo()))["planned_start"] is None


def test_recurring_master_is_taken_even_after_its_override() -> None:
    override = vevent("RECURRENCE-ID:20240108T100000Z", "DTSTART:20240108T150000Z",
                      "SUMMARY:moved")
    master = vevent("DTSTART:20240101T100000Z", "RRULE:FREQ=WEEKLY", "SUMMARY:weekly")
    assert fields_of(cal(*override, *master))["description"] == "weekly"


def test_windows_zone_from_vtimezone() -> None:
    raw = cal(*vevent("DTSTART;TZID=W. Europe Standard Time:20240115T100000"), tz=WINDOWS_TZ)
    assert fields_of(raw)["planned_start"] == at(2024, 1, 15, 9)


def test_floating_time_is_local_time() -> None:
    raw = cal(*vevent("DTSTART:20240701T100000", "DTEND:20240701T110000"))
    with local_zone("America/New_York"):
        assert fields_of(raw)["planned_start"] == at(2024, 7, 1, 14)


# -- hostile input ---------------------------------------------------------

HOSTILE = {
    "empty": ("", "not iCalendar"),
    "prose": ("hello world", "not iCalendar"),
    "bare event": ("\r\n".join(vevent("DTSTART:20240101T100000Z")), "VCALENDAR"),
    "unterminated": ("BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", "unreadable"),
    "journal only": (cal("BEGIN:VJOURNAL", "UID:j", "END:VJOURNAL"), "no VEVENT or VTODO"),
    "no uid": (cal("BEGIN:VEVENT", "DTSTART:20240101T100000Z", "END:VEVENT"), "missing UID"),
    "no dtstart": (cal(*vevent("SUMMARY:x")), "without DTSTART"),
    "end first": (cal(*vevent("DTSTART:20240101T100000Z", "DTEND:20240101T090000Z")),
                  "before the start"),
    "negative duration": (cal(*vevent("DTSTART:20240101T100000Z", "DURATION:-PT1H")),
                          "before the start"),
    "unknown tz": (cal(*vevent("DTSTART;TZID=Mars/Olympus:20240101T100000")), "unknown TZID"),
    "bad date": (cal(*vevent("DTSTART:2024XX01T100000Z")), "DTSTART"),
    "mixed types": (cal(*vevent("DTSTART;VALUE=DATE:20240101", "DTEND:20240102T100000Z")),
                    "value type"),
    "two dtstart": (cal(*vevent("DTSTART:20240101T100000Z", "DTSTART:20240102T100000Z")),
                    "more than once"),
    "two uids": (cal(*vevent("DTSTART:20240101T100000Z", uid="a"),
                     *vevent("DTSTART:20240101T100000Z", uid="b")), "several UIDs"),
    "two calendars": (cal(*vevent("DTSTART:20240101T100000Z")) * 2, "unreadable"),
    "bad duration": (cal(*vevent("DTSTART:20240101T100000Z", "DURATION:soon")), ""),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_is_invalid_item(name: str) -> None:
    raw, reason = HOSTILE[name]
    with pytest.raises(InvalidItem) as info:
        parse_item("/c/bad.ics", '"1"', raw)
    assert info.value.key == "/c/bad.ics"
    assert reason in info.value.detail
    assert len(info.value.detail) < 300


def test_undecodable_bytes_are_invalid_item() -> None:
    with pytest.raises(InvalidItem):
        parse_item("/c/bad.ics", '"1"', b"BEGIN:VCALENDAR\xff\xfe")  # type: ignore[arg-type]


@given(st.text(max_size=300))
def test_fuzzed_text_never_crashes(raw: str) -> None:
    try:
        parse_item("/c/f.ics", '"1"', raw)
    except InvalidItem:
        pass


VALID = cal(*vevent("DTSTART;TZID=Europe/Berlin:20240701T100000", "DURATION:PT1H",
                    "SUMMARY:a", "RRULE:FREQ=DAILY;COUNT=3", "PRIORITY:3"))


@given(st.lists(st.tuples(st.integers(0, 12), st.text(max_size=40)), max_size=4))
def test_mangled_lines_never_crash(edits: list[tuple[int, str]]) -> None:
    lines = VALID.split("\r\n")
    for index, text in edits:
        lines[index % len(lines)] = text
    try:
        parse_item("/c/f.ics", '"1"', "\r\n".join(lines))
    except InvalidItem:
        pass


# -- render_new round trip (property) -------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from("\n\t\r"),
               max_size=40)
INSTANT = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2099, 12, 31),
                       timezones=st.just(UTC))


@st.composite
def native_fields(draw: st.DrawFn, component: str) -> dict[str, Any]:
    """Valid native fields for `component` (not yet normalized)."""
    all_day = draw(st.booleans())
    first: datetime = draw(INSTANT)
    days = 1 if all_day and component == "VEVENT" else 0
    start: datetime | None = first
    end: datetime | None = first + draw(st.timedeltas(timedelta(days=days), timedelta(days=40)))
    if component == "VEVENT" and not all_day and draw(st.booleans()):
        end = None
    if component == "VTODO":
        end = draw(st.sampled_from([end, None]))
        start = draw(st.sampled_from([start, None])) if end is None else start
    all_day = all_day and start is not None     # a dateless to-do has no all-day flag
    return {
        "description": draw(TEXT), "comment": draw(TEXT), "location": draw(TEXT),
        "planned_start": start, "planned_end": end, "all_day": all_day,
        "status": draw(st.sampled_from(["planned", "done", "cancelled"])),
        "priority": draw(st.sampled_from(["high", "medium", "low"])),
    }


@pytest.mark.parametrize("component", ["VEVENT", "VTODO"])
@given(data=st.data())
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_render_new_round_trips(component: str, data: st.DataObject) -> None:
    fields = data.draw(native_fields(component))
    item = parse_item("/c/n.ics", '"1"', render_new("uid-1", component, fields))
    assert item.component == component
    assert item.uid == "uid-1"
    assert item.fields == native(fields)


def test_render_new_shape_and_attendees() -> None:
    raw = render_new("u@x", "VEVENT", {"planned_start": at(2024, 1, 1, 9)},
                     organizer="rep@example.com", attendees=[("bob@example.com", "Bob")])
    event = Calendar.from_ical(raw).walk("VEVENT")[0]
    assert "PRODID:-//crmdesk//EN" in raw and "VERSION:2.0" in raw
    assert "DTSTAMP" in event and "DTSTART:20240101T090000Z" in raw
    assert event["ATTENDEE"].params["SCHEDULE-AGENT"] == "CLIENT"   # rule 19
    assert parse_item("/c/n.ics", "", raw).organizer == "rep@example.com"


def test_render_new_all_day_uses_dates() -> None:
    event = render_new("d", "VEVENT", {"all_day": True, "planned_start": at(2024, 3, 4),
                                       "planned_end": at(2024, 3, 6)})
    assert "DTSTART;VALUE=DATE:20240304" in event and "DTEND;VALUE=DATE:20240306" in event
    todo = render_new("t", "VTODO", {"all_day": True, "planned_start": at(2024, 3, 4),
                                     "planned_end": at(2024, 3, 6)})
    assert "DUE;VALUE=DATE:20240306" in todo


def test_render_new_refuses_incoherent_fields() -> None:
    with pytest.raises(ValueError):
        render_new("x", "VEVENT", {"description": "no start"})
    with pytest.raises(ValueError):
        render_new("x", "VEVENT", {"planned_start": at(2024, 1, 2), "planned_end": at(2024, 1, 1)})
    with pytest.raises(ValueError):
        render_new("x", "VJOURNAL", {"planned_start": at(2024, 1, 2)})


# -- patch (property) ------------------------------------------------------

EXTRAS = ("ATTENDEE;CN=Ann;PARTSTAT=ACCEPTED;SCHEDULE-AGENT=CLIENT:mailto:ann@example.com",
                     "SEQUENCE:4",
          "X-MOZ-GENERATION:7", "CATEGORIES:Customer",
          "BEGIN:VALARM", "ACTION:DISPLAY", "DESCRIPTION:ring", "TRIGGER:-PT15M", "END:VALARM")
BERLIN_TZ = "\r\n".join([
    "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
    "BEGIN:STANDARD", "DTSTART:19701025T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE"])
TEMPLATES = {
    "berlin": cal(*vevent("DTSTART;TZID=Europe/Berlin:20240701T100000",
                          "DTEND;TZID=Europe/Berlin:20240701T110000", "SUMMARY:s", *EXTRAS),
                  tz=BERLIN_TZ),
    "new york, no vtimezone": cal(*vevent("DTSTART;TZID=America/New_York:20241103T013000",
                                          "DURATION:PT2H", "LOCATION:NYC", *EXTRAS)),
    "windows zone": cal(*vevent("DTSTART;TZID=W. Europe Standard Time:20240115T100000",
                                "DTEND;TZID=W. Europe Standard Time:20240115T120000",
                                "PRIORITY:7", "STATUS:TENTATIVE", *EXTRAS), tz=WINDOWS_TZ),
    "utc": cal(*vevent("DTSTART:20240101T100000Z", "DTEND:20240101T110000Z",
                       "STATUS:CANCELLED", "DESCRIPTION:x",
                       "X-ALT-DESC;FMTTYPE=text/html:<b>x</b>")),
    "floating": cal(*vevent("DTSTART:20240701T100000", "DTEND:20240701T110000")),
    "all day": cal(*vevent("DTSTART;VALUE=DATE:20240301", "X-CRMDESK-STATUS:done", *EXTRAS)),
    "recurring": cal(*vevent("DTSTART;TZID=Europe/Berlin:20240101T090000",
                             "DTEND;TZID=Europe/Berlin:20240101T093000", "RRULE:FREQ=WEEKLY",
                             "EXDATE;TZID=Europe/Berlin:20240115T090000"),
                     *vevent("RECURRENCE-ID;TZID=Europe/Berlin:20240108T090000",
                             "DTSTART;TZID=Europe/Berlin:20240108T140000",
                             "DTEND;TZID=Europe/Berlin:20240108T143000"), tz=BERLIN_TZ),
    "todo due only": cal(*vtodo("DUE;TZID=Europe/Berlin:20240105T170000",
                                "STATUS:IN-PROCESS", "PERCENT-COMPLETE:40"), tz=BERLIN_TZ),
    "todo start+due": cal(*vtodo("DTSTART:20240101T080000Z", "DUE:20240105T170000Z",
                                 "STATUS:COMPLETED", "COMPLETED:20240104T100000Z")),
    "todo dateless": cal(*vtodo("SUMMARY:call back", "PRIORITY:1", *EXTRAS)),
}
CHANGES = st.fixed_dictionaries({}, optional={
    "description": TEXT, "comment": TEXT, "location": TEXT,
    "planned_start": INSTANT | st.none(), "planned_end": INSTANT | st.none(),
    "all_day": st.booleans(),
    "status": st.sampled_from(["planned", "done", "cancelled"]),
    "priority": st.sampled_from(["high", "medium", "low"]),
    "account": st.integers(1, 9),        # a CRM-only field: ignored
})


def representable(component: str, fields: Fields) -> bool:
    """Fields a native object can hold without a canonical rewrite."""
    start, end = fields["planned_start"], fields["planned_end"]
    if start is not None and end is not None and end < start:
        return False
    if component == "VEVENT":
        if fields["all_day"] and start is not None and end is not None \
                and end.date() <= start.date():
            return False        # DTEND is exclusive: such an entry is written as one day
        return start is not None and not (fields["all_day"] and end is None)
    if start is None:      # a dateless to-do has no all-day flag
        return end is None and not fields["all_day"]
    return True


@given(name=st.sampled_from(sorted(TEMPLATES)), changes=CHANGES)
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_patch_round_trips(name: str, changes: dict[str, Any]) -> None:
    raw = TEMPLATES[name]
    old = parse_item("/c/p.ics", "", raw)
    expected = native({**old.fields, **changes})
    assume(representable(old.component, expected))
    patched = parse_item("/c/p.ics", "", patch(raw, changes))
    assert patched.fields == expected
    assert (patched.uid, patched.component) == (old.uid, old.component)


@given(changes=CHANGES)
def test_patch_floating_in_a_dst_zone(changes: dict[str, Any]) -> None:
    with local_zone("Europe/Berlin"):
        raw = TEMPLATES["floating"]
        expected = native({**fields_of(raw), **changes})
        assume(representable("VEVENT", expected))
        assert fields_of(patch(raw, changes)) == expected


# -- patch keeps everything else ---------------------------------------------

def test_patch_keeps_tzid_and_unknown_properties() -> None:
    out = patch(TEMPLATES["berlin"], {"planned_start": at(2024, 7, 2, 6),
                                      "planned_end": at(2024, 7, 2, 7, 45),
                                      "description": "moved"})
    assert "DTSTART;TZID=Europe/Berlin:20240702T080000" in out
    assert "DTEND;TZID=Europe/Berlin:20240702T094500" in out
    unfolded = out.replace("\r\n ", "")
    # Rule 19: the kept attendee now carries SCHEDULE-AGENT=CLIENT.
    for kept in ("ATTENDEE;CN=Ann;PARTSTAT=ACCEPTED;SCHEDULE-AGENT=CLIENT:mailto:ann@example.com",
                 "SEQUENCE:4", "X-MOZ-GENERATION:7", "CATEGORIES:Customer", "BEGIN:VALARM",
                 "TRIGGER:-PT15M", "BEGIN:VTIMEZONE", "TZID:Europe/Berlin"):
        assert kept in unfolded
    event = Calendar.from_ical(out).walk("VEVENT")[0]
    assert event.decoded("DTSTAMP") > at(2025, 1, 1)
    assert "LAST-MODIFIED" in event


def test_patch_duration_becomes_dtend_in_the_same_zone() -> None:
    out = patch(TEMPLATES["new york, no vtimezone"], {"planned_end": at(2024, 11, 3, 9)})
    assert "DURATION" not in out
    assert "DTEND;TZID=America/New_York:20241103T040000" in out


def test_patch_ambiguous_local_time_falls_back_to_utc() -> None:
    # 06:30 UTC on 2024-11-03 is 01:30 EST, the second 01:30 of that night in New York
    out = patch(TEMPLATES["new york, no vtimezone"], {"planned_start": at(2024, 11, 3, 6, 30)})
    assert "DTSTART:20241103T063000Z" in out
    assert fields_of(out)["planned_start"] == at(2024, 11, 3, 6, 30)
    # same in a zone defined by a VTIMEZONE: 01:30 UTC on 2024-10-27 is the second 02:30
    out = patch(TEMPLATES["windows zone"], {"planned_start": at(2024, 10, 27, 1, 30),
                                            "planned_end": at(2024, 10, 27, 3)})
    assert "DTSTART:20241027T013000Z" in out
    assert "DTEND;TZID=W. Europe Standard Time:20241027T040000" in out


def test_patch_removes_emptied_text_and_stale_html() -> None:
    out = patch(TEMPLATES["utc"], {"comment": "", "location": ""})
    assert "DESCRIPTION" not in out and "X-ALT-DESC" not in out
    assert "STATUS:CANCELLED" in out


def test_patch_switches_all_day() -> None:
    timed = patch(TEMPLATES["all day"], {"all_day": False, "planned_start": at(2024, 3, 1, 9),
                                         "planned_end": at(2024, 3, 1, 10)})
    assert "DTSTART:20240301T090000Z" in timed
    back = patch(timed, {"all_day": True, "planned_end": at(2024, 3, 2)})
    assert "DTSTART;VALUE=DATE:20240301" in back and "DTEND;VALUE=DATE:20240302" in back


def test_patch_todo_status() -> None:
    done = patch(TEMPLATES["todo due only"], {"status": "done",
                                              "planned_start": at(2024, 1, 6, 16),
                                              "planned_end": at(2024, 1, 6, 16)})
    assert "STATUS:COMPLETED" in done and "COMPLETED:" in done
    todo = Calendar.from_ical(done).walk("VTODO")[0]
    assert "DTSTART" not in todo                       # a due-only to-do stays so
    assert "DUE;TZID=Europe/Berlin:20240106T170000" in done
    again = patch(done, {"status": "planned"})
    assert "STATUS:NEEDS-ACTION" in again and "\r\nCOMPLETED:" not in again


def test_patch_event_status_done_and_back() -> None:
    done = patch(TEMPLATES["windows zone"], {"status": "done"})
    assert "X-CRMDESK-STATUS:done" in done and "STATUS:TENTATIVE" in done
    assert "X-CRMDESK-STATUS" not in patch(done, {"status": "planned"})


def test_patch_keeps_overrides_of_a_series() -> None:
    out = patch(TEMPLATES["recurring"], {"description": "standup"})
    assert out.count("BEGIN:VEVENT") == 2 and "RECURRENCE-ID" in out
    assert "RRULE:FREQ=WEEKLY" in out and "EXDATE;TZID=Europe/Berlin" in out


def test_patch_refuses_incoherent_result() -> None:
    with pytest.raises(ValueError):
        patch(TEMPLATES["utc"], {"planned_start": at(2024, 1, 2)})   # after the end
    with pytest.raises(InvalidItem):
        patch("garbage", {"description": "x"})


# -- content hash (rule 20) -----------------------------------------------

def test_content_hash_ignores_noise_and_sees_edits() -> None:
    raw = TEMPLATES["berlin"]
    restamped = raw.replace("DTSTAMP:20240101T000000Z", "DTSTAMP:20250101T000000Z")
    assert parse_item("/a", "1", raw).content_hash == parse_item("/b", "2", restamped).content_hash
    edited = parse_item("/a", "1", patch(raw, {"location": "Hamburg"}))
    assert edited.content_hash != parse_item("/a", "1", raw).content_hash


def test_content_hash_is_stable_and_defaults_fill_in() -> None:
    partial = {"description": "x", "planned_start": at(2024, 1, 1)}
    assert content_hash("VEVENT", partial) == content_hash("vevent", native(partial))
    assert content_hash("VEVENT", partial) != content_hash("VTODO", partial)
    assert len(content_hash("VTODO", {})) == 64
    assert content_hash("VTODO", {"date_unused": date.today()}) == content_hash("VTODO", {})


def test_done_meeting_shows_a_visible_mark_that_never_flows_back() -> None:
    from crmdesk.pim.ical import DONE_MARK, parse_item, patch, render_new
    fields = {"description": "Demo at Globex", "status": Status.DONE,
              "planned_start": datetime(2026, 11, 23, 9, tzinfo=timezone.utc),
              "planned_end": datetime(2026, 11, 23, 10, tzinfo=timezone.utc)}
    text = render_new("done-1", "VEVENT", fields)
    assert f"SUMMARY:{DONE_MARK}Demo at Globex" in text
    item = parse_item("/c/done-1.ics", '"1"', text)
    assert item.fields["description"] == "Demo at Globex"
    assert item.fields["status"] is Status.DONE
    reopened = patch(text, {"status": Status.PLANNED})
    assert "SUMMARY:Demo at Globex" in reopened
    assert parse_item("/c/done-1.ics", '"2"', reopened).fields["status"] is Status.PLANNED


def test_a_subject_that_starts_with_the_mark_is_kept_when_not_done() -> None:
    from crmdesk.pim.ical import DONE_MARK, parse_item, render_new
    title = f"{DONE_MARK}Checklist review"
    text = render_new("mark-2", "VEVENT", {"description": title,
                                           "planned_start": datetime(2026, 11, 23, 9,
                                                                     tzinfo=timezone.utc)})
    assert parse_item("/c/mark-2.ics", '"1"', text).fields["description"] == title


def test_backslashes_in_text_round_trip() -> None:
    """icalendar reads a literal backslash-N as an escaped newline; crmdesk
    escapes TEXT itself so "\\N" stays "\\N" (found by Hypothesis)."""
    from datetime import datetime, timezone
    start = datetime(2026, 1, 1, 9, tzinfo=timezone.utc)
    for text in ("\\N", "a,b;c\\d", "line1\nline2", "x\\ny", "\\\\n"):
        raw = render_new("u1", "VEVENT", {"description": "x", "location": text,
                                          "planned_start": start, "planned_end": start})
        assert parse_item("/a", "e", raw).fields["location"] == text


def test_rule_6_an_all_day_entry_ending_on_its_first_day_is_written_as_one_day() -> None:
    day = datetime(2026, 11, 26, tzinfo=timezone.utc)
    fields = with_defaults({"description": "Trade show", "planned_start": day,
                               "planned_end": day, "all_day": True})
    raw = render_new("u-oneday", "VEVENT", fields)
    assert "DTEND;VALUE=DATE:20261127" in raw.replace("\r\n", "\n")
    item = parse_item("/c/oneday.ics", "", raw)
    assert item.fields["planned_end"] == day + timedelta(days=1)

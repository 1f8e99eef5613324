"""Rule 17 under the hard cases, continued: two reps sharing one series with a
moved occurrence (rule 2 across reps), the phone moving an occurrence again
between syncs, and a guarded write of a series' object that loses a race
(rule 8), on Radicale and Xandikos with a real Tryton.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from crmdesk.model.occurrence import crm_instant, rid_key
from crmdesk.model.recurrence import CrmRepeat
from crmdesk.pim import ical
from tests.integration.conftest import Rep, make_rep, second_calendar
from tests.integration.test_series import _monday
from tests.integration.test_series_occurrences_hard import _kill_at_each_point
from tests.integration.test_series_occurrences import (_override, _same_occurrences,
                                                       _series_with_moved, _without_override)

pytestmark = pytest.mark.integration

CPH = ZoneInfo("Europe/Copenhagen")
UTC = timezone.utc
STAMP = "20261101T000000Z"


def _people(organizer: str, attendee: str) -> list[str]:
    return [f"ORGANIZER;CN=Organizer:mailto:{organizer}",
            f"ATTENDEE;CN=Organizer;PARTSTAT=ACCEPTED;ROLE=CHAIR:mailto:{organizer}",
            "ATTENDEE;CN=Attendee;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;RSVP=TRUE:"
            f"mailto:{attendee}"]


def _thunderbird_series(uid: str, title: str, first: datetime, organizer: str,
                        attendee: str, override_people: bool = True,
                        moved_weeks: int = 1) -> str:
    """A weekly meeting as Thunderbird writes it for its organizer, the
    occurrence of week `moved_weeks` (0: none) moved to the afternoon (the
    override repeats the people)."""
    def times(begins: datetime) -> list[str]:
        return [f"DTSTART;TZID=Europe/Copenhagen:{begins:%Y%m%dT%H%M%S}",
                f"DTEND;TZID=Europe/Copenhagen:{begins + timedelta(hours=1):%Y%m%dT%H%M%S}"]

    moved_from = first + timedelta(weeks=moved_weeks)
    people = _people(organizer, attendee)
    lines = ["BEGIN:VCALENDAR", "PRODID:-//Mozilla.org/NONSGML Mozilla Calendar V1.1//EN",
             "VERSION:2.0", "BEGIN:VEVENT", f"CREATED:{STAMP}", f"LAST-MODIFIED:{STAMP}",
             f"DTSTAMP:{STAMP}", f"UID:{uid}", f"SUMMARY:{title}", *people,
             "RRULE:FREQ=WEEKLY;COUNT=6", *times(first), "SEQUENCE:0",
             "X-MOZ-GENERATION:1", "END:VEVENT"]
    if moved_weeks:
        lines += ["BEGIN:VEVENT", f"CREATED:{STAMP}", f"LAST-MODIFIED:{STAMP}",
                  f"DTSTAMP:{STAMP}", f"UID:{uid}", f"SUMMARY:{title} (afternoon)",
                  *(people if override_people else people[:1]),
                  f"RECURRENCE-ID;TZID=Europe/Copenhagen:{moved_from:%Y%m%dT%H%M%S}",
                  *times(moved_from + timedelta(hours=5)), "SEQUENCE:1",
                  "X-MOZ-GENERATION:2", "END:VEVENT"]
    return "\r\n".join([*lines, "END:VCALENDAR", ""])


def _share_and_sync(rep: Rep, uid: str) -> Any:
    rep.sync()
    rep.app.share(rep.key(uid))
    return rep.sync()


def _rows(admin: Any, uid: str) -> list[dict[str, Any]]:
    return admin.call("crm.activity", "search_read", [("integration_id", "=", uid)], 0, None,
                      None, ["series", "recurrence_id", "owner", "employees", "description"])


def _put_both(reps: tuple[Rep, Rep], uid: str, first: datetime, people: tuple[Any, Any],
              override_people: bool = True, moved_weeks: int = 1) -> None:
    """The organizer's calendar and (a copy) the attendee's get the meeting."""
    for rep, listed in zip(reps, (override_people, True)):
        text = _thunderbird_series(uid, f"Joint visit {uid[:6]}", first, people[0].email,
                                   people[1].email, listed, moved_weeks)
        existing = rep.native(uid)
        if existing is None:
            rep.caldav.put(uid, text)
        else:
            rep.caldav.client.update(existing, text)


def _one_of_each(admin: Any, reps: tuple[Rep, Rep], uid: str, people: tuple[Any, Any],
                 moved_from: datetime) -> None:
    """ONE CRM series and ONE CRM occurrence, the organizer's, with both reps
    on the team of both and linked to both reps' copies, nothing twice."""
    rows = _rows(admin, uid)
    series = [r for r in rows if not r["series"]]
    occurrences = [r for r in rows if r["series"]]
    assert (len(series), len(occurrences)) == (1, 1), rows
    [series], [occurrence] = series, occurrences
    assert occurrence["series"] == series["id"]
    assert crm_instant(occurrence["recurrence_id"]) == moved_from.astimezone(UTC)
    for row in (series, occurrence):
        assert row["owner"] == people[0].employee_id
        assert set(row["employees"]) >= {p.employee_id for p in people}
    for rep in reps:
        proxies = [p for p in rep.app.store.proxies() if p.uid == uid]
        assert sorted(p.crm_id for p in proxies) == sorted([series["id"], occurrence["id"]])
        assert {p.state for p in proxies} == {"synced"}
        [native] = [i for i in rep.natives() if i.uid == uid]
        assert len(native.overrides) == 1 and native.raw.count("RECURRENCE-ID") == 1


def _first() -> datetime:
    return datetime.combine(_monday(), datetime.min.time()).replace(hour=9)


@pytest.mark.parametrize("order, override_people", [
    ("organizer first", True), ("attendee first", True),
    # A's copy of the override lists no attendees: B is not on the team of
    # A's occurrence and joins it by its series' UID and recurrence_id.
    ("organizer first", False)])
def test_rule_17_two_reps_share_one_series_with_a_moved_occurrence(
        tmp_path: Path, caldav: Any, tryton_server: Any, tryton_admin: Any, tryton_rep: Any,
        tryton_rep2: Any, order: str, override_people: bool) -> None:
    people = (tryton_rep, tryton_rep2)
    rep_a = make_rep(tmp_path / "a", caldav, tryton_server, tryton_rep)
    rep_b = make_rep(tmp_path / "b", second_calendar(caldav), tryton_server, tryton_rep2)
    try:
        uid = f"{uuid.uuid4()}@thunderbird.test"
        _put_both((rep_a, rep_b), uid, _first(), people, override_people)
        reps = [rep_a, rep_b] if order == "organizer first" else [rep_b, rep_a]
        for rep in reps:
            _share_and_sync(rep, uid)
            if not override_people and rep is rep_a:     # B is not on its team yet
                [row] = [r for r in _rows(tryton_admin, uid) if r["series"]]
                assert tryton_rep2.employee_id not in row["employees"]
        moved_from = (_first() + timedelta(weeks=1)).replace(tzinfo=CPH)
        _one_of_each(tryton_admin, (rep_a, rep_b), uid, people, moved_from)
        for rep in reps * 2:
            report = rep.sync()
            assert (report.crm.created, report.calendar.created) == (0, 0)
            assert not report.conflicts
        assert len(_rows(tryton_admin, uid)) == 2
        if override_people:              # the same copy in both calendars: nothing to do
            last = reps[0].sync()
            assert last.crm.updated == last.calendar.updated == 0
    finally:
        rep_a.app.close()
        rep_b.app.close()


@pytest.mark.parametrize("before", [0, 1], ids=["first move", "another week"])
@pytest.mark.parametrize("order", ["organizer first", "attendee first"])
def test_rule_17_two_reps_the_organizer_moves_an_occurrence_of_their_shared_series(
        tmp_path: Path, caldav: Any, tryton_server: Any, tryton_admin: Any, tryton_rep: Any,
        tryton_rep2: Any, order: str, before: int) -> None:
    """Both reps share the series (with no moved occurrence, or week 1's);
    both calendars get the organizer's update (week 1 back in the series,
    week 4 moved): whoever syncs first, ONE CRM occurrence ends for week 4."""
    people = (tryton_rep, tryton_rep2)
    rep_a = make_rep(tmp_path / "a", caldav, tryton_server, tryton_rep)
    rep_b = make_rep(tmp_path / "b", second_calendar(caldav), tryton_server, tryton_rep2)
    try:
        uid = f"{uuid.uuid4()}@thunderbird.test"
        _put_both((rep_a, rep_b), uid, _first(), people, moved_weeks=before)
        for rep in (rep_a, rep_b):
            _share_and_sync(rep, uid)
        _put_both((rep_a, rep_b), uid, _first(), people, moved_weeks=4)
        reps = [rep_a, rep_b] if order == "organizer first" else [rep_b, rep_a]
        for rep in reps * 2:
            assert not rep.sync().conflicts
        _one_of_each(tryton_admin, (rep_a, rep_b), uid, people,
                     (_first() + timedelta(weeks=4)).replace(tzinfo=CPH))
        [series] = [r for r in _rows(tryton_admin, uid) if not r["series"]]
        exceptions = CrmRepeat.from_extra(rep_a.crm_record(series["id"]).extra).exceptions
        assert (_first() + timedelta(weeks=4)).date() in exceptions
        assert (_first() + timedelta(weeks=1)).date() not in exceptions
    finally:
        rep_a.app.close()
        rep_b.app.close()


def _move_to_another_week(rep: Rep, title: str) -> tuple[str, Any, Any, datetime, datetime]:
    """A shared series with a moved occurrence, synced; then the phone puts
    that week back into the series and moves another week's occurrence."""
    uid, series, moved_from, skipped = _series_with_moved(rep, title)
    [old] = rep.crm.find_occurrences([series.id])
    new_from = moved_from + timedelta(weeks=3)
    native = rep.native(uid)
    raw = _without_override(native.raw).replace(
        "END:VCALENDAR", _override(uid, new_from.replace(tzinfo=None), hours=3,
                                   summary=f"{title} (moved)") + "\r\nEND:VCALENDAR", 1)
    rep.caldav.client.update(native, raw)
    return uid, series, old, new_from, skipped


def _moved_to_another_week(rep: Rep, work: tuple[str, Any, Any, datetime, datetime]) -> None:
    """The old CRM occurrence is gone, one new one replaces the new week, and
    the CRM series' exceptions follow."""
    uid, series, old, new_from, skipped = work
    assert rep.crm_record(old.id) is None
    [new] = rep.crm.find_occurrences([series.id])
    assert crm_instant(new.extra["recurrence_id"]) == new_from.astimezone(UTC)
    assert new.fields["description"] == f"{series.fields['description']} (moved)"
    exceptions = CrmRepeat.from_extra(rep.crm_record(series.id).extra).exceptions
    assert new_from.date() in exceptions and skipped.date() in exceptions
    assert (new_from - timedelta(weeks=3)).date() not in exceptions
    [native] = [i for i in rep.natives() if i.uid == uid]
    [override] = native.overrides
    proxies = {p.href: p.crm_id for p in rep.app.store.proxies() if p.uid == uid}
    assert proxies == {native.href: series.id, override.href: new.id}
    _same_occurrences(rep, uid)


def test_rule_17_the_phone_moves_the_override_to_another_week(rep: Rep) -> None:
    work = _move_to_another_week(rep, "Account review")
    report = rep.sync()
    assert (report.crm.deleted, report.crm.created) == (1, 1)
    _moved_to_another_week(rep, work)
    again = rep.sync()
    assert again.crm.created == again.crm.deleted == again.crm.updated == 0


def test_rule_17_kill_9_at_every_point_of_moving_the_override_to_another_week(
        rep: Rep, tryton_rep: Any) -> None:
    def setup(step: int) -> tuple[str, Any, Any, datetime, datetime]:
        return _move_to_another_week(rep, f"Re-move {step} {uuid.uuid4().hex[:4]}")

    points = _kill_at_each_point(rep, tryton_rep, setup,
                                 lambda step, work: _moved_to_another_week(rep, work))
    print("rule 17 re-move kill points:", points)
    assert {"before DeleteCrm", "after DeleteCrm", "before CreateCrm"} <= set(points)


def test_rule_17_the_phone_moves_a_moved_occurrence_again_same_recurrence_id(
        rep: Rep) -> None:
    """How clients move an occurrence twice: the override keeps its
    RECURRENCE-ID and gets a new start, so the same CRM activity moves."""
    uid, series, moved_from, _ = _series_with_moved(rep, "Forecast call")
    [occurrence] = rep.crm.find_occurrences([series.id])
    native = rep.native(uid)
    later = (moved_from + timedelta(days=2, hours=7)).astimezone(UTC)
    rep.caldav.client.update(native, ical.patch(
        native.raw, {"planned_start": later, "planned_end": later + timedelta(hours=1)},
        occurrence=rid_key(moved_from)))
    report = rep.sync()
    assert (report.crm.created, report.crm.deleted, report.crm.updated) == (0, 0, 1)
    [same] = rep.crm.find_occurrences([series.id])
    assert same.id == occurrence.id and same.fields["planned_start"] == later
    assert crm_instant(same.extra["recurrence_id"]) == moved_from.astimezone(UTC)
    _same_occurrences(rep, uid)


def _phone(rep: Rep, uid: str, changes: dict[str, Any], occurrence: str = "") -> None:
    native = rep.native(uid)
    rep.caldav.client.update(native, ical.patch(native.raw, changes, occurrence=occurrence))


@pytest.mark.parametrize("crm_edits", ["occurrence", "series"])
def test_rule_8_rule_17_a_series_object_write_that_lost_a_race_loses_no_edit(
        rep: Rep, crm_edits: str) -> None:
    """The CRM edits one of the two (occurrence or series); the phone edits
    the other in the same calendar object just before crmdesk's guarded PUT
    of it.  The PUT loses (If-Match), the object is read again and merged
    again: after the next sync both edits are on both sides."""
    uid, series, moved_from, _ = _series_with_moved(rep, f"Race {crm_edits}")
    [occurrence] = rep.crm.find_occurrences([series.id])
    key = rid_key(moved_from)
    target = occurrence if crm_edits == "occurrence" else series
    target = rep.crm_record(target.id)
    rep.crm.write(target.id, {"location": "CRM: room 4"}, target.timestamp)
    phone_key = "" if crm_edits == "occurrence" else key
    raced: list[str] = []

    def checkpoint(where: str) -> None:
        if where.startswith("calendar write recorded") and not raced:
            raced.append(where)
            _phone(rep, uid, {"comment": "Phone: bring the slides"}, occurrence=phone_key)

    report, _ = rep.app.run_sync(checkpoint=checkpoint)
    assert raced and not report.errors and not report.conflicts
    rep.sync()
    native = rep.native(uid)
    [override] = native.overrides
    crm_copy, phone_copy = (override, native) if crm_edits == "occurrence" else (native,
                                                                                 override)
    assert crm_copy.fields["location"] == "CRM: room 4"
    assert phone_copy.fields["comment"] == "Phone: bring the slides"
    phone_id = series.id if crm_edits == "occurrence" else occurrence.id
    assert rep.crm_record(target.id).fields["location"] == "CRM: room 4"
    assert rep.crm_record(phone_id).fields["comment"] == "Phone: bring the slides"
    assert len(rep.crm.find_occurrences([series.id])) == 1
    assert not rep.app.conflicts()
    _same_occurrences(rep, uid)

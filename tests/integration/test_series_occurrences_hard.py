"""Rule 17 under the hard cases, on Radicale and Xandikos with a real Tryton:
a sync killed (SIGKILL) at every crash point of the first sync of a moved
occurrence, both ways, and rule 23's uninstall with moved occurrences.

Kill points are enumerated, not listed: the first sync of a fresh share is
killed at its 1st point, the next fresh share's at its 2nd, and so on until
a run passes all of its points and ends normally.
"""

from __future__ import annotations

import signal
import uuid
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from crmdesk.crm.base import NewActivity
from crmdesk.model import CrmRecord
from crmdesk.model.activity import normalize_fields
from crmdesk.model.occurrence import crm_instant
from crmdesk.model.recurrence import CrmRepeat, RepeatType
from crmdesk.service import AppService
from tests.integration.conftest import Rep
from tests.integration.test_crash_safety import _sync_dying_at
from tests.integration.test_series import _monday, _put_series
from tests.integration.test_series_occurrences import _same_occurrences, _with_override

pytestmark = pytest.mark.integration

CPH = ZoneInfo("Europe/Copenhagen")
UTC = timezone.utc
MAX_POINTS = 60


def _first_monday() -> datetime:
    return datetime.combine(_monday(), datetime.min.time()).replace(hour=9)


def _calendar_series(rep: Rep, title: str) -> tuple[str, datetime]:
    """A weekly series with one moved occurrence, shared, not synced yet."""
    first = _first_monday()
    uid = _put_series(rep, title, first, "FREQ=WEEKLY;COUNT=6", [first + timedelta(weeks=2)])
    moved_from = first + timedelta(weeks=1)
    _with_override(rep, uid, moved_from, f"{title} (afternoon)")
    rep.sync()
    rep.app.share(rep.key(uid))
    return uid, moved_from.replace(tzinfo=CPH)


def _in_crm(rep: Rep, uid: str) -> tuple[list[CrmRecord], list[CrmRecord]]:
    """Every CRM activity the rep sees with this integration id: series, occurrences."""
    records = rep.crm._search([("integration_id", "=", uid)])
    return ([r for r in records if not r.extra.get("series")],
            [r for r in records if r.extra.get("series")])


def _one_series_one_occurrence(rep: Rep, uid: str, title: str, moved_from: datetime) -> None:
    """Exactly one CRM series and one CRM occurrence, linked to each other and
    to one calendar object holding one override, with nothing duplicated."""
    [series], [occurrence] = _in_crm(rep, uid)
    assert rep.crm.find_occurrences([series.id]) == [occurrence]
    assert occurrence.extra["series"] == series.id
    assert crm_instant(occurrence.extra["recurrence_id"]) == moved_from.astimezone(UTC)
    assert moved_from.date() in CrmRepeat.from_extra(series.extra).exceptions
    titles = rep.crm._search([("description", "in", [title, f"{title} (afternoon)"])])
    assert sorted(r.id for r in titles) == sorted([series.id, occurrence.id])
    natives = [i for i in rep.natives() if i.uid == uid]
    assert len(natives) == 1
    [native] = natives
    [override] = native.overrides
    assert native.raw.count("RECURRENCE-ID") == 1
    assert override.recurrence_id.astimezone(UTC) == moved_from.astimezone(UTC)
    proxies = {p.href: p for p in rep.app.store.proxies() if p.uid == uid}
    assert set(proxies) == {native.href, override.href}
    assert proxies[native.href].crm_id == series.id
    assert proxies[override.href].crm_id == occurrence.id
    assert {p.state for p in proxies.values()} == {"synced"}
    _same_occurrences(rep, uid)


def _kill_at_each_point(rep: Rep, tryton_rep: Any, setup: Any, check: Any) -> list[str]:
    """setup(n) makes fresh work; its first sync dies at its nth point; a
    normal sync finishes it and check(n, work) holds.  Returns the points."""
    points: list[str] = []
    for step in range(1, MAX_POINTS):
        work = setup(step)
        code, where = _sync_dying_at(rep, tryton_rep, step)
        if code == 0:
            check(step, work)               # the whole sync, not killed
            return points
        assert code == -signal.SIGKILL, f"step {step}: {where}"
        points.append(where)
        report = rep.sync()
        assert not report.conflicts, (where, report.conflicts)
        check(step, work)
        again = rep.sync()
        assert (again.crm.created, again.calendar.created) == (0, 0), where
        assert (again.crm.updated, again.calendar.updated) == (0, 0), where
    raise AssertionError(f"the sync still had points after {MAX_POINTS}: {points}")


def test_rule_17_kill_9_at_every_point_of_a_moved_occurrence_s_first_upload(
        rep: Rep, tryton_rep: Any) -> None:
    def setup(step: int) -> tuple[str, datetime]:
        return _calendar_series(rep, f"Kill {step} {uuid.uuid4().hex[:6]}")

    def check(step: int, work: tuple[str, datetime]) -> None:
        uid, moved_from = work
        title = rep.native(uid).fields["description"]
        _one_series_one_occurrence(rep, uid, title, moved_from)

    points = _kill_at_each_point(rep, tryton_rep, setup, check)
    print("rule 17 upload kill points:", points)
    assert {"calendar read", "CRM read", "before CreateCrm", "after CreateCrm",
            "before SaveProxy"} <= set(points)
    assert sum(p == "after CreateCrm" for p in points) >= 2     # series, then occurrence


def _crm_series(rep: Rep, title: str, start: datetime) -> CrmRecord:
    series = rep.plan_in_crm(title, start.astimezone(UTC))
    repeat = CrmRepeat(RepeatType.WEEKLY, (start + timedelta(weeks=5)).date(), ())
    return rep.crm.write(series.id, repeat.to_extra(), series.timestamp)


def _move_in_crm(rep: Rep, series: CrmRecord, moved_from: datetime, title: str) -> CrmRecord:
    """As the CRM's own client moves one occurrence: the series excepts the
    date and a new activity replaces it."""
    series = rep.crm_record(series.id)
    repeat = CrmRepeat.from_extra(series.extra)
    repeat = CrmRepeat(repeat.type, repeat.expires, (*repeat.exceptions, moved_from.date()))
    rep.crm.write(series.id, repeat.to_extra(), series.timestamp)
    begins = (moved_from + timedelta(hours=4)).astimezone(UTC)
    fields = normalize_fields({"description": title, "planned_start": begins,
                               "planned_end": begins + timedelta(hours=1)})
    [occurrence] = rep.crm.create([NewActivity(
        fields=fields, origin="crm", extra={"series": series.id,
                                            "recurrence_id": moved_from.astimezone(UTC)})])
    return occurrence


def _in_zone(rep: Rep) -> None:
    rep.use_zone("Europe/Copenhagen")
    rep.sync()


def _crm_occurrence_in_calendar(rep: Rep, series: CrmRecord, occurrence: CrmRecord,
                                moved_from: datetime) -> None:
    """One override in the series' object, its proxy linked, nothing twice."""
    uid = rep.app.store.proxy_by_crm_id(series.id).uid
    natives = [i for i in rep.natives() if i.uid == uid]
    assert len(natives) == 1
    [native] = natives
    [override] = native.overrides
    assert native.raw.count("RECURRENCE-ID") == 1
    assert override.recurrence_id == moved_from
    assert override.fields["description"] == occurrence.fields["description"]
    assert moved_from not in {d.astimezone(CPH) for d in native.recurrence.exdates}
    proxy = rep.app.store.proxy_by_crm_id(occurrence.id)
    assert proxy is not None and proxy.href == override.href and proxy.state == "synced"
    assert [p.crm_id for p in rep.app.store.proxies() if p.href == override.href] == \
        [occurrence.id]
    assert [o.id for o in rep.crm.find_occurrences([series.id])] == [occurrence.id]
    assert rep.crm_record(occurrence.id).integration_id == uid       # rule 1
    _same_occurrences(rep, uid)


@pytest.mark.parametrize("series_first", [True, False], ids=["series synced", "both new"])
def test_rule_17_kill_9_at_every_point_of_a_crm_moved_occurrence_reaching_the_calendar(
        rep: Rep, tryton_rep: Any, series_first: bool) -> None:
    _in_zone(rep)
    start = _first_monday().replace(hour=10, tzinfo=CPH)

    def setup(step: int) -> tuple[CrmRecord, CrmRecord, datetime]:
        title = f"CRM kill {step} {uuid.uuid4().hex[:6]}"
        series = _crm_series(rep, title, start)
        if series_first:
            rep.sync()                           # the series is in the calendar
        moved_from = start + timedelta(weeks=1)
        occurrence = _move_in_crm(rep, series, moved_from, f"{title} (moved)")
        return series, occurrence, moved_from

    def check(step: int, work: tuple[CrmRecord, CrmRecord, datetime]) -> None:
        _crm_occurrence_in_calendar(rep, *work)

    points = _kill_at_each_point(rep, tryton_rep, setup, check)
    print("rule 17 CRM-side kill points:", points)
    assert {"calendar read", "CRM read", "before AddOccurrence",
            "calendar write recorded, not sent", "after AddOccurrence"} <= set(points)
    assert series_first or "UID reserved, not sent" in points


@pytest.mark.parametrize("feed_again", [False, True], ids=["feed read", "feed again"])
def test_rule_17_an_occurrence_create_whose_answer_was_lost_is_linked_not_duplicated(
        rep: Rep, feed_again: bool) -> None:
    """Killed between the CRM's create and the store's write (no crash point
    sits there): the next sync finds the occurrence by its series and date,
    through the change feed when it reports the record again."""
    title = f"Lost answer {uuid.uuid4().hex[:6]}"
    uid, moved_from = _calendar_series(rep, title)
    rep.sync()
    [series], [occurrence] = _in_crm(rep, uid)
    proxy = rep.app.store.proxy_by_crm_id(occurrence.id)
    # The state a kill just after the create leaves: the proxy never got its record.
    rep.app.store.update_proxy(proxy.id, crm=None, base=None, state="pending", settled="")
    rep.app.store.set_meta("plan_scope_key", None)
    if feed_again:
        rep.app.store.set_meta("crm_watermark", None)
    report = rep.sync()
    assert report.crm.created == 0
    _one_series_one_occurrence(rep, uid, title, moved_from)


def _recording_calendar(monkeypatch: pytest.MonkeyPatch, rep: Rep) -> list[str]:
    """Every URL the uninstall's calendar client asks for (a response hook on
    the real client)."""
    urls: list[str] = []
    make_calendar = AppService.make_calendar

    def recording(self: AppService, *args: Any, **kw: Any) -> Any:
        client = make_calendar(self, *args, **kw)
        client.http.session.hooks["response"].append(
            lambda response, *a, **k: urls.append(f"{response.request.method} "
                                                  f"{response.request.url}"))
        return client

    monkeypatch.setattr(AppService, "make_calendar", recording)
    monkeypatch.setattr(rep.app, "_kept", None)
    return urls


def _both_kinds(rep: Rep) -> tuple[str, str, str]:
    """The rep's shared series with a moved occurrence, and a CRM-born series
    whose occurrence the CRM moved, all synced.  Returns (own uid, CRM uid,
    CRM occurrence's override href)."""
    _in_zone(rep)
    title = f"Own weekly {uuid.uuid4().hex[:6]}"
    own, _ = _calendar_series(rep, title)
    start = _first_monday().replace(hour=11, tzinfo=CPH)
    crm = _crm_series(rep, "From the CRM", start)
    rep.sync()
    occurrence = _move_in_crm(rep, crm, start + timedelta(weeks=1), "From the CRM (moved)")
    rep.sync()
    crm_uid = rep.app.store.proxy_by_crm_id(crm.id).uid
    assert len(rep.native(own).overrides) == 1 and len(rep.native(crm_uid).overrides) == 1
    return own, crm_uid, rep.app.store.proxy_by_crm_id(occurrence.id).href


def test_rule_23_uninstall_with_moved_occurrences_deletes_only_crm_series_objects(
        rep: Rep, monkeypatch: pytest.MonkeyPatch) -> None:
    own, crm_uid, _ = _both_kinds(rep)
    before = rep.native(own)
    crm_href = rep.native(crm_uid).href
    plan = rep.app.uninstall_plan()
    assert [i.href for i in plan.delete] == [crm_href]
    urls = _recording_calendar(monkeypatch, rep)
    report = rep.app.uninstall()
    assert report.complete and report.deleted == 1, report.failed
    assert urls and not [u for u in urls if "#" in u], urls
    assert rep.native(crm_uid) is None
    after = rep.native(own)
    assert after.etag == before.etag and after.raw == before.raw     # untouched
    assert len(after.overrides) == 1
    assert rep.crm_by_uid(own) is not None                  # the CRM itself is untouched
    assert not rep.app.profile.store_path.exists()


def test_rule_23_uninstall_counts_a_crm_series_occurrence_as_deleted_not_kept(
        rep: Rep) -> None:
    """The plan's "kept in your calendar" count: the rep's series and its
    moved occurrence stay; the CRM series' moved occurrence goes with it."""
    _both_kinds(rep)
    plan = rep.app.uninstall_plan()
    assert len(plan.delete) == 1
    assert plan.unshare == 2

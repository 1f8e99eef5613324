"""Moved occurrences of a repeating activity (rule 17) in Tryton: natural key 1
leaves them out, find_occurrences finds them, join_shared can join one, and
deleting their series deletes them with tombstones for the change feed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from crmdesk.crm import tryton as tryton_module
from crmdesk.crm.base import NewActivity
from crmdesk.model import CrmRecord
from tests.fixtures.tryton import TrytonEnv, TrytonRep

pytestmark = pytest.mark.integration

START = datetime(2030, 5, 6, 8, 0, tzinfo=timezone.utc)
WEEK = timedelta(days=7)
CEST = timezone(timedelta(hours=2))


def series(rep: TrytonRep, uid: str, description: str = "Weekly sync",
           employees: tuple[int, ...] = ()) -> CrmRecord:
    return rep.connector.create([NewActivity(
        fields={"description": description, "planned_start": START,
                "planned_end": START + timedelta(hours=1)},
        integration_id=uid, employees=employees,
        extra={"repeating": True, "repeating_type": "weekly"})])[0]


def occurrence(rep: TrytonRep, parent: CrmRecord, rid: datetime, moved: timedelta,
               employees: tuple[int, ...] = ()) -> CrmRecord:
    """A moved occurrence of `parent`: same UID, replacing the one at `rid`."""
    start = rid + moved
    return rep.connector.create([NewActivity(
        fields={"description": parent.fields["description"], "planned_start": start,
                "planned_end": start + timedelta(hours=1)},
        integration_id=parent.integration_id, employees=employees,
        extra={"series": parent.id, "recurrence_id": rid})])[0]


def ids(records: Any) -> list[int]:
    return sorted(r.id for r in records)


def test_rule_2_key_1_finds_the_series_never_a_moved_occurrence(
        tryton: TrytonEnv, tryton_rep: TrytonRep) -> None:
    crm, me = tryton_rep.connector, tryton_rep.employee_id
    uid = tryton.unique("standup") + "@cal.test"
    # The occurrence is the older record and starts later: either order could
    # have put it first.
    scratch = series(tryton_rep, tryton.unique("scratch") + "@cal.test")
    moved = occurrence(tryton_rep, scratch, START + WEEK, timedelta(hours=3))
    parent = series(tryton_rep, uid)
    moved = crm.write(moved.id, {"series": parent.id}, moved.timestamp, integration_id=uid)
    assert moved.id < parent.id and moved.extra["series"] == parent.id

    assert crm.find_by_integration_id(uid, me).id == parent.id
    assert crm.find_by_integration_id(uid, None).id == parent.id
    assert crm.find_by_integration_ids([uid], me)[uid].id == parent.id

    only = tryton.unique("orphan") + "@cal.test"
    crm.write(moved.id, {"series": scratch.id}, moved.timestamp, integration_id=only)
    assert crm.find_by_integration_id(only, me) is None
    assert crm.find_by_integration_ids([only, uid], me).keys() == {uid}


def test_rule_2_find_occurrences_of_series_in_one_request(
        tryton: TrytonEnv, tryton_rep: TrytonRep) -> None:
    """Rule 17: occurrences are found by their series before one is created."""
    crm = tryton_rep.connector
    first = series(tryton_rep, tryton.unique("a") + "@cal.test")
    second = series(tryton_rep, tryton.unique("b") + "@cal.test")
    other = series(tryton_rep, tryton.unique("c") + "@cal.test")
    a1 = occurrence(tryton_rep, first, START + WEEK, timedelta(hours=2))
    a2 = occurrence(tryton_rep, first, START + 2 * WEEK, -timedelta(days=1))
    b1 = occurrence(tryton_rep, second, START + WEEK, timedelta(0))
    occurrence(tryton_rep, other, START + WEEK, timedelta(hours=1))

    before = crm.request_count
    found = crm.find_occurrences([first.id, second.id, first.id])
    assert crm.request_count == before + 1
    assert ids(found) == sorted([a1.id, a2.id, b1.id])
    by_id = {r.id: r for r in found}
    assert by_id[a2.id].extra["series"] == first.id
    assert by_id[a2.id].extra["recurrence_id"] == (START + 2 * WEEK).isoformat()
    assert by_id[a2.id].extra["recurrence_id"] == "2030-05-20T08:00:00+00:00"
    assert by_id[a2.id].fields["planned_start"] == START + 2 * WEEK - timedelta(days=1)
    assert by_id[a2.id].integration_id == first.integration_id
    assert crm.find_occurrences([]) == [] and crm.request_count == before + 1


def test_rule_2_find_occurrences_batches_and_sees_only_visible_ones(
        tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_rep2: TrytonRep,
        monkeypatch: pytest.MonkeyPatch) -> None:
    me, her = tryton_rep.employee_id, tryton_rep2.employee_id
    parents = [series(tryton_rep, tryton.unique("s") + "@cal.test", employees=(her,))
               for _ in range(3)]
    hidden = occurrence(tryton_rep, parents[0], START + WEEK, timedelta(hours=1))
    shown = [occurrence(tryton_rep, p, START + WEEK, timedelta(hours=1), employees=(her,))
             for p in parents]
    monkeypatch.setattr(tryton_module, "BATCH", 2)
    crm = tryton_rep2.connector
    before = crm.request_count
    found = crm.find_occurrences([p.id for p in parents])
    assert crm.request_count == before + 2
    assert ids(found) == ids(shown)
    mine = tryton_rep.connector.find_occurrences([parents[0].id])
    assert ids(mine) == sorted([hidden.id, shown[0].id])
    assert all(r.owner == me for r in mine)


def test_rule_2_join_shared_with_a_recurrence_id_joins_that_occurrence(
        tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    """Rule 2 across reps for a moved occurrence (rule 17) of another rep's series."""
    organizer, attendee = tryton_rep.connector, tryton_rep2.connector
    uid = tryton.unique("review") + "@cal.test"
    parent = series(tryton_rep, uid)
    first = occurrence(tryton_rep, parent, START + WEEK, timedelta(hours=2))
    second = occurrence(tryton_rep, parent, START + 2 * WEEK, timedelta(hours=2))
    everything = [parent.id, first.id, second.id]

    for wrong in ("someone@else.test", tryton_rep2.email, tryton_rep.email + "x"):
        assert attendee.join_shared(uid, wrong, START + WEEK) is None
    assert attendee.join_shared(uid, tryton_rep.email, START + 3 * WEEK) is None
    assert attendee.join_shared(uid, tryton_rep.email, START + WEEK + timedelta(seconds=1)) \
        is None
    assert attendee.join_shared(tryton.unique("x") + "@cal.test", tryton_rep.email,
                                START + WEEK) is None
    assert attendee.read(everything) == []

    before = attendee.request_count
    rid = (START + 2 * WEEK).astimezone(CEST)            # the same instant, another zone
    joined = attendee.join_shared(uid, tryton_rep.email.upper(), rid)
    assert attendee.request_count == before + 1
    assert joined is not None and joined.id == second.id
    assert joined.employees == (tryton_rep2.employee_id,)
    assert joined.extra["series"] == parent.id
    assert joined.extra["recurrence_id"] == (START + 2 * WEEK).isoformat()
    assert ids(attendee.read(everything)) == [second.id]
    assert organizer.read([parent.id])[0].employees == ()

    naive = (START + 2 * WEEK).replace(tzinfo=None, microsecond=250)
    assert attendee.join_shared(uid, tryton_rep.email, naive) == joined  # nothing written
    series_row = attendee.join_shared(uid, tryton_rep.email)
    assert series_row is not None and series_row.id == parent.id
    assert ids(attendee.read(everything)) == sorted([parent.id, second.id])


def test_rule_2_join_shared_recurrence_id_on_the_wire(
        tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    """The server takes ISO text with an offset or a datetime; garbage tells nothing."""
    uid = tryton.unique("wire") + "@cal.test"
    parent = series(tryton_rep, uid)
    moved = occurrence(tryton_rep, parent, START + WEEK, timedelta(hours=1))
    rpc = tryton_rep2.connector.rpc
    for bad in ("next week", "", 42):
        assert rpc.model("crm.activity", "join_shared", uid, tryton_rep.email, bad) is None
    assert tryton_rep2.connector.read([parent.id, moved.id]) == []
    row = rpc.model("crm.activity", "join_shared", uid, tryton_rep.email,
                    "2030-05-13T10:00:00+02:00")
    assert row is not None and row["id"] == moved.id
    row = rpc.model("crm.activity", "join_shared", uid, tryton_rep.email,
                    datetime(2030, 5, 13, 8, 0))
    assert row is not None and row["id"] == moved.id


def test_rule_17_deleting_a_series_deletes_its_occurrences_in_the_feed(
        tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    """Each cascaded occurrence leaves a tombstone for the reps who could see it."""
    carol, outsider = tryton.new_rep("carol"), tryton.new_rep("dave")
    her = tryton_rep2.employee_id
    parent = series(tryton_rep, tryton.unique("weekly") + "@cal.test", employees=(her,))
    shared = occurrence(tryton_rep, parent, START + WEEK, timedelta(hours=1), employees=(her,))
    carols = occurrence(tryton_rep, parent, START + 2 * WEEK, timedelta(hours=1),
                        employees=(carol.employee_id,))
    kept = series(tryton_rep, tryton.unique("other") + "@cal.test", employees=(her,))
    reps = (tryton_rep, tryton_rep2, carol, outsider)
    marks = [rep.connector.changes(None).watermark for rep in reps]

    tryton_rep.connector.delete([parent.id])

    feeds = [rep.connector.changes(mark) for rep, mark in zip(reps, marks)]
    assert feeds[0].deleted == sorted([parent.id, shared.id, carols.id])
    assert feeds[1].deleted == sorted([parent.id, shared.id])
    assert feeds[2].deleted == [carols.id]
    assert feeds[3].deleted == []
    for feed in feeds:
        assert not {parent.id, shared.id, carols.id} & {r.id for r in feed.records}
    assert tryton_rep.connector.read([parent.id, shared.id, carols.id, kept.id]) == [kept]
    assert tryton_rep.connector.find_occurrences([parent.id]) == []

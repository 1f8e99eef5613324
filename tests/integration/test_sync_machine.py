"""A Hypothesis state machine drives random work on both real servers —
creates, shares, unshares, edits and deletes in the calendar (CalDAV) and
the CRM (JSON-RPC) — with syncs in between, and checks after every sync:
no duplicate, no lost edit, conflicts resolved per the priority setting,
deletes per rules 9 and 11, unshares per rule 12, the store consistent.

CI runs a bounded number of examples with a fixed seed; set
CRMDESK_MACHINE_EXAMPLES for a longer run.
"""

from __future__ import annotations

import dataclasses
import itertools
import os
import uuid
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import (RuleBasedStateMachine, initialize, invariant, precondition,
                                 rule, run_state_machine_as_test)

from crmdesk.settings import Priority

from tests.integration.conftest import Rep, make_rep, soon

pytestmark = pytest.mark.integration

EXAMPLES = int(os.environ.get("CRMDESK_MACHINE_EXAMPLES", "4"))
FIELDS = st.sampled_from(["location", "comment"])
VALUES = st.sampled_from(["Room A", "Room B", "Bring samples", ""])


@dataclasses.dataclass
class Item:
    title: str
    uid: str = ""              # native UID (known once the calendar has it)
    crm_id: int | None = None
    origin: str = "calendar"
    shared: bool = False
    linked: bool = False       # both copies exist and have been synced
    edits: dict[str, dict[str, str]] = dataclasses.field(
        default_factory=lambda: {"calendar": {}, "crm": {}})


class SyncMachine(RuleBasedStateMachine):
    def __init__(self, make: Any) -> None:
        super().__init__()
        self.rep: Rep = make()
        self.items: dict[str, Item] = {}
        self.gone_crm: list[int] = []        # CRM ids that must no longer exist
        self.serial = itertools.count(1)

    @initialize(priority=st.sampled_from([Priority.CRM, Priority.CALENDAR]))
    def choose_priority(self, priority: Priority) -> None:
        settings_ = self.rep.app.settings.copy()
        settings_.sync.priority = priority
        self.rep.app.save_settings(settings_)
        self.priority = priority

    def _pick(self, data: st.DataObject, **want: Any) -> Item:
        pool = [i for i in self.items.values()
                if all(getattr(i, k) == v for k, v in want.items())]
        return data.draw(st.sampled_from(sorted(pool, key=lambda i: i.title)))

    def _has(self, **want: Any) -> bool:
        return any(all(getattr(i, k) == v for k, v in want.items())
                   for i in self.items.values())

    # -- the calendar side (a phone) ---------------------------------------
    @rule()
    def create_in_calendar(self) -> None:
        title = f"Cal {next(self.serial)}"
        self.items[title] = Item(title, uid=self.rep.put_event(title, soon(2)))

    @precondition(lambda self: self._has(origin="calendar", shared=False))
    @rule(data=st.data())
    def share(self, data: st.DataObject) -> None:
        item = self._pick(data, origin="calendar", shared=False)
        if self.rep.app.store.mirror_by_uid(item.uid) is None:
            self.rep.sync()                  # not mirrored yet: as the rep would
            self._synced()
        self.rep.app.share(self.rep.key(item.uid))
        item.shared = True

    @precondition(lambda self: self._has(origin="calendar", shared=True, linked=True))
    @rule(data=st.data())
    def unshare(self, data: st.DataObject) -> None:
        item = self._pick(data, origin="calendar", shared=True, linked=True)
        self.rep.app.unshare(self.rep.key(item.uid))
        self.gone_crm.append(item.crm_id or 0)
        item.shared = item.linked = False
        item.crm_id, item.edits = None, {"calendar": {}, "crm": {}}

    @precondition(lambda self: self._has(linked=True))
    @rule(data=st.data(), name=FIELDS, value=VALUES)
    def edit_in_calendar(self, data: st.DataObject, name: str, value: str) -> None:
        item = self._pick(data, linked=True)
        self.rep.edit_native(item.uid, **{name: value})
        item.edits["calendar"][name] = value

    @precondition(lambda self: self._has(linked=True))
    @rule(data=st.data())
    def delete_in_calendar(self, data: st.DataObject) -> None:
        item = self._pick(data, linked=True)
        self.rep.delete_native(item.uid)
        self.gone_crm.append(item.crm_id or 0)      # rule 9: the owner's delete
        del self.items[item.title]

    # -- the CRM side (its own client) --------------------------------------
    @rule()
    def plan_in_crm(self) -> None:
        title = f"CRM {next(self.serial)}"
        record = self.rep.plan_in_crm(title, soon(3, 14))
        self.items[title] = Item(title, crm_id=record.id, origin="crm", shared=True)

    @precondition(lambda self: self._has(linked=True))
    @rule(data=st.data(), name=FIELDS, value=VALUES)
    def edit_in_crm(self, data: st.DataObject, name: str, value: str) -> None:
        item = self._pick(data, linked=True)
        record = self.rep.crm_record(item.crm_id or 0)
        self.rep.crm.write(record.id, {name: value}, record.timestamp)
        item.edits["crm"][name] = value

    @precondition(lambda self: self._has(linked=True))
    @rule(data=st.data())
    def delete_in_crm(self, data: st.DataObject) -> None:
        item = self._pick(data, linked=True)
        self.rep.crm.delete([item.crm_id or 0])
        if item.origin == "crm":                     # rule 11: CRM-born items go
            del self.items[item.title]
        else:                                        # calendar-born ones are unshared
            item.shared = item.linked = False
            item.crm_id, item.edits = None, {"calendar": {}, "crm": {}}

    # -- sync and the invariants ---------------------------------------------
    @rule()
    def sync(self) -> None:
        report = self.rep.sync()
        assert not report.conflicts, report.conflicts
        self._synced()

    def _synced(self) -> None:
        natives = {i.uid: i for i in self.rep.natives()}
        for item in self.items.values():
            if item.origin == "crm" and item.crm_id:
                item.uid = self.rep.crm_record(item.crm_id).integration_id
            if item.shared and item.origin == "calendar":
                record = self.rep.crm_by_uid(item.uid)
                assert record is not None, f"{item.title} never reached the CRM"
                item.crm_id = record.id
            if item.shared:
                self._check_edits(item, natives[item.uid])
                item.linked = True

    def _check_edits(self, item: Item, native: Any) -> None:
        record = self.rep.crm_record(item.crm_id or 0)
        for name in set(item.edits["calendar"]) | set(item.edits["crm"]):
            cal, crm = item.edits["calendar"].get(name), item.edits["crm"].get(name)
            if cal is not None and crm is not None and cal != crm:
                want = crm if self.priority is Priority.CRM else cal
            else:
                want = crm if crm is not None else cal
            assert native.fields[name] == record.fields[name] == want, (item.title, name)
        item.edits = {"calendar": {}, "crm": {}}

    @invariant()
    def no_duplicates_and_deletes_propagated(self) -> None:
        store = self.rep.app.store
        crm_ids = [p.crm_id for p in store.proxies() if p.crm_id]
        assert len(crm_ids) == len(set(crm_ids))
        for item in self.items.values():
            if item.linked and item.origin == "calendar":
                found = self.rep.crm._call("sync_search",
                                           [("integration_id", "=", item.uid)], None)
                assert len(found) == 1, item.title

    def teardown(self) -> None:
        if self.items or self.gone_crm:
            self.rep.sync()
            for crm_id in self.gone_crm:
                assert self.rep.crm_record(crm_id) is None, crm_id
        self.rep.app.close()


def test_random_work_on_both_sides_converges(tmp_path: Path, caldav, tryton_server,
                                             tryton) -> None:
    def make() -> Rep:
        rep = tryton.new_rep("machine")
        url = caldav.server.make_calendar(caldav.username, caldav.password,
                                          f"m-{uuid.uuid4().hex[:8]}")
        env = dataclasses.replace(caldav, calendar_url=url)
        return make_rep(tmp_path / uuid.uuid4().hex, env, tryton_server, rep)

    run_state_machine_as_test(
        lambda: SyncMachine(make),
        settings=settings(max_examples=EXAMPLES, stateful_step_count=12, deadline=None,
                          derandomize=True, database=None,
                          suppress_health_check=list(HealthCheck)))

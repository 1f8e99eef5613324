"""A sync killed at any instant (kill -9) is finished by the next one with no
duplicate on either side and no lost edit.

Real `crmdesk sync` processes are killed at moments spread over the whole
run (a fixed seed keeps the schedule reproducible); then one clean sync
runs and the invariants are checked on the servers themselves.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from tests.integration.conftest import Rep, soon

pytestmark = pytest.mark.integration

KILLS = int(os.environ.get("CRMDESK_CRASH_KILLS", "6"))


def _sync_process(rep: Rep, tryton_rep) -> subprocess.Popen[bytes]:
    env = dict(os.environ, CRMDESK_CRM_PASSWORD=tryton_rep.password,
               CRMDESK_CALDAV_PASSWORD=rep.caldav.password)
    return subprocess.Popen(
        [sys.executable, "-m", "crmdesk.cli", "--profile-dir",
         str(rep.app.profile.config_dir), "sync"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _kill_after(proc: subprocess.Popen[bytes], seconds: float) -> bool:
    """SIGKILL after `seconds`; False when it finished first."""
    try:
        proc.wait(timeout=seconds)
        return False
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        return True


def _workload(rep: Rep, round_: int) -> tuple[list[str], list[str]]:
    """New shares, CRM plans and edits on both sides for one round."""
    uids = [rep.put_event(f"R{round_} calendar {n}", soon(2 + n)) for n in range(3)]
    plans = [rep.plan_in_crm(f"R{round_} crm {n}", soon(3 + n, 15)).id for n in range(3)]
    return uids, [str(p) for p in plans]


def _run_round(rep: Rep, tryton_rep, round_: int, seconds: float | None) -> tuple[bool, float]:
    began = time.monotonic()
    proc = _sync_process(rep, tryton_rep)
    if seconds is None:
        proc.wait()
        return False, time.monotonic() - began
    return _kill_after(proc, seconds), time.monotonic() - began


def test_kill_9_at_any_point_loses_nothing_and_duplicates_nothing(rep: Rep,
                                                                  tryton_rep) -> None:
    rng = random.Random(20261120)
    settings = rep.app.settings.copy()
    settings.sync.share_new_items = True        # each killed run does the whole round
    rep.app.save_settings(settings)
    shared: list[str] = []
    planned: list[str] = []
    killed, mid_action, full = 0, 0, 0.0
    for round_ in range(KILLS + 1):
        uids, plans = _workload(rep, round_)
        shared += uids
        planned += plans
        if round_ > 1:                   # edits on both sides of round 0's items
            rep.edit_native(shared[0], location=f"Room {round_}")
            record = rep.crm_record(int(planned[0]))
            rep.crm.write(record.id, {"comment": f"Note {round_}"}, record.timestamp)
        # Round 0 runs to the end to measure a whole sync; the others die inside it.
        when = None if round_ == 0 else rng.uniform(0.1, 0.95) * full
        was_killed, took = _run_round(rep, tryton_rep, round_, when)
        full = full or took
        killed += was_killed
        # An unfinished journal entry: the kill landed inside an action.
        mid_action += bool(was_killed and rep.app.store.journal())
    report = rep.sync()
    assert not report.errors
    assert killed >= KILLS // 2, f"only {killed} of {KILLS} runs were interrupted"
    assert mid_action >= 1, "no kill landed inside an action"
    print(f"crash-safety: {KILLS} runs, {killed} killed, {mid_action} inside an action")
    _check_invariants(rep, shared, planned)


def _check_invariants(rep: Rep, shared: list[str], planned: list[str]) -> None:
    natives = rep.natives()
    uid_counts = Counter(i.uid for i in natives)
    assert max(uid_counts.values()) == 1
    title_counts = Counter(i.fields["description"] for i in natives)
    assert [t for t, n in title_counts.items() if n > 1] == []
    for uid in shared:                                    # one CRM activity per share
        found = rep.crm._call("sync_search", [("integration_id", "=", uid)], None)
        assert len(found) == 1, uid
    for crm_id in planned:                                # one calendar item per plan
        record = rep.crm_record(int(crm_id))
        assert uid_counts[record.integration_id] == 1
    assert rep.crm_by_uid(shared[0]).fields["location"] == f"Room {KILLS}"
    first_plan = rep.crm_record(int(planned[0]))
    assert rep.native(first_plan.integration_id).fields["comment"] == f"Note {KILLS}"
    assert rep.sync().calendar.created == rep.sync().crm.created == 0

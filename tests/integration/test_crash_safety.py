"""A sync killed at any point (SIGKILL) is finished by the next one with no
duplicate on either side and no lost edit.

Real `crmdesk sync` processes die at their Nth crash point (the
CRMDESK_TEST_DIE_AT_STEP hook counts steps: after reading each side,
before and after every action), for N = 1, 2, 3 … until a run gets through;
every round brings new shares, CRM plans and edits on both sides.
"""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
from collections import Counter

import pytest

from tests.integration.conftest import Rep, soon

pytestmark = pytest.mark.integration

ROUNDS = int(os.environ.get("CRMDESK_CRASH_ROUNDS", "3"))


def _sync_dying_at(rep: Rep, tryton_rep, step: int) -> tuple[int, str]:
    env = dict(os.environ, CRMDESK_CRM_PASSWORD=tryton_rep.password,
               CRMDESK_CALDAV_PASSWORD=rep.caldav.password,
               CRMDESK_TEST_DIE_AT_STEP=str(step))
    proc = subprocess.run(
        [sys.executable, "-m", "crmdesk.cli", "--profile-dir",
         str(rep.app.profile.config_dir), "sync"],
        env=env, capture_output=True, text=True, timeout=120)
    where = proc.stderr.split("dying ", 1)[1].strip() if "dying " in proc.stderr else ""
    return proc.returncode, where


def _workload(rep: Rep, round_: int, shared: list[str], planned: list[int]) -> None:
    shared += [rep.put_event(f"R{round_} calendar {n}", soon(2 + n)) for n in range(3)]
    planned += [rep.plan_in_crm(f"R{round_} crm {n}", soon(3 + n, 15)).id for n in range(3)]
    if round_:                                  # edits on both sides of round 0's items
        rep.edit_native(shared[0], location=f"Room {round_}")
        record = rep.crm_record(planned[0])
        rep.crm.write(record.id, {"comment": f"Note {round_}"}, record.timestamp)


def test_kill_9_at_every_step_loses_nothing_and_duplicates_nothing(rep: Rep,
                                                                   tryton_rep) -> None:
    settings = rep.app.settings.copy()
    settings.sync.share_new_items = True        # each run does the whole round's work
    rep.app.save_settings(settings)
    shared: list[str] = []
    planned: list[int] = []
    points: Counter[str] = Counter()
    for round_ in range(ROUNDS):
        _workload(rep, round_, shared, planned)
        for step in itertools.count(1):
            code, where = _sync_dying_at(rep, tryton_rep, step)
            if code == -signal.SIGKILL:
                points[where] += 1
                continue
            assert code == 0, f"sync failed after a kill at step {step}"
            break
    print(f"crash-safety: {sum(points.values())} kills at {len(points)} kinds of point: "
          + ", ".join(f"{k} x{v}" for k, v in sorted(points.items())))
    assert len(points) >= 6 and sum(points.values()) >= 5 * ROUNDS
    for wanted in ("before Create", "after Create", "after Update"):
        assert any(p.startswith(wanted) for p in points), wanted
    assert not rep.sync().errors
    _check_invariants(rep, shared, planned)


def _check_invariants(rep: Rep, shared: list[str], planned: list[int]) -> None:
    natives = rep.natives()
    uid_counts = Counter(i.uid for i in natives)
    assert max(uid_counts.values()) == 1
    title_counts = Counter(i.fields["description"] for i in natives)
    assert [t for t, n in title_counts.items() if n > 1] == []
    for uid in shared:                                    # one CRM activity per share
        found = rep.crm._call("sync_search", [("integration_id", "=", uid)], None)
        assert len(found) == 1, uid
    for crm_id in planned:                                # one calendar item per plan
        assert uid_counts[rep.crm_record(crm_id).integration_id] == 1
    if ROUNDS > 1:                                        # the last edits arrived
        assert rep.crm_by_uid(shared[0]).fields["location"] == f"Room {ROUNDS - 1}"
        first_plan = rep.crm_record(planned[0])
        assert rep.native(first_plan.integration_id).fields["comment"] == f"Note {ROUNDS - 1}"
    assert not rep.app.conflicts()
    assert rep.sync().calendar.created == rep.sync().crm.created == 0

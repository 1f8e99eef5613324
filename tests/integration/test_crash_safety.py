"""A sync killed at any point (SIGKILL) is finished by the next one with no
duplicate on either side and no lost edit.

Real `crmdesk sync` processes SIGKILL themselves at a chosen crash point
(the CRMDESK_TEST_DIE_AT_STEP hook counts points: after reading each side,
before and after every action, after a UID is reserved and after a write is
recorded but before it is sent).  Every round brings new shares, CRM plans
and edits on both sides, and a run is killed at the first occurrence
of every kind of point in turn, each with fresh work.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter

import pytest

from tests.integration.conftest import Rep, soon

pytestmark = pytest.mark.integration

ROUNDS = int(os.environ.get("CRMDESK_CRASH_ROUNDS", "3"))
KINDS = ("calendar read", "CRM read", "before CreateCrm", "after CreateCrm",
         "before CreateNative", "UID reserved", "after CreateNative", "before UpdateCrm",
         "crm write recorded", "after UpdateCrm", "before UpdateNative",
         "calendar write recorded", "after UpdateNative", "before SaveProxy")


def _sync_dying_at(rep: Rep, tryton_rep, step: int | str) -> tuple[int, str]:
    env = dict(os.environ, CRMDESK_CRM_PASSWORD=tryton_rep.password,
               CRMDESK_CALDAV_PASSWORD=rep.caldav.password,
               CRMDESK_TEST_DIE_AT_STEP=str(step))
    proc = subprocess.run(
        [sys.executable, "-m", "crmdesk.cli", "--profile-dir",
         str(rep.app.profile.config_dir), "sync"],
        env=env, capture_output=True, text=True, timeout=120)
    where = proc.stderr.split("dying ", 1)[1].strip() if "dying " in proc.stderr else ""
    return proc.returncode, where or proc.stderr[-2000:]


def _workload(rep: Rep, n: int, shared: list[str], planned: list[int]) -> None:
    """One new share, one CRM plan, and (after the first) edits on both sides."""
    shared.append(rep.put_event(f"Calendar {n}", soon(2 + n % 20)))
    planned.append(rep.plan_in_crm(f"CRM {n}", soon(3 + n % 20, 15)).id)
    if n:
        rep.edit_native(shared[0], location=f"Room {n}")
        record = rep.crm_record(planned[0])
        rep.crm.write(record.id, {"comment": f"Note {n}"}, record.timestamp)


def test_kill_9_at_every_kind_of_point_loses_nothing_and_duplicates_nothing(
        rep: Rep, tryton_rep) -> None:
    settings = rep.app.settings.copy()
    settings.sync.share_new_items = True        # each run does the whole round's work
    rep.app.save_settings(settings)
    shared: list[str] = []
    planned: list[int] = []
    points: Counter[str] = Counter()
    for n, kind in enumerate(k for _ in range(ROUNDS) for k in KINDS):
        _workload(rep, n, shared, planned)
        code, where = _sync_dying_at(rep, tryton_rep, f"{kind}#1")
        if code == -signal.SIGKILL:
            points[where] += 1
        else:
            assert code == 0, f"sync failed after a kill (aiming at {kind}): {where}"
    print(f"crash-safety: {sum(points.values())} kills at {len(points)} kinds of point: "
          + ", ".join(f"{k} x{v}" for k, v in sorted(points.items())))
    assert set(points) >= {"calendar read", "CRM read", "UID reserved, not sent",
                           "crm write recorded, not sent",
                           "calendar write recorded, not sent"}
    assert sum(points.values()) >= len(KINDS) * ROUNDS * 3 // 4
    assert not rep.sync().errors
    _check_invariants(rep, shared, planned, last=len(KINDS) * ROUNDS - 1)


def _check_invariants(rep: Rep, shared: list[str], planned: list[int], last: int) -> None:
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
    assert rep.crm_by_uid(shared[0]).fields["location"] == f"Room {last}"   # last edits
    first_plan = rep.crm_record(planned[0])
    assert rep.native(first_plan.integration_id).fields["comment"] == f"Note {last}"
    assert not rep.app.conflicts()
    assert rep.sync().calendar.created == rep.sync().crm.created == 0

"""Deletion policies (rule 9 variants), the mass-delete guard (rule 21) and
uninstall (rule 23), on real Tryton and both CalDAV servers."""

from __future__ import annotations

import pytest

from crmdesk.errors import MassDeleteBlocked
from crmdesk.model import Status
from crmdesk.settings import DeletePolicy

from tests.integration.conftest import Rep, soon

pytestmark = pytest.mark.integration


def _policy(rep: Rep, policy: DeletePolicy) -> None:
    settings = rep.app.settings.copy()
    settings.sync.delete_policy = policy
    rep.app.save_settings(settings)


def _shared(rep: Rep, title: str, **extra: object) -> str:
    uid = rep.put_event(title, **extra)
    rep.sync()
    rep.app.share(rep.key(uid))
    rep.sync()
    return uid


def test_rule_9_cancel_policy_keeps_the_activity_cancelled_with_a_follow_up(rep: Rep) -> None:
    _policy(rep, DeletePolicy.CANCEL)
    uid = _shared(rep, "Visit Vandelay Industries")
    crm_id = rep.crm_by_uid(uid).id
    rep.delete_native(uid)
    rep.sync()
    assert rep.crm_record(crm_id).fields["status"] is Status.CANCELLED
    rep.sync()   # the follow-up arrives through the change feed as a to-do
    todos = [i for i in rep.natives() if i.component == "VTODO"]
    assert [t.fields["description"] for t in todos] == [
        "Follow up: Visit Vandelay Industries was cancelled"]
    assert rep.native(uid) is None           # the cancelled meeting is not put back
    assert rep.sync().calendar.created == 0


def test_rule_9_invitees_policy_keeps_a_solo_meeting_in_the_crm(rep: Rep) -> None:
    _policy(rep, DeletePolicy.INVITEES)
    uid = _shared(rep, "Prepare pitch (alone)")
    crm_id = rep.crm_by_uid(uid).id
    rep.delete_native(uid)
    rep.sync()
    assert rep.crm_record(crm_id) is not None
    assert rep.sync().calendar.created == 0 and rep.native(uid) is None


def test_rule_21_mass_delete_is_stopped_until_confirmed(rep: Rep) -> None:
    settings = rep.app.settings.copy()
    settings.sync.mass_delete_min, settings.sync.mass_delete_percent = 2, 10
    rep.app.save_settings(settings)
    uids = [rep.put_event(f"Account review {n}", soon(2 + n)) for n in range(4)]
    rep.sync()
    for uid in uids:
        rep.app.share(rep.key(uid))
    rep.sync()
    for uid in uids[:3]:
        rep.delete_native(uid)
    with pytest.raises(MassDeleteBlocked) as info:
        rep.app.sync()
    assert (info.value.side, info.value.count) == ("crm", 3)
    assert all(rep.crm_by_uid(uid) is not None for uid in uids)       # nothing deleted
    report = rep.app.sync(allow_mass_delete=True)
    assert report.crm.deleted == 3


def test_rule_23_uninstall_deletes_crm_items_and_keeps_shared_ones(rep: Rep) -> None:
    mine = _shared(rep, "My own meeting")
    rep.plan_in_crm("Planned in the CRM")
    rep.sync()
    plan = rep.app.uninstall_plan()
    assert [i.fields["description"] for i in plan.delete] == ["Planned in the CRM"]
    assert plan.unshare == 1
    report = rep.app.uninstall()
    assert report.complete and report.deleted == 1
    titles = {i.fields["description"] for i in rep.natives()}
    assert titles == {"My own meeting"}
    assert not rep.app.profile.store_path.exists()
    assert rep.crm_by_uid(mine) is not None              # the CRM itself is untouched
    assert rep.app.password("crm") is None


def test_rule_23_uninstall_offline_removes_nothing(rep: Rep) -> None:
    rep.plan_in_crm("Planned in the CRM")
    rep.sync()
    settings = rep.app.settings.copy()
    settings.calendar.url = "http://127.0.0.1:9/"
    rep.app.save_settings(settings, calendar_password="x")
    report = rep.app.uninstall()
    assert not report.complete and rep.app.profile.store_path.exists()

"""The planner, rule by rule (DESIGN.md sync rules)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from crmdesk.model import DisplayIn, Origin, Status
from crmdesk.settings.model import Priority
from crmdesk.sync.actions import (CreateCrm, CreateNative, DeleteCrm, LinkNative, SaveProxy, UpdateCrm,
                                  UpdateNative)
from crmdesk.sync.plan import World, plan

from tests.unit.helpers import START, crm, native, proxy, synced, world


def kinds(actions: list) -> list[str]:
    return [type(a).__name__ for a in actions]


def test_rule_1_shared_item_uploads_with_its_uid() -> None:
    item = native()
    actions = plan(world([proxy(record=None, base=None, state="pending")], [item]))
    assert kinds(actions) == ["CreateCrm"]
    assert isinstance(actions[0], CreateCrm)
    assert actions[0].uid == "u1"
    assert actions[0].fields["description"] == "Visit ACME"


def test_rule_1_crm_activity_gets_native_uid_written_back() -> None:
    record = crm(integration_id="", origin=Origin.CRM)
    actions = plan(world([proxy(uid=None, href=None, record=record, base=None,
                                origin=Origin.CRM)], []))
    create = next(a for a in actions if isinstance(a, CreateNative))
    update = next(a for a in actions if isinstance(a, UpdateCrm))
    assert update.integration_id == create.uid == "crm-5@test"


def test_no_change_plans_nothing() -> None:
    p, item = synced()
    assert plan(world([p], [item])) == []


def test_rule_20_reserialized_item_with_new_etag_is_no_change() -> None:
    p, item = synced()
    item = replace(item, etag='"2"', raw="BEGIN:VCALENDAR… reordered …")
    assert plan(world([p], [item])) == []


def test_rule_4_display_in_calendar_makes_vevent_and_todo_makes_vtodo() -> None:
    ev = crm(1, integration_id="", origin=Origin.CRM)
    todo = crm(2, integration_id="", origin=Origin.CRM, display_in="todo")
    acts = plan(world([proxy(1, uid=None, href=None, record=ev, origin=Origin.CRM),
                       proxy(2, uid=None, href=None, record=todo, origin=Origin.CRM,
                             local={"display_in": "todo", "type": "todo"})], []))
    comps = {a.proxy_id: a.component for a in acts if isinstance(a, CreateNative)}
    assert comps == {1: "VEVENT", 2: "VTODO"}


def test_rule_4_activities_only_and_no_start_make_no_native_item() -> None:
    only = crm(1, integration_id="", origin=Origin.CRM, display_in="activities")
    nostart = crm(2, integration_id="", origin=Origin.CRM, planned_start=None, planned_end=None)
    acts = plan(world([proxy(1, uid=None, href=None, record=only, origin=Origin.CRM),
                       proxy(2, uid=None, href=None, record=nostart, origin=Origin.CRM)], []))
    assert not [a for a in acts if isinstance(a, CreateNative)]
    assert {a.proxy_id for a in acts if isinstance(a, SaveProxy)} == {1, 2}


def test_rule_5_display_in_change_deletes_and_recreates_in_one_sync() -> None:
    p, item = synced()
    p.crm = replace(p.crm, fields={**p.crm.fields, "display_in": DisplayIn.TODO})
    acts = plan(world([p], [item]))
    assert kinds(acts)[:2] == ["DeleteNative", "CreateNative"]
    assert acts[1].component == "VTODO" and acts[1].uid == "u1"


def test_rule_7_calendar_edit_flows_to_crm_only() -> None:
    p, item = synced()
    item = replace(item, fields={**item.fields, "location": "Room 4"})
    acts = plan(world([p], [item]))
    assert kinds(acts) == ["UpdateCrm", "SaveProxy"]
    assert acts[0].changes == {"location": "Room 4"} and acts[0].timestamp == "ts1"


def test_rule_7_crm_edit_flows_to_calendar_only() -> None:
    p, item = synced()
    p.crm = replace(p.crm, fields={**p.crm.fields, "description": "Visit ACME (moved)"})
    acts = plan(world([p], [item]))
    assert kinds(acts) == ["UpdateNative", "SaveProxy"]
    assert acts[0].changes == {"description": "Visit ACME (moved)"}


def test_rule_7_crm_only_field_change_goes_to_the_proxy_not_the_calendar() -> None:
    p, item = synced()
    p.crm = replace(p.crm, fields={**p.crm.fields, "account": 42})
    acts = plan(world([p], [item]))
    assert kinds(acts) == ["SaveProxy"]
    assert acts[0].local["account"] == 42


def test_rule_7_share_bar_link_flows_to_crm() -> None:
    p, item = synced()
    p.local = {**p.local, "account": 9}
    acts = plan(world([p], [item]))
    assert kinds(acts) == ["UpdateCrm", "SaveProxy"] and acts[0].changes == {"account": 9}


def _both_changed() -> tuple:
    p, item = synced()
    item = replace(item, fields={**item.fields, "location": "Calendar room"})
    p.crm = replace(p.crm, fields={**p.crm.fields, "location": "CRM room"})
    return p, item


def test_rule_7_conflict_crm_wins() -> None:
    p, item = _both_changed()
    acts = plan(world([p], [item], Priority.CRM))
    assert kinds(acts) == ["UpdateNative", "SaveProxy"]
    assert acts[0].changes == {"location": "CRM room"}


def test_rule_7_conflict_calendar_wins() -> None:
    p, item = _both_changed()
    acts = plan(world([p], [item], Priority.CALENDAR))
    assert kinds(acts) == ["UpdateCrm", "SaveProxy"]
    assert acts[0].changes == {"location": "Calendar room"}


def test_rule_7_conflict_ask_stays_pending_and_overwrites_nothing() -> None:
    p, item = _both_changed()
    acts = plan(world([p], [item], Priority.ASK))
    assert kinds(acts) == ["SaveProxy"]
    assert acts[0].conflict == ("location",)
    assert acts[0].base["location"] == p.base["location"]    # the last agreed value stays


def test_rule_7_ask_still_moves_the_fields_that_do_not_conflict() -> None:
    p, item = _both_changed()
    item = replace(item, fields={**item.fields, "comment": "bring samples"})
    acts = plan(world([p], [item], Priority.ASK))
    assert kinds(acts) == ["UpdateCrm", "SaveProxy"]
    assert acts[0].changes == {"comment": "bring samples"}


def test_rule_7_the_reps_decision_resolves_an_ask_conflict() -> None:
    p, item = _both_changed()
    p.resolution = {"location": "calendar"}
    p.state, p.conflict = "conflict", ["location"]
    acts = plan(world([p], [item], Priority.ASK))
    assert kinds(acts) == ["UpdateCrm", "SaveProxy"]
    assert acts[0].changes == {"location": "Calendar room"}
    assert acts[1].conflict == ()


def test_rule_9_owner_deletes_in_calendar_deletes_crm_activity() -> None:
    p, _ = synced()
    acts = plan(world([p], []))
    assert kinds(acts) == ["DeleteCrm", "DropProxy"]


def test_rule_10_non_owner_delete_leaves_the_team() -> None:
    p, _ = synced()
    p.crm = replace(p.crm, owner=99)
    assert kinds(plan(world([p], []))) == ["LeaveTeam", "DropProxy"]


def test_rule_11_crm_delete_of_crm_born_item_deletes_native() -> None:
    p, item = synced(origin=Origin.CRM, crm_deleted=True)
    assert kinds(plan(world([p], [item]))) == ["DeleteNative", "DropProxy"]


def test_rule_11_crm_delete_of_calendar_born_item_unshares_and_keeps_it() -> None:
    p, item = synced(origin=Origin.CALENDAR, crm_deleted=True)
    assert kinds(plan(world([p], [item]))) == ["DropProxy"]


def test_rule_12_unsharing_before_upload_drops_only_the_proxy() -> None:
    item = native()
    p = proxy(record=None, base=None, unshare=True)
    assert kinds(plan(world([p], [item]))) == ["DropProxy"]


def test_rule_12_deleting_before_upload_drops_only_the_proxy() -> None:
    p = proxy(record=None, base=None)
    assert kinds(plan(world([p], []))) == ["DropProxy"]


def test_unsharing_an_uploaded_item_deletes_it_from_the_crm_keeps_native() -> None:
    p, item = synced(unshare=True)
    acts = plan(world([p], [item]))
    assert kinds(acts) == ["DeleteCrm", "DropProxy"]


def test_rule_3_crm_activity_links_existing_native_by_uid() -> None:
    item = native("shared-uid")
    record = crm(integration_id="shared-uid", origin=Origin.CRM)
    acts = plan(world([proxy(uid=None, href=None, record=record, origin=Origin.CRM)], [item]))
    assert isinstance(acts[0], LinkNative) and acts[0].href == item.href
    assert not [a for a in acts if isinstance(a, CreateNative)]


def test_rule_3_crm_activity_links_existing_native_by_subject_and_start() -> None:
    item = native("other-uid")
    record = crm(integration_id="", origin=Origin.CRM)
    acts = plan(world([proxy(uid=None, href=None, record=record, origin=Origin.CRM)], [item]))
    assert isinstance(acts[0], LinkNative)
    assert any(isinstance(a, UpdateCrm) and a.integration_id == "other-uid" for a in acts)


def test_rule_3_an_item_already_linked_is_not_taken_twice() -> None:
    p, item = synced()
    record = crm(6, integration_id="", origin=Origin.CRM)
    acts = plan(world([p, proxy(2, uid=None, href=None, record=record, origin=Origin.CRM)],
                      [item]))
    assert not [a for a in acts if isinstance(a, LinkNative)]
    assert [a for a in acts if isinstance(a, CreateNative)]


def test_rule_18_crm_activity_outside_window_gets_no_native_item() -> None:
    far = START + timedelta(days=400)
    record = crm(integration_id="", origin=Origin.CRM, planned_start=far, planned_end=far)
    acts = plan(world([proxy(uid=None, href=None, record=record, origin=Origin.CRM)], []))
    assert not [a for a in acts if isinstance(a, CreateNative)]


def test_another_reps_meeting_is_not_copied_into_the_calendar() -> None:
    record = crm(owner=99, integration_id="their-uid", origin=Origin.CALENDAR)
    acts = plan(world([proxy(uid=None, href=None, record=record)], []))
    assert not [a for a in acts if isinstance(a, CreateNative)]


def test_interrupted_native_create_is_found_by_uid_not_made_twice() -> None:
    item = native("crm-5@test")
    record = crm(integration_id="", origin=Origin.CRM)
    p = proxy(uid="crm-5@test", href=None, record=record, origin=Origin.CRM,
              native_pending=True, base=dict(record.fields))
    acts = plan(world([p], [item]))
    assert not [a for a in acts if isinstance(a, (CreateNative, DeleteCrm))]


def test_interrupted_native_create_before_the_put_is_retried() -> None:
    record = crm(integration_id="", origin=Origin.CRM)
    p = proxy(uid="crm-5@test", href=None, record=record, origin=Origin.CRM,
              native_pending=True, base=dict(record.fields))
    acts = plan(world([p], []))
    assert [a.uid for a in acts if isinstance(a, CreateNative)] == ["crm-5@test"]


def test_status_done_in_crm_reaches_the_calendar() -> None:
    p, item = synced()
    p.crm = replace(p.crm, fields={**p.crm.fields, "status": Status.DONE})
    acts = plan(world([p], [item]))
    assert isinstance(acts[0], UpdateNative) and acts[0].changes == {"status": Status.DONE}


def test_plan_is_printable() -> None:
    p, item = _both_changed()
    for action in plan(world([p], [item], Priority.CRM)):
        assert action.describe().startswith(action.side)


def _many_deleted(n: int, total: int) -> object:
    """A world where the calendar lost `n` of `total` shared items."""
    from tests.unit.helpers import crm as make_crm
    proxies, items = [], []
    for i in range(total):
        record = make_crm(100 + i, integration_id=f"u{i}")
        p = proxy(i + 1, uid=f"u{i}", href=f"/cal/u{i}.ics", record=record,
                  base=dict(record.fields))
        proxies.append(p)
        if i >= n:
            items.append(native(f"u{i}"))
    return world(proxies, items)


def _totals(w: World) -> dict[str, int]:
    return {"calendar": len(w.mirror), "crm": sum(1 for p in w.proxies if p.crm is not None)}


def test_rule_21_mass_delete_guard_stops_a_large_share_of_deletes() -> None:
    import pytest
    from crmdesk.errors import MassDeleteBlocked
    from crmdesk.sync.engine import check_mass_delete
    w = _many_deleted(25, 100)
    actions = plan(w)
    with pytest.raises(MassDeleteBlocked) as info:
        check_mass_delete(actions, _totals(w), w.settings)
    assert (info.value.side, info.value.count, info.value.total) == ("crm", 25, 100)
    assert len([a for a in info.value.plan if isinstance(a, DeleteCrm)]) == 25


def test_rule_21_guard_lets_small_or_proportionate_deletes_through() -> None:
    from crmdesk.sync.engine import check_mass_delete
    few = _many_deleted(20, 30)            # 20 items: not more than the minimum
    check_mass_delete(plan(few), _totals(few), few.settings)
    share = _many_deleted(21, 300)         # 7%: under the share
    check_mass_delete(plan(share), _totals(share), share.settings)


def test_rule_9_cancel_policy_cancels_adds_a_follow_up_and_detaches() -> None:
    from crmdesk.settings.model import DeletePolicy
    from crmdesk.sync.actions import CreateFollowUp, Detach
    p, _ = synced()
    acts = plan(world([p], [], delete_policy=DeletePolicy.CANCEL))
    assert kinds(acts) == ["UpdateCrm", "CreateFollowUp", "Detach"]
    assert acts[0].changes == {"status": Status.CANCELLED}
    assert isinstance(acts[1], CreateFollowUp)
    assert acts[1].fields["display_in"] == DisplayIn.TODO
    assert "Visit ACME" in acts[1].fields["description"]
    assert isinstance(acts[2], Detach)


def test_rule_9_invitees_policy_keeps_a_meeting_nobody_was_invited_to() -> None:
    from crmdesk.settings.model import DeletePolicy
    p, _ = synced()
    assert kinds(plan(world([p], [], delete_policy=DeletePolicy.INVITEES))) == ["Detach"]


def test_rule_9_invitees_policy_deletes_a_meeting_with_invitees() -> None:
    from crmdesk.settings.model import DeletePolicy
    p, _ = synced()
    p.invitees = True
    acts = plan(world([p], [], delete_policy=DeletePolicy.INVITEES))
    assert kinds(acts) == ["DeleteCrm", "DropProxy"]


def test_invitees_are_remembered_while_the_item_is_visible() -> None:
    p, item = synced()
    item = replace(item, attendees=("bob@example.com",))
    acts = plan(world([p], [item]))
    assert kinds(acts) == ["SaveProxy"] and acts[0].invitees is True


def test_a_detached_activity_never_comes_back_to_the_calendar() -> None:
    p, _ = synced()
    p.detached, p.href = True, None
    p.crm = replace(p.crm, fields={**p.crm.fields, "location": "changed in CRM"})
    assert plan(world([p], [])) == []
    p.crm_deleted = True
    assert kinds(plan(world([p], []))) == ["DropProxy"]


def test_our_write_that_landed_before_a_crash_is_not_mistaken_for_an_edit() -> None:
    # Killed after PUTting comment "B" but before recording it; meanwhile the
    # CRM changed the comment again.  The CRM's newer value must flow.
    p, item = synced()
    p.inflight = {"calendar": [{"comment": "B"}]}
    item = replace(item, fields={**item.fields, "comment": "B"})
    p.crm = replace(p.crm, fields={**p.crm.fields, "comment": "C"})
    acts = plan(world([p], [item], Priority.ASK))
    assert kinds(acts) == ["UpdateNative", "SaveProxy"]
    assert acts[0].changes == {"comment": "C"} and acts[1].conflict == ()


def test_a_write_in_flight_that_never_landed_changes_nothing() -> None:
    p, item = synced()
    p.inflight = {"crm": [{"location": "never sent"}]}
    assert plan(world([p], [item])) == []


def test_rule_7_a_pending_conflict_stays_pending_on_the_next_sync() -> None:
    p, item = _both_changed()
    save = plan(world([p], [item], Priority.ASK))[-1]
    p.base, p.conflict, p.state = save.base, list(save.conflict), "conflict"
    again = plan(world([p], [item], Priority.ASK))
    assert again == [] or kinds(again) == ["SaveProxy"] and again[0].conflict == ("location",)


def test_a_calendar_item_we_created_before_a_crash_is_ours_not_a_conflict() -> None:
    # Killed after creating the item for a CRM activity but before recording a
    # base; meanwhile the CRM changed the comment again.  It must just flow.
    record = crm(integration_id="", origin=Origin.CRM, comment="Note 6")
    item = native("crm-5@test", comment="Note 6")
    p = proxy(uid="crm-5@test", href=item.href, record=replace(record, fields={
        **record.fields, "comment": "Note 7"}), base=None, origin=Origin.CRM)
    # ... and a later write of the comment was recorded but never sent.
    p.inflight = {"calendar": [dict(item.fields), {"comment": "Note 11"}]}
    acts = plan(world([p], [item]))
    assert [a for a in acts if isinstance(a, UpdateNative)][0].changes == {"comment": "Note 7"}
    assert not acts[-1].conflict


def _hashed(item):  # a mirrored item carries the hash of its normalized content
    return replace(item, content_hash="h1")


def test_rule_20_a_settled_pair_plans_to_nothing_without_merging() -> None:
    from crmdesk.sync.plan import newly_settled, settle_key
    p, item = synced()
    item = _hashed(item)
    w = world([p], [item])
    assert plan(w) == []
    (pid, key), = newly_settled(w, [])
    assert pid == p.id and key == settle_key(p, item) != ""
    # With the key remembered, even a base that disagrees is not looked at:
    # the key says neither copy changed since the plan that agreed.
    settled = replace(p, settled=key, base={**p.base, "description": "stale"})
    assert plan(world([settled], [item])) == []


def test_rule_20_a_changed_copy_or_a_waiting_proxy_is_planned_again() -> None:
    from crmdesk.sync.plan import settle_key
    p, item = synced()
    item = _hashed(item)
    key = settle_key(p, item)
    edited = replace(item, content_hash="h2",
                     fields={**item.fields, "description": "Visit ACME, room 2"})
    acts = plan(world([replace(p, settled=key)], [edited]))
    assert any(isinstance(a, UpdateCrm) for a in acts)
    newer = replace(p.crm, timestamp="ts2", fields={**p.crm.fields, "location": "HQ"})
    acts = plan(world([replace(p, settled=key, crm=newer)], [item]))
    assert any(isinstance(a, UpdateNative) for a in acts)
    waiting = replace(p, settled=key, state="pending",
                      local={**p.local, "account": 12})
    acts = plan(world([waiting], [item]))
    assert any(isinstance(a, UpdateCrm) and a.changes.get("account") == 12 for a in acts)

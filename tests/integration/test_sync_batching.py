"""Issue 7: never one CRM query per item.  The CRM requests of a sync that
uploads shares or downloads CRM activities do not grow with their number."""

from __future__ import annotations

import pytest

from tests.integration.conftest import Rep, soon

pytestmark = pytest.mark.integration


def _upload(rep: Rep, n: int, tag: str) -> dict[str, int]:
    uids = [rep.put_event(f"{tag} share {i}", soon(2 + i % 5, 8 + i % 9)) for i in range(n)]
    rep.sync()
    for uid in uids:
        rep.app.share(rep.key(uid))
    report = rep.sync()
    assert report.crm.created == n
    assert all(rep.crm_by_uid(uid) is not None for uid in uids)
    return report.requests


def _download(rep: Rep, n: int, tag: str) -> dict[str, int]:
    rep.sync()            # the first sync also fetches the identity and the pickers' lists
    for i in range(n):
        rep.plan_in_crm(f"{tag} plan {i}", soon(2 + i % 5, 8 + i % 9))
    report = rep.sync()
    assert report.calendar.created == n
    return report.requests


def test_shares_are_correlated_and_created_in_a_constant_number_of_requests(rep: Rep) -> None:
    few, many = _upload(rep, 3, "few"), _upload(rep, 15, "many")
    assert few["crm"] == many["crm"] <= 6     # login, feed, key 1, key 2, one create


def test_crm_activities_download_with_a_constant_number_of_crm_requests(rep: Rep) -> None:
    few, many = _download(rep, 3, "few"), _download(rep, 15, "many")
    assert few["crm"] == many["crm"] <= 4     # login, feed, one UID write-back + re-read
    assert many["calendar"] == 15 + 1         # the PUTs themselves, and one REPORT


def test_a_batch_links_what_natural_keys_find_and_creates_only_the_rest(rep: Rep) -> None:
    start = soon(3, 9)
    uids = [rep.put_event(f"Known {i}", start.replace(hour=9 + i)) for i in range(4)]
    rep.plan_in_crm("Known 0", start.replace(hour=9))                 # key 2 will find it
    rep.sync()
    for uid in uids:
        if rep.app.store.proxy_by_uid(uid) is None:
            rep.app.share(rep.key(uid))
    report = rep.sync()
    assert report.crm.created + len(report.linked) >= 3
    for uid in uids:
        found = rep.crm._call("sync_search", [("integration_id", "=", uid)], None)
        assert len(found) == 1, uid


def test_a_no_change_sync_plans_nothing_and_a_change_plans_only_its_item(rep: Rep) -> None:
    uids = [rep.put_event(f"Settled {i}", soon(2 + i % 3, 9 + i)) for i in range(6)]
    rep.sync()
    for uid in uids:
        rep.app.share(rep.key(uid))
    rep.sync()
    rep.sync()            # our own writes come back once, and settle
    quiet = rep.sync()
    assert quiet.scope == {"planned": 0, "whole": 0}
    rep.edit_native(uids[2], description="Settled 2, moved to HQ")
    record = rep.crm_by_uid(uids[4])
    rep.crm.write(record.id, {"location": "Board room"}, record.timestamp)
    changed = rep.sync()
    assert changed.scope == {"planned": 2, "whole": 0}
    assert changed.crm.updated == 1 and changed.calendar.updated == 1
    assert rep.crm_by_uid(uids[2]).fields["description"] == "Settled 2, moved to HQ"
    assert rep.native(uids[4]).fields["location"] == "Board room"


def test_a_new_day_or_new_settings_plan_the_whole_store(rep: Rep) -> None:
    from dataclasses import replace
    rep.put_event("Whole store", soon(2, 10))
    rep.sync()
    assert rep.sync().scope["whole"] == 0
    rep.app.store.set_meta("plan_scope_key", "yesterday")
    assert rep.sync().scope["whole"] == 1
    settings = rep.app.settings
    rep.app.save_settings(replace(settings, sync=replace(settings.sync,
                                                         calendar_future_days=90)))
    assert rep.sync().scope["whole"] == 1
    assert rep.sync().scope["whole"] == 0


def test_what_a_stopped_sync_read_is_planned_by_the_next_one(rep: Rep) -> None:
    uids = [rep.put_event(f"Stopped {i}", soon(2 + i, 9)) for i in range(2)]
    rep.sync()
    for uid in uids:
        rep.app.share(rep.key(uid))
    rep.sync()
    rep.sync()
    rep.edit_native(uids[0], description="Stopped 0, edited")
    rep.app.preview()                       # reads the change, applies nothing
    report = rep.sync()
    assert report.scope["whole"] == 1 and report.crm.updated == 1
    assert rep.crm_by_uid(uids[0]).fields["description"] == "Stopped 0, edited"

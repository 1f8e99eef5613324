"""Whole syncs when the calendar server's sync-collection fails us: an
expired token restarts from a full listing without losing the rep's local
changes, and a server without sync-collection is synchronized through ETag
listings (on Radicale and Xandikos, through the fault proxy).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from crmdesk.errors import ServerError
from crmdesk.pim.caldav import ETAG_LISTING

from tests.faults import proxy as fp
from tests.faults.harness import Faulty, faulty_rep
from tests.integration.conftest import soon

pytestmark = pytest.mark.integration

SYNC = fp.is_method("REPORT", b"sync-collection")


@pytest.fixture
def faulty(tmp_path: Path, caldav: Any, tryton_server: Any, tryton_rep: Any) -> Iterator[Faulty]:
    with faulty_rep(tmp_path / "profile", caldav, tryton_server, tryton_rep) as f:
        yield f


def _expire(body: bytes) -> bytes:
    start = body.index(b"<D:sync-token>") + len(b"<D:sync-token>")
    return body[:start] + b"http://expired.example/sync/1" + body[body.index(b"</D:sync-token>"):]


def test_an_expired_token_restarts_without_losing_local_changes(faulty: Faulty,
                                                                 tryton: Any) -> None:
    rep = faulty.rep
    shared, waiting = rep.put_event("Shared before", soon(2)), rep.put_event("Shared now", soon(3))
    rep.sync()
    rep.app.share(rep.key(shared))
    rep.sync()
    # Local changes not yet synchronized: a link set on the share bar, a phone
    # edit, a new share, and a CRM edit.
    account = tryton.new_account()
    rep.app.set_links(rep.key(shared), account, None, ())
    rep.edit_native(shared, location="Room 12")
    rep.app.share(rep.key(waiting))
    record = rep.crm_by_uid(shared)
    rep.crm.write(record.id, {"comment": "From the CRM"}, record.timestamp)
    faulty.cal.script = fp.Once((SYNC, fp.rewrite_request(_expire, "expired token")))
    report = rep.sync()
    assert not faulty.cal.script.pending and report.crm.created == 1
    after = rep.crm_by_uid(shared)
    assert (after.fields["account"], after.fields["location"]) == (account, "Room 12")
    assert rep.native(shared).fields["comment"] == "From the CRM"
    assert rep.crm_by_uid(waiting) is not None
    assert rep.app.store.mirror_count() == 2
    quiet = rep.sync()
    assert (quiet.crm.updated, quiet.calendar.updated) == (0, 0)


def test_a_server_without_sync_collection_is_synchronized_by_listing(faulty: Faulty) -> None:
    rep = faulty.rep
    faulty.cal.script = lambda r: fp.answer(501) if SYNC(r) else None
    record = rep.plan_in_crm("Listed, not synced", soon(4))
    assert rep.sync().calendar.created == 1
    assert rep.app.store.get_meta("sync_token") == ETAG_LISTING
    uid = rep.crm_record(record.id).integration_id
    rep.edit_native(uid, location="Room 3")
    assert rep.sync().crm.updated == 1
    assert rep.crm_record(record.id).fields["location"] == "Room 3"
    quiet = rep.sync()
    assert quiet.requests["calendar"] == 2                # refused REPORT + one PROPFIND
    rep.delete_native(uid)
    assert rep.sync().crm.deleted == 1                    # rule 9 from a listing too
    assert rep.crm_record(record.id) is None


# -- what a sync read must not be lost when it stops before the end ----------------------

def _linked(rep: Any) -> tuple[str, Any]:
    record = rep.plan_in_crm("Read, then stopped", soon(4))
    rep.sync()
    return rep.crm_record(record.id).integration_id, record


def test_an_edit_read_by_a_sync_that_failed_is_not_lost(faulty: Faulty) -> None:
    rep = faulty.rep
    uid, record = _linked(rep)
    rep.edit_native(uid, location="Room 5")
    faulty.crm.script = lambda r: fp.answer(503) if r.rpc.endswith(".changes") else None
    with pytest.raises(ServerError):
        rep.app.sync()             # the calendar was read (and its token kept), then the CRM failed
    faulty.calm()
    assert rep.sync().crm.updated == 1
    assert rep.crm_record(record.id).fields["location"] == "Room 5"


def test_an_edit_read_by_a_preview_is_not_lost(faulty: Faulty) -> None:
    rep = faulty.rep
    uid, record = _linked(rep)
    rep.edit_native(uid, location="Room 6")
    assert rep.app.preview()       # reads both servers, changes nothing
    assert rep.sync().crm.updated == 1
    assert rep.crm_record(record.id).fields["location"] == "Room 6"


# -- found by the campaign: lost answers must not make copies or lose rule 1 --------------

def test_our_own_create_whose_answer_never_came_is_not_shared_again(faulty: Faulty) -> None:
    """A CRM activity's calendar item landed, but every answer was lost: with
    "share new items" on, the next sync must link it, not share it as new."""
    rep = faulty.rep
    settings = rep.app.settings.copy()
    settings.sync.share_new_items = True
    rep.app.save_settings(settings)
    record = rep.plan_in_crm("Landed unseen", soon(4))
    puts = iter([fp.answer_after(502)] + [fp.answer(503)] * 5)
    faulty.cal.script = lambda r: next(puts) if r.headers.get("if-none-match") else None
    assert rep.app.sync().errors                          # said, in words
    faulty.calm()
    report = rep.sync()
    assert report.crm.created == 0
    assert len(rep.crm._call("sync_search", [("description", "=", "Landed unseen")], None)) == 1
    assert rep.crm_record(record.id).integration_id == rep.natives()[0].uid


def test_a_uid_write_back_that_failed_is_sent_again(faulty: Faulty) -> None:
    """Rule 1: "it is sent again next time" must hold even when nothing else changes."""
    rep = faulty.rep
    record = rep.plan_in_crm("UID later", soon(4))
    faulty.crm.script = lambda r: fp.answer(503) if r.rpc.endswith(".write") else None
    assert "calendar UID" in rep.app.sync().errors[0].reason
    faulty.calm()
    rep.sync()
    assert rep.crm_record(record.id).integration_id == rep.natives()[0].uid

"""The Tryton connector behind the fault proxy, in whole syncs against real
trytond and CalDAV servers.

A kept connector keeps its session from sync to sync (issue 7); a session
the server ended costs one new sign-in, and a session refused again is an
error, never a loop.  A 429 on sign-in is a lock-out: said so, and waited
out without asking again.  Reads and timestamped writes are sent again;
a create never is (its lost answer is found by key 1 next time, with no
duplicate).  Hostile rows in the change feed are skipped with their reason
while the rest syncs, and come again once the server sends them right.
The login body (the password) never follows a redirect to another host.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
import requests

from crmdesk.errors import (CrmDeskError, LockedOutError, RedirectRefused, ServerError,
                            SessionExpired)
from crmdesk.logs import setup_logging, shutdown_logging
from crmdesk.messages import describe

from tests.faults import proxy as fp
from tests.faults.harness import STALL, Faulty, faulty_rep
from tests.fixtures.caldav import _environment
from tests.integration.conftest import soon

pytestmark = pytest.mark.integration

LOGIN = lambda r: r.rpc == "common.db.login"            # noqa: E731
SIGNED = lambda r: bool(r.headers.get("authorization")) and r.rpc != "common.db.login"  # noqa


@pytest.fixture
def radicale(radicale_server: Any) -> Iterator[Any]:
    """A fresh calendar on Radicale only: the CRM side does not depend on the server."""
    yield from _environment("radicale", radicale_server)


@pytest.fixture
def faulty(tmp_path: Path, radicale: Any, tryton_server: Any, tryton_rep: Any
           ) -> Iterator[Faulty]:
    with faulty_rep(tmp_path / "profile", radicale, tryton_server, tryton_rep) as f:
        yield f


def logins(f: Faulty) -> int:
    return len(f.crm.seen(LOGIN))


def expire_session(server: Any) -> Callable[[fp.Request], None]:
    """Before forwarding: end the request's session on the server (a real expiry)."""
    def before(request: fp.Request) -> None:
        requests.post(f"{server.url}/{server.database}/rpc/", timeout=30,
                      json={"id": 0, "method": "common.db.logout", "params": []},
                      headers={"Authorization": request.headers["authorization"]})
    return before


# -- the session ---------------------------------------------------------------------

def test_a_kept_connector_signs_in_once_for_many_syncs(faulty: Faulty) -> None:
    faulty.rep.plan_in_crm("Kept session")
    reports = [faulty.sync() for _ in range(3)]
    assert logins(faulty) == 1
    assert reports[0].calendar.created == 1 and not any(r.errors for r in reports)
    assert reports[2].requests["crm"] == 1               # the change feed, nothing else


def test_the_session_key_is_never_written(faulty: Faulty, tryton_server: Any) -> None:
    profile = faulty.app.profile
    setup_logging(profile, level=10)                     # DEBUG: everything that is logged
    try:
        faulty.crm.script = fp.Once((SIGNED, fp.race(expire_session(tryton_server))),
                                    (SIGNED, fp.answer(503)))
        faulty.rep.plan_in_crm("Secret session")
        faulty.sync()
        faulty.sync()
    finally:
        shutdown_logging()
    headers = {r.headers["authorization"].split(" ", 1)[1] for r in faulty.crm.seen(SIGNED)}
    keys = {base64.b64decode(h).decode().split(":", 2)[2] for h in headers}
    assert len(keys) == 2                                # the first session and the new one
    files = [p for p in Path(profile.config_dir).rglob("*") if p.is_file()]
    assert any(".log" in p.name for p in files)
    for path in files:
        data = path.read_bytes()
        for secret in keys | headers:
            assert secret.encode() not in data, path
    shown = repr(faulty.crm_client.rpc) + repr(faulty.crm_client)
    assert not any(secret in shown for secret in keys | headers)


def test_an_expired_session_costs_one_new_sign_in(faulty: Faulty, tryton_server: Any) -> None:
    faulty.rep.plan_in_crm("After the expiry")
    faulty.sync()
    faulty.crm.script = fp.Once((SIGNED, fp.race(expire_session(tryton_server), "expiry")))
    report = faulty.sync()
    assert not report.errors and logins(faulty) == 2
    assert [r.rpc.rsplit(".", 1)[-1] for r in faulty.crm.seen()][-3:] == [
        "changes", "login", "changes"]


def test_a_session_refused_again_is_an_error_not_a_loop(faulty: Faulty) -> None:
    faulty.crm.script = lambda r: fp.answer(401) if SIGNED(r) else None
    for attempt in (1, 2):
        with pytest.raises(SessionExpired) as caught:
            faulty.sync()
        assert logins(faulty) == 2 * attempt and len(faulty.crm.seen(SIGNED)) == 2 * attempt
    assert "ended the session right after crmdesk signed in again" in describe(caught.value)
    faulty.calm()
    assert not faulty.sync().errors


def test_a_lockout_is_said_and_waited_out(faulty: Faulty) -> None:
    faulty.crm.script = lambda r: fp.answer(429) if LOGIN(r) else None
    with pytest.raises(LockedOutError) as caught:
        faulty.sync()
    words = describe(caught.value)
    assert "locked the account" in words and "does not sign in again for 5 min" in words
    seen = len(faulty.crm.seen())
    with pytest.raises(LockedOutError):
        faulty.sync()                     # backs off: not one more request to the CRM
    assert len(faulty.crm.seen()) == seen == 1


# -- what is sent again, and what never is ---------------------------------------------

CHANGES = fp.is_rpc(".changes")


READ_FAULTS = [fp.answer(500), fp.answer(503), fp.reset_mid_body(), fp.stall(STALL),
               fp.truncate(), fp.cut()]


def test_a_failed_crm_read_is_sent_again(faulty: Faulty) -> None:
    faulty.sync()
    for n, fault in enumerate(READ_FAULTS):
        record = faulty.rep.plan_in_crm(f"Read twice {n}")
        faulty.crm.script = fp.Once((CHANGES, fault))
        before = len(faulty.crm.seen(CHANGES))
        report = faulty.sync()
        assert not report.errors and report.calendar.created == 1, fault.name
        assert len(faulty.crm.seen(CHANGES)) - before == 2, fault.name
        assert faulty.rep.crm_record(record.id).integration_id      # rule 1 written back


def test_a_create_is_never_sent_twice_and_never_duplicated(faulty: Faulty) -> None:
    faulty.app.settings.sync.share_new_items = True
    uid = faulty.rep.put_event("Lost create answer", soon(2))
    faulty.crm.script = fp.Once((fp.is_rpc(".sync_create"), fp.reset_mid_body()))
    report = faulty.sync()
    assert len(faulty.crm.seen(fp.is_rpc(".sync_create"))) == 1
    assert len(report.errors) == 1 and "Nothing was lost" in report.errors[0].reason
    again = faulty.sync()
    assert not again.errors and again.crm.created == 0
    found = faulty.rep.crm._call("sync_search", [("integration_id", "=", uid)], None)
    assert len(found) == 1


def test_a_timestamped_write_whose_answer_was_lost_is_not_applied_twice(faulty: Faulty
                                                                        ) -> None:
    record = faulty.rep.plan_in_crm("Write once")
    faulty.sync()
    uid = faulty.rep.crm_record(record.id).integration_id
    faulty.rep.edit_native(uid, location="Room 7")
    faulty.crm.script = fp.Once((fp.is_rpc(".sync_write"), fp.answer_after(502)))
    report = faulty.sync()
    assert not report.errors and len(faulty.crm.seen(fp.is_rpc(".sync_write"))) == 2
    assert faulty.rep.crm_record(record.id).fields["location"] == "Room 7"
    assert faulty.sync().crm.updated == 0


# -- hostile answers -------------------------------------------------------------------

def _spoil(title: str, spoil: Callable[[dict], None]) -> Callable[[Any], Any]:
    def rewrite(answer: Any) -> Any:
        for row in answer["result"]["records"]:
            if row.get("description") == title:
                spoil(row)
        return answer
    return rewrite


HOSTILE = {
    "wrong type": lambda row: row.update(planned_start="next Tuesday"),
    "missing field": lambda row: row.pop("display_in"),
    "unknown selection": lambda row: row.update(status="postponed"),
    "list for text": lambda row: row.update(description=["Spoiled", "x"]),
}


def test_a_hostile_row_is_skipped_with_its_reason_and_the_rest_syncs(faulty: Faulty) -> None:
    faulty.sync()
    for how, spoil in HOSTILE.items():
        title = f"Spoiled ({how})"
        bad = faulty.rep.plan_in_crm(title, soon(5, 10))
        good = faulty.rep.plan_in_crm(f"Fine ({how})", soon(5, 12))
        faulty.crm.script = lambda r: fp.rewrite_json(_spoil(title, spoil)) \
            if CHANGES(r) else None
        report = faulty.sync()
        assert not report.errors, how
        assert [e.key for e in report.skipped] == [f"crm.activity,{bad.id}"], how
        assert "can't read" in report.skipped[0].reason
        natives = {n.fields["description"] for n in faulty.rep.natives()}
        assert f"Fine ({how})" in natives and title not in natives, how
        assert faulty.rep.crm_record(good.id).integration_id
        spoiled = faulty.rep.crm_record(bad.id)
        assert spoiled.fields == bad.fields and spoiled.integration_id == ""  # nothing written
        faulty.calm()                      # the server sends it right: it comes again
        later = faulty.sync()
        assert not later.errors and not later.skipped and later.calendar.created == 1, how
        natives = {n.fields["description"]: n for n in faulty.rep.natives()}
        assert natives[title].fields["planned_start"] == bad.fields["planned_start"]


def test_a_garbled_change_feed_fails_in_words_and_loses_nothing(faulty: Faulty) -> None:
    faulty.rep.plan_in_crm("Behind garbage")
    faulty.crm.script = lambda r: fp.rewrite_json(
        lambda a: {**a, "result": {"records": "none", "deleted": None}}) if CHANGES(r) else None
    with pytest.raises(ServerError) as caught:
        faulty.sync()
    assert "unexpected answer to changes" in describe(caught.value)
    faulty.calm()
    assert faulty.sync().calendar.created == 1


def test_a_hostile_search_answer_fails_the_item_in_words(faulty: Faulty) -> None:
    faulty.app.settings.sync.share_new_items = True
    uid = faulty.rep.put_event("Share me", soon(2))
    spoil = fp.rewrite_json(lambda a: {**a, "result": [{"id": "seven"}]})
    faulty.crm.script = fp.Once((fp.is_rpc(".sync_search"), spoil))
    report = faulty.sync()
    assert [e.key for e in report.errors] == [uid] and "can't be read" in report.errors[0].reason
    faulty.calm()
    assert faulty.sync().crm.created == 1
    assert len(faulty.rep.crm._call("sync_search", [("integration_id", "=", uid)], None)) == 1


# -- redirects -------------------------------------------------------------------------

def test_the_password_never_follows_a_redirect_to_another_host(tryton_server: Any,
                                                               tryton_rep: Any) -> None:
    from crmdesk.crm.tryton import TrytonConnector
    with fp.FaultProxy(tryton_server.url) as elsewhere, \
            fp.FaultProxy(tryton_server.url) as here:
        other = elsewhere.url.replace("127.0.0.1", "localhost")
        here.script = lambda r: fp.redirect(other.rstrip("/") + r.path, 307)
        crm = TrytonConnector(here.url, tryton_server.database, tryton_rep.login,
                              tryton_rep.password, timeout=5)
        with pytest.raises(RedirectRefused) as caught:
            crm.login()
    assert elsewhere.seen() == [] and len(here.seen()) == 1
    assert tryton_rep.password not in describe(caught.value)
    assert isinstance(caught.value, CrmDeskError)

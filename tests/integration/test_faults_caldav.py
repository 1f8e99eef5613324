"""CalDavClient behind the fault proxy, on Radicale and on Xandikos.

Reads are sent again after a 5xx, a reset, a stall past the timeout or a
garbled answer, at most three times; a write is sent again only when its
precondition makes a repeat harmless (If-Match, If-None-Match: *), and a
repeat that finds its own earlier write landed says so correctly.  429 is
waited out when the wait is short and reported otherwise.  A server without
sync-collection is read with an ETag listing.  Credentials never follow a
redirect to another host.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from crmdesk.errors import (NotFound, RateLimited, RedirectRefused, ServerError, StaleWrite,
                            UnreachableError)
from crmdesk.messages import describe
from crmdesk.pim.caldav import ETAG_LISTING, CalDavClient
from crmdesk.pim.ical import patch

from tests.faults import proxy as fp
from tests.faults.harness import FAST, STALL, TIMEOUT, via
from tests.fixtures.caldav import CalDavEnv
from tests.integration.test_caldav_client import event

pytestmark = pytest.mark.integration

SYNC = fp.is_method("REPORT", b"sync-collection")
MULTIGET = fp.is_method("REPORT", b"calendar-multiget")


class Behind:
    """A client whose every request crosses a FaultProxy."""

    def __init__(self, env: CalDavEnv, proxy: fp.FaultProxy) -> None:
        self.env, self.proxy = env, proxy
        self.client = CalDavClient(via(proxy, env.server.url, env.url), env.username,
                                   env.password, timeout=TIMEOUT, retry=FAST)
        self.waits: list[float] = []
        self.client.http.sleep = self.waits.append
        self.calendar = via(proxy, env.server.url, env.calendar_url)

    def faults(self, *rules: tuple[Any, fp.Fault]) -> fp.Once:
        self.proxy.script = script = fp.Once(*rules)
        return script


@pytest.fixture
def behind(caldav: CalDavEnv) -> Iterator[Behind]:
    with fp.FaultProxy(caldav.server.url) as proxy:
        b = Behind(caldav, proxy)
        yield b
        b.client.close()


READ_FAULTS = {
    "500": fp.answer(500), "502": fp.answer(502), "503": fp.answer(503),
    "reset before forwarding": fp.reset_before(), "reset mid-body": fp.reset_mid_body(),
    "stall past the timeout": fp.stall(STALL), "truncated XML": fp.truncate(),
    "body cut short": fp.cut(),
}


@pytest.mark.parametrize("fault", list(READ_FAULTS))
def test_a_failed_read_is_sent_again(behind: Behind, fault: str) -> None:
    href = behind.env.put(event("one"))
    behind.faults((MULTIGET, READ_FAULTS[fault]))
    delta = behind.client.sync(behind.calendar, None)
    assert [i.href for i in delta.changed] == [href]
    assert len(behind.proxy.seen(MULTIGET)) == 2 and behind.client.http.retries == 1


def test_retries_are_capped(behind: Behind) -> None:
    behind.proxy.script = lambda r: fp.answer(503)
    with pytest.raises(ServerError) as caught:
        behind.client.sync(behind.calendar, None)
    assert caught.value.status == 503 and len(behind.proxy.seen()) == FAST.attempts
    assert "try again later" in describe(caught.value)


def test_a_server_that_keeps_stalling_costs_two_timeouts_not_three(behind: Behind) -> None:
    behind.client.http.timeout = 0.4
    behind.proxy.script = lambda r: fp.stall(0.8)
    with pytest.raises(UnreachableError) as caught:
        behind.client.sync(behind.calendar, None)
    assert len(behind.proxy.seen()) == 2
    assert "did not answer in time" in describe(caught.value)


def test_429_is_waited_out_when_short_and_reported_when_long(behind: Behind) -> None:
    behind.faults((SYNC, fp.answer(429, headers={"Retry-After": "1"})))
    assert behind.client.sync(behind.calendar, None).full
    assert behind.waits == [1.0]                        # backed off as asked
    behind.proxy.script = lambda r: fp.answer(429, headers={"Retry-After": "120"})
    before = len(behind.proxy.seen())
    with pytest.raises(RateLimited) as caught:
        behind.client.sync(behind.calendar, None)
    assert len(behind.proxy.seen()) == before + 1        # no hammering
    assert "asked crmdesk to wait 120 s" in describe(caught.value)


# -- writes: only when the precondition makes a repeat harmless ---------------------

def _mine(behind: Behind, uid: str) -> Any:
    return behind.client.create(behind.calendar, uid, event(uid, "Mine"))


def test_a_guarded_update_is_sent_again(behind: Behind) -> None:
    item = _mine(behind, "upd")
    behind.faults((fp.is_method("PUT"), fp.reset_before()))
    new = behind.client.update(item, patch(item.raw, {"location": "Room 1"}))
    assert new.fields["location"] == "Room 1" and len(behind.proxy.seen(fp.is_method("PUT"))) == 3


def test_a_guarded_update_that_landed_is_not_applied_twice(behind: Behind) -> None:
    item = _mine(behind, "landed")
    behind.faults((fp.is_method("PUT"), fp.answer_after(502)))
    with pytest.raises(StaleWrite):         # the repeat met the first write: If-Match failed
        behind.client.update(item, patch(item.raw, {"location": "Room 2"}))
    stored = behind.env.client.get(item.href)
    assert stored is not None and stored.fields["location"] == "Room 2"


def test_a_create_whose_answer_was_lost_is_recognised(behind: Behind) -> None:
    behind.faults((fp.is_method("PUT"), fp.reset_mid_body()))
    item = _mine(behind, "lost-answer")
    assert item.etag and item.uid == "lost-answer"
    assert len(behind.proxy.seen(fp.is_method("PUT"))) == 2
    assert [i.uid for i in behind.env.client.sync(behind.env.calendar_url, None).changed] == [
        "lost-answer"]


def test_a_create_refused_for_someone_elses_object_stays_stale(behind: Behind) -> None:
    behind.env.put("taken", event("taken", "The phone's"))
    behind.faults((fp.is_method("PUT"), fp.answer(503)))
    with pytest.raises(StaleWrite):
        _mine(behind, "taken")
    assert behind.env.client.get(behind.env.href("taken.ics")).fields["description"] == \
        "The phone's"


def test_a_guarded_delete_whose_answer_was_lost_is_gone(behind: Behind) -> None:
    item = _mine(behind, "del")
    behind.faults((fp.is_method("DELETE"), fp.answer_after(502)))
    with pytest.raises(NotFound):            # the engine takes this as done
        behind.client.delete(item)
    assert behind.env.client.get(item.href) is None


def test_an_unguarded_write_is_never_sent_twice(behind: Behind) -> None:
    behind.proxy.script = lambda r: fp.answer(503) if r.method == "PUT" else None
    url = behind.calendar + "raw.ics"
    with pytest.raises(ServerError):
        behind.client.http.request("PUT", url, event("raw").encode(),
                                   {"Content-Type": "text/calendar"}, allow=(201, 204))
    assert len(behind.proxy.seen(fp.is_method("PUT"))) == 1


# -- sync-collection missing or its token expired ------------------------------------

NO_SYNC_COLLECTION = {
    "501": fp.answer(501),
    "403 supported-report": fp.answer(403, b'<?xml version="1.0"?><D:error xmlns:D="DAV:">'
                                           b"<D:supported-report/></D:error>",
                                      {"Content-Type": "application/xml"}),
}


@pytest.mark.parametrize("refusal", list(NO_SYNC_COLLECTION))
def test_a_server_without_sync_collection_is_read_by_etag_listing(behind: Behind,
                                                                  refusal: str) -> None:
    first = behind.env.put(event("first"))
    behind.proxy.script = lambda r: NO_SYNC_COLLECTION[refusal] if SYNC(r) else None
    delta = behind.client.sync(behind.calendar, None)
    assert delta.full and delta.token == ETAG_LISTING and [i.href for i in delta.changed] == [
        first]
    known = {i.href: i.etag for i in delta.changed}
    before = behind.client.request_count
    again = behind.client.sync(behind.calendar, delta.token, known)
    assert (again.changed, again.unchanged) == ([], [first])
    assert behind.client.request_count - before == 2        # refused REPORT + PROPFIND
    second = behind.env.put(event("second"))
    behind.env.delete(first)
    later = behind.client.sync(behind.calendar, again.token, known)
    assert [i.href for i in later.changed] == [second] and later.unchanged == []
    assert later.full                                        # `first` is gone by omission


def test_the_listing_stops_once_the_server_does_sync_collection(behind: Behind) -> None:
    behind.env.put(event("x"))
    behind.proxy.script = lambda r: fp.answer(501) if SYNC(r) else None
    token = behind.client.sync(behind.calendar, None).token
    behind.proxy.script = lambda r: None
    assert behind.client.sync(behind.calendar, token).token != ETAG_LISTING


def test_an_expired_token_restarts_with_a_full_listing(behind: Behind) -> None:
    href = behind.env.put(event("kept"))
    token = behind.client.sync(behind.calendar, None).token
    expired = fp.rewrite_request(lambda body: body.replace(token.encode(), b"expired-0"))
    behind.faults((SYNC, expired))
    delta = behind.client.sync(behind.calendar, token)
    assert delta.full and [i.href for i in delta.changed] == [href]


# -- redirects ---------------------------------------------------------------------

def test_credentials_never_follow_a_redirect_to_another_host(caldav: CalDavEnv) -> None:
    with fp.FaultProxy(caldav.server.url) as elsewhere, fp.FaultProxy(caldav.server.url) as here:
        other = elsewhere.url.replace("127.0.0.1", "localhost")
        here.script = lambda r: fp.redirect(other.rstrip("/") + r.path)
        with CalDavClient(here.url, caldav.username, caldav.password, timeout=5) as client:
            with pytest.raises(RedirectRefused) as caught:
                client.calendars()
    assert elsewhere.seen() == []                            # not even a request
    assert [r.headers.get("authorization", "")[:6] for r in here.seen()] == ["Basic "]
    assert "does not send your password there" in describe(caught.value)
    assert caldav.password not in describe(caught.value)


def test_a_redirect_on_the_same_host_is_followed(caldav: CalDavEnv) -> None:
    with fp.FaultProxy(caldav.server.url) as here:
        here.script = fp.Once((lambda r: r.method == "PROPFIND",
                               fp.redirect(via(here, caldav.server.url, caldav.calendar_url))))
        with CalDavClient(here.url + "moved/", caldav.username, caldav.password,
                          timeout=5) as client:
            assert [c.url for c in client.calendars()] == [
                via(here, caldav.server.url, caldav.calendar_url)]

"""CalDavClient against real Radicale and Xandikos (each test runs on both)."""

from __future__ import annotations

import warnings
from datetime import datetime, timezone

import pytest

from crmdesk.devservers.caldav import free_port
from crmdesk.errors import (
    AuthError, NotFound, StaleWrite, TlsError, UnreachableError, UserError,
)
from crmdesk.model import NativeItem
from crmdesk.pim.caldav import CalDavClient, href_name
from crmdesk.pim.ical import patch, render_new
from tests.fixtures.caldav import CalDavEnv

pytestmark = pytest.mark.integration
UTC = timezone.utc


def event(uid: str, summary: str = "Meeting", start: str = "DTSTART:20240110T090000Z",
          end: str = "DTEND:20240110T100000Z") -> str:
    """A VEVENT as a phone would write it."""
    return "\r\n".join([
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//phone//EN", "BEGIN:VEVENT",
        f"UID:{uid}", "DTSTAMP:20240101T000000Z", start, end, f"SUMMARY:{summary}",
        "END:VEVENT", "END:VCALENDAR", ""])


BERLIN = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//phone//EN",
    "BEGIN:VTIMEZONE", "TZID:Europe/Berlin",
    "BEGIN:STANDARD", "DTSTART:19701025T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200",
    "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3", "END:DAYLIGHT", "END:VTIMEZONE",
    "BEGIN:VEVENT", "UID:berlin-1", "DTSTAMP:20240101T000000Z",
    "DTSTART;TZID=Europe/Berlin:20240701T100000", "DTEND;TZID=Europe/Berlin:20240701T110000",
    "SUMMARY:Visit", "ATTENDEE;CN=Ann;PARTSTAT=ACCEPTED:mailto:ann@example.com",
    "X-PHONE-COLOR:blue", "END:VEVENT", "END:VCALENDAR", ""])

TODO = "\r\n".join([
    "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//phone//EN", "BEGIN:VTODO", "UID:todo-1",
    "DTSTAMP:20240101T000000Z", "DUE;VALUE=DATE:20240115", "SUMMARY:Call back",
    "STATUS:NEEDS-ACTION", "PRIORITY:1", "END:VTODO", "END:VCALENDAR", ""])


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def initial(env: CalDavEnv) -> tuple[str, dict[str, NativeItem]]:
    delta = env.client.sync(env.calendar_url, None)
    return delta.token, {item.href: item for item in delta.changed}


# -- discovery ----------------------------------------------------------------

def test_discovery_lists_the_calendar(caldav: CalDavEnv) -> None:
    found = {c.url: c for c in caldav.client.calendars()}
    assert caldav.calendar_url in found
    info = found[caldav.calendar_url]
    assert info.name == caldav.display_name
    assert {"VEVENT", "VTODO"} <= set(info.components)


def test_discovery_from_a_calendar_url(caldav: CalDavEnv) -> None:
    with caldav.new_client(url=caldav.calendar_url.rstrip("/")) as client:
        assert [c.url for c in client.calendars()] == [caldav.calendar_url]
        assert client.request_count == 1


@pytest.mark.parametrize("start", ["no-such-place/", "home"])
def test_discovery_from_other_urls(caldav: CalDavEnv, start: str) -> None:
    """From a URL that is no DAV resource (via /.well-known/caldav) or from the home."""
    url = caldav.server.home_url(caldav.username) if start == "home" else caldav.url + start
    with caldav.new_client(url=url) as client:
        assert caldav.calendar_url in {c.url for c in client.calendars()}


def test_resolve_calendar(caldav: CalDavEnv) -> None:
    client = caldav.client
    assert client.resolve_calendar(caldav.display_name).url == caldav.calendar_url
    assert client.resolve_calendar(caldav.display_name.upper()).url == caldav.calendar_url
    assert client.resolve_calendar(caldav.calendar_url).name == caldav.display_name
    assert client.resolve_calendar(caldav.href("")).url == caldav.calendar_url
    with pytest.raises(UserError) as info:
        client.resolve_calendar("No Such Calendar")
    assert caldav.display_name in info.value.message


# -- reading ------------------------------------------------------------------

def test_initial_sync_reads_everything_in_two_requests(caldav: CalDavEnv) -> None:
    hrefs = {caldav.put(event("e-1", "One")), caldav.put(BERLIN), caldav.put(TODO)}
    before = caldav.client.request_count
    delta = caldav.client.sync(caldav.calendar_url, None)
    assert caldav.client.request_count - before == 2
    assert delta.full and delta.token and not delta.deleted and not delta.invalid
    items = {item.uid: item for item in delta.changed}
    assert {item.href for item in delta.changed} == hrefs
    assert items["e-1"].fields["description"] == "One"
    assert items["berlin-1"].fields["planned_start"] == at(2024, 7, 1, 8)
    todo = items["todo-1"]
    assert todo.component == "VTODO"
    assert (todo.fields["all_day"], todo.fields["priority"]) == (True, "high")
    assert all(item.etag and item.content_hash for item in delta.changed)


def test_empty_calendar_initial_sync_is_one_request(caldav: CalDavEnv) -> None:
    delta = caldav.client.sync(caldav.calendar_url, None)
    assert caldav.client.request_count == 1
    assert (delta.changed, delta.deleted, delta.full) == ([], [], True)


def test_incremental_sync_sees_another_clients_changes(caldav: CalDavEnv) -> None:
    keep = caldav.put(event("keep"))
    edit = caldav.put(event("edit", "Before"))
    gone = caldav.put(event("gone"))
    token, _ = initial(caldav)
    new = caldav.put(event("new", "Fresh"))
    caldav.put(event("edit", "After"), name=edit.rsplit("/", 1)[1])
    caldav.delete(gone)
    before = caldav.client.request_count
    delta = caldav.client.sync(caldav.calendar_url, token)
    assert caldav.client.request_count - before == 2
    assert not delta.full and delta.token != token
    assert {i.href: i.fields["description"] for i in delta.changed} == {new: "Fresh", edit: "After"}
    assert delta.deleted == [gone]
    assert keep not in {i.href for i in delta.changed}


def test_no_change_sync_is_exactly_one_request(caldav: CalDavEnv) -> None:
    caldav.put(event("quiet"))
    token, _ = initial(caldav)
    for _ in range(3):
        before = caldav.client.request_count
        delta = caldav.client.sync(caldav.calendar_url, token)
        assert caldav.client.request_count - before == 1
        assert (delta.changed, delta.deleted, delta.invalid, delta.full) == ([], [], [], False)
        token = delta.token


def test_known_etags_are_not_fetched_again(caldav: CalDavEnv) -> None:
    theirs = caldav.put(event("theirs"))
    token, items = initial(caldav)
    mine = caldav.client.create(caldav.calendar_url, "mine",
                                render_new("mine", "VTODO", {"description": "ours"}))
    known = {href: item.etag for href, item in items.items()} | {mine.href: mine.etag}
    before = caldav.client.request_count
    delta = caldav.client.sync(caldav.calendar_url, token, known)
    assert caldav.client.request_count - before == 1      # our own write costs no multiget
    assert (delta.changed, delta.unchanged) == ([], [mine.href])
    full = caldav.client.sync(caldav.calendar_url, None, {theirs: items[theirs].etag})
    assert [i.href for i in full.changed] == [mine.href] and full.unchanged == [theirs]


@pytest.mark.parametrize("token", ["bogus", "http://radicale.org/ns/sync/0123abcd",
                                   "0123456789abcdef0123456789abcdef01234567"])
def test_invalid_token_restarts_with_a_full_listing(caldav: CalDavEnv, token: str) -> None:
    href = caldav.put(event("again"))
    before = caldav.client.request_count
    delta = caldav.client.sync(caldav.calendar_url, token)
    assert delta.full and [i.href for i in delta.changed] == [href]
    assert caldav.client.request_count - before == 3      # rejected, restart, multiget
    assert caldav.client.sync(caldav.calendar_url, delta.token).changed == []


def test_garbage_on_the_server_goes_to_invalid(caldav: CalDavEnv) -> None:
    good = caldav.put(event("fine"))
    bad_end = caldav.put(event("bad-end", end="DTEND:20240110T080000Z"))
    bad_zone = caldav.put(event("bad-zone", start="DTSTART;TZID=Mars/Olympus:20240110T090000",
                                end="DURATION:PT1H"))
    delta = caldav.client.sync(caldav.calendar_url, None)
    assert [i.href for i in delta.changed] == [good]
    reasons = dict(delta.invalid)
    assert set(reasons) == {bad_end, bad_zone}
    assert "before the start" in reasons[bad_end] and "Mars/Olympus" in reasons[bad_zone]


def test_many_changes_are_read_in_chunks(caldav: CalDavEnv) -> None:
    icals = [event(f"bulk-{n:04d}", f"Item {n}") for n in range(45)]
    caldav.server.seed(caldav.username, caldav.password, caldav.calendar_url, icals)
    caldav.client.multiget_chunk = 20      # 200 in production; small keeps the test fast
    delta = caldav.client.sync(caldav.calendar_url, None)
    assert sorted(i.fields["description"] for i in delta.changed) == sorted(
        f"Item {n}" for n in range(45))
    assert caldav.client.request_count == 4                # 1 REPORT + 3 multigets
    # seeding kept the calendar's name
    assert caldav.client.resolve_calendar(caldav.display_name).url == caldav.calendar_url


def test_get(caldav: CalDavEnv) -> None:
    href = caldav.put(TODO)
    item = caldav.client.get(href)
    assert item is not None and item.uid == "todo-1" and item.etag
    assert caldav.client.get(caldav.href("missing.ics")) is None


# -- writing ------------------------------------------------------------------

def test_create_update_delete_guarded(caldav: CalDavEnv) -> None:
    client = caldav.client
    ical = render_new("crm-42@crmdesk", "VEVENT", {"description": "Demo",
                                                   "planned_start": at(2024, 2, 1, 9)})
    item = client.create(caldav.calendar_url, "crm-42@crmdesk", ical)
    assert item.href == caldav.href(href_name("crm-42@crmdesk")) and item.etag
    with pytest.raises(StaleWrite):
        client.create(caldav.calendar_url, "crm-42@crmdesk", ical)      # If-None-Match: *
    token, seen = initial(caldav)
    assert seen[item.href].etag == item.etag
    updated = client.update(item, patch(item.raw, {"description": "Demo v2"}))
    assert updated.etag != item.etag and updated.fields["description"] == "Demo v2"
    with pytest.raises(StaleWrite):
        client.update(item, patch(item.raw, {"description": "lost race"}))  # stale etag
    with pytest.raises(StaleWrite):
        client.delete(item)
    assert client.sync(caldav.calendar_url, token).changed[0].etag == updated.etag
    client.delete(updated)
    with pytest.raises(NotFound):
        client.delete(updated)
    assert client.get(item.href) is None


def test_put_helper_names_by_uid_like_create(caldav: CalDavEnv) -> None:
    href = caldav.put("phone@x y", event("phone@x y"))
    assert href == caldav.href(href_name("phone@x y"))
    assert caldav.client.get(href) is not None


def test_create_with_a_uid_already_elsewhere_is_stale(caldav: CalDavEnv) -> None:
    caldav.put(event("dup-uid"), name="phone-made.ics")
    with pytest.raises(StaleWrite):
        caldav.client.create(caldav.calendar_url, "dup-uid", event("dup-uid"))


def test_update_after_another_client_edit_is_stale(caldav: CalDavEnv) -> None:
    href = caldav.put(event("race", "Mine"))
    _, items = initial(caldav)
    caldav.put(event("race", "Theirs"), name=href.rsplit("/", 1)[1])
    with pytest.raises(StaleWrite):
        caldav.client.update(items[href], patch(items[href].raw, {"location": "HQ"}))
    assert "Theirs" in caldav.fetch(href)


def test_tzid_survives_patch_and_put(caldav: CalDavEnv) -> None:
    href = caldav.put(BERLIN)
    _, items = initial(caldav)
    moved = patch(items[href].raw, {"planned_start": at(2024, 7, 2, 12),
                                    "planned_end": at(2024, 7, 2, 13, 30)})
    caldav.client.update(items[href], moved)
    stored = caldav.fetch(href).replace("\r\n ", "")
    assert "DTSTART;TZID=Europe/Berlin:20240702T140000" in stored
    assert "DTEND;TZID=Europe/Berlin:20240702T153000" in stored
    assert "X-PHONE-COLOR:blue" in stored and "mailto:ann@example.com" in stored
    again = caldav.client.get(href)
    assert again is not None and again.fields["planned_start"] == at(2024, 7, 2, 12)


# -- errors -------------------------------------------------------------------

def test_wrong_password(caldav: CalDavEnv) -> None:
    with caldav.new_client(password="not-the-password") as client:
        if not caldav.server.has_auth:     # Xandikos offers no auth without TLS
            assert client.calendars()
            return
        with pytest.raises(AuthError) as info:
            client.calendars()
    assert "not-the-password" not in str(info.value)


def test_closed_port_is_unreachable(caldav: CalDavEnv) -> None:
    client = CalDavClient(f"http://127.0.0.1:{free_port()}/", "alice", caldav.password,
                          timeout=5)
    with pytest.raises(UnreachableError) as info:
        client.calendars()
    assert caldav.password not in str(info.value)


def test_deleted_calendar_sync_is_not_found(caldav: CalDavEnv) -> None:
    token, _ = initial(caldav)
    caldav.server.delete_collection(caldav.username, caldav.password, caldav.calendar_url)
    with pytest.raises(NotFound):
        caldav.client.sync(caldav.calendar_url, token)


# -- TLS (self-signed certificate, Basic auth on both servers) -------------------

def test_tls_verifies_by_default(caldav_tls: CalDavEnv) -> None:
    with caldav_tls.new_client(ca_bundle="") as client:
        with pytest.raises(TlsError) as info:
            client.calendars()
    assert caldav_tls.password not in str(info.value)


def test_tls_with_the_servers_ca_bundle(caldav_tls: CalDavEnv) -> None:
    href = caldav_tls.put(event("over-tls"))
    found = caldav_tls.client.resolve_calendar(caldav_tls.display_name)
    assert found.url == caldav_tls.calendar_url
    assert [i.href for i in caldav_tls.client.sync(caldav_tls.calendar_url, None).changed] == [href]


def test_tls_verification_can_be_turned_off(caldav_tls: CalDavEnv) -> None:
    with caldav_tls.new_client(ca_bundle="", verify_tls=False) as client:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")     # urllib3's InsecureRequestWarning
            assert caldav_tls.calendar_url in {c.url for c in client.calendars()}


def test_tls_wrong_password_is_auth_error(caldav_tls: CalDavEnv) -> None:
    with caldav_tls.new_client(password="not-the-password") as client:
        with pytest.raises(AuthError) as info:
            client.sync(caldav_tls.calendar_url, None)
    assert "not-the-password" not in str(info.value)

"""Wrong password, unreachable server, HTTP 500: a clear message, nothing lost,
and the next sync works.  Plus: a rep never sees another rep's private activity.
"""

from __future__ import annotations

import http.server
import socket
import threading
from typing import Iterator

import pytest

from crmdesk.cli import main as cli_main
from crmdesk.crm.base import NewActivity
from crmdesk.errors import AuthError, ServerError, UnreachableError
from crmdesk.messages import describe
from crmdesk.settings.secrets import get_password, set_password

from tests.integration.conftest import Rep, soon

pytestmark = pytest.mark.integration


class _Answer500(http.server.BaseHTTPRequestHandler):
    """A server that fails every request, as a broken proxy or backend does."""

    def _fail(self) -> None:
        body = b"<html><body>Internal Server Error</body></html>"
        self.send_response(500)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_OPTIONS = _fail

    def do_PROPFIND(self) -> None:  # noqa: N802 - WebDAV verb
        self._fail()

    def do_REPORT(self) -> None:  # noqa: N802 - WebDAV verb
        self._fail()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def broken_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer500)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _shared_pending(rep: Rep) -> str:
    uid = rep.put_event("Kick-off with Stark Industries", soon(2))
    rep.sync()
    rep.app.share(rep.key(uid))
    return uid


def _point_crm(rep: Rep, url: str) -> str:
    good = rep.app.settings.crm.url
    settings = rep.app.settings.copy()
    settings.crm.url = url
    rep.app.save_settings(settings, crm_password="whatever")
    return good


def _restore_crm(rep: Rep, url: str, password: str) -> None:
    settings = rep.app.settings.copy()
    settings.crm.url = url
    rep.app.save_settings(settings, crm_password=password)


def _assert_recovers(rep: Rep, uid: str) -> None:
    assert rep.app.item(rep.key(uid)).share_state.value == "pending"   # nothing lost
    assert rep.sync().crm.created == 1
    assert rep.crm_by_uid(uid) is not None


def test_wrong_crm_password_is_explained_and_nothing_is_lost(rep: Rep, tryton_rep) -> None:
    uid = _shared_pending(rep)
    s = rep.app.settings
    set_password("crm", s.crm.url, s.crm.username, "not-the-password")
    with pytest.raises(AuthError) as info:
        rep.app.sync()
    assert "refused your user name or password" in describe(info.value)
    assert "not-the-password" not in describe(info.value)
    set_password("crm", s.crm.url, s.crm.username, tryton_rep.password)
    _assert_recovers(rep, uid)


def test_wrong_calendar_password_is_explained(rep: Rep, caldav) -> None:
    if not caldav.server.has_auth:
        pytest.skip(f"{caldav.server_name} has no authentication without TLS")
    uid = _shared_pending(rep)
    s = rep.app.settings
    set_password("calendar", s.calendar.url, s.calendar.username, "wrong")
    with pytest.raises(AuthError) as info:
        rep.app.sync()
    assert "Connection settings" in describe(info.value)
    set_password("calendar", s.calendar.url, s.calendar.username, caldav.password)
    _assert_recovers(rep, uid)


def test_unreachable_crm_is_explained_and_the_next_sync_works(rep: Rep, tryton_rep) -> None:
    uid = _shared_pending(rep)
    good = _point_crm(rep, f"http://127.0.0.1:{closed_port()}/")
    with pytest.raises(UnreachableError) as info:
        rep.app.sync()
    assert "Can't reach the" in describe(info.value)
    _restore_crm(rep, good, tryton_rep.password)
    _assert_recovers(rep, uid)


def test_crm_answering_500_is_explained_and_the_next_sync_works(rep: Rep, tryton_rep,
                                                                 broken_url: str) -> None:
    uid = _shared_pending(rep)
    good = _point_crm(rep, broken_url)
    with pytest.raises(ServerError) as info:
        rep.app.sync()
    assert info.value.status == 500
    assert "Nothing was lost" in describe(info.value)
    _restore_crm(rep, good, tryton_rep.password)
    _assert_recovers(rep, uid)


def test_calendar_answering_500_keeps_the_mirror(rep: Rep, broken_url: str) -> None:
    uid = _shared_pending(rep)
    before = rep.app.store.mirror_count()
    settings = rep.app.settings.copy()
    good_url, good_cal = settings.calendar.url, settings.calendar.calendar
    settings.calendar.url = settings.calendar.calendar = broken_url
    rep.app.save_settings(settings, calendar_password=rep.caldav.password)
    with pytest.raises(ServerError):
        rep.app.sync()
    assert rep.app.store.mirror_count() == before
    settings.calendar.url, settings.calendar.calendar = good_url, good_cal
    rep.app.save_settings(settings, calendar_password=rep.caldav.password)
    _assert_recovers(rep, uid)


def test_cli_sync_reports_failure_in_one_line(rep: Rep,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    _point_crm(rep, f"http://127.0.0.1:{closed_port()}/")
    code = cli_main(["--profile-dir", str(rep.app.profile.config_dir), "sync", "--json"])
    err = capsys.readouterr().err.strip()
    assert code != 0
    assert err.startswith("crmdesk: Can't reach the") and "\n" not in err


def test_cli_sync_json_report(rep: Rep, capsys: pytest.CaptureFixture[str]) -> None:
    import json
    rep.plan_in_crm("From the CRM for JSON")
    code = cli_main(["--profile-dir", str(rep.app.profile.config_dir), "sync", "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["calendar"] == {"created": 1, "updated": 0, "deleted": 0}
    assert set(report["crm"]) == {"created", "updated", "deleted"}
    assert report["conflicts"] == [] and report["skipped"] == []
    # Issue 7: per-sync metrics for the bench and for support.
    assert set(report["requests"]) == set(report["bytes"]) == {"calendar", "crm"}
    assert report["bytes"]["calendar"]["sent"] > 0 and report["bytes"]["crm"]["received"] > 0
    assert set(report["phases"]) == {"sign in", "read calendar", "read CRM", "plan", "apply"}


def test_cli_share_works_offline_and_uploads_at_next_sync(rep: Rep,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    uid = rep.put_event("Shared from the command line")
    rep.sync()
    good = _point_crm(rep, f"http://127.0.0.1:{closed_port()}/")   # offline
    assert cli_main(["--profile-dir", str(rep.app.profile.config_dir), "share", uid]) == 0
    assert "pending" in capsys.readouterr().out
    assert rep.app.item(rep.key(uid)).share_state.value == "pending"
    _restore_crm(rep, good, get_password("crm", good, rep.app.settings.crm.username) or "")
    assert rep.sync().crm.created == 1
    assert rep.crm_by_uid(uid) is not None


def test_a_rep_never_receives_another_reps_private_activity(rep: Rep, tryton_rep2) -> None:
    private = tryton_rep2.connector.create([NewActivity(
        fields={"description": "Rep 2 only", "planned_start": soon(1)}, origin="crm")])[0]
    rep.sync()
    titles = {v.title for v in rep.app.activities()}
    assert "Rep 2 only" not in titles
    assert rep.crm.read([private.id]) == []

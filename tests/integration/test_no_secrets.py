"""No password in anything crmdesk writes, and `crmdesk sync` without a keyring.

Real syncs against real Radicale/Xandikos (over HTTPS with Basic auth, so
the calendar password really travels) and Tryton; then every file under the
profile (settings, store, logs) and every member of the diagnostics zip is
searched for both passwords, and for a wrong one that was refused.
"""

from __future__ import annotations

import json
import os
import pty
import select
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest

from crmdesk.cli import main
from crmdesk.settings import Profile, Settings, save_settings

from .conftest import make_rep

pytestmark = pytest.mark.integration

TIMEOUT = 120.0
WRONG = "Wrong-Pass-4711"


def every_file(*roots: Path) -> dict[str, bytes]:
    """Every file under `roots`, and every member of any zip among them."""
    found: dict[str, bytes] = {}
    for root in roots:
        for path in root.rglob("*"):
            if not path.is_file():
                continue
            found[str(path)] = data = path.read_bytes()
            if zipfile.is_zipfile(path):
                with zipfile.ZipFile(path) as bundle:
                    for name in bundle.namelist():
                        found[f"{path}!{name}"] = bundle.read(name)
    assert found
    return found


def assert_no_secret(files: dict[str, bytes], *secrets: str) -> None:
    for name, data in files.items():
        for secret in secrets:
            assert secret.encode() not in data, f"{secret!r} found in {name}"


def test_no_password_in_any_file_the_app_wrote(tmp_path: Path, caldav_tls: Any,
                                               tryton_server: Any, tryton_rep: Any,
                                               capsys: Any, monkeypatch: Any) -> None:
    profile_dir = tmp_path / "profile"
    rep = make_rep(profile_dir, caldav_tls, tryton_server, tryton_rep)
    settings = rep.app.settings.copy()
    settings.calendar.ca_bundle = caldav_tls.server.ca_bundle or ""
    rep.app.save_settings(settings)
    uid = rep.put_event("Quarterly review with Acme")
    rep.plan_in_crm("Call Globex about the renewal")
    rep.app.close()
    args = ["--profile-dir", str(profile_dir)]
    monkeypatch.setenv("CRMDESK_LOG_LEVEL", "DEBUG")          # HTTP request lines too

    assert main([*args, "sync", "--json"]) == 0, capsys.readouterr().err
    assert main([*args, "share", uid]) == 0
    assert main([*args, "sync"]) == 0, capsys.readouterr().err
    monkeypatch.setenv("CRMDESK_CALDAV_PASSWORD", WRONG)      # a refused password
    assert main([*args, "sync"]) == 2
    monkeypatch.delenv("CRMDESK_CALDAV_PASSWORD")
    bundle = tmp_path / "support" / "ticket.zip"
    assert main([*args, "diagnostics", "--output", str(bundle)]) == 0
    capsys.readouterr()

    log_text = (Profile.at(profile_dir).log_dir / "crmdesk.log").read_text(encoding="utf-8")
    assert "sync finished" in log_text and "sync stopped" in log_text
    assert "urllib3.connectionpool" in log_text
    with zipfile.ZipFile(bundle) as opened:
        reports = json.loads(opened.read("reports.json"))
    assert len(reports) >= 2 and reports[0]["crm"]["created"] >= 1
    files = every_file(profile_dir, bundle.parent)
    assert any(name.endswith(".sqlite") for name in files)
    assert any(name.endswith("!logs/crmdesk.log") for name in files)
    assert_no_secret(files, tryton_rep.password, caldav_tls.password, WRONG)


class Terminal:
    """`crmdesk …` in a pseudo-terminal (its controlling tty): reads and types."""

    def __init__(self, args: list[str]) -> None:
        env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
        env.pop("CRMDESK_CRM_PASSWORD", None)
        env.pop("CRMDESK_CALDAV_PASSWORD", None)
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(sys.executable, [sys.executable, "-m", "crmdesk.cli", *args], env)
        self.output = ""

    def read_until(self, text: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while text not in self.output:
            if not self._read(deadline):
                raise AssertionError(f"{text!r} never came; got {self.output!r}")

    def _read(self, deadline: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return False
        try:
            chunk = os.read(self.fd, 4096)
        except OSError:             # EIO: the child has closed the terminal
            return False
        self.output += chunk.decode("utf-8", "replace")
        return bool(chunk)

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode() + b"\n")

    def finish(self) -> int:
        deadline = time.monotonic() + TIMEOUT
        while self._read(deadline):
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


def test_sync_in_a_terminal_without_keyring_asks_for_the_passwords(
        tmp_path: Path, caldav_tls: Any, tryton_server: Any, tryton_rep: Any) -> None:
    settings = Settings()
    settings.crm.url, settings.crm.database = tryton_server.url, tryton_server.database
    settings.crm.username = tryton_rep.login
    settings.calendar.url, settings.calendar.username = caldav_tls.url, caldav_tls.username
    settings.calendar.calendar = caldav_tls.calendar_url
    settings.calendar.ca_bundle = caldav_tls.server.ca_bundle or ""
    save_settings(Profile.at(tmp_path), settings)

    term = Terminal(["--profile-dir", str(tmp_path), "sync"])
    term.read_until(f"CRM password for {tryton_rep.login} at {tryton_server.url}: ")
    assert "No system keyring is available" in term.output
    term.type(tryton_rep.password)
    term.read_until(f"calendar password for {caldav_tls.username} at {caldav_tls.url}: ")
    term.type(caldav_tls.password)
    assert term.finish() == 0, term.output
    assert "no changes" in term.output or "created" in term.output, term.output
    assert_no_secret({"terminal": term.output.encode(), **every_file(tmp_path)},
                     tryton_rep.password, caldav_tls.password)

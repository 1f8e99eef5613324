"""No password in anything crmdesk writes, and `crmdesk sync` without a keyring.

Real syncs against real Radicale/Xandikos (over HTTPS with Basic auth, so
the calendar password really travels) and Tryton, a sync SIGKILLed halfway
(its store WAL is read before anything checkpoints it), the GUI started and
quit, an uncaught exception, a damaged store restored from its backup, and a
diagnostics export; then every file written anywhere under the test's folder
(the profile: settings, store, WAL, backups, damaged copy, logs; the
diagnostics zip and each of its members; HOME and the XDG folders, where
Qt or a library might write) is searched for both passwords, and for a
wrong one that was refused.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import pty
import select
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from crmdesk.cli import main
from crmdesk.logs import setup_logging, shutdown_logging
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


@pytest.mark.qt_no_exception_capture      # the test calls sys.excepthook on purpose
def test_no_password_in_any_file_the_app_wrote(tmp_path: Path, caldav_tls: Any,
                                               tryton_server: Any, tryton_rep: Any,
                                               capsys: Any, monkeypatch: Any) -> None:
    home = redirect_user_folders(monkeypatch, tmp_path / "home")
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
    secrets = (tryton_rep.password, caldav_tls.password)
    rep.put_event("Lunch with Initech")                       # work for the killed sync
    killed = killed_sync(profile_dir, home, secrets)
    run_gui_once(profile_dir, home, secrets)
    crash_with_a_password_in_the_message(profile_dir, secrets)
    damage_the_store(profile_dir)
    assert main([*args, "status"]) == 0                        # restores the backup
    bundle = tmp_path / "support" / "ticket.zip"
    assert main([*args, "diagnostics", "--output", str(bundle)]) == 0
    capsys.readouterr()

    log_text = (Profile.at(profile_dir).log_dir / "crmdesk.log").read_text(encoding="utf-8")
    assert "sync finished" in log_text and "sync stopped" in log_text
    assert "urllib3.connectionpool" in log_text and "uncaught exception" in log_text
    with zipfile.ZipFile(bundle) as opened:
        reports = json.loads(opened.read("reports.json"))
    assert len(reports) >= 2 and reports[0]["crm"]["created"] >= 1
    files = {**killed, **every_file(tmp_path)}
    names = "\n".join(files)
    for written in ("settings.toml", "crmdesk.sqlite", "crmdesk.sqlite-wal", "backups/crmdesk-",
                    "crmdesk.sqlite.damaged-", "logs/crmdesk.log", "ticket.zip!logs/crmdesk.log",
                    "ticket.zip!store.json", "ticket.zip!settings.toml"):
        assert written in names, f"no {written} among the files searched"
    assert_no_secret(files, *secrets, WRONG, *encoded_forms(
        (tryton_rep.login, tryton_rep.password), (caldav_tls.username, caldav_tls.password)))


def encoded_forms(*accounts: tuple[str, str]) -> list[str]:
    """How a password also travels: in a Basic auth header, percent-encoded."""
    forms = []
    for user, password in accounts:
        forms.append(base64.b64encode(f"{user}:{password}".encode()).decode())
        forms.append(quote(password, safe=""))
    return forms


def redirect_user_folders(monkeypatch: Any, home: Path) -> Path:
    """HOME, the XDG folders and TMPDIR inside the test: what the app (or Qt, or
    a library) writes outside the profile is searched too."""
    for name, sub in (("HOME", ""), ("XDG_CONFIG_HOME", ".config"), ("TMPDIR", "tmp"),
                      ("XDG_DATA_HOME", ".local/share"), ("XDG_CACHE_HOME", ".cache"),
                      ("XDG_STATE_HOME", ".local/state"), ("XDG_RUNTIME_DIR", "run")):
        folder = home / sub
        folder.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(name, str(folder))
    (home / "run").chmod(0o700)
    return home


def app_environment(home: Path, secrets: tuple[str, str], **extra: str) -> dict[str, str]:
    """A child crmdesk with no keyring: the passwords come from the environment."""
    return dict(os.environ, HOME=str(home), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
                CRMDESK_CRM_PASSWORD=secrets[0], CRMDESK_CALDAV_PASSWORD=secrets[1],
                QT_QPA_PLATFORM="offscreen", **extra)


def killed_sync(profile_dir: Path, home: Path, secrets: tuple[str, str]) -> dict[str, bytes]:
    """A sync SIGKILLed after it stored the calendar's changes: the files as
    the kill left them (the WAL is checkpointed away by the next open)."""
    proc = subprocess.run(
        [sys.executable, "-m", "crmdesk.cli", "--profile-dir", str(profile_dir), "sync"],
        env=app_environment(home, secrets, CRMDESK_TEST_DIE_AT_STEP="CRM read#1"),
        capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == -signal.SIGKILL, proc.stderr[-2000:]
    assert (profile_dir / "crmdesk.sqlite-wal").stat().st_size > 0
    return {f"killed:{name}": data for name, data in every_file(profile_dir).items()}


def run_gui_once(profile_dir: Path, home: Path, secrets: tuple[str, str]) -> None:
    """The window opens (offscreen), loads the profile and quits."""
    proc = subprocess.run(
        [sys.executable, "-m", "crmdesk.cli", "--profile-dir", str(profile_dir), "gui"],
        env=app_environment(home, secrets, CRMDESK_SMOKE_TEST="1"),
        capture_output=True, text=True, timeout=TIMEOUT)
    assert proc.returncode == 0 and "window shown" in proc.stdout, proc.stderr[-2000:]


def crash_with_a_password_in_the_message(profile_dir: Path, secrets: tuple[str, str]) -> None:
    """What an uncaught exception leaves: crmdesk writes it to its log (no other
    crash report), with the message and traceback scrubbed."""
    setup_logging(Profile.at(profile_dir), logging.INFO)
    try:
        raise RuntimeError(f"connect failed with password={secrets[0]} and {secrets[1]}")
    except RuntimeError:
        kind, value, trace = sys.exc_info()
        assert kind is not None and value is not None
        sys.excepthook(kind, value, trace)
    finally:
        shutdown_logging()


def damage_the_store(profile_dir: Path) -> None:
    """A garbage header: the next start keeps the file aside and restores a backup."""
    store = profile_dir / "crmdesk.sqlite"
    assert list((profile_dir / "backups").glob("crmdesk-*.sqlite"))
    with open(store, "r+b") as handle:
        handle.write(b"\xde\xad" * 50)


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

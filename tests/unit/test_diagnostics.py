"""The support zip: what it holds, and that no password or URL user-info is in it."""

from __future__ import annotations

import json
import logging
import tomllib
import zipfile
from pathlib import Path
from typing import Iterator

import pytest

from crmdesk.cli import main
from crmdesk.diagnostics import (export_diagnostics, scrub_settings, scrub_settings_text,
                                 versions)
from crmdesk.logs import setup_logging, shutdown_logging
from crmdesk.service import AppService
from crmdesk.settings import Profile, Settings
from crmdesk.store import Store
from crmdesk.sync.report import ReportEntry, SideCounts, SyncReport

CRM_PW, DAV_PW = "crm-Secret-91", "dav-Secret-37"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[AppService]:
    profile = Profile.at(tmp_path / "profile")
    app = AppService(profile)
    settings = Settings()
    settings.crm.url, settings.crm.database = "https://crm.example.com:8000", "prod"
    settings.crm.username = "rita"
    settings.calendar.url = "https://rita:inline-Secret-55@dav.example.com/"
    settings.calendar.username = "rita"
    app.save_settings(settings, crm_password=CRM_PW, calendar_password=DAV_PW)
    report = SyncReport(calendar=SideCounts(created=2), crm=SideCounts(updated=1),
                        errors=[ReportEntry("uid-1", "Lunch with Acme", "server said 500")])
    store = Store(profile.store_path)
    try:
        store.add_report(report.to_json())
    finally:
        store.close()
    yield app
    app.close()
    shutdown_logging()


def members(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as bundle:
        return {name: bundle.read(name).decode("utf-8") for name in bundle.namelist()}


def test_the_zip_holds_logs_reports_settings_and_versions(service: AppService,
                                                          tmp_path: Path) -> None:
    setup_logging(service.profile)
    logging.getLogger("crmdesk.test").warning("logged with %s by mistake", CRM_PW)
    (tmp_path / "out").mkdir()
    path = export_diagnostics(service, tmp_path / "out")
    assert path.parent == tmp_path / "out" and path.name.startswith("crmdesk-diagnostics-")
    files = members(path)
    assert {"README.txt", "about.json", "settings.toml", "reports.json", "status.json",
            "logs/crmdesk.log"} <= set(files)
    reports = json.loads(files["reports.json"])
    assert reports[0]["calendar"]["created"] == 2
    assert reports[0]["errors"][0]["title"] == "Lunch with Acme"
    about = json.loads(files["about.json"])
    assert about["versions"]["crmdesk"] and about["versions"]["keyring backend"]
    settings = tomllib.loads(files["settings.toml"])
    assert settings["crm"]["url"] == "https://crm.example.com:8000"
    assert settings["calendar"]["url"] == "https://***@dav.example.com/"
    assert "logged with *** by mistake" in files["logs/crmdesk.log"]
    for name, text in files.items():
        for secret in (CRM_PW, DAV_PW, "inline-Secret-55"):
            assert secret not in text, f"{secret} in {name}"


def test_a_file_name_is_used_as_given(service: AppService, tmp_path: Path) -> None:
    assert export_diagnostics(service, tmp_path / "ticket.zip") == tmp_path / "ticket.zip"
    assert not list(tmp_path.glob("*.part"))


def test_password_like_keys_are_dropped() -> None:
    cleaned = scrub_settings({"crm": {"url": "https://u:p@h/", "password": "x",
                                      "api_key": "y", "username": "rita"}})
    assert cleaned == {"crm": {"url": "https://***@h/", "username": "rita"}}
    text = scrub_settings_text('[crm]\npassword = "hunter2"\nurl = "https://a:b@h"\n')
    assert "hunter2" not in text and "a:b@" not in text


def test_versions_name_what_support_asks_for() -> None:
    found = versions()
    for name in ("crmdesk", "Python", "PySide6", "icalendar", "requests", "keyring backend"):
        assert found[name] and found[name] != "unknown", name


def test_cli_diagnostics(service: AppService, tmp_path: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "support.zip"
    assert main(["--profile-dir", str(service.profile.config_dir), "diagnostics",
                 "--output", str(target)]) == 0
    assert f"Diagnostics written to {target}" in capsys.readouterr().out
    files = members(target)
    assert "command: diagnostics" in files["logs/crmdesk.log"]
    assert all(CRM_PW not in text for text in files.values())


def test_cli_diagnostics_of_a_profile_the_app_cannot_open(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]
                                                          ) -> None:
    profile = tmp_path / "broken"
    profile.mkdir()
    (profile / "settings.toml").write_text('[crm]\npassword = "typed-by-an-admin"\n')
    target = tmp_path / "support.zip"
    assert main(["--profile-dir", str(profile), "diagnostics", "-o", str(target)]) == 0
    files = members(target)
    assert "typed-by-an-admin" not in "".join(files.values())
    assert "passwords are never stored" in json.loads(files["problem.json"])["error"]

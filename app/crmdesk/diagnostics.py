"""A zip for a support ticket: logs, the last sync reports, settings without secrets.

Pure of Qt: the Help menu (`ui/help.py`) and `crmdesk diagnostics` both call
`export_diagnostics`.  Every text that goes in passes through
`logs.scrub()`, and the settings lose any password-like key and the
user-info part of their URLs, although settings.toml never holds a password.
The local store (the rep's calendar and CRM data) is not included: only
`store.json`, the names, sizes and times of its files, backups and damaged
copies kept aside (store/safety.py), for a support case about a damaged store.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import re
import sys
import zipfile
from dataclasses import asdict
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import tomli_w

from crmdesk import __version__
from crmdesk.logs import MASK, scrub
from crmdesk.settings import Profile, Settings
from crmdesk.settings.model import settings_to_dict
from crmdesk.settings.secrets import keyring_backend_name
from crmdesk.service_types import Status
from crmdesk.store.safety import store_files
from crmdesk.sync.report import SyncReport

log = logging.getLogger(__name__)

REPORTS_KEPT = 20
_SECRET_KEY = re.compile(r"(?i)(pass(word|wd)?|secret|token|api[_-]?key|credential)")
# The distributions whose versions support asks for first.
_DISTRIBUTIONS = (("PySide6", "PySide6-Essentials"), ("icalendar", "icalendar"),
                  ("requests", "requests"), ("keyring", "keyring"),
                  ("platformdirs", "platformdirs"), ("caldav", "caldav"))


class DiagnosticsSource(Protocol):
    """What the export reads from the application service."""

    profile: Profile
    settings: Settings

    def history(self, limit: int = 50) -> list[tuple[datetime, SyncReport]]: ...

    def status(self) -> Status: ...


def versions() -> dict[str, str]:
    """crmdesk, Python, Qt (when loaded), the main libraries, the keyring backend."""
    found = {"crmdesk": __version__, "Python": sys.version.split()[0]}
    qtcore = sys.modules.get("PySide6.QtCore")
    if qtcore is not None:
        found["Qt"] = qtcore.qVersion()
    for label, dist in _DISTRIBUTIONS:
        found[label] = _dist_version(label, dist)
    found["keyring backend"] = keyring_backend_name()
    found["platform"] = platform.platform()
    return found


def _dist_version(module: str, dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        # A frozen app may lack the dist-info; the module may still know.
        loaded = sys.modules.get(module)
        return str(getattr(loaded, "__version__", "unknown"))


def default_name(now: datetime | None = None) -> str:
    return f"crmdesk-diagnostics-{(now or datetime.now()):%Y%m%d-%H%M%S}.zip"


def scrub_settings(data: Any) -> Any:
    """A settings tree without password-like keys and with URLs' user-info masked."""
    if isinstance(data, dict):
        return {key: scrub_settings(value) for key, value in data.items()
                if not _SECRET_KEY.search(str(key))}
    if isinstance(data, list):
        return [scrub_settings(value) for value in data]
    if isinstance(data, str):
        return scrub(data)
    return data


def scrub_settings_text(text: str) -> str:
    """Line by line, for a settings.toml too broken to parse."""
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0]
        lines.append(f"{key}= {MASK!r}" if "=" in line and _SECRET_KEY.search(key)
                     else scrub(line))
    return "\n".join(lines) + "\n"


def export_diagnostics(service: DiagnosticsSource, path: Path) -> Path:
    """Write the bundle to `path` (a folder gets a dated file name); returns the file."""
    reports: Any
    try:
        reports = [{"finished": finished.isoformat(), **report.to_json()}
                   for finished, report in service.history(REPORTS_KEPT)]
    except Exception as exc:  # noqa: BLE001 - a broken store is worth reporting too
        reports = {"error": f"{type(exc).__name__}: {exc}"}
    try:
        status: Any = asdict(service.status())
    except Exception as exc:  # noqa: BLE001
        status = {"error": f"{type(exc).__name__}: {exc}"}
    settings = tomli_w.dumps(scrub_settings(settings_to_dict(service.settings)))
    return _write(path, service.profile, settings, {"reports.json": reports,
                                                    "status.json": status})


def export_profile(profile: Profile, path: Path, problem: BaseException) -> Path:
    """The bundle for a profile the app can't open (bad settings or store)."""
    raw = profile.settings_path
    settings = (scrub_settings_text(raw.read_text(encoding="utf-8", errors="replace"))
                if raw.is_file() else "# no settings.toml\n")
    return _write(path, profile, settings,
                  {"problem.json": {"error": f"{type(problem).__name__}: {problem}"}})


def _write(path: Path, profile: Profile, settings: str, documents: dict[str, Any]) -> Path:
    target = path / default_name() if path.is_dir() else path
    target.parent.mkdir(parents=True, exist_ok=True)
    about = {"versions": versions(), "created": datetime.now().astimezone().isoformat(),
             "config_dir": str(profile.config_dir), "data_dir": str(profile.data_dir),
             "log_dir": str(profile.log_dir)}
    partial = target.with_name(target.name + ".part")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("README.txt", _readme())
        bundle.writestr("about.json", _json(about))
        bundle.writestr("settings.toml", scrub(settings))
        bundle.writestr("store.json", _json(_store_files(profile)))
        for name, document in documents.items():
            bundle.writestr(name, _json(document))
        for log_file in _log_files(profile):
            text = log_file.read_text(encoding="utf-8", errors="replace")
            bundle.writestr(f"logs/{log_file.name}", scrub(text))
    os.replace(partial, target)
    log.info("diagnostics written to %s", target)
    return target


def _store_files(profile: Profile) -> list[dict[str, Any]]:
    """Name, size and time of each file of the store; never their content."""
    found = []
    for path in store_files(profile.store_path):
        try:
            stat = path.stat()
        except OSError:
            continue
        found.append({"file": str(path.relative_to(profile.data_dir)), "bytes": stat.st_size,
                      "modified": datetime.fromtimestamp(stat.st_mtime).astimezone()
                      .isoformat(timespec="seconds")})
    return found


def _log_files(profile: Profile) -> list[Path]:
    if not profile.log_dir.is_dir():
        return []
    return sorted(p for p in profile.log_dir.iterdir()
                  if p.is_file() and p.name.startswith("crmdesk.log"))


def _json(document: Any) -> str:
    return scrub(json.dumps(document, indent=2, default=str, ensure_ascii=False)) + "\n"


def _readme() -> str:
    return ("crmdesk diagnostics\n\n"
            "about.json     versions of crmdesk, Python, Qt and libraries; the profile paths\n"
            "settings.toml  the settings, passwords and URL user names removed\n"
            "reports.json   the last sync reports, newest first\n"
            "status.json    counts of shared, pending, conflicting items\n"
            "store.json     the local store's files, backups and damaged copies: "
            "names, sizes, times\n"
            "logs/          the log files (passwords and session keys masked as ***)\n\n"
            "The local store (calendar and CRM data) is not included.\n")

"""The settings dataclass tree, its validation and its TOML file."""

from __future__ import annotations

import tomllib
from dataclasses import asdict, dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

from crmdesk.errors import SettingsError
from crmdesk.model.activity import norm_addresses

APP_NAME = "crmdesk"


class Priority(StrEnum):
    """Who wins when the same field changed on both sides (rule 7)."""

    CRM = "crm"
    CALENDAR = "calendar"
    ASK = "ask"


class DeletePolicy(StrEnum):
    DELETE = "delete"
    CANCEL = "cancel"
    INVITEES = "invitees"


@dataclass
class CrmSettings:
    url: str = ""
    database: str = ""
    username: str = ""
    verify_tls: bool = True
    ca_bundle: str = ""
    # For servers that demand a client certificate: its PEM file, and the key's
    # PEM file unless the certificate file holds the key too.
    client_cert: str = ""
    client_key: str = ""


@dataclass
class CalendarSettings:
    url: str = ""            # server, principal or collection URL
    username: str = ""
    calendar: str = ""       # display name or collection URL
    verify_tls: bool = True
    ca_bundle: str = ""
    client_cert: str = ""    # as in CrmSettings
    client_key: str = ""


@dataclass
class SyncSettings:
    priority: Priority = Priority.ASK
    calendar_past_days: int = 30
    calendar_future_days: int = 180
    todo_past_days: int = 30
    todo_future_days: int = 365
    share_new_items: bool = False
    # Rule 21: a sync that would delete more than this share (percent) of
    # either side, and more than mass_delete_min items, stops and asks first.
    mass_delete_percent: int = 10
    mass_delete_min: int = 20
    # Rule 9: what the owner's delete of a shared calendar item does in the CRM:
    # "delete" it; "cancel" it and add a follow-up to-do (OnTime); or delete
    # only meetings with invitees and keep the rest (Sage).
    delete_policy: DeletePolicy = field(default_factory=lambda: DeletePolicy.DELETE)
    # Synchronize is on demand; the GUI may also run it every this many
    # minutes while it is open (0 = never).
    auto_sync_minutes: int = 0
    # IANA zone for floating times and for series the CRM gives the calendar;
    # "" = the system's zone (settings.zone).
    time_zone: str = ""
    # Rule 14: the rep's own e-mail addresses besides those the CRM knows for
    # her, separated by commas or blanks.  A meeting organized from one of them
    # is hers.
    my_addresses: str = ""
    # Aurea: a line with the link to the CRM activity at the end of the
    # calendar item's description (written once, never synced back as text).
    crm_link_line: bool = False

    def own_addresses(self) -> tuple[str, ...]:
        """my_addresses in normal form (lower case, no "mailto:")."""
        return norm_addresses(self.my_addresses.replace(" ", ","))


@dataclass
class Settings:
    crm: CrmSettings = field(default_factory=CrmSettings)
    calendar: CalendarSettings = field(default_factory=CalendarSettings)
    sync: SyncSettings = field(default_factory=SyncSettings)

    def copy(self) -> "Settings":
        return Settings(replace(self.crm), replace(self.calendar), replace(self.sync))


@dataclass(frozen=True)
class Profile:
    """Where one rep's settings and store live."""

    config_dir: Path
    data_dir: Path

    @classmethod
    def default(cls) -> "Profile":
        return cls(Path(platformdirs.user_config_dir(APP_NAME)),
                   Path(platformdirs.user_data_dir(APP_NAME)))

    @classmethod
    def at(cls, directory: Path) -> "Profile":
        """A self-contained profile: settings and store in one folder."""
        return cls(directory, directory)

    @property
    def settings_path(self) -> Path:
        return self.config_dir / "settings.toml"

    @property
    def store_path(self) -> Path:
        return self.data_dir / "crmdesk.sqlite"

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"


_SECTIONS = {"crm": CrmSettings, "calendar": CalendarSettings, "sync": SyncSettings}

# Whole numbers with limits beyond "not negative": (smallest, largest), 0 = off.
AUTO_SYNC_MIN_MINUTES, AUTO_SYNC_MAX_MINUTES = 5, 24 * 60
_RANGES = {"sync.auto_sync_minutes": (AUTO_SYNC_MIN_MINUTES, AUTO_SYNC_MAX_MINUTES)}


def _coerce(key: str, default: Any, value: Any) -> Any:
    if isinstance(default, StrEnum):
        try:
            return type(default)(value)
        except ValueError:
            allowed = ", ".join(repr(m.value) for m in type(default))
            raise SettingsError(key, f"{value!r} is not one of {allowed}") from None
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise SettingsError(key, f"{value!r} is not true or false")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise SettingsError(key, f"{value!r} is not a whole number")
        if value < 0:
            raise SettingsError(key, f"{value} must not be negative")
        if key.endswith("_percent") and value > 100:
            raise SettingsError(key, f"{value} is more than 100")
        _check_range(key, value)
        return value
    if not isinstance(value, str):
        raise SettingsError(key, f"{value!r} is not text")
    return value.strip()


def _check_range(key: str, value: int) -> None:
    if key in _RANGES and value:
        low, high = _RANGES[key]
        if not low <= value <= high:
            raise SettingsError(key, f"{value} is not 0 (off) or between {low} and {high}")


def settings_from_dict(data: dict[str, Any]) -> Settings:
    """Validate a parsed TOML document; a bad value names its key."""
    result = Settings()
    for section, value in data.items():
        if section not in _SECTIONS:
            raise SettingsError(section, "unknown section")
        if not isinstance(value, dict):
            raise SettingsError(section, "must be a table")
        target = getattr(result, section)
        known = {f.name for f in fields(target)}
        for key, raw in value.items():
            if key in ("password", "passwd", "secret"):
                raise SettingsError(f"{section}.{key}",
                                    "passwords are never stored in settings.toml: use the keyring")
            if key not in known:
                raise SettingsError(f"{section}.{key}", "unknown setting")
            setattr(target, key, _coerce(f"{section}.{key}", getattr(target, key), raw))
    return result


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    data = asdict(settings)
    for section in data.values():
        for key, value in section.items():
            if isinstance(value, StrEnum):
                section[key] = value.value
    return data


def load_settings(profile: Profile) -> Settings:
    """Read settings.toml; a missing file gives the defaults."""
    path = profile.settings_path
    if not path.exists():
        return Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(str(path), f"not valid TOML: {exc}") from exc
    return settings_from_dict(data)


def save_settings(profile: Profile, settings: Settings) -> None:
    """Write settings.toml atomically (write a temp file, then rename)."""
    path = profile.settings_path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".toml.tmp")
    tmp.write_text(tomli_w.dumps(settings_to_dict(settings)), encoding="utf-8")
    tmp.replace(path)

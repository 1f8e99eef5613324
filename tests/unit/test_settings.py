"""settings.toml: names are a contract; bad values name their key; no secrets."""

from __future__ import annotations

from pathlib import Path

import pytest

from crmdesk.errors import SettingsError
from crmdesk.settings import Priority, Profile, Settings, load_settings, save_settings
from crmdesk.settings.secrets import KeyringUnavailable, get_password, set_password


def test_round_trip_keeps_the_documented_names(tmp_path: Path) -> None:
    profile = Profile.at(tmp_path)
    s = Settings()
    s.crm.url, s.crm.database, s.crm.username = "https://crm.example.com", "prod", "rita"
    s.calendar.calendar = "Work"
    s.sync.priority = Priority.CRM
    save_settings(profile, s)
    text = profile.settings_path.read_text()
    for key in ("[crm]", "url", "database", "username", "verify_tls", "ca_bundle", "[calendar]",
                "calendar =", "[sync]", "priority", "calendar_past_days",
                "calendar_future_days", "todo_past_days", "todo_future_days",
                "share_new_items", "auto_sync_minutes"):
        assert key in text
    assert load_settings(profile) == s


def test_missing_file_gives_defaults_with_tls_verified(tmp_path: Path) -> None:
    s = load_settings(Profile.at(tmp_path))
    assert s.crm.verify_tls and s.calendar.verify_tls and s.sync.priority is Priority.ASK


@pytest.mark.parametrize("text, key", [
    ('[sync]\npriority = "sometimes"\n', "sync.priority"),
    ('[sync]\ncalendar_past_days = "ten"\n', "sync.calendar_past_days"),
    ('[sync]\ntodo_future_days = -1\n', "sync.todo_future_days"),
    ('[sync]\nauto_sync_minutes = 2\n', "sync.auto_sync_minutes"),
    ('[sync]\nauto_sync_minutes = 1441\n', "sync.auto_sync_minutes"),
    ('[sync]\nauto_sync_minutes = 1.5\n', "sync.auto_sync_minutes"),
    ('[crm]\nverify_tls = "yes"\n', "crm.verify_tls"),
    ('[crm]\nurl = 5\n', "crm.url"),
    ('[crm]\nadress = "x"\n', "crm.adress"),
    ('[crm]\npassword = "hunter2"\n', "crm.password"),
    ('[weird]\nx = 1\n', "weird"),
])
def test_bad_value_names_its_key(tmp_path: Path, text: str, key: str) -> None:
    profile = Profile.at(tmp_path)
    profile.settings_path.write_text(text)
    with pytest.raises(SettingsError) as info:
        load_settings(profile)
    assert info.value.key == key


def test_automatic_sync_is_off_by_default_and_takes_minutes(tmp_path: Path) -> None:
    profile = Profile.at(tmp_path)
    assert load_settings(profile).sync.auto_sync_minutes == 0
    for minutes in (0, 5, 30, 1440):
        profile.settings_path.write_text(f"[sync]\nauto_sync_minutes = {minutes}\n")
        assert load_settings(profile).sync.auto_sync_minutes == minutes


def test_broken_toml_says_so(tmp_path: Path) -> None:
    profile = Profile.at(tmp_path)
    profile.settings_path.write_text("[crm\nurl=")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(profile)


def test_password_goes_to_keyring_never_the_file(tmp_path: Path, memory_keyring) -> None:
    set_password("crm", "https://crm", "rita", "s3cret-pw")
    assert get_password("crm", "https://crm", "rita") == "s3cret-pw"
    assert "s3cret-pw" in memory_keyring.passwords.values()


def test_environment_password_for_headless_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRMDESK_CALDAV_PASSWORD", "from-env")
    assert get_password("calendar", "https://dav", "rita") == "from-env"


def test_no_keyring_is_explained(monkeypatch: pytest.MonkeyPatch) -> None:
    import keyring
    from keyring.backends.fail import Keyring as FailKeyring
    keyring.set_keyring(FailKeyring())
    with pytest.raises(KeyringUnavailable, match="CRMDESK_CRM_PASSWORD"):
        set_password("crm", "https://crm", "rita", "pw")
    assert get_password("crm", "https://crm", "rita") is None

"""No system keyring: passwords live in this session's memory, never on disk."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends.fail import Keyring as FailKeyring
from keyring.backends.null import Keyring as NullKeyring

from crmdesk.cli import main
from crmdesk.service import AppService
from crmdesk.settings import Profile, Settings, save_settings
from crmdesk.settings.secrets import (KeyringUnavailable, delete_password, forget_session,
                                      get_password, keyring_available, keyring_backend_name,
                                      keyring_notice, known_secrets, remember_for_session,
                                      set_password, store_password)


@pytest.fixture(params=[FailKeyring, NullKeyring], ids=["fail", "null"])
def no_keyring(request: pytest.FixtureRequest) -> None:
    keyring.set_keyring(request.param())


def test_a_real_keyring_is_used_when_there_is_one(memory_keyring) -> None:
    assert keyring_available() and keyring_notice() is None
    assert store_password("crm", "https://crm", "rita", "kept-in-keyring") is True
    assert "kept-in-keyring" in memory_keyring.passwords.values()
    assert "InMemoryKeyring" in keyring_backend_name()


def test_without_keyring_the_password_is_kept_for_the_session(no_keyring: None) -> None:
    assert not keyring_available()
    assert keyring_backend_name().startswith("none (")
    assert "asks for them again" in (keyring_notice() or "")
    with pytest.raises(KeyringUnavailable, match="CRMDESK_CRM_PASSWORD"):
        set_password("crm", "https://crm", "rita", "pw-1")
    assert get_password("crm", "https://crm", "rita") is None
    assert store_password("crm", "https://crm", "rita", "pw-1") is False
    assert get_password("crm", "https://crm", "rita") == "pw-1"
    assert get_password("crm", "https://crm", "other") is None
    forget_session()
    assert get_password("crm", "https://crm", "rita") is None


def test_environment_and_keyring_come_before_the_session(memory_keyring,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    remember_for_session("calendar", "https://dav", "rita", "from-session")
    set_password("calendar", "https://dav", "rita", "from-keyring")
    assert get_password("calendar", "https://dav", "rita") == "from-keyring"
    monkeypatch.setenv("CRMDESK_CALDAV_PASSWORD", "from-env")
    assert get_password("calendar", "https://dav", "rita") == "from-env"
    assert {"from-session", "from-keyring", "from-env"} <= known_secrets()


def test_delete_forgets_the_session_password_too(no_keyring: None) -> None:
    remember_for_session("crm", "https://crm", "rita", "pw-2")
    delete_password("crm", "https://crm", "rita")
    assert get_password("crm", "https://crm", "rita") is None


def test_service_saves_settings_and_keeps_passwords_in_memory(tmp_path: Path,
                                                              no_keyring: None) -> None:
    profile = Profile.at(tmp_path / "profile")
    settings = Settings()
    settings.crm.url, settings.crm.username = "https://crm.example.com", "rita"
    settings.calendar.url, settings.calendar.username = "https://dav.example.com", "rita"
    service = AppService(profile)
    try:
        service.save_settings(settings, crm_password="crm-pw-123", calendar_password="dav-pw-456")
        assert service.password("crm") == "crm-pw-123"
        assert service.password("calendar") == "dav-pw-456"
    finally:
        service.close()
    for path in profile.config_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"crm-pw-123" not in data and b"dav-pw-456" not in data, path
    assert profile.settings_path.exists()
    # The next session starts without them.
    forget_session()
    fresh = AppService(profile)
    try:
        assert fresh.password("crm") is None
        assert fresh.settings.crm.url == "https://crm.example.com"
    finally:
        fresh.close()


def test_cli_sync_without_keyring_or_terminal_gives_the_clear_error(
        tmp_path: Path, no_keyring: None, capsys: pytest.CaptureFixture[str]) -> None:
    settings = Settings()
    settings.crm.url, settings.crm.database, settings.crm.username = "https://crm", "db", "rita"
    settings.calendar.url, settings.calendar.username = "https://dav", "rita"
    save_settings(Profile.at(tmp_path), settings)
    assert main(["--profile-dir", str(tmp_path), "sync"]) == 2     # stdin is no terminal here
    err = capsys.readouterr().err
    assert "no CRM password is stored" in err and "CRMDESK_CRM_PASSWORD" in err

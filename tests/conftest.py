"""Shared test setup: in-memory keyring, offscreen Qt, server fixtures."""

from __future__ import annotations

import os

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

from crmdesk.settings.secrets import forget_known_secrets, forget_session

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

pytest_plugins = ["tests.fixtures.tryton", "tests.fixtures.caldav"]


class InMemoryKeyring(KeyringBackend):
    """A real keyring backend that keeps passwords in a dict."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise PasswordDeleteError(username)


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> InMemoryKeyring:
    backend = InMemoryKeyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    monkeypatch.delenv("CRMDESK_CRM_PASSWORD", raising=False)
    monkeypatch.delenv("CRMDESK_CALDAV_PASSWORD", raising=False)
    yield backend
    keyring.set_keyring(previous)
    forget_session()          # session passwords (no-keyring fallback) must not leak
    forget_known_secrets()    # nor the passwords one test registered for log masking

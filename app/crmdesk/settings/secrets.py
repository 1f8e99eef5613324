"""Passwords: keyring first, then the environment, never a file.

Headless machines often have no keyring (FACTS.md): `set_password` then
raises NoKeyringError, which becomes a KeyringUnavailable the UI explains.
"""

from __future__ import annotations

import os

import keyring
import keyring.errors

from crmdesk.errors import UserError

SERVICE = "crmdesk"
ENV_VARS = {"crm": "CRMDESK_CRM_PASSWORD", "calendar": "CRMDESK_CALDAV_PASSWORD"}


class KeyringUnavailable(UserError):
    """No system keyring: the password can't be remembered."""


def _account(side: str, url: str, username: str) -> str:
    return f"{side}:{username}@{url}"


def get_password(side: str, url: str, username: str) -> str | None:
    """The password for one server, or None when none is known."""
    env = os.environ.get(ENV_VARS[side])
    if env:
        return env
    try:
        return keyring.get_password(SERVICE, _account(side, url, username))
    except keyring.errors.KeyringError:
        return None


def set_password(side: str, url: str, username: str, password: str) -> None:
    try:
        keyring.set_password(SERVICE, _account(side, url, username), password)
    except keyring.errors.KeyringError as exc:
        raise KeyringUnavailable(
            "No system keyring is available, so the password can't be remembered. "
            f"Set {ENV_VARS[side]} in the environment, or install and unlock a keyring "
            "(e.g. GNOME Keyring or KWallet)."
        ) from exc


def delete_password(side: str, url: str, username: str) -> None:
    try:
        keyring.delete_password(SERVICE, _account(side, url, username))
    except keyring.errors.KeyringError:
        pass

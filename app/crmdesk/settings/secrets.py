"""Passwords: the environment, the system keyring, then this session's memory.

Never a file.  Headless machines often have no keyring (FACTS.md): keyring
then picks its fail backend and `set_password` raises NoKeyringError, which
becomes a KeyringUnavailable the UI explains.  Without a keyring the app asks
for the password once per session (a dialog, or getpass in a terminal) and
keeps it in `_SESSION`, in process memory only, until the app exits.

Every password read or stored here is also noted in `_KNOWN`, so the log
filter (`crmdesk.logs`) can scrub it should it ever reach a log line.
"""

from __future__ import annotations

import os
import threading

import keyring
import keyring.errors
from keyring.backends import fail, null

from crmdesk.errors import UserError
from crmdesk.messages import Translate, english

SERVICE = "crmdesk"
ENV_VARS = {"crm": "CRMDESK_CRM_PASSWORD", "calendar": "CRMDESK_CALDAV_PASSWORD"}
SIDE_NAMES = {"crm": "CRM", "calendar": "calendar"}

_SESSION: dict[str, str] = {}       # account -> password, this process only
_KNOWN: set[str] = set()            # every password seen, for the log filter
_LOCK = threading.Lock()


class KeyringUnavailable(UserError):
    """No system keyring: the password can't be remembered."""


def _account(side: str, url: str, username: str) -> str:
    return f"{side}:{username}@{url}"


def _note(value: str | None) -> str | None:
    if value:
        with _LOCK:
            _KNOWN.add(value)
    return value


def forget_known_secrets() -> None:
    """Stop masking the passwords seen so far (a new profile, or between tests)."""
    with _LOCK:
        _KNOWN.clear()


def known_secrets() -> frozenset[str]:
    """Every password this process has read or stored (for log redaction)."""
    with _LOCK:
        return frozenset(_KNOWN)


def keyring_available() -> bool:
    """False when keyring fell back to its fail backend (or was disabled)."""
    return not isinstance(keyring.get_keyring(), (fail.Keyring, null.Keyring))


def keyring_backend_name() -> str:
    """The keyring backend in use, for About and diagnostics."""
    backend = keyring.get_keyring()
    kind = type(backend)
    name = f"{kind.__module__}.{kind.__qualname__}"
    return name if keyring_available() else f"none ({name})"


def keyring_notice(translate: Translate = english) -> str | None:
    """What to tell the rep when passwords can't be remembered, else None.

    The GUI passes Qt's translate (see `crmdesk.messages`); the CLI says it in English.
    """
    if keyring_available():
        return None
    return translate("Messages", "No system keyring is available on this computer, so crmdesk "
                     "keeps passwords only until it closes and asks for them again next time. "
                     "They are never written to disk. To have them remembered, install and "
                     "unlock a keyring (e.g. GNOME Keyring or KWallet).")


def get_password(side: str, url: str, username: str) -> str | None:
    """The password for one server (environment, keyring, session), or None."""
    env = os.environ.get(ENV_VARS[side])
    if env:
        return _note(env)
    account = _account(side, url, username)
    try:
        stored = keyring.get_password(SERVICE, account)
    except keyring.errors.KeyringError:
        stored = None
    if stored:
        return _note(stored)
    with _LOCK:
        return _SESSION.get(account)


def set_password(side: str, url: str, username: str, password: str) -> None:
    """Store in the system keyring; raises KeyringUnavailable without one."""
    _note(password)
    problem: Exception | None = None
    if keyring_available():
        try:
            keyring.set_password(SERVICE, _account(side, url, username), password)
            return
        except keyring.errors.KeyringError as exc:
            problem = exc
    raise KeyringUnavailable(
        "No system keyring is available, so the password can't be remembered. "
        f"Set {ENV_VARS[side]} in the environment, or install and unlock a keyring "
        "(e.g. GNOME Keyring or KWallet).") from problem


def remember_for_session(side: str, url: str, username: str, password: str) -> None:
    """Keep a password in process memory until the app exits (never on disk)."""
    with _LOCK:
        _KNOWN.add(password)
        _SESSION[_account(side, url, username)] = password


def store_password(side: str, url: str, username: str, password: str) -> bool:
    """Keyring if there is one (True), else this session's memory (False)."""
    try:
        set_password(side, url, username, password)
        return True
    except KeyringUnavailable:
        remember_for_session(side, url, username, password)
        return False


def forget_session(side: str | None = None, url: str = "", username: str = "") -> None:
    """Drop one session password (e.g. the server refused it), or all of them."""
    with _LOCK:
        if side is None:
            _SESSION.clear()
        else:
            _SESSION.pop(_account(side, url, username), None)


def delete_password(side: str, url: str, username: str) -> None:
    forget_session(side, url, username)
    try:
        keyring.delete_password(SERVICE, _account(side, url, username))
    except keyring.errors.KeyringError:
        pass

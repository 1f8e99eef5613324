"""Typed errors that carry data, not prose (STYLE rule 3).

Each front end has one place that turns these into words: `ui/errors.py`
and the CLI's error handler.
"""

from __future__ import annotations

from typing import Any


class CrmDeskError(Exception):
    """Base of every error crmdesk raises on purpose."""


class UserError(CrmDeskError):
    """Something the user asked for can't be done; `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SettingsError(UserError):
    """A setting is missing or has a bad value; `key` names it."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


class MailUnreadable(UserError):
    """A file offered as an e-mail can't be shared; `problem` says why and what to do."""

    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name} can't be shared as an e-mail: {problem}")
        self.name = name
        self.problem = problem


class AuthError(CrmDeskError):
    """The server refused the credentials."""

    def __init__(self, server: str, url: str, detail: str = "") -> None:
        super().__init__(f"{server} at {url} refused the credentials {detail}".strip())
        self.server = server
        self.url = url
        self.detail = detail


class LockedOutError(AuthError):
    """Too many failed logins: the server answers 429 for a while.

    `wait` is how many seconds crmdesk stays away before it tries again
    (asking while locked out makes Tryton extend the lock-out).
    """

    def __init__(self, server: str, url: str, detail: str = "",
                 wait: float | None = None) -> None:
        super().__init__(server, url, detail)
        self.wait = wait


class SessionExpired(AuthError):
    """A fresh session was refused at once: signed in again once, no more."""


class AccessDenied(CrmDeskError):
    """Signed in, but not allowed to do this."""

    def __init__(self, server: str, detail: str) -> None:
        super().__init__(f"{server}: access denied: {detail}")
        self.server = server
        self.detail = detail


class ServerError(CrmDeskError):
    """The server answered with an error or garbage."""

    def __init__(self, server: str, url: str, status: int | None, detail: str = "") -> None:
        super().__init__(f"{server} at {url} answered {status or 'garbage'}: {detail}".strip())
        self.server = server
        self.url = url
        self.status = status
        self.detail = detail


class RateLimited(ServerError):
    """HTTP 429: the server asked to wait longer than crmdesk waits by itself."""

    def __init__(self, server: str, url: str, wait: float | None) -> None:
        shown = f"wait {wait:.0f} s" if wait is not None else "wait"
        super().__init__(server, url, 429, f"too many requests, asked to {shown}")
        self.wait = wait


class RedirectRefused(CrmDeskError):
    """The server sent crmdesk to another host (or from HTTPS to HTTP): the
    credentials are not sent there."""

    def __init__(self, server: str, url: str, target: str) -> None:
        super().__init__(f"{server} at {url} redirects to {target}; not followed")
        self.server = server
        self.url = url
        self.target = target


class UnreachableError(CrmDeskError):
    """No connection could be made (refused, DNS, timeout, TLS)."""

    def __init__(self, server: str, url: str, detail: str) -> None:
        super().__init__(f"{server} at {url} can't be reached: {detail}")
        self.server = server
        self.url = url
        self.detail = detail


class TlsError(UnreachableError):
    """The server's certificate could not be verified."""


class ClientCertError(TlsError):
    """The server wants a client certificate, refused ours, or ours can't be used."""


class StaleWrite(CrmDeskError):
    """A guarded write lost a race (HTTP 412 / ConcurrencyException)."""

    def __init__(self, server: str, key: Any) -> None:
        super().__init__(f"{server}: {key} changed on the server since it was read")
        self.server = server
        self.key = key


class NotFound(CrmDeskError):
    """The item is no longer on the server."""

    def __init__(self, server: str, key: Any) -> None:
        super().__init__(f"{server}: {key} not found")
        self.server = server
        self.key = key


class InvalidItem(CrmDeskError):
    """An item (iCalendar object or CRM record) can't be understood."""

    def __init__(self, key: Any, detail: str) -> None:
        super().__init__(f"{key}: {detail}")
        self.key = key
        self.detail = detail


class SyncTokenInvalid(CrmDeskError):
    """The CalDAV server rejected the sync token: restart with a full sync."""


class Cancelled(CrmDeskError):
    """The user cancelled a running job."""

    def __init__(self) -> None:
        super().__init__("cancelled")


class MassDeleteBlocked(CrmDeskError):
    """A sync would delete too much; carries the plan for the user to see."""

    def __init__(self, plan: Any, side: str, count: int, total: int) -> None:
        super().__init__(f"the sync would delete {count} of {total} items on the {side} side")
        self.plan = plan
        self.side = side
        self.count = count
        self.total = total


class StoreError(CrmDeskError):
    """The local store file can't be used (newer schema, not readable, not writable)."""

    def __init__(self, path: Any, detail: str) -> None:
        super().__init__(f"local store {path}: {detail}")
        self.path = path
        self.detail = detail


class StoreDamaged(StoreError):
    """The store file is damaged and can't be restored now (it is in use):
    the next start of crmdesk restores the last good backup."""

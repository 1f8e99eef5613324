"""Turn crmdesk errors into sentences a rep understands: what happened, what to do.

Qt-free so that the CLI and the GUI (ui/errors.py) say the same thing.
"""

from __future__ import annotations

from crmdesk.errors import (AccessDenied, AuthError, Cancelled, CrmDeskError, InvalidItem,
                            LockedOutError, MassDeleteBlocked, NotFound, ServerError,
                            SettingsError, StaleWrite, TlsError, UnreachableError, UserError)


_SERVER_NAMES = {"CalDAV": "calendar server", "Tryton": "CRM"}


def _name(server: str) -> str:
    """How a rep calls a server: 'the calendar server', 'the CRM'."""
    return _SERVER_NAMES.get(server, server)


def describe(exc: BaseException) -> str:
    """One paragraph for a dialog, a status bar or stderr."""
    for kind, words in _WORDS:
        if isinstance(exc, kind):
            return words(exc)
    if isinstance(exc, CrmDeskError):
        return str(exc)
    return (f"Something unexpected went wrong ({type(exc).__name__}). Nothing was lost: "
            "the next Synchronize starts from where this one stopped.")


def _locked(e: LockedOutError) -> str:
    return (f"The {_name(e.server)} locked the account after too many failed sign-ins. Wait a few "
            "minutes, check the password in Connection settings, then try again.")


def _auth(e: AuthError) -> str:
    return (f"The {_name(e.server)} refused your user name or password. Check them in "
            "Connection settings.")


def _tls(e: TlsError) -> str:
    return (f"The {_name(e.server)} at {e.url} has a certificate that can't be verified "
            f"({e.detail}). If your company uses its own certificate authority, choose its "
            "CA bundle in Connection settings.")


def _unreachable(e: UnreachableError) -> str:
    return (f"Can't reach the {_name(e.server)} at {e.url}: {e.detail}. Check your network "
            "connection and the server address in Connection settings. Nothing was changed.")


def _server(e: ServerError) -> str:
    status = f"an error (HTTP {e.status})" if e.status else "something it could not understand"
    detail = f": {e.detail}" if e.detail else ""
    return (f"The {_name(e.server)} answered with {status}{detail}. Nothing was lost; try again "
            "later, and tell your administrator if it keeps happening.")


def _denied(e: AccessDenied) -> str:
    return (f"The {_name(e.server)} did not allow this: {e.detail}. Ask your CRM administrator "
            "for access.")


def _settings(e: SettingsError) -> str:
    return f"Setting {e.key}: {e.problem}."


_WORDS: list[tuple[type, object]] = [
    (LockedOutError, _locked), (AuthError, _auth), (TlsError, _tls),
    (UnreachableError, _unreachable), (ServerError, _server), (AccessDenied, _denied),
    (SettingsError, _settings), (UserError, lambda e: e.message),
    (Cancelled, lambda e: "Cancelled. What was already done is kept; the next "
                          "Synchronize finishes the rest."),
    (MassDeleteBlocked, lambda e: (
        f"This sync would delete {e.count} of {e.total} items on the "
        f"{'CRM' if e.side == 'crm' else 'calendar'} side, more than the mass-delete guard "
        "allows. Nothing was changed. Check the list: if it is right, confirm it; "
        "otherwise find out what removed them first.")),
    (StaleWrite, lambda e: f"{e} — it is merged again at the next Synchronize."),
    (NotFound, lambda e: str(e)),
    (InvalidItem, lambda e: f"An item can't be read ({e.detail}); it was skipped."),
]

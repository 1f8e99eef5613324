"""Turn crmdesk errors into sentences a rep understands: what happened, what to do.

Qt-free so that the CLI and the GUI (ui/errors.py) say the same thing.  The
sentences are English templates written as `translate("Messages", "…")`
calls, so Qt's lupdate collects them with the GUI's strings; the CLI uses
`english` (the templates as they are), the GUI passes
`QCoreApplication.translate` to look them up in the installed translation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from crmdesk.errors import (AccessDenied, AuthError, Cancelled, CrmDeskError, InvalidItem,
                            LockedOutError, MassDeleteBlocked, NotFound, ServerError,
                            SettingsError, StaleWrite, TlsError, UnreachableError, UserError)
from crmdesk.errors import StoreDamaged
from crmdesk.errors import (ClientCertError, RateLimited, RedirectRefused, SessionExpired)

if TYPE_CHECKING:
    from crmdesk.store.safety import StoreRecovered

Translate = Callable[[str, str], str]      # (context, English text) -> shown text


def english(context: str, text: str) -> str:
    """No translation: the English base text."""
    return text


def _name(server: str, translate: Translate) -> str:
    """How a rep calls a server: 'calendar server', 'CRM'."""
    if server == "CalDAV":
        return translate("Messages", "calendar server")
    if server == "Tryton":
        return translate("Messages", "CRM")
    return server


def describe(exc: BaseException, translate: Translate = english) -> str:
    """One paragraph for a dialog, a status bar or stderr."""
    for kind, words in _WORDS:
        if isinstance(exc, kind):
            return words(exc, translate)
    if isinstance(exc, CrmDeskError):
        return str(exc)
    return translate("Messages", "Something unexpected went wrong ({kind}). Nothing was lost: "
                     "the next Synchronize starts from where this one stopped.").format(
                         kind=type(exc).__name__)


def _locked(e: LockedOutError, translate: Translate) -> str:
    return translate("Messages", "The {server} locked the account after too many failed "
                     "sign-ins. Wait a few minutes, check the password in Connection settings, "
                     "then try again.").format(server=_name(e.server, translate)) \
        + _lockout_wait(e, translate)


def _lockout_wait(e: LockedOutError, translate: Translate) -> str:
    if not e.wait:
        return ""
    return " " + translate("Messages", "crmdesk does not sign in again for {minutes} min "
                           "(each try while locked would extend the lock).").format(
                               minutes=max(1, round(e.wait / 60)))


def _session(e: SessionExpired, translate: Translate) -> str:
    return translate("Messages", "The {server} ended the session right after crmdesk signed "
                     "in again. Nothing was changed; try again in a few minutes, and tell "
                     "your administrator if it keeps happening.").format(
                         server=_name(e.server, translate))


def _rate_limited(e: RateLimited, translate: Translate) -> str:
    wait = translate("Messages", "{seconds} s").format(seconds=round(e.wait)) \
        if e.wait is not None else translate("Messages", "a while")
    return translate("Messages", "The {server} is busy and asked crmdesk to wait {wait} before "
                     "asking again. Nothing was lost; the next Synchronize carries on.").format(
                         server=_name(e.server, translate), wait=wait)


def _redirect(e: RedirectRefused, translate: Translate) -> str:
    return translate("Messages", "The {server} address {url} sends crmdesk on to {target}, "
                     "another server. crmdesk does not send your password there. If {target} "
                     "is the right address, enter it in Connection settings.").format(
                         server=_name(e.server, translate), url=e.url, target=e.target)


def _client_cert(e: ClientCertError, translate: Translate) -> str:
    return translate("Messages", "The {server} at {url} did not accept the connection: "
                     "{detail}. Choose your client certificate and its key in Connection "
                     "settings (your administrator has them).").format(
                         server=_name(e.server, translate), url=e.url, detail=e.detail)


def _auth(e: AuthError, translate: Translate) -> str:
    return translate("Messages", "The {server} refused your user name or password. Check "
                     "them in Connection settings.").format(server=_name(e.server, translate))


def _tls(e: TlsError, translate: Translate) -> str:
    return translate("Messages", "The {server} at {url} has a certificate that can't be "
                     "verified ({detail}). If your company uses its own certificate "
                     "authority, choose its CA bundle in Connection settings.").format(
                         server=_name(e.server, translate), url=e.url, detail=e.detail)


def _unreachable(e: UnreachableError, translate: Translate) -> str:
    return translate("Messages", "Can't reach the {server} at {url}: {detail}. Check your "
                     "network connection and the server address in Connection settings. "
                     "Nothing was changed.").format(server=_name(e.server, translate),
                                                    url=e.url, detail=e.detail)


def _server(e: ServerError, translate: Translate) -> str:
    server = _name(e.server, translate)
    if e.status and e.detail:
        text = translate("Messages", "The {server} answered with an error (HTTP {status}): "
                         "{detail}.")
    elif e.status:
        text = translate("Messages", "The {server} answered with an error (HTTP {status}).")
    elif e.detail:
        text = translate("Messages", "The {server} answered with something it could not "
                         "understand: {detail}.")
    else:
        text = translate("Messages", "The {server} answered with something it could not "
                         "understand.")
    return text.format(server=server, status=e.status, detail=e.detail) + " " + translate(
        "Messages", "Nothing was lost; try again later, and tell your administrator if it "
        "keeps happening.")


def _denied(e: AccessDenied, translate: Translate) -> str:
    if e.server == "CalDAV":
        return translate("Messages", "The calendar server did not allow this: {detail}."
                         ).format(detail=e.detail)
    return translate("Messages", "The {server} did not allow this: {detail}. Ask your CRM "
                     "administrator for access.").format(server=_name(e.server, translate),
                                                         detail=e.detail)


def _settings(e: SettingsError, translate: Translate) -> str:
    return translate("Messages", "Setting {key}: {problem}.").format(key=e.key,
                                                                     problem=e.problem)


def _cancelled(e: Cancelled, translate: Translate) -> str:
    return translate("Messages", "Cancelled. What was already done is kept; the next "
                     "Synchronize finishes the rest.")


def _mass_delete(e: MassDeleteBlocked, translate: Translate) -> str:
    if e.side == "crm":
        text = translate("Messages", "This sync would delete {count} of {total} items on the "
                         "CRM side, more than the mass-delete guard allows.")
    else:
        text = translate("Messages", "This sync would delete {count} of {total} items on the "
                         "calendar side, more than the mass-delete guard allows.")
    return text.format(count=e.count, total=e.total) + " " + translate(
        "Messages", "Nothing was changed. Check the list: if it is right, confirm it; "
        "otherwise find out what removed them first.")


def _stale(e: StaleWrite, translate: Translate) -> str:
    return translate("Messages", "{problem} \u2014 it is merged again at the next "
                     "Synchronize.").format(problem=e)


def _invalid(e: InvalidItem, translate: Translate) -> str:
    return translate("Messages", "An item can't be read ({detail}); it was skipped.").format(
        detail=e.detail)


_WORDS: list[tuple[type, Callable[..., str]]] = [
    (LockedOutError, _locked), (SessionExpired, _session), (AuthError, _auth),
    (ClientCertError, _client_cert), (TlsError, _tls), (UnreachableError, _unreachable),
    (RateLimited, _rate_limited), (ServerError, _server), (RedirectRefused, _redirect),
    (AccessDenied, _denied),
    (SettingsError, _settings), (UserError, lambda e, _translate: e.message),
    (Cancelled, _cancelled), (MassDeleteBlocked, _mass_delete), (StaleWrite, _stale),
    (NotFound, lambda e, _translate: str(e)), (InvalidItem, _invalid),
    (StoreDamaged, lambda e, translate: _store_damaged(e, translate)),
]


def _store_damaged(e: StoreDamaged, translate: Translate) -> str:
    return translate("Messages", "The local store is damaged ({detail}). Close crmdesk and "
                     "start it again: it restores the last good backup, and what is newer "
                     "is read again from the servers.").format(detail=e.detail)


def describe_recovery(event: StoreRecovered, translate: Translate = english) -> str:
    """What crmdesk did about a damaged local store, for the rep (once, at start).

    The store mirrors the servers and keeps the link between calendar items
    and CRM activities, so the words say what comes back by itself and what
    the rep may have to do again.
    """
    if event.backup_taken is not None:
        text = translate(
            "Messages", "The local store was damaged ({problem}); crmdesk restored the backup "
            "from {time}. Changes since then will be re-read from the servers at the next "
            "Synchronize. Items you shared, linked or resolved after that time and not yet "
            "synchronized may need doing again.")
    else:
        text = translate(
            "Messages", "The local store was damaged ({problem}) and no good backup was "
            "found, so crmdesk started a new one. Everything will be re-read from the servers "
            "at the next Synchronize, and shared items are matched to their CRM activities "
            "again. Items you shared or linked but never synchronized need sharing again.")
    when = event.backup_taken.astimezone().strftime("%a %d %b %Y %H:%M") \
        if event.backup_taken is not None else ""
    return text.format(problem=event.problem, time=when) + " " + translate(
        "Messages", "The damaged file was kept as {path}.").format(path=event.damaged_copy)

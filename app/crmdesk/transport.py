"""What both connectors do alike on the wire: TLS options, redirects, and
turning what `requests` raises into crmdesk's typed errors.

A transport failure also says whether sending the request again may help
(`transient`): a reset, a timeout or a body cut short may; a refused
connection, a certificate problem or a bad URL won't.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import requests

from crmdesk.errors import (ClientCertError, CrmDeskError, RedirectRefused, ServerError,
                            TlsError, UnreachableError, UserError)
from crmdesk.netreason import CLIENT_CERT_REASONS, network_reason

Verify = bool | str
Cert = str | tuple[str, str] | None


@dataclass(frozen=True)
class TlsOptions:
    """`verify` and `cert` as requests takes them, checked once."""

    verify: Verify = True
    cert: Cert = None

    @classmethod
    def from_settings(cls, verify_tls: bool = True, ca_bundle: str = "",
                      client_cert: str = "", client_key: str = "") -> "TlsOptions":
        """A CA bundle counts only while verification is on; a client key needs
        its certificate (a PEM holding both needs no key file)."""
        verify: Verify = _readable(ca_bundle, "CA bundle") if (verify_tls and ca_bundle) \
            else verify_tls
        cert: Cert = None
        if client_key and not client_cert:
            raise UserError("a client key is set but no client certificate")
        if client_cert:
            path = _readable(client_cert, "client certificate")
            cert = (path, _readable(client_key, "client key")) if client_key else path
        return cls(verify, cert)


def _readable(path: str, what: str) -> str:
    full = Path(path).expanduser()
    if not full.is_file():
        raise UserError(f"the {what} file {path} does not exist")
    return str(full)


class Failure(Exception):
    """A request that failed on the wire: the typed error to raise, whether
    sending it again may help, and whether it waited for the whole timeout
    (worth one more try, not two: each costs the full timeout)."""

    def __init__(self, error: CrmDeskError, transient: bool, timed_out: bool = False) -> None:
        super().__init__(str(error))
        self.error = error
        self.transient = transient
        self.timed_out = timed_out


def wire_failure(server: str, shown: str, exc: OSError) -> Failure:
    """What a requests (or file) exception means, as a typed error."""
    reason = network_reason(exc)
    if isinstance(exc, requests.exceptions.SSLError) or _has_ssl_error(exc):
        kind = ClientCertError if reason in CLIENT_CERT_REASONS else TlsError
        return Failure(kind(server, shown, reason), transient=False)
    if isinstance(exc, (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                        requests.exceptions.InvalidSchema)):
        return Failure(UserError(f"not a usable {server} address: {shown} ({reason})"), False)
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError,
                        requests.exceptions.ContentDecodingError)):
        return Failure(ServerError(server, shown, None, "the answer was cut off"), True)
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
        return Failure(UnreachableError(server, shown, reason),
                       transient=reason != "connection refused",
                       timed_out=isinstance(exc, requests.Timeout))
    if isinstance(exc, requests.RequestException):
        return Failure(ServerError(server, shown, None, reason), transient=False)
    # requests raises a bare OSError for a certificate file it can't open
    return Failure(UserError(f"{server}: {exc}"), transient=False)


def _has_ssl_error(exc: BaseException) -> bool:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLError) or any(isinstance(a, ssl.SSLError)
                                                    for a in current.args):
            return True
        current = current.__cause__ or current.__context__
    return False


def redirect_target(server: str, url: str, location: str) -> str:
    """Where a redirect leads, if crmdesk may follow it with the credentials.

    Only the same host, and never from HTTPS down to HTTP: anything else would
    hand the password (Basic auth, a Tryton login body) to someone else.
    """
    target = urljoin(url, location)
    old, new = urlsplit(url), urlsplit(target)
    same_host = (old.hostname or "").lower() == (new.hostname or "").lower()
    downgrade = old.scheme == "https" and new.scheme != "https"
    if not same_host or downgrade or new.scheme not in ("http", "https"):
        raise RedirectRefused(server, display(url), display(target))
    return target


def display(url: str) -> str:
    """`url` without any user:password@ part, for messages."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))

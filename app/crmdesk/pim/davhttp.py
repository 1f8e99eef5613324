"""The CalDAV client's HTTP: one counted `requests.Session`, typed errors,
same-host redirects only, and retries for what is safe to repeat.

Safe to repeat: the reads (PROPFIND, REPORT, GET, OPTIONS) and the writes
whose precondition makes a repeat of a write that did land fail cleanly —
PUT/DELETE with If-Match (a repeat gets 412 or 404) and PUT with
If-None-Match: * (a repeat gets 412).  Nothing else is ever sent twice.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, TypeVar

import requests

from crmdesk import __version__
from crmdesk.errors import AccessDenied, AuthError, NotFound, RateLimited, ServerError
from crmdesk.retry import RETRY_STATUSES, Backoff, RetryPolicy, retry_after_seconds
from crmdesk.traffic import Traffic
from crmdesk.transport import Failure, TlsOptions, display, redirect_target, wire_failure

SERVER = "CalDAV"
MAX_REDIRECTS = 5
READS = frozenset({"PROPFIND", "REPORT", "GET", "HEAD", "OPTIONS"})
T = TypeVar("T")


def repeatable(method: str, headers: Mapping[str, str]) -> bool:
    """True when sending this request twice can't change anything twice."""
    if method in READS:
        return True
    if method in ("PUT", "DELETE") and headers.get("If-Match"):
        return True
    return method == "PUT" and headers.get("If-None-Match") == "*"


class DavHttp:
    """Requests to one CalDAV server, with Basic auth sent pre-emptively."""

    def __init__(self, username: str, password: str, tls: TlsOptions, timeout: float,
                 retry: RetryPolicy) -> None:
        self.request_count = 0
        self.retries = 0                  # requests sent again (see `repeatable`)
        self.timeout = timeout
        self.retry = retry
        self.tls = tls
        self.session = requests.Session()
        self.traffic = Traffic.attach(self.session)
        self.session.auth = (username, password)
        self.session.headers["User-Agent"] = f"crmdesk/{__version__}"
        self.sleep: Callable[[float], None] | None = None     # tests may skip the waits

    def close(self) -> None:
        self.session.close()

    def request(self, method: str, url: str, data: bytes | None, headers: dict[str, str],
                allow: Iterable[int], read: Callable[[requests.Response], T] | None = None
                ) -> tuple[requests.Response, T | None]:
        """One request (plus redirect hops), repeated when safe; errors typed.

        `read` parses an allowed answer inside the retry loop, so that a
        garbled answer to a read is fetched again like a 503.
        """
        allowed = set(allow)
        backoff = Backoff(self.retry, f"{method} {display(url)}",
                          **({"sleep": self.sleep} if self.sleep else {}))
        safe = repeatable(method, headers)
        timeouts = 0
        while True:
            try:
                resp = self._follow(method, url, data, headers)
            except Failure as failure:
                timeouts += failure.timed_out
                if safe and failure.transient and timeouts < 2 \
                        and backoff.again(str(failure.error)):
                    self.retries += 1
                    continue
                raise failure.error from None
            status = resp.status_code
            if status in RETRY_STATUSES and status not in allowed:
                wait = retry_after_seconds(resp.headers.get("Retry-After"))
                if safe and backoff.again(f"HTTP {status}", wait if status in (429, 503)
                                          else None):
                    self.retries += 1
                    continue
                if status == 429:
                    raise RateLimited(SERVER, display(resp.url), wait)
            if status not in allowed:
                raise_for(resp)
            if read is None or status not in (207,):
                return resp, None
            try:
                return resp, read(resp)
            except ServerError as exc:
                if safe and backoff.again(exc.detail):
                    self.retries += 1
                    continue
                raise

    def _follow(self, method: str, url: str, data: bytes | None,
                headers: dict[str, str]) -> requests.Response:
        for _ in range(MAX_REDIRECTS + 1):
            resp = self._send(method, url, data, headers)
            target = resp.headers.get("Location")
            if resp.status_code not in (301, 302, 307, 308) or not target:
                return resp
            url = redirect_target(SERVER, url, target)
        raise ServerError(SERVER, display(url), resp.status_code, "too many redirects")

    def _send(self, method: str, url: str, data: bytes | None,
              headers: dict[str, str]) -> requests.Response:
        self.request_count += 1
        try:
            # verify/cert on every request: a Session's own loses to REQUESTS_CA_BUNDLE.
            return self.session.request(method, url, data=data, headers=headers,
                                        timeout=self.timeout, verify=self.tls.verify,
                                        cert=self.tls.cert, allow_redirects=False)
        except OSError as exc:        # requests' exceptions, and certificate files
            raise wire_failure(SERVER, display(url), exc) from None


def raise_for(resp: requests.Response) -> None:
    status, shown = resp.status_code, display(resp.url)
    if status == 401:
        raise AuthError(SERVER, shown)
    if status == 403:
        raise AccessDenied(SERVER, f"{resp.request.method} {shown}")
    if status == 404:
        raise NotFound(SERVER, shown)
    raise ServerError(SERVER, shown, status, _short(resp.reason or ""))


def _short(text: str) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= 200 else text[:197] + "..."

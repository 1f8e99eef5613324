"""Tryton's JSON-RPC transport: one signed-in session, its wire values, its errors.

`POST /<db>/rpc/` over one `requests.Session`, signed in once with a session
key that lives only in memory and is kept for as long as this object (a 401
means one new sign-in, never a loop).  Reads, and writes guarded by
`_timestamp`, are retried with backoff (crmdesk.retry); creates, deletes and
the team methods are never sent twice.  A 429 on sign-in is a lock-out:
crmdesk then stays away (LOCKOUT_WAIT) instead of extending it.  Redirects are
followed on the same host only: the login body carries the password.
Dates, Decimal and bytes travel in Tryton's `__class__` form; JSON-RPC errors
become the typed errors of crmdesk.errors.  crmdesk.crm.tryton builds the
Connector on top of it.
"""

from __future__ import annotations

import base64
import json
import time as clock
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Callable, Mapping

import requests

from crmdesk import errors
from crmdesk.retry import Backoff, RetryPolicy, retry_after_seconds
from crmdesk.traffic import Traffic
from crmdesk.transport import Failure, TlsOptions, display, redirect_target, wire_failure

SERVER = "Tryton"
_ACCESS_WORDS = ("not allowed", "access")
LOGIN = "common.db.login"
# Tryton counts failed sign-ins over its session timeout (5 minutes by default)
# and every try while locked out adds one: stay away that long.
LOCKOUT_WAIT = 300.0
MAX_REDIRECTS = 3
# Methods that only read: sending one twice changes nothing.
_READS = (".changes", ".sync_search", ".read", ".search", ".search_read", ".search_count",
          ".get_preferences", "common.server.version")
_GUARDED_WRITES = (".sync_write", ".write")
_TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})


def encode_value(obj: Any) -> Any:
    """json.dumps hook: Tryton's wire form of dates, Decimal and bytes."""
    if isinstance(obj, datetime):
        return {"__class__": "datetime", "year": obj.year, "month": obj.month,
                "day": obj.day, "hour": obj.hour, "minute": obj.minute,
                "second": obj.second, "microsecond": obj.microsecond}
    if isinstance(obj, date):
        return {"__class__": "date", "year": obj.year, "month": obj.month, "day": obj.day}
    if isinstance(obj, Decimal):
        return {"__class__": "Decimal", "decimal": str(obj)}
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    if isinstance(obj, bytes):
        return {"__class__": "bytes", "base64": base64.b64encode(obj).decode("ascii")}
    raise TypeError(f"can't send {type(obj).__name__} to Tryton")


def decode_value(dct: dict[str, Any]) -> Any:
    """json.loads object hook: the inverse of encode_value."""
    kind = dct.get("__class__")
    if kind == "datetime":
        return datetime(dct["year"], dct["month"], dct["day"], dct["hour"],
                        dct["minute"], dct["second"], dct.get("microsecond", 0))
    if kind == "date":
        return date(dct["year"], dct["month"], dct["day"])
    if kind == "time":
        return time(dct["hour"], dct["minute"], dct["second"], dct.get("microsecond", 0))
    if kind == "timedelta":
        return timedelta(seconds=dct["seconds"])
    if kind == "Decimal":
        return Decimal(dct["decimal"])
    if kind == "bytes":
        return base64.b64decode(dct["base64"])
    return dct


class _SessionExpired(errors.AuthError):
    """A 401 on a signed-in call: sign in again, once."""


class _Again(Exception):
    """An answer worth asking for again, if the request is safe to repeat."""

    def __init__(self, error: errors.CrmDeskError, wait: float | None = None,
                 timed_out: bool = False) -> None:
        super().__init__(str(error))
        self.error = error
        self.wait = wait
        self.timed_out = timed_out


def repeatable(method: str, params: list[Any]) -> bool:
    """A read, or a write of records that all carry their `_timestamp` (the
    context, last in `params`): a repeat of a write that landed is refused
    as stale instead of being applied twice."""
    if method.endswith(_READS) or method == LOGIN:
        return True
    if not method.endswith(_GUARDED_WRITES) or not params:
        return False
    context = params[-1] if isinstance(params[-1], dict) else {}
    stamps = context.get("_timestamp") or {}
    model = method.split(".", 1)[1].rsplit(".", 1)[0]
    ids = [i for group in params[:-1][0::2] if isinstance(group, list) for i in group]
    return bool(ids) and all(stamps.get(f"{model},{i}") for i in ids)


class TrytonRpc:
    """One JSON-RPC session with a Tryton database; counts its requests."""

    def __init__(self, url: str, database: str, username: str, password: str, *,
                 verify: bool | str = True, timeout: float = 30,
                 tls: TlsOptions | None = None, retry: RetryPolicy | None = None) -> None:
        self.url = url.rstrip("/")
        self.database = database
        self.username = username
        self._password = password
        self.endpoint = f"{self.url}/{database}/rpc/"
        self.session = requests.Session()
        self.traffic = Traffic.attach(self.session)
        # verify/cert go with every request: a Session's own lose to REQUESTS_CA_BUNDLE.
        self.tls = tls or TlsOptions(verify)
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self.sleep: Callable[[float], None] = clock.sleep
        self.request_count = 0
        self.retries = 0                    # requests sent again (see `repeatable`)
        self.logins = 0                     # sign-ins that succeeded
        self.user_id: int | None = None
        self._authorization: str | None = None
        self._locked_until = 0.0
        self.lockout_wait = LOCKOUT_WAIT    # when a 429 says no Retry-After

    def __repr__(self) -> str:              # never the session key
        return f"<TrytonRpc {self.username}@{display(self.endpoint)}>"

    @property
    def signed_in(self) -> bool:
        return self._authorization is not None

    def login(self) -> int:
        """Sign in; the session key is reused by every later call."""
        self._check_lockout()
        params = [self.username, {"password": self._password}, "en"]
        try:
            result = self._post(LOGIN, params, signed=False)
        except errors.LockedOutError as exc:
            exc.wait = exc.wait if exc.wait is not None else self.lockout_wait
            self._locked_until = clock.monotonic() + exc.wait
            raise
        if not isinstance(result, list) or len(result) < 2 or not isinstance(result[0], int) \
                or not isinstance(result[1], str):
            raise errors.AuthError(SERVER, self.url, "unexpected login answer")
        token = f"{self.username}:{result[0]}:{result[1]}".encode()
        self._authorization = "Session " + base64.b64encode(token).decode("ascii")
        self.user_id = int(result[0])
        self.logins += 1
        return self.user_id

    def _check_lockout(self) -> None:
        left = self._locked_until - clock.monotonic()
        if left > 0:
            raise errors.LockedOutError(SERVER, self.url, _locked_words(left), wait=left)

    def logout(self) -> None:
        """End the session on the server (the next call signs in again)."""
        if self._authorization is not None:
            self._post("common.db.logout", [], signed=True)

    def forget_session(self) -> None:
        """Drop the session key (the next call signs in again)."""
        self._authorization = None

    def call(self, method: str, *params: Any, context: Mapping[str, Any] | None = None) -> Any:
        """Call `method` with `params` and the context (always last)."""
        if self._authorization is None:
            self.login()
        args = [*params, dict(context or {})]
        try:
            return self._post(method, args, signed=True)
        except _SessionExpired:
            # The server forgot the session (timeout, restart): sign in once more.
            # A 401 refuses before doing anything, so any call may be sent again.
            self._authorization = None
            self.login()
            try:
                return self._post(method, args, signed=True)
            except _SessionExpired:
                self._authorization = None
                raise errors.SessionExpired(
                    SERVER, self.url, "(a new session was refused at once)") from None

    def model(self, model: str, method: str, *params: Any,
              context: Mapping[str, Any] | None = None) -> Any:
        return self.call(f"model.{model}.{method}", *params, context=context)

    def _post(self, method: str, params: list[Any], *, signed: bool) -> Any:
        body = json.dumps({"id": self.request_count, "method": method, "params": params},
                          default=encode_value)
        headers = {"Content-Type": "application/json"}
        if signed and self._authorization:
            headers["Authorization"] = self._authorization
        safe = repeatable(method, params)
        backoff = Backoff(self.retry, method, sleep=self.sleep)
        timeouts = 0
        while True:
            try:
                return self._result(self._send(body, headers), method, signed)
            except _Again as again:
                timeouts += again.timed_out       # each one cost the whole timeout
                if safe and timeouts < 2 and backoff.again(str(again.error), again.wait):
                    self.retries += 1
                    continue
                raise again.error from None

    def _send(self, body: str, headers: dict[str, str]) -> requests.Response:
        url = self.endpoint
        for _ in range(MAX_REDIRECTS + 1):
            self.request_count += 1
            try:
                response = self.session.post(url, data=body, headers=headers,
                                             timeout=self.timeout, verify=self.tls.verify,
                                             cert=self.tls.cert, allow_redirects=False)
            except OSError as exc:
                failure: Failure = wire_failure(SERVER, self.url, exc)
                if failure.transient:
                    raise _Again(failure.error, timed_out=failure.timed_out) from None
                raise failure.error from None
            location = response.headers.get("Location")
            if response.status_code not in (301, 302, 303, 307, 308) or not location:
                return response
            url = redirect_target(SERVER, url, location)
        raise errors.ServerError(SERVER, self.url, response.status_code, "too many redirects")

    def _result(self, response: requests.Response, method: str, signed: bool) -> Any:
        status = response.status_code
        if status == 401:
            if signed:
                raise _SessionExpired(SERVER, self.url, "the session expired")
            raise errors.AuthError(SERVER, self.url, f"(wrong login or password for {self.username})")
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if status == 429:
            if method == LOGIN:
                raise errors.LockedOutError(
                    SERVER, self.url, _locked_words(wait if wait is not None
                                                    else self.lockout_wait), wait=wait)
            raise _Again(errors.RateLimited(SERVER, self.url, wait), wait)
        if status == 403:
            raise errors.AccessDenied(SERVER, f"{method} is forbidden")
        if status in _TRANSIENT_STATUSES and not (method == LOGIN and status == 500):
            raise _Again(errors.ServerError(SERVER, self.url, status, response.reason or ""),
                         wait if status == 503 else None)
        if status >= 300:
            raise errors.ServerError(SERVER, self.url, status, response.reason or "")
        try:
            data = json.loads(response.text, object_hook=decode_value)
        except (ValueError, TypeError, KeyError):
            raise _Again(errors.ServerError(SERVER, self.url, status,
                                            "not a JSON-RPC answer")) from None
        if not isinstance(data, dict):
            raise _Again(errors.ServerError(SERVER, self.url, status, "not a JSON-RPC answer"))
        if data.get("error"):
            raise self._rpc_error(data["error"], method)
        return data.get("result")

    def _rpc_error(self, error: Any, method: str) -> errors.CrmDeskError:
        kind = error[0] if isinstance(error, list) and error else error
        args = error[1] if isinstance(error, list) and len(error) > 1 else None
        message = args[0] if isinstance(args, list) and args else str(args or "")
        if kind == "ConcurrencyException":
            return errors.StaleWrite(SERVER, method)
        if kind == "LoginException":
            return errors.AuthError(SERVER, self.url, "(the server asks for more credentials)")
        if kind in ("UserError", "UserWarning"):
            if any(word in str(message).lower() for word in _ACCESS_WORDS):
                return errors.AccessDenied(SERVER, str(message))
            return errors.ServerError(SERVER, self.url, 200, str(message))
        return errors.ServerError(SERVER, self.url, 200, f"{method}: {kind}")


def _locked_words(wait: float) -> str:
    minutes = max(1, round(wait / 60))
    return (f"(too many failed logins; crmdesk waits {minutes} minute"
            f"{'s' if minutes != 1 else ''} before it signs in again)")

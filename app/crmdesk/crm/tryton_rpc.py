"""Tryton's JSON-RPC transport: one signed-in session, its wire values, its errors.

`POST /<db>/rpc/` over one `requests.Session`, signed in once with a session
key (a 401 means one new sign-in, never a loop).  Dates, Decimal and bytes
travel in Tryton's `__class__` form; JSON-RPC errors become the typed errors
of crmdesk.errors.  crmdesk.crm.tryton builds the Connector on top of it.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Mapping

import requests

from crmdesk import errors
from crmdesk.netreason import network_reason
from crmdesk.traffic import Traffic

SERVER = "Tryton"
_ACCESS_WORDS = ("not allowed", "access")


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


class TrytonRpc:
    """One JSON-RPC session with a Tryton database; counts its requests."""

    def __init__(self, url: str, database: str, username: str, password: str, *,
                 verify: bool | str = True, timeout: float = 30) -> None:
        self.url = url.rstrip("/")
        self.database = database
        self.username = username
        self._password = password
        self.endpoint = f"{self.url}/{database}/rpc/"
        self.session = requests.Session()
        self.traffic = Traffic.attach(self.session)
        self.session.verify = verify
        self.timeout = timeout
        self.request_count = 0
        self.user_id: int | None = None
        self._authorization: str | None = None

    def login(self) -> int:
        """Sign in; the session key is reused by every later call."""
        params = [self.username, {"password": self._password}, "en"]
        result = self._post("common.db.login", params, signed=False)
        if not isinstance(result, list) or len(result) < 2:
            raise errors.AuthError(SERVER, self.url, "unexpected login answer")
        token = f"{self.username}:{result[0]}:{result[1]}".encode()
        self._authorization = "Session " + base64.b64encode(token).decode("ascii")
        self.user_id = int(result[0])
        return self.user_id

    def logout(self) -> None:
        """End the session on the server (the next call signs in again)."""
        if self._authorization is not None:
            self._post("common.db.logout", [], signed=True)

    def call(self, method: str, *params: Any, context: Mapping[str, Any] | None = None) -> Any:
        """Call `method` with `params` and the context (always last)."""
        if self._authorization is None:
            self.login()
        args = [*params, dict(context or {})]
        try:
            return self._post(method, args, signed=True)
        except _SessionExpired:
            self.login()
            return self._post(method, args, signed=True)

    def model(self, model: str, method: str, *params: Any,
              context: Mapping[str, Any] | None = None) -> Any:
        return self.call(f"model.{model}.{method}", *params, context=context)

    def _post(self, method: str, params: list[Any], *, signed: bool) -> Any:
        body = json.dumps({"id": self.request_count, "method": method, "params": params},
                          default=encode_value)
        headers = {"Content-Type": "application/json"}
        if signed and self._authorization:
            headers["Authorization"] = self._authorization
        self.request_count += 1
        try:
            response = self.session.post(self.endpoint, data=body, headers=headers,
                                         timeout=self.timeout)
        except requests.exceptions.SSLError as exc:
            raise errors.TlsError(SERVER, self.url, network_reason(exc)) from None
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise errors.UnreachableError(SERVER, self.url, network_reason(exc)) from None
        return self._result(response, method, signed)

    def _result(self, response: requests.Response, method: str, signed: bool) -> Any:
        status = response.status_code
        if status == 401:
            if signed:
                raise _SessionExpired(SERVER, self.url, "the session expired")
            raise errors.AuthError(SERVER, self.url, f"(wrong login or password for {self.username})")
        if status == 429:
            raise errors.LockedOutError(
                SERVER, self.url, "(too many failed logins, wait a few minutes)")
        if status == 403:
            raise errors.AccessDenied(SERVER, f"{method} is forbidden")
        if status >= 300:
            raise errors.ServerError(SERVER, self.url, status, response.reason or "")
        try:
            data = json.loads(response.text, object_hook=decode_value)
        except ValueError:
            raise errors.ServerError(SERVER, self.url, status, "not a JSON-RPC answer") from None
        if not isinstance(data, dict):
            raise errors.ServerError(SERVER, self.url, status, "not a JSON-RPC answer")
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

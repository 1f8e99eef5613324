"""The Connector for Tryton 8.2 with crmdesk's crm_activity module (server/).

Speaks Tryton's JSON-RPC (`POST /<db>/rpc/`) over one `requests.Session`,
signed in once with a session key (a 401 means one new sign-in, never a
loop).  Each sync operation is one request: the server module answers
creates, writes and searches with the same rows as its change feed.  Tryton values (naive UTC datetimes, 0/1
booleans, ids) are turned into normalized `Fields` here and nowhere else.
"""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

import requests

from crmdesk import errors
from crmdesk.crm.base import ChangeFeed, NewActivity
from crmdesk.netreason import network_reason
from crmdesk.model import ALL_FIELDS, CrmRecord, Fields, Identity, Origin, Reference
from crmdesk.model import normalize_fields

SERVER = "Tryton"
MODEL = "crm.activity"
# The feed's next `since` is this much before the server's clock, so that
# rows stamped by transactions still running during a read come again.
WATERMARK_OVERLAP = timedelta(minutes=2)
EXTRA_FIELDS = ("needs_review", "review_reason", "repeating", "repeating_type",
                "repeating_expires", "exceptions", "series", "company")
_WRITABLE = frozenset(ALL_FIELDS) | frozenset(EXTRA_FIELDS) | {"owner", "employees"}
_READ_ONLY = ("create_date", "write_date")  # in CrmRecord.extra, never sent
_BOOLEANS = ("needs_review", "repeating")
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


def _to_utc(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)
    return value


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _naive_utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


def record_from_row(row: Mapping[str, Any]) -> CrmRecord:
    """A CrmRecord in normal form from one row of the server module."""
    raw = {name: row.get(name) for name in ALL_FIELDS}
    try:
        fields = normalize_fields(raw)
        exceptions = sorted(date.fromisoformat(line.strip()).isoformat()
                            for line in (row.get("exceptions") or "").splitlines()
                            if line.strip())
    except ValueError as exc:
        raise errors.InvalidItem(f"{MODEL},{row.get('id')}", str(exc)) from None
    extra: dict[str, Any] = {  # JSON-safe: the store keeps it as it is
        "needs_review": bool(row.get("needs_review")),
        "review_reason": row.get("review_reason") or "",
        "repeating": bool(row.get("repeating")),
        "repeating_type": row.get("repeating_type") or None,
        "repeating_expires": _iso(row.get("repeating_expires")),
        "exceptions": exceptions,
        "series": row.get("series") or None,
        "company": row.get("company") or None,
        "create_date": _iso(_to_utc(row.get("create_date"))),
        "write_date": _iso(_to_utc(row.get("write_date"))),
    }
    return CrmRecord(
        id=int(row["id"]), fields=fields, timestamp=str(row.get("_timestamp") or ""),
        integration_id=row.get("integration_id") or "",
        origin=Origin(row.get("origin") or Origin.CRM),
        owner=row.get("owner") or None,
        employees=tuple(sorted(int(e) for e in row.get("employees") or ())),
        extra=extra)


def values_from_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """Tryton values from normalized fields and writable extras."""
    values: dict[str, Any] = {}
    for name, value in fields.items():
        if name not in _WRITABLE:
            raise errors.InvalidItem(MODEL, f"unknown field {name!r}")
        if name in ("contacts", "employees"):
            value = sorted({int(v) for v in value or ()})
        elif name == "exceptions":
            days = sorted(d if isinstance(d, date) else date.fromisoformat(str(d))
                          for d in value or ())
            value = "\n".join(d.isoformat() for d in days) or None
        elif name == "repeating_type":
            value = value or None
        elif name == "repeating_expires" and isinstance(value, str):
            value = date.fromisoformat(value)
        elif name in ("all_day", *_BOOLEANS):
            value = bool(value)
        elif isinstance(value, Enum):
            value = value.value
        values[name] = _naive_utc(value)
    return values


def new_activity_values(item: NewActivity) -> dict[str, Any]:
    extra = {k: v for k, v in item.extra.items() if k not in _READ_ONLY}
    values = values_from_fields({**item.fields, **extra})
    values["integration_id"] = item.integration_id or None
    values["origin"] = str(item.origin)
    if item.owner is not None:
        values["owner"] = item.owner
    if item.employees:
        values["employees"] = sorted(set(item.employees))
    return values


class TrytonConnector:
    """The Connector protocol against Tryton, signed in as the rep."""

    name = SERVER

    def __init__(self, url: str, database: str, username: str, password: str,
                 verify_tls: bool = True, ca_bundle: str = "", timeout: float = 30) -> None:
        verify: bool | str = ca_bundle if (verify_tls and ca_bundle) else verify_tls
        self.rpc = TrytonRpc(url, database, username, password, verify=verify, timeout=timeout)
        self.identity: Identity | None = None

    @property
    def request_count(self) -> int:
        return self.rpc.request_count

    def _call(self, method: str, *params: Any, context: Mapping[str, Any] | None = None) -> Any:
        return self.rpc.model(MODEL, method, *params, context=context)

    def login(self, known: Identity | None = None) -> Identity:
        """Sign in (one request); read who the rep is unless `known` is her."""
        user_id = self.rpc.login()
        if known is not None and (known.user_id, known.login) == (user_id, self.rpc.username):
            self.identity = known
            return known
        prefs = self.rpc.model("res.user", "get_preferences", False)
        employee = prefs.get("employee") or None
        emails: tuple[str, ...] = ()
        if employee:
            emails = self._employee_emails(int(employee))
        self.identity = Identity(
            user_id=user_id, login=self.rpc.username, name=prefs.get("name") or "",
            employee_id=employee, employee_ids=tuple(prefs.get("employees") or ()),
            emails=emails)
        return self.identity

    def _employee_emails(self, employee: int) -> tuple[str, ...]:
        found = self.rpc.model("company.employee", "read", [employee], ["party"])
        if not found:
            return ()
        rows = self.rpc.model("party.contact_mechanism", "search_read", [
            ("type", "=", "email"), ("party", "=", found[0]["party"])],
            0, None, [("sequence", "ASC"), ("id", "ASC")], ["value"])
        return tuple(str(r["value"]).strip().lower() for r in rows if r.get("value"))

    def changes(self, watermark: str | None) -> ChangeFeed:
        since = datetime.fromisoformat(watermark) if watermark else None
        result = self._call("changes", since)
        records = [record_from_row(row) for row in result["records"]]
        mark = (result["server_time"] - WATERMARK_OVERLAP).isoformat()
        return ChangeFeed(records=records, deleted=sorted(result["deleted"]), watermark=mark)

    def _search(self, domain: list[Any], limit: int | None = None) -> list[CrmRecord]:
        return [record_from_row(row) for row in self._call("sync_search", domain, limit)]

    def find_by_integration_id(self, integration_id: str, owner: int | None) -> CrmRecord | None:
        domain: list[Any] = [("integration_id", "=", integration_id)]
        if owner is not None:
            domain.append(("owner", "=", owner))
        found = self._search(domain, 1)
        return found[0] if found else None

    def find_by_subject(self, description: str, planned_start: datetime | None,
                        owner: int | None) -> CrmRecord | None:
        domain: list[Any] = [("description", "=", description),
                             ("planned_start", "=", _naive_utc(planned_start))]
        if owner is not None:
            domain.append(("owner", "=", owner))
        found = self._search(domain, 1)
        return found[0] if found else None

    def create(self, items: Sequence[NewActivity]) -> list[CrmRecord]:
        if not items:
            return []
        rows = self._call("sync_create", [new_activity_values(item) for item in items])
        return [record_from_row(row) for row in rows]

    def write(self, record_id: int, changes: Fields, timestamp: str,
              integration_id: str | None = None) -> CrmRecord:
        values = values_from_fields(changes)
        if integration_id is not None:
            values["integration_id"] = integration_id or None
        context = {"_timestamp": {f"{MODEL},{record_id}": timestamp}} if timestamp else {}
        try:
            rows = self._call("sync_write", [record_id], values, context=context)
        except errors.StaleWrite:
            raise errors.StaleWrite(SERVER, record_id) from None
        except (errors.AccessDenied, errors.ServerError):
            if not self.read([record_id]):
                raise errors.NotFound(SERVER, record_id) from None
            raise
        if not rows:
            raise errors.NotFound(SERVER, record_id)
        return record_from_row(rows[0])

    def read(self, ids: Sequence[int]) -> list[CrmRecord]:
        if not ids:
            return []
        return self._search([("id", "in", sorted(set(ids)))])

    def delete(self, ids: Sequence[int]) -> None:
        ids = sorted(set(ids))
        if not ids:
            return
        try:
            self._call("delete", ids)
        except (errors.AccessDenied, errors.ServerError):
            # Some may be gone already: delete those still there, once.
            present = [r.id for r in self.read(ids)]
            if present == ids:
                raise
            if present:
                self._call("delete", present)

    def leave_team(self, record_id: int) -> None:
        self._call("leave_team", [record_id])

    def references(self) -> list[Reference]:
        employees = self.rpc.model("company.employee", "search_read", [], 0, None,
                                   [("id", "ASC")], ["rec_name", "party", "party.email"])
        companies = self.rpc.model("company.company", "search_read", [], 0, None, None, ["party"])
        skip = {e["party"] for e in employees} | {c["party"] for c in companies}
        parties = self.rpc.model("party.party", "search_read", [("id", "not in", sorted(skip))],
                                 0, None, [("name", "ASC"), ("id", "ASC")], ["rec_name", "email"])
        refs = [Reference("employee", e["id"], e["rec_name"], _email(e.get("party.")))
                for e in employees]
        refs += [Reference("account", p["id"], p["rec_name"]) for p in parties]
        refs += [Reference("contact", p["id"], p["rec_name"], _email(p))
                 for p in parties if p.get("email")]
        return refs + self._opportunities()

    def _opportunities(self) -> list[Reference]:
        try:
            rows = self.rpc.model("sale.opportunity", "search_read", [], 0, None,
                                  [("id", "ASC")], ["rec_name", "description", "party.rec_name"])
        except (errors.ServerError, errors.AccessDenied):
            return []  # sale_opportunity is optional on the server
        return [Reference("opportunity", r["id"], r.get("description") or r["rec_name"],
                          detail=(r.get("party.") or {}).get("rec_name") or "") for r in rows]

    def record_url(self, record_id: int) -> str:
        return self.url_for(self.rpc.url, self.rpc.database, record_id)

    @staticmethod
    def url_for(url: str, database: str, record_id: int) -> str:
        """The tryton:// URL that opens the activity in Tryton's own client."""
        host = urlsplit(url).netloc
        return f"tryton://{host}/{database}/model/{MODEL}/{record_id}"


def _email(row: Mapping[str, Any] | None) -> str:
    return str((row or {}).get("email") or "").strip().lower()

"""The Connector for Tryton 8.2 with crmdesk's crm_activity module (server/).

Speaks Tryton's JSON-RPC through crmdesk.crm.tryton_rpc (one signed-in
session).  Each sync operation is one request: the server module answers
creates, writes and searches with the same rows as its change feed.  Tryton
values (naive UTC datetimes, 0/1 booleans, ids) are turned into normalized
`Fields` here and nowhere else.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from enum import Enum
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from crmdesk import errors
from crmdesk.crm.base import ChangeFeed, NewActivity
from crmdesk.crm.tryton_rpc import SERVER, TrytonRpc, decode_value, encode_value
from crmdesk.traffic import Traffic
from crmdesk.model import ALL_FIELDS, CrmRecord, Fields, Identity, Origin, Reference
from crmdesk.model import normalize_fields

__all__ = ["TrytonConnector", "TrytonRpc", "decode_value", "encode_value",
           "record_from_row", "values_from_fields", "new_activity_values"]

MODEL = "crm.activity"
# The feed's next `since` is this much before the server's clock, so that
# rows stamped by transactions still running during a read come again.
WATERMARK_OVERLAP = timedelta(minutes=2)
BATCH = 500          # ids per request: well under SQLite's bound-variable limit
EXTRA_FIELDS = ("needs_review", "review_reason", "repeating", "repeating_type",
                "repeating_expires", "exceptions", "series", "company")
_WRITABLE = frozenset(ALL_FIELDS) | frozenset(EXTRA_FIELDS) | {"owner", "employees"}
_READ_ONLY = ("create_date", "write_date")  # in CrmRecord.extra, never sent
_BOOLEANS = ("needs_review", "repeating")


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
    def traffic(self) -> Traffic:
        return self.rpc.traffic

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

    def find_by_integration_ids(self, integration_ids: Sequence[str],
                                owner: int | None) -> dict[str, CrmRecord]:
        """Natural key 1 for many items: one request per BATCH ids (rule 2)."""
        found: dict[str, CrmRecord] = {}
        for chunk in _chunks(sorted(set(integration_ids)), BATCH):
            domain: list[Any] = [("integration_id", "in", chunk)]
            if owner is not None:
                domain.append(("owner", "=", owner))
            for record in self._search(domain):
                found.setdefault(record.integration_id, record)
        return found

    def find_by_subjects(self, keys: Sequence[tuple[str, datetime | None]],
                         owner: int | None) -> dict[tuple[str, datetime | None], CrmRecord]:
        """Natural key 2 for many items: search by subject, match the start here."""
        wanted = set(keys)
        found: dict[tuple[str, datetime | None], CrmRecord] = {}
        for chunk in _chunks(sorted({d for d, _ in wanted}), BATCH):
            domain: list[Any] = [("description", "in", chunk)]
            if owner is not None:
                domain.append(("owner", "=", owner))
            for record in self._search(domain):
                key = (record.fields.get("description", ""), record.fields.get("planned_start"))
                if key in wanted:
                    found.setdefault(key, record)
        return found

    def write_integration_ids(self, items: Sequence[tuple[int, str, str]]) -> list[CrmRecord]:
        """Rule 1 write-back for many records (id, uid, timestamp): two requests
        per BATCH; a stale record makes its batch fall back to one by one."""
        written: list[CrmRecord] = []
        for chunk in _chunks(list(items), BATCH):
            args: list[Any] = []
            for record_id, uid, _ in chunk:
                args += [[record_id], {"integration_id": uid or None}]
            stamps = {f"{MODEL},{rid}": ts for rid, _, ts in chunk if ts}
            try:
                self._call("write", *args, context={"_timestamp": stamps})
            except errors.StaleWrite:
                written += [self.write(rid, {}, ts, uid) for rid, uid, ts in chunk]
                continue
            written += self.read([rid for rid, _, _ in chunk])
        return written

    def create(self, items: Sequence[NewActivity]) -> list[CrmRecord]:
        created: list[CrmRecord] = []
        for chunk in _chunks(list(items), BATCH):
            rows = self._call("sync_create", [new_activity_values(item) for item in chunk])
            created += [record_from_row(row) for row in rows]
        return created

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

    def join_shared(self, integration_id: str, organizer_email: str) -> CrmRecord | None:
        """Join the team of the organizer's activity for this UID (one request).

        The server checks that the owner's party has `organizer_email` and
        answers None, changing nothing, when no activity matches.
        """
        if not integration_id or not organizer_email:
            return None
        row = self._call("join_shared", integration_id, organizer_email)
        return record_from_row(row) if row else None

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


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]

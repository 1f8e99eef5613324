"""The Connector for Tryton 8.2 with crmdesk's crm_activity module (server/).

Speaks Tryton's JSON-RPC through crmdesk.crm.tryton_rpc (one signed-in
session, kept while this object lives: reuse the connector and a sync with
no change signs in no more).  Each sync operation is one request: the server
module answers creates, writes and searches with the same rows as its change
feed.  Tryton values (naive UTC datetimes, 0/1 booleans, ids) are checked and
turned into normalized `Fields` in crm.tryton_rows and nowhere else; a row
that doesn't fit is skipped from the change feed with its reason.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from enum import Enum
from typing import Any, Mapping, Sequence
from urllib.parse import urlsplit

from crmdesk import errors
from crmdesk.crm.base import ChangeFeed, NewActivity
from crmdesk.crm.tryton_people import references_from_lookups, reference_from_row, resolved_from
from crmdesk.crm.tryton_rows import MODEL, record_from_row
from crmdesk.crm.tryton_rpc import SERVER, TrytonRpc, decode_value, encode_value
from crmdesk.retry import RetryPolicy
from crmdesk.traffic import Traffic
from crmdesk.transport import TlsOptions
from crmdesk.model import COLUMN_FIELDS, CrmRecord, Fields, Identity, Reference
from crmdesk.model.activity import norm_address, norm_addresses

__all__ = ["TrytonConnector", "TrytonRpc", "decode_value", "encode_value",
           "record_from_row", "values_from_fields", "new_activity_values"]

# The feed's next `since` is this much before the server's clock, so that
# rows stamped by transactions still running during a read come again.
WATERMARK_OVERLAP = timedelta(minutes=2)
BATCH = 500          # ids per request: well under SQLite's bound-variable limit
EXTRA_FIELDS = ("needs_review", "review_reason", "repeating", "repeating_type",
                "repeating_expires", "exceptions", "series", "company", "recurrence_id")
_WRITABLE = frozenset(COLUMN_FIELDS) | frozenset(EXTRA_FIELDS) | {"owner", "employees"}
_READ_ONLY = ("create_date", "write_date")  # in CrmRecord.extra, never sent
_BOOLEANS = ("needs_review", "repeating")


def _naive_utc(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(timezone.utc).replace(tzinfo=None)
    return value


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
        elif name in ("repeating_type", "message_id"):
            value = value or None
        elif name == "attendees":
            value = "\n".join(norm_addresses(value)) or None
        elif name == "recurrence_id" and isinstance(value, str):
            value = datetime.fromisoformat(value)
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
                 verify_tls: bool = True, ca_bundle: str = "", timeout: float = 30,
                 client_cert: str = "", client_key: str = "",
                 retry: RetryPolicy | None = None) -> None:
        tls = TlsOptions.from_settings(verify_tls, ca_bundle, client_cert, client_key)
        self.rpc = TrytonRpc(url, database, username, password, tls=tls, timeout=timeout,
                             retry=retry)
        self.identity: Identity | None = None
        # The rep's zone: an all-day activity whose times are not 00:00 UTC
        # is dated in it (see record_from_row).
        self.zone: tzinfo = timezone.utc

    @property
    def traffic(self) -> Traffic:
        return self.rpc.traffic

    def close(self) -> None:
        """Close the connections (the server ends the session after its timeout)."""
        self.rpc.forget_session()
        self.rpc.session.close()

    @property
    def request_count(self) -> int:
        return self.rpc.request_count

    def _call(self, method: str, *params: Any, context: Mapping[str, Any] | None = None) -> Any:
        return self.rpc.model(MODEL, method, *params, context=context)

    def login(self, known: Identity | None = None) -> Identity:
        """Sign in, unless this connector's session is still open; read who the
        rep is unless `known` is her.  With a kept session and `known`, no
        request at all: a session the server has dropped meanwhile costs one
        new sign-in at the next call (tryton_rpc)."""
        if not self.rpc.signed_in:
            self.rpc.login()
        user_id = self.rpc.user_id
        if known is not None and (known.user_id, known.login) == (user_id, self.rpc.username):
            self.identity = known
            return known
        prefs = self.rpc.model("res.user", "get_preferences", False)
        if not isinstance(prefs, dict):
            raise self._garbage("get_preferences")
        employee = prefs.get("employee") or None
        if employee is not None and not _is_id(employee):
            raise self._garbage("get_preferences")
        emails: tuple[str, ...] = ()
        if employee:
            emails = self._employee_emails(int(employee))
        company = prefs.get("company")
        self.identity = Identity(
            user_id=user_id or 0, login=self.rpc.username, name=str(prefs.get("name") or ""),
            employee_id=employee,
            employee_ids=tuple(e for e in prefs.get("employees") or () if _is_id(e)),
            emails=emails,
            generic_owner=self._generic_owner(company) if _is_id(company) else None)
        return self.identity

    def _generic_owner(self, company: int) -> int | None:
        """The company's Generic Owner employee (rule 14)."""
        rows = _dicts(self.rpc.model("company.company", "read", [company], ["crm_generic_owner"]))
        owner = rows[0].get("crm_generic_owner") if rows else None
        return owner if _is_id(owner) else None

    def _garbage(self, what: str) -> errors.ServerError:
        return errors.ServerError(SERVER, self.rpc.url, 200, f"unexpected answer to {what}")

    def _employee_emails(self, employee: int) -> tuple[str, ...]:
        found = self.rpc.model("company.employee", "read", [employee], ["party"])
        if not found or not isinstance(found[0], dict) or not _is_id(found[0].get("party")):
            return ()
        rows = self.rpc.model("party.contact_mechanism", "search_read", [
            ("type", "=", "email"), ("party", "=", found[0]["party"])],
            0, None, [("sequence", "ASC"), ("id", "ASC")], ["value"])
        return tuple(str(r["value"]).strip().lower() for r in _dicts(rows)
                     if isinstance(r.get("value"), str) and r["value"].strip())

    def changes(self, watermark: str | None) -> ChangeFeed:
        """The change feed.  A row that doesn't fit is left out and named in
        `invalid`; then the watermark stays where it was, so that the row
        comes again (and its edit is not lost) once the server sends it right."""
        since = datetime.fromisoformat(watermark) if watermark else None
        result = self._call("changes", since)
        if not isinstance(result, dict) or not isinstance(result.get("records"), list) \
                or not isinstance(result.get("deleted"), list) \
                or not isinstance(result.get("server_time"), datetime) \
                or not all(_is_id(i) for i in result["deleted"]):
            raise self._garbage("changes")
        records, invalid = [], []
        for row in result["records"]:
            try:
                records.append(record_from_row(row, self.zone))
            except errors.InvalidItem as exc:
                invalid.append((str(exc.key), exc.detail))
        mark = (result["server_time"] - WATERMARK_OVERLAP).isoformat()
        return ChangeFeed(records=records, deleted=sorted(result["deleted"]),
                          watermark=(watermark or "") if invalid else mark, invalid=invalid)

    def _search(self, domain: list[Any], limit: int | None = None) -> list[CrmRecord]:
        """Rows of a search; one that doesn't fit fails the whole call (InvalidItem):
        leaving it out would read as "not there" and could make a duplicate."""
        rows = self._call("sync_search", domain, limit)
        if not isinstance(rows, list):
            raise self._garbage("sync_search")
        return [record_from_row(row, self.zone) for row in rows]

    def find_by_integration_id(self, integration_id: str, owner: int | None) -> CrmRecord | None:
        """Natural key 1 (rule 2): a series or single activity, never a moved
        occurrence, which carries the same integration id as its series."""
        domain: list[Any] = [("integration_id", "=", integration_id), ("series", "=", None)]
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
        """Natural key 1 for many items: one request per BATCH ids (rule 2);
        moved occurrences (rule 17) are left out, as in find_by_integration_id."""
        found: dict[str, CrmRecord] = {}
        for chunk in _chunks(sorted(set(integration_ids)), BATCH):
            domain: list[Any] = [("integration_id", "in", chunk), ("series", "=", None)]
            if owner is not None:
                domain.append(("owner", "=", owner))
            for record in self._search(domain):
                found.setdefault(record.integration_id, record)
        return found

    def find_occurrences(self, series_ids: Sequence[int]) -> list[CrmRecord]:
        """The visible moved occurrences (rule 17) of these series, oldest first:
        one request per BATCH series ids."""
        found: list[CrmRecord] = []
        for chunk in _chunks(sorted(set(series_ids)), BATCH):
            found += self._search([("series", "in", chunk)])
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
            if not isinstance(rows, list) or len(rows) != len(chunk):
                raise self._garbage("sync_create")
            created += [record_from_row(row, self.zone) for row in rows]
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
        if not isinstance(rows, list):
            raise self._garbage("sync_write")
        return record_from_row(rows[0], self.zone)

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

    def join_shared(self, integration_id: str, organizer_email: str,
                    recurrence_id: datetime | None = None) -> CrmRecord | None:
        """Join the team of the organizer's activity for this UID (one request):
        its series, or with `recurrence_id` (naive: UTC) its moved occurrence
        replacing that instant (rule 17), sent as naive UTC ISO text.

        The server checks that the owner's party has `organizer_email` and
        answers None, changing nothing, when no activity matches.
        """
        if not integration_id or not organizer_email:
            return None
        params: list[Any] = [integration_id, organizer_email]
        if recurrence_id is not None:
            params.append(_naive_utc(recurrence_id).isoformat())
        row = self._call("join_shared", *params)
        return record_from_row(row, self.zone) if row else None

    def references(self) -> list[Reference]:
        """The pickers' records in one request: the company's employees, and the
        rep's accounts, contacts and opportunities, complete (hers: editable) or
        incomplete (only referred to by her records: read-only)."""
        refs = references_from_lookups(self._call("lookups"))
        if refs is None:
            raise self._garbage("lookups")
        return refs

    def resolve_addresses(self, addresses: Sequence[str]) -> dict[str, list[Reference]]:
        """Employees and contacts per e-mail address (any case), one request per
        BATCH addresses; the keys are the addresses normalized (lower case)."""
        wanted = sorted({a for a in (norm_address(x) for x in addresses) if a})
        found: dict[str, list[Reference]] = {}
        for chunk in _chunks(wanted, BATCH):
            part = resolved_from(self._call("resolve_addresses", chunk), chunk)
            if part is None:
                raise self._garbage("resolve_addresses")
            found.update(part)
        return found

    def create_contact(self, name: str, email: str, account: int | None) -> Reference:
        """A new contact with this e-mail, working for `account` (one request)."""
        row = self._call("create_contact", name, email, account)
        return self._reference("contact", row, "create_contact")

    def update_reference(self, kind: str, ref_id: int, name: str | None = None,
                         email: str | None = None) -> Reference:
        """Change the name and/or e-mail of one of the rep's contacts or accounts;
        AccessDenied (with the server's words) for one that is not hers."""
        values = {k: v for k, v in (("name", name), ("email", email)) if v is not None}
        row = self._call("update_reference", kind, ref_id, values)
        return self._reference(kind, row, "update_reference")

    def _reference(self, kind: str, row: Any, what: str) -> Reference:
        ref = reference_from_row(kind, row)
        if ref is None:
            raise self._garbage(what)
        return ref

    def record_url(self, record_id: int) -> str:
        return self.url_for(self.rpc.url, self.rpc.database, record_id)

    @staticmethod
    def url_for(url: str, database: str, record_id: int) -> str:
        """The tryton:// URL that opens the activity in Tryton's own client."""
        host = urlsplit(url).netloc
        return f"tryton://{host}/{database}/model/{MODEL}/{record_id}"


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _dicts(rows: Any) -> list[dict[str, Any]]:
    return [r for r in rows if isinstance(r, dict)] if isinstance(rows, list) else []


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]

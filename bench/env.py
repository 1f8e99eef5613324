"""The bench's servers and raw floors: Radicale (and Xandikos) + Tryton on 127.0.0.1.

Everything crmdesk does is measured through its public API (AppService,
the CLI); everything a baseline does is done here with plain HTTP or plain
JSON-RPC, so that a floor never shares crmdesk's code paths.
"""

from __future__ import annotations

import base64
import json
import os
import re
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence
from urllib.parse import urlsplit
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import requests

from crmdesk.crm.tryton import TrytonConnector
from crmdesk.devservers.caldav import DevServer, RadicaleServer, XandikosServer
from crmdesk.devservers.tryton import TrytonAdmin, TrytonServer
from crmdesk.model.activity import normalize_fields
from crmdesk.pim import ical
from crmdesk.service import AppService
from crmdesk.settings import Profile, Settings

CAL_USER = "rep"
CAL_PASSWORD = "bench-caldav-Pw-1"
REP_PASSWORD = "Bench-Rep-Pw-2024-x9!"   # every bench rep has it (see passwords())
DAV = "{DAV:}"

_START = time.monotonic()


def log(message: str) -> None:
    """A progress line on stderr, with the time since the bench started."""
    print(f"[{time.monotonic() - _START:7.1f}s] {message}", file=sys.stderr, flush=True)


def timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def passwords() -> None:
    """crmdesk reads passwords from the environment when there is no keyring:
    every bench rep shares one CRM password and one calendar account."""
    os.environ["CRMDESK_CRM_PASSWORD"] = REP_PASSWORD
    os.environ["CRMDESK_CALDAV_PASSWORD"] = CAL_PASSWORD


# -- the items ----------------------------------------------------------------

BASE_DAY = datetime.now(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
_COMMENT = ("Agenda: review the open quote, next quarter's volumes and the service "
            "contract renewal. Bring the latest price list.")


def item_fields(i: int, tag: str) -> dict[str, Any]:
    """Normalized fields of bench item `i`: unique subject, inside the sync window."""
    start = BASE_DAY + timedelta(days=1 + i % 170, hours=7 + (i // 170) % 11,
                                 minutes=15 * ((i // 1870) % 4))
    return normalize_fields({
        "description": f"{tag} meeting {i:05d}", "comment": _COMMENT,
        "location": f"Customer site, room {i % 40}", "planned_start": start,
        "planned_end": start + timedelta(minutes=45)})


def tryton_values(fields: dict[str, Any], employee: int, **extra: Any) -> dict[str, Any]:
    """Values for crm.activity.sync_create (naive UTC datetimes) owned by `employee`."""
    values = {k: (v.astimezone(timezone.utc).replace(tzinfo=None)
                  if isinstance(v, datetime) else v)
              for k, v in fields.items() if k in ("description", "comment", "location",
                                                  "planned_start", "planned_end")}
    values.update(owner=employee, employees=[employee], origin="crm", type="meeting",
                  display_in="calendar")
    values.update(extra)
    return values


def rendered(n: int, tag: str, uid_prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(uid, iCalendar text, fields) of n items rendered as crmdesk renders a new one."""
    out = []
    for i in range(n):
        uid = f"{uid_prefix}-{i:05d}-{uuid.uuid4().hex[:8]}"
        fields = item_fields(i, tag)
        out.append((uid, ical.render_new(uid, "VEVENT", fields), fields))
    return out


# -- the servers --------------------------------------------------------------

@dataclass
class BenchRep:
    login: str
    employee_id: int
    connector: TrytonConnector


class BenchEnv:
    """One Radicale (+ optional Xandikos) and one Tryton for the whole run."""

    def __init__(self, workdir: Path, xandikos: bool = False) -> None:
        self.workdir = workdir
        self.radicale = RadicaleServer(workdir / "radicale", {CAL_USER: CAL_PASSWORD})
        self.xandikos = XandikosServer(workdir / "xandikos") if xandikos else None
        self.tryton = TrytonServer(workdir / "tryton")
        self.admin: TrytonAdmin | None = None
        self._serial = 0

    def start(self) -> None:
        log("starting Radicale on 127.0.0.1")
        self.radicale.start()
        if self.xandikos is not None:
            log("starting Xandikos on 127.0.0.1")
            self.xandikos.start()
        log("starting Tryton on 127.0.0.1 (the template database is built once, ~15 s)")
        self.tryton.start(timeout=120)
        self.admin = self.tryton.admin()
        self.admin.setup_company()
        passwords()

    def stop(self) -> None:
        for server in (self.radicale, self.xandikos):
            if server is not None:
                server.stop()
        self.tryton.stop()

    def __enter__(self) -> BenchEnv:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def unique(self, label: str) -> str:
        self._serial += 1
        return f"{label}-{self._serial}-{uuid.uuid4().hex[:6]}"

    # -- CRM --------------------------------------------------------------
    def new_rep(self, label: str) -> BenchRep:
        assert self.admin is not None
        login = self.unique(label)
        rep = self.admin.create_rep(login, REP_PASSWORD, login.title(),
                                    f"{login}@reps.example.com")
        return BenchRep(login, rep.employee_id, self.tryton.connector(login, REP_PASSWORD))

    def http_timer(self) -> HttpTimer:
        ports = {self.radicale.port: "calendar", self.tryton.port: "crm"}
        if self.xandikos is not None:
            ports[self.xandikos.port] = "calendar"
        return HttpTimer(ports)

    def raw_crm(self, rep: BenchRep) -> RawTryton:
        return RawTryton(self.tryton.url, self.tryton.database, rep.login, REP_PASSWORD)

    def create_activities(self, values: list[dict[str, Any]]) -> list[int]:
        """As the administrator, in one batched call (the CRM's own planning)."""
        assert self.admin is not None
        return self.admin.create_activities(values)

    # -- calendar ---------------------------------------------------------
    def server(self, name: str = "radicale") -> DevServer:
        server = self.xandikos if name == "xandikos" else self.radicale
        assert server is not None, name
        return server

    def new_collection(self, label: str, server: str = "radicale") -> str:
        name = self.unique(label)
        return self.server(server).make_calendar(CAL_USER, CAL_PASSWORD, name, name)

    def seed(self, calendar_url: str, icals: Sequence[str], server: str = "radicale") -> None:
        """Fill a collection fast: Radicale takes one PUT of the whole collection."""
        self.server(server).seed(CAL_USER, CAL_PASSWORD, calendar_url, icals)

    def session(self, server: str = "radicale") -> requests.Session:
        return self.server(server).session(CAL_USER, CAL_PASSWORD)

    # -- crmdesk ----------------------------------------------------------
    def profile(self, rep: BenchRep, calendar_url: str, label: str,
                server: str = "radicale", share_new_items: bool = False) -> AppService:
        """A rep's crmdesk profile wired to the bench servers (passwords: env)."""
        settings = Settings()
        settings.sync.share_new_items = share_new_items
        settings.crm.url, settings.crm.database = self.tryton.url, self.tryton.database
        settings.crm.username = rep.login
        settings.calendar.url = self.server(server).url
        settings.calendar.username = CAL_USER
        settings.calendar.calendar = calendar_url
        app = AppService(Profile.at(self.workdir / "profiles" / self.unique(label)))
        app.save_settings(settings)
        return app


# -- where a crmdesk sync spends its time ------------------------------------------

class HttpTimer:
    """Time spent inside requests' Session.send, per server, while active.

    Both of crmdesk's clients use `requests`; wrapping `Session.send` in the
    bench process splits a sync's wall time into waiting on each server and
    crmdesk's own work (the engine's phases mix the two)."""

    def __init__(self, ports: dict[int, str]) -> None:
        self.ports = ports
        self.wait: dict[str, float] = {name: 0.0 for name in ports.values()}
        self.count: dict[str, int] = {name: 0 for name in ports.values()}
        self._original: Any = None

    def __enter__(self) -> HttpTimer:
        original = self._original = requests.Session.send
        timer = self

        def send(session: requests.Session, request: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(session, request, **kwargs)
            finally:
                name = timer.ports.get(urlsplit(request.url).port or 0, "other")
                timer.wait[name] = timer.wait.get(name, 0.0) + time.perf_counter() - started
                timer.count[name] = timer.count.get(name, 0) + 1

        requests.Session.send = send  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        requests.Session.send = self._original  # type: ignore[method-assign]


# -- raw CalDAV floors ----------------------------------------------------------

_SYNC = ('<?xml version="1.0" encoding="utf-8"?><D:sync-collection xmlns:D="DAV:">'
         "<D:sync-token>{token}</D:sync-token><D:sync-level>1</D:sync-level>"
         "<D:prop><D:getetag/></D:prop></D:sync-collection>")
_MULTIGET = ('<?xml version="1.0" encoding="utf-8"?><C:calendar-multiget xmlns:D="DAV:" '
             'xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop><D:getetag/><C:calendar-data/>'
             "</D:prop>{hrefs}</C:calendar-multiget>")


def put_loop(session: requests.Session, calendar_url: str,
             items: Iterable[tuple[str, str]]) -> float:
    """The raw PUT floor: one plain If-None-Match PUT per item, in order; seconds."""
    started = time.perf_counter()
    for uid, text in items:
        resp = session.put(f"{calendar_url}{uid}.ics", data=text.encode("utf-8"), timeout=120,
                           headers={"Content-Type": "text/calendar; charset=utf-8",
                                    "If-None-Match": "*"})
        if resp.status_code not in (201, 204):
            raise RuntimeError(f"floor PUT answered {resp.status_code}")
    return time.perf_counter() - started


def put_updates(session: requests.Session, server_url: str,
                items: Iterable[tuple[str, str]]) -> float:
    """Plain PUTs of (href, text) over existing objects; seconds."""
    started = time.perf_counter()
    for href, text in items:
        resp = session.put(server_url.rstrip("/") + href, data=text.encode("utf-8"),
                           timeout=120, headers={"Content-Type": "text/calendar; charset=utf-8"})
        if resp.status_code not in (200, 201, 204):
            raise RuntimeError(f"floor PUT answered {resp.status_code}")
    return time.perf_counter() - started


def sync_report(session: requests.Session, calendar_url: str,
                token: str = "") -> tuple[str, list[str], float]:
    """One sync-collection REPORT: (new token, listed hrefs, seconds)."""
    started = time.perf_counter()
    resp = session.request("REPORT", calendar_url, data=_SYNC.format(token=escape(token)),
                           headers={"Depth": "0", "Content-Type": "application/xml"},
                           timeout=120)
    seconds = time.perf_counter() - started
    if resp.status_code != 207:
        raise RuntimeError(f"sync REPORT answered {resp.status_code}")
    root = ElementTree.fromstring(resp.content)
    hrefs = [h for h in (r.findtext(DAV + "href") or "" for r in root.findall(DAV + "response"))
             if h and not h.endswith("/")]
    return (root.findtext(DAV + "sync-token") or "").strip(), hrefs, seconds


def multiget(session: requests.Session, calendar_url: str, hrefs: Sequence[str]) -> float:
    """One calendar-multiget of every href (no chunking); seconds."""
    body = _MULTIGET.format(hrefs="".join(f"<D:href>{escape(h)}</D:href>" for h in hrefs))
    started = time.perf_counter()
    resp = session.request("REPORT", calendar_url, data=body.encode("utf-8"), timeout=300,
                           headers={"Depth": "1", "Content-Type": "application/xml"})
    seconds = time.perf_counter() - started
    if resp.status_code != 207:
        raise RuntimeError(f"multiget answered {resp.status_code}")
    found = resp.content.count(b"BEGIN:VCALENDAR")
    if found != len(hrefs):
        raise RuntimeError(f"multiget returned {found} of {len(hrefs)} objects")
    return seconds


class RawTryton:
    """Plain JSON-RPC to Tryton (no crmdesk code): the CRM side of the floors."""

    def __init__(self, url: str, database: str, login: str, password: str) -> None:
        self.endpoint = f"{url.rstrip('/')}/{database}/rpc/"
        self.login_name, self.password = login, password
        self.http = requests.Session()
        self.http.trust_env = False
        self._auth = ""

    def _post(self, method: str, params: list[Any]) -> Any:
        headers = {"Content-Type": "application/json"}
        if self._auth:
            headers["Authorization"] = self._auth
        body = json.dumps({"id": 1, "method": method, "params": params}, default=_wire)
        resp = self.http.post(self.endpoint, data=body, headers=headers, timeout=300)
        resp.raise_for_status()
        data = json.loads(resp.content, object_hook=_unwire)
        if data.get("error"):
            raise RuntimeError(f"{method}: {str(data['error'])[:300]}")
        if method == "common.db.login":
            user_id, key = data["result"][0], data["result"][1]
            token = base64.b64encode(f"{self.login_name}:{user_id}:{key}".encode()).decode()
            self._auth = f"Session {token}"
        return data["result"]

    def login(self) -> float:
        """One password login (what every crmdesk sync starts with); seconds."""
        started = time.perf_counter()
        self._post("common.db.login", [self.login_name, {"password": self.password}, "en"])
        return time.perf_counter() - started

    def call(self, model: str, method: str, *params: Any) -> tuple[Any, float]:
        """One model call with an empty context; (result, seconds)."""
        started = time.perf_counter()
        result = self._post(f"model.{model}.{method}", [*params, {}])
        return result, time.perf_counter() - started


def _wire(value: Any) -> Any:
    """Tryton's JSON form of a (naive UTC) datetime."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return {"__class__": "datetime", "year": value.year, "month": value.month,
                "day": value.day, "hour": value.hour, "minute": value.minute,
                "second": value.second, "microsecond": value.microsecond}
    raise TypeError(f"can't send {type(value).__name__}")


def _unwire(obj: dict[str, Any]) -> Any:
    if obj.get("__class__") == "datetime":
        return datetime(obj["year"], obj["month"], obj["day"], obj["hour"], obj["minute"],
                        obj["second"], obj.get("microsecond", 0))
    return obj


def path_of(url: str) -> str:
    return urlsplit(url).path


def edited(raw: str, new_summary: str) -> str:
    """The object with another SUMMARY, as a phone's edit would send it."""
    text = re.sub(r"^SUMMARY:.*?(\r?\n(?![ \t]))", lambda m: f"SUMMARY:{new_summary}"
                  + m.group(1), raw, count=1, flags=re.M | re.S)
    if text == raw:
        raise ValueError("no SUMMARY to edit")
    return text


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version
    out = {"python": sys.version.split()[0]}
    for name in ("crmdesk", "radicale", "xandikos", "trytond", "vdirsyncer", "icalendar",
                 "requests"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out

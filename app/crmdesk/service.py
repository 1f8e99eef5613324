"""The application service: the one API the GUI and the CLI call.

It owns the profile (settings + store) and builds connectors from settings.
The GUI calls `sync()` from a worker thread only; everything else is quick
local work on the store (or, for the `test_*` methods, one network check
that the GUI also runs off the GUI thread).
"""

from __future__ import annotations

import threading
from dataclasses import astuple
from typing import Any, Callable
from datetime import datetime, tzinfo

from crmdesk.crm.tryton import TrytonConnector
from crmdesk.errors import SettingsError, UserError
from crmdesk.model import Reference
from crmdesk.model.recurrence import Start
from crmdesk.model.series import SeriesWrite
from crmdesk.settings.zone import rep_zone
from crmdesk.pim import ical, ical_occurrences
from crmdesk.pim.base import CalendarInfo
from crmdesk.pim.caldav import CalDavClient
from crmdesk.service_items import ItemService
from crmdesk.service_mail import MailService
from crmdesk.service_refs import RefService
from crmdesk.service_review import ReviewService
from crmdesk.service_types import (ConflictView, ItemView, ProgressCallback, ShareState,
                                   Status)
from crmdesk.settings import CalendarSettings, CrmSettings, Profile, Settings
from crmdesk.settings import load_settings, save_settings
from crmdesk.settings.secrets import get_password, store_password
from crmdesk.store import Store, StoreRecovered
from crmdesk.sync import engine
from crmdesk.sync.actions import Action
from crmdesk.sync.report import CancelToken, Progress, SyncReport
from crmdesk.model import Identity
from crmdesk.sync.report import ReportEntry, SideCounts
from crmdesk.uninstall import (UninstallPlan, UninstallReport, delete_crm_items,
                                plan_uninstall, remove_local)


class ServiceApi:
    """The methods the GUI relies on (implemented by `AppService`).

    Every method raises only crmdesk.errors types; `ui/errors.py` turns
    them into words.

    settings (attribute): the current `Settings` (a copy is edited by dialogs).
    save_settings(settings, crm_password=None, calendar_password=None) -> None
        Write settings.toml; passwords (when not None) go to the keyring.
    password(side) -> str | None      side is "crm" or "calendar".
    test_crm(crm_settings, password) -> Identity
        Sign in once; raises AuthError / UnreachableError / TlsError / ServerError.
    test_calendar(calendar_settings, password) -> list[CalendarInfo]
        Discovery; the dialog fills its calendar picker from the result.
    week(start: datetime, end: datetime) -> list[ItemView]
        Calendar entries (VEVENT) overlapping [start, end).
    agenda(start: datetime, days: int) -> list[ItemView]   sorted by start.
    todos() -> list[ItemView]          every VTODO in the mirror.
    activities() -> list[ItemView]     every proxy (shared items and Activities-only).
    item(key) -> ItemView | None
        A moved occurrence (rule 17, key "n:<series href>#<id>") comes with
        repeating=True and its series' rrule; it is shared exactly when its
        series is: share and unshare act on the series.
    share(key) -> ItemView             creates the proxy at once (works offline).
    unshare(key) -> ItemView
    set_links(key, account: int | None, opportunity: int | None,
              contacts: tuple[int, ...]) -> ItemView
    references(kind: str, text: str = "", limit: int = 50) -> list[Reference]
        kind is "account", "contact", "opportunity" or "employee"; cached from
        the CRM; the closest match first (exact name, name prefix, word
        prefix, substring, e-mail), complete before incomplete on ties.
    update_reference(ref: Reference, name: str, email: str) -> Reference
        Edit a complete contact or account in the CRM (network: off the GUI
        thread; waits for a running sync); the cache takes the answer.
        UserError for an incomplete record (read-only) or an empty name.
    crm_link(key) -> str | None        URL to open the activity in the CRM.
    conflicts() -> list[ConflictView]
    resolve(proxy_id, choices: dict[str, str]) -> None
        choices maps field -> "calendar" | "crm"; applied at the next sync.
    status() -> Status
    review_items() -> list[ReviewView]
        Attendee addresses of shared activities that the CRM could not resolve
        to one employee or contact (rule 13), with the activity's title and
        start, the reason in words and the records sharing the address.
    review_count() -> int              how many review_items() lists.
    pick_for_review(proxy_id, address, ref: Reference) -> None
        The rep's choice (a contact or employee) for the address, used for
        every activity that lists it; they are synced again at the next sync.
    create_contact_for_review(proxy_id, address, name, email,
                              account: int | None) -> Reference
        Creates the contact in the CRM (network: call off the GUI thread),
        then as pick_for_review.
    dismiss_review(proxy_id, address) -> None
        Leave the address unresolved on that activity; not listed again.
    preview_email(path) -> MailPreview
        Read an .eml file (MailUnreadable with words for what isn't one) and
        say who is on it from the local caches: sender and recipients as
        contacts / employees, direction (email_out when the rep or another
        employee sent it), suggested accounts (of the contacts, the most
        frequent first) and their opportunities, and `shared` when the mail's
        Message-ID was shared before.  Local and quick.
    share_email(preview, account: int | None, opportunity: int | None,
                contacts: Sequence[int]) -> ItemView
        Make the mail's activity (display_in communication), pending until
        the next sync; a mail shared before gives back its activity instead.
    sync(progress: ProgressCallback, cancel: CancelToken) -> SyncReport
        The whole two-way sync; call from a worker thread only.
    """



class IcalRenderer:
    """The engine's Renderer, backed by pim.ical; floating times are written
    in `zone`, the rep's (rule 6; None: the system zone)."""

    def __init__(self, zone: tzinfo | None = None) -> None:
        self.zone = zone

    def render(self, uid: str, component: str, fields: dict,
               series: SeriesWrite | None = None, link: str = "") -> str:
        return ical.render_new(uid, component, fields, series=series, link=link)

    def patch(self, raw: str, changes: dict, series: SeriesWrite | None = None,
              link: str | None = None, occurrence: str = "") -> str:
        return ical.patch(raw, changes, series, link, occurrence=occurrence, zone=self.zone)

    def add_occurrence(self, raw: str, rid: Start, fields: dict, link: str = "") -> str:
        return ical_occurrences.add_occurrence(raw, rid, fields, link, zone=self.zone)

    def drop_occurrence(self, raw: str, key: str, exclude: bool) -> str:
        return ical_occurrences.drop_occurrence(raw, key, exclude, zone=self.zone)

    def unscheduled(self, raw: str) -> str:
        return ical.unscheduled(raw)


class AppService(ItemService, ReviewService, RefService, MailService):
    """Implements ServiceApi over one profile."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.settings = load_settings(profile)
        # SQLite connections belong to one thread; the GUI reads the store from
        # a worker thread, the CLI from the main thread: one Store per thread.
        self._local = threading.local()
        self._stores: list[Store] = []
        self._lock = threading.Lock()
        # One sync or preview at a time: they share the kept connectors.
        self._sync_lock = threading.Lock()
        self._kept: tuple[Any, TrytonConnector, CalDavClient] | None = None
        self.store  # open (and migrate) now, so a bad file is reported at start
        # A damaged store restored at this open (store/safety.py): the front end
        # tells the rep once.
        self.recovered: StoreRecovered | None = self.store.take_recovery()

    @property
    def store(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.profile.store_path)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            stores, self._stores = self._stores, []
            self._local = threading.local()   # a later call opens a fresh store
            kept, self._kept = self._kept, None
        for store in stores:
            store.close()
        if kept is not None:
            _close_quietly(kept[1], kept[2])

    # -- settings and connections ---------------------------------------
    def save_settings(self, settings: Settings, crm_password: str | None = None,
                      calendar_password: str | None = None) -> None:
        # Without a system keyring, store_password keeps them for this session only.
        if crm_password:
            store_password("crm", settings.crm.url, settings.crm.username, crm_password)
        if calendar_password:
            store_password("calendar", settings.calendar.url, settings.calendar.username,
                           calendar_password)
        save_settings(self.profile, settings)
        self.settings = settings.copy()

    def password(self, side: str) -> str | None:
        section = self.settings.crm if side == "crm" else self.settings.calendar
        return get_password(side, section.url, section.username)

    def make_crm(self, crm: CrmSettings | None = None,
                 password: str | None = None) -> TrytonConnector:
        crm = crm or self.settings.crm
        _require(crm.url, "crm.url", "the CRM address is not set")
        _require(crm.database, "crm.database", "the CRM database is not set")
        _require(crm.username, "crm.username", "the CRM user name is not set")
        password = password or get_password("crm", crm.url, crm.username)
        _require(password, "crm password", "no CRM password is stored: enter it in "
                 "Connection settings or set CRMDESK_CRM_PASSWORD")
        connector = TrytonConnector(crm.url, crm.database, crm.username, password or "",
                                    verify_tls=crm.verify_tls, ca_bundle=crm.ca_bundle,
                                    client_cert=crm.client_cert, client_key=crm.client_key)
        connector.zone = rep_zone(self.settings.sync.time_zone)
        return connector

    def make_calendar(self, cal: CalendarSettings | None = None,
                      password: str | None = None) -> CalDavClient:
        cal = cal or self.settings.calendar
        _require(cal.url, "calendar.url", "the calendar server address is not set")
        _require(cal.username, "calendar.username", "the calendar user name is not set")
        password = password or get_password("calendar", cal.url, cal.username)
        _require(password, "calendar password", "no calendar password is stored: enter it "
                 "in Connection settings or set CRMDESK_CALDAV_PASSWORD")
        client = CalDavClient(cal.url, cal.username, password or "",
                              verify_tls=cal.verify_tls, ca_bundle=cal.ca_bundle,
                              client_cert=cal.client_cert, client_key=cal.client_key)
        client.zone = rep_zone(self.settings.sync.time_zone)
        return client

    def _connectors(self) -> tuple[TrytonConnector, CalDavClient]:
        """The connectors of the last sync while settings and passwords stay the
        same: a kept Tryton session saves a sign-in per sync (issue 7), and a
        session the server ended is signed in again once (crm.tryton_rpc)."""
        crm, cal = self.settings.crm, self.settings.calendar
        crm_password = get_password("crm", crm.url, crm.username)
        cal_password = get_password("calendar", cal.url, cal.username)
        key = (astuple(crm), crm_password, astuple(cal), cal_password)
        with self._lock:
            if self._kept is not None and self._kept[0] == key:
                return self._kept[1], self._kept[2]
            old, self._kept = self._kept, None
        if old is not None:
            _close_quietly(old[1], old[2])
        made = (self.make_crm(password=crm_password), self.make_calendar(password=cal_password))
        with self._lock:
            self._kept = (key, *made)
        return made

    def test_crm(self, crm: CrmSettings, password: str | None) -> Identity:
        return self.make_crm(crm, password).login()

    def test_calendar(self, cal: CalendarSettings, password: str | None) -> list[CalendarInfo]:
        return self.make_calendar(cal, password).calendars()

    # -- status ------------------------------------------------------------
    def status(self) -> Status:
        counts = self.store.proxy_counts()
        last = self.store.get_meta("last_sync")
        configured = bool(self.settings.crm.url and self.settings.calendar.url
                          and self.password("crm") and self.password("calendar"))
        return Status(
            configured=configured,
            last_sync=datetime.fromisoformat(last) if last else None,
            shared=sum(counts.values()), pending=counts.get("pending", 0),
            conflicts=counts.get("conflict", 0), errors=counts.get("error", 0),
            calendar_items=self.store.mirror_count(),
            notes=[f"{href}: {reason}" for href, reason in self.store.invalid_items()])

    def last_report(self) -> SyncReport | None:
        for _, report in self.history(1):
            return report
        return None

    def history(self, limit: int = 50) -> list[tuple[datetime, SyncReport]]:
        """Past sync reports, newest first, with when each sync finished."""
        return [(datetime.fromisoformat(finished), _report_from_json(body))
                for finished, body in self.store.reports(limit)]

    # -- the sync ------------------------------------------------------------
    def sync(self, progress: ProgressCallback = lambda p: None,
             cancel: CancelToken | None = None, dry_run: bool = False,
             allow_mass_delete: bool = False) -> SyncReport:
        report, _ = self.run_sync(progress, cancel, dry_run, allow_mass_delete)
        return report

    def preview(self, progress: ProgressCallback = lambda p: None,
                cancel: CancelToken | None = None) -> list[Action]:
        """What the next sync would do, changing nothing on either server."""
        return self.run_sync(progress, cancel, dry_run=True)[1]

    def run_sync(self, progress: ProgressCallback = lambda p: None,
                 cancel: CancelToken | None = None, dry_run: bool = False,
                 allow_mass_delete: bool = False,
                 checkpoint: Callable[[str], None] = lambda where: None
                 ) -> tuple[SyncReport, list[Action]]:
        """The sync, with the plan it made; opens its own store (worker thread)."""
        with self._sync_lock:
            return self._run_sync(progress, cancel, dry_run, allow_mass_delete, checkpoint)

    def _run_sync(self, progress: ProgressCallback, cancel: CancelToken | None, dry_run: bool,
                  allow_mass_delete: bool, checkpoint: Callable[[str], None]
                  ) -> tuple[SyncReport, list[Action]]:
        crm, calendar = self._connectors()
        zone = rep_zone(self.settings.sync.time_zone)
        crm.zone = calendar.zone = zone                       # kept connectors too
        store = Store(self.profile.store_path)
        try:
            progress(Progress("Finding the calendar"))
            url = self._calendar_url(store, calendar)
            job = engine.Job(store=store, crm=crm, calendar=calendar, calendar_url=url,
                             settings=self.settings.sync, renderer=IcalRenderer(zone),
                             uid_namespace=_namespace(self.settings), progress=progress,
                             cancel=cancel, dry_run=dry_run,
                             allow_mass_delete=allow_mass_delete, checkpoint=checkpoint,
                             zone=zone)
            return engine.run(job)
        finally:
            store.close()

    def uninstall_plan(self) -> "UninstallPlan":
        return plan_uninstall(self.store)

    def uninstall(self) -> "UninstallReport":
        """Rule 23; the local store is removed only when the calendar is clean."""
        plan = plan_uninstall(self.store)
        report = UninstallReport(unshared=plan.unshare)
        if plan.delete:
            delete_crm_items(self.make_calendar(), plan.delete, report)
        if report.complete:
            self.close()
            report.removed = remove_local(self.profile.store_path, self.settings)
        return report

    def _calendar_url(self, store: Store, calendar: CalDavClient) -> str:
        cal = self.settings.calendar
        key = f"{cal.url}|{cal.calendar}"
        if store.get_meta("calendar_key") == key and store.get_meta("calendar_url"):
            return store.get_meta("calendar_url") or ""
        info = calendar.resolve_calendar(cal.calendar)
        previous = store.get_meta("calendar_url")
        if previous and previous != info.url and store.proxies():
            raise UserError(
                f"The synchronized calendar changed from {previous} to {info.url}, but items "
                "of the old calendar are still shared. Choose the old calendar again, or run "
                "'crmdesk uninstall' first to start over.")
        with store.transaction():
            if previous != info.url:
                store.mirror_clear()
                store.set_meta("sync_token", None)
            store.set_meta("calendar_key", key)
            store.set_meta("calendar_url", info.url)
        return info.url



def _require(value: object, key: str, problem: str) -> None:
    if not value:
        raise SettingsError(key, problem)


def _namespace(settings: Settings) -> str:
    host = settings.crm.url.split("://", 1)[-1].split("/", 1)[0]
    return f"{settings.crm.database}.{host}" if host else "crmdesk"



def _report_from_json(body: dict) -> SyncReport:
    report = SyncReport(calendar=SideCounts(**body["calendar"]), crm=SideCounts(**body["crm"]),
                        requests=body.get("requests", {}), seconds=body.get("seconds", 0.0),
                        cancelled=body.get("cancelled", False))
    for name in ("conflicts", "skipped", "errors", "linked"):
        getattr(report, name).extend(ReportEntry(**e) for e in body.get(name, []))
    return report


__all__ = ["AppService", "CalendarInfo", "CancelToken", "ConflictView", "Identity",
           "ItemView", "Progress", "ProgressCallback", "Reference", "ServiceApi", "Settings",
           "ShareState", "Status", "SyncReport"]


def _close_quietly(*connectors: Any) -> None:
    """Close connections; a connector that is already closed is fine."""
    for connector in connectors:
        close = getattr(connector, "close", None)
        if close is not None:
            close()


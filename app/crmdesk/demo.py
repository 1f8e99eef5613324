"""`crmdesk demo`: local Radicale + Tryton seeded with a sales rep's week.

The servers run on 127.0.0.1 from this machine's Python packages (the
`demo` extra); nothing leaves the machine.  The demo passwords are not
secrets, so they travel in the environment variables crmdesk reads for
headless use and never touch the rep's real keyring.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path
from typing import Any

from crmdesk.model.series import SeriesWrite
from crmdesk.pim import ical
from crmdesk.settings.zone import rep_zone
from crmdesk.settings import Priority, Profile, Settings, save_settings

REP_LOGIN, REP_PASSWORD = "rita", "rita-demo-pw"
REP_NAME, REP_EMAIL = "Rita Sales", "rita@northwind.example"


@dataclass
class DemoServers:
    root: Path
    tryton: Any
    radicale: Any
    calendar_url: str

    def stop(self) -> None:
        self.radicale.stop()
        self.tryton.stop()


def say(text: str) -> None:
    print(f"demo: {text}", file=sys.stderr, flush=True)


def start_servers(root: Path) -> DemoServers:
    from crmdesk.devservers.caldav import RadicaleServer
    from crmdesk.devservers.tryton import TrytonServer, template_key, default_cache_dir
    if not (default_cache_dir() / f"crmdesk-{template_key()}.sqlite").exists():
        say("preparing the CRM database (first run only, about 20 seconds)…")
    tryton = TrytonServer(root / "tryton")
    tryton.start()
    radicale = RadicaleServer(root / "radicale", {REP_LOGIN: REP_PASSWORD})
    radicale.start()
    url = radicale.make_calendar(REP_LOGIN, REP_PASSWORD, "work", display_name="Work")
    return DemoServers(root, tryton, radicale, url)


def monday(today: date) -> date:
    return today - timedelta(days=today.weekday())


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time of the machine, as an aware UTC instant."""
    local = datetime.combine(day, dtime(hour, minute)).astimezone()
    return local.astimezone(timezone.utc)


def seed_crm(servers: DemoServers, week: date) -> None:
    """Accounts, contacts, opportunities and the CRM side of the week."""
    admin = servers.tryton.admin()
    admin.setup_company("Northwind Traders")
    rep = admin.create_rep(REP_LOGIN, REP_PASSWORD, REP_NAME, REP_EMAIL)
    boss, _ = admin.create_employee("Generic Owner", "crm@northwind.example")
    admin.set_generic_owner(boss)
    accounts = {name: admin.create_account(name) for name in
                ("ACME Corporation", "Globex", "Initech", "Umbrella Health", "Hooli")}
    people = (("Wile E. Coyote", "wile@acme.example", "ACME Corporation"),
              ("Hank Scorpio", "hank@globex.example", "Globex"),
              ("Bill Lumbergh", "bill@initech.example", "Initech"),
              ("Alice Wong", "alice@umbrella.example", "Umbrella Health"))
    contacts = [admin.create_contact(name, email, accounts[account])
                for name, email, account in people]
    opp = admin.create_opportunity("Globex: 40 licences", accounts["Globex"], rep.employee_id)
    d = [week + timedelta(days=n) for n in range(5)]

    def act(desc: str, start: datetime | None, hours: float = 1, **kw: Any) -> dict[str, Any]:
        end = start + timedelta(hours=hours) if start else None
        values = {"description": desc, "planned_start": _naive(start), "planned_end": _naive(end),
                  "owner": rep.employee_id, "employees": [rep.employee_id], "origin": "crm"}
        values.update(kw)
        return values

    admin.create_activities([
        act("Quarterly review – ACME", at(d[0], 10), 1.5, account=accounts["ACME Corporation"],
            contacts=[contacts[0]], location="ACME HQ, Room 3"),
        act("Demo for Globex purchasing", at(d[1], 14), 1, account=accounts["Globex"],
            contacts=[contacts[1]], opportunity=opp, location="Globex, Springfield"),
        act("Contract negotiation – Initech", at(d[2], 9, 30), 2,
            account=accounts["Initech"], contacts=[contacts[2]]),
        act("Site visit Umbrella Health", at(d[3], 13), 3, account=accounts["Umbrella Health"],
            contacts=[contacts[3]], location="Umbrella Health campus"),
        act("Send Globex the revised quote", at(d[2], 17), 0.5, display_in="todo", type="todo",
            account=accounts["Globex"], opportunity=opp, priority="high"),
        act("Call notes: Hooli renewal", at(d[0], 16), 0.5, display_in="activities",
            type="call", account=accounts["Hooli"]),
        act("Trade fair (all day)", datetime.combine(d[4], dtime(0), timezone.utc), 24,
            all_day=True, location="Messe Hall 4"),
    ])
    # A weekly series whose Monday occurrence this week was moved to Tuesday:
    # the moved one is an activity of its own, linked to the series (rule 17).
    [series] = admin.create_activities([
        act("Pipeline review with sales manager", at(d[0], 15), 1, repeating=True,
            repeating_type="weekly", exceptions=d[0].isoformat())])
    admin.create_activities([
        act("Pipeline review with sales manager (moved)", at(d[1], 16), 1, series=series,
            recurrence_id=_naive(at(d[0], 15)))])


def _naive(value: datetime | None) -> datetime | None:
    return None if value is None else value.astimezone(timezone.utc).replace(tzinfo=None)


def seed_calendar(servers: DemoServers, week: date) -> str:
    """The rep's own calendar entries; returns the UID of one to share."""
    d = [week + timedelta(days=n) for n in range(5)]
    share_uid = f"{uuid.uuid4()}@demo"
    items = [
        (share_uid, "VEVENT", "Lunch with Globex CFO", at(d[1], 12), 1.5, "Chez Paul"),
        (f"{uuid.uuid4()}@demo", "VEVENT", "Team stand-up", at(d[0], 9), 0.5, "STANDUP"),
        (f"{uuid.uuid4()}@demo", "VEVENT", "Dentist", at(d[3], 8), 1, ""),
        (f"{uuid.uuid4()}@demo", "VEVENT", "Prepare ACME slides", at(d[0], 8), 1.5, ""),
        (f"{uuid.uuid4()}@demo", "VEVENT", "Pipeline call with manager", at(d[4], 11), 1, ""),
        (f"{uuid.uuid4()}@demo", "VTODO", "Expense report", at(d[4], 17), 0, ""),
    ]
    icals = []
    # Every working day at 09:00 local, open-ended: a series (issue 4).
    standup = SeriesWrite(rrule="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
                          tzid=getattr(rep_zone(""), "key", ""))
    # The lunch invites a known contact and an address the CRM doesn't know:
    # once shared, the second waits in Sync issues for the rep (rule 13).
    invited = {share_uid: ["hank@globex.example", "cfo.assistant@globex.example"]}
    for uid, comp, title, start, hours, where in items:
        series = standup if where == "STANDUP" else None
        fields = {"description": title, "planned_start": start,
                  "location": "" if series else where,
                  "planned_end": start + timedelta(hours=hours)}
        icals.append(ical.render_new(uid, comp, fields, series=series,
                                     organizer=REP_EMAIL if uid in invited else "",
                                     attendees=[(a, "") for a in invited.get(uid, ())]))
    servers.radicale.seed(REP_LOGIN, REP_PASSWORD, servers.calendar_url, icals)
    return share_uid


def write_profile(profile: Profile, servers: DemoServers) -> None:
    settings = Settings()
    settings.crm.url, settings.crm.database = servers.tryton.url, servers.tryton.database
    settings.crm.username = REP_LOGIN
    settings.calendar.url, settings.calendar.username = servers.radicale.url, REP_LOGIN
    settings.calendar.calendar = "Work"
    settings.sync.priority = Priority.ASK
    save_settings(profile, settings)
    os.environ["CRMDESK_CRM_PASSWORD"] = REP_PASSWORD
    os.environ["CRMDESK_CALDAV_PASSWORD"] = REP_PASSWORD


def first_sync(profile: Profile, share_uid: str) -> None:
    """Bring the CRM's week into the calendar and share one of the rep's meetings."""
    from crmdesk.service import AppService
    app = AppService(profile)
    try:
        app.sync()
        item = app.store.mirror_by_uid(share_uid)
        if item is not None:
            app.share(f"n:{item.href}")
            app.sync()
        report = app.last_report()
        say(f"first sync: {report.summary() if report else 'done'}")
    finally:
        app.close()


def run_demo(profile: Profile | None, serve_only: bool = False) -> int:
    # SIGTERM (a closed terminal, `kill`) must run the cleanup below too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    root = Path(tempfile.mkdtemp(prefix="crmdesk-demo-"))
    profile = profile or Profile.at(root / "profile")
    say("starting Tryton and Radicale on 127.0.0.1…")
    servers = start_servers(root)
    try:
        week = monday(date.today())
        seed_crm(servers, week)
        share_uid = seed_calendar(servers, week)
        write_profile(profile, servers)
        if serve_only:
            return _serve(servers, profile)
        first_sync(profile, share_uid)
        from crmdesk.service import AppService
        from crmdesk.ui.app import run_gui
        app = AppService(profile)
        try:
            return run_gui(app)
        finally:
            app.close()
    finally:
        servers.stop()
        shutil.rmtree(root, ignore_errors=True)


def _serve(servers: DemoServers, profile: Profile) -> int:
    print(f"""crmdesk demo servers are running (Ctrl-C stops them and deletes their data).

CRM (Tryton JSON-RPC)  {servers.tryton.url}  database {servers.tryton.database}
   rep user            {REP_LOGIN} / {REP_PASSWORD}
   administrator       {servers.tryton.admin_login} / {servers.tryton.admin_password}
Calendar (Radicale)    {servers.radicale.url}
   rep user            {REP_LOGIN} / {REP_PASSWORD}   calendar "Work": {servers.calendar_url}

Profile written to     {profile.config_dir}
Try:  CRMDESK_CRM_PASSWORD={REP_PASSWORD} CRMDESK_CALDAV_PASSWORD={REP_PASSWORD} \\
      crmdesk --profile-dir {profile.config_dir} sync""", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        return 0

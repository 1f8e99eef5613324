"""The fault campaign: random work on both real servers, syncs through fault
proxies that misbehave at random requests, then clean syncs and a count of
what was lost or duplicated (both must be 0).

The work keeps the expected end state simple: the phone only edits
`location`, the CRM's own client only edits `comment` (so no edit ever
conflicts with another), a calendar item is deleted in the calendar only if
the CRM never edited it, and a CRM activity is deleted in the CRM only if the
calendar never edited it.  Rival edits injected by the proxy just before
crmdesk's guarded writes (412 and ConcurrencyException races) follow the
same rule.
"""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import dataclass, field
from typing import Any, Callable

import requests

from crmdesk.errors import CrmDeskError
from crmdesk.messages import describe
from crmdesk.model import NativeItem
from crmdesk.pim.ical import patch

from tests.faults import proxy as fp
from tests.faults.harness import STALL, Faulty
from tests.integration.conftest import soon

UNEXPECTED = "Something unexpected went wrong"


@dataclass
class Item:
    title: str
    origin: str                    # "calendar" or "crm"
    uid: str = ""
    crm_id: int | None = None
    location: str = ""             # the phone's last word
    comment: str = ""              # the CRM's last word
    gone: bool = False
    edited_in_calendar: bool = False
    edited_in_crm: bool = False


@dataclass
class Stats:
    syncs: int = 0
    failed_syncs: int = 0
    item_errors: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    checked: int = 0
    lost: int = 0
    duplicated: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def injected(self) -> int:
        return sum(self.faults.values())

    def line(self, label: str, seconds: float) -> str:
        return (f"fault campaign {label}: syncs run {self.syncs} ({self.failed_syncs} failed "
                f"whole, {self.item_errors} item errors, all in words), faults injected "
                f"{self.injected}, items checked {self.checked}, lost {self.lost}, "
                f"duplicated {self.duplicated}, {seconds:.0f} s")

    def to_json(self) -> dict[str, Any]:
        return {"syncs": self.syncs, "failed_syncs": self.failed_syncs,
                "item_errors": self.item_errors, "faults_injected": self.injected,
                "faults": dict(sorted(self.faults.items())), "items_checked": self.checked,
                "lost": self.lost, "duplicated": self.duplicated, "problems": self.problems}


class Campaign:
    def __init__(self, faulty: Faulty, tryton_server: Any, seed: int, rate: float) -> None:
        self.f = faulty
        self.rep = faulty.rep
        self.server = tryton_server
        self.rng = random.Random(seed)
        self.rate = rate
        self.items: dict[str, Item] = {}
        self.serial = itertools.count(1)
        self.stats = Stats()
        self.values = itertools.count(1)
        faulty.crm_client.rpc.lockout_wait = 0.0     # a 429 is said; the next round retries
        settings = faulty.app.settings.copy()
        settings.sync.share_new_items = True
        faulty.app.save_settings(settings)

    # -- one round ---------------------------------------------------------------------

    def round(self) -> None:
        self.work()
        self.f.cal.script = self.script(self.cal_fault)
        self.f.crm.script = self.script(self.crm_fault)
        self.sync_once()

    def sync_once(self) -> Any:
        self.stats.syncs += 1
        try:
            report = self.f.sync()
        except CrmDeskError as exc:
            self.stats.failed_syncs += 1
            words = describe(exc)
            assert words and not words.startswith(UNEXPECTED), words
            return None
        for entry in report.errors:
            self.stats.item_errors += 1
            assert entry.reason and not entry.reason.startswith(UNEXPECTED), entry
        return report

    def script(self, choose: Callable[[fp.Request], fp.Fault | None]) -> fp.Script:
        def decide(request: fp.Request) -> fp.Fault | None:
            if self.rng.random() >= self.rate:
                return None
            fault = choose(request)
            if fault is not None:
                self.stats.faults[fault.name] = self.stats.faults.get(fault.name, 0) + 1
            return fault
        return decide

    # -- the work on both sides ------------------------------------------------------------

    def work(self) -> None:
        n = next(self.serial)
        title = f"Cal {n}"
        self.items[title] = Item(title, "calendar",
                                 uid=self.rep.put_event(title, soon(2 + n % 9, 8 + n % 8)))
        if self.rng.random() < 0.6:
            title = f"CRM {n}"
            record = self.rep.plan_in_crm(title, soon(3 + n % 9, 9 + n % 8))
            self.items[title] = Item(title, "crm", crm_id=record.id)
        natives = {i.uid: i for i in self.rep.natives()}
        for _ in range(self.rng.choice((0, 1, 2))):
            self.edit_in_calendar(natives)
        for _ in range(self.rng.choice((0, 1, 1, 2))):
            self.edit_in_crm()
        if self.rng.random() < 0.25:
            self.delete_one({i.uid: i for i in self.rep.natives()})

    def live(self, **want: Any) -> list[Item]:
        return [i for i in self.items.values() if not i.gone
                and all(getattr(i, k) == v for k, v in want.items())]

    def _uid(self, item: Item) -> str:
        if not item.uid and item.crm_id is not None:
            record = self.rep.crm_record(item.crm_id)
            item.uid = record.integration_id if record is not None else ""
        return item.uid

    def edit_in_calendar(self, natives: dict[str, NativeItem]) -> None:
        pool = [i for i in self.live() if self._uid(i) in natives]
        if pool:
            item = self.rng.choice(pool)
            self._phone_edit(item, natives[item.uid])

    def _phone_edit(self, item: Item, native: NativeItem) -> None:
        value = f"Room {next(self.values)}"
        native = self.rep.caldav.client.get(native.href) or native      # as it is now
        self.rep.caldav.client.update(native, patch(native.raw, {"location": value}))
        item.location, item.edited_in_calendar = value, True

    def edit_in_crm(self) -> None:
        pool = [i for i in self.live() if self._crm_id(i) is not None]
        if pool:
            self._crm_edit(self.rng.choice(pool))

    def _crm_id(self, item: Item) -> int | None:
        if item.crm_id is None and item.uid:
            record = self.rep.crm_by_uid(item.uid)
            item.crm_id = record.id if record is not None else None
        return item.crm_id

    def _crm_edit(self, item: Item) -> None:
        record = self.rep.crm_record(item.crm_id or 0)
        if record is None:
            return
        value = f"Note {next(self.values)}"
        self.rep.crm.write(record.id, {"comment": value}, record.timestamp)
        item.comment, item.edited_in_crm = value, True

    def delete_one(self, natives: dict[str, NativeItem]) -> None:
        if self.rng.random() < 0.5:
            pool = [i for i in self.live(origin="calendar", edited_in_crm=False)
                    if i.uid in natives]
            if pool:
                item = self.rng.choice(pool)
                self.rep.caldav.client.delete(natives[item.uid])
                item.gone = True
        else:
            pool = self.live(origin="crm", edited_in_calendar=False)
            if pool:
                item = self.rng.choice(pool)
                self.rep.crm.delete([item.crm_id or 0])
                item.gone = True

    # -- the faults ----------------------------------------------------------------------

    def _generic(self) -> fp.Fault:
        return self.rng.choice([
            fp.answer(500), fp.answer(502), fp.answer(503), fp.answer_after(502),
            fp.reset_before(), fp.reset_mid_body(), fp.reset_mid_body(), fp.truncate(),
            fp.cut(), fp.stall(STALL)])

    def cal_fault(self, r: fp.Request) -> fp.Fault | None:
        special: list[fp.Fault] = []
        if r.method == "REPORT" and b"sync-collection" in r.body:
            special.append(fp.answer(501, label="no sync-collection"))
            if b"<D:sync-token></D:sync-token>" not in r.body:
                special.append(fp.rewrite_request(_expire_token, "expired sync token"))
        if r.method == "PUT" and r.headers.get("if-match"):
            special.append(fp.race(self._phone_race, "412 race"))
        if self.rng.random() < 0.1:
            special.append(fp.answer(429, headers={"Retry-After": "1"}))
        if special and self.rng.random() < 0.5:
            return self.rng.choice(special)
        return self._generic()

    def crm_fault(self, r: fp.Request) -> fp.Fault | None:
        special: list[fp.Fault] = []
        if r.rpc == "common.db.login":
            special.append(fp.answer(429, label="429 lock-out"))
        elif r.headers.get("authorization"):
            special.append(fp.race(self._expire, "401 session expired"))
        if r.rpc.endswith((".changes", ".sync_search")):
            special.append(fp.rewrite_json(self._hostile, "hostile JSON"))
        if r.rpc.endswith(".sync_write"):
            special.append(fp.race(self._crm_race, "ConcurrencyException race"))
        if special and self.rng.random() < 0.5:
            return self.rng.choice(special)
        return self._generic()

    def _phone_race(self, request: fp.Request) -> None:
        """Another client edits the item right before crmdesk's guarded PUT."""
        native = self.rep.caldav.client.get(request.path)
        item = next((i for i in self.live() if native is not None and i.uid == native.uid),
                    None)
        if item is not None and native is not None:
            self._phone_edit(item, native)

    def _crm_race(self, request: fp.Request) -> None:
        ids = (request.json() or {}).get("params", [[]])[0]
        item = next((i for i in self.live() if ids and i.crm_id == ids[0]), None)
        if item is not None:
            self._crm_edit(item)

    def _expire(self, request: fp.Request) -> None:
        requests.post(f"{self.server.url}/{self.server.database}/rpc/", timeout=30,
                      json={"id": 0, "method": "common.db.logout", "params": []},
                      headers={"Authorization": request.headers["authorization"]})

    def _hostile(self, answer: Any) -> Any:
        result = answer.get("result")
        rows = result.get("records") if isinstance(result, dict) else result
        if isinstance(rows, list) and rows:
            row = self.rng.choice(rows)
            spoil = self.rng.choice([
                lambda r: r.update(planned_start="next Tuesday"),
                lambda r: r.pop("display_in", None),
                lambda r: r.update(status="postponed"),
                lambda r: r.update(description=["a", "list"]),
                lambda r: r.update(employees="3,5"),
                lambda r: r.update(id=str(r.get("id")))])
            spoil(row)
        return answer

    # -- the end: clean syncs, then count --------------------------------------------------

    def settle(self) -> Any:
        self.f.calm()
        self.f.patient()
        report = None
        for _ in range(4):
            report = self.sync_once()
            if report is not None and not report.errors:
                break
        final = self.sync_once()             # one more: it must have nothing left to do
        assert final is not None and not final.errors, final
        for side in (final.calendar, final.crm):
            if (side.created, side.updated, side.deleted) != (0, 0, 0):
                self.stats.problems.append(f"the last clean sync still changed {side}")
        return final

    def check(self) -> Stats:
        natives: dict[str, list[NativeItem]] = {}
        for native in self.rep.natives():
            natives.setdefault(native.fields["description"], []).append(native)
        records: dict[str, list[Any]] = {}
        for record in self.rep.crm.changes(None).records:
            records.setdefault(record.fields["description"], []).append(record)
        for item in self.items.values():
            self._check_item(item, natives.pop(item.title, []), records.pop(item.title, []))
        for title, extra in list(natives.items()) + list(records.items()):
            self.stats.duplicated += len(extra)
            self.stats.problems.append(f"{title!r}: {len(extra)} copies nobody made")
        self._check_store()
        return self.stats

    def _check_item(self, item: Item, natives: list[NativeItem], records: list[Any]) -> None:
        self.stats.checked += 1
        want = 0 if item.gone else 1
        for side, copies in (("calendar", natives), ("CRM", records)):
            if len(copies) > want:
                self.stats.duplicated += len(copies) - want
                self.stats.problems.append(f"{item.title}: {len(copies)} copies in the {side}")
            if len(copies) < want:
                self.stats.lost += 1
                self.stats.problems.append(f"{item.title}: missing in the {side}")
        if item.gone or len(natives) != 1 or len(records) != 1:
            return
        native, record = natives[0], records[0]
        expected = {"location": item.location, "comment": item.comment}
        for name, value in expected.items():
            if native.fields[name] != value or record.fields[name] != value:
                self.stats.lost += 1
                self.stats.problems.append(
                    f"{item.title}.{name}: want {value!r}, calendar {native.fields[name]!r}, "
                    f"CRM {record.fields[name]!r}")
        if record.integration_id != native.uid:
            self.stats.problems.append(f"{item.title}: CRM integration id is not the UID")

    def _check_store(self) -> None:
        store = self.rep.app.store
        proxies = store.proxies()
        crm_ids = [p.crm_id for p in proxies if p.crm_id]
        if len(crm_ids) != len(set(crm_ids)):
            self.stats.problems.append("two proxies share a CRM id")
        mirror = set(store.mirror_hrefs())
        server = {n.href for n in self.rep.natives()}
        if mirror != server:
            self.stats.problems.append(f"mirror {sorted(mirror ^ server)} differs from server")
        for proxy in proxies:
            if proxy.state in ("error", "conflict"):
                self.stats.problems.append(f"proxy {proxy.id} left in state {proxy.state}")
            if proxy.href and proxy.href not in mirror:
                self.stats.problems.append(f"proxy {proxy.id} links a missing item")


def _expire_token(body: bytes) -> bytes:
    start = body.index(b"<D:sync-token>") + len(b"<D:sync-token>")
    end = body.index(b"</D:sync-token>")
    return body[:start] + b"http://expired.example/sync/0" + body[end:]


def write_summary(path: Any, label: str, stats: Stats, seconds: float) -> None:
    data = {"campaign": label, "seconds": round(seconds, 1), **stats.to_json()}
    with open(path, "a", encoding="utf-8") as out:
        out.write(json.dumps(data) + "\n")

"""End-to-end fixtures: a rep's crmdesk profile wired to real servers."""

from __future__ import annotations

import dataclasses

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from crmdesk.crm.base import NewActivity
from crmdesk.model import CrmRecord, NativeItem
from crmdesk.model.activity import normalize_fields
from crmdesk.pim import ical
from crmdesk.service import AppService
from crmdesk.settings import Priority, Profile
from tests.fixtures.profile import configure


def soon(days: int = 3, hour: int = 9) -> datetime:
    base = datetime.now(timezone.utc).replace(minute=0, second=0, microsecond=0)
    return base.replace(hour=hour) + timedelta(days=days)


@dataclass
class Rep:
    """One rep's crmdesk against real servers, plus direct handles on both servers."""

    app: AppService
    caldav: Any          # the caldav fixture (server, calendar, raw access)
    crm: Any             # the rep's own TrytonConnector, as the CRM's web client would act

    def sync(self) -> Any:
        report = self.app.sync()
        assert not report.errors, report.errors
        return report

    def use_zone(self, name: str) -> None:
        """The rep's zone setting (floating times, series the CRM sends, rule 6)."""
        settings = self.app.settings.copy()
        settings.sync.time_zone = name
        self.app.save_settings(settings)

    # -- the calendar, as a phone or Thunderbird would change it -----------
    def put_event(self, summary: str, start: datetime | None = None, uid: str | None = None,
                  component: str = "VEVENT", **extra: Any) -> str:
        uid = uid or f"{uuid.uuid4()}@phone.test"
        start = start or soon()
        fields = normalize_fields({"description": summary, "planned_start": start,
                                   "planned_end": start + timedelta(hours=1), **extra})
        self.caldav.put(uid, ical.render_new(uid, component, fields))
        return uid

    def native(self, uid: str) -> NativeItem | None:
        delta = self.caldav.client.sync(self.caldav.calendar_url, None)
        return next((i for i in delta.changed if i.uid == uid), None)

    def natives(self) -> list[NativeItem]:
        return self.caldav.client.sync(self.caldav.calendar_url, None).changed

    def edit_native(self, uid: str, **changes: Any) -> None:
        item = self.native(uid)
        assert item is not None
        self.caldav.client.update(item, ical.patch(item.raw, normalize_fields(changes)))

    def delete_native(self, uid: str) -> None:
        item = self.native(uid)
        assert item is not None
        self.caldav.client.delete(item)

    def key(self, uid: str) -> str:
        item = self.app.store.mirror_by_uid(uid)
        assert item is not None, f"{uid} is not mirrored"
        return f"n:{item.href}"

    # -- the CRM, as the CRM's own client would change it -------------------
    def plan_in_crm(self, description: str, start: datetime | None = None,
                    **fields: Any) -> CrmRecord:
        start = start or soon(4, 14)
        data = normalize_fields({"description": description, "planned_start": start,
                                 "planned_end": start + timedelta(hours=1), **fields})
        return self.crm.create([NewActivity(fields=data, origin="crm")])[0]

    def crm_record(self, crm_id: int) -> CrmRecord | None:
        found = self.crm.read([crm_id])
        return found[0] if found else None

    def crm_by_uid(self, uid: str) -> CrmRecord | None:
        return self.crm.find_by_integration_id(uid, None)


def make_rep(tmp_path: Path, caldav: Any, server: Any, rep: Any,
             priority: Priority = Priority.ASK) -> Rep:
    app = AppService(Profile.at(tmp_path))
    configure(app, caldav, server, rep, priority)
    return Rep(app=app, caldav=caldav, crm=rep.connector)


def second_calendar(caldav: Any) -> Any:
    """A second rep's own calendar on the same server: the caldav fixture's
    handle on a new collection."""
    url = caldav.server.make_calendar(caldav.username, caldav.password,
                                      f"second-{uuid.uuid4().hex[:8]}")
    return dataclasses.replace(caldav, calendar_url=url)


@pytest.fixture
def rep(tmp_path: Path, caldav: Any, tryton_server: Any, tryton_rep: Any) -> Rep:
    r = make_rep(tmp_path / "profile", caldav, tryton_server, tryton_rep)
    yield r
    r.app.close()

"""Rule 8: guarded writes.  A write that loses a race against another client
is re-read and re-merged, never blindly overwritten.  The rival edits are
real edits on the real servers, made at the worst moment: just before
crmdesk's own guarded write.
"""

from __future__ import annotations

from typing import Any

import pytest

from crmdesk.crm.tryton import TrytonConnector
from crmdesk.model import NativeItem
from crmdesk.pim import ical
from crmdesk.pim.caldav import CalDavClient
from crmdesk.service import AppService

from tests.integration.conftest import Rep

pytestmark = pytest.mark.integration


class RacingCrm(TrytonConnector):
    """Lets a colleague edit the record right before crmdesk's first write."""

    rival: TrytonConnector

    def write(self, record_id: int, changes: Any, timestamp: str,
              integration_id: str | None = None) -> Any:
        if getattr(self, "rival", None) is not None:
            rival, self.rival = self.rival, None  # type: ignore[assignment]
            fresh = rival.read([record_id])[0]
            rival.write(record_id, {"comment": "Colleague: bring the contract"}, fresh.timestamp)
        return super().write(record_id, changes, timestamp, integration_id)


class RacingCalendar(CalDavClient):
    """Lets a phone edit the event right before crmdesk's first PUT."""

    phone: Any = None

    def update(self, item: NativeItem, text: str) -> NativeItem:
        if self.phone is not None:
            phone, self.phone = self.phone, None
            phone(item)
        return super().update(item, text)


def _shared(rep: Rep) -> str:
    uid = rep.put_event("Renewal talk with Soylent")
    rep.sync()
    rep.app.share(rep.key(uid))
    rep.sync()
    return uid


def test_rule_8_crm_write_that_lost_a_race_is_remerged(rep: Rep, monkeypatch) -> None:
    uid = _shared(rep)
    rep.edit_native(uid, location="Soylent tower, 12th floor")
    make_crm = AppService.make_crm

    def racing(self: AppService, *args: Any, **kw: Any) -> TrytonConnector:
        real = make_crm(self, *args, **kw)
        real.__class__ = RacingCrm
        real.rival = rep.crm  # type: ignore[attr-defined]
        return real

    monkeypatch.setattr(AppService, "make_crm", racing)
    monkeypatch.setattr(rep.app, "_kept", None)     # the next sync makes new connectors
    report = rep.sync()
    assert not report.conflicts
    record = rep.crm_by_uid(uid)
    assert record.fields["location"] == "Soylent tower, 12th floor"       # our edit landed
    assert record.fields["comment"] == "Colleague: bring the contract"    # theirs survived
    assert rep.native(uid).fields["comment"] == "Colleague: bring the contract"


def test_rule_8_calendar_write_that_lost_a_race_is_remerged(rep: Rep, monkeypatch) -> None:
    uid = _shared(rep)
    record = rep.crm_by_uid(uid)
    rep.crm.write(record.id, {"location": "Moved to Soylent HQ"}, record.timestamp)

    def phone_edit(item: NativeItem) -> None:
        fresh = rep.native(item.uid)
        rep.caldav.client.update(fresh, ical.patch(fresh.raw, {"comment": "Phone: parking B"}))

    make_calendar = AppService.make_calendar

    def racing(self: AppService, *args: Any, **kw: Any) -> CalDavClient:
        real = make_calendar(self, *args, **kw)
        real.__class__ = RacingCalendar
        real.phone = phone_edit  # type: ignore[attr-defined]
        return real

    monkeypatch.setattr(AppService, "make_calendar", racing)
    monkeypatch.setattr(rep.app, "_kept", None)     # the next sync makes new connectors
    report = rep.sync()
    assert not report.conflicts and not report.errors
    native = rep.native(uid)
    assert native.fields["location"] == "Moved to Soylent HQ"      # the CRM's edit landed
    assert native.fields["comment"] == "Phone: parking B"          # the phone's survived
    assert rep.crm_by_uid(uid).fields["comment"] == "Phone: parking B"


def test_share_new_items_setting_shares_what_appears(rep: Rep) -> None:
    settings = rep.app.settings.copy()
    settings.sync.share_new_items = True
    rep.app.save_settings(settings)
    uid = rep.put_event("New meeting from the phone")
    report = rep.sync()
    assert report.crm.created == 1
    assert rep.crm_by_uid(uid) is not None

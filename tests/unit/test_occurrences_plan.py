"""Rule 17 in the planner: a moved or changed occurrence is its own CRM
activity, linked to its series, and follows the series."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from crmdesk.model import DisplayIn, NativeItem, Origin
from crmdesk.model.occurrence import occurrence_href, rid_key
from crmdesk.model.recurrence import NativeSeries
from crmdesk.sync.actions import (AddOccurrence, CreateCrm, DeleteCrm, DeleteNative, DropProxy,
                                  LeaveTeam, LinkNative, UpdateCrm, UpdateNative, Wait)
from crmdesk.sync.plan import plan
from tests.unit.helpers import START, crm, fields, native, proxy, world

UTC = timezone.utc
CPH = ZoneInfo("Europe/Copenhagen")
SERIES_HREF = "/cal/u1.ics"
# The series: weekly at 10:00 Copenhagen (09:00 UTC); the second week moved to 15:00.
DTSTART = START.astimezone(CPH)
RID = DTSTART + timedelta(weeks=1)
MOVED = RID.astimezone(UTC) + timedelta(hours=5)
OCC_HREF = occurrence_href(SERIES_HREF, RID)


def kinds(actions: list) -> list[str]:
    return [type(a).__name__ for a in actions]


def series_item(exdates: tuple = (), overridden: tuple = (RID,)) -> NativeItem:
    recurrence = NativeSeries(dtstart=DTSTART, rrule="FREQ=WEEKLY;COUNT=6", exdates=exdates,
                              overridden=overridden)
    return replace(native(), recurrence=recurrence)


def occurrence_item(**kw) -> NativeItem:
    values = {"description": "Visit ACME (moved)", "planned_start": MOVED,
              "planned_end": MOVED + timedelta(hours=1), **kw}
    return NativeItem(href=OCC_HREF, etag='"1"', uid="u1", component="VEVENT",
                      fields=fields(**values), raw="", parent=SERIES_HREF, recurrence_id=RID)


def series_record(owner: int = 70):
    return replace(crm(crm_id=5, owner=owner), extra={"repeating": True,
                                                      "repeating_type": "weekly"})


def occurrence_record(crm_id: int = 6, owner: int = 70, origin: Origin = Origin.CALENDAR,
                      **kw):
    values = {"description": "Visit ACME (moved)", "planned_start": MOVED,
              "planned_end": MOVED + timedelta(hours=1), **kw}
    record = crm(crm_id=crm_id, owner=owner, origin=origin, **values)
    return replace(record, extra={"series": 5, "recurrence_id": RID.astimezone(UTC)
                                  .replace(tzinfo=None).isoformat()})


def test_rule_17_a_moved_occurrence_is_created_in_the_crm_under_its_series() -> None:
    series = proxy(1, record=series_record(), base=series_record().fields)
    occ = proxy(2, href=OCC_HREF, record=None, state="pending")
    actions = plan(world([series, occ], [series_item(), occurrence_item()]))
    create = next(a for a in actions if isinstance(a, CreateCrm))
    assert create.proxy_id == 2 and create.series == 5
    assert create.recurrence_id == RID.astimezone(UTC)
    assert create.uid == "u1" and create.fields["planned_start"] == MOVED
    assert create.owner == 70


def test_rule_17_an_occurrence_waits_for_its_series_to_reach_the_crm() -> None:
    series = proxy(1, record=None, state="pending")
    occ = proxy(2, href=OCC_HREF, record=None, state="pending")
    actions = plan(world([series, occ], [series_item(), occurrence_item()]))
    assert [type(a).__name__ for a in actions if a.proxy_id == 2] == ["Wait"]
    assert any(isinstance(a, CreateCrm) and a.proxy_id == 1 for a in actions)


def test_rule_17_an_occurrence_of_someone_elses_series_is_owned_as_the_series_is() -> None:
    record = series_record(owner=99)
    series = proxy(1, record=record, base=record.fields)
    occ = proxy(2, href=OCC_HREF, record=None, state="pending")
    create = next(a for a in plan(world([series, occ], [series_item(), occurrence_item()]))
                  if isinstance(a, CreateCrm))
    assert create.owner == 99


def test_rule_17_a_crm_occurrence_becomes_an_override_in_the_series_object() -> None:
    series = proxy(1, record=series_record(), base=series_record().fields)
    occ = proxy(2, uid=None, href=None, record=occurrence_record(origin=Origin.CRM),
                origin=Origin.CRM, state="pending")
    w = world([series, occ], [series_item(overridden=())])
    actions = [a for a in plan(replace(w, zone=CPH)) if a.proxy_id == 2]
    add = next(a for a in actions if isinstance(a, AddOccurrence))
    assert add.parent == SERIES_HREF and add.uid == "u1"
    assert add.rid == RID and add.rid.tzinfo is not None      # in the series' zone
    assert add.fields["planned_start"] == MOVED
    assert "CreateNative" not in kinds(actions)


def test_rule_17_a_crm_occurrence_finds_the_override_already_there() -> None:
    series = proxy(1, record=series_record(), base=series_record().fields)
    occ = proxy(2, uid=None, href=None, record=occurrence_record(origin=Origin.CRM),
                origin=Origin.CRM, state="pending")
    actions = [a for a in plan(world([series, occ], [series_item(), occurrence_item()]))
               if a.proxy_id == 2]
    assert isinstance(actions[0], LinkNative) and actions[0].href == OCC_HREF


def test_rule_17_a_crm_occurrence_waits_for_its_series_to_reach_the_calendar() -> None:
    record = series_record()
    series = proxy(1, uid=None, href=None, record=record, origin=Origin.CRM, state="pending")
    occ = proxy(2, uid=None, href=None, record=occurrence_record(origin=Origin.CRM),
                origin=Origin.CRM, state="pending")
    actions = [a for a in plan(world([series, occ], [])) if a.proxy_id == 2]
    assert kinds(actions) == ["Wait"]


def test_rule_17_an_edit_of_the_occurrence_in_the_crm_patches_only_the_override() -> None:
    record = occurrence_record()
    series = proxy(1, record=series_record(), base=series_record().fields)
    occ = proxy(2, href=OCC_HREF, record=replace(record, fields={**record.fields,
                                                                "location": "Room 4"}),
                base=record.fields)
    actions = plan(world([series, occ], [series_item(), occurrence_item()]))
    update = next(a for a in actions if isinstance(a, UpdateNative))
    assert update.href == OCC_HREF and update.changes == {"location": "Room 4"}
    assert update.series is None


def test_rule_17_an_edit_of_the_occurrence_in_the_calendar_updates_its_activity() -> None:
    record = occurrence_record()
    series = proxy(1, record=series_record(), base=series_record().fields)
    occ = proxy(2, href=OCC_HREF, record=record, base=record.fields)
    item = occurrence_item(location="Café")
    actions = plan(world([series, occ], [series_item(), item]))
    update = next(a for a in actions if isinstance(a, UpdateCrm))
    assert update.crm_id == 6 and update.changes == {"location": "Café"}


def test_rule_17_a_display_in_change_never_takes_an_occurrence_out_of_its_series() -> None:
    record = occurrence_record()
    series = proxy(1, record=series_record(), base=series_record().fields)
    moved = replace(record, fields={**record.fields, "display_in": DisplayIn.ACTIVITIES})
    occ = proxy(2, href=OCC_HREF, record=moved, base=record.fields)
    actions = plan(world([series, occ], [series_item(), occurrence_item()]))
    assert not any(isinstance(a, (DeleteNative, AddOccurrence)) for a in actions)


def test_rule_17_an_occurrence_deleted_in_the_crm_is_an_exdate_in_the_calendar() -> None:
    record = occurrence_record()
    series = proxy(1, record=series_record(), base=series_record().fields)
    occ = proxy(2, href=OCC_HREF, record=record, base=record.fields, crm_deleted=True)
    actions = [a for a in plan(world([series, occ], [series_item(), occurrence_item()]))
               if a.proxy_id == 2]
    assert kinds(actions) == ["DeleteNative", "DropProxy"]
    assert actions[0].href == OCC_HREF


def test_rule_17_an_occurrence_deleted_in_the_calendar_deletes_its_activity() -> None:
    record = occurrence_record()
    series = proxy(1, record=series_record(), base=series_record().fields)
    occ = proxy(2, href=OCC_HREF, record=record, base=record.fields)
    item = series_item(exdates=(RID,), overridden=())
    actions = [a for a in plan(world([series, occ], [item])) if a.proxy_id == 2]
    assert kinds(actions) == ["DeleteCrm", "DropProxy"]
    assert actions[0].crm_id == 6 and "deleted in the calendar" in actions[0].reason


def test_rule_17_an_occurrence_put_back_into_its_series_deletes_its_activity() -> None:
    record = occurrence_record()
    series = proxy(1, record=series_record(), base=series_record().fields)
    occ = proxy(2, href=OCC_HREF, record=record, base=record.fields)
    actions = [a for a in plan(world([series, occ], [series_item(overridden=())]))
               if a.proxy_id == 2]
    assert kinds(actions) == ["DeleteCrm", "DropProxy"]
    assert "back in its series" in actions[0].reason


def test_rule_10_an_attendee_losing_an_occurrence_leaves_its_team() -> None:
    record = occurrence_record(owner=99)
    series = proxy(1, record=series_record(owner=99), base=series_record().fields)
    occ = proxy(2, href=OCC_HREF, record=record, base=record.fields)
    actions = [a for a in plan(world([series, occ], [series_item(overridden=())]))
               if a.proxy_id == 2]
    assert [type(a) for a in actions] == [LeaveTeam, DropProxy]


def test_rule_17_unsharing_the_series_takes_its_occurrences_along() -> None:
    record = occurrence_record()
    series = proxy(1, record=series_record(), base=series_record().fields, unshare=True)
    occ = proxy(2, href=OCC_HREF, record=record, base=record.fields)
    actions = [a for a in plan(world([series, occ], [series_item(), occurrence_item()]))
               if a.proxy_id == 2]
    assert [type(a) for a in actions] == [DeleteCrm, DropProxy]


def test_rule_17_a_series_deleted_in_the_crm_leaves_the_calendar_to_the_series() -> None:
    record = occurrence_record()
    series = proxy(1, record=series_record(), base=series_record().fields, crm_deleted=True)
    occ = proxy(2, href=OCC_HREF, record=record, base=record.fields, crm_deleted=True)
    actions = [a for a in plan(world([series, occ], [series_item(), occurrence_item()]))
               if a.proxy_id == 2]
    assert kinds(actions) == ["DropProxy"]


def test_rule_17_a_crm_activity_naming_an_unknown_series_is_an_ordinary_activity() -> None:
    record = replace(occurrence_record(origin=Origin.CRM), extra={"series": 404,
                                                                  "recurrence_id": None})
    occ = proxy(2, uid=None, href=None, record=record, origin=Origin.CRM, state="pending")
    actions = plan(world([occ], []))
    assert "CreateNative" in kinds(actions) and not any(isinstance(a, Wait) for a in actions)


def test_rule_17_the_pseudo_href_names_the_occurrence_in_utc() -> None:
    assert OCC_HREF == f"{SERIES_HREF}#{rid_key(RID)}"
    assert OCC_HREF.endswith(RID.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ"))
    assert datetime.strptime(OCC_HREF.rsplit("#", 1)[1], "%Y%m%dT%H%M%SZ")

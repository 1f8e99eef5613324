"""The crm_activity server module, exercised over JSON-RPC as reps and admin.

These tests speak Tryton's own API (create/read/write/delete/search) and the
module's RPC methods, to prove what the server enforces whatever the client.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from crmdesk import errors
from crmdesk.crm.base import NewActivity
from crmdesk.crm.tryton import TrytonRpc
from crmdesk.devservers.tryton import TrytonServer
from tests.fixtures.tryton import TrytonEnv, TrytonRep

pytestmark = pytest.mark.integration

ACTIVITY = "crm.activity"
START = datetime(2030, 3, 4, 9, 30)


def rpc(rep: TrytonRep) -> TrytonRpc:
    return rep.connector.rpc


def create(rep: TrytonRep, **values: Any) -> int:
    values.setdefault("description", "Quarterly review")
    values.setdefault("planned_start", START)
    return rpc(rep).model(ACTIVITY, "create", [values])[0]


def visible(rep: TrytonRep, ids: list[int]) -> list[int]:
    return rpc(rep).model(ACTIVITY, "search", [("id", "in", ids)], 0, None, None)


def changes(rep: TrytonRep, since: datetime | None) -> dict[str, Any]:
    return rpc(rep).model(ACTIVITY, "changes", since)


def test_rep_creates_reads_writes_and_deletes_her_activity(tryton_rep: TrytonRep) -> None:
    activity = create(tryton_rep, location="Room 4")
    row, = rpc(tryton_rep).model(ACTIVITY, "read", [activity],
                                 ["description", "location", "owner"])
    assert (row["description"], row["location"]) == ("Quarterly review", "Room 4")
    assert row["owner"] == tryton_rep.employee_id

    rpc(tryton_rep).model(ACTIVITY, "write", [activity], {"location": "Room 5"})
    row, = rpc(tryton_rep).model(ACTIVITY, "read", [activity], ["location"])
    assert row["location"] == "Room 5"

    rpc(tryton_rep).model(ACTIVITY, "delete", [activity])
    assert visible(tryton_rep, [activity]) == []


def test_defaults_owner_company_and_enums(tryton_rep: TrytonRep, tryton_admin: Any) -> None:
    activity = create(tryton_rep)
    row, = rpc(tryton_rep).model(ACTIVITY, "read", [activity], [
        "owner", "company", "status", "priority", "display_in", "type", "origin",
        "all_day", "needs_review", "repeating"])
    assert row["owner"] == tryton_rep.employee_id
    assert row["company"] == tryton_admin.company_id
    assert (row["status"], row["priority"], row["display_in"], row["type"], row["origin"]) \
        == ("planned", "medium", "calendar", "meeting", "crm")
    assert not row["all_day"] and not row["needs_review"] and not row["repeating"]


def test_rep_cannot_see_a_private_activity_of_another_rep_until_on_the_team(
        tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    private = create(tryton_rep, description="Private call")
    assert visible(tryton_rep2, [private]) == []
    with pytest.raises(errors.AccessDenied):
        rpc(tryton_rep2).model(ACTIVITY, "read", [private], ["description"])
    with pytest.raises(errors.AccessDenied):
        rpc(tryton_rep2).model(ACTIVITY, "write", [private], {"location": "x"})

    rpc(tryton_rep).model(ACTIVITY, "write", [private],
                          {"employees": [("add", [tryton_rep2.employee_id])]})
    assert visible(tryton_rep2, [private]) == [private]
    rpc(tryton_rep2).model(ACTIVITY, "write", [private], {"location": "Her office"})


def test_rep_cannot_create_an_activity_she_could_not_see(
        tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    with pytest.raises(errors.AccessDenied):
        create(tryton_rep, owner=tryton_rep2.employee_id)
    shared = create(tryton_rep, owner=tryton_rep2.employee_id,
                    employees=[("add", [tryton_rep.employee_id])])
    assert visible(tryton_rep2, [shared]) == [shared]


def test_tombstones_reach_those_who_could_see_the_activity(
        tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    outsider = tryton.new_rep("carol")
    before = changes(tryton_rep, None)["server_time"]
    activity = create(tryton_rep, employees=[("add", [tryton_rep2.employee_id])],
                      integration_id="uid-tomb@test")
    rpc(tryton_rep).model(ACTIVITY, "delete", [activity])

    assert changes(tryton_rep, before)["deleted"] == [activity]
    assert changes(tryton_rep2, before)["deleted"] == [activity]
    assert changes(outsider, before)["deleted"] == []
    stones = rpc(tryton_rep2).model("crm.activity.tombstone", "search_read",
                                    [("activity", "=", activity)], 0, None, None,
                                    ["integration_id", "employees", "deleted_at"])
    assert stones[0]["integration_id"] == "uid-tomb@test"
    assert set(stones[0]["employees"]) == {tryton_rep.employee_id, tryton_rep2.employee_id}
    assert rpc(outsider).model("crm.activity.tombstone", "search",
                               [("activity", "=", activity)], 0, None, None) == []


def test_deleting_a_series_buries_its_moved_occurrences(tryton_rep: TrytonRep) -> None:
    before = changes(tryton_rep, None)["server_time"]
    series = create(tryton_rep, repeating=True, repeating_type="weekly",
                    exceptions="2030-03-11\n2030-03-18")
    moved = create(tryton_rep, series=series, planned_start=START + timedelta(days=1))
    rpc(tryton_rep).model(ACTIVITY, "delete", [series])
    assert visible(tryton_rep, [series, moved]) == []
    assert changes(tryton_rep, before)["deleted"] == sorted([series, moved])


def test_exceptions_must_be_iso_dates(tryton_rep: TrytonRep) -> None:
    with pytest.raises(errors.ServerError, match="not a date"):
        create(tryton_rep, repeating=True, repeating_type="daily", exceptions="next tuesday")


def test_changes_returns_rows_since_the_watermark_in_one_call(tryton_rep: TrytonRep) -> None:
    first = create(tryton_rep, description="First")
    feed = changes(tryton_rep, None)
    assert [r["id"] for r in feed["records"]] == [first]
    row = feed["records"][0]
    assert row["_timestamp"] and row["create_date"] and row["write_date"] is None
    assert {"description", "employees", "contacts", "opportunity", "exceptions"} <= set(row)

    mark = feed["server_time"]
    assert changes(tryton_rep, mark)["records"] == []
    second = create(tryton_rep, description="Second")
    rpc(tryton_rep).model(ACTIVITY, "write", [first], {"comment": "edited"})
    count = rpc(tryton_rep).request_count
    later = changes(tryton_rep, mark)
    assert rpc(tryton_rep).request_count == count + 1
    assert sorted(r["id"] for r in later["records"]) == sorted([first, second])
    assert later["server_time"] >= mark


def test_stale_timestamp_is_refused(tryton_rep: TrytonRep) -> None:
    activity = create(tryton_rep)
    stamp = rpc(tryton_rep).model(ACTIVITY, "read", [activity], ["_timestamp"])[0]["_timestamp"]
    guard = {"_timestamp": {f"{ACTIVITY},{activity}": stamp}}
    rpc(tryton_rep).model(ACTIVITY, "write", [activity], {"location": "A"}, context=guard)
    with pytest.raises(errors.StaleWrite):
        rpc(tryton_rep).model(ACTIVITY, "write", [activity], {"location": "B"}, context=guard)


def test_leave_team_removes_only_the_caller(
        tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    carol = tryton.new_rep("carol")
    team = [tryton_rep2.employee_id, carol.employee_id]
    activity = create(tryton_rep, location="HQ", employees=[("add", team)])

    rpc(tryton_rep2).model(ACTIVITY, "leave_team", [activity])
    assert visible(tryton_rep2, [activity]) == []
    row, = rpc(tryton_rep).model(ACTIVITY, "read", [activity],
                                 ["employees", "owner", "location"])
    assert row["employees"] == [carol.employee_id]
    assert (row["owner"], row["location"]) == (tryton_rep.employee_id, "HQ")
    with pytest.raises(errors.AccessDenied):
        rpc(tryton_rep2).model(ACTIVITY, "leave_team", [activity])


def test_manager_and_admin_see_every_activity_of_the_company(
        tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_admin: Any) -> None:
    activity = create(tryton_rep, description="Seen by managers")
    manager = tryton.new_rep("manager", manager=True)
    assert visible(manager, [activity]) == [activity]
    admin_sees = tryton_admin.search(ACTIVITY, [("id", "=", activity)])
    assert admin_sees == [activity]


def test_rep_can_read_lookups(tryton: TrytonEnv, tryton_rep: TrytonRep,
                              tryton_admin: Any) -> None:
    account = tryton.new_account()
    opportunity = tryton_admin.create_opportunity("Fleet renewal", account,
                                                  tryton_rep.employee_id)
    assert opportunity is not None
    for model, record in (("party.party", account), ("company.employee", tryton_rep.employee_id),
                          ("sale.opportunity", opportunity)):
        rows = rpc(tryton_rep).model(model, "read", [record], ["rec_name"])
        assert rows and rows[0]["rec_name"]
    activity = create(tryton_rep, account=account, opportunity=opportunity)
    assert visible(tryton_rep, [activity]) == [activity]


def test_company_has_a_generic_owner(tryton: TrytonEnv, tryton_admin: Any,
                                     tryton_rep: TrytonRep) -> None:
    employee, _ = tryton_admin.create_employee(tryton.unique("generic").title())
    tryton_admin.set_generic_owner(employee)
    row, = rpc(tryton_rep).model("company.company", "read", [tryton_admin.company_id],
                                 ["crm_generic_owner"])
    assert row["crm_generic_owner"] == employee


def test_module_works_without_sale_opportunity(tmp_path: Path) -> None:
    with TrytonServer(tmp_path, modules=("party", "company", "crm_activity")) as server:
        admin = server.admin()
        admin.setup_company()
        rep = admin.create_rep("solo", "Solo-pw-4417!", "Solo Rep", "solo@example.com")
        assert admin.create_opportunity("None here", admin.create_account("ACME")) is None
        crm = server.connector(rep.login, rep.password)
        crm.login()
        record = crm.create([NewActivity(fields={"description": "Plain", "planned_start": None})])[0]
        assert record.fields["opportunity"] is None
        assert "opportunity" not in crm.rpc.model(ACTIVITY, "sync_search", [], None)[0]
        assert not [r for r in crm.references() if r.kind == "opportunity"]


def join(rep: TrytonRep, uid: str, organizer: str) -> dict[str, Any] | None:
    return rpc(rep).model(ACTIVITY, "join_shared", uid, organizer)


def team(rep: TrytonRep, activity: int) -> list[int]:
    return rpc(rep).model(ACTIVITY, "read", [activity], ["employees"])[0]["employees"]


def test_join_shared_puts_the_invited_rep_on_the_organizer_team(
        tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    """Rule 2 across reps: one CRM activity for a meeting shared by two attendees."""
    uid = tryton.unique("meeting") + "@cal.test"
    activity = create(tryton_rep, integration_id=uid, description="Kick-off")
    assert visible(tryton_rep2, [activity]) == []

    for wrong in ("someone@else.test", tryton_rep2.email, "%", "", tryton_rep.email + "x"):
        assert join(tryton_rep2, uid, wrong) is None
    assert visible(tryton_rep2, [activity]) == []
    assert team(tryton_rep, activity) == []

    mark = changes(tryton_rep, None)["server_time"]
    row = join(tryton_rep2, uid, "  " + tryton_rep.email.upper())
    assert row is not None and row["id"] == activity
    assert row["employees"] == [tryton_rep2.employee_id]
    assert row["owner"] == tryton_rep.employee_id and row["integration_id"] == uid
    assert {"description", "_timestamp", "write_date", "contacts"} <= set(row)
    assert visible(tryton_rep2, [activity]) == [activity]
    assert [r["id"] for r in changes(tryton_rep, mark)["records"]] == [activity]
    assert [r["id"] for r in changes(tryton_rep2, mark)["records"]] == [activity]

    again = join(tryton_rep2, uid, f"mailto:{tryton_rep.email}")
    assert again is not None and again["employees"] == [tryton_rep2.employee_id]
    assert again["_timestamp"] == row["_timestamp"]  # nothing written the second time
    assert join(tryton_rep, uid, tryton_rep.email)["employees"] == [tryton_rep2.employee_id]


def test_join_shared_without_a_match_tells_nothing(
        tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    uid = tryton.unique("meeting") + "@cal.test"
    create(tryton_rep, integration_id=uid)
    assert join(tryton_rep2, tryton.unique("nothing") + "@cal.test", tryton_rep.email) is None
    assert join(tryton_rep2, uid.upper(), tryton_rep.email) is None  # UIDs are exact
    assert changes(tryton_rep2, None)["records"] == []


def test_join_shared_takes_the_oldest_series_not_a_moved_occurrence(
        tryton: TrytonEnv, tryton_rep: TrytonRep, tryton_rep2: TrytonRep) -> None:
    uid = tryton.unique("weekly") + "@cal.test"
    other = create(tryton_rep, integration_id=tryton.unique("other") + "@cal.test",
                   repeating=True, repeating_type="weekly")
    moved = create(tryton_rep, integration_id=uid, series=other)
    oldest = create(tryton_rep, integration_id=uid, repeating=True, repeating_type="weekly")
    newer = create(tryton_rep, integration_id=uid)
    row = join(tryton_rep2, uid, tryton_rep.email)
    assert row is not None and row["id"] == oldest
    assert visible(tryton_rep2, [moved, oldest, newer]) == [oldest]


def _raw_user(tryton: TrytonEnv, *, company: int, employee: int | None,
              groups: list[str]) -> TrytonRpc:
    "A signed-in JSON-RPC session of a new user of `company`"
    admin = tryton.admin
    login = tryton.unique("user")
    password = f"Pw-{login}-x9!"
    values: dict[str, Any] = {
        "login": login, "name": login, "password": password,
        "companies": [("add", [company])], "company": company,
        "groups": [("add", [admin.group_id(g) for g in groups])]}
    if employee is not None:
        values.update(employees=[("add", [employee])], employee=employee)
    admin.call("res.user", "create", [values])
    session = TrytonRpc(tryton.server.url, tryton.server.database, login, password)
    session.login()
    return session


def test_join_shared_needs_an_employee_and_the_crm_group(
        tryton: TrytonEnv, tryton_rep: TrytonRep) -> None:
    uid = tryton.unique("meeting") + "@cal.test"
    activity = create(tryton_rep, integration_id=uid)
    company = tryton.admin.company_id
    no_employee = _raw_user(tryton, company=company, employee=None,
                            groups=["CRM Activities"])
    with pytest.raises(errors.ServerError, match="employee"):
        no_employee.model(ACTIVITY, "join_shared", uid, tryton_rep.email)
    employee, _ = tryton.admin.create_employee(tryton.unique("clerk").title())
    no_group = _raw_user(tryton, company=company, employee=employee, groups=[])
    with pytest.raises(errors.AccessDenied):
        no_group.model(ACTIVITY, "join_shared", uid, tryton_rep.email)
    assert team(tryton_rep, activity) == []


def test_join_shared_stays_in_the_caller_company(
        tryton: TrytonEnv, tryton_rep: TrytonRep) -> None:
    admin = tryton.admin
    uid = tryton.unique("meeting") + "@cal.test"
    activity = create(tryton_rep, integration_id=uid)
    party = admin.create_party(tryton.unique("Other Corp"))
    other, = admin.call("company.company", "create",
                        [{"party": party, "currency": admin.currency_id}])
    party = admin.create_party(tryton.unique("Outsider"), tryton.unique("out") + "@other.test")
    employee, = admin.call("company.employee", "create", [{"party": party, "company": other}])
    outsider = _raw_user(tryton, company=other, employee=employee, groups=["CRM Activities"])
    assert outsider.model(ACTIVITY, "join_shared", uid, tryton_rep.email) is None
    assert team(tryton_rep, activity) == []

"""The review queue's "New contact…" against the real Tryton server (rule 13)."""

from __future__ import annotations

import pytest

from crmdesk.errors import CrmDeskError, UserError
from crmdesk.model import Origin
from crmdesk.model.people import UNKNOWN, ReviewEntry
from tests.fixtures.tryton import TrytonEnv, TrytonRep
from tests.integration.conftest import Rep

pytestmark = [pytest.mark.integration,
              # the calendar is not used: one calendar server is enough
              pytest.mark.parametrize("caldav", ["radicale"], indirect=True)]


def listed(rep: Rep, address: str, state: str = "synced") -> int:
    """A shared activity whose invitee `address` the CRM did not know."""
    store = rep.app.store
    pid = store.add_proxy(origin=Origin.CALENDAR, uid=f"{address}-{store.proxy_counts()}",
                          local={"description": "Kick-off"}, state=state)
    store.set_review(pid, [ReviewEntry(pid, address, UNKNOWN)])
    return pid


def test_rule_13_new_contact_is_created_remembered_and_resynced(
        rep: Rep, tryton: TrytonEnv, tryton_rep: TrytonRep) -> None:
    account = tryton.new_account()
    name = tryton.unique("nadia").title()
    address = f"{name.lower()}@globex.example"
    first, second = listed(rep, address), listed(rep, address.upper())
    other = listed(rep, "someone.else@globex.example")

    ref = rep.app.create_contact_for_review(first, address, f"  {name} ", address, account)

    assert (ref.kind, ref.name, ref.email, ref.account) == ("contact", name, address, account)
    found = tryton_rep.connector.resolve_addresses([address])[address]
    assert [(r.kind, r.id) for r in found] == [("contact", ref.id)]
    store = rep.app.store
    assert store.ref("contact", ref.id) == ref
    assert store.address_book([address]) == {address: ((("contact", ref.id),), "rep")}
    # every activity that listed the address goes back into the next sync's plan
    assert [e.proxy_id for e in store.review_entries()] == [other]
    assert store.proxy(first).state == store.proxy(second).state == "pending"
    assert store.proxy(other).state == "synced"


def test_a_contact_needs_a_name_an_address_and_a_listed_activity(
        rep: Rep, tryton: TrytonEnv) -> None:
    address = f"{tryton.unique('p')}@globex.example"
    pid = listed(rep, address)
    with pytest.raises(UserError, match="name"):
        rep.app.create_contact_for_review(pid, address, "  ", address, None)
    with pytest.raises(UserError, match="not an e-mail address"):
        rep.app.create_contact_for_review(pid, address, "Pat", "pat.globex.example", None)
    with pytest.raises(UserError, match="no longer in the local store"):
        rep.app.create_contact_for_review(pid + 100, address, "Pat", address, None)
    assert rep.crm.resolve_addresses([address])[address] == []
    assert [e.address for e in rep.app.store.review_entries()] == [address]


def test_a_refusal_of_the_crm_leaves_the_entry_listed(rep: Rep, tryton: TrytonEnv) -> None:
    address = f"{tryton.unique('p')}@globex.example"
    pid = listed(rep, address)
    with pytest.raises(CrmDeskError):
        rep.app.create_contact_for_review(pid, address, "Pat", address, 10**9)  # no account
    store = rep.app.store
    assert [e.address for e in store.review_entries()] == [address]
    assert store.address_book([address]) == {}
    assert store.proxy(pid).state == "synced"

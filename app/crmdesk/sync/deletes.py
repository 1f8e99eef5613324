"""What a delete or an unshare on either side becomes (rules 9-12).

Pure, like the planner that calls it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmdesk.model import DisplayIn, NativeItem, Origin, ProxyRow, Status
from crmdesk.model.activity import ActivityType
from crmdesk.settings.model import DeletePolicy
from crmdesk.sync.actions import (Action, CreateFollowUp, DeleteCrm, DeleteNative, Detach,
                                  DropProxy, LeaveTeam, UpdateCrm)

if TYPE_CHECKING:
    from crmdesk.sync.plan import World


def is_owner(world: "World", proxy: ProxyRow) -> bool:
    owner = proxy.crm.owner if proxy.crm else None
    return owner is None or owner in world.identity.employee_ids


def unshare(world: "World", proxy: ProxyRow, title: str) -> list[Action]:
    """Rule 12 (never uploaded: drop the proxy) and unsharing an uploaded item."""
    if proxy.crm is None or proxy.crm_deleted or proxy.detached:
        return [DropProxy(proxy.id, title, reason="unshared")]
    if is_owner(world, proxy):
        return [DeleteCrm(proxy.id, title, crm_id=proxy.crm.id, reason="unshared by its owner"),
                DropProxy(proxy.id, title, reason="unshared")]
    return [LeaveTeam(proxy.id, title, crm_id=proxy.crm.id),
            DropProxy(proxy.id, title, reason="unshared")]


def crm_deleted(proxy: ProxyRow, native: NativeItem | None, title: str) -> list[Action]:
    """Rule 11: CRM-born items go from the calendar; calendar-born ones are unshared."""
    if native is not None and proxy.origin is Origin.CRM:
        return [DeleteNative(proxy.id, title, href=native.href, reason="deleted in the CRM"),
                DropProxy(proxy.id, title, reason="deleted in the CRM")]
    return [DropProxy(proxy.id, title, reason="deleted in the CRM; calendar item kept")]


def native_deleted(world: "World", proxy: ProxyRow, title: str) -> list[Action]:
    """Rules 9 and 10: the owner's delete deletes; anyone else leaves the team."""
    if proxy.crm is None:
        return [DropProxy(proxy.id, title, reason="deleted before it reached the CRM")]
    if not is_owner(world, proxy):
        return [LeaveTeam(proxy.id, title, crm_id=proxy.crm.id),
                DropProxy(proxy.id, title, reason="deleted in the calendar by an attendee")]
    policy = world.settings.delete_policy
    if policy is DeletePolicy.CANCEL:
        return _cancel_with_follow_up(world, proxy, title)
    if policy is DeletePolicy.INVITEES and not proxy.invitees:
        return [Detach(proxy.id, title, reason="a meeting without invitees is kept in the CRM")]
    return [DeleteCrm(proxy.id, title, crm_id=proxy.crm.id, reason="deleted in the calendar"),
            DropProxy(proxy.id, title, reason="deleted in the calendar")]


def _cancel_with_follow_up(world: "World", proxy: ProxyRow, title: str) -> list[Action]:
    """The OnTime variant: the activity is cancelled and the owner gets a to-do."""
    assert proxy.crm is not None
    actions: list[Action] = []
    if proxy.crm.fields.get("status") is not Status.CANCELLED:
        actions.append(UpdateCrm(proxy.id, title, crm_id=proxy.crm.id,
                                 changes={"status": Status.CANCELLED},
                                 timestamp=proxy.crm.timestamp))
        follow = {"description": f"Follow up: {title} was cancelled", "type": ActivityType.TODO,
                  "display_in": DisplayIn.TODO, "planned_start": world.now,
                  "planned_end": world.now, "account": proxy.crm.fields.get("account"),
                  "opportunity": proxy.crm.fields.get("opportunity"),
                  "contacts": proxy.crm.fields.get("contacts", ())}
        actions.append(CreateFollowUp(proxy.id, title, fields=follow))
    actions.append(Detach(proxy.id, title, reason="cancelled in the CRM, follow-up to-do added"))
    return actions

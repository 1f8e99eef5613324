"""Builders for pure engine tests: proxies, native items and CRM records."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from crmdesk.model import CrmRecord, Identity, NativeItem, Origin, ProxyRow
from crmdesk.model.activity import normalize_fields, with_defaults
from crmdesk.settings.model import Priority, SyncSettings
from crmdesk.sync.plan import World

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=timezone.utc)
ME = Identity(user_id=7, login="rep", name="Rita Rep", employee_id=70, employee_ids=(70,),
              emails=("rita@example.com",))
START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def fields(**kw: Any) -> dict[str, Any]:
    base = {"description": "Visit ACME", "planned_start": START,
            "planned_end": datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)}
    base.update(kw)
    return normalize_fields(base)


def native(uid: str = "u1", component: str = "VEVENT", **kw: Any) -> NativeItem:
    return NativeItem(href=f"/cal/{uid}.ics", etag='"1"', uid=uid, component=component,
                      fields=fields(**kw), raw="")


def crm(crm_id: int = 5, owner: int = 70, integration_id: str = "u1",
        origin: Origin = Origin.CALENDAR, **kw: Any) -> CrmRecord:
    return CrmRecord(id=crm_id, fields=with_defaults(fields(**kw)), timestamp="ts1",
                     integration_id=integration_id, origin=origin, owner=owner,
                     employees=(owner,))


def proxy(pid: int = 1, *, uid: str | None = "u1", href: str | None = "/cal/u1.ics",
          record: CrmRecord | None = None, base: dict[str, Any] | None = None,
          origin: Origin = Origin.CALENDAR, **kw: Any) -> ProxyRow:
    local = {"type": "meeting", "display_in": "calendar", "account": None,
             "opportunity": None, "contacts": (), "message_id": ""}
    return ProxyRow(id=pid, uid=uid, href=href, native_pending=kw.pop("native_pending", False),
                    crm_id=record.id if record else None, crm=record,
                    crm_deleted=kw.pop("crm_deleted", False), origin=origin,
                    local=normalize_fields(kw.pop("local", local)),
                    base=with_defaults(base) if base is not None else None,
                    state=kw.pop("state", "synced"), unshare=kw.pop("unshare", False),
                    resolution=kw.pop("resolution", {}), conflict=kw.pop("conflict", []))


def world(proxies: list[ProxyRow], items: list[NativeItem],
          priority: Priority = Priority.ASK, **settings: Any) -> World:
    return World(proxies=proxies, mirror={i.href: i for i in items}, identity=ME,
                 settings=SyncSettings(priority=priority, **settings), now=NOW,
                 uid_namespace="test")


def synced(**kw: Any) -> tuple[ProxyRow, NativeItem]:
    """A proxy in agreement with its native item and CRM record."""
    item = native()
    record = crm()
    agreed = {**record.fields}
    return proxy(record=record, base=agreed, **kw), item

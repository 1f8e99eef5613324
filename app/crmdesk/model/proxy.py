"""The proxy activity: the hidden local copy of a CRM activity (DESIGN.md)."""

from __future__ import annotations

from dataclasses import dataclass, field

from crmdesk.model.activity import Fields, Origin
from crmdesk.model.items import CrmRecord


@dataclass
class ProxyRow:
    """A proxy activity (the hidden local CRM activity of DESIGN.md)."""

    id: int
    uid: str | None
    href: str | None
    native_pending: bool
    crm_id: int | None
    crm: CrmRecord | None
    crm_deleted: bool
    origin: Origin
    local: Fields
    base: Fields | None
    state: str
    detail: str = ""
    conflict: list[str] = field(default_factory=list)
    resolution: dict[str, str] = field(default_factory=dict)
    unshare: bool = False
    detached: bool = False       # calendar item removed, CRM activity kept (rule 9 variants)
    invitees: bool = False       # the calendar item, when last seen, invited others
    # Writes sent but not yet confirmed by a SaveProxy, per side ("calendar",
    # "crm"), oldest first: after a crash, a side holding a value one of these
    # writes carried holds our own write, not a user's edit.
    inflight: dict[str, list[Fields]] = field(default_factory=dict)
    # What the native item and the CRM record were (content hash, timestamp)
    # when this proxy last planned to nothing; see sync.plan.settle_key.
    settled: str = ""

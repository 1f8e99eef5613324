"""Pure domain types shared by every layer: no I/O, no Qt.

One business activity can live in three places (see DESIGN.md): the native
calendar item, the local proxy, and the CRM record.  They all speak in
`Fields`: a plain mapping from the CRM field name to a normalized value, so
that a three-way merge is a comparison of dictionaries.
"""

from __future__ import annotations

from crmdesk.model.activity import (
    ALL_FIELDS,
    COLUMN_FIELDS,
    CRM_ONLY_FIELDS,
    NATIVE_FIELDS,
    ActivityType,
    DisplayIn,
    Fields,
    Origin,
    Priority,
    Status,
    component_for,
    normalize_fields,
)
from crmdesk.model.items import CrmRecord, Identity, NativeItem, Reference
from crmdesk.model.proxy import ProxyRow

__all__ = [
    "ALL_FIELDS", "COLUMN_FIELDS", "CRM_ONLY_FIELDS", "NATIVE_FIELDS", "ActivityType", "CrmRecord",
    "DisplayIn", "Fields", "Identity", "NativeItem", "Origin", "Priority", "ProxyRow",
    "Reference", "Status", "component_for", "normalize_fields",
]

"""Typed settings stored as `settings.toml` in the profile directory.

Outside tools and admins write this file too, so the key names are a
contract (issue 2).  Secrets never go in it: see `settings.secrets`.
"""

from __future__ import annotations

from crmdesk.settings.model import (
    CalendarSettings,
    CrmSettings,
    DeletePolicy,
    Profile,
    Settings,
    SyncSettings,
    Priority,
    load_settings,
    save_settings,
)

__all__ = [
    "CalendarSettings", "CrmSettings", "DeletePolicy", "Priority", "Profile", "Settings",
    "SyncSettings", "load_settings", "save_settings",
]

"""Rule 23: remove every trace of the CRM from the rep's calendar and machine.

Calendar items that came from the CRM are deleted; items the rep shared stay
in her calendar, simply no longer shared; then the local store and the
passwords go.  If any calendar delete fails, nothing local is removed, so
running it again finishes the job.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmdesk.errors import CrmDeskError, NotFound, StaleWrite
from crmdesk.model import NativeItem, Origin
from crmdesk.settings.secrets import delete_password
from crmdesk.store.safety import store_files


@dataclass
class UninstallPlan:
    delete: list[NativeItem] = field(default_factory=list)   # CRM-born calendar items
    unshare: int = 0                                          # shared items that stay


@dataclass
class UninstallReport:
    deleted: int = 0
    unshared: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)   # (title, reason)
    removed: list[str] = field(default_factory=list)              # local files removed

    @property
    def complete(self) -> bool:
        return not self.failed


def plan_uninstall(store: Any) -> UninstallPlan:
    result = UninstallPlan()
    occurrences = []
    for proxy in store.proxies():
        native = store.mirror_get(proxy.href) if proxy.href else None
        if native is not None and native.parent:
            occurrences.append(native)
        elif proxy.origin is Origin.CRM and native is not None:
            result.delete.append(native)
        elif native is not None:
            result.unshare += 1
    # A moved occurrence (rule 17) goes or stays with its series' object (one
    # the CRM moved into the rep's own series stays as a plain moved one).
    deleted = {item.href for item in result.delete}
    result.unshare += sum(1 for item in occurrences if item.parent not in deleted)
    return result


def delete_crm_items(calendar: Any, items: list[NativeItem], report: UninstallReport) -> None:
    for item in items:
        title = str(item.fields.get("description", item.uid))
        try:
            _delete(calendar, item)
            report.deleted += 1
        except CrmDeskError as exc:
            report.failed.append((title, str(exc)))


def _delete(calendar: Any, item: NativeItem) -> None:
    try:
        calendar.delete(item)
    except NotFound:
        return
    except StaleWrite:
        # Edited on a phone since the last sync: still CRM data, delete that copy.
        fresh = calendar.get(item.href)
        if fresh is not None:
            calendar.delete(fresh)


def remove_local(store_path: Path, settings: Any) -> list[str]:
    """The store (and its WAL files) and both passwords."""
    removed = []
    # The store, its WAL files, its backups and any damaged copy set aside.
    for path in store_files(store_path):
        path.unlink()
        removed.append(str(path))
    delete_password("crm", settings.crm.url, settings.crm.username)
    delete_password("calendar", settings.calendar.url, settings.calendar.username)
    return removed

"""The service methods the GUI calls, as a typing Protocol.

`crmdesk.service.ServiceApi` documents them in prose; this Protocol lets the
widgets be type-checked against the same list (and keeps them honest about
which methods they use).  `AppService` satisfies it structurally.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from crmdesk.model import Identity, Reference
from crmdesk.pim.base import CalendarInfo
from crmdesk.service_types import ConflictView, ItemView, ProgressCallback, Status
from crmdesk.settings import CalendarSettings, CrmSettings, Settings
from crmdesk.sync.report import CancelToken, SyncReport


class GuiService(Protocol):
    """What `ui` needs from the application service."""

    settings: Settings

    def save_settings(self, settings: Settings, crm_password: str | None = None,
                      calendar_password: str | None = None) -> None: ...

    def password(self, side: str) -> str | None: ...

    def test_crm(self, crm_settings: CrmSettings, password: str | None) -> Identity: ...

    def test_calendar(self, calendar_settings: CalendarSettings,
                      password: str | None) -> list[CalendarInfo]: ...

    def week(self, start: datetime, end: datetime) -> list[ItemView]: ...

    def agenda(self, start: datetime, days: int) -> list[ItemView]: ...

    def todos(self) -> list[ItemView]: ...

    def activities(self) -> list[ItemView]: ...

    def item(self, key: str) -> ItemView | None: ...

    def share(self, key: str) -> ItemView: ...

    def unshare(self, key: str) -> ItemView: ...

    def set_links(self, key: str, account: int | None, opportunity: int | None,
                  contacts: tuple[int, ...]) -> ItemView: ...

    def references(self, kind: str, text: str = "", limit: int = 50) -> list[Reference]: ...

    def crm_link(self, key: str) -> str | None: ...

    def conflicts(self) -> list[ConflictView]: ...

    def resolve(self, proxy_id: int, choices: dict[str, str]) -> None: ...

    def status(self) -> Status: ...

    def last_report(self) -> SyncReport | None: ...

    def sync(self, progress: ProgressCallback, cancel: CancelToken) -> SyncReport: ...

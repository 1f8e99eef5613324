"""What the views show, and sharing: a mixin of `AppService` (service.py).

Rows of the week, agenda, to-do and activity lists, one item's form (a
moved occurrence of a series, rule 17, included), share / unshare, the CRM
links of a shared item, and the conflicts a rep settles field by field.
All of it is quick local work on the store; the next sync does the rest.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from crmdesk.crm.tryton import TrytonConnector
from crmdesk.errors import UserError
from crmdesk.model import NativeItem, Origin, ProxyRow
from crmdesk.model.activity import normalize_fields, with_defaults
from crmdesk.model.occurrence import split_occurrence
from crmdesk.service_types import ConflictView, ItemView
from crmdesk.settings import Settings
from crmdesk.settings.zone import rep_zone
from crmdesk.store import Store
from crmdesk.sync.plan import fields_for_new_proxy, local_side
from crmdesk.views import occurrences, row_view

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class ItemService:
    """week, agenda, todos, activities, item, share, unshare, set_links,
    crm_link, conflicts and resolve (documented in service.ServiceApi)."""

    # Provided by AppService, which this class is mixed into.
    settings: Settings
    store: Store

    def week(self, start: datetime, end: datetime) -> list[ItemView]:
        """Calendar entries overlapping [start, end), a series once per occurrence."""
        items = self.store.mirror_range(start, end, "VEVENT")
        zone = rep_zone(self.settings.sync.time_zone)
        rows: list[ItemView] = []
        for row, item in zip(self._views(items), items):
            rows.extend(occurrences(row, item, zone, start, end))
        return sorted(rows, key=lambda v: (v.start or _EPOCH, v.title))

    def agenda(self, start: datetime, days: int) -> list[ItemView]:
        return self.week(start, start + timedelta(days=days))

    def todos(self) -> list[ItemView]:
        return self._views(self.store.mirror_component("VTODO"))

    def activities(self) -> list[ItemView]:
        """Every proxy: a series' moved occurrences (rule 17) are rows of their own."""
        by_href, proxies = self.store.mirror_all(), self.store.proxies_by_href()
        rows = [row_view(self.store, by_href.get(p.href) if p.href else None, p, by_href,
                         proxies) for p in self.store.proxies()]
        return sorted(rows, key=lambda v: (v.start is None, v.start or _EPOCH, v.title))

    def _views(self, items: list[NativeItem]) -> list[ItemView]:
        proxies, known = self.store.proxies_by_href(), {i.href: i for i in items}
        return [row_view(self.store, i, proxies.get(i.href), known, proxies) for i in items]

    def item(self, key: str) -> ItemView | None:
        native, proxy = self._resolve(key)
        if native is None and proxy is None:
            return None
        if native is not None and native.is_occurrence:      # _resolve may give the series'
            proxy = self.store.proxy_by_href(native.href)
        return row_view(self.store, native, proxy)

    def _resolve(self, key: str) -> tuple[NativeItem | None, ProxyRow | None]:
        """The calendar item and proxy of a key.  A moved occurrence with no
        proxy of its own yet answers with its series' proxy: its CRM links
        and "Open in CRM" are the series' until a sync gives it its own."""
        kind, _, ident = key.partition(":")
        if kind == "n":
            native, proxy = self.store.mirror_get(ident), self.store.proxy_by_href(ident)
            if proxy is None and native is not None and native.is_occurrence:
                proxy = self.store.proxy_by_href(native.parent)
            return native, proxy
        if kind == "p" and ident.isdigit():
            proxy = self.store.proxy(int(ident))
            native = self.store.mirror_get(proxy.href) if proxy and proxy.href else None
            return native, proxy
        return None, None

    def _series_key(self, key: str) -> str:
        """The key that share and unshare act on: a moved occurrence is shared
        exactly when its series is (rule 17), so its series'."""
        native, proxy = self._resolve(key)
        if native is not None and native.is_occurrence:
            return f"n:{native.parent}"
        found = split_occurrence(proxy.href) if native is None and proxy is not None else None
        return f"n:{found[0]}" if found else key

    # -- sharing -----------------------------------------------------------
    def share(self, key: str) -> ItemView:
        """Share the item (an occurrence: its series); answers with `key`'s row."""
        native, proxy = self._resolve(self._series_key(key))
        if native is None:
            raise UserError("Only calendar entries and to-dos can be shared.")
        if proxy is None:
            self.store.add_proxy(origin=Origin.CALENDAR, uid=native.uid, href=native.href,
                                 local=fields_for_new_proxy(native))
        elif proxy.unshare:
            self.store.update_proxy(proxy.id, unshare=False)
        return self._must(key)

    def unshare(self, key: str) -> ItemView:
        """Unshare the item (an occurrence: its series); answers with `key`'s row."""
        native, proxy = self._resolve(self._series_key(key))
        if proxy is None:
            raise UserError("This item is not shared with the CRM.")
        if proxy.origin is Origin.CRM:
            raise UserError("This activity was planned in the CRM, so it can't be unshared. "
                            "Delete or change it in the CRM instead.")
        if proxy.crm is None:
            self.store.delete_proxy(proxy.id)       # rule 12: never reached the CRM
        else:
            self.store.update_proxy(proxy.id, unshare=True)
        return self._must(key)

    def set_links(self, key: str, account: int | None, opportunity: int | None,
                  contacts: tuple[int, ...]) -> ItemView:
        native, proxy = self._resolve(key)
        if proxy is None:
            raise UserError("Share the item with the CRM first.")
        local = dict(proxy.local)
        local.update(account=account, opportunity=opportunity, contacts=tuple(contacts))
        # Not "synced" any more: a sync plans only unsettled proxies (store.scope).
        state = "pending" if proxy.state == "synced" else proxy.state
        self.store.update_proxy(proxy.id, local=normalize_fields(local), state=state)
        return self._must(key)

    def _must(self, key: str) -> ItemView:
        result = self.item(key)
        if result is None:
            raise UserError("The item is no longer in the calendar.")
        return result

    def crm_link(self, key: str) -> str | None:
        _, proxy = self._resolve(key)
        if proxy is None or proxy.crm_id is None or not self.settings.crm.url:
            return None
        return TrytonConnector.url_for(self.settings.crm.url, self.settings.crm.database,
                                       proxy.crm_id)

    # -- conflicts ---------------------------------------------------------
    def conflicts(self) -> list[ConflictView]:
        result = []
        for proxy in self.store.proxies():
            if proxy.state != "conflict" or proxy.crm is None:
                continue
            native = self.store.mirror_get(proxy.href) if proxy.href else None
            local, crm = local_side(proxy, native), with_defaults(proxy.crm.fields)
            base = proxy.base or {}
            rows = tuple((f, _text(local.get(f)), _text(crm.get(f)),
                          _text(base.get(f)) if f in base else "")
                         for f in proxy.conflict)
            result.append(ConflictView(proxy.id, str(local.get("description", "")), rows))
        return result

    def resolve(self, proxy_id: int, choices: dict[str, str]) -> None:
        proxy = self.store.proxy(proxy_id)
        if proxy is None:
            raise UserError("That activity is no longer in the local store.")
        bad = {v for v in choices.values()} - {"calendar", "crm"}
        if bad:
            raise UserError(f"unknown choice {sorted(bad)[0]!r}: use 'calendar' or 'crm'")
        self.store.update_proxy(proxy_id, resolution={**proxy.resolution, **choices})


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.astimezone().strftime("%a %d %b %Y %H:%M")
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    return str(value)

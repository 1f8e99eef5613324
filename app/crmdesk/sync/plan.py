"""The planner: states in, actions out.  Pure (STYLE rule 2).

`plan(world)` looks at every proxy with its native item (from the mirror)
and its CRM record (the last snapshot the change feed gave) and decides
what each side needs.  It is state-based, not event-based: a sync killed
half way leaves states that the next plan finishes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone, tzinfo
from typing import Callable, Mapping, Sequence

from crmdesk.model import (CRM_ONLY_FIELDS, NATIVE_FIELDS, DisplayIn, Fields, Identity,
                           NativeItem, Origin, ProxyRow, component_for)
from crmdesk.model.activity import LATER_FIELDS, ActivityType, with_defaults
from crmdesk.model.recurrence import CrmRepeat
from crmdesk.settings.model import SyncSettings
from crmdesk.sync.actions import (Action, CreateCrm, CreateNative, DeleteNative, DropProxy,
                                  LeaveTeam, LinkNative, Note, SaveProxy, SetReview, UpdateCrm,
                                  UpdateNative)
from crmdesk.sync.deletes import crm_deleted, is_owner, native_deleted, unshare
from crmdesk.sync.merge import Merge, merge
from crmdesk.sync.occurrences import SeriesLink, link_of, plan_occurrence
from crmdesk.sync.series_plan import series_notes, series_view, series_write
from crmdesk.sync.people import (AddressBook, PeopleChange, after_merge, declined_by_rep,
                                 for_new_activity)


@dataclass(frozen=True)
class World:
    """Everything the planner needs, read from the store before planning."""

    proxies: Sequence[ProxyRow]
    mirror: Mapping[str, NativeItem]          # href -> item, as the server has it now
    identity: Identity
    settings: SyncSettings
    now: datetime
    uid_namespace: str = "crmdesk"            # makes CRM-born UIDs unique per CRM
    by_uid: dict[str, NativeItem] = field(default_factory=dict)
    # Hrefs already linked to a proxy, asked for only when correlating (rule 3).
    linked_hrefs: Callable[[], set[str]] | None = None
    # `proxies` is only the part of the store that may need work (see
    # store.scope); the linked hrefs then come from linked_hrefs().
    partial: bool = False
    # The rep's zone: floating times are read in it and series the CRM gives
    # the calendar are written in it (rule 6).
    zone: tzinfo = timezone.utc
    # What attendee and organizer addresses are in the CRM (rules 13-15).
    people: AddressBook = field(default_factory=AddressBook)
    # Proxies beyond `proxies`, by href and by CRM id: an occurrence's series
    # (rule 17) when only part of the store is planned.
    proxy_by_href: Callable[[str], ProxyRow | None] | None = None
    proxy_by_crm_id: Callable[[int], ProxyRow | None] | None = None
    _by_href: dict[str, ProxyRow] = field(init=False, repr=False, compare=False)
    _by_crm: dict[int, ProxyRow] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not self.by_uid:
            self.by_uid.update({item.uid: item for item in self.mirror.values()
                                if not item.parent})
        object.__setattr__(self, "_by_href", {p.href: p for p in self.proxies if p.href})
        object.__setattr__(self, "_by_crm", {p.crm_id: p for p in self.proxies
                                             if p.crm_id is not None})

    def series_by_href(self, href: str) -> ProxyRow | None:
        found = self._by_href.get(href)
        if found is None and self.proxy_by_href is not None:
            found = self.proxy_by_href(href)
        return found

    def series_by_crm(self, crm_id: int) -> ProxyRow | None:
        found = self._by_crm.get(crm_id)
        if found is None and self.proxy_by_crm_id is not None:
            found = self.proxy_by_crm_id(crm_id)
        return found


def plan(world: World) -> list[Action]:
    """The whole plan: every proxy's actions, in proxy order."""
    if world.partial and world.linked_hrefs is not None:
        linked = world.linked_hrefs()
    else:
        linked = {p.href for p in world.proxies if p.href}
    actions: list[Action] = []
    for proxy in world.proxies:
        actions.extend(plan_proxy(world, proxy, linked))
    return actions


def local_side(proxy: ProxyRow, native: NativeItem | None) -> Fields:
    """The calendar side's view: base, then the native item, then share-bar edits.

    A repeating item's "repeat" is what the CRM makes of its RRULE, which
    depends on the day (caps, rule 16): the planner sets it (series_view);
    here it stays as last agreed."""
    fields = with_defaults(proxy.base or {})
    if native is not None:
        fields.update({k: native.fields[k] for k in NATIVE_FIELDS if k in native.fields
                       and not (k == "repeat" and native.recurrence is not None)})
    if native is None and proxy.href is None and proxy.base is None:
        # Made in crmdesk with no calendar item and never uploaded (a shared
        # e-mail): the local copy holds every field.
        fields.update({k: v for k, v in proxy.local.items() if k in NATIVE_FIELDS})
    fields.update({k: v for k, v in proxy.local.items() if k in CRM_ONLY_FIELDS})
    return fields


def _local(world: World, proxy: ProxyRow, native: NativeItem | None) -> Fields:
    """local_side with the series as the CRM would hold it today.  A pattern
    the CRM can't hold at all keeps its last agreed value: the CRM keeps a
    single activity and the native RRULE is never rewritten from it."""
    fields = local_side(proxy, native)
    view = series_view(world, native)
    if view is not None and view.holdable:
        fields["repeat"] = view.repeat
    return fields


def crm_side(proxy: ProxyRow) -> Fields:
    """The CRM record's fields, its series included."""
    assert proxy.crm is not None
    fields = with_defaults(proxy.crm.fields)
    fields["repeat"] = CrmRepeat.from_extra(proxy.crm.extra)
    return fields


def fields_for_new_proxy(native: NativeItem) -> Fields:
    """CRM-only fields of an item the rep shares: what it is, where it shows."""
    todo = native.component == "VTODO"
    return {"type": ActivityType.TODO if todo else ActivityType.MEETING,
            "display_in": DisplayIn.TODO if todo else DisplayIn.CALENDAR,
            "account": None, "opportunity": None, "contacts": ()}


def in_window(world: World, fields: Fields) -> bool:
    """Rule 18: only items inside the sync window are created on the other side."""
    start = fields.get("planned_start")
    todo = fields.get("display_in") == DisplayIn.TODO
    if start is None:
        return todo
    s = world.settings
    past, future = ((s.todo_past_days, s.todo_future_days) if todo
                    else (s.calendar_past_days, s.calendar_future_days))
    end = fields.get("planned_end") or start
    repeat = fields.get("repeat")
    if repeat is not None:      # a series lasts until its last occurrence
        end = (datetime.combine(repeat.expires, datetime.max.time(), timezone.utc)
               if repeat.expires else datetime.max.replace(tzinfo=timezone.utc))
    return end >= world.now - timedelta(days=past) and start <= world.now + timedelta(days=future)


def plan_proxy(world: World, proxy: ProxyRow, linked: set[str] | None = None) -> list[Action]:
    """The actions one proxy needs now."""
    link = link_of(world, proxy)
    if link is not None:
        return _plan_occurrence(world, proxy, link, linked)
    native = _native_of(world, proxy)
    title = _title(proxy, native)
    native_gone = proxy.href is not None and native is None and not proxy.native_pending
    if proxy.unshare:
        return unshare(world, proxy, title)
    if proxy.crm_deleted:
        return crm_deleted(proxy, native, title)
    if proxy.detached:
        return []
    if native_gone:
        return native_deleted(world, proxy, title)
    if is_settled(proxy, native):
        return []
    if proxy.crm is not None and declined_by_rep(native, world.people) \
            and not is_owner(world, proxy):
        return [LeaveTeam(proxy.id, title, crm_id=proxy.crm.id),
                DropProxy(proxy.id, title, reason="you declined this meeting: you are off its "
                                                  "team in the CRM and the activity stays")]
    if proxy.crm is None:
        if native is None and proxy.href is None and proxy.uid is None:
            # Made in crmdesk with no calendar item (a shared e-mail, seed 004).
            return [CreateCrm(proxy.id, title, fields=local_side(proxy, None))]
        if native is None:
            return [DropProxy(proxy.id, title, reason="its calendar item is gone")]
        return [*_create_crm(world, proxy, native, title),
                *series_notes(world, proxy, native, title)]
    if native is None and proxy.href is None and not proxy.native_pending:
        if linked is None:
            linked = (world.linked_hrefs() if world.linked_hrefs
                      else {p.href for p in world.proxies if p.href})
        found = _correlate_native(world, proxy, linked)
        if found is not None:
            return [LinkNative(proxy.id, title, href=found.href, uid=found.uid),
                    *_merge_actions(world, proxy, found, title)]
    return _merge_actions(world, proxy, native, title)


def _plan_occurrence(world: World, proxy: ProxyRow, link: SeriesLink,
                     linked: set[str] | None) -> list[Action]:
    """Rule 17: an occurrence moved out of a series (sync.occurrences)."""
    native = world.mirror.get(proxy.href) if proxy.href else None
    title = _title(proxy, native)
    if is_settled(proxy, native) and link.series is not None and not (
            link.series.unshare or link.series.crm_deleted or link.series.detached):
        return []

    def hrefs() -> set[str]:
        if linked is not None:
            return linked
        return (world.linked_hrefs() if world.linked_hrefs
                else {p.href for p in world.proxies if p.href})

    return plan_occurrence(
        world, proxy, link, title,
        merge_actions=lambda p, n: _merge_actions(world, p, n, title),
        create_crm=lambda n: [*_create_crm(world, proxy, n, title)], linked=hrefs)


def _create_crm(world: World, proxy: ProxyRow, native: NativeItem,
                title: str) -> list[Action]:
    """A share's first upload, with its people (rules 13 and 14)."""
    fields = _local(world, proxy, native)
    start = for_new_activity(proxy.id, native, fields, world.people, world.identity)
    if start is None:
        return [CreateCrm(proxy.id, title, uid=native.uid, fields=fields,
                          organizer=native.organizer)]
    notes: list[Action] = [Note(proxy.id, title, reason=start.note)] if start.note else []
    return [CreateCrm(proxy.id, title, uid=native.uid, fields=start.fields,
                      organizer=native.organizer, owner=start.owner, team=start.team,
                      extra=start.extra, review=start.review), *notes]


def settle_key(proxy: ProxyRow, native: NativeItem | None) -> str:
    """What both copies are, in a word: equal keys mean neither copy changed.

    Only linked pairs get one: with a calendar item and a CRM record on hand
    the plan does not depend on the clock (windows only decide creations).
    """
    if native is None or proxy.crm is None or not native.content_hash:
        return ""
    if native.recurrence is not None:       # its CRM form depends on the day (caps)
        return ""
    return (f"{native.content_hash}|{proxy.crm.timestamp}|{int(bool(native.attendees))}"
            f"|{','.join(native.declined)}|{int(bool(native.crm_link))}")


def is_settled(proxy: ProxyRow, native: NativeItem | None) -> bool:
    """The proxy planned to nothing with these very copies and nothing waits."""
    return (bool(proxy.settled) and proxy.state == "synced" and not proxy.inflight
            and not proxy.resolution and not proxy.native_pending and not proxy.unshare
            and proxy.settled == settle_key(proxy, native))


def newly_settled(world: World, actions: Sequence[Action]) -> list[tuple[int, str]]:
    """Proxies that plan to nothing and whose settle key is new: remember it."""
    busy = {a.proxy_id for a in actions}
    keys = []
    for proxy in world.proxies:
        if proxy.id in busy or proxy.state != "synced":
            continue
        key = settle_key(proxy, _native_of(world, proxy))
        if key != proxy.settled:
            keys.append((proxy.id, key))
    return keys


def settle_inflight(base: Fields, inflight: Mapping[str, Sequence[Fields]], local: Fields,
                    crm: Fields) -> Fields:
    """A write of ours that landed before a crash is agreed, not a user's edit."""
    settled = dict(base)
    for side, values in (("calendar", local), ("crm", crm)):
        for write in inflight.get(side, ()):
            for name, value in write.items():
                if values.get(name) == value:
                    settled[name] = value
    return settled


def _native_of(world: World, proxy: ProxyRow) -> NativeItem | None:
    if proxy.href is not None and proxy.href in world.mirror:
        return world.mirror[proxy.href]
    if proxy.native_pending and proxy.uid:
        return world.by_uid.get(proxy.uid)
    return None


def _title(proxy: ProxyRow, native: NativeItem | None) -> str:
    if native is not None:
        return str(native.fields.get("description", ""))
    if proxy.crm is not None:
        return str(proxy.crm.fields.get("description", ""))
    return str((proxy.base or proxy.local or {}).get("description", ""))


def _correlate_native(world: World, proxy: ProxyRow, linked: set[str]) -> NativeItem | None:
    """Rule 3: find the unlinked native item of a CRM activity, key 1 then key 2."""
    assert proxy.crm is not None
    crm = proxy.crm
    candidate = world.by_uid.get(crm.integration_id) if crm.integration_id else None
    if candidate is not None and candidate.href not in linked:
        return candidate
    want = component_for(crm.fields.get("display_in", DisplayIn.CALENDAR),
                         crm.fields.get("planned_start"))
    if want is None:
        return None
    for item in world.mirror.values():
        if (item.href not in linked and item.component == want
                and item.fields.get("description") == crm.fields.get("description")
                and item.fields.get("planned_start") == crm.fields.get("planned_start")):
            return item
    return None


def _merge_actions(world: World, proxy: ProxyRow, native: NativeItem | None,
                   title: str) -> list[Action]:
    assert proxy.crm is not None
    crm_fields = crm_side(proxy)
    local, base = _local(world, proxy, native), proxy.base
    if base is None:
        # First meeting of the two copies (rule 3): with no calendar item yet the
        # CRM's values stand; otherwise a field set on one side only flows to the
        # other and only two different values are a conflict.
        local = crm_fields if native is None else local
        base = with_defaults({})
    elif any(name not in base for name in LATER_FIELDS):
        base = {**{name: crm_fields[name] for name in LATER_FIELDS}, **base}
    base = settle_inflight(base, proxy.inflight, local, crm_fields)
    result = merge(local, crm_fields, base, world.settings.priority, proxy.resolution)
    people = _people(world, proxy, native, result, base)
    actions: list[Action] = []
    uid = native.uid if native else (proxy.uid or _new_uid(world, proxy))
    native_actions = _native_actions(world, proxy, native, result.agreed, result.to_local,
                                     uid, title)
    # Rule 1 both ways: the CRM learns the UID at the sync that creates the item.
    will_exist = native is not None or any(isinstance(a, CreateNative) for a in native_actions)
    integration = uid if will_exist and proxy.crm.integration_id != uid else None
    extra = people.crm_extra if people is not None else {}
    if result.to_crm or integration or extra:
        actions.append(UpdateCrm(proxy.id, title, crm_id=proxy.crm.id, changes=result.to_crm,
                                 timestamp=proxy.crm.timestamp, integration_id=integration,
                                 extra=extra))
    if people is not None and ("needs_review" in extra or "review_reason" in extra):
        actions.append(SetReview(proxy.id, title, entries=tuple(people.review)))
        if "repeat" in result.to_crm:
            actions.extend(series_notes(world, proxy, native, title))
    actions.extend(native_actions)
    local = {k: result.agreed[k] for k in CRM_ONLY_FIELDS}
    invitees = bool(native.attendees) if native is not None else proxy.invitees
    save = SaveProxy(proxy.id, title, base=result.base(), local=local,
                     conflict=tuple(result.conflicts), resolved=tuple(result.resolved),
                     invitees=invitees)
    if _changes_anything(proxy, save, actions):
        actions.append(save)
    return actions


def _people(world: World, proxy: ProxyRow, native: NativeItem | None, result: Merge,
            base: Fields) -> PeopleChange | None:
    assert proxy.crm is not None
    return after_merge(proxy.id, native, result.agreed, result.to_crm, result.to_local, base,
                       proxy.crm, world.people, world.identity)


def _native_actions(world: World, proxy: ProxyRow, native: NativeItem | None,
                    agreed: Fields, to_local: Fields, uid: str, title: str) -> list[Action]:
    """Rule 4 (which component) and rule 5 (a Display In change recreates it)."""
    want = component_for(agreed["display_in"], agreed["planned_start"])
    have = native.component if native is not None else None
    native_fields = {k: agreed[k] for k in NATIVE_FIELDS}
    link = world.settings.crm_link_line      # Aurea's link line in the description
    if native is not None and native.is_occurrence:
        want = have         # an occurrence stays what its series is (rule 17)
    if want == have:
        changes = {k: v for k, v in to_local.items() if k in NATIVE_FIELDS}
        relink = native is not None and bool(native.crm_link) != link
        if native is not None and (changes or relink):
            series = series_write(world, native, agreed) if "repeat" in changes else None
            return [UpdateNative(proxy.id, title, href=native.href, changes=changes,
                                 series=series, link=link if relink else None)]
        return []
    actions: list[Action] = []
    if native is not None:
        actions.append(DeleteNative(proxy.id, title, href=native.href,
                                    reason="Display In changed"))
    # Another rep's meeting arrives as an invitation; crmdesk does not copy it.
    may_create = proxy.origin is Origin.CRM or is_owner(world, proxy)
    if want is not None and (native is not None or (may_create and in_window(world, agreed))):
        actions.append(CreateNative(proxy.id, title, uid=uid, component=want,
                                    fields=native_fields,
                                    series=series_write(world, None, agreed), link=link))
    return actions


def _new_uid(world: World, proxy: ProxyRow) -> str:
    assert proxy.crm is not None
    if proxy.crm.integration_id:
        return proxy.crm.integration_id
    return f"crm-{proxy.crm.id}@{world.uid_namespace}"


def _changes_anything(proxy: ProxyRow, save: SaveProxy, actions: list[Action]) -> bool:
    if actions or proxy.resolution or proxy.state != ("conflict" if save.conflict else "synced"):
        return True
    return save.base != (proxy.base or {}) or save.local != proxy.local \
        or list(save.conflict) != proxy.conflict or save.invitees != proxy.invitees

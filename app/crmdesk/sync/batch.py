"""Batched CRM work (issue 7): never one query per item.

The natural-key checks (rule 2) and the creates of many shares take a few
requests in all, and the UID write-backs (rule 1) of many new calendar
items one request per few hundred.  Both stay idempotent for crash safety:
an interrupted batch create is found again by key 1 on the next run.  When a
batch call fails, the items fall back to the one-by-one path, where each
failure stays with its own item.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmdesk.crm.base import NewActivity
from crmdesk.errors import CrmDeskError
from crmdesk.model import CrmRecord, Origin
from crmdesk.model.occurrence import crm_instant
from crmdesk.model.series import crm_values
from crmdesk.sync.actions import CreateCrm
from crmdesk.sync.report import ReportEntry

if TYPE_CHECKING:
    from crmdesk.sync.context import Context


def create_crm_batch(actions: list[CreateCrm], ctx: "Context") -> set[int]:
    """All of a plan's shares at once; returns the proxy ids that now have their
    record.  On a failure the caller applies them one by one (`create_shares`
    with one action), so that each error stays with its own item."""
    if len(actions) < 2:
        return set()
    try:
        return create_shares(actions, ctx)
    except CrmDeskError:
        return set()


def create_shares(actions: list[CreateCrm], ctx: "Context") -> set[int]:
    """Rule 2: key 1, joining another rep's meeting, key 2; create the rest.
    An occurrence of a series (rule 17) is looked for among the series'
    occurrences by its recurrence_id instead."""
    me = ctx.identity.employee_id
    taken = ctx.store.linked_crm_ids()
    done: set[int] = set()
    plain = [a for a in actions if a.series is None]
    by_uid = ctx.crm.find_by_integration_ids([a.uid for a in plain if a.uid], me) \
        if plain else {}
    rest = [a for a in plain if not _link(ctx, a, by_uid.get(a.uid), taken, done)]
    rest = [a for a in rest if not _join(ctx, a, taken, done)]
    if rest:
        keys = [(a.fields["description"], a.fields["planned_start"]) for a in rest]
        by_subject = ctx.crm.find_by_subjects(keys, me)
        rest = [a for a, key in zip(rest, keys)
                if not _link(ctx, a, by_subject.get(key), taken, done)]
    rest += _find_occurrences([a for a in actions if a.series is not None], ctx, taken, done)
    if rest:
        ctx.checkpoint("before CreateCrm")
        records = ctx.crm.create([NewActivity(fields=crm_values(a.fields)[0],
                                              extra={**crm_values(a.fields)[1], **a.extra,
                                                     **_occurrence_columns(a)},
                                              integration_id=a.uid or "",
                                              origin=str(Origin.CALENDAR),
                                              owner=me if a.owner is None else a.owner,
                                              employees=a.team)
                                  for a in rest])
        for action, record in zip(rest, records):
            _store(ctx, action, record)
            ctx.report.crm.created += 1
            done.add(action.proxy_id)
        ctx.checkpoint("after CreateCrm")
    return done


def _link(ctx: "Context", action: CreateCrm, record: CrmRecord | None, taken: set[int],
          done: set[int], how: str = "linked to") -> bool:
    if record is None or record.id in taken:
        return False
    taken.add(record.id)
    done.add(action.proxy_id)
    _store(ctx, action, record)
    ctx.report.linked.append(ReportEntry(key=action.uid, title=action.title,
                                         reason=f"{how} existing CRM activity {record.id}"))
    return True


def _join(ctx: "Context", action: CreateCrm, taken: set[int], done: set[int]) -> bool:
    """Someone else's meeting: join the organizer's activity (rule 2 across reps)."""
    if not action.organizer or action.organizer in ctx.identity.emails:
        return False
    if action.series is not None:
        record = ctx.crm.join_shared(action.uid, action.organizer, action.recurrence_id)
    else:
        record = ctx.crm.join_shared(action.uid, action.organizer)
    return _link(ctx, action, record, taken, done, "joined the team of")


def _find_occurrences(actions: list[CreateCrm], ctx: "Context", taken: set[int],
                      done: set[int]) -> list[CreateCrm]:
    """Rule 2 for occurrences (rule 17): the series' occurrence with the same
    recurrence_id (an interrupted run's, or another rep's); the ones not
    found are returned, to be created."""
    if not actions:
        return []
    known = {}
    for record in ctx.crm.find_occurrences(sorted({a.series for a in actions
                                                   if a.series is not None})):
        key = (record.extra.get("series"), crm_instant(record.extra.get("recurrence_id")))
        known.setdefault(key, record)
    rest = []
    for action in actions:
        found = known.get((action.series, action.recurrence_id))
        if not _link(ctx, action, found, taken, done) and not _join(ctx, action, taken, done):
            rest.append(action)
    return rest


def _occurrence_columns(action: CreateCrm) -> dict[str, object]:
    if action.series is None or action.recurrence_id is None:
        return {}
    return {"series": action.series, "recurrence_id": action.recurrence_id.isoformat()}


def _store(ctx: "Context", action: CreateCrm, record: CrmRecord) -> None:
    # As in the one-by-one path: the calendar's view is the base, so where a
    # record found by natural key differs, the CRM's values win.
    ctx.store.update_proxy(action.proxy_id, crm=record, crm_deleted=False, base=action.fields,
                           state="synced", detail="")
    if action.review:
        ctx.store.set_review(action.proxy_id, action.review)


def write_back_uids(ctx: "Context") -> None:
    """Rule 1 for every new calendar item of this sync, in a few requests."""
    pending, ctx.deferred_uids = ctx.deferred_uids, []
    if not pending:
        return
    ctx.checkpoint("before UpdateCrm")
    try:
        records = ctx.crm.write_integration_ids([(crm_id, uid, ts)
                                                 for _, crm_id, uid, ts in pending])
    except CrmDeskError as exc:
        for proxy_id, _, uid, _ in pending:
            reason = (f"the CRM did not take the calendar UID ({exc}); "
                      "it is sent again next time")
            ctx.report.errors.append(ReportEntry(key=uid, title=uid, reason=reason))
            if ctx.store.proxy(proxy_id) is not None:
                # Not settled: the next sync plans it again and resends the UID.
                ctx.store.update_proxy(proxy_id, state="error", detail=reason)
        return
    by_id = {record.id: record for record in records}
    for proxy_id, crm_id, _, _ in pending:
        if crm_id in by_id and ctx.store.proxy(proxy_id) is not None:
            ctx.store.update_proxy(proxy_id, crm=by_id[crm_id])
    ctx.checkpoint("after UpdateCrm")

"""The review queue and the address book in the store, and the service over
them (rule 13); no servers (tests/integration/test_review_service.py has the CRM)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import pytest

from crmdesk.errors import UserError
from crmdesk.model import Origin, Reference
from crmdesk.model.people import AMBIGUOUS, UNKNOWN, ReviewEntry
from crmdesk.service import AppService
from crmdesk.settings import Profile
from crmdesk.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    made = Store(tmp_path / "s.sqlite")
    yield made
    made.close()


def _proxy(store: Store) -> int:
    return store.add_proxy(origin=Origin.CALENDAR, uid="u", href=None)


def test_rule_13_open_entries_round_trip_with_candidates(store: Store) -> None:
    pid = _proxy(store)
    entries = [ReviewEntry(pid, "new@x.example", UNKNOWN),
               ReviewEntry(pid, "twice@x.example", AMBIGUOUS, (("contact", 4), ("employee", 2)))]
    store.set_review(pid, entries)
    assert store.review_entries() == entries


def test_set_review_replaces_the_open_rows_of_that_proxy_only(store: Store) -> None:
    first, second = _proxy(store), _proxy(store)
    store.set_review(first, [ReviewEntry(first, "a@x.example", UNKNOWN)])
    store.set_review(second, [ReviewEntry(second, "b@x.example", UNKNOWN)])
    store.set_review(first, [ReviewEntry(first, "c@x.example", UNKNOWN)])
    assert [(e.proxy_id, e.address) for e in store.review_entries()] == [
        (first, "c@x.example"), (second, "b@x.example")]
    store.set_review(first, [])
    assert [e.proxy_id for e in store.review_entries()] == [second]


def test_addresses_are_kept_in_normal_form(store: Store) -> None:
    pid = _proxy(store)
    store.set_review(pid, [ReviewEntry(pid, "mailto:Jane.Doe@X.example", UNKNOWN)])
    assert store.review_entries()[0].address == "jane.doe@x.example"


def test_a_dismissed_entry_stays_dismissed_across_syncs(store: Store) -> None:
    pid = _proxy(store)
    entry = ReviewEntry(pid, "a@x.example", UNKNOWN)
    store.set_review(pid, [entry, ReviewEntry(pid, "b@x.example", UNKNOWN)])
    store.dismiss(pid, "A@x.example")
    assert [e.address for e in store.review_entries()] == ["b@x.example"]
    assert store.dismissed([pid]) == {(pid, "a@x.example")}
    # the next sync finds the address unresolved again: it is not reopened
    store.set_review(pid, [entry])
    assert store.review_entries() == []
    assert store.dismissed([pid]) == {(pid, "a@x.example")}


def test_dismiss_without_an_open_row_is_remembered(store: Store) -> None:
    pid = _proxy(store)
    store.dismiss(pid, "late@x.example")
    assert store.dismissed([pid, pid + 1]) == {(pid, "late@x.example")}


def test_dismissed_reads_many_proxies(store: Store) -> None:
    pids = [_proxy(store) for _ in range(3)]
    for pid in pids:
        store.dismiss(pid, "a@x.example")
    ids = list(range(1, 1200)) + pids            # more ids than one statement takes
    assert store.dismissed(ids) == {(pid, "a@x.example") for pid in pids}
    assert store.dismissed([]) == set()


def test_drop_review_forgets_open_and_dismissed_rows(store: Store) -> None:
    pid, other = _proxy(store), _proxy(store)
    store.set_review(pid, [ReviewEntry(pid, "a@x.example", UNKNOWN)])
    store.set_review(other, [ReviewEntry(other, "a@x.example", UNKNOWN)])
    store.dismiss(pid, "b@x.example")
    store.drop_review(pid)
    assert [e.proxy_id for e in store.review_entries()] == [other]
    assert store.dismissed([pid]) == set()


def test_address_book_answers_the_known_addresses_case_insensitively(store: Store) -> None:
    store.remember_addresses({"Jane@X.example": [("contact", 7)],
                              "nobody@x.example": [],
                              "two@x.example": [("contact", 1), ("employee", 3)]})
    book = store.address_book(["jane@x.example", "TWO@x.example", "nobody@X.example",
                               "unknown@x.example"])
    assert book == {"jane@x.example": ((("contact", 7),), "crm"),
                    "two@x.example": ((("contact", 1), ("employee", 3)), "crm"),
                    "nobody@x.example": ((), "crm")}
    assert store.address_book([]) == {}


def test_the_crm_updates_its_own_answers(store: Store) -> None:
    store.remember_addresses({"jane@x.example": []})
    store.remember_addresses({"jane@x.example": [("contact", 7)]})
    assert store.address_book(["jane@x.example"])["jane@x.example"] == ((("contact", 7),), "crm")


def test_the_reps_choice_is_never_overwritten_by_the_crm(store: Store) -> None:
    store.remember_addresses({"jane@x.example": [("contact", 1), ("contact", 2)]})
    store.choose_for_address("Jane@x.example", "contact", 2)
    store.remember_addresses({"jane@x.example": [("contact", 1), ("contact", 2)],
                              "other@x.example": [("employee", 5)]})
    book = store.address_book(["jane@x.example", "other@x.example"])
    assert book["jane@x.example"] == ((("contact", 2),), "rep")
    assert book["other@x.example"] == ((("employee", 5),), "crm")
    # a later choice of the rep replaces her earlier one
    store.choose_for_address("jane@x.example", "employee", 9)
    assert store.address_book(["jane@x.example"])["jane@x.example"] == (
        (("employee", 9),), "rep")


def test_many_addresses_in_one_look_up(store: Store) -> None:
    found = {f"p{n}@x.example": [("contact", n)] for n in range(1300)}
    store.remember_addresses(found)
    book = store.address_book(list(found))
    assert len(book) == 1300 and book["p1299@x.example"] == ((("contact", 1299),), "crm")


# -- the service over the queue (AppService on a profile with no servers) -------------

@pytest.fixture
def app(tmp_path: Path) -> Iterator[AppService]:
    service = AppService(Profile.at(tmp_path / "profile"))
    yield service
    service.close()


def _listed(app: AppService, title: str, address: str, day: int,
            candidates: tuple[tuple[str, int], ...] = (), state: str = "synced") -> int:
    start = datetime(2030, 5, day, 9, tzinfo=timezone.utc)
    pid = app.store.add_proxy(origin=Origin.CALENDAR, uid=title, state=state)
    app.store.update_proxy(pid, base={"description": title, "planned_start": start,
                                      "planned_end": start + timedelta(hours=1)})
    reason = AMBIGUOUS if candidates else UNKNOWN
    app.store.set_review(pid, [ReviewEntry(pid, address, reason, candidates)])
    return pid


def test_rule_13_review_items_say_why_and_who_by_the_activitys_start(app: AppService) -> None:
    app.store.put_ref(Reference("contact", 4, "Jane Doe", "jane@x.example"))
    later = _listed(app, "Review", "jane@x.example", 9, (("contact", 4), ("employee", 8)))
    sooner = _listed(app, "Kick-off", "new@x.example", 6)
    gone = _listed(app, "Gone", "gone@x.example", 7)
    app.store.delete_proxy(gone)
    items = app.review_items()
    assert [(i.proxy_id, i.title, i.address, i.reason) for i in items] == [
        (sooner, "Kick-off", "new@x.example",
         "No contact or employee in the CRM has this address."),
        (later, "Review", "jane@x.example", "2 CRM records have this address.")]
    assert items[0].start == datetime(2030, 5, 6, 9, tzinfo=timezone.utc)
    # a record the local cache lacks is shown by its kind and id
    assert [(r.kind, r.id, r.name) for r in items[1].candidates] == [
        ("contact", 4, "Jane Doe"), ("employee", 8, "#8")]
    assert app.review_count() == 2


def test_pick_for_review_takes_a_person_of_a_listed_activity(app: AppService) -> None:
    pid = _listed(app, "Kick-off", "new@x.example", 6)
    with pytest.raises(UserError, match="contact or an employee"):
        app.pick_for_review(pid, "new@x.example", Reference("account", 1, "Acme"))
    with pytest.raises(UserError, match="no longer in the local store"):
        app.pick_for_review(pid + 1, "new@x.example", Reference("contact", 1, "Pat"))
    app.pick_for_review(pid, "NEW@x.example", Reference("employee", 5, "Pat"))
    assert app.store.address_book(["new@x.example"]) == {
        "new@x.example": ((("employee", 5),), "rep")}
    assert app.review_items() == [] and app.store.proxy(pid).state == "pending"


def test_dismiss_review_resyncs_only_a_settled_activity(app: AppService) -> None:
    synced = _listed(app, "Kick-off", "new@x.example", 6)
    torn = _listed(app, "Review", "new@x.example", 7, state="conflict")
    app.dismiss_review(synced, "new@x.example")
    app.dismiss_review(torn, "new@x.example")
    assert app.review_items() == []
    assert app.store.dismissed([synced, torn]) == {(synced, "new@x.example"),
                                                   (torn, "new@x.example")}
    assert (app.store.proxy(synced).state, app.store.proxy(torn).state) == ("pending",
                                                                            "conflict")
    with pytest.raises(UserError):
        app.dismiss_review(torn + 1, "new@x.example")

"""The lookups cache (store/refs.py): ranked search, complete and incomplete
records, upserts, and an index that follows writes made by other connections."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmdesk.errors import UserError
from crmdesk.model import Reference
from crmdesk.service import AppService
from crmdesk.settings import Profile
from crmdesk.store import Store
from crmdesk.store.refs import KindIndex, linear_search


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "s.sqlite")


def names(refs: list[Reference]) -> list[str]:
    return [r.name for r in refs]


def contacts(*specs: str | tuple[str, str] | Reference) -> list[Reference]:
    """Contacts numbered in order: a name, (name, e-mail), or a Reference."""
    out = []
    for number, spec in enumerate(specs, 1):
        if isinstance(spec, Reference):
            out.append(spec)
        elif isinstance(spec, tuple):
            out.append(Reference("contact", number, spec[0], spec[1]))
        else:
            out.append(Reference("contact", number, spec))
    return out


def test_rank_exact_then_prefix_then_word_prefix_then_substring_then_email(
        store: Store) -> None:
    store.replace_refs(contacts(
        ("Zed Zimmer", "ann@zimmer.example"),     # e-mail only
        "Joanne Smith",                           # substring of the name
        "Mary-Ann Lee",                           # word prefix after a hyphen
        "Lee Ann",                                # word prefix after a blank
        "Annabel Ash",                            # name prefix
        "Ann"))                                   # exact
    assert names(store.search_refs("contact", "ann", 10)) == [
        "Ann", "Annabel Ash", "Lee Ann", "Mary-Ann Lee", "Joanne Smith", "Zed Zimmer"]


def test_ties_put_complete_first_then_shorter_names_then_by_name(store: Store) -> None:
    store.replace_refs([
        Reference("account", 1, "Acme Trading Ltd", complete=False),
        Reference("account", 2, "Acme Zeta", complete=True),
        Reference("account", 3, "Acme Beta", complete=True),
        Reference("account", 4, "Acme", complete=False),
        Reference("account", 5, "Acme Trading", complete=True)])
    found = store.search_refs("account", "acm", 10)
    # (no exact match) all are name prefixes: complete ones first, shorter, then by name
    assert names(found) == ["Acme Beta", "Acme Zeta", "Acme Trading", "Acme",
                            "Acme Trading Ltd"]
    assert [r.complete for r in found] == [True, True, True, False, False]
    # an exact name still beats a complete prefix match
    assert names(store.search_refs("account", "ACME", 2)) == ["Acme", "Acme Beta"]


def test_search_ignores_case_including_non_ascii_letters(store: Store) -> None:
    store.replace_refs(contacts("Jürgen Müller", "Hans Straße", "Ørsted Energy"))
    assert names(store.search_refs("contact", "MÜL", 5)) == ["Jürgen Müller"]
    assert names(store.search_refs("contact", "strasse", 5)) == ["Hans Straße"]
    assert names(store.search_refs("contact", "  ørs ", 5)) == ["Ørsted Energy"]


def test_kinds_limits_and_no_match(store: Store) -> None:
    store.replace_refs([Reference("account", 1, "Borealis"),
                        Reference("contact", 1, "Bora Bora"),
                        Reference("opportunity", 7, "Borealis renewal", detail="Borealis")])
    assert names(store.search_refs("account", "bor", 10)) == ["Borealis"]
    assert names(store.search_refs("opportunity", "bor", 10)) == ["Borealis renewal"]
    assert store.search_refs("account", "xyz", 10) == []
    assert store.search_refs("account", "bor", 0) == []
    assert store.search_refs("employee", "bor", 10) == []


def test_without_text_complete_records_come_first_by_name(store: Store) -> None:
    store.replace_refs(contacts(Reference("contact", 1, "Zoe", complete=True),
                                Reference("contact", 2, "Adam", complete=False),
                                Reference("contact", 3, "Bea", complete=True)))
    assert names(store.search_refs("contact", "", 10)) == ["Bea", "Zoe", "Adam"]
    assert names(store.search_refs("contact", "  ", 2)) == ["Bea", "Zoe"]


def test_limit_keeps_the_best_ranked(store: Store) -> None:
    refs = contacts(*[f"Customer {i:04d}" for i in range(2000)], "Cust")
    store.replace_refs(refs)
    found = store.search_refs("contact", "cust", 3)
    assert names(found) == ["Cust", "Customer 0000", "Customer 0001"]


def test_complete_and_account_round_trip_and_put_ref_upserts(store: Store) -> None:
    contact = Reference("contact", 5, "Ann Lee", "ann@acme.example", "Acme", complete=False,
                        account=9)
    store.replace_refs([contact, Reference("account", 9, "Acme")])
    assert store.ref("contact", 5) == contact
    assert store.ref_count() == 2
    assert store.search_refs("contact", "ann", 5) == [contact]

    renamed = Reference("contact", 5, "Ann Lee-Smith", "ann@acme.example", "Acme",
                        complete=True, account=9)
    store.put_ref(renamed)
    store.put_ref(Reference("contact", 6, "Bob Ray"))
    assert store.ref("contact", 5) == renamed
    assert store.ref_count() == 3
    assert store.search_refs("contact", "smith", 5) == [renamed]     # the index followed
    assert store.refs_by_ids("contact", [6, 5, 404, 5]) == {
        5: renamed, 6: Reference("contact", 6, "Bob Ray")}
    assert store.refs_by_ids("contact", []) == {}


def test_refs_by_ids_takes_long_lists(store: Store) -> None:
    store.replace_refs([Reference("account", i, f"Account {i}") for i in range(1, 1201)])
    found = store.refs_by_ids("account", range(1, 1301))
    assert len(found) == 1200 and found[1200].name == "Account 1200"


def test_an_index_follows_writes_of_another_connection(tmp_path: Path) -> None:
    """The GUI's Store searches while a sync's Store replaces the cache."""
    gui, sync = Store(tmp_path / "s.sqlite"), Store(tmp_path / "s.sqlite")
    sync.replace_refs(contacts("Old Name"))
    assert names(gui.search_refs("contact", "name", 5)) == ["Old Name"]
    sync.replace_refs(contacts("New Name", "Other Name"))
    assert names(gui.search_refs("contact", "name", 5)) == ["New Name", "Other Name"]
    sync.put_ref(Reference("contact", 2, "Bob Ray"))
    assert names(gui.search_refs("contact", "name", 5)) == ["New Name"]
    gui.close()
    sync.close()


def test_a_failed_replace_keeps_the_old_cache(store: Store) -> None:
    store.replace_refs(contacts("Kept"))
    unstorable = Reference("contact", 2, ["not", "text"])  # type: ignore[arg-type]
    with pytest.raises(sqlite3.ProgrammingError):
        store.replace_refs([Reference("contact", 1, "New"), unstorable])
    assert names(store.search_refs("contact", "", 5)) == ["Kept"]


WORDS = st.sampled_from(["an", "ann", "Anna", "Ånna", "ma", "Mary", "lee", "ee", "-", " ",
                         "Ann-Lee", "x"])


@settings(max_examples=150, deadline=None)
@given(people=st.lists(st.tuples(st.lists(WORDS, min_size=1, max_size=4), st.booleans(),
                                 st.sampled_from(["", "ann@x.example", "lee@y.example"])),
                       max_size=30),
       query=st.lists(WORDS, min_size=0, max_size=2), limit=st.integers(0, 8))
def test_the_index_answers_as_a_plain_scan_does(
        people: list[tuple[list[str], bool, str]], query: list[str], limit: int) -> None:
    refs = [Reference("contact", i, "".join(parts), email, complete=complete)
            for i, (parts, complete, email) in enumerate(people)]
    text = "".join(query)
    assert KindIndex(refs).search(text, limit) == linear_search(refs, text, limit)


# -- the service's side ---------------------------------------------------------

def test_service_references_searches_the_cache(tmp_path: Path) -> None:
    service = AppService(Profile.at(tmp_path / "profile"))
    try:
        service.store.replace_refs(contacts("Ann Lee", "Joanne Ann"))
        assert names(service.references("contact", "ann")) == ["Ann Lee", "Joanne Ann"]
        assert names(service.references("contact", "ann", limit=1)) == ["Ann Lee"]
    finally:
        service.close()


@pytest.mark.parametrize("ref, name, words", [
    (Reference("contact", 1, "Ann Lee", complete=False), "Ann", "read-only"),
    (Reference("opportunity", 1, "Fleet renewal"), "Fleet", "Only contacts and accounts"),
    (Reference("account", 1, "Acme"), "  ", "must not be empty"),
    (Reference("contact", 1, "Ann Lee"), "Ann", "is not an e-mail address"),
])
def test_service_refuses_edits_it_must_not_send(tmp_path: Path, ref: Reference, name: str,
                                                words: str) -> None:
    """Checked before any connection is made (none is configured here)."""
    service = AppService(Profile.at(tmp_path / "profile"))
    try:
        with pytest.raises(UserError, match=words):
            service.update_reference(ref, name, "not an address" if "e-mail" in words else "")
    finally:
        service.close()

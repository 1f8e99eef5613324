"""Rule 7 and 20 at the level of the merge function, checked with Hypothesis."""

from __future__ import annotations

from hypothesis import given, strategies as st

from crmdesk.model import ALL_FIELDS
from crmdesk.settings.model import Priority
from crmdesk.sync.merge import merge

values = st.sampled_from(["a", "b", "c"])
sides = st.fixed_dictionaries({name: values for name in ALL_FIELDS})


@given(base=sides, local=sides, crm=sides, priority=st.sampled_from(list(Priority)))
def test_rule_7_merge_invariants(base: dict, local: dict, crm: dict, priority: Priority) -> None:
    out = merge(local, crm, base, priority, {})
    for name in ALL_FIELDS:
        l, c, b = local[name], crm[name], base[name]
        if l == c:
            assert out.agreed[name] == l and name not in out.to_crm and name not in out.to_local
        elif l == b:        # changed in the CRM only
            assert out.to_local[name] == c
        elif c == b:        # changed in the calendar only
            assert out.to_crm[name] == l
        elif priority is Priority.ASK:
            assert name in out.conflicts and name not in out.to_crm and name not in out.to_local
        else:
            assert name in out.resolved
            assert (name in out.to_local) == (priority is Priority.CRM)
        # nothing is ever sent to a side that already holds the value
        assert out.to_crm.get(name, object()) != c
        assert out.to_local.get(name, object()) != l


def test_rule_20_equal_content_is_never_a_change() -> None:
    same = {name: "x" for name in ALL_FIELDS}
    out = merge(same, same, {name: "y" for name in ALL_FIELDS}, Priority.ASK, {})
    assert not out.to_crm and not out.to_local and not out.conflicts

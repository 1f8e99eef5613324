"""Field-level three-way merge against the base (rules 7 and 20)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from crmdesk.model import ALL_FIELDS, Fields
from crmdesk.settings.model import Priority

_MISSING = object()


@dataclass
class Merge:
    agreed: Fields = field(default_factory=dict)     # the value each side should hold
    to_crm: Fields = field(default_factory=dict)     # local changes the CRM lacks
    to_local: Fields = field(default_factory=dict)   # CRM changes the calendar/proxy lacks
    conflicts: list[str] = field(default_factory=list)   # pending ("ask", undecided)
    resolved: list[str] = field(default_factory=list)    # decided by priority or the rep
    unbased: list[str] = field(default_factory=list)     # pending, and never agreed on

    def base(self) -> Fields:
        """The new base.  A pending conflict keeps its last agreed value (both
        sides still differ from it, so it stays a conflict); one that never had
        an agreed value gets none."""
        return {k: v for k, v in self.agreed.items() if k not in self.unbased}


def merge(local: Mapping[str, object], crm: Mapping[str, object],
          base: Mapping[str, object] | None, priority: Priority,
          resolution: Mapping[str, str]) -> Merge:
    """Merge `local` and `crm` field by field against `base`.

    A field missing from `base` has no agreed value: different values on the
    two sides are then a conflict (first sync correlation, rule 3).
    """
    out = Merge()
    for name in ALL_FIELDS:
        l_val, c_val = local.get(name), crm.get(name)
        b_val = _MISSING if base is None else base.get(name, _MISSING)
        if l_val == c_val:
            out.agreed[name] = l_val
        elif b_val is not _MISSING and l_val == b_val:
            out.agreed[name] = out.to_local[name] = c_val
        elif b_val is not _MISSING and c_val == b_val:
            out.agreed[name] = out.to_crm[name] = l_val
        else:
            _conflict(out, name, l_val, c_val, b_val, priority, resolution.get(name))
    return out


def _conflict(out: Merge, name: str, l_val: object, c_val: object, b_val: object,
              priority: Priority, choice: str | None) -> None:
    winner = choice or (None if priority is Priority.ASK else str(priority))
    if winner == "crm":
        out.agreed[name] = out.to_local[name] = c_val
        out.resolved.append(name)
    elif winner == "calendar":
        out.agreed[name] = out.to_crm[name] = l_val
        out.resolved.append(name)
    else:
        out.conflicts.append(name)
        if b_val is _MISSING:
            out.unbased.append(name)
        out.agreed[name] = b_val if b_val is not _MISSING else c_val

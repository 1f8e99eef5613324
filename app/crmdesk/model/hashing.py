"""Stable content hashes of normalized fields (rule 20).

Change detection compares these hashes, never timestamps or bare ETag
changes: a calendar app that rewrites DTSTAMP or reorders properties does
not change the hash, an edit of any synced field does.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable, Mapping

from crmdesk.model.activity import DEFAULTS, NATIVE_FIELDS, fields_to_json, normalize_fields


def content_hash(component: str, fields: Mapping[str, Any],
                 names: Iterable[str] = NATIVE_FIELDS) -> str:
    """sha256 hex digest of `component` and the normal form of `names`.

    Missing fields count as their default, so a partial mapping and the
    same mapping with defaults filled in hash alike.
    """
    wanted = tuple(names)
    normal = normalize_fields({**{n: DEFAULTS[n] for n in wanted}, **dict(fields)})
    payload = {name: normal[name] for name in wanted}
    text = json.dumps(
        {"component": component.upper(), "fields": fields_to_json(payload)},
        sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()

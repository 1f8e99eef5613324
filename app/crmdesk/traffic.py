"""Bytes on the wire per server, counted by a requests response hook.

The sync report (rule 22, issue 7) shows requests, bytes and time per phase,
so a slow sync can be told apart from a big one without a profiler.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import requests


@dataclass
class Traffic:
    sent: int = 0
    received: int = 0

    def hook(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        body = response.request.body if response.request is not None else None
        self.sent += len(body) if isinstance(body, (bytes, str)) else 0
        # Content-Length when given, so that counting never forces a download.
        length = response.headers.get("Content-Length")
        self.received += int(length) if length and length.isdigit() else len(response.content)

    @classmethod
    def attach(cls, session: requests.Session) -> "Traffic":
        traffic = cls()
        session.hooks["response"].append(traffic.hook)
        return traffic

    def to_json(self) -> dict[str, int]:
        return {"sent": self.sent, "received": self.received}

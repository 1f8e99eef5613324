"""Retries with backoff and a cap, for requests that are safe to repeat.

Both connectors use one policy: a request is sent again only when repeating
it can't do anything twice — a read, or a write whose precondition (If-Match,
If-None-Match, Tryton's `_timestamp`) turns a repeat of a write that did
land into a refusal.  Waits grow (0.3 s, 0.6 s … at most `cap`) with
jitter; a `Retry-After` the server sends is honoured up to `max_wait`, and a
longer one is not waited for: the caller says so instead.
"""

from __future__ import annotations

import logging
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Callable

log = logging.getLogger("crmdesk.net")

# Answers that say "not now" rather than "never": worth one more try.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how patiently one request is repeated."""

    attempts: int = 3          # tries in all, the first one included
    base: float = 0.3          # the first wait, in seconds
    cap: float = 3.0           # the longest wait between two tries
    max_wait: float = 30.0     # a longer Retry-After is not waited for

    def delay(self, retry: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before retry number `retry` (1 for the first retry)."""
        if retry_after is not None:
            return retry_after
        step = min(self.cap, self.base * 2 ** (retry - 1))
        return step / 2 + rng.random() * step / 2


NO_RETRY = RetryPolicy(attempts=1)


@dataclass
class Backoff:
    """The retries of one request: `if backoff.again(...)` then send again."""

    policy: RetryPolicy
    what: str = ""                                     # for the log
    sleep: Callable[[float], None] = time.sleep
    rng: random.Random = field(default_factory=random.Random)
    tries: int = 1

    def again(self, why: str, retry_after: float | None = None) -> bool:
        """Wait and return True when one more try is allowed, else False."""
        if self.tries >= self.policy.attempts:
            return False
        if retry_after is not None and retry_after > self.policy.max_wait:
            return False
        wait = self.policy.delay(self.tries, retry_after, self.rng)
        log.info("%s: %s; trying again in %.1f s", self.what, why, wait)
        self.sleep(wait)
        self.tries += 1
        return True


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """The wait a Retry-After header asks for (seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())

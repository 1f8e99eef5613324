"""The item form says how a series repeats (issue 4), in words."""

from __future__ import annotations

import pytest

from crmdesk.ui.repeat_text import repeat_text


@pytest.mark.parametrize("rule, words", [
    ("FREQ=DAILY", "Every day"),
    ("FREQ=DAILY;INTERVAL=3;COUNT=5", "Every 3 days, 5 times"),
    ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "Every weekday"),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", "Every 2 weeks on Mon"),
    ("FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20270301T000000Z", "Every week on Tue, Thu, until Mon 01 Mar 2027"),
    ("FREQ=MONTHLY;BYDAY=2TU", "Every month"),
    ("FREQ=YEARLY", "Every year"),
    ("FREQ=HOURLY;COUNT=3", "FREQ=HOURLY;COUNT=3"),
])
def test_a_series_is_described_in_words(qapp, rule: str, words: str) -> None:
    assert repeat_text(rule) == words

"""Titles in narrow week-view boxes wrap at words and elide, never split words."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont, QFontMetrics

from crmdesk.ui.calendar.weekview import wrap_lines

pytestmark = pytest.mark.gui


@pytest.fixture
def metrics(qapp) -> QFontMetrics:
    return QFontMetrics(QFont())


def test_wraps_at_word_boundaries(metrics: QFontMetrics) -> None:
    width = metrics.horizontalAdvance("Prepare ACME") + 2
    assert wrap_lines(metrics, "Prepare ACME slides", width, 3) == ["Prepare ACME", "slides"]


def test_a_word_wider_than_the_box_is_elided_not_split(metrics: QFontMetrics) -> None:
    width = metrics.horizontalAdvance("Prep") + 2
    lines = wrap_lines(metrics, "Prepare ACME", width, 3)
    assert all(line.endswith("…") or line in ("Prepare", "ACME") for line in lines)
    assert "are" not in [line.strip("…") for line in lines]


def test_text_left_over_goes_into_an_elided_last_line(metrics: QFontMetrics) -> None:
    width = metrics.horizontalAdvance("Contract neg") + 2
    lines = wrap_lines(metrics, "Contract negotiation with Initech legal team", width, 2)
    assert len(lines) == 2 and lines[0] == "Contract" and lines[1].endswith("…")

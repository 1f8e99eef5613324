"""The painted week grid: 7 day columns, an all-day strip, hours that scroll.

The header (day names + all-day strip) stays put; only the hour grid
scrolls, so it is one QAbstractScrollArea that paints both parts itself.
Entries are rounded boxes coloured by share state; a click or the arrow
keys select one, and `selected` reports its key.  Text is drawn with
QPainter.drawText, which never interprets markup.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QColor, QFont, QFontMetrics, QKeyEvent, QMouseEvent, QPainter,
                           QPaintEvent, QPalette, QPen, QResizeEvent)
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from crmdesk.service_types import ItemView
from crmdesk.ui.calendar.layout import Bar, Segment, place_all_day, place_timed
from crmdesk.ui.look import local, look, title_text

GUTTER = 54
DAY_HEADER = 38
BAR_HEIGHT = 22
HOUR = 46
FIRST_VISIBLE_HOUR = 7
LAST_VISIBLE_HOUR = 20


class WeekView(QAbstractScrollArea):
    """A week of calendar entries; `set_week` feeds it."""

    selected = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._week_start = date.today() - timedelta(days=date.today().weekday())
        self._segments: list[Segment] = []
        self._bars: list[Bar] = []
        self._selected = ""
        self._filled = False
        self._empty_text = self.tr("Nothing this week")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.verticalScrollBar().setSingleStep(HOUR // 4)
        self.setMinimumHeight(DAY_HEADER + 8 * HOUR)
        self.setAccessibleName(self.tr("Week calendar"))

    # -- data ---------------------------------------------------------------

    def set_week(self, week_start: date, items: list[ItemView]) -> None:
        first_time = not self._filled
        self._filled = True
        self._week_start = week_start
        self._segments = place_timed(items, week_start)
        self._bars = place_all_day(items, week_start)
        self._update_scroll_range()
        if first_time:
            self.scroll_to_working_hours()
        self.viewport().update()

    def set_empty_text(self, text: str) -> None:
        self._empty_text = text
        self.viewport().update()

    def week_start(self) -> date:
        return self._week_start

    def keys(self) -> list[str]:
        """Keys in reading order (day, then time): the arrow-key order."""
        order = [(bar.first, -1.0, bar.item.key) for bar in self._bars]
        order += [(seg.day, seg.top, seg.item.key) for seg in self._segments]
        seen: list[str] = []
        for _, _, key in sorted(order):
            if key not in seen:
                seen.append(key)
        return seen

    def select(self, key: str) -> None:
        """Highlight `key` (without emitting), scrolling it into view."""
        self._selected = key
        for seg in self._segments:
            if seg.item.key == key:
                self._ensure_visible(seg)
                break
        self.viewport().update()

    def scroll_to_working_hours(self) -> None:
        self.verticalScrollBar().setValue(FIRST_VISIBLE_HOUR * HOUR)

    # -- geometry -----------------------------------------------------------

    def _header_height(self) -> int:
        rows = max((bar.row for bar in self._bars), default=-1) + 1
        return DAY_HEADER + max(rows, 1) * BAR_HEIGHT + 6

    def _day_width(self) -> float:
        return max(self.viewport().width() - GUTTER, 70) / 7

    def _update_scroll_range(self) -> None:
        visible = self.viewport().height() - self._header_height()
        bar = self.verticalScrollBar()
        bar.setPageStep(max(visible, 1))
        bar.setRange(0, max(24 * HOUR - visible, 0))

    def _segment_rect(self, seg: Segment) -> QRectF:
        """A timed entry's box in grid coordinates (00:00 at y = 0)."""
        lane_w = (self._day_width() - 6) / seg.lanes
        return QRectF(GUTTER + seg.day * self._day_width() + 2 + seg.lane * lane_w,
                      seg.top / 60 * HOUR + 1, lane_w - 2,
                      (seg.bottom - seg.top) / 60 * HOUR - 2)

    def _bar_rect(self, bar: Bar) -> QRectF:
        """An all-day bar's box in viewport coordinates (the strip does not scroll)."""
        day_w = self._day_width()
        return QRectF(GUTTER + bar.first * day_w + 2, DAY_HEADER + bar.row * BAR_HEIGHT + 1,
                      (bar.last - bar.first + 1) * day_w - 4, BAR_HEIGHT - 2)

    def _boxes(self) -> list[tuple[QRectF, str, bool]]:
        """(rect in viewport coordinates, key, scrolls with the grid) of every box."""
        offset = self._header_height() - self.verticalScrollBar().value()
        boxes = [(self._bar_rect(bar), bar.item.key, False) for bar in self._bars]
        boxes += [(self._segment_rect(seg).translated(0, offset), seg.item.key, True)
                  for seg in self._segments]
        return boxes

    def box_rect(self, key: str) -> QRectF | None:
        """Where `key` is drawn, in viewport coordinates (for tests/clicks)."""
        return next((rect for rect, box_key, _ in self._boxes() if box_key == key), None)

    def _ensure_visible(self, seg: Segment) -> None:
        top = seg.top / 60 * HOUR
        bar = self.verticalScrollBar()
        if top < bar.value() or top > bar.value() + bar.pageStep() - HOUR / 2:
            bar.setValue(int(top - HOUR / 2))

    # -- events -------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_scroll_range()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        point = event.position()
        header = self._header_height()
        for rect, key, scrolled in reversed(self._boxes()):
            if scrolled and point.y() < header:
                continue     # the header hides the grid scrolled under it
            if rect.contains(point):
                self._choose(key)
                return
        super().mousePressEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        step = {Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1,
                Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1}.get(Qt.Key(event.key()))
        keys = self.keys()
        if step is None or not keys:
            super().keyPressEvent(event)
            return
        index = keys.index(self._selected) + step if self._selected in keys else 0
        self._choose(keys[index % len(keys)])

    def _choose(self, key: str) -> None:
        self.select(key)
        self.selected.emit(key)

    # -- painting -----------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        painter.fillRect(self.viewport().rect(), palette.color(QPalette.ColorRole.Base))
        header = self._header_height()
        painter.save()
        painter.setClipRect(QRectF(0, header, self.viewport().width(),
                                   self.viewport().height() - header))
        painter.translate(0, header - self.verticalScrollBar().value())
        self._paint_hours(painter)
        for seg in self._segments:
            self._paint_segment(painter, seg)
        painter.restore()
        self._paint_header(painter, header)
        if not self._segments and not self._bars:
            self._paint_empty(painter, header)
        painter.end()

    def _today_index(self) -> int:
        return (date.today() - self._week_start).days

    def _paint_hours(self, painter: QPainter) -> None:
        width, day_w = self.viewport().width(), self._day_width()
        mid = self.palette().color(QPalette.ColorRole.Mid)
        today = self._today_index()
        if 0 <= today < 7:
            painter.fillRect(QRectF(GUTTER + today * day_w, 0, day_w, 24 * HOUR),
                             QColor(255, 244, 200, 70))
        for hour in range(24):
            shade = hour < FIRST_VISIBLE_HOUR or hour >= LAST_VISIBLE_HOUR
            if shade:
                painter.fillRect(QRectF(GUTTER, hour * HOUR, width - GUTTER, HOUR),
                                 QColor(0, 0, 0, 10))
            painter.setPen(QPen(mid, 1))
            painter.drawLine(QPointF(GUTTER, hour * HOUR), QPointF(width, hour * HOUR))
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(QRectF(0, hour * HOUR + 2, GUTTER - 8, 16),
                             int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop),
                             f"{hour:02d}:00")
        painter.setPen(QPen(mid, 1))
        for day in range(8):
            x = GUTTER + day * day_w
            painter.drawLine(QPointF(x, 0), QPointF(x, 24 * HOUR))
        self._paint_now(painter)

    def _paint_now(self, painter: QPainter) -> None:
        now = datetime.now().astimezone()
        day = (now.date() - self._week_start).days
        if not 0 <= day < 7:
            return
        y = (now.hour * 60 + now.minute) / 60 * HOUR
        x = GUTTER + day * self._day_width()
        painter.setPen(QPen(QColor("#d93025"), 2))
        painter.drawLine(QPointF(x, y), QPointF(x + self._day_width(), y))

    def _paint_segment(self, painter: QPainter, seg: Segment) -> None:
        rect = self._segment_rect(seg)
        start, end = local(seg.item.start), seg.item.end  # type: ignore[arg-type]
        times = f"{start:%H:%M}" + (f"\u2013{local(end):%H:%M}" if end else "")
        self._paint_box(painter, rect, seg.item, times)

    def _paint_box(self, painter: QPainter, rect: QRectF, item: ItemView, times: str) -> None:
        state = look(item.share_state)
        chosen = item.key == self._selected
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight) if chosen
                            else state.border, 2.5 if chosen else 1))
        painter.setBrush(state.fill)
        painter.drawRoundedRect(rect, 5, 5)
        painter.fillRect(QRectF(rect.left() + 1, rect.top() + 3, 3, rect.height() - 6),
                         state.border)
        text_rect = rect.adjusted(8, 2, -4, -2)
        title = title_text(item.title)
        if item.repeating:          # one occurrence of a series
            title = f"\u21bb\u00a0{title}"
        self._paint_texts(painter, text_rect, f"{state.glyph}\u00a0{title}" if state.glyph
                          else title, times)

    def _paint_texts(self, painter: QPainter, rect: QRectF, title: str, times: str) -> None:
        """The title first (wrapped over every line it needs), then the times if room is left.

        A narrow box shows more of the title rather than its times: the
        grid already says when it is.
        """
        bold = QFont(self.font())
        bold.setBold(True)
        metrics, line = QFontMetrics(bold), QFontMetrics(bold).height()
        lines = max(int(rect.height() // line), 1)
        flags = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        painter.setPen(QColor("#1f2328"))
        painter.setFont(bold)
        shown = wrap_lines(metrics, title, rect.width(), lines)
        for row, text in enumerate(shown):
            painter.drawText(QRectF(rect.left(), rect.top() + row * line, rect.width(), line),
                             flags, text)
        used = len(shown) * line
        painter.setFont(self.font())
        if times and rect.height() - used >= line - 2:
            painter.setPen(QColor("#4b5563"))
            painter.drawText(QRectF(rect.left(), rect.top() + used, rect.width(), line), flags,
                             QFontMetrics(self.font()).elidedText(
                                 times, Qt.TextElideMode.ElideRight, int(rect.width())))

    def _paint_header(self, painter: QPainter, header: int) -> None:
        width = self.viewport().width()
        painter.fillRect(QRectF(0, 0, width, header), self.palette().color(QPalette.ColorRole.Window))
        today = self._today_index()
        for day in range(7):
            self._paint_day_name(painter, day, day == today)
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(QRectF(0, DAY_HEADER, GUTTER - 8, BAR_HEIGHT),
                         int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                         self.tr("all day"))
        for bar in self._bars:
            self._paint_box(painter, self._bar_rect(bar), bar.item, "")
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Dark), 1))
        painter.drawLine(QPointF(0, header - 0.5), QPointF(width, header - 0.5))

    def _paint_day_name(self, painter: QPainter, day: int, today: bool) -> None:
        day_w = self._day_width()
        when = self._week_start + timedelta(days=day)
        rect = QRectF(GUTTER + day * day_w, 0, day_w, DAY_HEADER)
        font = QFont(self.font())
        font.setBold(today)
        painter.setFont(font)
        painter.setPen(self.palette().color(QPalette.ColorRole.Highlight) if today
                       else self.palette().color(QPalette.ColorRole.WindowText))
        label = when.strftime("%a %d" if day_w < 110 else "%a %d %b")
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), label)
        painter.setFont(self.font())

    def _paint_empty(self, painter: QPainter, header: int) -> None:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.2)
        painter.setFont(font)
        text = QFontMetrics(font).boundingRect(self._empty_text)
        center_x = GUTTER + (self.viewport().width() - GUTTER) / 2
        card = QRectF(center_x - text.width() / 2 - 16, header + 40,
                      text.width() + 32, text.height() + 20)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Mid), 1))
        painter.setBrush(self.palette().color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(card, 6, 6)
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(card, int(Qt.AlignmentFlag.AlignCenter), self._empty_text)
        painter.setFont(self.font())


def wrap_lines(metrics: QFontMetrics, text: str, width: float, max_lines: int) -> list[str]:
    """Word-wrap `text` into at most `max_lines`; never break inside a word.

    A word wider than the box and the last line when text is left over are
    elided with "…", so a narrow box reads "Prepare…" rather than "Prep/are".
    """
    words, lines, current = text.split(), [], ""
    for index, word in enumerate(words):
        candidate = f"{current} {word}" if current else word
        if not current or metrics.horizontalAdvance(candidate) <= width:
            current = candidate
            continue
        if len(lines) == max_lines - 1:
            current = " ".join([current, *words[index:]])
            break
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    return [metrics.elidedText(line, Qt.TextElideMode.ElideRight, int(width))
            for line in lines[:max(max_lines, 1)]]

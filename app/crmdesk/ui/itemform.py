"""The selected item's form: title, time, location, description — plain text.

Read-only here: reps edit the entry in their calendar app (or phone), and
the next Synchronize carries the change.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFormLayout, QFrame, QPlainTextEdit, QVBoxLayout, QWidget

from crmdesk.service_types import ItemView
from crmdesk.ui.look import (kind_text, moment_text, plain_label, priority_word, status_word,
                             title_text, when_text)
from crmdesk.ui.repeat_text import repeat_text


class ItemForm(QWidget):
    """Shows one ItemView; `show_item(None)` shows the hint instead."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind_label = plain_label("", name="kindLabel")
        self.kind_label.setStyleSheet("color: palette(placeholder-text);")
        self.title_label = plain_label("", wrap=True, name="titleLabel")
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.when_label = plain_label("", wrap=True, name="whenLabel")
        self.location_label = plain_label("", wrap=True, name="locationLabel")
        self.status_label = plain_label("", name="statusLabel")
        self.description = QPlainTextEdit()
        self.description.setObjectName("description")
        self.description.setReadOnly(True)
        self.description.setPlaceholderText(self.tr("No description"))
        self.description.setFrameShape(QFrame.Shape.StyledPanel)
        self.hint = plain_label(self.tr("Select an entry to see its details and share it "
                                        "with the CRM."), wrap=True, name="formHint")
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setStyleSheet("color: palette(placeholder-text);")
        self._build()
        self.show_item(None)

    def _build(self) -> None:
        fields = QFormLayout()
        fields.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        fields.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        fields.addRow(plain_label(self.tr("When:")), self.when_label)
        self.repeat_label = plain_label(wrap=True, name="repeatLabel")
        fields.addRow(plain_label(self.tr("Repeats:")), self.repeat_label)
        self._fields = fields
        fields.addRow(plain_label(self.tr("Where:")), self.location_label)
        fields.addRow(plain_label(self.tr("Status:")), self.status_label)
        self.people_label = plain_label(wrap=True, name="peopleLabel")
        fields.addRow(plain_label(self.tr("Invitees:")), self.people_label)
        self.details = QWidget()
        inner = QVBoxLayout(self.details)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self.kind_label)
        inner.addWidget(self.title_label)
        inner.addLayout(fields)
        inner.addWidget(plain_label(self.tr("Description:")))
        inner.addWidget(self.description, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 10)
        layout.addWidget(self.hint)
        layout.addWidget(self.details, 1)

    def show_item(self, item: ItemView | None) -> None:
        self.hint.setVisible(item is None)
        self.details.setVisible(item is not None)
        if item is None:
            return
        self.kind_label.setText(kind_text(item))
        self.title_label.setText(title_text(item.title))
        self.when_label.setText(when_text(item))
        self.repeat_label.setText(self._repeats(item))
        self._fields.setRowVisible(self.repeat_label, bool(item.rrule))
        self.location_label.setText(item.location or "\u2014")
        self.status_label.setText(self.tr("{status}, {priority} priority").format(
            status=status_word(item.status), priority=priority_word(item.priority).lower()))
        people = ", ".join(item.attendees)
        if item.organizer and people:
            people = self.tr("{people} (organized by {organizer})").format(
                people=people, organizer=item.organizer)
        self.people_label.setText(people)
        self._fields.setRowVisible(self.people_label, bool(item.attendees))
        self.description.setPlainText(item.comment)

    def _repeats(self, item: ItemView) -> str:
        """The series' pattern; a moved or changed occurrence (rule 17) says
        where it was moved from: it is not at the pattern's time."""
        if not item.rrule:
            return ""
        if item.moved_from is not None:
            return self.tr("{pattern}; this occurrence was moved from {when}").format(
                pattern=repeat_text(item.rrule), when=moment_text(item.moved_from))
        return repeat_text(item.rrule)

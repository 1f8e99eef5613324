"""The item form's lines for people (rule 13): who is invited, who organized it."""

from __future__ import annotations

from datetime import datetime, timezone

from crmdesk.service_types import ItemView
from crmdesk.ui.itemform import ItemForm

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


def _item(**kw: object) -> ItemView:
    return ItemView(key="n:/cal/x.ics", title="Pricing workshop", component="VEVENT",
                    start=START, end=START, all_day=False, **kw)  # type: ignore[arg-type]


def test_invitees_and_organizer_are_shown_as_plain_text(qtbot) -> None:
    form = ItemForm()
    qtbot.addWidget(form)
    form.show_item(_item(attendees=("ann@acme.example", "<b>bob</b>@acme.example"),
                         organizer="rita@northwind.example"))
    label = form.people_label
    assert form._fields.isRowVisible(label)
    assert label.text() == ("ann@acme.example, <b>bob</b>@acme.example "
                            "(organized by rita@northwind.example)")
    assert label.textFormat().name == "PlainText"


def test_no_invitees_hides_the_line(qtbot) -> None:
    form = ItemForm()
    qtbot.addWidget(form)
    form.show_item(_item())
    assert not form._fields.isRowVisible(form.people_label)

"""The actions a plan is made of: small, printable, applied one by one.

`side` says which copy an action touches ("crm", "calendar" or "local"),
`verb` how the report counts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crmdesk.model import Fields
from crmdesk.model.people import ReviewEntry
from crmdesk.model.recurrence import Start
from crmdesk.model.series import SeriesWrite


@dataclass(frozen=True)
class Action:
    proxy_id: int
    title: str

    side = "local"
    verb = ""

    def describe(self) -> str:
        return f"{self.side:8} {type(self).__name__:12} #{self.proxy_id} {self.title!r}"


@dataclass(frozen=True)
class CreateCrm(Action):
    """Correlate by natural keys (rule 2), else create; then link (rule 1)."""

    uid: str = ""
    fields: Fields = field(default_factory=dict)
    organizer: str = ""          # the meeting's organizer, to join another rep's activity
    owner: int | None = None     # rule 14; None: the rep
    team: tuple[int, ...] = ()   # the employee team to start with (rule 13)
    extra: dict = field(default_factory=dict)     # needs_review, review_reason
    review: tuple[ReviewEntry, ...] = ()          # unresolved attendees (rule 13)
    # An occurrence moved out of a series (rule 17): the series' activity and
    # the UTC instant of the occurrence it replaces.
    series: int | None = None
    recurrence_id: datetime | None = None
    side = "crm"
    verb = "created"


@dataclass(frozen=True)
class UpdateCrm(Action):
    crm_id: int = 0
    changes: Fields = field(default_factory=dict)
    timestamp: str = ""
    integration_id: str | None = None
    # Columns besides the fields: the team ("employees") and the review flag
    # ("needs_review", "review_reason") of rules 13-15.
    extra: dict = field(default_factory=dict)
    side = "crm"
    verb = "updated"

    def describe(self) -> str:
        names = (sorted(self.changes) + sorted(self.extra)
                 + (["integration_id"] if self.integration_id else []))
        return super().describe() + f" {', '.join(names)}"


@dataclass(frozen=True)
class DeleteCrm(Action):
    crm_id: int = 0
    reason: str = ""
    side = "crm"
    verb = "deleted"


@dataclass(frozen=True)
class CreateFollowUp(Action):
    """OnTime variant of rule 9: a to-do for the owner about a cancelled meeting."""

    fields: Fields = field(default_factory=dict)
    side = "crm"
    verb = "created"


@dataclass(frozen=True)
class Detach(Action):
    """The calendar item is gone but the CRM activity stays: never recreate it."""

    reason: str = ""


@dataclass(frozen=True)
class LeaveTeam(Action):
    """The rep leaves the activity's employee team (rules 10, 15)."""

    crm_id: int = 0
    side = "crm"
    verb = "updated"


@dataclass(frozen=True)
class CreateNative(Action):
    uid: str = ""
    component: str = "VEVENT"
    fields: Fields = field(default_factory=dict)
    series: SeriesWrite | None = None      # RRULE/EXDATE to write (rule 16)
    link: bool = False                     # end the description with the CRM link line
    side = "calendar"
    verb = "created"


@dataclass(frozen=True)
class AddOccurrence(Action):
    """A CRM activity moved out of a series becomes an override in the
    series' calendar object (rule 17)."""

    parent: str = ""                       # the series' href
    rid: Start | None = None               # RECURRENCE-ID, in DTSTART's kind
    uid: str = ""
    fields: Fields = field(default_factory=dict)
    link: bool = False
    side = "calendar"
    verb = "created"


@dataclass(frozen=True)
class UpdateNative(Action):
    href: str = ""
    changes: Fields = field(default_factory=dict)
    series: SeriesWrite | None = None      # set when "repeat" changes
    link: bool | None = None               # add (True) or drop (False) the CRM link line
    side = "calendar"
    verb = "updated"

    def describe(self) -> str:
        link = [] if self.link is None else ["link line"]
        return super().describe() + f" {', '.join(sorted(self.changes) + link)}"


@dataclass(frozen=True)
class DeleteNative(Action):
    href: str = ""
    reason: str = ""
    side = "calendar"
    verb = "deleted"


@dataclass(frozen=True)
class LinkNative(Action):
    """Correlation found the native item of a CRM activity (rule 3)."""

    href: str = ""
    uid: str = ""


@dataclass(frozen=True)
class SaveProxy(Action):
    """Record what both sides now agree on."""

    base: Fields = field(default_factory=dict)
    local: Fields = field(default_factory=dict)
    conflict: tuple[str, ...] = ()
    resolved: tuple[str, ...] = ()
    invitees: bool = False


@dataclass(frozen=True)
class SetReview(Action):
    """The proxy's unresolved attendees, for the app's Sync issues (rule 13)."""

    entries: tuple[ReviewEntry, ...] = ()


@dataclass(frozen=True)
class DropProxy(Action):
    reason: str = ""


@dataclass(frozen=True)
class Wait(Action):
    """Nothing yet: the item needs another item's write first (an occurrence
    waits for its series).  Planned again after the rest of the plan."""

    reason: str = ""


@dataclass(frozen=True)
class Note(Action):
    """Something the report tells the rep about an item; changes nothing."""

    reason: str = ""

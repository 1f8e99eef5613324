"""Sharing an e-mail with the CRM (issue 5, seed 004): a mixin of `AppService`.

`preview_email` reads an .eml file and says, from the local caches, who is
on it, whether the rep sent or received it, and which accounts and
opportunities it probably belongs to.  `share_email` makes a pending proxy
activity (type email_in / email_out, display_in communication) that the
next sync creates in the CRM.  One mail is one activity: locally there is
one proxy per normalized Message-ID, and the CRM unites the copies several
reps share (sync_create looks the Message-ID up across reps).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterable, Sequence

from crmdesk.errors import MailUnreadable
from crmdesk.model import ActivityType, DisplayIn, Origin, Reference, Status
from crmdesk.model.activity import normalize_fields
from crmdesk.model.mail import MailMessage, check_size, parse_eml
from crmdesk.service_types import ItemView
from crmdesk.settings import Settings
from crmdesk.settings.zone import rep_zone
from crmdesk.store import Store

MAX_COMMENT = 30_000          # characters of the mail kept in the activity's comment
TRIMMED = "\n[\u2026] (trimmed by crmdesk: the e-mail is longer)"
NO_SUBJECT = "(no subject)"
FROM, TO, CC = "from", "to", "cc"


@dataclass(frozen=True)
class MailPerson:
    """One address on the mail and who it is in the CRM (as far as the cache knows)."""

    address: str
    name: str                         # the display name the mail gives ("" if none)
    role: str                         # FROM, TO or CC
    refs: tuple[Reference, ...] = ()  # cached employees and contacts with the address
    own: bool = False                 # one of the rep's own addresses

    @property
    def contacts(self) -> tuple[Reference, ...]:
        return tuple(r for r in self.refs if r.kind == "contact")

    @property
    def employees(self) -> tuple[Reference, ...]:
        return tuple(r for r in self.refs if r.kind == "employee")


@dataclass(frozen=True)
class MailPreview:
    """What the Share E-mail dialog shows before anything is stored."""

    path: str
    message: MailMessage
    direction: ActivityType           # EMAIL_OUT when the rep or a colleague sent it
    people: tuple[MailPerson, ...]    # From, then To, then Cc
    contacts: tuple[Reference, ...]   # addresses that are exactly one contact
    accounts: tuple[Reference, ...]   # their accounts, the most frequent first
    opportunities: tuple[Reference, ...]   # open on those accounts
    shared: ItemView | None = None    # the activity of an earlier share of this mail


class MailService:
    """preview_email() and share_email() (see ServiceApi in service.py)."""

    # Provided by AppService, which this class is mixed into.
    store: Store
    settings: Settings
    item: Callable[[str], ItemView | None]
    _must: Callable[[str], ItemView]

    def preview_email(self, path: str | Path) -> MailPreview:
        """Read and resolve one .eml file; local and quick (no network)."""
        path = Path(path)
        message = parse_eml(_read(path), path.name)
        people = self._mail_people(message)
        contacts = _unique(p.contacts[0] for p in people if len(p.contacts) == 1)
        accounts = self._suggested_accounts(contacts)
        opportunities = tuple(self.store.refs_of_accounts("opportunity",
                                                          [a.id for a in accounts]))
        rank = {a.id: i for i, a in enumerate(accounts)}
        opportunities = tuple(sorted(opportunities, key=lambda o: rank.get(o.account or 0, 0)))
        sender = people[0]
        outgoing = sender.own or bool(sender.employees)
        return MailPreview(
            path=str(path), message=message,
            direction=ActivityType.EMAIL_OUT if outgoing else ActivityType.EMAIL_IN,
            people=people, contacts=contacts, accounts=accounts,
            opportunities=opportunities, shared=self._shared_mail(message.message_id))

    def share_email(self, preview: MailPreview, account: int | None,
                    opportunity: int | None, contacts: Sequence[int]) -> ItemView:
        """Make the mail's activity (pending: the next sync sends it to the
        CRM).  A mail shared before is not shared twice: its activity is
        returned (then `.key == preview.shared.key`)."""
        shared = self._shared_mail(preview.message.message_id)
        if shared is not None:
            return shared
        mail = preview.message
        fields = normalize_fields({
            "type": preview.direction, "display_in": DisplayIn.COMMUNICATION,
            "description": mail.subject or NO_SUBJECT,
            "comment": self._mail_comment(mail), "planned_start": mail.sent,
            "planned_end": mail.sent, "all_day": False, "status": Status.DONE,
            "account": account, "opportunity": opportunity, "contacts": tuple(contacts),
            "message_id": mail.message_id})
        proxy_id = self.store.add_proxy(origin=Origin.CALENDAR, uid=None, local=fields,
                                        state="pending")
        return self._must(f"p:{proxy_id}")

    # -- helpers --------------------------------------------------------------
    def _shared_mail(self, message_id: str) -> ItemView | None:
        proxy = self.store.proxy_by_message_id(message_id)
        return None if proxy is None else self.item(f"p:{proxy.id}")

    def _own_addresses(self) -> set[str]:
        """The rep's addresses: those the CRM gave at the last sign-in, and the setting."""
        identity = self.store.get_json("identity") or {}
        return {a.lower() for a in identity.get("emails", ())} \
            | set(self.settings.sync.own_addresses())

    def _mail_people(self, message: MailMessage) -> tuple[MailPerson, ...]:
        """From, To and Cc with whom each address is; the rep's own choices for
        an address (Sync issues) win over the CRM's cached answer."""
        first: dict[str, str] = {}         # one row per address: its first role
        for address, role in [(message.sender, FROM), *((a, TO) for a in message.to),
                              *((a, CC) for a in message.cc)]:
            first.setdefault(address, role)
        roles = list(first.items())
        found = self.store.refs_by_emails(a for a, _ in roles)
        book = self.store.address_book([a for a, _ in roles])
        own = self._own_addresses()
        people = []
        for address, role in roles:
            keys, source = book.get(address, ((), ""))
            chosen = [r for r in (self.store.ref(k, i) for k, i in keys) if r is not None]
            refs = tuple(chosen) if source == "rep" and chosen \
                else _unique([*found.get(address, ()), *chosen])
            people.append(MailPerson(address, message.names.get(address, ""), role, refs,
                                     address in own))
        return tuple(people)

    def _suggested_accounts(self, contacts: Iterable[Reference]) -> tuple[Reference, ...]:
        counts = Counter(c.account for c in contacts if c.account is not None)
        # Counter keeps first-seen order for ties: the sender's account first.
        ids = [account for account, _ in counts.most_common()]
        known = self.store.refs_by_ids("account", ids)
        return tuple(known[i] for i in ids if i in known)

    def _mail_comment(self, mail: MailMessage) -> str:
        """Header lines (From, To, Cc, Date, attachments), then the body, trimmed."""
        def named(address: str) -> str:
            name = mail.names.get(address, "")
            return f"{name} <{address}>" if name else address

        lines = [f"From: {named(mail.sender)}"]
        if mail.to:
            lines.append("To: " + ", ".join(named(a) for a in mail.to))
        if mail.cc:
            lines.append("Cc: " + ", ".join(named(a) for a in mail.cc))
        if mail.sent is not None:
            lines.append("Date: " + _when(mail.sent, self.settings))
        if mail.attachments:
            lines.append("Attachments: " + ", ".join(mail.attachments))
        text = "\n".join(lines) + "\n\n" + mail.body
        return text if len(text) <= MAX_COMMENT else text[:MAX_COMMENT].rstrip() + TRIMMED


def _read(path: Path) -> bytes:
    try:
        check_size(path.stat().st_size, path.name)
        return path.read_bytes()
    except IsADirectoryError:
        raise MailUnreadable(path.name, "it is a folder. Share the e-mail files inside it "
                             "one by one, or select them all.") from None
    except OSError as exc:
        raise MailUnreadable(path.name, f"it can't be read ({exc.strerror or exc}). Check "
                             "that the file is still there and that you may open it.") from exc


def _unique(refs: Iterable[Reference]) -> tuple[Reference, ...]:
    return tuple({(r.kind, r.id): r for r in refs}.values())


def _when(moment: datetime, settings: Settings) -> str:
    return moment.astimezone(rep_zone(settings.sync.time_zone)).strftime("%a %d %b %Y %H:%M %z")

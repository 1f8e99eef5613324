"""An e-mail a rep shares with the CRM (issue 5, seed 004): read, not sent.

`parse_eml` turns the bytes of an .eml file into a `MailMessage` with the
stdlib `email` package; `normalize_message_id` reduces a Message-ID to the
part that names the mail's originator, as Siebel CRM Desktop does, so that
the copies of one mail two reps received (through Notes, Outlook or web
mail, each of which may rewrite the domain) share one CRM activity.

Pure: takes bytes, touches no file, network or Qt.  Garbage raises
`MailUnreadable` with words saying what is wrong and what to do.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Iterable

from crmdesk.errors import MailUnreadable
from crmdesk.model.activity import norm_address

MAX_BYTES = 25 * 1024 * 1024     # what a mail server lets through, roughly
MAX_ADDRESSES = 500              # per header: a list mail names thousands
MAX_ATTACHMENTS = 200
MAX_ID_CHARS = 250               # longer ids are stored as a hash of themselves
# An originator part shorter than this is not unique by itself ("1234@host"),
# so its domain is kept; every format seed 004 names is longer.
MIN_ORIGINATOR = 12

# Notes/Domino: <OFhex1-ONhex2-hex3@domain>; hex1 names the originator.
_NOTES = re.compile(r"^OF([0-9A-F]+\.[0-9A-F]+)-ON[0-9A-F]+\.[0-9A-F]+(?:-[0-9A-F]+\.[0-9A-F]+)?$",
                    re.IGNORECASE)
# Classic Outlook: <hex$hex$hex$@Surname@domain>, hex parts ending in "$".
_OUTLOOK = re.compile(r"^(?:[0-9A-F]+\$)+$", re.IGNORECASE)
_HEADER_LINE = re.compile(rb"^[!-9;-~]+[ \t]*:")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"     # an Outlook .msg file
# What the stdlib's lenient parser may still raise on a hostile header or part.
_PARSE_ERRORS = (ValueError, TypeError, IndexError, AttributeError, LookupError,
                 AssertionError, RecursionError)


@dataclass(frozen=True)
class MailMessage:
    """What crmdesk takes from one e-mail; addresses are in normal form."""

    message_id: str                  # normalized (see normalize_message_id)
    subject: str
    sent: datetime | None            # aware UTC, from Date
    sender: str
    sender_name: str
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    body: str = ""                   # plain text
    attachments: tuple[str, ...] = ()
    # The display name each address was written with ("" when none).
    names: dict[str, str] = field(default_factory=dict, compare=False)

    def recipients(self) -> tuple[str, ...]:
        """To, then Cc, each address once."""
        return tuple(dict.fromkeys(self.to + self.cc))


# -- Message-ID ---------------------------------------------------------------

def normalize_message_id(value: str) -> str:
    """The originator part of a Message-ID (seed 004), "" for an empty one.

    The angle brackets and the domain go (Domino and POP3 copies of one
    mail differ there); a Notes id keeps hex_value_1 only, a classic
    Outlook id its "$"-separated hex (the "@Surname" after it goes too),
    other ids (web mail, Thunderbird, Apple Mail, new Outlook) the part
    before the first "@", case kept: their ids are case-sensitive base64.
    """
    found = re.search(r"<([^<>]*)>", value)
    ident = "".join((found.group(1) if found else value).split())
    if not ident:
        return ""
    local, _, domain = ident.partition("@")
    notes = _NOTES.match(local)
    if notes:
        return notes.group(1).upper()
    if _OUTLOOK.match(local):
        return local.lower()
    if len(local) < MIN_ORIGINATOR and domain:
        local = f"{local}@{domain.split('@')[-1].lower()}"
    if len(local) > MAX_ID_CHARS:
        return "sha256:" + hashlib.sha256(local.encode("utf-8", "replace")).hexdigest()
    return local


def _stand_in_id(sender: str, date: str, subject: str) -> str:
    """An id for a mail without a Message-ID: every copy of it has the same
    From, Date and Subject, so two reps sharing it still meet."""
    text = "\n".join((sender, " ".join(date.split()), " ".join(subject.split())))
    return "crmdesk:" + hashlib.sha256(text.encode("utf-8", "replace")).hexdigest()[:40]


# -- parsing ------------------------------------------------------------------

def parse_eml(data: bytes, name: str = "The file") -> MailMessage:
    """Read one RFC 5322 message; raises MailUnreadable for what isn't one."""
    _check_bytes(data, name)
    try:
        msg = BytesParser(policy=policy.default).parsebytes(_skip_mbox_line(data))
    except _PARSE_ERRORS as exc:       # damaged headers, parts nested thousands deep
        raise MailUnreadable(name, f"its structure is damaged ({type(exc).__name__}). "
                             "Save the e-mail again from your mail program as an .eml file "
                             "and share that file.") from exc
    sender_raw = _header(msg, "From")
    if not sender_raw:
        raise MailUnreadable(name, "it has no From line, so crmdesk can't tell who sent it. "
                             "Save the e-mail from your mail program as an .eml file and "
                             "share that file.")
    senders = _addresses(msg, "From")
    if not senders:
        raise MailUnreadable(name, "its From line has no e-mail address. Save the e-mail "
                             "from your mail program as an .eml file and share that file.")
    to, cc = _addresses(msg, "To"), _addresses(msg, "Cc")
    sender, sender_name = senders[0]
    subject, date = _header(msg, "Subject"), _header(msg, "Date")
    message_id = normalize_message_id(_header(msg, "Message-ID")) \
        or _stand_in_id(sender, date, subject)
    body = _body_part(msg)
    return MailMessage(
        message_id=message_id, subject=subject, sent=_sent(date), sender=sender,
        sender_name=sender_name, to=_unique(a for a, _ in to), cc=_unique(a for a, _ in cc),
        body=_body(body), attachments=_attachments(msg, body),
        names={address: text for address, text in senders + to + cc if text})


def _check_bytes(data: bytes, name: str) -> None:
    if not data.strip():
        raise MailUnreadable(name, "the file is empty. Save the e-mail again from your mail "
                             "program as an .eml file and share that file.")
    check_size(len(data), name)
    if data.startswith(_OLE_MAGIC):
        raise MailUnreadable(name, "it is an Outlook .msg file, and crmdesk reads .eml files "
                             "(the Internet mail format). Save the e-mail as .eml (the new "
                             "Outlook, Outlook on the web, Thunderbird and Apple Mail can) "
                             "and share that file.")
    head = _skip_mbox_line(data).lstrip(b"\r\n")[:65536]
    header_part = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0]
    if b"\x00" in header_part or not _HEADER_LINE.match(header_part):
        raise MailUnreadable(name, "it does not look like an e-mail (it does not start "
                             "with header lines such as From, To and Subject). Save the e-mail "
                             "from your mail program as an .eml file and share that file.")


def check_size(size: int, name: str = "The file") -> None:
    """Refuse a file too big to be one e-mail (checked before it is read)."""
    if size > MAX_BYTES:
        raise MailUnreadable(name, f"it is {size / 1048576:.1f} MB, and crmdesk shares "
                             f"e-mails up to {MAX_BYTES // 1048576} MB. Save the e-mail "
                             "without its attachments and share that file.")


def _skip_mbox_line(data: bytes) -> bytes:
    """An mbox export starts with a "From sender date" line that is no header."""
    if data.startswith(b"From "):
        return data.split(b"\n", 1)[1] if b"\n" in data else b""
    return data.lstrip(b"\r\n")


def _clean(text: str) -> str:
    """No lone surrogates (undecodable bytes) or control characters."""
    text = text.encode("utf-8", "replace").decode("utf-8", "replace")
    return _CONTROL.sub(" ", text)


def _header(msg: Message, name: str) -> str:
    """A header's decoded text, "" when absent; a malformed one is read raw."""
    try:
        value = msg.get(name)
    except _PARSE_ERRORS:
        # The stdlib's header parser trips on some malformed headers.
        value = next((v for k, v in msg.raw_items() if k.lower() == name.lower()), None)
    return " ".join(_clean(str(value)).split()) if value is not None else ""


def _addresses(msg: Message, name: str) -> list[tuple[str, str]]:
    """(address, display name) of every `name` header, addresses in normal form."""
    try:
        found = [(a.addr_spec, a.display_name) for header in msg.get_all(name) or ()
                 for a in getattr(header, "addresses", ())]
    except _PARSE_ERRORS:
        raws = [str(v) for k, v in msg.raw_items() if k.lower() == name.lower()]
        found = [(address, display) for display, address in getaddresses(raws)]
    pairs = []
    for address, display in found[:MAX_ADDRESSES]:
        address = norm_address(_clean(address))
        if "@" in address and " " not in address:
            pairs.append((address, " ".join(_clean(display).split())))
    return pairs


def _unique(addresses: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(addresses))


def _sent(date: str) -> datetime | None:
    if not date:
        return None
    try:
        moment = parsedate_to_datetime(date)
    except (*_PARSE_ERRORS, OverflowError):
        return None
    if moment.tzinfo is None:                 # "-0000": UTC, its zone unknown
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).replace(microsecond=0)


# -- body and attachments -------------------------------------------------------

def _body_part(msg: Message) -> Message | None:
    """The text/plain part, else the HTML one (what a mail program shows)."""
    if not isinstance(msg, EmailMessage):
        return None
    try:
        return msg.get_body(preferencelist=("plain", "html"))
    except _PARSE_ERRORS:
        return None


def _body(part: Message | None) -> str:
    """The body as plain text ("" when there is none)."""
    if part is None:
        return ""
    text = _part_text(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    lines = (line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return _clean("\n".join(lines)).strip()


def _part_text(part: Message) -> str:
    try:
        content = part.get_content()          # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    except _PARSE_ERRORS:
        pass                                  # unknown charset or bad encoding: decode below
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except (LookupError, ValueError):          # unknown charset, or a NUL in its name
        return payload.decode("utf-8", "replace")


def _attachments(msg: Message, body: Message | None) -> tuple[str, ...]:
    """Names of the attached files and mails (inline images of the body left out).

    Not msg.walk(): an attached mail's own attachments are not this mail's."""
    names: list[str] = []
    parts: list[Message] = [msg]
    while parts and len(names) < MAX_ATTACHMENTS:
        part = parts.pop(0)
        if part.get_content_maintype() == "multipart":
            payload = part.get_payload()
            parts.extend(payload if isinstance(payload, list) else ())
            continue
        if part is msg or part is body:
            continue
        disposition = part.get_content_disposition()
        if (part.get_content_type() == "message/rfc822" or disposition == "attachment"
                or (disposition != "inline" and _filename(part))):
            names.append(_attachment_name(part))
    return tuple(names)


def _filename(part: Message) -> str:
    try:
        return part.get_filename() or ""
    except _PARSE_ERRORS:
        return ""


def _attachment_name(part: Message) -> str:
    filename = _filename(part)
    if filename:
        return " ".join(_clean(filename).split())
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        subject = _header(inner[0], "Subject") if isinstance(inner, list) and inner else ""
        return f"{subject or 'message'}.eml"
    return part.get_content_type()


class _TextOfHtml(HTMLParser):
    """Collects the text of an HTML mail body: blocks become lines."""

    STARTS_LINE = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                   "blockquote", "pre", "table", "ul", "ol", "hr"}
    ENDS_LINE = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
                 "table", "ul", "ol"}
    SKIPPED = {"script", "style", "head", "title"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag in self.STARTS_LINE:
            self.chunks.append("\n- " if tag == "li" else "\n")
        elif tag in ("td", "th"):
            self.chunks.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIPPED:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self.ENDS_LINE:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.chunks.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """Readable text of an HTML body: tags, scripts and styles gone, blocks as lines."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.chunks).split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()

"""CalDAV client over plain `requests`: discovery, incremental reads, guarded writes.

Every HTTP request goes through one `requests.Session` (pim.davhttp) and is
counted in `request_count`, so the cost of a sync is measurable: a sync with
no change is exactly one sync-collection REPORT; a sync with changes adds one
calendar-multiget per 200 changed hrefs.  Basic auth is sent pre-emptively.
A server without sync-collection is read with an ETag listing (one PROPFIND)
instead.  Reads, and writes guarded by a precondition, are retried with
backoff (pim.davhttp); redirects are followed on the same host only.

Hrefs are kept as canonical absolute paths (percent-encoded alike whatever
the server sent), so they compare equal across responses.

Errors are typed (crmdesk.errors): 401 AuthError, 403 AccessDenied, 412 on a
guarded write StaleWrite, 404 NotFound, 5xx or garbage ServerError, 429
RateLimited, no connection UnreachableError, certificate problems TlsError.
Messages carry URLs without credentials and never the password.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import xml.etree.ElementTree as ET
from datetime import tzinfo
from typing import Iterable, Mapping
from urllib.parse import quote, unquote, urljoin, urlsplit
from xml.sax.saxutils import escape

import requests

from crmdesk.errors import (AccessDenied, InvalidItem, NotFound, ServerError, StaleWrite,
                            UserError)
from crmdesk.model import NativeItem
from crmdesk.pim.base import CalendarInfo, Delta
from crmdesk.pim.davhttp import SERVER, DavHttp, raise_for
from crmdesk.pim.ical import parse_item
from crmdesk.retry import RetryPolicy
from crmdesk.traffic import Traffic
from crmdesk.transport import TlsOptions, display as _display

MULTIGET_CHUNK = 200
# The "sync token" kept for a server without sync-collection: each sync asks
# for sync-collection again, then reads an ETag listing.
ETAG_LISTING = "crmdesk:etag-listing"
D, C = "{DAV:}", "{urn:ietf:params:xml:ns:caldav}"
_XML = "application/xml; charset=utf-8"
_ICS = "text/calendar; charset=utf-8"
_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'
_PROPFIND = _HEAD + (
    '<D:propfind xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><D:prop>'
    "<D:resourcetype/><D:displayname/><D:current-user-principal/>"
    "<C:calendar-home-set/><C:supported-calendar-component-set/>"
    "</D:prop></D:propfind>")
_LISTING = _HEAD + (
    '<D:propfind xmlns:D="DAV:"><D:prop><D:getetag/><D:resourcetype/></D:prop></D:propfind>')
_SYNC = _HEAD + (
    '<D:sync-collection xmlns:D="DAV:"><D:sync-token>{token}</D:sync-token>'
    "<D:sync-level>1</D:sync-level><D:prop><D:getetag/></D:prop></D:sync-collection>")
_MULTIGET = _HEAD + (
    '<C:calendar-multiget xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">'
    "<D:prop><D:getetag/><C:calendar-data/></D:prop>{hrefs}</C:calendar-multiget>")
_SAFE_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,150}")


@dataclasses.dataclass
class _Entry:
    """One DAV:response of a multistatus."""

    href: str
    status: int | None                   # the response's own status, if any
    props: dict[str, ET.Element]         # props that came with a 200 propstat


class _TokenRejected(Exception):
    """The server refused the sync token (Radicale 403, Xandikos 412)."""


class _NoSyncCollection(Exception):
    """The server does not do sync-collection (RFC 6578)."""


class CalDavClient:
    """A CalendarClient for any CalDAV server (tested on Radicale and Xandikos)."""

    multiget_chunk = MULTIGET_CHUNK
    # The rep's zone: floating times are read in it (rule 6); None: the system zone.
    zone: tzinfo | None = None

    def __init__(self, url: str, username: str, password: str, verify_tls: bool = True,
                 ca_bundle: str = "", timeout: float = 30, client_cert: str = "",
                 client_key: str = "", retry: RetryPolicy | None = None) -> None:
        self.url = url if url.endswith("/") else url + "/"
        tls = TlsOptions.from_settings(verify_tls, ca_bundle, client_cert, client_key)
        self.http = DavHttp(username, password, tls, timeout, retry or RetryPolicy())

    @property
    def request_count(self) -> int:
        return self.http.request_count

    @property
    def traffic(self) -> Traffic:
        return self.http.traffic

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> CalDavClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- discovery ----------------------------------------------------------

    def calendars(self) -> list[CalendarInfo]:
        """Every calendar collection of the user (or the URL itself if it is one)."""
        here = self._propfind_optional(self.url, depth="0")
        if here and _is_calendar(here[0]):
            return [self._info(here[0])]
        home = self._home_set(here)
        listing = self._propfind(home, depth="1")
        return [self._info(entry) for entry in listing if _is_calendar(entry)]

    def resolve_calendar(self, wanted: str) -> CalendarInfo:
        """The calendar whose display name or URL is `wanted`; UserError if none."""
        found = self.calendars()
        key = wanted.strip()
        url = self._collection_url(key)
        for hits in ([c for c in found if c.name == key],
                     [c for c in found if c.name.casefold() == key.casefold()],
                     [c for c in found if c.url == url]):
            if hits:
                return hits[0]
        if "/" in key:
            entries = self._propfind_optional(url, depth="0")
            if entries and _is_calendar(entries[0]):
                return self._info(entries[0])
        names = ", ".join(sorted(c.name for c in found)) or "none"
        raise UserError(f"no calendar named {wanted!r}; the calendars are: {names}")

    def _home_set(self, here: list[_Entry] | None) -> str:
        home = _href_prop(here, C + "calendar-home-set")
        if home:
            return self._abs(home)
        principal = _href_prop(here, D + "current-user-principal")
        if not principal:
            well_known = self._propfind_optional(urljoin(self.url, "/.well-known/caldav"), "0")
            principal = _href_prop(well_known, D + "current-user-principal")
        if not principal:
            raise UserError(f"no CalDAV service found at {_display(self.url)}")
        home = _href_prop(self._propfind(self._abs(principal), "0"), C + "calendar-home-set")
        if not home:
            raise UserError(f"the CalDAV server at {_display(self.url)} shows no calendar home")
        return self._abs(home)

    def _info(self, entry: _Entry) -> CalendarInfo:
        """CalendarInfo of a collection; components as the server lists them."""
        url = self._abs(entry.href)
        name = "".join(entry.props[D + "displayname"].itertext()).strip() \
            if D + "displayname" in entry.props else ""
        comps_el = entry.props.get(C + "supported-calendar-component-set")
        names = [c.get("name", "").upper() for c in comps_el.findall(C + "comp")] \
            if comps_el is not None else []
        return CalendarInfo(url=url, name=name or unquote(url.rstrip("/").rsplit("/", 1)[-1]),
                            components=tuple(dict.fromkeys(filter(None, names)))
                            or ("VEVENT", "VTODO"))

    def _propfind(self, url: str, depth: str, body: str = _PROPFIND) -> list[_Entry]:
        return self._read("PROPFIND", url, body, depth)[1][1]

    def _propfind_optional(self, url: str, depth: str) -> list[_Entry] | None:
        """PROPFIND, or None when the URL is no DAV resource for us (403/404/405…)."""
        _, parsed = self._read("PROPFIND", url, _PROPFIND, depth,
                               allow=(207, 400, 403, 404, 405, 501))
        return parsed[1] if parsed is not None else None

    # -- reading ------------------------------------------------------------

    def sync(self, calendar_url: str, token: str | None,
             known: Mapping[str, str] | None = None) -> Delta:
        """One sync-collection REPORT, then one multiget per 200 changed hrefs.

        `known` maps href -> etag the caller holds: a listed href with that
        very etag is not fetched and goes to `unchanged` (our own writes).
        A rejected token restarts with an initial sync and `full=True`.  On
        a full listing, changed + unchanged + invalid is every object of the
        collection: the caller must treat the items it knows that are missing
        from it as deleted (they are not listed in `deleted`).  A server
        without sync-collection gets an ETag listing (one PROPFIND), always
        full, and the token ETAG_LISTING.
        """
        if token == ETAG_LISTING:
            token = None        # ask again each time: the server may have learnt it
        full = token is None
        try:
            try:
                listed, deleted, new_token = self._sync_report(calendar_url, token)
            except _TokenRejected:
                full = True
                listed, deleted, new_token = self._sync_report(calendar_url, None)
        except _NoSyncCollection:
            full = True
            listed, deleted, new_token = self._etag_listing(calendar_url), [], ETAG_LISTING
        known = known or {}
        unchanged = [href for href, etag in listed if etag and known.get(href) == etag]
        skip = set(unchanged)
        fetch = [href for href, _ in listed if href not in skip]
        changed, invalid, gone = self._multiget(calendar_url, fetch)
        return Delta(changed=changed, deleted=deleted + gone, token=new_token, full=full,
                     invalid=invalid, unchanged=unchanged)

    def _sync_report(self, url: str, token: str | None
                     ) -> tuple[list[tuple[str, str]], list[str], str]:
        """(href, etag) of new or changed objects, deleted hrefs, the new token."""
        body = _SYNC.format(token=escape(token or ""))
        resp, parsed = self._read("REPORT", url, body, "0",
                                  allow=(207, 400, 403, 405, 409, 412, 501))
        if parsed is None:
            status = resp.status_code
            rejected = status != 403 or b"valid-sync-token" in resp.content
            if token is not None and rejected:
                raise _TokenRejected()
            if status in (400, 405, 501) or b"supported-report" in resp.content:
                raise _NoSyncCollection()
            raise_for(resp)
        root, entries = parsed
        if root.find(D + "sync-token") is None:
            raise _NoSyncCollection()         # answered as if it were another REPORT
        changed: list[tuple[str, str]] = []
        deleted: list[str] = []
        for entry in entries:
            if entry.href.endswith("/"):              # the collection or a sub-collection
                continue
            if entry.status == 404:
                deleted.append(entry.href)
            else:
                changed.append((entry.href, _etag(entry)))
        new_token = (root.findtext(D + "sync-token") or "").strip()
        if not new_token:
            raise ServerError(SERVER, _display(url), resp.status_code, "no sync-token")
        return changed, deleted, new_token

    def _etag_listing(self, url: str) -> list[tuple[str, str]]:
        """(href, etag) of every object: the read for servers without sync-collection."""
        entries = self._propfind(self._collection_url(url), "1", _LISTING)
        return [(e.href, _etag(e)) for e in entries
                if not e.href.endswith("/") and e.status in (None, 200)]

    def _multiget(self, url: str, hrefs: list[str]
                  ) -> tuple[list[NativeItem], list[tuple[str, str]], list[str]]:
        items: list[NativeItem] = []
        invalid: list[tuple[str, str]] = []
        gone: list[str] = []
        for start in range(0, len(hrefs), self.multiget_chunk):
            chunk = hrefs[start:start + self.multiget_chunk]
            body = _MULTIGET.format(hrefs="".join(f"<D:href>{escape(h)}</D:href>" for h in chunk))
            for entry in self._read("REPORT", url, body, "1")[1][1]:
                if entry.status == 404:
                    gone.append(entry.href)
                    continue
                try:
                    items.append(_item_from(entry, self.zone))
                except InvalidItem as exc:
                    invalid.append((entry.href, exc.detail))
        return items, invalid, gone

    def get(self, href: str) -> NativeItem | None:
        """The object at `href`, or None if it is gone; InvalidItem if unreadable."""
        url = self._object_url(href)
        resp = self._request("GET", url, allow=(200, 404, 410))
        if resp.status_code != 200:
            return None
        # Bytes: parse_item decodes strictly (a replacement would be written back).
        return parse_item(_canonical(url), resp.headers.get("ETag", ""), resp.content,
                          self.zone)

    # -- writing ------------------------------------------------------------

    def create(self, calendar_url: str, uid: str, ical: str) -> NativeItem:
        """PUT at <calendar>/<safe uid>.ics with If-None-Match: *.

        StaleWrite if that href exists or the server already holds the UID
        elsewhere (Radicale 409, Xandikos 412): the caller re-reads.
        """
        url = urljoin(self._collection_url(calendar_url), href_name(uid))
        item = parse_item(_canonical(url), "", ical, self.zone)
        if item.uid != uid:
            raise ValueError(f"the object's UID {item.uid!r} is not {uid!r}")
        retries = self.http.retries
        resp = self._request("PUT", url, body=ical, headers={"If-None-Match": "*"},
                             allow=(200, 201, 204, 409, 412))
        if resp.status_code == 412 or b"no-uid-conflict" in resp.content:
            mine = self._landed(item) if self.http.retries > retries else None
            if mine is None:
                raise StaleWrite(SERVER, uid)
            return mine
        if resp.status_code == 409:
            raise_for(resp)
        return self._stored(item, resp)

    def _landed(self, item: NativeItem) -> NativeItem | None:
        """After a repeated create was refused: the object there, if it is ours
        (an earlier try landed but its answer was lost)."""
        there = self.get(item.href)
        if there is not None and there.uid == item.uid and there.fields == item.fields:
            return there
        return None

    def update(self, item: NativeItem, ical: str) -> NativeItem:
        """PUT with If-Match: item.etag; StaleWrite on 412, NotFound on 404."""
        url = self._object_url(item.href)
        new = parse_item(item.href, "", ical, self.zone)
        if new.uid != item.uid:
            raise ValueError(f"the object's UID {new.uid!r} is not {item.uid!r}")
        resp = self._request("PUT", url, body=ical, headers={"If-Match": item.etag},
                             allow=(200, 201, 204, 404, 412))
        if resp.status_code == 412 and b"attendee-allowed" in resp.content:
            # RFC 6638 3.1: the server lets only the organizer change this meeting.
            raise AccessDenied(SERVER, "the calendar server lets only the meeting's organizer "
                                       "change it; change it in the CRM or ask the organizer")
        if resp.status_code == 412:
            raise StaleWrite(SERVER, item.href)
        if resp.status_code == 404:
            raise NotFound(SERVER, item.href)
        return self._stored(new, resp)

    def delete(self, item: NativeItem) -> None:
        """DELETE with If-Match; StaleWrite on 412, NotFound on 404."""
        resp = self._request("DELETE", self._object_url(item.href),
                             headers={"If-Match": item.etag},
                             allow=(200, 202, 204, 404, 410, 412))
        if resp.status_code == 412:
            raise StaleWrite(SERVER, item.href)
        if resp.status_code in (404, 410):
            raise NotFound(SERVER, item.href)

    def _stored(self, item: NativeItem, resp: requests.Response) -> NativeItem:
        etag = resp.headers.get("ETag", "")
        if etag:
            return dataclasses.replace(item, etag=etag)
        # No ETag: the server changed the object on store (RFC 4791 5.3.4).
        fetched = self.get(item.href)
        if fetched is None:
            raise NotFound(SERVER, item.href)
        return fetched

    # -- HTTP ---------------------------------------------------------------

    def _request(self, method: str, url: str, body: str | None = None, depth: str | None = None,
                 headers: Mapping[str, str] | None = None,
                 allow: Iterable[int] = (207,)) -> requests.Response:
        """One counted request (plus counted redirect hops), errors typed."""
        return self.http.request(method, url, *self._prepare(method, body, depth, headers),
                                 allow=allow)[0]

    def _read(self, method: str, url: str, body: str, depth: str, allow: Iterable[int] = (207,)
              ) -> tuple[requests.Response, tuple[ET.Element, list[_Entry]] | None]:
        """A request answered by a multistatus, parsed (None for other allowed answers);
        a garbled multistatus is fetched again like a 503."""
        return self.http.request(method, url, *self._prepare(method, body, depth, None),
                                 allow=allow, read=self._multistatus)

    @staticmethod
    def _prepare(method: str, body: str | None, depth: str | None,
                 headers: Mapping[str, str] | None) -> tuple[bytes | None, dict[str, str]]:
        hdrs = dict(headers or {})
        if depth is not None:
            hdrs["Depth"] = depth
        if body is not None:
            hdrs["Content-Type"] = _ICS if method == "PUT" else _XML
        return (body.encode("utf-8") if body is not None else None), hdrs

    def _multistatus(self, resp: requests.Response) -> tuple[ET.Element, list[_Entry]]:
        """The DAV:multistatus root and its responses; ServerError on garbage."""
        try:
            root = _parse_xml(resp.content)
        except ET.ParseError:
            root = ET.Element("not-xml")
        if root.tag != D + "multistatus":
            raise ServerError(SERVER, _display(resp.url), resp.status_code, "no DAV multistatus")
        entries = []
        for node in root.findall(D + "response"):
            href = (node.findtext(D + "href") or "").strip()
            props: dict[str, ET.Element] = {}
            for stat in node.findall(D + "propstat"):
                prop = stat.find(D + "prop")
                if _status(stat.findtext(D + "status")) == 200 and prop is not None:
                    props.update((child.tag, child) for child in prop)
            entries.append(_Entry(_canonical(self._abs(href)),
                                  _status(node.findtext(D + "status")), props))
        return root, entries

    def _abs(self, href: str) -> str:
        return urljoin(self.url, href)

    def _object_url(self, href: str) -> str:
        if "#" in href:
            # An occurrence's pseudo-href (rule 17): its text lives in its
            # series' object, and a request for it would reach the whole series.
            raise ValueError(f"{href!r} names an occurrence inside a series, not an object")
        return self._abs(href)

    def _collection_url(self, url: str) -> str:
        absolute = self._abs(url)
        return absolute if absolute.endswith("/") else absolute + "/"


# -- helpers ------------------------------------------------------------------

def href_name(uid: str) -> str:
    """The resource name for a UID: the UID itself when URL-safe, else its sha256."""
    if _SAFE_NAME.fullmatch(uid):
        return f"{uid}.ics"
    return hashlib.sha256(uid.encode("utf-8")).hexdigest() + ".ics"


def _canonical(url: str) -> str:
    """The path of `url`, percent-encoded one way whatever the server sent."""
    return quote(unquote(urlsplit(url).path), safe="/")


def _status(line: str | None) -> int | None:
    match = re.match(r"\s*HTTP/\S+\s+(\d{3})", line or "")
    return int(match.group(1)) if match else None


def _is_calendar(entry: _Entry) -> bool:
    kind = entry.props.get(D + "resourcetype")
    return kind is not None and kind.find(C + "calendar") is not None


def _href_prop(entries: list[_Entry] | None, name: str) -> str:
    if not entries:
        return ""
    prop = entries[0].props.get(name)
    return ((prop.findtext(D + "href") or "").strip()) if prop is not None else ""


def _item_from(entry: _Entry, zone: tzinfo | None) -> NativeItem:
    data = entry.props.get(C + "calendar-data")
    if data is None or not (data.text or "").strip():
        raise InvalidItem(entry.href, f"no calendar data (status {entry.status or 'missing'})")
    return parse_item(entry.href, _etag(entry), data.text or "", zone)


def _etag(entry: _Entry) -> str:
    etag = entry.props.get(D + "getetag")
    return "" if etag is None else (etag.text or "").strip()


def _short(exc: BaseException | str) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 200 else text[:197] + "..."


XML_CHUNK = 64 * 1024


def _parse_xml(content: bytes) -> ET.Element:
    """ET.fromstring, fed in chunks: expat holds the GIL for a whole call, and
    a multi-megabyte multiget parsed at once would stall the GUI thread for
    tens of milliseconds while a sync runs in the worker (issue 7)."""
    parser = ET.XMLParser()
    for start in range(0, len(content), XML_CHUNK):
        parser.feed(content[start:start + XML_CHUNK])
    return parser.close()

"""Real CalDAV servers on 127.0.0.1 for the test suite and `crmdesk demo`.

Radicale (htpasswd, plain passwords) and Xandikos run as child processes of
the current interpreter, so they work inside any virtualenv.  Xandikos only
offers Basic auth over TLS: without `tls=True` it accepts any credentials.
With `tls=True` both serve HTTPS with a self-signed certificate for
127.0.0.1 (`ca_bundle` is its path).  Readiness is polled with `OPTIONS /`
every 20 ms; a server whose process dies while starting fails at once with
the tail of its log.
"""

from __future__ import annotations

import base64
import hashlib
import shlex
import socket
import subprocess

from crmdesk.devservers.lifetime import die_with_parent
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Iterable, Sequence
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import requests

START_TIMEOUT = 20.0
POLL_INTERVAL = 0.02

_MKCALENDAR = """<?xml version="1.0" encoding="utf-8"?>
<C:mkcalendar xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <D:set><D:prop><D:displayname>{name}</D:displayname></D:prop></D:set>
</C:mkcalendar>"""


def free_port() -> int:
    """A TCP port nothing listens on right now (bind to port 0)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class DevServer:
    """A server process on 127.0.0.1 with readiness polling."""

    name = "server"
    has_auth = True

    def __init__(self, directory: Path | str, tls: bool = False) -> None:
        self.directory = Path(directory)
        self.tls = tls
        self.ca_bundle = ""          # the self-signed certificate when tls
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        """Base URL, with a trailing slash."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/"

    def command(self) -> list[str]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Write whatever the server needs before it starts."""

    def start(self) -> None:
        """Start the process and return once it answers HTTP."""
        if self._proc is not None:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        if self.tls:
            cert, _ = self_signed_certificate(self.directory / "certs")
            self.ca_bundle = str(cert)
        self.prepare()
        self.port = free_port()
        self._log = open(self.directory / f"{self.name}.log", "ab")
        self._proc = subprocess.Popen(
            self.command(), stdout=self._log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, preexec_fn=die_with_parent())
        self._wait_ready()

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        with self.session("", "") as session:
            while time.monotonic() < deadline:
                assert self._proc is not None
                if self._proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited while starting:\n{self.log_tail()}")
                try:
                    session.options(self.url, timeout=1)
                    return
                except requests.exceptions.SSLError:
                    self.stop()
                    raise
                except requests.ConnectionError:
                    time.sleep(POLL_INTERVAL)  # polling interval, not a wait for readiness
        self.stop()
        raise RuntimeError(
            f"{self.name} did not answer within {START_TIMEOUT} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 30) -> str:
        path = self.directory / f"{self.name}.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def stop(self) -> None:
        """Terminate the process (kill it if it does not exit in 5 s)."""
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> DevServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- CalDAV helpers -------------------------------------------------

    def home_url(self, user: str) -> str:
        """The user's calendar-home-set."""
        raise NotImplementedError

    def calendar_url(self, user: str, name: str = "calendar") -> str:
        """URL of the calendar collection `name` in the user's home."""
        return f"{self.home_url(user)}{name}/"

    def session(self, user: str, password: str) -> requests.Session:
        """A plain HTTP session for this server (loopback: no proxy, no env CA)."""
        session = requests.Session()
        session.trust_env = False     # else REQUESTS_CA_BUNDLE overrides `verify`
        session.auth = (user, password) if user else None
        session.verify = self.ca_bundle or True
        return session

    def make_calendar(self, user: str, password: str, name: str,
                      display_name: str = "") -> str:
        """MKCALENDAR `name` in the user's home; returns its URL."""
        url = self.calendar_url(user, name)
        body = _MKCALENDAR.format(name=escape(display_name or name))
        with self.session(user, password) as session:
            resp = session.request("MKCALENDAR", url, data=body.encode(),
                                   headers={"Content-Type": "application/xml"}, timeout=30)
        if resp.status_code != 201:
            raise RuntimeError(f"MKCALENDAR {url} answered {resp.status_code}")
        return url

    def delete_collection(self, user: str, password: str, url: str) -> None:
        with self.session(user, password) as session:
            session.delete(url, timeout=30)

    def seed(self, user: str, password: str, calendar_url: str,
             icals: Sequence[str]) -> None:
        """Store many one-object VCALENDARs quickly (4 PUTs at a time, random names)."""
        def put(ical: str) -> None:
            name = f"{uuid.uuid4().hex}.ics"
            resp = session.put(calendar_url + name, data=ical.encode(),
                               headers={"Content-Type": "text/calendar"}, timeout=60)
            if resp.status_code not in (201, 204):
                raise RuntimeError(f"PUT {name} answered {resp.status_code}")

        with self.session(user, password) as session, ThreadPoolExecutor(4) as pool:
            list(pool.map(put, icals))


class RadicaleServer(DevServer):
    """Radicale with htpasswd (plain) users; it starts with no calendar."""

    name = "radicale"

    def __init__(self, directory: Path | str, users: dict[str, str], tls: bool = False) -> None:
        super().__init__(directory, tls)
        self.users = dict(users)

    def prepare(self) -> None:
        lines = (f"{login}:{password}\n" for login, password in self.users.items())
        (self.directory / "htpasswd").write_text("".join(lines))

    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "radicale", "--config", "",
            "--server-hosts", f"127.0.0.1:{self.port}",
            "--storage-filesystem-folder", str(self.directory / "collections"),
            "--auth-type", "htpasswd",
            "--auth-htpasswd-filename", str(self.directory / "htpasswd"),
            "--auth-htpasswd-encryption", "plain", "--auth-delay", "0",
            "--logging-level", "warning",
        ] + self._tls_args()

    def _tls_args(self) -> list[str]:
        if not self.tls:
            return []
        cert = self.directory / "certs"
        return ["--server-ssl", "--server-certificate", str(cert / "selfsigned.crt"),
                "--server-key", str(cert / "selfsigned.key")]

    def home_url(self, user: str) -> str:
        return f"{self.url}{user}/"

    def seed(self, user: str, password: str, calendar_url: str,
             icals: Sequence[str]) -> None:
        """One PUT of a whole VCALENDAR on the collection (objects at <UID>.ics).

        This REPLACES the collection's content (Radicale's meaning of a PUT
        on a collection); the display name is carried over as X-WR-CALNAME.
        """
        with self.session(user, password) as session:
            name = _display_name(session, calendar_url)
            resp = session.put(calendar_url, data=merge_calendars(icals, name).encode(),
                               headers={"Content-Type": "text/calendar"}, timeout=300)
        if resp.status_code not in (201, 204):
            raise RuntimeError(f"PUT {calendar_url} answered {resp.status_code}")


class XandikosServer(DevServer):
    """Xandikos with --defaults: /user/calendars/calendar/ exists.

    Without TLS there is no authentication.  With `tls=True` and `users`,
    Basic auth checks an htpasswd file ({SHA} entries: no bcrypt needed).

    With `imip_outbox`, Xandikos schedules for real (RFC 6638 implicit
    scheduling) and mails iTIP messages for outside attendees through a
    recording "sendmail" that stores each one as a .eml file in that
    folder (`outbox()`, `clear_outbox()`).  Xandikos only schedules for
    the principal's calendar-user-address-set: `set_user_addresses`.
    """

    name = "xandikos"
    principal = "user"
    imip_from = "calendar@server.test"

    def __init__(self, directory: Path | str, tls: bool = False,
                 users: dict[str, str] | None = None,
                 imip_outbox: Path | str | None = None) -> None:
        super().__init__(directory, tls)
        self.users = dict(users or {})
        self.has_auth = tls and bool(self.users)
        self.imip_outbox = Path(imip_outbox) if imip_outbox is not None else None

    def prepare(self) -> None:
        if self.imip_outbox is not None:
            self.imip_outbox.mkdir(parents=True, exist_ok=True)
            script = self.directory / "sendmail"
            script.write_text(_RECORDING_SENDMAIL.format(
                outbox=shlex.quote(str(self.imip_outbox.resolve()))))
            script.chmod(0o755)
        if not self.tls:
            return
        # --autocert reuses a certificate it finds in <state-dir>/certs
        certs = self.directory / "state" / "certs"
        certs.mkdir(parents=True, exist_ok=True)
        for name in ("selfsigned.crt", "selfsigned.key"):
            (certs / name).write_bytes((self.directory / "certs" / name).read_bytes())
        if self.users:
            (self.directory / "htpasswd").write_text("".join(
                f"{login}:{_sha_entry(password)}\n" for login, password in self.users.items()))

    def command(self) -> list[str]:
        cmd = [
            sys.executable, "-m", "xandikos", "serve",
            "-d", str(self.directory / "data"), "--defaults",
            "--state-dir", str(self.directory / "state"),
            "-l", "127.0.0.1", "-p", str(self.port), "--no-detect-systemd",
        ]
        if self.tls:
            cmd.append("--autocert")
        if self.has_auth:
            cmd += ["--htpasswd", str(self.directory / "htpasswd")]
        if self.imip_outbox is not None:
            cmd += ["--imip-send=sendmail", f"--sendmail-binary={self.directory / 'sendmail'}",
                    f"--smtp-from={self.imip_from}"]
        return cmd

    def home_url(self, user: str) -> str:
        # One principal whoever signs in: Xandikos serves a single user.
        return f"{self.url}{self.principal}/calendars/"

    def set_user_addresses(self, addresses: Sequence[str], user: str = "",
                           password: str = "") -> None:
        """PROPPATCH the principal's calendar-user-address-set (RFC 6638 2.4.1).

        Bare e-mail addresses become mailto: URIs.  Xandikos compares
        ORGANIZER/ATTENDEE values with these exactly (case matters).
        """
        hrefs = "".join(f"<D:href>{escape(a if ':' in a else 'mailto:' + a)}</D:href>"
                        for a in addresses)
        body = _ADDRESS_SET.format(hrefs=hrefs)
        with self.session(user, password) as session:
            resp = session.request("PROPPATCH", f"{self.url}{self.principal}/",
                                   data=body.encode(), timeout=30,
                                   headers={"Content-Type": "application/xml"})
        if resp.status_code != 207 or "200 OK" not in resp.text:
            raise RuntimeError(f"PROPPATCH calendar-user-address-set answered "
                               f"{resp.status_code}: {resp.text[:300]}")

    def outbox(self) -> list[bytes]:
        """The iTIP mails sent so far (raw RFC 5322 bytes), oldest first."""
        return [path.read_bytes() for path in self._outbox_files()]

    def clear_outbox(self) -> None:
        for path in self._outbox_files():
            path.unlink()

    def _outbox_files(self) -> list[Path]:
        if self.imip_outbox is None:
            raise RuntimeError("this Xandikos was started without imip_outbox")
        return sorted(self.imip_outbox.glob("*.eml"))


# Xandikos pipes each mail to `sendmail -t -i` and waits for it; this one
# files the mail instead, named by time so that sorting keeps the order, and
# renamed into place whole so that a reader never sees half of it.
_RECORDING_SENDMAIL = """#!/bin/sh
set -e
tmp="$(mktemp {outbox}/.incoming-XXXXXX)"
cat > "$tmp"
mv "$tmp" {outbox}/"$(date +%s%N)-$$.eml"
"""

_ADDRESS_SET = """<?xml version="1.0" encoding="utf-8"?>
<D:propertyupdate xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
 <D:set><D:prop><C:calendar-user-address-set>{hrefs}</C:calendar-user-address-set></D:prop></D:set>
</D:propertyupdate>"""


def _display_name(session: requests.Session, url: str) -> str:
    body = ('<?xml version="1.0"?><D:propfind xmlns:D="DAV:"><D:prop><D:displayname/>'
            "</D:prop></D:propfind>")
    resp = session.request("PROPFIND", url, data=body, timeout=30,
                           headers={"Depth": "0", "Content-Type": "application/xml"})
    if resp.status_code != 207:
        return ""
    return (ElementTree.fromstring(resp.content).findtext(".//{DAV:}displayname") or "").strip()


def merge_calendars(icals: Iterable[str], name: str = "") -> str:
    """Join one-object VCALENDARs into one, VTIMEZONEs deduplicated by TZID."""
    from icalendar import Calendar

    merged = Calendar()
    merged.add("PRODID", "-//crmdesk//seed//EN")
    merged.add("VERSION", "2.0")
    if name:
        merged.add("X-WR-CALNAME", name)
    zones: set[str] = set()
    for text in icals:
        for comp in Calendar.from_ical(text).subcomponents:
            if comp.name == "VTIMEZONE":
                if str(comp.get("TZID")) in zones:
                    continue
                zones.add(str(comp.get("TZID")))
            merged.add_component(comp)
    return str(merged.to_ical().decode())


def _sha_entry(password: str) -> str:
    digest = hashlib.sha1(password.encode("utf-8")).digest()  # htpasswd's {SHA} format
    return "{SHA}" + base64.b64encode(digest).decode("ascii")


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """(certificate, key) for 127.0.0.1 and localhost, made once per directory."""
    cert_path, key_path = directory / "selfsigned.crt", directory / "selfsigned.key"
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "crmdesk dev server")])
    now = datetime.datetime.now(datetime.timezone.utc)
    alt = x509.SubjectAlternativeName([
        x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=90))
            .add_extension(alt, critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    directory.mkdir(parents=True, exist_ok=True)
    key_path.write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path

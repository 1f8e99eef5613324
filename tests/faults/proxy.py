"""A fault-injecting HTTP proxy on 127.0.0.1, between crmdesk and a real server.

Every request the client sends is shown to a script, which may answer with a
`Fault`: answer an error without forwarding (500/502/503/429/401…), forward
and then answer an error anyway (the write landed, the client can't know),
reset the connection before forwarding or in the middle of the answer's
body, stall past the client's timeout, cut or truncate the body, rewrite the
request or the JSON answer, or run something first (a rival edit, a
logout) so that the real server itself answers 412 or 401.

The proxy can also terminate TLS (optionally demanding a client certificate)
in front of a plain-HTTP server.  It forwards each request on a fresh
upstream connection and keeps the client's connection alive like a server.
"""

from __future__ import annotations

import gzip
import http.client
import http.server
import json
import socket
import socketserver
import ssl
import struct
import sys
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te",
              "trailers", "transfer-encoding", "upgrade", "content-length"}


@dataclass
class Request:
    """What the client sent, as the script sees it."""

    index: int
    method: str
    path: str
    headers: dict[str, str]           # lower-case names
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None

    @property
    def rpc(self) -> str:
        """The JSON-RPC method ("" for anything else)."""
        data = self.json()
        return str(data.get("method", "")) if isinstance(data, dict) else ""

    @property
    def what(self) -> str:
        """Short name for logs: "REPORT sync-collection", "POST model.x.changes"…"""
        if self.rpc:
            return f"{self.method} {self.rpc}"
        if self.method == "REPORT":
            kind = "sync-collection" if b"sync-collection" in self.body else "multiget"
            return f"REPORT {kind}"
        return f"{self.method} {self.path}"


@dataclass
class Fault:
    """One misbehaviour, applied to one request.  See the module docstring."""

    kind: str
    label: str = ""
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    seconds: float = 0.0                                    # stall length
    rewrite: Callable[[Any], Any] | None = None             # the JSON answer
    rewrite_request: Callable[[bytes], bytes] | None = None
    before: Callable[[Request], None] | None = None         # run before forwarding

    @property
    def name(self) -> str:
        return self.label or (f"{self.kind} {self.status}" if self.status else self.kind)


# -- the faults ---------------------------------------------------------------

def answer(status: int, body: bytes = b"", headers: dict[str, str] | None = None,
           label: str = "") -> Fault:
    """Answer `status` without forwarding (the server never saw the request)."""
    return Fault("answer", label, status, dict(headers or {}), body)


def answer_after(status: int, label: str = "") -> Fault:
    """Forward (the server did the work), then answer `status` instead."""
    return Fault("answer_after", label or f"{status} after forwarding", status)


def reset_before() -> Fault:
    return Fault("reset_before", "reset before forwarding")


def reset_mid_body() -> Fault:
    """Forward, send the headers and half the body, then reset (RST)."""
    return Fault("reset_mid_body", "reset mid-body")


def stall(seconds: float, forward: bool = True) -> Fault:
    """Say nothing for `seconds` (after forwarding, or instead of it), then close."""
    return Fault("stall" if forward else "stall_before",
                 f"stall {'after' if forward else 'before'} forwarding", seconds=seconds)


def truncate() -> Fault:
    """Forward, then send only the first half of the body as if it were all of it."""
    return Fault("truncate", "truncated body")


def cut() -> Fault:
    """Forward, then send half the body of the announced length and close."""
    return Fault("cut", "body cut short")


def rewrite_json(fn: Callable[[Any], Any], label: str = "rewritten JSON") -> Fault:
    return Fault("rewrite", label, rewrite=fn)


def rewrite_request(fn: Callable[[bytes], bytes], label: str = "rewritten request") -> Fault:
    return Fault("forward", label, rewrite_request=fn)


def race(before: Callable[[Request], None], label: str = "race") -> Fault:
    """Run `before` (e.g. another client's edit), then forward as usual."""
    return Fault("forward", label, before=before)


def redirect(location: str, status: int = 307) -> Fault:
    return answer(status, headers={"Location": location}, label=f"redirect {status}")


Script = Callable[[Request], "Fault | None"]


class Once:
    """A script of one-shot rules: the first rule whose test matches a request
    fires once and is used up; requests that match none pass untouched."""

    def __init__(self, *rules: tuple[Callable[[Request], bool], Fault]) -> None:
        self.rules = list(rules)
        self.lock = threading.Lock()

    def add(self, test: Callable[[Request], bool], fault: Fault) -> None:
        with self.lock:
            self.rules.append((test, fault))

    def __call__(self, request: Request) -> Fault | None:
        with self.lock:
            for i, (test, fault) in enumerate(self.rules):
                if test(request):
                    del self.rules[i]
                    return fault
        return None

    @property
    def pending(self) -> int:
        return len(self.rules)


def is_rpc(name: str) -> Callable[[Request], bool]:
    """Matches JSON-RPC calls whose method ends with `name`."""
    return lambda r: r.rpc.endswith(name)


def is_method(method: str, body_has: bytes = b"") -> Callable[[Request], bool]:
    return lambda r: r.method == method and body_has in r.body


# -- the proxy ----------------------------------------------------------------

class FaultProxy:
    """`with FaultProxy(upstream_url) as proxy:` then point the client at proxy.url."""

    def __init__(self, upstream: str, script: Script | None = None, *,
                 tls: ssl.SSLContext | None = None,
                 upstream_tls: ssl.SSLContext | None = None) -> None:
        parts = urlsplit(upstream)
        self.upstream_host = parts.hostname or "127.0.0.1"
        self.upstream_port = parts.port or (443 if parts.scheme == "https" else 80)
        self.upstream_tls = upstream_tls if parts.scheme == "https" else None
        self.script: Script = script or (lambda r: None)
        self.tls = tls
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.requests: list[Request] = []
        self.faults: list[tuple[Request, Fault]] = []
        self.handshake_errors: list[str] = []
        self.handler_errors: list[str] = []
        self._server = _Server(("127.0.0.1", 0), _Handler, self)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}/"

    def start(self) -> FaultProxy:
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def seen(self, test: Callable[[Request], bool] = lambda r: True) -> list[Request]:
        with self.lock:
            return [r for r in self.requests if test(r)]

    def _record(self, request: Request) -> Fault | None:
        with self.lock:
            request.index = len(self.requests)
            self.requests.append(request)
        fault = self.script(request)
        if fault is not None:
            with self.lock:
                self.faults.append((request, fault))
        return fault

    def forward(self, request: Request, body: bytes) -> tuple[int, str, list[tuple[str, str]],
                                                             bytes]:
        if self.upstream_tls is not None:
            conn: http.client.HTTPConnection = http.client.HTTPSConnection(
                self.upstream_host, self.upstream_port, timeout=60, context=self.upstream_tls)
        else:
            conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port,
                                              timeout=60)
        try:
            headers = {k: v for k, v in request.headers.items() if k not in HOP_BY_HOP}
            # trytond labels big answers gzip even when asked for none (and then
            # sends them plain): ask for gzip, and serve the client plain bodies,
            # which the faults can cut and rewrite.
            headers["accept-encoding"] = "gzip"
            headers["content-length"] = str(len(body))
            conn.request(request.method, request.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            kept = [(k, v) for k, v in resp.getheaders() if k.lower() not in HOP_BY_HOP]
            if resp.getheader("Content-Encoding", "").lower() == "gzip":
                data = gzip.decompress(data)
                kept = [(k, v) for k, v in kept if k.lower() != "content-encoding"]
            return resp.status, resp.reason, kept, data
        finally:
            conn.close()


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], handler: type, proxy: FaultProxy) -> None:
        self.proxy = proxy
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Resets and refused handshakes are the point here; anything else is
        # kept for the test to see.
        kind = sys.exc_info()[0]
        if kind is not None and not issubclass(kind, (ConnectionError, ssl.SSLError, OSError)):
            self.proxy.handler_errors.append(traceback.format_exc())


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def setup(self) -> None:
        tls = self.server.proxy.tls
        if tls is not None:
            self.request = tls.wrap_socket(self.request, server_side=True,
                                           do_handshake_on_connect=False)
            try:
                self.request.do_handshake()
            except (ssl.SSLError, OSError) as exc:
                self.server.proxy.handshake_errors.append(str(exc))
                _linger_close(self.request)
                raise
        super().setup()

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass

    def log_message(self, *args: object) -> None:
        pass

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):
            return self._proxy
        raise AttributeError(name)

    # -- one request ----------------------------------------------------------

    def _proxy(self) -> None:
        proxy = self.server.proxy
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        request = Request(0, self.command, self.path,
                          {k.lower(): v for k, v in self.headers.items()}, body)
        fault = proxy._record(request)
        if fault is not None and fault.before is not None:
            fault.before(request)
        kind = fault.kind if fault is not None else "forward"
        if kind == "answer":
            return self._send(fault.status, "Fault", list(fault.headers.items()), fault.body)
        if kind == "reset_before":
            return self._reset()
        if kind == "stall_before":
            proxy.stopping.wait(fault.seconds)
            return self._close()
        if fault is not None and fault.rewrite_request is not None:
            body = fault.rewrite_request(body)
        status, reason, headers, data = proxy.forward(request, body)
        self._deliver(fault, status, reason, headers, data)

    def _deliver(self, fault: Fault | None, status: int, reason: str,
                 headers: list[tuple[str, str]], data: bytes) -> None:
        kind = fault.kind if fault is not None else "forward"
        if kind == "answer_after":
            return self._send(fault.status, "Fault", [], b"")
        if kind == "stall":
            self.server.proxy.stopping.wait(fault.seconds)
            return self._close()
        if kind == "reset_mid_body":
            if not data:                   # nothing to cut: cut the head instead
                self.wfile.write(b"HTTP/1.1 %d " % status)
                return self._reset()
            self._head(status, reason, headers, len(data))
            self.wfile.write(data[:len(data) // 2])
            return self._reset()
        if kind == "cut":
            self._head(status, reason, headers, len(data))
            self.wfile.write(data[:len(data) // 2])
            return self._close()
        if kind == "truncate":
            data = data[:len(data) // 2]
        if kind == "rewrite" and fault.rewrite is not None:
            data = json.dumps(fault.rewrite(json.loads(data))).encode()
        self._send(status, reason, headers, data)

    def _head(self, status: int, reason: str, headers: list[tuple[str, str]],
              length: int) -> None:
        self.send_response_only(status, reason)
        for name, value in headers:
            if name.lower() not in ("server", "date"):
                self.send_header(name, value)
        self.send_header("Content-Length", str(length))
        self.end_headers()

    def _send(self, status: int, reason: str, headers: list[tuple[str, str]],
              data: bytes) -> None:
        self._head(status, reason, headers, len(data))
        self.wfile.write(data)
        self.wfile.flush()

    def _close(self) -> None:
        self.close_connection = True
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _reset(self) -> None:
        """Close with an RST, as a crashed server or a dropped link does."""
        self.close_connection = True
        try:
            self.wfile.flush()
            raw = self.connection
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            raw.close()
        except OSError:
            pass


def _linger_close(sock: socket.socket) -> None:
    """Close as a web server does after a refused handshake: the alert already
    went out; read what the client still sends so that it can read the alert
    instead of a reset."""
    try:
        sock.settimeout(0.5)
        raw = sock.unwrap() if isinstance(sock, ssl.SSLSocket) else sock
    except (ssl.SSLError, OSError):
        raw = sock
    try:
        raw.shutdown(socket.SHUT_WR)
        while raw.recv(65536):
            pass
    except OSError:
        pass


def server_context(cert: str, key: str, client_ca: str | None = None) -> ssl.SSLContext:
    """A TLS server context; with `client_ca`, a client certificate is required."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    if client_ca:
        ctx.verify_mode = ssl.CERT_REQUIRED
        ctx.load_verify_locations(client_ca)
    return ctx

"""A TCP relay on 127.0.0.1 that a test can unplug: "the network" to a server.

crmdesk talks to the relay's port; `unplug()` closes the listener and every
open connection, so the next request is refused exactly as when the laptop
is offline; `plug()` listens on the same port again.  The servers behind it
keep running, so data written meanwhile (by the test, "on the phone") is
there when the rep comes back online.
"""

from __future__ import annotations

import socket
import threading
from typing import Iterator
from urllib.parse import urlsplit, urlunsplit

import pytest

from crmdesk.devservers.tryton import free_port

POLL_S = 0.1


class Relay:
    """Forwards 127.0.0.1:`port` to `target` while plugged in."""

    def __init__(self, target_url: str) -> None:
        parts = urlsplit(target_url)
        self.target = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._listener: socket.socket | None = None
        self._plugged = threading.Event()

    def url(self, server_url: str) -> str:
        """`server_url` with the relay's address instead of the server's."""
        parts = urlsplit(server_url)
        return urlunsplit(parts._replace(netloc=f"127.0.0.1:{self.port}"))

    def plug(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        listener.settimeout(POLL_S)
        self._listener = listener
        self._plugged.set()
        self._acceptor = threading.Thread(target=self._accept, args=(listener,), daemon=True)
        self._acceptor.start()

    def unplug(self) -> None:
        self._plugged.clear()
        listener, self._listener = self._listener, None
        if listener is not None:
            self._acceptor.join()            # it stops polling within POLL_S
            listener.close()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while self._plugged.is_set():
            try:
                client, _ = listener.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return                       # unplugged
            try:
                server = socket.create_connection(self.target, timeout=10)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets.update((client, server))
            for src, dst in ((client, server), (server, client)):
                threading.Thread(target=_pump, args=(src, dst), daemon=True).start()


def _pump(src: socket.socket, dst: socket.socket) -> None:
    try:
        src.settimeout(None)
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        _close(src)
        _close(dst)


def _close(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    sock.close()


@pytest.fixture
def relays(caldav: object, tryton_server: object) -> Iterator[tuple[Relay, Relay]]:
    """(CRM relay, calendar relay), plugged in; unplugged at the end."""
    crm, calendar = Relay(tryton_server.url), Relay(caldav.url)  # type: ignore[attr-defined]
    crm.plug()
    calendar.plug()
    yield crm, calendar
    crm.unplug()
    calendar.unplug()

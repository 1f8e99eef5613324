"""One crmdesk window per profile: a second launch raises the first window.

The first instance listens on a QLocalServer whose name is derived from the
profile's folders (and the user, since the socket lives in a shared temp
folder); a second launch with the same profile connects, sends "raise" and
exits.  A socket left behind by a crashed instance accepts no connection,
so it is removed and the new instance takes its place.
"""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

from crmdesk.settings import Profile

RAISE = b"raise\n"
CONNECT_MS = 1000


def server_name(profile: Profile) -> str:
    """A short socket name, the same for every launch with this profile."""
    key = f"{getpass.getuser()}|{profile.config_dir.resolve()}|{profile.data_dir.resolve()}"
    return "crmdesk-" + hashlib.sha256(key.encode()).hexdigest()[:24]


class SingleInstance(QObject):
    """`notify_running()` in a second launch; `listen()` in the first."""

    raise_requested = Signal()

    def __init__(self, profile: Profile, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(profile)
        self.server: QLocalServer | None = None
        self._sockets: set[QLocalSocket] = set()

    def notify_running(self, timeout_ms: int = CONNECT_MS) -> bool:
        """True when another instance took the message (this one should exit)."""
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(timeout_ms):
            return False
        socket.write(RAISE)
        sent = socket.waitForBytesWritten(timeout_ms)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(timeout_ms)
        return sent

    def listen(self) -> bool:
        """Become the instance others find; False if the socket can't be made."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            # Nobody answered notify_running(): a crashed instance's leftover.
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                server.deleteLater()
                return False
        server.newConnection.connect(self._on_connection)
        self.server = server
        return True

    def close(self) -> None:
        """Stop listening; connections still open are dropped first.

        A socket destroyed with its server emits signals from its destructor;
        a Python slot reached that way would touch a half-deleted object.
        """
        for socket in list(self._sockets):
            self._drop(socket)
        if self.server is not None:
            self.server.close()
            self.server.deleteLater()
            self.server = None

    def _on_connection(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            socket = self.server.nextPendingConnection()
            self._sockets.add(socket)
            socket.readyRead.connect(self._on_ready_read)
            socket.disconnected.connect(self._on_disconnected)
            self._read(socket)                     # the message may be there already

    @Slot()
    def _on_ready_read(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and socket in self._sockets:
            self._read(socket)

    @Slot()
    def _on_disconnected(self) -> None:
        socket = self.sender()
        if isinstance(socket, QLocalSocket) and socket in self._sockets:
            self._drop(socket)

    def _read(self, socket: QLocalSocket) -> None:
        while socket.canReadLine():
            if bytes(socket.readLine().data()) == RAISE:
                self.raise_requested.emit()

    def _drop(self, socket: QLocalSocket) -> None:
        self._sockets.discard(socket)
        socket.readyRead.disconnect(self._on_ready_read)
        socket.disconnected.disconnect(self._on_disconnected)
        socket.abort()
        socket.deleteLater()


def bring_to_front(window: QWidget) -> None:
    """Show `window` un-minimized and ask the window manager to focus it."""
    if window.isMinimized():
        window.setWindowState(window.windowState() & ~Qt.WindowState.WindowMinimized)
    window.show()
    window.raise_()
    window.activateWindow()

"""One kiosk window per data folder.

Autostart plus a double-click on the icon must not give two full-screen kiosks on one database
(two idle timers, two sync loops). The first ``kiosk gui`` takes a lock file in the data folder
and holds it for its whole life (:class:`QLockFile`: a lock whose process died is taken over,
so a crash never locks the shop out). It also listens on a local socket named after the data
folder. A second ``kiosk gui`` on the same folder cannot take the lock: it connects to that socket
and asks the first to come to the front, then exits (see docs/ui.md, "One kiosk per data
folder").

Nothing here opens the database files: the lock is a separate file (``kiosk-gui.lock``), so
SQLite's own locks on ``kiosk.db`` are never disturbed.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

LOCK_FILENAME = "kiosk-gui.lock"
#: What the second kiosk sends the first.
RAISE_MESSAGE = b"raise\n"
#: How long the second kiosk waits for the first to answer on its socket.
CONNECT_TIMEOUT_MS = 2_000
#: How long the first kiosk waits for the second one's message once it connected.
READ_TIMEOUT_MS = 500


def server_name(data_dir: Path) -> str:
    """The local socket's name for ``data_dir`` (one per folder, short enough for every OS)."""
    digest = hashlib.sha256(str(data_dir.resolve()).encode("utf-8")).hexdigest()[:16]
    return f"village-kiosk-{digest}"


class SingleInstance(QObject):
    """The lock and the socket of the one running kiosk on a data folder.

    Signals:
        raise_requested(): another ``kiosk gui`` on this folder asked to see this one.
    """

    raise_requested = Signal()

    def __init__(self, data_dir: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.name = server_name(data_dir)
        self._lock = QLockFile(str(data_dir / LOCK_FILENAME))
        # Never stale by age: only a lock whose process is gone is taken over.
        self._lock.setStaleLockTime(0)
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """Take the folder's lock; False when another kiosk holds it (it was asked to show).

        Call :meth:`listen` once the QApplication exists, to hear the next kiosk's request.
        """
        if not self._lock.tryLock(0):
            if self._lock.error() == QLockFile.LockError.LockFailedError:
                ask_first_to_raise(self.name)
                return False
            # No permission or an unreadable lock file: do not lock the shop out over it.
            log.warning("could not take the kiosk lock file (error %s)", self._lock.error())
        return True

    def listen(self) -> None:
        """Listen for a second kiosk on this folder (needs the QApplication's event loop)."""
        if self._server is not None:
            return
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        # We hold the lock, so a socket file left by a crashed kiosk is stale: remove it.
        QLocalServer.removeServer(self.name)
        if not server.listen(self.name):
            log.warning("single-instance socket not available: %s", server.errorString())
            return
        server.newConnection.connect(self._on_connection)
        self._server = server

    def _on_connection(self) -> None:
        server = self._server
        if server is None:
            return
        while server.hasPendingConnections():
            sock = server.nextPendingConnection()
            # The second kiosk writes right after connecting: a short wait, only then.
            if sock.bytesAvailable() or sock.waitForReadyRead(READ_TIMEOUT_MS):
                data = bytes(sock.readAll().data())
            else:
                data = b""
            sock.abort()
            sock.deleteLater()
            if RAISE_MESSAGE.strip() in data:
                log.info("another kiosk was started on this data folder; showing this one")
                self.raise_requested.emit()

    def release(self) -> None:
        """Stop listening and let go of the lock (at exit)."""
        if self._server is not None:
            self._server.close()
            self._server = None
        self._lock.unlock()


def ask_first_to_raise(name: str, timeout_ms: int = CONNECT_TIMEOUT_MS) -> bool:
    """Tell the kiosk listening on ``name`` to come to the front; True when it was told."""
    sock = QLocalSocket()
    sock.connectToServer(name)
    if not sock.waitForConnected(timeout_ms):
        return False
    sock.write(RAISE_MESSAGE)
    told = sock.waitForBytesWritten(timeout_ms)
    sock.disconnectFromServer()
    if sock.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        sock.waitForDisconnected(timeout_ms)
    return told

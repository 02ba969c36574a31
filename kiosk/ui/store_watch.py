"""Noticing commits made by other processes to the kiosk's database.

In this process every write goes through :meth:`kiosk.ui.services.KioskServices.write`, which
says so at once (``StoreSignals.changed``). A technician's or owner's ``kiosk`` command run beside
the open kiosk (docs/operating.md) commits from another process: :class:`StoreWatch` notices that
the database's files changed (inotify through ``QFileSystemWatcher``: no polling, and no file is
opened, so SQLite's locks are never disturbed — see ``kiosk/kernel/dbfiles.py``) and says so once
the writes have settled.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

#: Quiet time after the last change before :attr:`StoreWatch.changed` is emitted: a command's
#: transaction touches the files several times, the views re-read once.
SETTLE_MS = 300


class StoreWatch(QObject):
    """Watches the database file and its write-ahead log; emits ``changed`` after a commit.

    Signals:
        changed(): the files changed (by any process, this one included) and have been quiet
            for :data:`SETTLE_MS`.
    """

    changed = Signal()

    def __init__(self, db_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._paths = [str(db_path), f"{db_path}-wal"]
        self._watcher = QFileSystemWatcher(self)
        self._watcher.fileChanged.connect(self._touched)
        # The -wal file comes and goes (a checkpoint at the last close may remove it): the
        # folder's changes tell when to watch it again.
        self._watcher.directoryChanged.connect(self._touched)
        self._watcher.addPath(str(db_path.parent))
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.changed)
        self._rewatch()

    def watched(self) -> list[str]:
        """The files watched now (for tests and diagnostics)."""
        return list(self._watcher.files())

    def _rewatch(self) -> None:
        have = set(self._watcher.files())
        missing = [p for p in self._paths if p not in have and Path(p).exists()]
        if missing:
            self._watcher.addPaths(missing)

    def _touched(self, _path: str) -> None:
        self._rewatch()
        self._settle.start()

"""The running kiosk's background sync: started, stopped, paused for a restore, in one place.

:class:`SyncController` owns the :class:`~kiosk.sync.connectivity.ConnectivityMonitor` of the
kiosk window (``kiosk.ui.app`` builds one; the technician's restore asks it to pause). The
monitor tells a :class:`~kiosk.sync.listener.SyncListener` (the window's
:class:`~kiosk.ui.bridge.SyncBridge`) what happens. Sync (httpx, keyring) is imported only when
it starts, after the first paint.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from kiosk.storage.settings import SERVER_URL

if TYPE_CHECKING:
    from kiosk.storage.store import KioskStore
    from kiosk.sync.connectivity import ConnectivityMonitor
    from kiosk.sync.listener import SyncListener

log = logging.getLogger(__name__)

#: Setting written at enrollment; its presence means the kiosk talks to a central service.
SERVER_URL_KEY = SERVER_URL  # the settings key (kiosk/storage/settings.py)
#: How long a stop waits for the sync thread at exit or at a new enrollment.
STOP_TIMEOUT_S = 10.0


def start_sync(store: KioskStore, listener: SyncListener) -> ConnectivityMonitor | None:
    """Start the background sync when the kiosk is enrolled; ``None`` when it is not (yet).

    The GUI never fails to start because of sync: a problem here is logged and the indicator
    keeps saying what it knows from the outbox. Stop it with :func:`stop_sync`.
    """
    if not store.setting(SERVER_URL_KEY):
        return None
    try:
        from kiosk.sync.connectivity import ConnectivityMonitor
        from kiosk.sync.factory import open_engine

        # The monitor is the engine's listener and tells ``listener`` each thing once.
        monitor = ConnectivityMonitor(open_engine(store), listener=listener)
        monitor.start()
        return monitor
    except Exception:  # the shop can still take orders offline; the indicator says so
        log.exception("could not start background sync")
        return None


def stop_sync(monitor: ConnectivityMonitor, timeout_s: float = STOP_TIMEOUT_S) -> bool:
    """Stop the background sync (a sync in progress is aborted); True when its thread ended.

    The HTTP client is closed only once the thread is gone, never under a running request.
    """
    stopped = monitor.stop(timeout_s)
    if stopped:
        monitor.engine.client.close()
    else:
        log.warning("background sync did not stop in time")
    return stopped


class SyncController(QObject):
    """Start, stop, "sync now" and pause-for-restore of the kiosk's background sync.

    Signals:
        began(): the background sync runs for the first time (at start-up, or after the
            enrollment of a kiosk that started without one); not again on a re-enrollment.
    """

    began = Signal()

    def __init__(
        self, store: KioskStore, listener: SyncListener, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._listener = listener
        self._monitor: ConnectivityMonitor | None = None
        self._started = False  # start() was called (the sync may still not run: not enrolled)
        self._paused = False  # paused for a restore: nothing starts it again before the restart
        self._ran = False  # a sync ran at some point (``began`` was emitted)

    @property
    def monitor(self) -> ConnectivityMonitor | None:
        """The running monitor (``None``: not started, not enrolled, or stopped)."""
        return self._monitor

    @property
    def started(self) -> bool:
        """Whether :meth:`start` was called (or a pause made sure it never will)."""
        return self._started

    @property
    def paused(self) -> bool:
        """Whether the sync was paused for a restore."""
        return self._paused

    def start(self) -> bool:
        """Start the background sync once; True when it runs (False: not enrolled, or paused)."""
        if self._started:
            return self._monitor is not None
        self._started = True
        return self._begin()

    def restart(self) -> bool:
        """The kiosk was enrolled (again): sync from now on with the new address.

        A sync of the enrollment before is stopped first. Nothing starts while paused for a
        restore. True when a sync runs afterwards.
        """
        if self._paused:
            return False
        self._started = True
        if self._monitor is not None:
            stop_sync(self._monitor)  # it speaks to the address of the enrollment before
            self._monitor = None
        return self._begin()

    def _begin(self) -> bool:
        self._monitor = start_sync(self._store, self._listener)
        if self._monitor is None:
            return False
        if not self._ran:
            self._ran = True
            self.began.emit()
        return True

    def sync_now(self) -> None:
        """Ask for a sync at once (a new order goes out without waiting for the next cycle)."""
        if self._monitor is not None:
            self._monitor.sync_now()

    def stop(self, timeout_s: float = STOP_TIMEOUT_S) -> bool:
        """Stop the sync (at exit); True when no sync thread runs any more."""
        monitor, self._monitor = self._monitor, None
        if monitor is None:
            return True
        if stop_sync(monitor, timeout_s):
            return True
        self._monitor = monitor  # still stopping: it was told to; a later stop joins it
        return False

    def pause_for_restore(self, timeout_s: float) -> bool:
        """Stop the sync for good before the database files are replaced.

        Also when it was not started yet: then it never starts before the restart. True when
        no sync thread is running any more; False when it did not stop within ``timeout_s``
        (it still stops later: it was told to).
        """
        self._paused = True
        self._started = True
        return self.stop(timeout_s)

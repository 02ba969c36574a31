"""Connectivity: probe the central service, sync periodically and as soon as the link is back.

:class:`ConnectivityMonitor` runs on a plain ``threading.Thread`` (Qt-free; a Qt bridge can
re-emit what its :class:`~kiosk.sync.listener.SyncListener` hears as signals). It probes
``GET /v1/health``; on the offline → online transition it runs a sync at once, otherwise every
``sync_interval_s``. While offline it probes with a growing delay (doubling up to
``offline_max_s``) so a dead dongle is not hammered. Stopping is prompt: every wait is on a
``threading.Event``, and a sync in progress is aborted between pages/batches.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.sync.engine import SyncEngine, SyncProgress, SyncSummary
from kiosk.sync.errors import SyncError
from kiosk.sync.listener import SyncListener, tell

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ConnectivityState:
    """What the status line shows: are we online, when did a sync last succeed, what happened."""

    online: bool | None
    last_success_at: str | None
    last_summary: SyncSummary | None
    syncing: bool


def next_offline_delay(previous: float | None, probe_interval_s: float, max_s: float) -> float:
    """The wait before the next probe while offline: doubling from the probe interval, capped."""
    if previous is None:
        return probe_interval_s
    return min(max_s, previous * 2)


class ConnectivityMonitor:
    """Background runner of probes and syncs.

    It is the engine's listener: ``listener`` hears, on the runner thread, the engine's progress
    and finished runs as they are, and online/offline once per change, whether a probe or one of
    the engine's requests noticed it. Nothing reaches ``listener`` twice.

    Args:
        engine: the sync engine (its client is used for the probes too; same thread).
        sync_interval_s: time between syncs while online.
        probe_interval_s: time between probes while online, and the first delay while offline.
        offline_max_s: cap on the delay between probes while offline.
        listener: told of progress, finished runs, online and offline.
        monotonic: clock for scheduling (injectable).
    """

    def __init__(
        self,
        engine: SyncEngine,
        *,
        sync_interval_s: float = 300.0,
        probe_interval_s: float = 30.0,
        offline_max_s: float = 600.0,
        listener: SyncListener | None = None,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.sync_interval_s = sync_interval_s
        self.probe_interval_s = probe_interval_s
        self.offline_max_s = offline_max_s
        self.listener = listener
        engine.listener = self
        self._monotonic = monotonic
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._sync_requested = False
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._online: bool | None = None
        self._last_summary: SyncSummary | None = None
        self._last_success_at: str | None = None
        self._syncing = False
        self.probes = 0

    # --- control (any thread) -------------------------------------------------------------------

    def start(self) -> None:
        """Start the runner thread (once)."""
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="kiosk-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> bool:
        """Stop promptly (aborting a sync in progress); True when the thread has ended."""
        self._stop.set()
        self._wake.set()
        self.engine.abort()
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def sync_now(self) -> None:
        """Ask for a sync as soon as possible (the "sync now" button)."""
        with self._lock:
            self._sync_requested = True
        self._wake.set()

    def state(self) -> ConnectivityState:
        """A snapshot for the UI."""
        with self._lock:
            return ConnectivityState(
                self._online, self._last_success_at, self._last_summary, self._syncing
            )

    # --- the runner --------------------------------------------------------------------------

    # --- the engine's listener (on the runner thread) ----------------------------------------

    def on_progress(self, progress: SyncProgress) -> None:
        """Passed on as it is."""
        tell(self.listener, lambda li: li.on_progress(progress), "progress")

    def on_finished(self, summary: SyncSummary) -> None:
        """Recorded for :meth:`state`, then passed on."""
        with self._lock:
            self._last_summary = summary
            if summary.ok:
                self._last_success_at = summary.finished_at
        tell(self.listener, lambda li: li.on_finished(summary), "finished")

    def on_online(self) -> None:
        """One of the engine's requests reached central."""
        self._set_online(True)

    def on_offline(self) -> None:
        """One of the engine's requests could not reach central."""
        self._set_online(False)

    def _set_online(self, online: bool) -> bool:
        """Record the state; True on an offline (or unknown) → online transition."""
        with self._lock:
            before, self._online = self._online, online
        if before is not online:
            if online:
                tell(self.listener, lambda li: li.on_online(), "online")
            else:
                tell(self.listener, lambda li: li.on_offline(), "offline")
        return online and before is not True

    def _probe(self) -> bool:
        self.probes += 1
        try:
            self.engine.client.health()
            return True
        except SyncError as exc:
            log.info("central service not reachable: %s", exc)
            return False

    def _sync(self) -> SyncSummary:
        with self._lock:
            self._syncing = True
            self._sync_requested = False
        try:
            return self.engine.run_once()  # its summary reaches on_finished first
        finally:
            with self._lock:
                self._syncing = False

    def _run(self) -> None:
        next_sync = self._monotonic()
        offline_delay: float | None = None
        while not self._stop.is_set():
            online = self._probe()
            came_back = self._set_online(online)
            if online and not self._stop.is_set():
                with self._lock:
                    requested = self._sync_requested
                if came_back or requested or self._monotonic() >= next_sync:
                    summary = self._sync()
                    next_sync = self._monotonic() + self.sync_interval_s
                    if summary.offline:
                        self._set_online(False)
                        online = False
            if online:
                offline_delay = None
                delay = min(self.probe_interval_s, max(0.0, next_sync - self._monotonic()))
            else:
                offline_delay = next_offline_delay(
                    offline_delay, self.probe_interval_s, self.offline_max_s
                )
                delay = offline_delay
            self._wake.wait(delay)
            self._wake.clear()

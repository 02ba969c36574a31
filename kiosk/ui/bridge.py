"""The sync engine seen from the GUI: its plain-callback events as Qt signals on the GUI thread,
and the words of the always-visible sync indicator.

The engine (``kiosk.sync``) calls ``on_event(name, data)`` from its own thread; pass
:meth:`SyncBridge.on_event` as that callback. The kiosk works without any engine (not enrolled
yet): the indicator then says so and still counts orders waiting to send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from kiosk.storage.settings import LAST_ERROR_CODE, LAST_SUCCESS_AT
from kiosk.storage.store import KioskStore
from kiosk.ui.tasks import TaskRunner


class SyncBridge(QObject):
    """Re-emits the sync engine's events as Qt signals, always on the GUI thread.

    Signals:
        progress(object): the engine's progress data.
        finished(object): the engine's run summary (``ok``, ``finished_at`` …).
        online(): the central service answers.
        offline(): the central service cannot be reached.
    """

    progress = Signal(object)
    finished = Signal(object)
    online = Signal()
    offline = Signal()
    _event = Signal(str, object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Queued: whatever thread the engine calls from, the re-emit happens on ours.
        self._event.connect(self._dispatch, Qt.ConnectionType.QueuedConnection)

    def on_event(self, name: str, data: Any = None) -> None:
        """The engine's plain callback; safe to call from any thread."""
        self._event.emit(name, data)

    @Slot(str, object)
    def _dispatch(self, name: str, data: object) -> None:
        if name == "progress":
            self.progress.emit(data)
        elif name == "finished":
            self.finished.emit(data)
        elif name == "online":
            self.online.emit()
        elif name == "offline":
            self.offline.emit()


@dataclass(frozen=True, slots=True)
class SyncFacts:
    """What the indicator knows."""

    connected: bool  # enrolled with a central service
    online: bool | None  # None: not known yet
    orders_waiting: int
    quarantined: int
    last_synced: datetime | None
    # Why the last sync failed, when retrying alone will not fix it (a ``SyncCode`` value).
    problem: str | None = None


# Sync outcomes the shop must hear about in the top bar: waiting will not fix them (a wrong
# clock makes the platform's certificate look invalid, which is not "the internet is down").
# Offline, timeouts, a busy or failing platform and a stop are transient: they are not shown.
CLOCK_PROBLEMS = frozenset({"tls_clock"})
ENROLL_PROBLEMS = frozenset({"unauthorized", "not_enrolled"})
TECHNICIAN_PROBLEMS = frozenset(
    {"tls_untrusted", "tls_handshake", "keyring", "damaged", "bad_response", "refused", "run_limit"}
)


class SyncIndicator(QObject):
    """Keeps :class:`SyncFacts` fresh: outbox counts read off the GUI thread, engine events.

    Signals:
        changed(str): the new plain-words text.
    """

    changed = Signal(str)

    def __init__(
        self,
        store: KioskStore,
        runner: TaskRunner,
        bridge: SyncBridge,
        *,
        connected: bool,
        poll_ms: int = 5000,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._runner = runner
        self._facts = SyncFacts(connected, None, 0, 0, None)
        self._reading = False
        self._stale = False
        # Until the first read of the store: the stored last sync problem and time are shown
        # from the start, not only after the first sync since the kiosk started.
        self._seeded = False
        bridge.online.connect(lambda: self._update(online=True))
        bridge.offline.connect(lambda: self._update(online=False))
        bridge.finished.connect(self._on_finished)
        self._timer = QTimer(self)
        self._timer.setInterval(poll_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()

    @property
    def facts(self) -> SyncFacts:
        """The latest facts."""
        return self._facts

    @property
    def text(self) -> str:
        """The latest plain words."""
        return self.describe(self._facts)

    def describe(self, facts: SyncFacts) -> str:
        """Plain words, e.g. "Online · 2 orders waiting to send · last synced 10:42"."""
        parts: list[str] = []
        problem = self.problem_words(facts.problem) if facts.connected else None
        if not facts.connected:
            parts.append(self.tr("Not connected to the platform yet"))
        elif problem is not None:
            parts.append(problem)  # instead of "Internet is down": that is not the cause
        elif facts.online is False:
            parts.append(self.tr("Internet is down"))
        elif facts.online:
            parts.append(self.tr("Online"))
        n = facts.orders_waiting
        if n:
            parts.append(self.tr("%n order(s) waiting to send", "", n))
        elif facts.connected:
            parts.append(self.tr("All orders sent"))
        q = facts.quarantined
        if q:
            parts.append(self.tr("%n item(s) for the owner", "", q))
        if facts.last_synced is not None:
            local = facts.last_synced.astimezone()
            parts.append(self.tr("last synced %1").replace("%1", local.strftime("%H:%M")))
        return " · ".join(parts)

    def problem_words(self, problem: str | None) -> str | None:
        """Short words for a sync problem that needs a person (``None``: nothing to say)."""
        if problem in CLOCK_PROBLEMS:
            return self.tr("Cannot sync: check the PC's date and time")
        if problem in ENROLL_PROBLEMS:
            return self.tr("Cannot sync: technician must enroll again")
        if problem in TECHNICIAN_PROBLEMS:
            return self.tr("Cannot sync: please call the technician")
        return None

    def set_connected(self, connected: bool) -> None:
        """The kiosk was enrolled (or not) since the indicator was made."""
        self._update(connected=connected)
        self.refresh()

    def _update(self, **changes: Any) -> None:
        facts = SyncFacts(**{**_as_dict(self._facts), **changes})
        if facts != self._facts:
            self._facts = facts
            self.changed.emit(self.describe(facts))

    @Slot(object)
    def _on_finished(self, summary: object) -> None:
        self._seeded = True  # a run's own outcome is fresher than what the store said at start
        # The engine hands a SyncSummary; the connectivity monitor hands its dict form.
        get = summary.get if isinstance(summary, dict) else lambda k: getattr(summary, k, None)
        if get("ok"):
            at = get("finished_at")
            when = _parse_time(at) or datetime.now(UTC)
            self._update(last_synced=when, online=True, problem=None)
        elif "error_code" in _keys(summary):
            # A run that stopped for a reason waiting will not fix stays on screen until a run
            # succeeds; a transient one (offline, busy …) clears an older problem.
            code = get("error_code")
            self._update(problem=str(code) if code else None)
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Re-read the outbox counts in the background (one read at a time).

        A request that arrives while a read is in flight is not dropped: that read may have started
        before the change the caller wants to see, so one more read follows it.
        """
        if self._reading:
            self._stale = True
            return
        self._reading = True
        self._stale = False
        store = self._store

        seed = not self._seeded

        def read() -> tuple[int, int, str | None, str | None]:
            from kiosk.storage import outbox
            from kiosk.storage.lookup import orders_waiting_to_send

            with store.read() as s:
                waiting, quarantined = orders_waiting_to_send(s), outbox.stats(s).quarantined
                if not seed:
                    return waiting, quarantined, None, None
                problem = KioskStore.get_setting(s, LAST_ERROR_CODE) or None
                last = KioskStore.get_setting(s, LAST_SUCCESS_AT) or None
                return waiting, quarantined, problem, last

        def done(counts: tuple[int, int, str | None, str | None]) -> None:
            self._reading = False
            changes: dict[str, Any] = {"orders_waiting": counts[0], "quarantined": counts[1]}
            if seed and not self._seeded:
                self._seeded = True
                changes["problem"] = counts[2]
                if self._facts.last_synced is None:
                    changes["last_synced"] = _parse_time(counts[3])
            self._update(**changes)
            if self._stale:
                self.refresh()

        def failed(_exc: BaseException) -> None:
            self._reading = False
            if self._stale:
                self.refresh()

        self._runner.run(read, done, failed)

    def stop(self) -> None:
        """Stop polling (at exit)."""
        self._timer.stop()


def _keys(summary: object) -> set[str]:
    """The fields a summary carries (a ``SyncSummary`` or its dict form)."""
    if isinstance(summary, dict):
        return set(summary)
    return {k for k in ("ok", "error_code", "finished_at") if hasattr(summary, k)}


def _as_dict(f: SyncFacts) -> dict[str, Any]:
    return {k: getattr(f, k) for k in SyncFacts.__slots__}


def _parse_time(value: object) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None

"""The sync engine seen from the GUI: what its listener hears as Qt signals on the GUI thread,
and the words of the always-visible sync indicator.

The engine (``kiosk.sync``) tells a :class:`~kiosk.sync.listener.SyncListener` from its own
thread; a :class:`SyncBridge` is one. The kiosk works without any engine (not enrolled yet): the
indicator then says so and still counts orders waiting to send.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal, Slot

from kiosk.storage.settings import LAST_ERROR_CODE, LAST_SUCCESS_AT
from kiosk.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from kiosk.storage.store import KioskStore
    from kiosk.sync.engine import SyncProgress, SyncSummary
    from kiosk.ui.services import StoreSignals


class SyncBridge(QObject):
    """A :class:`~kiosk.sync.listener.SyncListener` that re-emits what it hears as Qt signals,
    always on the GUI thread (its methods are safe to call from any thread).

    Signals:
        progress(object): a :class:`~kiosk.sync.engine.SyncProgress`.
        finished(object): the run's :class:`~kiosk.sync.engine.SyncSummary`.
        online(): the central service answers.
        offline(): the central service cannot be reached.
    """

    progress = Signal(object)
    finished = Signal(object)
    online = Signal()
    offline = Signal()
    _progress_in = Signal(object)
    _finished_in = Signal(object)
    _online_in = Signal()
    _offline_in = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        # Queued: whatever thread the engine calls from, the re-emit happens on ours.
        queued = Qt.ConnectionType.QueuedConnection
        self._progress_in.connect(self._emit_progress, queued)
        self._finished_in.connect(self._emit_finished, queued)
        self._online_in.connect(self._emit_online, queued)
        self._offline_in.connect(self._emit_offline, queued)

    # --- SyncListener (any thread) -------------------------------------------------------------

    def on_progress(self, progress: SyncProgress) -> None:
        """A running sync moved on."""
        self._progress_in.emit(progress)

    def on_finished(self, summary: SyncSummary) -> None:
        """A run ended."""
        self._finished_in.emit(summary)

    def on_online(self) -> None:
        """Central answers."""
        self._online_in.emit()

    def on_offline(self) -> None:
        """Central cannot be reached."""
        self._offline_in.emit()

    # --- on the GUI thread ---------------------------------------------------------------------

    @Slot(object)
    def _emit_progress(self, progress: object) -> None:
        self.progress.emit(progress)

    @Slot(object)
    def _emit_finished(self, summary: object) -> None:
        self.finished.emit(summary)

    @Slot()
    def _emit_online(self) -> None:
        self.online.emit()

    @Slot()
    def _emit_offline(self) -> None:
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
    """Keeps :class:`SyncFacts` fresh: outbox counts read off the GUI thread when the store
    changed (:class:`~kiosk.ui.services.StoreSignals`) or a sync finished, engine events.

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
        changes: StoreSignals | None = None,
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
        if changes is not None:  # an order placed, an owner's move, an outbox change …
            changes.changed.connect(self.refresh)

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
    def _on_finished(self, summary: SyncSummary) -> None:
        self._seeded = True  # a run's own outcome is fresher than what the store said at start
        if summary.ok:
            when = _parse_time(summary.finished_at) or datetime.now(UTC)
            self._update(last_synced=when, online=True, problem=None)
        else:
            # A run that stopped for a reason waiting will not fix stays on screen until a run
            # succeeds; a transient one (offline, busy …) clears an older problem.
            code = summary.error_code
            self._update(problem=str(code) if code else None)
        self.refresh()

    @Slot()
    @Slot(str)
    def refresh(self, _what: str = "") -> None:
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
                problem = store.get_setting(s, LAST_ERROR_CODE) or None
                last = store.get_setting(s, LAST_SUCCESS_AT) or None
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

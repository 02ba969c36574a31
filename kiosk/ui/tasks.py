"""Run work off the GUI thread and get the answer back on it.

No widget calls in here: the functions handed to :meth:`TaskRunner.run` run on a worker thread and
must only touch the store, files and plain data; their result (or exception) is delivered to the
``on_success`` / ``on_failure`` callbacks on the GUI thread, where widgets may be updated.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)

T = TypeVar("T")


class _Relay(QObject):
    """Lives on the GUI thread; a worker emitting ``done`` there makes the delivery queued.

    The value travels inside a one-element list: PySide6 6.12 mis-counts references when a bare
    ``None`` crosses threads through a ``Signal(object)`` and crashes the interpreter.
    """

    done = Signal(int, bool, list)


class _Job(QRunnable):
    def __init__(self, task_id: int, fn: Callable[[], Any], relay: _Relay) -> None:
        super().__init__()
        # Python keeps the job alive (TaskRunner._jobs) until its result is delivered; Qt must
        # not delete it behind the wrapper's back.
        self.setAutoDelete(False)
        self._task_id = task_id
        self._fn = fn
        self._relay = relay

    def run(self) -> None:
        try:
            value = self._fn()
        except BaseException as exc:  # delivered to on_failure; a worker must never die silently
            self._relay.done.emit(self._task_id, False, [exc])
        else:
            self._relay.done.emit(self._task_id, True, [value])


class TaskRunner(QObject):
    """A small thread pool whose results come back on the GUI thread.

    Signals:
        idle: emitted when the last running task has delivered its result.
    """

    idle = Signal()

    def __init__(self, max_threads: int = 2, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        # Two workers: SQLite has one writer anyway, and the kiosk PC may have two cores.
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.done.connect(self._deliver)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None, Callable[..., None] | None]]
        self._callbacks = {}
        self._jobs: dict[int, _Job] = {}
        self._latest: dict[str, int] = {}

    @property
    def busy(self) -> bool:
        """True while a task has not delivered its result yet."""
        return bool(self._callbacks)

    def run(
        self,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run ``fn()`` on a worker; call back on the GUI thread. Returns the task's number."""
        task_id = next(self._ids)
        self._callbacks[task_id] = (on_success, on_failure)
        job = _Job(task_id, fn, self._relay)
        self._jobs[task_id] = job
        self._pool.start(job)
        return task_id

    def run_latest(
        self,
        key: str,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Like :meth:`run`, for a reload where only the newest answer counts.

        With two workers an older read can finish after a newer one; its answer would put stale
        data back on screen. Here an answer is delivered only if no newer task was started under
        the same ``key`` since; older answers (and failures) are dropped.
        """
        task_id = 0

        def deliver(value: T) -> None:
            if self._latest.get(key) == task_id and on_success is not None:
                on_success(value)

        def fail(exc: BaseException) -> None:
            if self._latest.get(key) != task_id:
                return
            if on_failure is not None:
                on_failure(exc)
            else:
                log.error("background task failed", exc_info=exc)

        task_id = self.run(fn, deliver, fail)
        self._latest[key] = task_id
        return task_id

    @Slot(int, bool, list)
    def _deliver(self, task_id: int, ok: bool, boxed: list[Any]) -> None:
        value = boxed[0]
        self._jobs.pop(task_id, None)
        on_success, on_failure = self._callbacks.pop(task_id, (None, None))
        try:
            if ok and on_success is not None:
                on_success(value)
            elif not ok:
                if on_failure is not None:
                    on_failure(value)
                else:
                    log.error("background task failed", exc_info=value)
        finally:
            if not self._callbacks:
                self.idle.emit()

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Wait for running tasks (at exit); callbacks still pending are dropped."""
        done = self._pool.waitForDone(timeout_ms)
        self._callbacks.clear()
        self._jobs.clear()
        return bool(done)

"""TaskRunner: work off the GUI thread, answers on it; run_latest drops superseded answers."""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from kiosk.ui.tasks import TaskRunner


def _gui_thread() -> QThread:
    return QApplication.instance().thread()  # type: ignore[union-attr]


def test_answers_and_failures_arrive_on_the_gui_thread(qtbot: Any) -> None:
    runner = TaskRunner()
    seen: list[tuple[str, object, bool]] = []

    def boom() -> int:
        raise ValueError("disk full")

    with qtbot.waitSignal(runner.idle, timeout=10_000):
        runner.run(
            lambda: threading.current_thread().name,
            lambda v: seen.append(("ok", v, QThread.currentThread() is _gui_thread())),
        )
        runner.run(
            boom,
            None,
            lambda e: seen.append(("err", str(e), QThread.currentThread() is _gui_thread())),
        )
    assert sorted(kind for kind, _, _ in seen) == ["err", "ok"]
    answers = dict((kind, value) for kind, value, _ in seen)
    assert answers["err"] == "disk full"
    assert answers["ok"] != threading.current_thread().name  # it ran on a worker
    assert all(on_gui for _, _, on_gui in seen)
    assert not runner.busy
    runner.shutdown()


def test_run_latest_drops_an_older_answer_that_finishes_last(qtbot: Any) -> None:
    runner = TaskRunner(max_threads=2)
    release_old = threading.Event()
    shown: list[str] = []
    plain: list[str] = []

    def old_read() -> str:
        release_old.wait(10)
        return "old"

    runner.run_latest("home", old_read, shown.append)
    new_id = runner.run_latest("home", lambda: "new", shown.append)
    qtbot.waitUntil(lambda: shown == ["new"], timeout=10_000)
    # Another key is independent, and plain run() is not affected.
    runner.run_latest("queue", lambda: "queue", plain.append)
    with qtbot.waitSignal(runner.idle, timeout=10_000):
        release_old.set()
    assert shown == ["new"], "the older read finished last and must not overwrite the newer one"
    assert plain == ["queue"]
    assert new_id > 0
    runner.shutdown()


def test_run_latest_drops_a_superseded_failure(qtbot: Any) -> None:
    runner = TaskRunner(max_threads=2)
    release_old = threading.Event()
    errors: list[BaseException] = []
    shown: list[str] = []

    def old_read() -> str:
        release_old.wait(10)
        raise OSError("old read failed")

    runner.run_latest("k", old_read, shown.append, errors.append)
    runner.run_latest("k", lambda: "new", shown.append, errors.append)
    qtbot.waitUntil(lambda: shown == ["new"], timeout=10_000)
    with qtbot.waitSignal(runner.idle, timeout=10_000):
        release_old.set()
    assert errors == []
    runner.shutdown()

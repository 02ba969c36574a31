"""Restore from a backup on the technician screen while the background sync runs against the
REAL central service: the sync is stopped before the database files move (or the restore is
refused in plain words when it does not stop in time), the restored file is intact and holds the
backup's orders, the kiosk asks to restart, and no sync thread is left running.

The sync is held mid-cycle by its own progress callback (no sleeps): at the start of the push it
waits until it is told to stop (first test) or until the test lets it go (second test).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication
from sqlalchemy import select

import kiosk.ui.admin.tech.database as tech_database
from kiosk.admin import Role
from kiosk.storage.backup import backup_database, integrity_check, new_backup_path
from kiosk.storage.models import Order
from kiosk.storage.store import KioskStore
from kiosk.sync.connectivity import ConnectivityMonitor
from kiosk.sync.engine import SyncProgress
from kiosk.sync.listener import QuietListener
from kiosk.ui.app import EXIT_RESTART, run_gui
from kiosk.ui.sync_control import SyncController
from kiosk.ui.window import KioskWindow
from tests.helpers.central_server import (
    central_server,  # noqa: F401  (the fixture)
)
from tests.ui.admin.conftest import click, place, unlock
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

#: Upper bound for any wait on the held sync thread (a deadline, not a pause).
HOLD_CAP_S = 30.0


def sync_threads() -> list[threading.Thread]:
    """The connectivity monitor's threads still alive."""
    return [t for t in threading.enumerate() if t.name == "kiosk-sync" and t.is_alive()]


def order_ids(store: KioskStore) -> set[str]:
    with store.read() as s:
        return set(s.scalars(select(Order.id)).all())


class SyncHold(QuietListener):
    """A sync listener that holds the sync thread at the start of the push.

    ``held`` is set once the sync thread is held; it waits for ``release`` (at most
    :data:`HOLD_CAP_S`). ``log`` records, in order, what happened on any thread.
    """

    def __init__(self) -> None:
        self.held = threading.Event()
        self.release = threading.Event()
        self.log: list[str] = []

    def on_progress(self, progress: SyncProgress) -> None:
        if progress.phase == "push" and not self.held.is_set():
            self.log.append("sync held")
            self.held.set()
            self.release.wait(HOLD_CAP_S)
            self.log.append("sync released")


def start_held_sync(
    store: KioskStore, hold: SyncHold
) -> tuple[SyncController, ConnectivityMonitor]:
    sync = SyncController(store, hold)  # the GUI's own start-up path
    assert sync.start(), "an enrolled kiosk must start its background sync"
    assert sync.monitor is not None
    return sync, sync.monitor


def open_database_tab(qtbot: Any, window: Any) -> Any:
    unlock(qtbot, window, Role.TECHNICIAN)
    tech = window.admin.technician
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=20_000)
    bar = tech.tabs.tabBar()
    index = [bar.tabText(i) for i in range(bar.count())].index("Database")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    return tech


def spy_on_restore(monkeypatch: pytest.MonkeyPatch, hold: SyncHold) -> list[bool]:
    """Record in ``hold.log`` when the files are about to move; returns "sync alive then"."""
    real = tech_database.restore_backup
    alive: list[bool] = []

    def spy(data_dir: Path, backup: Path) -> Any:
        alive.append(bool(sync_threads()))
        hold.log.append("files moved")
        return real(data_dir, backup)

    monkeypatch.setattr(tech_database, "restore_backup", spy)
    return alive


def backed_up_then_more(store: KioskStore) -> tuple[set[str], Path]:
    """One order in a backup, two more after it; (the backup's order ids, the backup)."""
    place(store, ("LY-0001", 1))
    backup = backup_database(store.path, new_backup_path(store.data_dir))
    kept = order_ids(store)
    place(store, ("LY-0002", 1))
    place(store, ("LY-0001", 2))
    assert len(order_ids(store)) == 3
    return kept, Path(backup)


def test_restore_stops_the_running_sync_first_then_restarts(
    qtbot: Any, admin_window: Any, enrolled_store: KioskStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = enrolled_store
    kept, backup = backed_up_then_more(store)
    window = admin_window(store)
    tech = open_database_tab(qtbot, window)
    hold = SyncHold()
    sync, monitor = start_held_sync(store, hold)
    real_abort = monitor.engine.abort

    def abort() -> None:
        # Being told to stop is what lets the held sync go on (to its abort check).
        hold.log.append("sync told to stop")
        real_abort()
        hold.release.set()

    monkeypatch.setattr(monitor.engine, "abort", abort)
    restarts: list[str] = []
    window.set_sync_controller(sync)
    window.restart_requested.connect(lambda: restarts.append("restart"))
    tech.database_tab.restart_delay_ms = 0
    alive_at_restore = spy_on_restore(monkeypatch, hold)
    tech.database_tab.choose_file = lambda *_a: backup
    window.services.asker.answer = lambda *_a: True
    try:
        qtbot.waitUntil(hold.held.is_set, timeout=30_000)
        assert monitor.state().syncing, "the sync must be in progress when the restore starts"
        with qtbot.waitSignal(tech.restored, timeout=30_000) as restored:
            click(qtbot, tech.database_tab.restore_button)
        qtbot.waitUntil(lambda: restarts == ["restart"], timeout=10_000)
        seen = list(hold.log)  # before the clean-up below tells the (ended) sync to stop again
    finally:
        hold.release.set()
        sync.stop()
    assert seen == ["sync held", "sync told to stop", "sync released", "files moved"]
    assert alive_at_restore == [False], "the sync thread was alive when the files moved"
    assert "restarts now" in tech.message.text() and "Restored from" in tech.message.text()
    result = restored.args[0]
    assert result.unsent_in_replaced >= 2 and Path(result.moved_to).is_dir()
    assert integrity_check(store.path) == "ok"
    assert order_ids(store) == kept
    assert not sync_threads() and not window.services.runner.busy


def test_restore_is_refused_while_the_sync_does_not_stop(
    qtbot: Any, admin_window: Any, enrolled_store: KioskStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = enrolled_store
    kept, backup = backed_up_then_more(store)
    window = admin_window(store)
    tech = open_database_tab(qtbot, window)
    hold = SyncHold()  # ignores "stop" until the test releases it: a sync stuck in a request
    sync, _monitor = start_held_sync(store, hold)
    restarts: list[str] = []
    window.set_sync_controller(sync)
    window.restart_requested.connect(lambda: restarts.append("restart"))
    tech.database_tab.sync_stop_timeout_s = 0.2
    tech.database_tab.restart_delay_ms = 0
    alive_at_restore = spy_on_restore(monkeypatch, hold)
    tech.database_tab.choose_file = lambda *_a: backup
    window.services.asker.answer = lambda *_a: True
    try:
        qtbot.waitUntil(hold.held.is_set, timeout=30_000)
        with qtbot.waitSignal(tech.done, timeout=10_000) as said:
            click(qtbot, tech.database_tab.restore_button)
        assert "did not stop in time" in said.args[0]
        assert not list(store.data_dir.glob("replaced-*")) and alive_at_restore == []
        assert len(order_ids(store)) == 3 and restarts == []
        # Once the sync has let go, the same button restores.
        hold.release.set()
        qtbot.waitUntil(lambda: not sync_threads(), timeout=30_000)
        with qtbot.waitSignal(tech.restored, timeout=30_000):
            click(qtbot, tech.database_tab.restore_button)
        qtbot.waitUntil(lambda: restarts == ["restart"], timeout=10_000)
    finally:
        hold.release.set()
        sync.stop()
    assert alive_at_restore == [False]
    assert integrity_check(store.path) == "ok"
    assert order_ids(store) == kept
    assert not sync_threads() and not window.services.runner.busy


def test_run_gui_restore_ends_with_the_restart_code(enrolled_store: KioskStore) -> None:
    """The wiring in run_gui itself: its own monitor is stopped, and it returns EXIT_RESTART."""
    kept, backup = backed_up_then_more(enrolled_store)
    data_dir = enrolled_store.data_dir
    enrolled_store.close()  # run_gui opens its own, as `kiosk gui` does
    seen: dict[str, Any] = {}

    def watch() -> None:
        # Inside run_gui's loop: once its background sync runs, restore as the technician would.
        shown = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, KioskWindow) and w.isVisible()
        ]
        if not shown or not sync_threads() or "window" in seen:
            return
        window = seen["window"] = shown[0]
        poll.stop()
        tech = window.admin.technician
        tech.database_tab.choose_file = lambda *_a: backup
        tech.database_tab.restart_delay_ms = 0
        window.services.asker.answer = lambda *_a: True
        tech.database_tab.restore_from_backup()
        seen["message"] = tech.message.text()

    def give_up() -> None:
        # The restart never came: end the loop as closing the window does, and fail below.
        seen["gave_up"] = True
        for w in QApplication.topLevelWidgets():
            if isinstance(w, KioskWindow):
                w.close()

    hang_guard = QTimer()
    hang_guard.setSingleShot(True)
    hang_guard.timeout.connect(give_up)
    hang_guard.start(30_000)
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(watch)
    poll.start()
    try:
        code = run_gui(data_dir, windowed=True, lang="en", idle_timeout_s=600)
    finally:
        poll.stop()
        hang_guard.stop()
        if "window" in seen:
            seen["window"].close()
            seen["window"].deleteLater()
    assert "window" in seen, "run_gui never started its background sync"
    assert "gave_up" not in seen, "run_gui did not close after the restore"
    assert code == EXIT_RESTART, seen.get("message")
    assert "restarts now" in seen["message"]
    assert not sync_threads(), "run_gui left the sync thread running"
    with KioskStore.open(data_dir) as store:
        assert integrity_check(store.path) == "ok"
        assert order_ids(store) == kept


def test_a_restore_before_the_sync_started_keeps_it_from_starting(
    qtbot: Any, enrolled_store: KioskStore
) -> None:
    """The restore may come before the first paint started the sync: it must never start then,
    not at start-up and not after an enrollment, until the kiosk restarts."""
    sync = SyncController(enrolled_store, SyncHold())
    assert sync.pause_for_restore(0.1)
    assert not sync.start() and not sync.restart()
    assert sync.monitor is None and not sync_threads()
    sync.stop()

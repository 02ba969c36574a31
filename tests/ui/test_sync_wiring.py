"""The GUI's background sync against the REAL central service: started when the kiosk is
enrolled, its events reach the top bar on the GUI thread in plain words, stopped cleanly."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import keyring
import pytest
from PySide6.QtCore import QThread, QTimer
from PySide6.QtWidgets import QApplication

from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage.orders import place_order
from kiosk.storage.store import KioskStore
from kiosk.sync.factory import enroll, open_engine
from kiosk.ui.app import build_window, make_app, run_gui
from kiosk.ui.bridge import SyncBridge
from kiosk.ui.sync_control import start_sync, stop_sync
from kiosk.ui.window import KioskWindow
from tests.conftest import DEMO_CATALOG
from tests.helpers.central_server import (
    CentralServer,
    central_server,  # noqa: F401  (the fixture)
)
from tests.helpers.fake_keyring import MemoryKeyring
from tests.ui.conftest import NAME, PHONE, QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

CENTER = "C017"


def sync_threads() -> list[threading.Thread]:
    """The connectivity monitor's threads still alive."""
    return [t for t in threading.enumerate() if t.name == "kiosk-sync" and t.is_alive()]


@pytest.fixture
def device_keyring() -> Iterator[MemoryKeyring]:
    """A secure in-memory keyring standing in for the OS keyring, for this test only."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def enrolled_kiosk(
    tmp_path: Path,
    central_server: CentralServer,  # noqa: F811  (the imported fixture)
    device_keyring: MemoryKeyring,
) -> Iterator[KioskStore]:
    """A kiosk store enrolled at the real central (demo catalog), synced once by the real engine."""
    central_server.import_catalog(DEMO_CATALOG)
    store = KioskStore.open(tmp_path / "kiosk")
    try:
        enroll(store, central_server.url, central_server.enroll_code(CENTER, "王家村服务站"))
        engine = open_engine(store)
        try:
            first = engine.run_once()
        finally:
            engine.client.close()
        assert first.ok, first.errors
        assert first.pulled_products >= 300
        yield store
    finally:
        store.close()


def place(store: KioskStore, n: int) -> list[str]:
    """Place ``n`` orders through the storage service (not SQL); their ids."""
    customer = Customer(name=NAME, phone=PHONE)
    return [
        place_order(store, customer, [LineRequest("LY-0001", 1)], Payment.ON_PICKUP).order_id
        for _ in range(n)
    ]


def central_orders(central: CentralServer) -> list[dict[str, Any]]:
    """Every order the central service holds."""
    listed = central.cli_json("orders", "list")
    return list(listed)


def wait_for_text(qtbot: Any, window: KioskWindow, wanted: Callable[[str], bool]) -> str:
    """Wait until the top bar's sync words satisfy ``wanted``; return them."""
    qtbot.waitUntil(lambda: wanted(window.top.sync.text()), timeout=30_000)
    return str(window.top.sync.text())


def close_window(qtbot: Any, window: KioskWindow) -> None:
    runner = window.services.runner
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    window.close()
    window.deleteLater()


def test_words_change_from_waiting_to_last_synced(
    qtbot: Any,
    enrolled_kiosk: KioskStore,
    central_server: CentralServer,  # noqa: F811
) -> None:
    store = enrolled_kiosk
    ids = place(store, 2)
    make_app(lang="en")
    bridge = SyncBridge()
    window = build_window(store, lang="en", bridge=bridge)
    window.resize(1366, 768)
    window.show()
    try:
        before = wait_for_text(qtbot, window, lambda t: "2 orders waiting to send" in t)
        # The fixture's sync is stored: the top bar says when it was from the start
        # (docs/ui.md), but nothing has gone out yet.
        assert "All orders sent" not in before

        gui_thread = QThread.currentThread()
        finished_on: list[bool] = []
        bridge.finished.connect(
            lambda _s: finished_on.append(QThread.currentThread() is gui_thread)
        )

        monitor = start_sync(store, bridge)
        assert monitor is not None, "an enrolled kiosk must start its background sync"
        try:
            # After the run's own end: the counts alone may change earlier, when the store
            # watch (kiosk/ui/store_watch.py) sees the engine's writes.
            after = wait_for_text(
                qtbot,
                window,
                lambda t: bool(finished_on) and "last synced" in t and "All orders sent" in t,
            )
        finally:
            assert stop_sync(monitor)
        # The engine's events came back as signals on the GUI thread, once per cycle.
        assert finished_on and all(finished_on)
        assert after.startswith("Online")
        hhmm = after.rsplit("last synced ", 1)[1]
        assert datetime.strptime(hhmm, "%H:%M")
        assert not sync_threads(), "the sync thread is still running after stop"
        at_central = [o for o in central_orders(central_server) if o["order_id"] in ids]
        assert len(at_central) == 2
    finally:
        close_window(qtbot, window)


def test_not_enrolled_kiosk_starts_no_sync(qtbot: Any, kiosk_store: Any) -> None:
    bridge = SyncBridge()
    assert start_sync(kiosk_store, bridge) is None
    make_app(lang="en")
    window = build_window(kiosk_store, lang="en", bridge=bridge)
    try:
        assert "Not connected to the platform yet" in window.top.sync.text()
        assert not sync_threads()
    finally:
        close_window(qtbot, window)


def test_run_gui_syncs_while_open_and_stops_on_close(
    qtbot: Any,
    enrolled_kiosk: KioskStore,
    central_server: CentralServer,  # noqa: F811
) -> None:
    store = enrolled_kiosk
    [order_id] = place(store, 1)
    data_dir = store.data_dir
    store.close()  # run_gui opens its own, as `kiosk gui` does
    seen: dict[str, Any] = {"texts": []}

    def watch() -> None:
        # Runs inside run_gui's event loop: find the kiosk window, close it once the top bar
        # says the order went out (or after the deadline, and the assertions below fail).
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, KioskWindow)]
        shown = [w for w in windows if w.isVisible()]
        if shown:
            window = shown[0]
            seen["window"] = window
            text = window.top.sync.text()
            if not seen["texts"] or seen["texts"][-1] != text:
                seen["texts"].append(text)
            seen["threads_while_open"] = len(sync_threads())
            # The fixture's stored sync shows "last synced" from the start: wait for the order.
            if "All orders sent" in text or deadline.remainingTime() == 0:
                poll.stop()
                # Closing the last window ends run_gui's loop, as Ctrl+Shift+Q does. (No extra
                # quit(): a second Quit event would linger and end the next test's wait.)
                window.close()

    deadline = QTimer()
    deadline.setSingleShot(True)
    deadline.start(30_000)
    # A visible leftover window would keep run_gui's loop alive: fail instead of hanging.
    hang_guard = QTimer()
    hang_guard.setSingleShot(True)
    hang_guard.timeout.connect(lambda: QApplication.exit(3))
    hang_guard.start(60_000)
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(watch)
    poll.start()
    try:
        code = run_gui(data_dir, windowed=True, lang="en", idle_timeout_s=600)
    finally:
        poll.stop()
        hang_guard.stop()
    assert code == 0
    assert seen.get("threads_while_open") == 1, "run_gui did not start the background sync"
    assert any("All orders sent" in t and "last synced" in t for t in seen["texts"]), seen["texts"]
    assert not sync_threads(), "run_gui left the sync thread running"
    orders = central_orders(central_server)
    assert [o["order_id"] for o in orders].count(order_id) == 1
    seen["window"].deleteLater()

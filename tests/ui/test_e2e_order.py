"""End to end, by clicks and keystrokes: a villager orders on the kiosk, the order reaches the
REAL central service through the REAL sync engine exactly once, the platform accepts it, and the
villager sees the new status under "My orders".

The kiosk is composed as ``run_gui`` composes it (window, bridge, connectivity monitor, the
"send a new order at once" wiring); only ``app.exec()`` is replaced by pytest-qt's waits.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kiosk.storage.store import KioskStore
from kiosk.sync.engine import SyncSummary
from kiosk.ui.app import build_window, make_app, wire_sync
from kiosk.ui.bridge import SyncBridge
from kiosk.ui.sync_control import start_sync, stop_sync
from tests.helpers.central_server import (
    CentralServer,
    central_server,  # noqa: F401  (the fixture)
)
from tests.ui.conftest import NAME, PHONE, QT_OFFSCREEN_NOISE
from tests.ui.test_kiosk_flow import click, click_tile, press_digits, search, type_with_ime
from tests.ui.test_sync_wiring import (  # noqa: F401  (fixtures)
    CENTER,
    device_keyring,
    enrolled_kiosk,
    sync_threads,
)

pytestmark = [pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE), pytest.mark.slow]

SKU = "LY-0019"  # 鲁花 5S 花生油 5L, in stock in the demo catalog


def wait_for_summary(
    qtbot: Any, summaries: list[SyncSummary], since: int, ok: Callable[[SyncSummary], bool]
) -> SyncSummary:
    """Wait until a sync cycle finished after ``since`` summaries satisfies ``ok``; return it."""
    qtbot.waitUntil(lambda: any(ok(s) for s in summaries[since:]), timeout=30_000)
    return next(s for s in summaries[since:] if ok(s))


def test_order_by_clicks_reaches_central_once_and_status_comes_back(
    qtbot: Any,
    enrolled_kiosk: KioskStore,  # noqa: F811
    central_server: CentralServer,  # noqa: F811
) -> None:
    store = enrolled_kiosk
    make_app(lang="en")
    bridge = SyncBridge()
    summaries: list[SyncSummary] = []
    bridge.finished.connect(summaries.append)
    window = build_window(store, lang="en", bridge=bridge, idle_timeout_ms=600_000)
    window.resize(1366, 768)
    with qtbot.waitSignal(window.home.loaded, timeout=10_000):
        window.show()
    monitor = start_sync(store, bridge)
    assert monitor is not None
    try:
        wire_sync(window, monitor)
        # The monitor syncs once as soon as it sees central; let that settle first so the
        # order below is sent by the "new order" path, not swept up by the start-up cycle.
        wait_for_summary(qtbot, summaries, 0, lambda s: s.ok)

        # Search by pinyin, tap the tile, order, name, phone on the keypad, cash, confirm.
        search(qtbot, window, "huashengyou")
        cards = window.search.model.cards()
        row = next(i for i, c in enumerate(cards) if c.sku == SKU)
        with qtbot.waitSignal(window.detail.shown, timeout=5000):
            click_tile(qtbot, window.search.grid, row)
        click(qtbot, window.detail.stepper.plus)
        click(qtbot, window.detail.order_button)
        assert window.current() is window.checkout
        type_with_ime(window.checkout.name_field, NAME)  # what a pinyin IME commits
        press_digits(qtbot, window.checkout.keypad, PHONE)
        click(qtbot, window.checkout.pay_cash)
        sent_before = len(summaries)
        with qtbot.waitSignal(window.checkout.placed, timeout=10_000) as placed:
            click(qtbot, window.checkout.confirm)
        receipt = placed.args[0]
        order_id, code = receipt.placed.order_id, receipt.placed.pickup_code
        qtbot.waitUntil(lambda: window.current() is window.confirmation, timeout=5000)
        assert window.confirmation.code.text().replace(" ", "") == code

        # Placing the order asked the monitor for a sync: it goes out without anyone waiting
        # for the periodic cycle.
        pushed = wait_for_summary(qtbot, summaries, sent_before, lambda s: s.pushed >= 1)
        assert pushed.ok, pushed.errors
        listed = central_server.cli_json("orders", "list")
        mine = [o for o in listed if o["order_id"] == order_id]
        assert len(mine) == 1, "the order must reach central exactly once"
        assert mine[0]["center"] == CENTER and len(listed) == 1
        # The top bar re-reads the outbox after each cycle (off the GUI thread).
        qtbot.waitUntil(lambda: "All orders sent" in window.top.sync.text(), timeout=10_000)
        assert "last synced" in window.top.sync.text()

        # The platform accepts it; the next sync brings the status back.
        central_server.cli_json("orders", "advance", order_id, "--to", "accepted")
        since = len(summaries)
        monitor.sync_now()
        back = wait_for_summary(qtbot, summaries, since, lambda s: s.order_updates >= 1)
        assert back.ok, back.errors

        # The villager taps Done, then looks the order up by phone and pickup code.
        click(qtbot, window.confirmation.done_button)
        assert window.current() is window.home
        click(qtbot, window.top.orders)
        screen = window.my_orders
        press_digits(qtbot, screen.keypad, PHONE)
        qtbot.mouseClick(screen.code_field, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: screen.keypad.target() is screen.code_field, timeout=5000)
        press_digits(qtbot, screen.keypad, code)
        with qtbot.waitSignal(screen.looked_up, timeout=5000) as found:
            click(qtbot, screen.find_button)
        assert found.args == [True]
        texts = [screen.model.index(r, 0).data() for r in range(screen.model.rowCount())]
        assert len(texts) == 1 and "Accepted" in texts[0], texts

        # Still exactly once at central after all the syncs.
        again = central_server.cli_json("orders", "list")
        assert [o["order_id"] for o in again].count(order_id) == 1
    finally:
        assert stop_sync(monitor)
        runner = window.services.runner
        qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
        window.close()
        window.deleteLater()
    assert not sync_threads()

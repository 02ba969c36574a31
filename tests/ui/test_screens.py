"""Screens and models one at a time: my orders, category sort, models, sync words, browsing."""

from __future__ import annotations

import sqlite3
import threading
from typing import Any

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.customers import Customer
from kiosk.orders import LineRequest, OrderStatus, Payment
from kiosk.storage.browsing import ProductSort, featured_products
from kiosk.storage.lookup import find_villager_orders
from kiosk.storage.orders import apply_remote_status, place_order
from kiosk.sync.engine import SyncSummary
from kiosk.ui.bridge import SyncBridge, SyncFacts, SyncIndicator
from kiosk.ui.cart import Cart
from kiosk.ui.models import CartModel, ProductGridModel, VillagerOrdersModel
from tests.ui.conftest import NAME, PHONE, QT_OFFSCREEN_NOISE
from tests.ui.test_kiosk_flow import click, open_product, press_digits, search

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def test_my_orders_lookup_shows_statuses_in_plain_words(
    qtbot: Any, make_window: Any, kiosk_store: Any
) -> None:
    first = place_order(
        kiosk_store, Customer.of(NAME, PHONE), [LineRequest("LY-0001", 1)], Payment.ON_PICKUP
    )
    second = place_order(
        kiosk_store, Customer.of(NAME, PHONE), [LineRequest("RY-0001", 2)], Payment.CASH
    )
    with kiosk_store.write() as s:
        apply_remote_status(s, first.order_id, OrderStatus.ARRIVED)
    window = make_window()
    click(qtbot, window.top.orders)
    screen = window.my_orders
    press_digits(qtbot, screen.keypad, PHONE)
    screen.code_field.setFocus()
    qtbot.waitUntil(lambda: screen.keypad.target() is screen.code_field)
    wrong = "000000" if second.pickup_code != "000000" else "111111"
    press_digits(qtbot, screen.keypad, wrong)
    with qtbot.waitSignal(screen.looked_up, timeout=5000) as blocker:
        click(qtbot, screen.find_button)
    assert blocker.args == [False]
    assert "No orders found" in screen.message.text()
    assert screen.model.rowCount() == 0

    press_digits(qtbot, screen.keypad, second.pickup_code)
    with qtbot.waitSignal(screen.looked_up, timeout=5000) as blocker:
        click(qtbot, screen.find_button)
    assert blocker.args == [True]
    assert "138****5678" in screen.message.text() and PHONE not in screen.message.text()
    texts = [screen.model.index(r, 0).data() for r in range(screen.model.rowCount())]
    assert len(texts) == 2
    assert any("Arrived, ready for pickup" in t for t in texts)
    assert any("Placed, waiting to send" in t for t in texts)
    assert all(NAME not in t for t in texts)
    assert screen.phone_field.text() == "" and screen.code_field.text() == ""


def test_my_orders_locks_after_repeated_wrong_codes(
    qtbot: Any, make_window: Any, kiosk_store: Any
) -> None:
    placed = place_order(
        kiosk_store, Customer.of(NAME, PHONE), [LineRequest("LY-0001", 1)], Payment.CASH
    )
    wrong = "123456" if placed.pickup_code != "123456" else "654321"
    window = make_window()
    screen = window.my_orders
    for _ in range(5):
        screen.phone_field.setText(PHONE)
        screen.code_field.setText(wrong)
        with qtbot.waitSignal(screen.looked_up, timeout=5000):
            click(qtbot, screen.find_button)
    assert not screen.find_button.isEnabled()
    assert "wait a minute" in screen.message.text()


def test_category_sorts_by_popularity_and_price(
    qtbot: Any, make_window: Any, kiosk_store: Any
) -> None:
    window = make_window()
    # Make 史丹利 the most viewed by viewing it through the UI (records a product view).
    search(qtbot, window, "NZ-0001")
    open_product(qtbot, window, window.search.grid, 0)
    click(qtbot, window.top.home)
    tile = next(
        b for b in window.home.tiles_box.findChildren(QPushButton) if b.text() == "农资农具"
    )
    with qtbot.waitSignal(window.category.page_shown, timeout=5000):
        click(qtbot, tile)
    skus = [c.sku for c in window.category.model.cards()]
    assert skus == ["NZ-0001", "NZ-0002"]  # popular first
    with qtbot.waitSignal(window.category.page_shown, timeout=5000):
        click(qtbot, window.category.findChild(QPushButton, "sort_price_asc"))
    assert [c.price_fen for c in window.category.model.cards()] == [500, 16800]
    with qtbot.waitSignal(window.category.page_shown, timeout=5000):
        click(qtbot, window.category.findChild(QPushButton, "sort_price_desc"))
    assert window.category.sort == ProductSort.PRICE_DESC
    assert [c.price_fen for c in window.category.model.cards()] == [16800, 500]
    with kiosk_store.read() as s:
        assert featured_products(s, 1)[0].sku == "NZ-0001"


def test_browsing_is_recorded_without_personal_data(
    qtbot: Any, make_window: Any, kiosk_store: Any
) -> None:
    window = make_window()
    search(qtbot, window, "zzqqzz")  # nothing found: still recorded
    window.search.record_pending()
    window.go_home()
    search(qtbot, window, PHONE)  # a phone number typed into search must never be stored
    window.search.record_pending()
    window.go_home()
    search(qtbot, window, "xiyiji")
    row = next(i for i, c in enumerate(window.search.model.cards()) if c.stock == "in_stock")
    open_product(qtbot, window, window.search.grid, row)  # opening a result records the search
    click(qtbot, window.detail.order_button)
    window.checkout.name_field.setText(NAME)
    press_digits(qtbot, window.checkout.keypad, PHONE)
    with qtbot.waitSignal(window.checkout.placed, timeout=10_000) as blocker:
        click(qtbot, window.checkout.confirm)
    code = blocker.args[0].placed.pickup_code
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=5000)
    with sqlite3.connect(kiosk_store.path) as conn:
        rows = conn.execute("SELECT kind, subject, result_count FROM browse_events").fetchall()
        columns = [r[1] for r in conn.execute("PRAGMA table_info(browse_events)")]
    assert columns == ["id", "at", "kind", "subject", "result_count"]
    assert ("search", "zzqqzz", 0) in rows
    assert ("search", "xiyiji", 3) in rows
    assert any(kind == "product_view" for kind, _s, _n in rows)
    flat = " ".join(str(v) for row in rows for v in row)
    for secret in (PHONE, PHONE[-4:], NAME, code):
        assert secret not in flat


def test_models_pass_qtmodeltester(qtmodeltester: Any, kiosk_store: Any) -> None:
    with kiosk_store.read() as s:
        cards = featured_products(s, 10)
    grid = ProductGridModel()
    grid.set_rows(cards[:5], more=True)
    qtmodeltester.check(grid)
    grid.append_rows(cards[5:], more=False)
    qtmodeltester.check(grid)

    cart = CartModel(Cart())
    for card in cards[:3]:
        cart.add(card, 2)
    cart.set_qty(0, 5)
    cart.remove(1)
    qtmodeltester.check(cart)

    place_order(kiosk_store, Customer.of(NAME, PHONE), [LineRequest("LY-0001", 1)], Payment.CASH)
    orders = VillagerOrdersModel(chinese=True)
    with kiosk_store.read() as s, pytest.raises(Exception, match="6 digits"):
        find_villager_orders(s, PHONE, "12")
    with kiosk_store.read() as s:
        found = find_villager_orders(s, PHONE, "000000")
    orders.set_orders(found or [])
    qtmodeltester.check(orders)


def test_bridge_delivers_engine_events_on_the_gui_thread(qtbot: Any) -> None:
    bridge = SyncBridge()
    gui_thread = QApplication.instance().thread()  # type: ignore[union-attr]
    seen: list[object] = []
    bridge.finished.connect(lambda data: seen.append((QThread.currentThread() is gui_thread, data)))
    summary = SyncSummary(ok=True)
    worker = threading.Thread(target=bridge.on_finished, args=(summary,))
    with qtbot.waitSignal(bridge.finished, timeout=5000):
        worker.start()
    worker.join()
    assert seen == [(True, summary)]


def test_sync_words_without_engine_and_with_waiting_orders(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    indicator: SyncIndicator = window.indicator
    assert indicator.text == "Not connected to the platform yet"
    place_order(
        window.services.store, Customer.of(NAME, PHONE), [LineRequest("LY-0001", 1)], Payment.CASH
    )
    with qtbot.waitSignal(indicator.changed, timeout=5000) as blocker:
        indicator.refresh()
    assert blocker.args[0] == "Not connected to the platform yet · 1 order waiting to send"
    assert window.top.sync.text() == blocker.args[0]
    online = indicator.describe(SyncFacts(True, True, 2, 0, None))
    assert online == "Online · 2 orders waiting to send"
    offline = indicator.describe(SyncFacts(True, False, 0, 1, None))
    assert offline == "Internet is down · All orders sent · 1 item for the shop owner"


class _HeldRunner:
    """Runs background work only when the test says so, to pin down a refresh race."""

    def __init__(self) -> None:
        self.pending: list[tuple[Any, Any, Any]] = []

    def run(self, fn: Any, done: Any, failed: Any) -> None:
        self.pending.append((fn, done, failed))

    def finish_next(self) -> None:
        fn, done, _failed = self.pending.pop(0)
        done(fn())


def test_refresh_during_a_read_reads_again(qtbot: Any, kiosk_store: Any) -> None:
    """A read that began before an order was placed must not leave the count stale."""
    runner = _HeldRunner()
    indicator = SyncIndicator(
        kiosk_store,
        runner,  # type: ignore[arg-type]
        SyncBridge(),
        connected=False,
    )
    seen: list[str] = []
    indicator.changed.connect(seen.append)
    indicator.refresh()  # a read started before the order exists
    stale_read = runner.pending[0][0]
    counts_before = stale_read()
    place_order(kiosk_store, Customer.of(NAME, PHONE), [LineRequest("LY-0001", 1)], Payment.CASH)
    indicator.refresh()  # the caller's request arrives while that read is in flight
    assert len(runner.pending) == 1
    _fn, done, _failed = runner.pending.pop(0)
    done(counts_before)  # the in-flight read reports what it saw: nothing waiting
    assert seen == []
    assert len(runner.pending) == 1, "a second read must follow the one that was in flight"
    runner.finish_next()
    assert seen == ["Not connected to the platform yet · 1 order waiting to send"]
    assert runner.pending == []

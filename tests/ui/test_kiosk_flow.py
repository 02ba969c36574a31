"""The villager's path through the kiosk, by clicks and keystrokes, on a real store."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QPushButton

from kiosk.pickup import verify_pickup_code
from kiosk.ui.slip import pdf_printer
from tests.ui.conftest import NAME, PHONE, QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def click(qtbot: Any, button: QPushButton) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def click_tile(qtbot: Any, grid: Any, row: int) -> None:
    """Tap the product tile at ``row`` of a product grid."""
    index = grid.model().index(row, 0)
    grid.scrollTo(index)
    rect = grid.visualRect(index)
    qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def search(qtbot: Any, window: Any, text: str) -> None:
    """Type into the home screen's search box and wait until the grid shows those results."""
    # The first key goes to the home screen's box, which hands over to the search screen's box
    # (it takes the keyboard focus, so the villager's next keys land there).
    qtbot.keyClicks(window.home.search, text[0])
    assert window.search.box.hasFocus() or window.search.box.text() == text[0]
    qtbot.keyClicks(window.search.box, text[1:])
    assert window.search.box.text() == text
    with qtbot.waitSignal(window.search.results_shown, timeout=5000) as blocker:
        pass
    while blocker.args[0] != text:
        with qtbot.waitSignal(window.search.results_shown, timeout=5000) as blocker:
            pass


def open_product(qtbot: Any, window: Any, grid: Any, row: int) -> None:
    with qtbot.waitSignal(window.detail.shown, timeout=5000):
        click_tile(qtbot, grid, row)


def type_with_ime(field: Any, text: str) -> None:
    """Type Chinese the way a pinyin input method delivers it: one committed string."""
    field.setFocus()
    event = QInputMethodEvent()
    event.setCommitString(text)
    QApplication.sendEvent(field, event)
    assert field.text().endswith(text)


def press_digits(qtbot: Any, keypad: Any, digits: str) -> None:
    for d in digits:
        click(qtbot, keypad.findChild(QPushButton, f"key_{d}"))


def test_search_as_you_type_shows_results(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "xiyiji")
    assert window.current() is window.search
    names = [c.name for c in window.search.model.cards()]
    assert names, "pinyin search for 洗衣机 found nothing"
    assert all("洗衣" in n for n in names), names
    assert "3 products found" in window.search.status.text()


def test_stale_search_result_is_dropped(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "kongtiao")
    shown = window.search.model.cards()
    # A result for an older keystroke arriving late must not replace what is on screen.
    stale_seq = window.search._seq - 1
    window.search._show(stale_seq, "x", [])
    assert window.search.model.cards() == shown and shown


def test_empty_search_says_so_and_suggests_categories(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "zzqqzz")
    assert window.search.model.rowCount() == 0
    assert "could not find" in window.search.status.text()
    buttons = window.search.suggest_box.findChildren(QPushButton)
    assert {b.text() for b in buttons} >= {"粮油食品", "家用电器"}
    target = next(b for b in buttons if b.text() == "家用电器")
    with qtbot.waitSignal(window.category.page_shown, timeout=5000):
        click(qtbot, target)
    assert window.current() is window.category
    assert window.category.model.rowCount() == 4


def test_order_by_clicks_code_shown_only_after_commit(
    qtbot: Any, make_window: Any, kiosk_store: Any
) -> None:
    window = make_window()
    search(qtbot, window, "huashengyou")
    open_product(qtbot, window, window.search.grid, 0)
    assert window.detail.detail.card.sku == "LY-0002"
    click(qtbot, window.detail.stepper.plus)
    click(qtbot, window.detail.add_button)
    assert "Cart (2)" in window.top.cart.text()
    click(qtbot, window.top.cart)
    checkout = window.checkout
    assert window.current() is checkout
    assert window.confirmation.code.text() == ""

    # Validation in plain words: no name, then a short phone number.
    click(qtbot, checkout.confirm)
    assert checkout.error.text() == "Please enter your name."
    type_with_ime(checkout.name_field, NAME)
    press_digits(qtbot, checkout.keypad, "1381234")
    click(qtbot, checkout.confirm)
    assert "11-digit mobile number" in checkout.error.text()
    click(qtbot, checkout.keypad.findChild(QPushButton, "key_clear"))
    press_digits(qtbot, checkout.keypad, PHONE + "9")  # the 12th digit is refused
    assert checkout.phone_field.text() == PHONE
    click(qtbot, checkout.pay_cash)

    seen_when_shown: dict[str, Any] = {}
    show_receipt = window.confirmation.show_receipt

    def checking_show_receipt(receipt: Any) -> None:
        # Just before the code reaches the screen, read the database file with a separate
        # connection: the order must already be committed there.
        with sqlite3.connect(kiosk_store.path) as conn:
            seen_when_shown["row"] = conn.execute(
                "SELECT local_no, status, pickup_salt, pickup_hash, payment, total_fen "
                "FROM orders WHERE id = ?",
                (receipt.placed.order_id,),
            ).fetchone()
        seen_when_shown["code_before"] = window.confirmation.code.text()
        show_receipt(receipt)

    window.confirmation.show_receipt = checking_show_receipt
    with qtbot.waitSignal(checkout.placed, timeout=10_000) as blocker:
        click(qtbot, checkout.confirm)
    receipt = blocker.args[0]
    row = seen_when_shown["row"]
    assert row is not None, "the pickup code was shown for an order that is not committed"
    assert seen_when_shown["code_before"] == ""
    local_no, status, salt, digest, payment, total = row
    assert status == "placed" and payment == "cash" and total == 2 * 12850
    assert verify_pickup_code(receipt.placed.pickup_code, salt, digest)
    assert window.current() is window.confirmation
    code = receipt.placed.pickup_code
    assert window.confirmation.code.text().replace(" ", "") == code
    assert local_no in window.confirmation.number.text()
    # The cart and the villager's details are gone once the order is placed.
    assert window.cart.rowCount() == 0
    assert checkout.name_field.text() == "" and checkout.phone_field.text() == ""


def test_print_pickup_slip_to_pdf(qtbot: Any, make_window: Any, tmp_path: Path) -> None:
    window = make_window()
    pdf = tmp_path / "slip.pdf"
    window.services.slip_printer = lambda: pdf_printer(str(pdf))
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    click(qtbot, window.detail.order_button)
    type_with_ime(window.checkout.name_field, NAME)
    press_digits(qtbot, window.checkout.keypad, PHONE)
    with qtbot.waitSignal(window.checkout.placed, timeout=10_000):
        click(qtbot, window.checkout.confirm)
    with qtbot.waitSignal(window.confirmation.printed, timeout=5000) as blocker:
        click(qtbot, window.confirmation.print_button)
    assert blocker.args == [True]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000
    slip = window.confirmation.slip()
    assert slip is not None and slip.phone_masked == "138****5678"


def test_no_printer_says_so(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.services.slip_printer = lambda: None
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    click(qtbot, window.detail.order_button)
    type_with_ime(window.checkout.name_field, NAME)
    press_digits(qtbot, window.checkout.keypad, PHONE)
    with qtbot.waitSignal(window.checkout.placed, timeout=10_000):
        click(qtbot, window.checkout.confirm)
    with qtbot.waitSignal(window.confirmation.printed, timeout=5000) as blocker:
        click(qtbot, window.confirmation.print_button)
    assert blocker.args == [False]
    assert "No printer" in window.confirmation.print_status.text()


def test_out_of_stock_product_cannot_be_ordered(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "JD-0004")
    open_product(qtbot, window, window.search.grid, 0)
    assert window.detail.stock.text() == "Out of stock"
    assert not window.detail.add_button.isEnabled()
    assert not window.detail.order_button.isEnabled()


def test_cart_change_quantity_and_remove(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    click(qtbot, window.detail.add_button)
    click(qtbot, window.top.cart)
    row = window.checkout.lines_box.findChildren(QPushButton, "remove_0")[0].parent()
    click(qtbot, row.stepper.plus)
    assert window.cart.cart.total_fen == 2 * 5990
    assert "¥119.80" in window.checkout.total.text()
    answers: list[str] = []
    window.services.asker.answer = lambda _p, q, _y, _n: answers.append(q) or True
    qtbot.waitUntil(lambda: bool(window.checkout.lines_box.findChildren(QPushButton, "remove_0")))
    remove = next(
        b for b in window.checkout.lines_box.findChildren(QPushButton, "remove_0") if b.isVisible()
    )
    click(qtbot, remove)
    assert answers and "金龙鱼" in answers[0]
    assert window.cart.rowCount() == 0
    assert not window.checkout.confirm.isEnabled()


def test_idle_timeout_clears_cart_and_customer(qtbot: Any, make_window: Any) -> None:
    window = make_window(idle_timeout_ms=400)
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    click(qtbot, window.detail.order_button)
    type_with_ime(window.checkout.name_field, NAME)
    press_digits(qtbot, window.checkout.keypad, PHONE)
    assert window.cart.rowCount() == 1
    with qtbot.waitSignal(window.reset_done, timeout=5000):
        pass  # nobody touches the kiosk
    assert window.current() is window.home
    assert window.cart.rowCount() == 0
    assert "Cart (0)" in window.top.cart.text()
    assert window.checkout.name_field.text() == ""
    assert window.checkout.phone_field.text() == ""


def test_activity_postpones_idle_reset(qtbot: Any, make_window: Any) -> None:
    window = make_window(idle_timeout_ms=600)
    fired: list[bool] = []
    window.reset_done.connect(lambda: fired.append(True))
    timer = window.idle._timer
    qtbot.waitUntil(lambda: timer.remainingTime() < 300, timeout=5000)
    qtbot.mouseClick(window.home.search, Qt.MouseButton.LeftButton, pos=QPoint(5, 5))
    assert timer.remainingTime() > 300 and not fired

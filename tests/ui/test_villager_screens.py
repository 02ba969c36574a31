"""The villager screens' usability: disabled buttons that look it and say why, the idle
warning, the pickup-code keypad, add-to-cart feedback and the way back, search by initials,
sizes, and words that say what to do. All through a real window on a real store."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QPushButton, QWidget

from kiosk.customers import Customer
from kiosk.orders import LineRequest, OrderStatus, Payment
from kiosk.storage.orders import apply_remote_status, place_order
from kiosk.ui import theme
from tests.ui.conftest import NAME, PHONE, QT_OFFSCREEN_NOISE
from tests.ui.test_kiosk_flow import click, open_product, press_digits, search

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def face(button: QPushButton) -> QColor:
    """The colour the button is painted with, just inside its border at the top middle."""
    image = button.grab().toImage()
    return image.pixelColor(image.width() // 2, 6)


def is_red(c: QColor) -> bool:
    return c.red() > 150 and c.green() < 80 and c.blue() < 80


def is_grey(c: QColor) -> bool:
    return max(c.red(), c.green(), c.blue()) - min(c.red(), c.green(), c.blue()) < 12


def ink(widget: QWidget) -> str:
    return widget.palette().color(QPalette.ColorRole.WindowText).name()


# --- disabled buttons look disabled and say why ------------------------------------------------


def test_place_order_on_an_empty_cart_is_grey_and_says_why(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    click(qtbot, window.top.cart)
    checkout = window.checkout
    assert not checkout.confirm.isEnabled()
    assert not is_red(face(checkout.confirm)) and is_grey(face(checkout.confirm))
    assert checkout.why.isVisible() and "cart is empty" in checkout.why.text()
    # With something in the cart it is the active red, and the reason goes.
    window.go_home()
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    click(qtbot, window.detail.add_button)
    click(qtbot, window.top.cart)
    assert checkout.confirm.isEnabled() and is_red(face(checkout.confirm))
    assert not checkout.why.isVisible()


def test_out_of_stock_is_grey_red_words_and_says_why(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "JD-0004")
    open_product(qtbot, window, window.search.grid, 0)
    detail = window.detail
    assert not detail.order_button.isEnabled() and not detail.add_button.isEnabled()
    assert not is_red(face(detail.order_button)) and is_grey(face(detail.order_button))
    assert detail.why.isVisible() and "Out of stock for now" in detail.why.text()
    assert ink(detail.stock) == theme.PRICE.name()  # not the green of "In stock"
    # The next product, in stock, is green again and can be ordered.
    window.go_home()
    search(qtbot, window, "JD-0001")
    open_product(qtbot, window, window.search.grid, 0)
    assert ink(detail.stock) == theme.OK.name()
    assert detail.order_button.isEnabled() and is_red(face(detail.order_button))
    assert not detail.why.isVisible()


# --- the idle reset warns first ------------------------------------------------------------------


def test_idle_warning_counts_down_and_keep_going_keeps_the_cart(
    qtbot: Any, make_window: Any
) -> None:
    window = make_window(idle_timeout_ms=2000)
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    click(qtbot, window.detail.order_button)
    events: list[str] = []
    window.idle.warning.connect(lambda: events.append("warning"))
    window.reset_done.connect(lambda: events.append("reset"))
    warning = window.idle_warning
    qtbot.waitUntil(warning.isVisible, timeout=10_000)
    assert "Still there?" in [w.text() for w in warning.findChildren(type(warning.countdown))]
    assert "Starting over in" in warning.countdown.text()
    assert warning.button.height() >= theme.BIG_TOUCH_PX
    assert window.cart.rowCount() == 1  # nothing cleared yet
    qtbot.mouseClick(warning.button, Qt.MouseButton.LeftButton)
    assert not warning.isVisible()
    assert window.cart.rowCount() == 1 and window.current() is window.checkout
    # Left alone again: warned again, then reset.
    with qtbot.waitSignal(window.reset_done, timeout=10_000):
        pass
    assert events == ["warning", "warning", "reset"]
    assert not warning.isVisible()
    assert window.cart.rowCount() == 0 and window.current() is window.home


def test_no_warning_when_there_is_nothing_to_lose(qtbot: Any, make_window: Any) -> None:
    window = make_window(idle_timeout_ms=800)
    shown: list[bool] = []
    window.idle.warning.connect(lambda: shown.append(window.idle_warning.isVisible()))
    with qtbot.waitSignal(window.reset_done, timeout=10_000):
        pass
    assert shown == [False]


# --- my orders: the keypad moves on to the pickup code -------------------------------------------


def test_my_orders_keypad_moves_to_the_code_after_eleven_digits(
    qtbot: Any, make_window: Any, kiosk_store: Any
) -> None:
    placed = place_order(
        kiosk_store, Customer.of(NAME, PHONE), [LineRequest("LY-0001", 1)], Payment.CASH
    )
    window = make_window()
    click(qtbot, window.top.orders)
    screen = window.my_orders
    press_digits(qtbot, screen.keypad, PHONE + placed.pickup_code)  # no tap on the code field
    assert screen.phone_field.text() == PHONE
    assert screen.code_field.text() == placed.pickup_code
    assert screen.keypad.target() is screen.code_field
    with qtbot.waitSignal(screen.looked_up, timeout=5000) as blocker:
        click(qtbot, screen.find_button)
    assert blocker.args == [True]


# --- add to cart says so; the product page leads back ---------------------------------------------


def test_add_to_cart_says_so_on_the_product_page(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    detail = window.detail
    assert not detail.added.isVisible()
    click(qtbot, detail.stepper.plus)
    click(qtbot, detail.add_button)
    assert detail.added.isVisible()
    assert "Added 2 pieces" in detail.added.text() and "now has 2 pieces" in detail.added.text()
    click(qtbot, detail.add_button)
    assert "Added 2 pieces" in detail.added.text() and "now has 4 pieces" in detail.added.text()
    assert window.current() is detail  # still here, to keep shopping


def test_product_page_leads_back_to_the_search_results(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "xiyiji")
    found = window.search.model.rowCount()
    assert found >= 2
    open_product(qtbot, window, window.search.grid, 1)
    assert "search results" in window.detail.back_button.text()
    click(qtbot, window.detail.back_button)
    assert window.current() is window.search
    assert window.search.box.text() == "xiyiji" and window.search.model.rowCount() == found
    # From a category page, back leads to that category.
    window.show_category("家用电器")
    qtbot.waitUntil(lambda: window.category.model.rowCount() > 0, timeout=5000)
    open_product(qtbot, window, window.category.grid, 0)
    assert "家用电器" in window.detail.back_button.text()
    click(qtbot, window.detail.back_button)
    assert window.current() is window.category


# --- search by initials, through the window ----------------------------------------------------


def test_initials_list_the_whole_word_first(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "xyj")
    skus = [c.sku for c in window.search.model.cards()]
    # 洗衣机 (three of them) before 心相印 卷纸, whose initials only run across words.
    assert set(skus[:3]) == {"JD-0001", "JD-0002", "JD-0004"}
    assert skus[3:] == ["RY-0002"]


# --- sizes and layout ----------------------------------------------------------------------


def test_search_clear_button_is_big_and_clears(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "xiyiji")
    clear = window.search.clear_button
    assert clear.height() >= 48 and clear.width() >= 48
    click(qtbot, clear)
    assert window.search.box.text() == "" and window.search.box.hasFocus()
    assert not clear.isEnabled()


def test_cart_rows_line_up_with_large_prices(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    for sku in ("NZ-0002", "JD-0003"):  # ¥5.00 and ¥2,599.00
        window.go_home()
        search(qtbot, window, sku)
        open_product(qtbot, window, window.search.grid, 0)
        click(qtbot, window.detail.add_button)
    click(qtbot, window.top.cart)
    rows = [
        b.parent()
        for b in window.checkout.lines_box.findChildren(QPushButton)
        if b.objectName().startswith("remove_")
    ]
    qtbot.waitUntil(lambda: all(r.isVisible() for r in rows))
    assert len(rows) == 2
    for r in rows:
        for _ in range(4):  # ¥2,599.00 × 5 = ¥12,995.00: wider than the first width
            click(qtbot, r.stepper.plus)
    qtbot.waitUntil(lambda: window.cart.cart.item_count == 10)
    rows = [
        b.parent()
        for b in window.checkout.lines_box.findChildren(QPushButton)
        if b.objectName().startswith("remove_") and b.isVisible()
    ]

    def right_of(w: QWidget) -> int:
        return w.mapTo(window, QPoint(w.width(), 0)).x()

    def left_of(w: QWidget) -> int:
        return w.mapTo(window, QPoint(0, 0)).x()

    assert len({right_of(r.total) for r in rows}) == 1  # totals end on one line
    assert len({left_of(r.remove) for r in rows}) == 1
    assert len({left_of(r.stepper) for r in rows}) == 1
    for r in rows:
        assert left_of(r.remove) - right_of(r.total) >= 12  # never touching Remove
        metrics = r.total.fontMetrics()
        assert metrics.horizontalAdvance(r.total.text()) <= r.total.width()  # not cut


def test_full_hd_product_page_and_payment_next_to_place_order(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    window.resize(1920, 1080)
    search(qtbot, window, "JD-0001")
    open_product(qtbot, window, window.search.grid, 0)
    qtbot.waitUntil(lambda: window.detail.picture.width() > 600)
    # The picture fills its bigger frame (the catalog's pictures here are 64 px).
    qtbot.waitUntil(lambda: window.detail.picture.pixmap().width() > 500)
    # Back on a smaller screen, the bigger picture does not keep the window big.
    window.resize(1366, 768)
    qtbot.waitUntil(lambda: window.height() == 768 and window.detail.picture.width() < 600)
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.detail.picture.width() > 600)
    click(qtbot, window.detail.order_button)
    checkout = window.checkout
    confirm_top = checkout.confirm.mapTo(window, QPoint(0, 0))
    pay_bottom = checkout.pay_later.mapTo(window, QPoint(0, checkout.pay_later.height()))
    assert 0 <= confirm_top.y() - pay_bottom.y() <= 40  # right above Place order
    confirm_right = confirm_top.x() + checkout.confirm.width()
    assert confirm_top.x() <= checkout.pay_cash.mapTo(window, QPoint(0, 0)).x() < confirm_right


def test_checkout_fits_a_1366_by_768_screen(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    for sku in ("LY-0001", "JD-0001", "RY-0001"):
        window.go_home()
        search(qtbot, window, sku)
        open_product(qtbot, window, window.search.grid, 0)
        click(qtbot, window.detail.add_button)
    click(qtbot, window.top.cart)
    checkout = window.checkout
    click(qtbot, checkout.confirm)  # no name: the error line shows too
    assert checkout.error.text()
    assert window.minimumSizeHint().height() <= 768
    assert window.height() == 768
    bottom = checkout.confirm.mapTo(window, QPoint(0, checkout.confirm.height())).y()
    assert bottom <= 768


# --- words -------------------------------------------------------------------------------


def test_a_number_not_starting_with_1_is_told_so(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    click(qtbot, window.detail.order_button)
    checkout = window.checkout
    checkout.name_field.setText(NAME)
    press_digits(qtbot, checkout.keypad, "23812345678")
    click(qtbot, checkout.confirm)
    assert "starts with 1" in checkout.error.text()
    assert "11-digit" not in checkout.error.text()
    click(qtbot, window.top.orders)
    screen = window.my_orders
    press_digits(qtbot, screen.keypad, "23812345678123456")
    click(qtbot, screen.find_button)
    assert "starts with 1" in screen.message.text()


def test_a_rejected_order_tells_the_next_step(
    qtbot: Any, make_window: Any, kiosk_store: Any
) -> None:
    placed = place_order(
        kiosk_store, Customer.of(NAME, PHONE), [LineRequest("LY-0001", 1)], Payment.CASH
    )
    with kiosk_store.write() as s:
        apply_remote_status(s, placed.order_id, OrderStatus.REJECTED)
    window = make_window()
    click(qtbot, window.top.orders)
    screen = window.my_orders
    press_digits(qtbot, screen.keypad, PHONE + placed.pickup_code)
    with qtbot.waitSignal(screen.looked_up, timeout=5000):
        click(qtbot, screen.find_button)
    text = screen.model.index(0, 0).data()
    assert "Not taken by the platform" in text and "ask the shop owner" in text


def test_words_in_chinese(qtbot: Any, make_window: Any) -> None:
    window = make_window(lang="zh_CN")
    search(qtbot, window, "JD-0004")
    open_product(qtbot, window, window.search.grid, 0)
    assert window.detail.stock.text() == "暂时缺货"
    assert "暂时缺货，现在不能下单" in window.detail.why.text()
    assert "返回搜索结果" in window.detail.back_button.text()


@pytest.mark.parametrize(
    ("typed", "words"),
    [
        ("", "Please enter your 11-digit mobile number"),
        ("23812345678", "starts with 1"),
        ("1381234", "digits typed: 7"),
        ("138123456789", "digits typed: 12"),
        ("12812345678", "second digit of a mobile number is 3 to 9"),
        ("138 1234 5678", None),
        ("+86 13812345678", None),
    ],
)
def test_phone_words_name_the_first_thing_to_fix(qtbot: Any, typed: str, words: str | None) -> None:
    from kiosk.ui.app import make_app
    from kiosk.ui.phone_words import phone_problem

    make_app(lang="en")  # an earlier test may have left Chinese installed
    said = phone_problem(typed)
    if words is None:
        assert said is None
    else:
        assert said is not None and words in said and "13812345678" in said

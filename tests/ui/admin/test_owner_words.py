"""The owner's screens in the owner's language, and the queue's usability.

Through the real store and the real window, in zh_CN: after each owner move (check in, hand
over, cancel, return, close the day) the words shown hold no ASCII letters except order numbers
and SKUs. Also: a fresh order is in a section of the queue; the end of an order number opens it;
the order-number and refund fields have on-screen keys; a cancellation asks first, showing the
amount; the day-close success line is green; the summary names the owner in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton

from kiosk.admin import Role
from kiosk.orders import OrderStatus, Payment
from kiosk.storage.owner import (
    Attention,
    AttentionKind,
    ChangeKind,
    OwnerChange,
    check_in,
    confirm_pickup,
)
from kiosk.storage.store import KioskStore
from tests.ui.admin.conftest import advance, click, place, status_of, unlock
from tests.ui.admin.test_owner_tasks import finish, scan
from tests.ui.conftest import PRODUCTS, QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

HAN = re.compile(r"[\u4e00-\u9fff]")
ASCII_LETTER = re.compile(r"[A-Za-z]")
SKUS = [p[0] for p in PRODUCTS]


def only_chinese_words(text: str, *numbers: str) -> bool:
    """True when ``text`` has Chinese and no ASCII letter outside the order numbers and SKUs."""
    rest = text
    for allowed in sorted([*numbers, *SKUS], key=len, reverse=True):
        rest = rest.replace(allowed, "")
    return bool(HAN.search(text)) and not ASCII_LETTER.search(rest)


@pytest.fixture
def zh_window(admin_window: Any) -> Iterator[Any]:
    from kiosk.ui.app import make_app

    try:
        yield admin_window(lang="zh_CN")
    finally:
        make_app(lang="en")


def say_yes(window: Any) -> list[str]:
    """Answer every question of the window with yes; the questions asked, in order."""
    window.services.asker.answer = lambda parent, question, yes, no: True
    asked: list[str] = window.services.asker.asked
    return asked


def test_each_owner_move_is_said_in_chinese(
    qtbot: Any, zh_window: Any, admin_store: KioskStore
) -> None:
    window = zh_window
    asked = say_yes(window)
    parcel = place(admin_store, ("LY-0001", 1), ("RY-0001", 2), payment=Payment.ON_PICKUP)
    advance(admin_store, parcel.order_id, OrderStatus.SHIPPED)
    fresh = place(admin_store, ("JD-0001", 1), payment=Payment.CASH)
    taken = place(admin_store, ("LY-0002", 1), payment=Payment.CASH)
    advance(admin_store, taken.order_id, OrderStatus.SHIPPED)
    check_in(admin_store, taken.order_id, None, "owner")
    confirm_pickup(admin_store, taken.order_id, taken.pickup_code, None, "owner")
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    numbers = (parcel.local_no, fresh.local_no, taken.local_no)

    # Check in part of it (one bottle short), then the rest.
    scan(qtbot, owner, parcel.local_no, owner.check_in)
    click(qtbot, owner.check_in.counts["RY-0001"].minus)
    part = finish(qtbot, owner, owner.check_in)
    assert only_chinese_words(part, *numbers) and "RY-0001×1" in part, part
    scan(qtbot, owner, parcel.local_no, owner.check_in)
    whole = finish(qtbot, owner, owner.check_in)
    assert only_chinese_words(whole, *numbers) and parcel.local_no in whole, whole
    assert owner.message.text() == whole

    # A wrong code first (a free try), then the right one, paid in cash now.
    scan(qtbot, owner, parcel.local_no, owner.pickup)
    wrong_code = "".join(str((int(d) + 1) % 10) for d in parcel.pickup_code)
    for d in wrong_code:
        owner.pickup.keypad.press(d)
    click(qtbot, owner.pickup.action)
    qtbot.waitUntil(lambda: owner.pickup.message.text() != "", timeout=10_000)
    wrong = owner.pickup.message.text()
    assert only_chinese_words(wrong, *numbers) and owner.stack.currentWidget() is owner.pickup
    for d in parcel.pickup_code:
        owner.pickup.keypad.press(d)
    handed = finish(qtbot, owner, owner.pickup)
    assert only_chinese_words(handed, *numbers) and "¥128.90" in handed, handed

    # Cancel the fresh order with a full refund (asked first, with the amount).
    owner.order_field.setText(fresh.local_no)
    click(qtbot, owner.cancel_button)
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is owner.cancel, timeout=10_000)
    click(qtbot, owner.cancel.quick_buttons[0])
    cancelled = finish(qtbot, owner, owner.cancel)
    assert only_chinese_words(cancelled, *numbers) and "¥1,899.00" in cancelled, cancelled
    assert "¥1,899.00" in asked[-1] and only_chinese_words(asked[-1], *numbers), asked

    # Take back the picked-up one with part of the money.
    owner.order_field.setText(taken.local_no)
    click(qtbot, owner.cancel_button)
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is owner.cancel, timeout=10_000)
    click(qtbot, owner.cancel.quick_buttons[1])
    owner.cancel.refund_field.setText("100")
    returned = finish(qtbot, owner, owner.cancel)
    assert only_chinese_words(returned, *numbers) and "¥100.00" in returned, returned

    # Close the day: the success line, the summary and the page are Chinese.
    with qtbot.waitSignal(window.services.runner.idle, timeout=10_000):
        click(qtbot, owner.day_button)
    page = owner.day_close
    with qtbot.waitSignal(page.closed, timeout=10_000):
        click(qtbot, page.close_button)
    assert only_chinese_words(page.message.text()), page.message.text()
    summary = page.summary.toPlainText()
    assert only_chinese_words(summary), summary
    assert "店主" in summary and "owner" not in summary
    assert "营业日：" in summary and "钱箱里应有现金：¥" in summary, summary  # full-width colons
    for texts in (
        [b.text() for b in page.findChildren(QPushButton) if b.isVisible()],
        [owner.cancel.action.text(), owner.pickup.action.text(), owner.check_in.action.text()],
    ):
        assert all(only_chinese_words(t, "A4") for t in texts), texts  # a paper size


def test_day_close_success_is_not_red(qtbot: Any, admin_window: Any, admin_store: Any) -> None:
    place(admin_store, ("LY-0001", 1), payment=Payment.CASH)
    window = admin_window()
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    with qtbot.waitSignal(window.services.runner.idle, timeout=10_000):
        click(qtbot, owner.day_button)
    page = owner.day_close
    with qtbot.waitSignal(page.closed, timeout=10_000):
        click(qtbot, page.close_button)
    assert "Day closed" in page.message.text()
    assert page.message.objectName() == "ok"
    color = page.message.palette().color(page.message.foregroundRole()).name()
    from kiosk.ui import theme

    assert color == theme.OK.name() and color != theme.PRICE.name()
    assert "Closed by: Shop owner" in page.summary.toPlainText()


def test_a_fresh_order_is_in_the_queue_and_opens_by_its_last_digits(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    place(admin_store, ("LY-0003", 1), payment=Payment.CASH)
    second = place(admin_store, ("LY-0001", 1), payment=Payment.CASH)
    assert second.local_no.endswith("-0002")
    window = admin_window()
    with qtbot.waitSignal(window.admin.owner.refreshed, timeout=10_000):
        unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    tile = owner.count_buttons["on_order"]
    assert tile.text() == "2\nnot shipped yet" and tile.height() >= 56
    click(qtbot, tile)
    texts = [owner.list.item(i).text() for i in range(owner.list.count())]
    assert any(second.local_no in t for t in texts), texts
    # "0002" on the screen's own keys finds C…-0002.
    for key in ("0", "0", "0", "2"):
        click(qtbot, owner.keypad.findChild(QPushButton, f"key_{key}"))
    assert owner.order_field.text() == "0002"
    click(qtbot, owner.cancel_button)
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is owner.cancel, timeout=10_000)
    assert second.local_no in owner.cancel.header.text()


def test_cancelling_asks_first_with_the_amount_and_no_keeps_the_order(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    order = place(admin_store, ("JD-0001", 1), payment=Payment.CASH)
    window = admin_window()
    answers: list[str] = []

    def answer_no(parent: Any, question: str, yes: str, no: str) -> bool:
        answers.extend([question, yes, no])
        return False

    window.services.asker.answer = answer_no
    before = status_of(admin_store, order.order_id)
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    owner.order_field.setText(order.local_no)
    click(qtbot, owner.cancel_button)
    page = owner.cancel
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is page, timeout=10_000)
    assert page.refund_field.text() == "1899.00"
    click(qtbot, page.quick_buttons[0])
    # Half back, typed on the screen's keys (Clear, 9 4 9 . 5).
    for key in ("clear", "9", "4", "9", "point", "5", "point"):
        click(qtbot, page.keypad.findChild(QPushButton, f"key_{key}"))
    assert page.refund_field.text() == "949.5"
    click(qtbot, page.action)
    question, yes, no = answers
    assert order.local_no in question and "¥949.50" in question
    assert yes == "Yes, cancel it" and no == "No, keep it"
    # "No": nothing happened, the page stays for another look.
    assert owner.stack.currentWidget() is page and not page.message.text()
    assert status_of(admin_store, order.order_id) is before is not OrderStatus.CANCELLED


def test_every_kind_has_words_in_chinese_with_advice(zh_window: Any) -> None:
    from kiosk.ui.admin.owner_words import (
        ATTENTION_WORDS,
        CHANGE_WORDS,
        attention_words,
        change_words,
    )
    from kiosk.ui.errors import status_words

    assert set(CHANGE_WORDS) == set(ChangeKind)
    assert set(ATTENTION_WORDS) == set(AttentionKind)
    no = "C001-0042"
    params: dict[ChangeKind, dict[str, object]] = {
        ChangeKind.CHECKED_IN: {"order": no},
        ChangeKind.CHECKED_IN_PART: {"order": no, "lines": (("LY-0001", 2),)},
        ChangeKind.HANDED_OVER: {"order": no, "cash_fen": 0},
        ChangeKind.REFUND_RECORDED: {"order": no, "refund_fen": 5990},
        ChangeKind.CANCELLED: {"order": no, "refund_fen": 0},
        ChangeKind.RETURNED: {"order": no, "refund_fen": 119900},
    }
    for kind, p in params.items():
        change = OwnerChange("id", no, OrderStatus.ARRIVED, None, kind, p)
        text = change_words(change)
        assert only_chinese_words(text, no) and no in text, (kind, text)
    items = [
        Attention(AttentionKind.REJECTED, {"order": no, "reason": None, "refund_fen": 5990}),
        Attention(AttentionKind.REJECTED, {"order": no, "reason": None, "refund_fen": 0}),
        Attention(AttentionKind.PRICE_CHANGED, {"order": no}),
        Attention(
            AttentionKind.QUARANTINED, {"event_kind": "order_placed", "code": "", "order": no}
        ),
        Attention(
            AttentionKind.QUARANTINED,
            {"event_kind": "cash_entry", "code": "unknown_sku", "order": None},
        ),
        Attention(AttentionKind.UNSENT, {"pending": 3, "hours": 2}),
        Attention("a_kind_added_later", {}, local_no=no),
    ]
    for item in items:
        text = attention_words(item)
        assert only_chinese_words(text, no), (item, text)
        # Advice, not only what happened: every item says what to do.
        assert re.search("请|点这里", text), text
        assert "。 " not in text, text  # Chinese sentences run on without spaces
    assert "¥59.90" in attention_words(items[0])
    for status in OrderStatus:
        words = status_words(status)
        assert only_chinese_words(words), (status, words)


def test_the_attention_list_is_chinese_with_advice_and_leads_to_the_refund(
    qtbot: Any, zh_window: Any, admin_store: KioskStore
) -> None:
    refused = place(admin_store, ("LY-0001", 1), payment=Payment.CASH)
    with admin_store.write() as s:
        from kiosk.storage.orders import apply_remote_status

        apply_remote_status(s, refused.order_id, OrderStatus.REJECTED, reason="仓库缺货")
    window = zh_window
    with qtbot.waitSignal(window.admin.owner.refreshed, timeout=10_000):
        unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    click(qtbot, owner.count_buttons["attention"])
    [text] = [owner.list.item(i).text() for i in range(owner.list.count())]
    assert only_chinese_words(text, refused.local_no), text
    assert "仓库缺货" in text and "¥59.90" in text and "请" in text
    item = owner.list.item(0)
    rect = owner.list.visualItemRect(item)
    from PySide6.QtCore import Qt

    qtbot.mouseClick(owner.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is owner.cancel, timeout=10_000)
    assert owner.cancel.refund_field.text() == "59.90"


def test_wrong_codes_and_the_wait_are_said_in_chinese(
    qtbot: Any, zh_window: Any, admin_store: KioskStore
) -> None:
    window = zh_window
    parcel = place(admin_store, ("LY-0001", 1), payment=Payment.CASH)
    advance(admin_store, parcel.order_id, OrderStatus.SHIPPED)
    check_in(admin_store, parcel.order_id, None, "owner")
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    wrong_code = "".join(str((int(d) + 1) % 10) for d in parcel.pickup_code)
    said: list[str] = []
    scan(qtbot, owner, parcel.local_no, owner.pickup)
    for _ in range(3):  # two free tries, then the third starts the wait
        for d in wrong_code:
            owner.pickup.keypad.press(d)
        click(qtbot, owner.pickup.action)
        qtbot.waitUntil(lambda: owner.pickup.message.text() != "", timeout=10_000)
        said.append(owner.pickup.message.text())
    assert all(only_chinese_words(t, parcel.local_no) for t in said), said
    assert "30" in said[-1] and said[-1] != said[0], said
    assert status_of(admin_store, parcel.order_id) is OrderStatus.ARRIVED

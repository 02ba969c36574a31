"""The owner's day by clicks: check in (whole and partial), hand over against the pickup code
(wrong codes rate-limited), cancel and return with a reason and refund, close the day and print
the summary to PDF. Each task is checked in the database file and the outbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from kiosk.admin import Role
from kiosk.orders import OrderStatus, Payment
from kiosk.storage.models import OutboxEvent
from kiosk.storage.store import KioskStore
from kiosk.ui.slip import pdf_printer
from tests.ui.admin.conftest import PHONE, advance, click, place, status_of, unlock
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def events(store: KioskStore, kind: str) -> list[dict[str, Any]]:
    with store.read() as s:
        rows = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == kind))
        return [json.loads(r.payload) for r in rows]


def scan(qtbot: Any, owner: Any, number: str, page: Any) -> None:
    """Type the order number like a barcode scanner (keys, then Enter); wait for ``page``."""
    owner.order_field.setFocus()
    qtbot.keyClicks(owner.order_field, number)
    qtbot.keyClick(owner.order_field, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is page, timeout=10_000)


def finish(qtbot: Any, owner: Any, page: Any) -> str:
    """Press the page's action button and wait until the queue shows the outcome."""
    with qtbot.waitSignal(page.done, timeout=10_000) as blocker:
        click(qtbot, page.action)
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is owner.home)
    with qtbot.waitSignal(owner.refreshed, timeout=10_000):
        pass
    return str(blocker.args[0])


def test_queue_counts_and_masked_phones(qtbot: Any, admin_window: Any, admin_store: Any) -> None:
    shipped = place(admin_store, ("LY-0001", 1))
    advance(admin_store, shipped.order_id, OrderStatus.SHIPPED)
    arrived = place(admin_store, ("LY-0002", 1))
    advance(admin_store, arrived.order_id, OrderStatus.SHIPPED)
    with admin_store.write() as s:
        from kiosk.storage.orders import apply_remote_status

        apply_remote_status(s, arrived.order_id, OrderStatus.ARRIVED)
    window = admin_window()
    with qtbot.waitSignal(window.admin.owner.refreshed, timeout=10_000):
        unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    assert owner.count_buttons["to_check_in"].text() == "1\nparcel to check in"
    assert owner.count_buttons["waiting_pickup"].text() == "1\nwaiting for pickup"
    assert owner.count_buttons["attention"].text() == "0\norders need attention"
    texts = [owner.list.item(i).text() for i in range(owner.list.count())]
    assert any(shipped.local_no in t for t in texts)
    assert all(PHONE not in t for t in texts) and any("139****5678" in t for t in texts)
    for btn in [*owner.count_buttons.values(), owner.day_button, owner.lock_button]:
        assert btn.height() >= 56, btn.text()


def test_check_in_a_shipped_parcel_by_scanner(
    qtbot: Any, admin_window: Any, admin_store: Any
) -> None:
    order = place(admin_store, ("LY-0001", 2))
    advance(admin_store, order.order_id, OrderStatus.SHIPPED)
    window = admin_window()
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    scan(qtbot, owner, order.local_no.lower(), owner.check_in)  # scanners may send lower case
    assert order.local_no in owner.check_in.header.text()
    assert "139****5678" in owner.check_in.header.text()
    message = finish(qtbot, owner, owner.check_in)
    assert "ready for pickup" in message and owner.message.text() == message
    assert status_of(admin_store, order.order_id) is OrderStatus.ARRIVED
    [ev] = events(admin_store, "arrival_checked_in")
    assert ev["complete"] is True and ev["lines"][0]["qty"] == 2
    assert owner.count_buttons["waiting_pickup"].text() == "1\nwaiting for pickup"


def test_partial_arrival_then_the_rest_from_the_list(
    qtbot: Any, admin_window: Any, admin_store: Any
) -> None:
    order = place(admin_store, ("LY-0001", 1), ("RY-0001", 2))
    advance(admin_store, order.order_id, OrderStatus.SHIPPED)
    window = admin_window()
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    scan(qtbot, owner, order.local_no, owner.check_in)
    page = owner.check_in
    # Only one of the two bottles of detergent came.
    count = page.counts["RY-0001"]
    click(qtbot, count.minus)
    assert count.value() == 1
    message = finish(qtbot, owner, page)
    assert "more parcels still to come" in message
    assert status_of(admin_store, order.order_id) is OrderStatus.SHIPPED
    texts = [owner.list.item(i).text() for i in range(owner.list.count())]
    assert any("partly arrived" in t for t in texts), texts
    # The rest comes the next day: tap the order in the list; only the missing bottle is left.
    item = owner.list.item(0)
    rect = owner.list.visualItemRect(item)
    qtbot.mouseClick(owner.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is page, timeout=10_000)
    assert set(page.counts) == {"RY-0001"} and page.counts["RY-0001"].value() == 1
    finish(qtbot, owner, page)
    assert status_of(admin_store, order.order_id) is OrderStatus.ARRIVED
    assert [e["complete"] for e in events(admin_store, "arrival_checked_in")] == [False, True]


def test_hand_over_against_the_pickup_code(qtbot: Any, admin_window: Any, admin_store: Any) -> None:
    order = place(admin_store, ("LY-0002", 1), payment=Payment.ON_PICKUP)
    advance(admin_store, order.order_id, OrderStatus.SHIPPED)
    window = admin_window()
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    scan(qtbot, owner, order.local_no, owner.check_in)
    finish(qtbot, owner, owner.check_in)
    scan(qtbot, owner, order.local_no, owner.pickup)
    page = owner.pickup
    assert page.cash_button.isVisible() and page.mobile_button.isVisible()
    wrong = "000000" if order.pickup_code != "000000" else "111111"
    # Two wrong codes are free, the third makes the owner wait (rate-limited per order).
    for expected in ("check the code", "check the code", "Wait 30 seconds"):
        qtbot.keyClicks(page.code_field, wrong)
        with qtbot.waitSignal(window.services.runner.idle, timeout=10_000):
            click(qtbot, page.action)
        assert expected in page.message.text(), page.message.text()
        assert page.code_field.text() == ""
    # During the wait even the right code is refused without being checked.
    for d in order.pickup_code:
        page.keypad.press(d)
    with qtbot.waitSignal(window.services.runner.idle):
        click(qtbot, page.action)
    assert "Wait" in page.message.text()
    assert status_of(admin_store, order.order_id) is OrderStatus.ARRIVED


def test_hand_over_with_the_right_code_records_cash(
    qtbot: Any, admin_window: Any, admin_store: Any
) -> None:
    order = place(admin_store, ("LY-0002", 1), payment=Payment.ON_PICKUP)
    advance(admin_store, order.order_id, OrderStatus.SHIPPED)
    window = admin_window()
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    scan(qtbot, owner, order.local_no, owner.check_in)
    finish(qtbot, owner, owner.check_in)
    scan(qtbot, owner, order.local_no, owner.pickup)
    page = owner.pickup
    for d in order.pickup_code:
        page.keypad.press(d)
    message = finish(qtbot, owner, page)
    assert "handed over" in message
    assert status_of(admin_store, order.order_id) is OrderStatus.PICKED_UP
    [ev] = events(admin_store, "pickup_confirmed")
    assert ev["paid_how"] == "cash" and ev["cash_fen"] == 12850


def test_cancel_with_reason_and_refund(qtbot: Any, admin_window: Any, admin_store: Any) -> None:
    order = place(admin_store, ("LY-0001", 1), payment=Payment.CASH)
    window = admin_window()
    window.services.asker.answer = lambda *_: True  # the "refund ¥59.90?" question
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    qtbot.keyClicks(owner.order_field, order.local_no)
    click(qtbot, owner.cancel_button)
    page = owner.cancel
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is page, timeout=10_000)
    assert page.refund_field.text() == "59.90"
    assert page.action.text() == "Cancel the order"
    click(qtbot, page.action)  # no reason yet
    assert "reason" in page.message.text()
    click(qtbot, page.quick_buttons[0])
    message = finish(qtbot, owner, page)
    assert "cancelled; refund ¥59.90" in message
    assert "¥59.90" in window.services.asker.asked[-1]
    assert status_of(admin_store, order.order_id) is OrderStatus.CANCELLED
    [ev] = events(admin_store, "order_cancelled")
    assert ev["refund_fen"] == 5990 and ev["reason"] == "Villager changed their mind"


def test_return_after_pickup_with_partial_refund(
    qtbot: Any, admin_window: Any, admin_store: Any
) -> None:
    from kiosk.storage.owner import check_in, confirm_pickup

    order = place(admin_store, ("LY-0001", 1), payment=Payment.CASH)
    advance(admin_store, order.order_id, OrderStatus.SHIPPED)
    check_in(admin_store, order.order_id, None, "owner")
    confirm_pickup(admin_store, order.order_id, order.pickup_code, None, "owner")
    window = admin_window()
    window.services.asker.answer = lambda *_: True  # the "refund ¥50.00?" question
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    qtbot.keyClicks(owner.order_field, order.local_no)
    click(qtbot, owner.cancel_button)
    page = owner.cancel
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is page, timeout=10_000)
    assert page.action.text() == "Take back and refund"
    page.reason_field.setText("袋子破了")
    page.refund_field.setText("50")
    message = finish(qtbot, owner, page)
    assert "returned; refund ¥50.00" in message
    assert "¥50.00" in window.services.asker.asked[-1]
    [ev] = events(admin_store, "order_returned")
    assert ev["refund_fen"] == 5000 and ev["reason"] == "袋子破了"
    assert owner.count_buttons["returns"].text() == "1\nreturn since last close"


def test_close_the_day_and_print(
    qtbot: Any, admin_window: Any, admin_store: Any, tmp_path: Path
) -> None:
    place(admin_store, ("LY-0001", 1), payment=Payment.CASH)
    place(admin_store, ("RY-0001", 2), payment=Payment.CASH)
    window = admin_window()
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    pdfs = iter([tmp_path / "receipt.pdf", tmp_path / "a4.pdf"])
    owner.day_close.printer = lambda: pdf_printer(str(next(pdfs)))
    with qtbot.waitSignal(window.services.runner.idle, timeout=10_000):
        click(qtbot, owner.day_button)
    page = owner.day_close
    assert "¥128.90" in page.summary.toPlainText()  # 59.90 + 2 × 34.50
    assert not page.receipt_button.isEnabled()  # nothing to print before the close
    with qtbot.waitSignal(page.closed, timeout=10_000) as blocker:
        click(qtbot, page.close_button)
    result = blocker.args[0]
    assert result.expected_cash_fen == 12890 and not result.already_closed
    assert "¥128.90" in page.summary.toPlainText()
    [ev] = events(admin_store, "day_closed")
    assert ev["expected_cash_fen"] == 12890
    for button, name in ((page.receipt_button, "receipt"), (page.a4_button, "a4")):
        with qtbot.waitSignal(page.printed) as printed:
            click(qtbot, button)
        assert printed.args[0] == name
        pdf = tmp_path / f"{name}.pdf"
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 1000
    # A4 is portrait A4, the receipt 80 mm wide (PDF points: 595 × 842 and ~227 wide).
    assert b"/MediaBox [0 0 595" in (tmp_path / "a4.pdf").read_bytes()
    assert (
        b"/MediaBox [0 0 226" in (tmp_path / "receipt.pdf").read_bytes()
        or b"/MediaBox [0 0 227" in (tmp_path / "receipt.pdf").read_bytes()
    )
    # Closing the same day again (back, then the day-close button) is the same close.
    assert not page.close_button.isEnabled()
    click(qtbot, page.back_button)
    with qtbot.waitSignal(window.services.runner.idle, timeout=10_000):
        click(qtbot, owner.day_button)
    with qtbot.waitSignal(page.closed, timeout=10_000) as again:
        click(qtbot, page.close_button)
    assert again.args[0].already_closed
    assert len(events(admin_store, "day_closed")) == 1

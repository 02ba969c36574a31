"""Practice mode by clicks: the owner enters it after the PIN, a yellow banner sits above every
practice screen, the lessons of a day are done on the practice kiosk and checked, leaving deletes
the practice store, and the real database is byte for byte what it was."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from kiosk.admin import Role
from kiosk.orders import OrderStatus
from kiosk.practice import Found, Lesson
from kiosk.storage.practice import practice_dir
from kiosk.storage.store import DB_FILENAME
from tests.ui.admin.conftest import TECH_PIN, FakeClock, click, type_pin, unlock
from tests.ui.admin.test_owner_tasks import finish, scan
from tests.ui.conftest import NAME, PHONE, QT_OFFSCREEN_NOISE
from tests.ui.test_kiosk_flow import click_tile, press_digits, search, type_with_ime

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def database_image(db: Path) -> str:
    """sha256 of the database as SQLite sees it (the -wal's pages included) while it is open.

    SQLite's own ``serialize`` of the file: the bytes the file has once the last connection
    closed and checkpointed.
    """
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return hashlib.sha256(conn.serialize()).hexdigest()
    finally:
        conn.close()


def file_sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def banner_on_top(shell: Any) -> None:
    assert shell.banner.isVisible()
    assert shell.banner.geometry().top() == 0
    assert "练习" in shell.banner.text()


def lesson(qtbot: Any, mode: Any) -> Any:
    """Press "Check my steps" and return the result."""
    with qtbot.waitSignal(mode.lesson_checked, timeout=10_000) as checked:
        click(qtbot, mode.shell.panel.check_button)
    return checked.args[0]


def next_lesson(qtbot: Any, mode: Any, expected: Lesson) -> Any:
    with qtbot.waitSignal(mode.lesson_begun, timeout=10_000) as begun:
        click(qtbot, mode.shell.panel.next_button)
    assert begun.args[0].lesson is expected
    return begun.args[0]


def test_a_practice_day_by_clicks_leaves_the_real_kiosk_exactly_as_before(
    qtbot: Any, admin_window: Any, admin_store: Any, clock: FakeClock
) -> None:
    data = admin_store.data_dir
    window = admin_window()
    unlock(qtbot, window, Role.OWNER)
    before = database_image(data / DB_FILENAME)
    mode = window.practice
    with qtbot.waitSignals([mode.entered, mode.lesson_begun], timeout=20_000):
        click(qtbot, window.admin.practice_button)
    shell, kiosk = mode.shell, mode.kiosk
    assert window.isHidden() and shell.isVisible() and kiosk.services.practice
    assert kiosk.services.store.data_dir == practice_dir(data)
    assert mode.start.lesson is Lesson.ORDER
    banner_on_top(shell)

    # 1. An order for a villager, by clicks on the practice kiosk.
    result = lesson(qtbot, mode)
    assert not result.passed and result.findings[0].kind is Found.NO_NEW_ORDER
    assert "✗" in shell.panel.result.text()
    search(qtbot, kiosk, "dami")
    banner_on_top(shell)
    with qtbot.waitSignal(kiosk.detail.shown, timeout=5000):
        click_tile(qtbot, kiosk.search.grid, 0)
    click(qtbot, kiosk.detail.order_button)
    type_with_ime(kiosk.checkout.name_field, NAME)
    press_digits(qtbot, kiosk.checkout.keypad, PHONE)
    click(qtbot, kiosk.checkout.pay_cash)
    with qtbot.waitSignal(kiosk.checkout.placed, timeout=10_000) as placed:
        click(qtbot, kiosk.checkout.confirm)
    receipt = placed.args[0]
    number, code = receipt.placed.local_no, receipt.placed.pickup_code
    banner_on_top(shell)
    slip = kiosk.confirmation.slip()
    assert slip is not None and slip.practice
    result = lesson(qtbot, mode)
    assert result.passed, result
    assert "Well done" in shell.panel.result.text()

    # 2. Read back the pickup code: a wrong one, then the right one.
    next_lesson(qtbot, mode, Lesson.READ_CODE)
    assert shell.panel.code.isVisible()
    qtbot.keyClicks(shell.panel.code, "999999" if code != "999999" else "888888")
    assert not lesson(qtbot, mode).passed
    shell.panel.code.clear()
    qtbot.keyClicks(shell.panel.code, code)
    assert lesson(qtbot, mode).passed
    click(qtbot, kiosk.confirmation.done_button)

    # 3. The parcel is on its way: the lesson plays the platform's moves.
    start = next_lesson(qtbot, mode, Lesson.PARCEL)
    assert start.moves == (OrderStatus.SUBMITTED, OrderStatus.ACCEPTED, OrderStatus.SHIPPED)
    assert number in shell.panel.moves.text()
    assert lesson(qtbot, mode).passed

    # 4. Check it in on the practice owner screen (the owner's PIN was copied in).
    next_lesson(qtbot, mode, Lesson.CHECK_IN)
    kiosk.admin.pin.clock = clock
    unlock(qtbot, kiosk, Role.OWNER)
    assert not kiosk.admin.practice_button.isVisible()  # no practice inside practice
    banner_on_top(shell)
    owner = kiosk.admin.owner
    scan(qtbot, owner, number, owner.check_in)
    finish(qtbot, owner, owner.check_in)
    assert lesson(qtbot, mode).passed

    # 5. Hand it over: a wrong code is refused, then the right one.
    next_lesson(qtbot, mode, Lesson.HAND_OVER)
    scan(qtbot, owner, number, owner.pickup)
    page = owner.pickup
    qtbot.keyClicks(page.code_field, "000000" if code != "000000" else "111111")
    with qtbot.waitSignal(kiosk.services.runner.idle, timeout=10_000):
        click(qtbot, page.action)
    result = lesson(qtbot, mode)
    assert [f.kind for f in result.findings] == [Found.WRONG_CODE_REFUSED, Found.NOT_HANDED_OVER]
    for d in code:
        page.keypad.press(d)
    finish(qtbot, owner, page)
    assert lesson(qtbot, mode).passed

    # 6-8. Cancel, return and close the day are the same owner moves; checked as a trainee
    # would leave them undone: each lesson says what is missing.
    next_lesson(qtbot, mode, Lesson.CANCEL)
    assert lesson(qtbot, mode).findings[0].kind is Found.NOT_CANCELLED
    next_lesson(qtbot, mode, Lesson.RETURN)
    kiosk.services.asker.answer = lambda *_: True  # the "refund?" question
    qtbot.keyClicks(owner.order_field, number)
    click(qtbot, owner.cancel_button)
    qtbot.waitUntil(lambda: owner.stack.currentWidget() is owner.cancel, timeout=10_000)
    owner.cancel.reason_field.setText("袋子破了")
    owner.cancel.refund_field.setText("10")
    finish(qtbot, owner, owner.cancel)
    result = lesson(qtbot, mode)
    assert result.passed and Found.REFUNDED in {f.kind for f in result.findings}
    next_lesson(qtbot, mode, Lesson.CLOSE_DAY)
    with qtbot.waitSignal(kiosk.services.runner.idle, timeout=10_000):
        click(qtbot, owner.day_button)
    with qtbot.waitSignal(owner.day_close.closed, timeout=10_000):
        click(qtbot, owner.day_close.close_button)
    assert "练习 PRACTICE" in owner.day_close.summary.toPlainText()  # printed with the mark
    assert lesson(qtbot, mode).passed
    assert not shell.panel.next_button.isEnabled()  # the last lesson of the day

    # Leave: the practice store is deleted, the real kiosk is back in villager mode.
    with qtbot.waitSignal(mode.left, timeout=20_000):
        click(qtbot, shell.panel.leave_button)
    assert not practice_dir(data).exists()
    assert window.isVisible() and window.current() is window.home
    assert not mode.active
    assert database_image(data / DB_FILENAME) == before
    # And after closing both: the file itself, with no journal left behind.
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
    window.close()
    admin_store.close()
    assert file_sha(data / DB_FILENAME) == before
    assert sorted(p.name for p in data.iterdir() if p.name.startswith("kiosk.db")) == ["kiosk.db"]


def test_practice_speaks_chinese_banner_lessons_and_slip(
    qtbot: Any, admin_window: Any, admin_store: Any
) -> None:
    import re

    from kiosk.practice import LESSONS, Finding
    from kiosk.ui.practice import finding_text, lesson_steps, lesson_title
    from kiosk.ui.slip import slip_html

    window = admin_window(lang="zh_CN")
    unlock(qtbot, window, Role.OWNER)
    clock = window.admin.pin.clock
    assert "练习" in window.admin.practice_button.text()
    mode = window.practice
    with qtbot.waitSignals([mode.entered, mode.lesson_begun], timeout=20_000):
        click(qtbot, window.admin.practice_button)
    shell = mode.shell
    mode.kiosk.admin.pin.clock = clock
    assert shell.banner.text() == "练习模式 — 不是真订单"
    result = lesson(qtbot, mode)
    assert "还没有下新订单" in shell.panel.result.text()
    assert not result.passed
    # Every word of the lessons is Chinese (order numbers and money aside).
    ascii_letters = re.compile(r"[A-Za-z]")
    texts = [lesson_title(x) for x in LESSONS] + [lesson_steps(x) for x in LESSONS]
    texts += [
        finding_text(Finding(kind, True, {"order": "", "refund_fen": "500"})) for kind in Found
    ]
    for w in (shell.panel.progress, shell.panel.check_button, shell.panel.leave_button):
        texts.append(w.text())
    assert [t for t in texts if ascii_letters.search(t)] == []
    assert "¥5.00" in finding_text(Finding(Found.REFUNDED, True, {"refund_fen": "500"}))
    # A slip printed in practice carries the mark; a real one does not.
    search(qtbot, mode.kiosk, "dami")
    kiosk = mode.kiosk
    with qtbot.waitSignal(kiosk.detail.shown, timeout=5000):
        click_tile(qtbot, kiosk.search.grid, 0)
    click(qtbot, kiosk.detail.order_button)
    type_with_ime(kiosk.checkout.name_field, NAME)
    press_digits(qtbot, kiosk.checkout.keypad, PHONE)
    click(qtbot, kiosk.checkout.pay_cash)
    with qtbot.waitSignal(kiosk.checkout.placed, timeout=10_000):
        click(qtbot, kiosk.checkout.confirm)
    slip = kiosk.confirmation.slip()
    assert "练习单：不是真订单" in slip_html(slip)
    assert "练习" not in slip_html(replace(slip, practice=False))
    # The technician's PIN opens only the owner's screen in practice: nothing to enroll there.
    click(qtbot, kiosk.confirmation.done_button)
    click(qtbot, kiosk.admin_button)
    assert type_pin(qtbot, kiosk, TECH_PIN, Role.TECHNICIAN)
    assert kiosk.admin.current() is kiosk.admin.owner
    # Closing the kiosk in practice (run_gui's last step) deletes the practice store too.
    assert window.practicing()
    window.practice.leave_now()
    assert not window.practicing()
    assert not practice_dir(admin_store.data_dir).exists()


def test_the_practice_button_never_lies_over_the_owners_buttons(
    qtbot: Any, admin_window: Any
) -> None:
    """A window no wider than an old 900-pixel screen: the practice button takes its place in the
    owner's bottom row, beside Lock, Change my PIN, Read aloud and Close the day, never on them;
    and the practice kiosk's top bar says "练习" short instead of wrapping the whole banner."""
    from PySide6.QtCore import QPoint, QRect

    window = admin_window(lang="zh_CN")
    window.resize(900, 700)
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    button = window.admin.practice_button
    qtbot.waitUntil(button.isVisible, timeout=5_000)
    others = [owner.lock_button, owner.pin_button, owner.read_aloud_button, owner.day_button]

    def box(w: Any) -> QRect:
        return QRect(w.mapTo(window, QPoint(0, 0)), w.size())

    for other in others:
        assert other.isVisible()
        assert not box(button).intersects(box(other)), other.text()
    mode = window.practice
    with qtbot.waitSignals([mode.entered, mode.lesson_begun], timeout=20_000):
        click(qtbot, button)
    assert mode.kiosk.top.sync.text() == "练习"
    mode.leave_now()

"""Render every villager screen offscreen at 1366×768, in zh_CN and en, into docs/screenshots/.

Usage: ``.venv/bin/python scripts/screenshots.py [--out DIR] [--size 1366x768]`` (``make
screenshots``). Uses a temporary data directory with the demo catalog (assets/demo/catalog.jsonl)
and places a real order for the confirmation and "my orders" screens.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PySide6.QtCore import QEventLoop, QSize  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter, QTextDocument  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kiosk.storage.catalog import import_catalog_file  # noqa: E402
from kiosk.storage.center import set_center  # noqa: E402
from kiosk.storage.search import search_products  # noqa: E402
from kiosk.storage.store import KioskStore  # noqa: E402
from kiosk.ui.app import build_window, make_app, reindex_note  # noqa: E402
from kiosk.ui.bridge import SyncFacts  # noqa: E402
from kiosk.ui.slip import slip_html  # noqa: E402
from kiosk.ui.window import KioskWindow  # noqa: E402

DEMO = REPO / "assets" / "demo" / "catalog.jsonl"
NAME, PHONE = "王秀英", "13812345678"


def pump(app: QApplication, until: Callable[[], bool], timeout_s: float = 15.0) -> None:
    """Process events until ``until()`` holds (or the time is up)."""
    deadline = time.monotonic() + timeout_s
    while not until() and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)


def settle(app: QApplication, window: KioskWindow) -> None:
    """Let background work (queries, picture decoding) finish and the screen repaint."""
    runner = window.services.runner
    for _ in range(3):
        pump(app, lambda: not runner.busy)
        pause_until = time.monotonic() + 0.15

        def paused(until: float = pause_until) -> bool:
            return time.monotonic() > until

        pump(app, paused)


def shoot(app: QApplication, window: KioskWindow, out: Path, name: str, lang: str) -> Path:
    settle(app, window)
    path = out / f"{name}-{lang}.png"
    window.grab().save(str(path))
    print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    return path


def render_slip(window: KioskWindow, path: Path) -> None:
    """The pickup slip as it prints on 80 mm paper (72 mm printable ≈ 576 px at 203 dpi)."""
    slip = window.confirmation.slip()
    assert slip is not None
    doc = QTextDocument()
    doc.setHtml(slip_html(slip))
    doc.setTextWidth(576 / 2)
    size = doc.size().toSize()
    image = QImage(QSize(size.width() * 2, size.height() * 2), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.scale(2, 2)
    doc.drawContents(painter)
    painter.end()
    image.save(str(path))
    print(path)


def run_language(app: QApplication, store: KioskStore, lang: str, out: Path, size: QSize) -> None:
    make_app(lang=lang)
    window = build_window(store, lang=lang, connected=False)
    window.resize(size)
    window.show()
    shoot(app, window, out, "home", lang)

    # The top bar when a sync problem needs a person (the longest of those sentences).
    problem = SyncFacts(True, False, 2, 0, None, "unauthorized")
    window.top.set_sync_text(window.indicator.describe(problem))
    shoot(app, window, out, "sync-problem", lang)
    window.top.set_sync_text(window.indicator.text)

    # The top bar while the search index is rebuilt after an upgrade.
    window.top.set_note(reindex_note())
    shoot(app, window, out, "catalog-sorting", lang)
    window.top.set_note("")

    window.show_search("xiyiji")
    pump(app, lambda: window.search.model.rowCount() > 0)
    shoot(app, window, out, "search", lang)

    window.go_home()
    window.show_search("拖拉机配件")
    pump(app, lambda: window.search.suggest_box.isVisible())
    shoot(app, window, out, "search-empty", lang)

    # Place order on an empty cart: grey, with the reason under it.
    window.show_checkout()
    shoot(app, window, out, "checkout-empty", lang)

    # An out-of-stock product: red stock words, grey buttons, the reason.
    with store.read() as s:
        out_of_stock = [h.sku for h in search_products(s, "柜机") if h.stock == "out_of_stock"]
    window.show_search("柜机")
    pump(app, lambda: window.search.model.rowCount() > 0)
    window.show_product(out_of_stock[0])
    pump(app, lambda: window.detail.detail is not None)
    shoot(app, window, out, "detail-out-of-stock", lang)

    window.show_category("家用电器")
    pump(app, lambda: window.category.model.rowCount() > 0)
    shoot(app, window, out, "category", lang)

    window.show_product("JD-0001")
    detail = window.detail
    pump(app, lambda: detail.detail is not None and detail.detail.card.sku == "JD-0001")
    shoot(app, window, out, "detail", lang)

    # The same page on a 1920×1080 screen: the picture grows with it.
    window.resize(1920, 1080)
    shoot(app, window, out, "detail-1920", lang)
    window.resize(size)

    detail.add_button.click()  # "Added to the cart" on the page
    shoot(app, window, out, "detail-added", lang)
    window.show_product("LY-0002")
    detail = window.detail
    pump(app, lambda: detail.detail is not None and detail.detail.card.sku == "LY-0002")
    window._order_now(window.detail.detail.card, 2)  # type: ignore[union-attr]
    checkout = window.checkout
    checkout.name_field.setText(NAME)
    for digit in PHONE[:7]:
        checkout.keypad.press(digit)
    checkout.submit()  # shows the plain-words phone message
    shoot(app, window, out, "checkout", lang)

    # The idle warning over the checkout, some seconds before the reset.
    interval = window.idle._timer.interval()
    window.idle._timer.start(18_000)
    window.idle_warning.open()
    shoot(app, window, out, "idle-warning", lang)
    window.idle._timer.setInterval(interval)
    window.idle_warning.close_warning()
    window.idle.poke()

    for digit in PHONE[7:]:
        checkout.keypad.press(digit)
    receipts: list[object] = []
    checkout.placed.connect(receipts.append)
    checkout.submit()
    pump(app, lambda: bool(receipts))
    shoot(app, window, out, "confirmation", lang)
    render_slip(window, out / f"slip-{lang}.png")
    code = window.confirmation.receipt.placed.pickup_code  # type: ignore[union-attr]

    window.reset_session()
    window.show_my_orders()
    screen = window.my_orders
    screen.phone_field.setText(PHONE)
    screen.code_field.setText(code)
    screen.find_button.click()
    pump(app, lambda: screen.model.rowCount() > 0)
    shoot(app, window, out, "myorders", lang)

    settle(app, window)
    window.close()
    window.deleteLater()
    app.processEvents()


def seed_admin(store: KioskStore) -> None:
    """PINs and a few orders along the owner's day (shipped, partly arrived, in the shop)."""
    from kiosk.admin import Role
    from kiosk.customers import Customer
    from kiosk.orders import LineRequest, OrderStatus, Payment
    from kiosk.storage.admin import set_pin
    from kiosk.storage.orders import apply_remote_status, place_order
    from kiosk.storage.owner import check_in

    set_pin(store, Role.OWNER, "2580", "technician")
    set_pin(store, Role.TECHNICIAN, "7391", "technician")
    people = [("张秀兰", "13912345678"), ("李建国", "13698765432"), ("王芳", "15811112222")]
    plan = [
        ([("LY-0001", 1)], OrderStatus.SHIPPED, Payment.CASH),
        ([("JD-0001", 1), ("LY-0002", 2)], OrderStatus.SHIPPED, Payment.ON_PICKUP),
        ([("RY-0001", 3)], OrderStatus.SHIPPED, Payment.CASH),
        ([("LY-0002", 1)], OrderStatus.ARRIVED, Payment.ON_PICKUP),
        ([("LY-0001", 2)], OrderStatus.ARRIVED, Payment.CASH),
    ]
    for i, (lines, status, payment) in enumerate(plan):
        name, phone = people[i % len(people)]
        placed = place_order(
            store, Customer.of(name, phone), [LineRequest(k, q) for k, q in lines], payment
        )
        with store.write() as s:
            apply_remote_status(s, placed.order_id, OrderStatus.SHIPPED, server_no=f"S{i:07d}")
        if status is OrderStatus.ARRIVED:
            check_in(store, placed.order_id, None, "owner")
        elif i == 1:
            check_in(store, placed.order_id, {"LY-0002": 2}, "owner")  # partly arrived


def run_read_aloud(app: QApplication, store: KioskStore, lang: str, out: Path, size: QSize) -> None:
    """Read aloud turned on: speakers on the tiles, detail, cart total, confirmation, the owner's
    settings. The confirmation's reading is rendered to ``read-aloud-confirmation-<lang>.wav``
    beside the screenshots (zh_CN only is kept: it is the one to listen to)."""
    from kiosk.admin import Role
    from kiosk.speech.sound import WavFileOutput
    from kiosk.storage.read_aloud import ReadAloudSettings, save_read_aloud

    save_read_aloud(store, ReadAloudSettings(enabled=True, auto_pickup_code=True), "owner")
    make_app(lang=lang)
    window = build_window(store, lang=lang, connected=False)
    voice = window.services.read_aloud
    assert voice is not None
    with tempfile.TemporaryDirectory(prefix="kiosk-speech-") as tmp:
        keep = lang == "zh_CN"
        wav = (out if keep else Path(tmp)) / f"read-aloud-confirmation-{lang}.wav"
        output = WavFileOutput(wav)
        voice.use_output(output)
        window.resize(size)
        window.show()
        pump(app, lambda: voice.enabled)
        shoot(app, window, out, "read-aloud-home", lang)
        window.show_product("LY-0001")
        pump(app, lambda: window.detail.detail is not None)
        shoot(app, window, out, "read-aloud-detail", lang)
        window._order_now(window.detail.detail.card, 2)  # type: ignore[union-attr]
        checkout = window.checkout
        shoot(app, window, out, "read-aloud-checkout", lang)
        checkout.name_field.setText(NAME)
        for digit in PHONE:
            checkout.keypad.press(digit)
        receipts: list[object] = []
        checkout.placed.connect(receipts.append)
        checkout.submit()
        pump(app, lambda: bool(receipts) and output.played > 0, timeout_s=60)
        shoot(app, window, out, "read-aloud-confirmation", lang)
        print(wav.relative_to(REPO) if wav.is_relative_to(REPO) else wav)
        window.reset_session()
        window.show_admin()
        window.admin._unlocked(Role.OWNER.value)  # as after the right PIN
        window.admin.owner.show_read_aloud()
        shoot(app, window, out, "owner-read-aloud", lang)
        window.reset_session()
        settle(app, window)
        window.close()
        window.deleteLater()
        app.processEvents()
    save_read_aloud(store, ReadAloudSettings(), "owner")


def run_admin(app: QApplication, store: KioskStore, lang: str, out: Path, size: QSize) -> None:
    """The PIN screen, the owner's queue and tasks, the technician's tabs, the wizard's steps."""
    from kiosk.admin import Role
    from kiosk.storage.cash import close_day
    from kiosk.storage.catalog import ImportSummary
    from kiosk.storage.diskspace import DiskSpace
    from kiosk.sync.errors import Rejected
    from kiosk.ui.admin.printing import Paper, day_close_html
    from kiosk.ui.admin.tech.sync import progress_words
    from kiosk.ui.admin.wizard import import_summary_words
    from kiosk.ui.errors import error_words

    make_app(lang=lang)
    window = build_window(store, lang=lang, connected=False)
    window.resize(size)
    window.show()
    settle(app, window)
    window.show_admin()
    window.admin.pin.pin_field.setText("1357")
    window.admin.pin.message.setText(window.admin.pin.tr("Wrong PIN. Try again."))
    window.admin.pin.pin_field.setText("25")
    shoot(app, window, out, "admin-pin", lang)

    window.admin._unlocked(Role.OWNER.value)  # as after the right PIN
    owner = window.admin.owner
    pump(app, lambda: owner.queue is not None)
    shoot(app, window, out, "owner-queue", lang)
    # The warning before the disk is full (120 MB free).
    window.admin._show_disk(DiskSpace(120 * 1024 * 1024, 64 * 1024**3))
    shoot(app, window, out, "owner-disk-warning", lang)
    window.admin.disk_warning.hide()
    shipped = [o for o in owner.queue.to_check_in if o.partly_arrived]  # type: ignore[union-attr]
    owner.open_order(shipped[0].local_no)
    pump(app, lambda: owner.stack.currentWidget() is owner.check_in)
    shoot(app, window, out, "owner-checkin", lang)
    owner.show_home()
    waiting = owner.queue.waiting_pickup  # type: ignore[union-attr]
    on_pickup = [o for o in waiting if o.payment.value == "on_pickup"] or waiting
    owner.open_order(on_pickup[0].local_no)
    pump(app, lambda: owner.stack.currentWidget() is owner.pickup)
    owner.pickup.code_field.setText("48")
    shoot(app, window, out, "owner-pickup", lang)
    owner.show_home()
    owner.open_order(waiting[-1].local_no, cancel=True)
    pump(app, lambda: owner.stack.currentWidget() is owner.cancel)
    owner.cancel.reason_field.setText(owner.cancel.quick_buttons[1].text())
    shoot(app, window, out, "owner-return", lang)
    owner.show_home()
    owner.show_pin_change()
    form = owner.pin_form
    form.current_field.setText("2580")
    form.new_field.setText("4826")
    form.again_field.setText("4862")
    form.submit()  # the two new PINs differ: the form says so in plain words
    form.new_field.setText("48")
    shoot(app, window, out, "owner-pin", lang)
    owner.show_home()
    owner.show_day_close()
    shoot(app, window, out, "owner-dayclose", lang)
    close = close_day(store, "owner", "2025-06-01")
    doc = QTextDocument()
    doc.setHtml(day_close_html(close, "幸福村服务站", Paper.RECEIPT))
    doc.setTextWidth(576 / 2)
    image = QImage(QSize(576, int(doc.size().height() * 2)), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.scale(2, 2)
    doc.drawContents(painter)
    painter.end()
    image.save(str(out / f"dayclose-receipt-{lang}.png"))

    window.admin.session.lock()
    # Not enrolled yet ("enroll later" in the wizard): the enroll form on the Sync tab.
    window.show_admin()
    window.admin._unlocked(Role.TECHNICIAN.value)
    tech = window.admin.technician
    settle(app, window)
    tech.tabs.setCurrentIndex(1)
    tech.sync_tab.server_field.setText("https://central.example.cn")
    tech.sync_tab.code_field.setText("K7Q2-9XMD")
    tech.message.clear()
    shoot(app, window, out, "tech-enroll", lang)
    tech.sync_tab.server_field.clear()
    tech.sync_tab.code_field.clear()
    tech.tabs.setCurrentIndex(0)
    window.admin.session.lock()
    with store.write() as s:  # an enrolled kiosk's address, for the Sync tab
        KioskStore.set_setting(s, "sync.server_url", "https://central.example.cn")
    window.show_admin()
    window.admin._unlocked(Role.TECHNICIAN.value)
    tech = window.admin.technician
    settle(app, window)
    shoot(app, window, out, "tech-checks", lang)
    tech.checks_tab.checks_table.scrollToBottom()  # the sync, clock and version rows
    shoot(app, window, out, "tech-checks-more", lang)
    tech.checks_tab.checks_table.scrollToTop()
    tech.tabs.setCurrentIndex(1)
    # How a refusal by the platform reads (what "Sync now" shows for an unknown device token).
    tech._say(
        error_words(Rejected("this device token is not known here", 401, "unauthorized")), False
    )
    tech.sync_tab.progress.setRange(0, 5)
    tech.sync_tab.progress.setValue(2)
    tech.sync_tab.sync_words.setText(progress_words("push", 2, 5))
    shoot(app, window, out, "tech-sync", lang)
    tech.sync_tab.progress.setRange(0, 1)
    tech.sync_tab.progress.setValue(0)
    tech.sync_tab.sync_words.clear()
    tech.tabs.setCurrentIndex(2)
    shoot(app, window, out, "tech-outbox", lang)
    tech.tabs.setCurrentIndex(3)
    tech.message.clear()
    shoot(app, window, out, "tech-database", lang)
    tech.tabs.setCurrentIndex(tech.tabs.count() - 1)
    tech.pins_tab.change_my_pin()
    tech.pins_tab.pin_form.current_field.setText("7391")
    shoot(app, window, out, "tech-pins", lang)
    tech.pins_tab.reset_owner_pin()
    tech.pins_tab.pin_form.new_field.setText("4826")
    shoot(app, window, out, "tech-pins-reset", lang)
    window.admin.session.lock()

    window.show_first_run()
    wizard = window.admin.wizard
    wizard.server_url.setText("https://central.example.cn")
    for i, step in enumerate(("language", "center", "server", "pins", "catalog")):
        wizard._go(i)
        if step == "catalog":  # after a USB import: what it did, with counts
            wizard.import_bar.setRange(0, 1)
            wizard.import_bar.setValue(1)
            wizard.import_words.setText(import_summary_words(ImportSummary(312, 0, 0, 298)))
        shoot(app, window, out, f"wizard-{step}", lang)
    window.reset_session()
    settle(app, window)
    window.close()
    window.deleteLater()
    app.processEvents()


def run_owner_actions(app: QApplication, lang: str, out: Path, size: QSize) -> None:
    """The owner's queue after each move (check-in done, handed over, cancelled, returned, day
    closed), each move made through its page on a store of its own (so both languages start
    from the same day)."""
    from kiosk.admin import Role
    from kiosk.customers import Customer
    from kiosk.orders import LineRequest, OrderStatus, Payment
    from kiosk.storage.orders import apply_remote_status, place_order
    from kiosk.storage.owner import check_in, confirm_pickup

    with tempfile.TemporaryDirectory(prefix="kiosk-owner-shots-") as tmp:
        store = KioskStore.open(Path(tmp))
        try:
            import_catalog_file(store, DEMO)
            with store.write() as s:
                set_center(s, "C017", "幸福村服务站")
            seed_admin(store)

            def order(sku: str, qty: int, payment: Payment, status: OrderStatus) -> object:
                placed = place_order(
                    store, Customer.of("赵大妈", "13712345678"), [LineRequest(sku, qty)], payment
                )
                if status is not OrderStatus.PLACED:
                    with store.write() as s:
                        apply_remote_status(s, placed.order_id, OrderStatus.SHIPPED)
                if status in (OrderStatus.ARRIVED, OrderStatus.PICKED_UP):
                    check_in(store, placed.order_id, None, "owner")
                if status is OrderStatus.PICKED_UP:
                    confirm_pickup(store, placed.order_id, placed.pickup_code, None, "owner")
                return placed

            van = order("RY-0001", 2, Payment.CASH, OrderStatus.SHIPPED)
            waiting = order("LY-0002", 1, Payment.ON_PICKUP, OrderStatus.ARRIVED)
            taken = order("LY-0001", 1, Payment.CASH, OrderStatus.PICKED_UP)
            fresh = order("JD-0001", 1, Payment.CASH, OrderStatus.PLACED)
            refused = order("NZ-0001", 1, Payment.CASH, OrderStatus.PLACED)
            with store.write() as s:  # the platform refused it, with its operator's reason
                apply_remote_status(s, refused.order_id, OrderStatus.REJECTED, reason="仓库缺货")

            make_app(lang=lang)
            window = build_window(store, lang=lang, connected=False)
            window.resize(size)
            window.show()
            settle(app, window)
            window.services.asker.answer = lambda *_: True  # "give back ¥…?": yes
            window.show_admin()
            window.admin._unlocked(Role.OWNER.value)
            owner = window.admin.owner
            pump(app, lambda: owner.queue is not None)

            def act(page: object, name: str) -> None:
                said: list[str] = []
                page.done.connect(said.append)  # type: ignore[attr-defined]
                page.submit()  # type: ignore[attr-defined]
                pump(app, lambda: bool(said) and owner.stack.currentWidget() is owner.home)
                shoot(app, window, out, name, lang)

            owner.open_order(van.local_no)  # type: ignore[attr-defined]
            pump(app, lambda: owner.stack.currentWidget() is owner.check_in)
            act(owner.check_in, "owner-done-checkin")

            owner.open_order(waiting.local_no)  # type: ignore[attr-defined]
            pump(app, lambda: owner.stack.currentWidget() is owner.pickup)
            owner.pickup.code_field.setText(waiting.pickup_code)  # type: ignore[attr-defined]
            act(owner.pickup, "owner-done-handover")

            # A fresh order is listed at once, and the end of its number opens it.
            owner.show_section("on_order")
            for key in fresh.local_no[-4:]:  # type: ignore[attr-defined]
                owner.keypad.press(key)
            shoot(app, window, out, "owner-queue-ordered", lang)
            owner.open_typed(cancel=True)
            pump(app, lambda: owner.stack.currentWidget() is owner.cancel)
            owner.cancel.reason_field.setText(owner.cancel.quick_buttons[0].text())
            act(owner.cancel, "owner-done-cancel")

            owner.open_order(taken.local_no, cancel=True)  # type: ignore[attr-defined]
            pump(app, lambda: owner.stack.currentWidget() is owner.cancel)
            owner.cancel.reason_field.setText(owner.cancel.quick_buttons[1].text())
            act(owner.cancel, "owner-done-return")

            owner.show_section("attention")  # plain words, with what to do
            shoot(app, window, out, "owner-attention", lang)

            owner.show_day_close()
            page = owner.day_close
            settle(app, window)
            page.close_now()
            pump(app, lambda: page.result is not None)
            shoot(app, window, out, "owner-done-dayclose", lang)
            window.close()
            window.deleteLater()
            app.processEvents()
        finally:
            store.close()


def run_practice(app: QApplication, lang: str, out: Path, size: QSize) -> None:
    """Practice mode: the banner over the practice kiosk with the first lesson, a lesson in
    progress (the pickup code read back), and a lesson's result. On a data folder of its own."""
    from kiosk.admin import Role
    from kiosk.storage.admin import set_pin

    with tempfile.TemporaryDirectory(prefix="kiosk-practice-shots-") as tmp:
        store = KioskStore.open(Path(tmp))
        try:
            import_catalog_file(store, DEMO)
            with store.write() as s:
                set_center(s, "C017", "幸福村服务站")
            set_pin(store, Role.OWNER, "2580", "technician")
            make_app(lang=lang)
            window = build_window(store, lang=lang, connected=False)
            window.resize(size)
            window.show()
            settle(app, window)
            window.show_admin()
            window.admin._unlocked(Role.OWNER.value)  # as after the right PIN
            mode = window.practice
            begun: list[object] = []
            checked: list[object] = []
            mode.lesson_begun.connect(begun.append)
            mode.lesson_checked.connect(checked.append)
            window.admin.practice_button.click()
            pump(app, lambda: bool(begun), timeout_s=60)
            shell, kiosk = mode.shell, mode.kiosk
            assert shell is not None and kiosk is not None

            def snap(name: str) -> None:
                assert shell is not None and kiosk is not None
                settle(app, kiosk)
                path = out / f"{name}-{lang}.png"
                shell.grab().save(str(path))
                print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)

            snap("practice-banner")
            # Lesson 1 done on the practice kiosk: an order for a villager.
            kiosk.show_product("LY-0001")
            pump(app, lambda: kiosk.detail.detail is not None)
            kiosk._order_now(kiosk.detail.detail.card, 1)  # type: ignore[union-attr]
            kiosk.checkout.name_field.setText(NAME)
            for digit in PHONE:
                kiosk.checkout.keypad.press(digit)
            receipts: list[object] = []
            kiosk.checkout.placed.connect(receipts.append)
            kiosk.checkout.submit()
            pump(app, lambda: bool(receipts))
            shell.panel.check_button.click()
            pump(app, lambda: bool(checked))
            snap("practice-result")
            # Lesson 2 in progress: the trainee types the code they read to the villager.
            shell.panel.next_button.click()
            pump(app, lambda: len(begun) == 2)
            shell.panel.code.setText(receipts[0].placed.pickup_code)  # type: ignore[attr-defined]
            snap("practice-lesson")
            left: list[bool] = []
            mode.left.connect(lambda: left.append(True))
            shell.panel.leave_button.click()
            pump(app, lambda: bool(left), timeout_s=60)
            settle(app, window)
            window.close()
            window.deleteLater()
            app.processEvents()
        finally:
            store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "screenshots")
    parser.add_argument("--size", default="1366x768", help="window size, e.g. 1920x1080")
    parser.add_argument("--lang", action="append", choices=["zh_CN", "en"])
    parser.add_argument(
        "--only",
        choices=["read-aloud", "admin", "villager", "owner-actions", "practice"],
        help="only this group of screens (default: all)",
    )
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.lower().split("x"))
    args.out.mkdir(parents=True, exist_ok=True)
    app = make_app()
    if args.only == "practice":
        for lang in args.lang or ["zh_CN", "en"]:
            run_practice(app, lang, args.out, QSize(w, h))
        return 0
    if args.only == "owner-actions":
        for lang in args.lang or ["zh_CN", "en"]:
            run_owner_actions(app, lang, args.out, QSize(w, h))
        return 0
    with tempfile.TemporaryDirectory(prefix="kiosk-shots-") as tmp:
        store = KioskStore.open(Path(tmp))
        try:
            import_catalog_file(store, DEMO)
            with store.write() as s:
                set_center(s, "C017", "幸福村服务站")
            langs = args.lang or ["zh_CN", "en"]
            if args.only == "read-aloud":
                seed_admin(store)
                for lang in langs:
                    run_read_aloud(app, store, lang, args.out, QSize(w, h))
                return 0
            if args.only == "villager":
                for lang in langs:
                    run_language(app, store, lang, args.out, QSize(w, h))
                return 0
            if args.only == "admin":
                seed_admin(store)
                for lang in langs:
                    run_admin(app, store, lang, args.out, QSize(w, h))
                return 0
            for lang in langs:
                run_language(app, store, lang, args.out, QSize(w, h))
            seed_admin(store)
            for lang in langs:
                run_admin(app, store, lang, args.out, QSize(w, h))
            for lang in langs:
                run_read_aloud(app, store, lang, args.out, QSize(w, h))
        finally:
            store.close()
    for lang in args.lang or ["zh_CN", "en"]:
        run_owner_actions(app, lang, args.out, QSize(w, h))
    for lang in args.lang or ["zh_CN", "en"]:
        run_practice(app, lang, args.out, QSize(w, h))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Chinese on Chinese screens: the technician's Checks, Sync and Outbox tabs, the wizard's
address error, the file dialogs (Qt's own words); and the small things said plainly: a failed
sync does not show a full bar, the USB import gives its counts, the wizard says which PIN was
typed differently and that enrollment replaced the center id."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication

from kiosk.admin import Role
from kiosk.orders import Payment
from kiosk.storage.store import KioskStore
from kiosk.ui.admin.tech.sync import complete_server_url, progress_words
from tests.helpers.central_server import CentralServer, central_server  # noqa: F401
from tests.ui.admin.conftest import click, place, unlock
from tests.ui.admin.test_wizard import next_step, type_into
from tests.ui.conftest import QT_OFFSCREEN_NOISE, _write_catalog

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

LATIN_WORD = re.compile(r"[A-Za-z]{3,}")


def idle(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=30_000)


def no_english(text: str) -> bool:
    """No English word (``MB``, order numbers like C017-0001 and URLs aside)."""
    cleaned = re.sub(r"https?://\S+|[A-Z]\d{3}-\d{4}|MB", "", text)
    return LATIN_WORD.search(cleaned) is None


def test_technician_tabs_in_chinese(qtbot: Any, admin_window: Any, admin_store: KioskStore) -> None:
    placed = place(admin_store, ("LY-0001", 1), payment=Payment.ON_PICKUP)
    window = admin_window(lang="zh_CN")
    unlock(qtbot, window, Role.TECHNICIAN)
    tech = window.admin.technician
    idle(qtbot, window)
    # Checks: every heading (the third too) and every check's name in Chinese.
    table = tech.checks_tab.checks_table
    headings = [table.horizontalHeaderItem(i).text() for i in range(table.columnCount())]
    assert all(h and no_english(h) for h in headings), headings
    names = [table.item(i, 0).text() for i in range(table.rowCount())]
    assert len(names) >= 8 and all(no_english(n) for n in names), names
    assert "磁盘剩余空间" in names
    # Outbox: the kind in words with the order number, no raw text.
    box = tech.outbox_tab.outbox_table
    assert box.rowCount() >= 1, tech.message.text()
    first = box.item(0, 0).text()
    assert first == f"新订单 {placed.local_no}", first
    cells = [box.item(r, c).text() for r in range(box.rowCount()) for c in range(4)]
    assert not any("order_placed" in c for c in cells), cells
    assert all(no_english(c) for c in cells), cells
    # Sync tab: the enroll form and the progress words.
    assert tech.sync_tab.enroll_button.text() == "现在注册"
    assert no_english(tech.sync_tab.server_label.text()), tech.sync_tab.server_label.text()
    for phase, done, total in (
        ("push", 0, 3),
        ("push", 2, 3),
        ("orders", 0, None),
        ("catalog", 40, None),
        ("media", 1, 5),
        ("heartbeat", 0, None),
    ):
        words = progress_words(phase, done, total)
        assert words and no_english(words), (phase, words)
    assert progress_words("idle", 0, None) == ""  # not "idle"


def test_qt_own_dialog_words_are_chinese(qtbot: Any, admin_window: Any) -> None:
    admin_window(lang="zh_CN")
    assert QCoreApplication.translate("QFileDialog", "Look in:") == "查找范围："
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "取消"
    admin_window(lang="en")  # and back: no Chinese left on English screens
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_a_failed_sync_does_not_fill_the_bar(
    qtbot: Any,
    admin_window: Any,
    enrolled_store: KioskStore,
    central_server: CentralServer,  # noqa: F811
) -> None:
    window = admin_window(enrolled_store)
    unlock(qtbot, window, Role.TECHNICIAN)
    tech = window.admin.technician
    idle(qtbot, window)
    central_server.stop()  # the platform is down
    tech.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(tech.done, timeout=60_000):
        click(qtbot, tech.sync_tab.sync_button)
    assert tech.sync_tab.progress.maximum() == 1 and tech.sync_tab.progress.value() == 0, (
        tech.message.text()
    )
    assert tech.sync_tab.sync_words.text() == ""
    idle(qtbot, window)


def test_wizard_words(
    qtbot: Any,
    admin_window: Any,
    tmp_path: Path,
    central_server: CentralServer,  # noqa: F811
) -> None:
    store = KioskStore.open(tmp_path / "fresh")
    try:
        window = admin_window(store, lang="zh_CN")
        window.show_first_run()
        wizard = window.admin.wizard
        next_step(qtbot, wizard, "center")
        wizard.center_name.setText("服务站")
        type_into(qtbot, wizard.center_id, "C1")
        next_step(qtbot, wizard, "server")
        # A wrong address is said in Chinese.
        type_into(qtbot, wizard.server_url, "ftp://central.example.cn")
        click(qtbot, wizard.test_button)
        qtbot.waitUntil(lambda: bool(wizard.message.text()), timeout=10_000)
        idle(qtbot, window)
        words = wizard.message.text()
        assert "不是平台服务地址" in words and "is not a server address" not in words, words
        # The scheme left out: added, shown back.
        type_into(qtbot, wizard.server_url, "central.example.cn")
        wizard.enroll_code.setText("")
        click(qtbot, wizard.enroll_button)  # asks for the code; the address is completed
        assert wizard.server_url.text() == "https://central.example.cn"
        next_step(qtbot, wizard, "pins")
        # Which PIN was typed differently.
        for field, pin in (
            (wizard.owner_pin, "4826"),
            (wizard.owner_pin2, "4826"),
            (wizard.tech_pin, "9150"),
            (wizard.tech_pin2, "9151"),
        ):
            type_into(qtbot, field, pin)
        click(qtbot, wizard.next_button)
        assert "技术员密码" in wizard.message.text() and "店主" not in wizard.message.text()
        assert wizard.tech_pin.text() == "" and wizard.owner_pin.text() == "4826"
        for field, pin in ((wizard.owner_pin2, "4827"), (wizard.tech_pin, "9150")):
            type_into(qtbot, field, pin)
        type_into(qtbot, wizard.tech_pin2, "9150")
        click(qtbot, wizard.next_button)
        assert "店主密码" in wizard.message.text()
        for field, pin in ((wizard.owner_pin, "4826"), (wizard.owner_pin2, "4826")):
            type_into(qtbot, field, pin)
        type_into(qtbot, wizard.tech_pin, "9150")
        type_into(qtbot, wizard.tech_pin2, "9150")
        next_step(qtbot, wizard, "catalog")
        # The USB import gives its counts.
        catalog = _write_catalog(tmp_path / "usb")
        wizard.choose_file = lambda *_a: catalog
        with qtbot.waitSignal(wizard.imported, timeout=60_000):
            click(qtbot, wizard.import_button)
        words = wizard.import_words.text()
        assert "新增 12 个商品" in words and "图片 12 张" in words, words
        idle(qtbot, window)
    finally:
        store.close()


def test_complete_server_url() -> None:
    assert complete_server_url(" central.example.cn ") == "https://central.example.cn"
    assert complete_server_url("http://10.0.0.5:8000") == "http://10.0.0.5:8000"
    assert complete_server_url("https://c.example.cn") == "https://c.example.cn"
    assert complete_server_url("") == ""

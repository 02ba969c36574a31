"""The technician's tasks by clicks: checks, the outbox with retry and discard-with-reason,
integrity check, backup and restore, the support bundle to a chosen folder, the log viewer."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from kiosk.admin import Role
from kiosk.orders import Payment
from kiosk.storage import outbox
from kiosk.storage.models import AuditEntry, Order, OutboxEvent
from kiosk.storage.store import KioskStore
from tests.ui.admin.conftest import PHONE, click, place, unlock
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def idle(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=20_000)


def open_technician(qtbot: Any, admin_window: Any) -> tuple[Any, Any]:
    window = admin_window()
    unlock(qtbot, window, Role.TECHNICIAN)
    idle(qtbot, window)
    return window, window.admin.technician


def show_tab(qtbot: Any, tech: Any, title: str) -> None:
    """Tap a tab of the technician's screen by its title."""
    bar = tech.tabs.tabBar()
    index = [bar.tabText(i) for i in range(bar.count())].index(title)
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tech.tabs.currentIndex() == index


def state_of(store: KioskStore, event_id: str) -> str:
    with store.read() as s:
        return str(s.scalars(select(OutboxEvent.state).where(OutboxEvent.id == event_id)).one())


def test_tabs_and_rows_are_finger_sized(qtbot: Any, admin_window: Any) -> None:
    _window, tech = open_technician(qtbot, admin_window)
    bar = tech.tabs.tabBar()
    assert all(bar.tabRect(i).height() >= 56 for i in range(bar.count()))
    table = tech.checks_tab.checks_table
    assert table.rowCount() > 0
    assert all(table.rowHeight(i) >= 56 for i in range(table.rowCount()))


def test_checks_and_log(qtbot: Any, admin_window: Any) -> None:
    _window, tech = open_technician(qtbot, admin_window)
    names = [
        tech.checks_tab.checks_table.item(i, 0).text()
        for i in range(tech.checks_tab.checks_table.rowCount())
    ]
    for expected in ("Database integrity", "Free disk space", "Versions"):
        assert expected in names, names
    assert "Not enrolled yet" in tech.sync_tab.server_label.text()
    show_tab(qtbot, tech, "Sync")
    click(qtbot, tech.sync_tab.sync_button)  # not enrolled: says so, does not crash
    assert "Not enrolled" in tech.message.text()
    show_tab(qtbot, tech, "Log")
    assert (
        tech.log_tab.log_view.isVisible() and tech.log_tab.log_view.toPlainText()
    )  # the log, or "The log is empty."


def test_outbox_retry_and_discard_with_reason(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    a = place(admin_store, ("LY-0001", 1), payment=Payment.CASH)
    b = place(admin_store, ("LY-0002", 1), payment=Payment.CASH)
    with admin_store.write() as s:
        ids = {
            r.subject_id: r.id
            for r in s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "order_placed"))
        }
        outbox.record_attempt(s, [ids[a.order_id]], "central said 422")
        outbox.quarantine(s, ids[a.order_id], "unknown product LY-0001")
        outbox.quarantine(s, ids[b.order_id], "price too old")
    window, tech = open_technician(qtbot, admin_window)
    show_tab(qtbot, tech, "Outbox")
    table = tech.outbox_tab.outbox_table
    # The reason in words on the screen; the platform's English line only as the tooltip.
    rows = {table.item(i, 3).toolTip(): i for i in range(table.rowCount())}
    assert "unknown product LY-0001" in rows and table.item(rows["price too old"], 1).text() == (
        "set aside"
    )
    assert table.item(rows["price too old"], 0).text() == f"New order {b.local_no}"
    assert "price too old" not in table.item(rows["price too old"], 3).text()
    assert table.item(rows["unknown product LY-0001"], 2).text() == "1"  # attempts shown
    # Retry the first.
    table.selectRow(rows["unknown product LY-0001"])
    with qtbot.waitSignal(tech.done, timeout=10_000):
        click(qtbot, tech.outbox_tab.retry_button)
    assert state_of(admin_store, ids[a.order_id]) == outbox.PENDING
    idle(qtbot, window)
    # Discard the second: refused without a reason, done with one, audited.
    rows = {table.item(i, 3).toolTip(): i for i in range(table.rowCount())}
    table.selectRow(rows["price too old"])
    click(qtbot, tech.outbox_tab.discard_button)
    assert "why" in tech.message.text()
    assert state_of(admin_store, ids[b.order_id]) == outbox.QUARANTINED
    qtbot.keyClicks(
        tech.outbox_tab.reason_field, "villager re-ordered; platform confirmed by phone"
    )
    with qtbot.waitSignal(tech.done, timeout=10_000):
        click(qtbot, tech.outbox_tab.discard_button)
    assert state_of(admin_store, ids[b.order_id]) == "discarded"
    with admin_store.read() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "event_discarded")).all()
    assert len(audit) == 1 and audit[0].actor == "technician"
    assert "platform confirmed by phone" in (audit[0].detail or "")
    idle(qtbot, window)


def test_integrity_backup_and_restore(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    place(admin_store, ("LY-0001", 1))
    window, tech = open_technician(qtbot, admin_window)
    show_tab(qtbot, tech, "Database")
    with qtbot.waitSignal(tech.done, timeout=10_000) as said:
        click(qtbot, tech.database_tab.integrity_button)
    assert said.args[0] == "The database is intact."
    with qtbot.waitSignal(tech.done, timeout=20_000) as said:
        click(qtbot, tech.database_tab.backup_button)
    backups = list(admin_store.backup_dir.glob("kiosk-*.db"))
    assert len(backups) == 1 and "Backup written" in said.args[0]
    idle(qtbot, window)
    # An order placed after the backup; restoring brings back the state of the backup.
    place(admin_store, ("LY-0002", 1))
    tech.database_tab.choose_file = lambda *_a: backups[0]
    window.services.asker.answer = lambda *_a: True
    with qtbot.waitSignal(tech.restored, timeout=20_000) as restored:
        click(qtbot, tech.database_tab.restore_button)
    assert restored.args[0].moved_to and Path(restored.args[0].moved_to).is_dir()
    assert restored.args[0].unsent_in_replaced >= 1
    assert "Restored from" in tech.message.text()
    with admin_store.read() as s:  # the same store object reconnects to the restored file
        assert len(s.scalars(select(Order)).all()) == 1
    idle(qtbot, window)


def test_restore_can_be_called_off(
    qtbot: Any, admin_window: Any, admin_store: KioskStore, tmp_path: Path
) -> None:
    window, tech = open_technician(qtbot, admin_window)
    show_tab(qtbot, tech, "Database")
    tech.database_tab.choose_file = lambda *_a: tmp_path / "whatever.db"
    window.services.asker.answer = lambda *_a: False
    click(qtbot, tech.database_tab.restore_button)
    assert window.services.asker.asked and "whatever.db" in window.services.asker.asked[-1]
    assert admin_store.path.is_file() and not list(admin_store.data_dir.glob("replaced-*"))


def test_support_bundle_to_a_chosen_folder(
    qtbot: Any, admin_window: Any, admin_store: KioskStore, tmp_path: Path
) -> None:
    order = place(admin_store, ("LY-0001", 1))
    usb = tmp_path / "usb"
    usb.mkdir()
    window, tech = open_technician(qtbot, admin_window)
    show_tab(qtbot, tech, "Database")
    tech.database_tab.choose_folder = lambda *_a: usb
    with qtbot.waitSignal(tech.done, timeout=30_000) as said:
        click(qtbot, tech.database_tab.bundle_button)
    assert "Support bundle written" in said.args[0], said.args[0]
    [bundle] = list(usb.glob("kiosk-support-*.zip"))
    with zipfile.ZipFile(bundle) as zf:
        names = zf.namelist()
        text = "".join(zf.read(n).decode("utf-8", "replace") for n in names)
    assert "doctor.json" in names and "outbox.json" in names and "status.json" in names
    assert PHONE not in text and order.pickup_code not in text
    idle(qtbot, window)

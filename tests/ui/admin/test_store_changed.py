"""The services layer says when the store changed; the sync indicator re-reads at once.

No polling: the indicator has no timer; an order placed by clicks, or the technician putting a
set-aside change back in the queue, reaches the top bar through ``StoreSignals.changed``.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QTimer
from sqlalchemy import select

from kiosk.admin import Role
from kiosk.orders import Payment
from kiosk.storage import outbox
from kiosk.storage.models import OutboxEvent
from kiosk.storage.store import KioskStore
from tests.ui.admin.conftest import click, place, unlock
from tests.ui.conftest import NAME, PHONE, QT_OFFSCREEN_NOISE
from tests.ui.test_kiosk_flow import open_product, press_digits, search, type_with_ime

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def test_placing_an_order_updates_the_indicator_without_waiting_for_a_poll(
    qtbot: Any, make_window: Any
) -> None:
    window = make_window()
    indicator = window.indicator
    assert not indicator.findChildren(QTimer), "the indicator must not poll the outbox"
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
    assert indicator.facts.orders_waiting == 0
    changes: list[str] = []
    window.services.signals.changed.connect(changes.append)
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    click(qtbot, window.detail.order_button)
    type_with_ime(window.checkout.name_field, NAME)
    press_digits(qtbot, window.checkout.keypad, PHONE)
    with qtbot.waitSignal(window.checkout.placed, timeout=10_000):
        click(qtbot, window.checkout.confirm)
    # The files watcher (kiosk/ui/store_watch.py) may also say "store_files" for the product
    # view recorded on the way, once its writes settled (300 ms, which a loaded machine takes
    # between the taps); the order itself must come as "order_placed", at once, by itself.
    assert [c for c in changes if c != "store_files"] == ["order_placed"]
    qtbot.waitUntil(lambda: indicator.facts.orders_waiting == 1, timeout=10_000)
    assert "1 order waiting to send" in window.top.sync.text()


def test_a_retried_change_leaves_the_indicator_at_once(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    placed = place(admin_store, ("LY-0001", 1), payment=Payment.CASH)
    with admin_store.write() as s:
        event_id = s.scalars(
            select(OutboxEvent.id).where(
                OutboxEvent.kind == "order_placed", OutboxEvent.subject_id == placed.order_id
            )
        ).one()
        outbox.quarantine(s, event_id, "price too old")
    window = admin_window()
    indicator = window.indicator
    assert not indicator.findChildren(QTimer), "the indicator must not poll the outbox"
    qtbot.waitUntil(lambda: indicator.facts.quarantined == 1, timeout=10_000)
    unlock(qtbot, window, Role.TECHNICIAN)
    tech = window.admin.technician
    tech.tabs.setCurrentWidget(tech.outbox_tab.outbox_table.parentWidget())
    qtbot.waitUntil(lambda: tech.outbox_tab.outbox_table.rowCount() == 1, timeout=10_000)
    tech.outbox_tab.outbox_table.selectRow(0)
    with qtbot.waitSignal(window.services.signals.changed, timeout=10_000) as changed:
        click(qtbot, tech.outbox_tab.retry_button)
    assert changed.args == ["outbox"]
    qtbot.waitUntil(lambda: indicator.facts.quarantined == 0, timeout=10_000)
    assert indicator.facts.orders_waiting == 1

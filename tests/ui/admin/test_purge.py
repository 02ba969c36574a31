"""The technician purges old customer details from the Database tab: the count shown is the
count of real orders picked up (or otherwise finished) before the retention period, the purge
asks first, runs in the background, says how many orders it purged, and is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select, update

from kiosk.admin import Role
from kiosk.orders import OrderStatus, Payment
from kiosk.storage.models import AuditEntry, Order
from kiosk.storage.owner import check_in, confirm_pickup
from kiosk.storage.privacy import PURGED_NAME, set_retention_days
from kiosk.storage.store import KioskStore
from tests.ui.admin.conftest import PHONE, advance, click, place, unlock
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def picked_up(store: KioskStore, sku: str) -> str:
    """An order placed, shipped, checked in and handed over against its code; its id."""
    order = place(store, (sku, 1), payment=Payment.CASH)
    advance(store, order.order_id, OrderStatus.SHIPPED)
    check_in(store, order.order_id, None, "owner")
    confirm_pickup(store, order.order_id, order.pickup_code, None, "owner")
    return order.order_id


def age(store: KioskStore, order_ids: list[str], days: int) -> None:
    """Make the orders' last change ``days`` days old (as if they finished back then)."""
    then = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="milliseconds")
    with store.write() as s:
        s.execute(update(Order).where(Order.id.in_(order_ids)).values(updated_at=then))


def customer(store: KioskStore, order_id: str) -> tuple[str, str]:
    with store.read() as s:
        o = s.get(Order, order_id)
        assert o is not None
        return o.customer_name, o.customer_phone


def open_database_tab(qtbot: Any, window: Any) -> Any:
    unlock(qtbot, window, Role.TECHNICIAN)
    tech = window.admin.technician
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=20_000)
    bar = tech.tabs.tabBar()
    index = [bar.tabText(i) for i in range(bar.count())].index("Database")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tech.database_tab.purge_button.isVisible()
    return tech


def test_purge_counts_asks_and_purges_only_old_finished_orders(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    old_a, old_b = picked_up(admin_store, "LY-0001"), picked_up(admin_store, "LY-0002")
    recent = picked_up(admin_store, "LY-0003")
    waiting = place(admin_store, ("LY-0004", 1)).order_id  # old, but not finished: kept
    age(admin_store, [old_a, old_b, waiting], days=31)
    age(admin_store, [recent], days=29)

    window = admin_window()
    tech = open_database_tab(qtbot, window)
    assert tech.database_tab.purge_words.text() == (
        "Customer details: 2 orders finished more than 30 days ago still show the villager's "
        "name and phone number."
    )
    questions: list[str] = []

    def answer(_parent: Any, question: str, yes: str, _no: str) -> bool:
        questions.append(question)
        return len(questions) > 1  # "Cancel" the first time, "Purge" the second

    window.services.asker.answer = answer
    click(qtbot, tech.database_tab.purge_button)
    assert questions == [
        "Remove the villagers' names and phone numbers from 2 orders finished more than 30 days "
        "ago? This cannot be undone."
    ]
    assert customer(admin_store, old_a)[1] == PHONE  # called off: nothing purged

    with qtbot.waitSignal(tech.done, timeout=20_000) as outcome:
        click(qtbot, tech.database_tab.purge_button)
    assert outcome.args[0] == "Removed the villagers' names and phone numbers from 2 orders."
    for order_id in (old_a, old_b):
        assert customer(admin_store, order_id) == (PURGED_NAME, "")
    for order_id in (recent, waiting):
        assert customer(admin_store, order_id)[1] == PHONE
    with admin_store.read() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert last is not None
        assert (last.actor, last.action) == ("technician", "privacy_purge")
        assert last.detail.startswith("2 orders")
    qtbot.waitUntil(
        lambda: tech.database_tab.purge_words.text().startswith("Customer details: 0 orders")
    )

    # Nothing left to purge: the kiosk says so without asking.
    click(qtbot, tech.database_tab.purge_button)
    assert len(questions) == 2
    assert tech.message.text() == "No finished order is older than 30 days: nothing to purge."
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)


def test_purge_follows_the_configured_retention(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    order = picked_up(admin_store, "LY-0001")
    age(admin_store, [order], days=10)
    set_retention_days(admin_store, 7, "technician")
    window = admin_window()
    tech = open_database_tab(qtbot, window)
    assert tech.database_tab.purge_words.text().startswith(
        "Customer details: 1 order finished more than 7 days ago still shows"
    )
    window.services.asker.answer = lambda *_a: True
    with qtbot.waitSignal(tech.done, timeout=20_000) as outcome:
        click(qtbot, tech.database_tab.purge_button)
    assert outcome.args[0] == "Removed the villager's name and phone number from 1 order."
    assert customer(admin_store, order) == (PURGED_NAME, "")
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)

"""Each tab of the technician screen built on its own, on the real store and a real runner (no
kiosk window around it), and the screen that holds them showing what any tab said."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from kiosk.admin import Role
from kiosk.storage import outbox
from kiosk.storage.models import OutboxEvent
from kiosk.storage.store import KioskStore
from kiosk.ui.admin.tech.checks import ChecksTab
from kiosk.ui.admin.tech.database import DatabaseTab
from kiosk.ui.admin.tech.log import LogTab
from kiosk.ui.admin.tech.outbox import OutboxTab
from kiosk.ui.admin.tech.pins import PinsTab
from kiosk.ui.admin.tech.sync import SyncTab
from kiosk.ui.admin.technician import TechnicianScreen
from kiosk.ui.app import make_app
from tests.ui.admin.conftest import place
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def row(table: Any, i: int) -> list[str]:
    return [table.item(i, j).text() for j in range(table.columnCount())]


def test_outbox_tab_alone_lists_a_real_queued_event_and_retries_it(
    qtbot: Any, services: Any, admin_store: KioskStore
) -> None:
    placed = place(admin_store, ("LY-0001", 1))
    tab = OutboxTab(services)
    qtbot.addWidget(tab)
    tab.load_outbox()
    qtbot.waitUntil(lambda: tab.outbox_table.rowCount() == 1, timeout=10_000)
    assert row(tab.outbox_table, 0) == [f"New order {placed.local_no}", "waiting to send", "0", ""]
    assert [e.kind for e in tab.events] == ["order_placed"]

    with admin_store.write() as s:
        event_id = s.scalars(select(OutboxEvent.id)).one()
        outbox.quarantine(s, event_id, "price too old")
    tab.load_outbox()
    qtbot.waitUntil(lambda: tab.outbox_table.item(0, 1).text() == "set aside", timeout=10_000)
    changes: list[str] = []
    services.signals.changed.connect(changes.append)
    tab.outbox_table.selectRow(0)
    with qtbot.waitSignal(tab.said, timeout=10_000) as said:
        tab.retry_selected()
    assert said.args == ["The change will be sent again.", True]
    assert changes == ["outbox"]  # a write the rest of the kiosk hears about
    qtbot.waitUntil(lambda: tab.outbox_table.item(0, 1).text() == "waiting to send")


def test_checks_tab_alone_runs_the_doctor(qtbot: Any, services: Any) -> None:
    tab = ChecksTab(services)
    qtbot.addWidget(tab)
    tab.run_checks()
    qtbot.waitUntil(lambda: tab.report is not None, timeout=20_000)
    assert tab.report is not None
    qtbot.waitUntil(lambda: tab.checks_table.rowCount() == len(tab.report.checks))
    names = [tab.checks_table.item(i, 0).text() for i in range(tab.checks_table.rowCount())]
    assert "Database integrity" in names and "Free disk space" in names


def test_sync_tab_alone_says_it_is_not_enrolled(qtbot: Any, services: Any) -> None:
    tab = SyncTab(services)
    qtbot.addWidget(tab)
    tab.show_server()
    assert tab.server_label.text().startswith("Not enrolled yet")
    with qtbot.waitSignal(tab.said, timeout=5_000) as said:
        tab.sync_now()
    assert said.args == ["Not enrolled yet: nothing to sync with.", False]
    assert tab.sync_button.isEnabled()


def test_database_tab_alone_checks_the_file_and_counts_the_purge(qtbot: Any, services: Any) -> None:
    tab = DatabaseTab(services)
    qtbot.addWidget(tab)
    with qtbot.waitSignal(tab.said, timeout=10_000) as said:
        tab.check_database()
    assert said.args == ["The database is intact.", True]
    tab.load_purge_preview()
    qtbot.waitUntil(lambda: tab.purge_preview is not None, timeout=10_000)
    assert tab.purge_words.text() == (
        "Customer details: 0 orders finished more than 30 days ago still show the villager's "
        "name and phone number."
    )


def test_log_and_pins_tabs_alone(qtbot: Any, services: Any) -> None:
    log = LogTab(services)
    qtbot.addWidget(log)
    log.load_log()
    qtbot.waitUntil(lambda: log.log_view.toPlainText() != "", timeout=10_000)
    pins = PinsTab(services)
    qtbot.addWidget(pins)
    assert pins.my_pin_button.isChecked() and pins.pin_form.role is Role.TECHNICIAN
    pins.reset_owner_pin()
    assert pins.owner_pin_button.isChecked() and not pins.my_pin_button.isChecked()


def test_a_tab_alone_speaks_chinese(qtbot: Any, services: Any, admin_store: KioskStore) -> None:
    """The moved words kept their Chinese under the tab's own translation context."""
    place(admin_store, ("LY-0001", 1))
    make_app(lang="zh_CN")
    try:
        tab = OutboxTab(services)
        qtbot.addWidget(tab)
        headers = [tab.outbox_table.horizontalHeaderItem(j).text() for j in range(2)]
        assert headers == ["变更", "状态"]
        tab.load_outbox()
        qtbot.waitUntil(lambda: tab.outbox_table.rowCount() == 1, timeout=10_000)
        assert tab.outbox_table.item(0, 1).text() == "待发送"
    finally:
        make_app(lang="en")


def test_the_screen_holds_the_tabs_and_shows_what_any_tab_said(qtbot: Any, services: Any) -> None:
    tech = TechnicianScreen(services)
    qtbot.addWidget(tech)
    tabs = [tech.tabs.widget(i) for i in range(tech.tabs.count())]
    assert tabs == [
        tech.checks_tab,
        tech.sync_tab,
        tech.outbox_tab,
        tech.database_tab,
        tech.log_tab,
        tech.pins_tab,
    ]
    with qtbot.waitSignal(tech.done, timeout=5_000) as done:
        tech.sync_tab.sync_now()
    assert done.args == ["Not enrolled yet: nothing to sync with."]
    assert tech.message.text() == done.args[0]
    assert "bold" in tech.message.styleSheet()  # a refusal is shown as one
    with qtbot.waitSignal(tech.done, timeout=10_000) as done:
        tech.database_tab.check_database()
    assert tech.message.text() == "The database is intact." and tech.message.styleSheet() == ""

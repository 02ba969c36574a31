"""The technician's sync tab shows the data used on the wire today and this month, and sets
the daily data budget (docs/sync-engine.md, "Metered link"), through the real store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from kiosk.admin import Role
from kiosk.storage.data_usage import add_usage, data_usage
from kiosk.storage.models import AuditEntry
from kiosk.storage.store import KioskStore
from kiosk.ui.admin.tech.data_usage import DataUsagePanel
from tests.ui.admin.conftest import click, unlock
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def _today() -> Any:
    return datetime.now().astimezone().date()


def open_sync_tab(qtbot: Any, window: Any) -> DataUsagePanel:
    unlock(qtbot, window, Role.TECHNICIAN)
    tech = window.admin.technician
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=20_000)
    bar = tech.tabs.tabBar()
    names = [bar.tabText(i) for i in range(bar.count())]
    index = names.index("同步") if "同步" in names else names.index("Sync")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    panel = tech.findChild(DataUsagePanel)
    assert panel is not None and panel.isVisible()
    qtbot.waitUntil(lambda: panel.usage is not None, timeout=20_000)
    return panel


def test_bytes_today_and_this_month_and_the_budget_set_from_the_tab(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    add_usage(admin_store, _today(), 2_500_000)
    window = admin_window()
    panel = open_sync_tab(qtbot, window)
    assert panel.used_label.text() == "Data used today: 2.5 MB · this month: 2.5 MB"
    assert panel.note.text() == "No daily data budget: pictures download when needed."

    panel.budget_field.clear()
    qtbot.keyClicks(panel.budget_field, "30")
    with qtbot.waitSignal(panel.saved, timeout=20_000) as saved:
        click(qtbot, panel.save_button)
    assert saved.args == [30_000_000]
    assert data_usage(admin_store, _today()).daily_budget_bytes == 30_000_000
    qtbot.waitUntil(lambda: panel.note.text() == "Daily data budget: 30.0 MB", timeout=20_000)
    assert window.admin.technician.message.text() == "Daily data budget saved: 30.0 MB"
    with admin_store.read() as s:
        audit = s.scalars(select(AuditEntry).where(AuditEntry.action == "data_budget_set")).all()
    assert [(a.actor, a.detail) for a in audit] == [("technician", "30000000 bytes")]

    add_usage(admin_store, _today(), 28_000_000)  # the sync spends the rest of the day's budget
    panel.load()
    qtbot.waitUntil(lambda: "used up" in panel.note.text(), timeout=20_000)
    assert panel.used_label.text() == "Data used today: 30.5 MB · this month: 30.5 MB"


def test_the_tab_speaks_chinese(qtbot: Any, admin_window: Any, admin_store: KioskStore) -> None:
    add_usage(admin_store, _today(), 1_000_000)
    window = admin_window(lang="zh_CN")
    panel = open_sync_tab(qtbot, window)
    assert panel.used_label.text() == "今日已用流量：1.0 MB · 本月：1.0 MB"
    assert panel.save_button.text() == "保存上限"

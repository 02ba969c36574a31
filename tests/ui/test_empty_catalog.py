"""A kiosk with no catalog yet says so on its home screen, and the home screen fills itself once
the real sync engine brings the catalog from the real central service (docs/ui.md)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from kiosk.storage.store import KioskStore
from kiosk.sync.factory import enroll
from kiosk.ui.app import build_window, make_app
from kiosk.ui.bridge import SyncBridge
from kiosk.ui.sync_control import start_sync, stop_sync
from kiosk.ui.window import KioskWindow
from tests.conftest import DEMO_CATALOG
from tests.helpers.central_server import (
    CentralServer,
    central_server,  # noqa: F401  (the fixture)
)
from tests.helpers.fake_keyring import MemoryKeyring
from tests.ui.conftest import QT_OFFSCREEN_NOISE
from tests.ui.test_sync_wiring import device_keyring  # noqa: F401  (the fixture)

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def _close(qtbot: Any, window: KioskWindow) -> None:
    runner = window.services.runner
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    window.close()
    window.deleteLater()


def test_empty_store_says_the_catalog_is_not_here_yet_in_chinese(
    qtbot: Any, tmp_path: Path
) -> None:
    with KioskStore.open(tmp_path / "kiosk") as store:
        make_app(lang="zh_CN")
        window = build_window(store, lang="zh_CN")
        window.resize(1366, 768)
        window.show()
        try:
            qtbot.waitUntil(lambda: window.home.empty_note.isVisible(), timeout=10_000)
            words = window.home.empty_note.text()
            assert "商品" in words and "U盘" in words
            # No English word on the Chinese screen ("U盘" is how villagers say USB stick).
            assert re.search(r"[A-Za-z]{2,}", words) is None, words
            assert not window.home.featured_title.isVisible()
        finally:
            _close(qtbot, window)


def test_home_fills_itself_when_the_first_sync_brings_the_catalog(
    qtbot: Any,
    tmp_path: Path,
    central_server: CentralServer,  # noqa: F811
    device_keyring: MemoryKeyring,  # noqa: F811  (the imported fixture)
) -> None:
    central_server.import_catalog(DEMO_CATALOG)
    with KioskStore.open(tmp_path / "kiosk") as store:
        enroll(store, central_server.url, central_server.enroll_code("C017", "王家村服务站"))
        make_app(lang="en")
        bridge = SyncBridge()
        window = build_window(store, lang="en", bridge=bridge)
        window.resize(1366, 768)
        window.show()
        try:
            qtbot.waitUntil(lambda: window.home.empty_note.isVisible(), timeout=10_000)
            assert window.home.category_names() == []
            monitor = start_sync(store, bridge)
            assert monitor is not None
            try:
                # Nobody touches the screen: the sync's summary alone refreshes the home screen.
                qtbot.waitUntil(lambda: len(window.home.category_names()) > 0, timeout=60_000)
            finally:
                assert stop_sync(monitor)
            assert not window.home.empty_note.isVisible()
            assert window.home.featured_title.isVisible()
            assert window.home.model.rowCount() > 0
        finally:
            _close(qtbot, window)

"""The GUI's start: a search index from another key format is rebuilt after the first paint,
in the background, not before the window shows (a rebuild of a large catalog takes seconds)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from kiosk.search_keys import KEYS_VERSION
from kiosk.storage.recovery import open_or_recover
from kiosk.storage.search import search_products
from kiosk.storage.settings import SEARCH_KEYS_VERSION
from kiosk.storage.store import KioskStore
from kiosk.ui import app as app_module


def _make_stale(store: KioskStore) -> None:
    """What a store indexed by an older release looks like to this one."""
    with store.write() as s:
        s.execute(text("DELETE FROM product_search"))
        store.set_setting(s, SEARCH_KEYS_VERSION, str(KEYS_VERSION - 1))


def _rice(store: KioskStore) -> set[str]:
    with store.read() as s:
        return {h.sku for h in search_products(s, "大米")}


def test_the_gui_opens_without_rebuilding(template_data_dir: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(template_data_dir, data)
    with KioskStore.open(data) as store:
        _make_stale(store)
    store, report = open_or_recover(data, refresh_search=False)  # what run_gui does
    try:
        assert report is None
        assert not store.search_keys_current()
        assert _rice(store) == set()
    finally:
        store.close()


def test_store_care_rebuilds_a_stale_index_in_the_background(
    qtbot: Any, make_window: Any, kiosk_store: KioskStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _make_stale(kiosk_store)
    assert _rice(kiosk_store) == set()
    monkeypatch.setattr(app_module, "STORE_CARE_DELAY_MS", 0)
    window = make_window()
    timer = app_module.start_store_care(window, None)
    qtbot.waitUntil(kiosk_store.search_keys_current, timeout=20_000)
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=20_000)
    assert _rice(kiosk_store) == {"LY-0001"}
    timer.stop()


def test_rebuild_in_chunks_covers_every_product(kiosk_store: KioskStore) -> None:
    _make_stale(kiosk_store)
    with kiosk_store.read() as s:
        active = s.execute(text("SELECT count(*) FROM products WHERE active = 1")).scalar_one()
    assert active > 5
    assert kiosk_store.refresh_search_keys(chunk=5) == active
    with kiosk_store.read() as s:
        indexed = s.execute(text("SELECT count(*) FROM product_search")).scalar_one()
    assert indexed == active
    assert kiosk_store.search_keys_current()
    assert kiosk_store.refresh_search_keys(chunk=5) == 0  # up to date: nothing to do


def test_the_top_bar_says_so_while_the_index_is_rebuilt(
    qtbot: Any,
    make_window: Any,
    kiosk_store: KioskStore,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> None:
    from kiosk.ui.app import make_app

    _make_stale(kiosk_store)
    monkeypatch.setattr(app_module, "STORE_CARE_DELAY_MS", 0)
    window = make_window(lang="zh_CN")
    request.addfinalizer(lambda: make_app(lang="en"))
    note = window.top.note
    assert not note.isVisible()
    # Hold the write lock (as an order being placed would): the rebuild waits for it, so the
    # note is seen while the rebuild is under way, however fast this machine is.
    with kiosk_store.write() as s:
        s.execute(text("SELECT 1"))
        timer = app_module.start_store_care(window, None)
        qtbot.waitUntil(note.isVisible, timeout=10_000)
        assert "商品目录" in note.text() and "搜索" in note.text(), note.text()
        assert not kiosk_store.search_keys_current()
    qtbot.waitUntil(lambda: not note.isVisible(), timeout=20_000)
    assert kiosk_store.search_keys_current()
    assert _rice(kiosk_store) == {"LY-0001"}
    timer.stop()
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=20_000)

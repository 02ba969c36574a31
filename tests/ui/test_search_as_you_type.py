"""Search as you type without a debounce: keys typed while a search runs are coalesced into one
search of the newest text, and an answer that is already old is never shown. Real window, real
store."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtTest import QTest

from kiosk.ui.screens import browse
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def test_keys_typed_during_a_search_become_one_search_of_the_newest_text(
    qtbot: Any, make_window: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = make_window()
    runner = window.services.runner
    searched: list[str] = []
    real = browse.search_products

    def recording(s: Any, query: str, **kw: Any) -> Any:
        searched.append(query)  # on the worker; read only once the runner is idle
        return real(s, query, **kw)

    monkeypatch.setattr(browse, "search_products", recording)
    shown: list[str] = []
    window.search.results_shown.connect(lambda query, _n: shown.append(query))
    window.show_search("")
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    shown.clear()

    # All six keys arrive before the event loop runs again, as from a barcode scanner: the first
    # key's search starts at once, the other five wait for it.
    QTest.keyClicks(window.search.box, "xiyiji")
    qtbot.waitUntil(lambda: "xiyiji" in shown, timeout=10_000)
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)

    assert searched == ["x", "xiyiji"]
    assert shown == ["xiyiji"]  # the answer for "x" came back after newer keys: not shown
    assert window.search.model.rowCount() >= 2


def test_a_keystroke_fetches_one_page_and_scrolling_fetches_the_rest(
    qtbot: Any, tmp_path: Any
) -> None:
    """A broad query shows its first page at once and says there are more; scrolling to the end
    appends the rest in the search's own order, up to the limit, without repeats."""
    from kiosk.storage.catalog import import_catalog_file
    from kiosk.storage.search import search_products
    from kiosk.storage.store import KioskStore
    from kiosk.synthetic import generate_catalog, write_catalog_jsonl
    from kiosk.ui.app import build_window, make_app

    catalog = tmp_path / "catalog.jsonl"
    write_catalog_jsonl(generate_catalog(2_000, seed=7), catalog)
    store = KioskStore.open(tmp_path / "kiosk")
    import_catalog_file(store, catalog)
    query = "d"
    with store.read() as s:
        expected = [h.sku for h in search_products(s, query, limit=browse.SEARCH_LIMIT)]
    assert len(expected) == browse.SEARCH_LIMIT  # broad enough to need every page
    make_app(lang="en")
    window = build_window(store, lang="en", connected=False)
    window.resize(1366, 768)
    window.show()
    try:
        screen = window.search
        with qtbot.waitSignal(screen.results_shown, timeout=10_000) as shown:
            window.show_search(query)
        assert shown.args == [query, browse.SEARCH_PAGE]
        assert screen.model.rowCount() == browse.SEARCH_PAGE
        assert screen.status.text() == f"More than {browse.SEARCH_PAGE} products found"
        # Scroll to the end until nothing more comes.
        for _ in range(20):
            before = screen.model.rowCount()
            screen.grid.scrollToBottom()
            qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
            if screen.model.rowCount() == before:
                break
        rows = [screen.model.card(i).sku for i in range(screen.model.rowCount())]
        assert rows == expected
        assert screen.status.text() == f"{browse.SEARCH_LIMIT} products found"
    finally:
        qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
        window.close()
        window.deleteLater()
        store.close()

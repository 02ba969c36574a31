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

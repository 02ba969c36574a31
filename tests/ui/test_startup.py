"""What the kiosk loads before its first paint: only the home screen and what it needs.

The start-up budget (docs/benchmarks.md: first painted home screen within 5 × a bare PySide6
window) holds
only while heavy modules stay off that path; these tests name the ones that crept in before.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

#: Modules the first paint must not wait for (each cost 20–500 ms there once).
NOT_AT_START = (
    "pypinyin",  # only indexing needs pinyin (~0.3 s to load its dictionaries)
    "alembic",  # migrations run through kiosk.storage.migrate, not the GUI's imports
    "httpx",  # sync starts after the first paint
    "keyring",
    "pydantic",  # the wire schema and catalog importer: placing an order, syncing
    "kiosk.sync",
    "kiosk.storage.catalog",
    "kiosk.ui.admin",
    "kiosk.ui.screens.browse",
    "kiosk.ui.screens.checkout",
    "kiosk.speech",  # read aloud loads its engine and cn2an on the first reading
    "cn2an",
)

_PROBE = """
import json, sys
from kiosk.cli.gui import preload_storage
preload_storage()
import kiosk.ui.app
print(json.dumps(sorted(sys.modules)))
"""


def test_gui_start_imports_nothing_the_home_screen_does_not_need() -> None:
    # A fresh interpreter: this test process has imported everything already.
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(json.loads(out.stdout))
    early = sorted(
        name for name in NOT_AT_START if any(m == name or m.startswith(name + ".") for m in loaded)
    )
    assert early == [], f"imported before the first paint: {early}"
    # And the order that makes start-up faster: storage before Qt.
    assert "sqlalchemy.orm" in loaded and "PySide6.QtWidgets" in loaded


def test_window_builds_other_screens_on_first_use(
    qtbot: Any, make_window: Callable[..., Any]
) -> None:
    window = make_window()
    lazy = window.LAZY_SCREENS
    assert not [name for name in lazy if name in window.__dict__]
    assert window.stack.count() == 1
    # An idle reset on a kiosk nobody touched builds nothing and stays home.
    with qtbot.waitSignal(window.reset_done, timeout=5_000):
        window.reset_session()
    assert not [name for name in lazy if name in window.__dict__]
    assert window.current() is window.home
    # First use builds exactly that screen, once.
    window.show_search("dami")
    assert window.current() is window.search
    assert window.search is window.search
    assert [name for name in lazy if name in window.__dict__] == ["search"]


def test_prebuild_builds_every_screen_in_idle_time(
    qtbot: Any, make_window: Callable[..., Any]
) -> None:
    window = make_window()
    window.prebuild_screens()
    qtbot.waitUntil(lambda: all(name in window.__dict__ for name in window.LAZY_SCREENS))
    assert window.stack.count() == 1 + len(window.LAZY_SCREENS)
    assert window.current() is window.home
    assert not window.in_admin_mode()

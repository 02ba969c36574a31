"""What the kiosk loads before its first paint: only the home screen and what it needs.

The start-up budget (docs/benchmarks.md: first painted home screen within 5 × a bare PySide6
window) holds
only while heavy modules stay off that path; these tests name the ones that crept in before.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
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

#: What a kiosk whose store is ready imports before its first paint (kiosk.cli.gui.cmd_gui).
_FAST_PROBE = """
import json, sys
from kiosk.storage.first_paint import read_first_paint
import kiosk.ui.app, kiosk.ui.screens.home, kiosk.storage.media_files
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


def test_a_ready_store_paints_without_sqlalchemy() -> None:
    """The first-paint path (kiosk.storage.first_paint) must not pull SQLAlchemy back in."""
    out = subprocess.run(
        [sys.executable, "-c", _FAST_PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    loaded = set(json.loads(out.stdout))
    assert "PySide6.QtWidgets" in loaded and "kiosk.ui.window" in loaded
    assert not [m for m in loaded if m == "sqlalchemy" or m.startswith("kiosk.storage.models")]


def _painted(data_dir: Path) -> str:
    """``kiosk gui`` on ``data_dir`` until its first paint: the benchmark hook's line."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "KIOSK_REPORT_READY": "exit"}
    cmd = [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "gui", "--windowed"]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("KIOSK_READY")]
    assert len(lines) == 1, out.stdout
    return lines[0]


def test_the_kiosk_paints_home_before_opening_a_ready_store(
    template_data_dir: Path, tmp_path: Path
) -> None:
    ready = tmp_path / "ready"
    shutil.copytree(template_data_dir, ready)
    assert _painted(ready).endswith(" sqlalchemy=0")
    # The control: a new kiosk has no store to read, so it opens (creates) it first.
    assert _painted(tmp_path / "new").endswith(" sqlalchemy=1")


def test_a_window_painted_from_the_first_read_opens_its_store_after(
    qtbot: Any, template_data_dir: Path, tmp_path: Path
) -> None:
    from kiosk.storage.cards import HOME_FEATURED
    from kiosk.storage.first_paint import DeferredStore, read_first_paint
    from kiosk.storage.settings import LAST_ERROR_CODE, SERVER_URL
    from kiosk.storage.store import KioskStore
    from kiosk.ui.app import build_window, make_app

    data = tmp_path / "kiosk"
    shutil.copytree(template_data_dir, data)
    with KioskStore.open(data) as store, store.write() as s:
        # A problem the last sync stored: the top bar says it once the store is read.
        KioskStore.set_setting(s, SERVER_URL, "https://central.example")
        KioskStore.set_setting(s, LAST_ERROR_CODE, "tls_untrusted")
    first = read_first_paint(data, HOME_FEATURED)
    assert first is not None
    deferred = DeferredStore(data, lambda: KioskStore.open(data, refresh_search=False))
    make_app(lang="zh_CN")
    window = build_window(
        deferred,  # type: ignore[arg-type]
        lang="zh_CN",
        first=first,
    )
    try:
        window.resize(1366, 768)
        window.show()
        qtbot.waitExposed(window)
        # Painted from the read: the tiles and products are there, the store is not open.
        assert window.home.shown_once
        assert window.home.category_names() == [t.name for t in first.tiles]
        assert window.home.model.rowCount() == len(first.featured) > 0
        assert window.top.center.text() == "幸福村服务站"
        assert not deferred.opened
        problem = window.indicator.problem_words("tls_untrusted")
        assert problem and problem not in window.top.sync.text()
        # Opened after the paint: the window's own reads follow (the sync line's stored problem).
        deferred.open()
        with qtbot.waitSignal(window.indicator.changed, timeout=10_000):
            window.store_opened()
        assert problem in window.top.sync.text()
        # And the kiosk works as usual on it: a search.
        window.show_search("dami")
        qtbot.waitUntil(lambda: window.search.model.rowCount() > 0, timeout=10_000)
    finally:
        runner = window.services.runner
        qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
        window.close()
        window.deleteLater()
        deferred.close()


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

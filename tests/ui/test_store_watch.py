"""A `kiosk` command run beside the open kiosk shows up on the kiosk's screen: the technician
places an order with the real command line on the same database, and the top bar's count of
orders waiting to send follows without anyone touching the kiosk (kiosk/ui/store_watch.py)."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from kiosk.ui.app import build_window, make_app
from kiosk.ui.store_watch import StoreWatch
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def _cli_order(data_dir: Any) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "orders", "place",
         "--name", "李四", "--phone", "13900001111", "--item", "LY-0001:1", "--json"],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    return done.stdout


def test_an_order_placed_by_the_cli_reaches_the_open_kiosks_top_bar(
    qtbot: Any, kiosk_store: Any
) -> None:
    make_app(lang="en")
    window = build_window(kiosk_store, lang="en", connected=True)
    window.show()
    try:
        top = window.top.sync
        qtbot.waitUntil(lambda: "All orders sent" in top.text(), timeout=10_000)
        assert '"local_no"' in _cli_order(kiosk_store.data_dir)
        qtbot.waitUntil(lambda: "1 order waiting to send" in top.text(), timeout=10_000)
        _cli_order(kiosk_store.data_dir)
        qtbot.waitUntil(lambda: "2 orders waiting to send" in top.text(), timeout=10_000)
    finally:
        runner = window.services.runner
        qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
        window.close()
        window.deleteLater()


def test_the_watch_follows_a_write_ahead_log_made_after_it_started(
    qtbot: Any, tmp_path: Any
) -> None:
    db = tmp_path / "kiosk.db"
    db.write_bytes(b"")
    watch = StoreWatch(db)
    assert watch.watched() == [str(db)]
    with qtbot.waitSignal(watch.changed, timeout=5_000):
        (tmp_path / "kiosk.db-wal").write_bytes(b"x")
    assert sorted(watch.watched()) == sorted([str(db), f"{db}-wal"])
    wal = tmp_path / "kiosk.db-wal"
    with qtbot.waitSignal(watch.changed, timeout=5_000), wal.open("ab") as f:
        f.write(b"y")

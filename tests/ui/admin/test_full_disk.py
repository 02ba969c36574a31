"""A really full disk (a small tmpfs filled to the last block), not a simulated one.

- ``kiosk orders place`` prints one line (the disk is full, nothing was saved, what to do), no
  traceback, exits non-zero; nothing half-written, and the order is placed once space is freed.
- The villager's checkout says it in the screen's language.
- The owner sees the low-disk warning before it happens.

Mounting a tmpfs needs root (or CAP_SYS_ADMIN); elsewhere these tests skip and say why.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton

from kiosk.admin import Role
from kiosk.storage.backup import integrity_check
from kiosk.storage.diskspace import DISK_FULL_LINE, disk_space
from kiosk.storage.store import KioskStore
from tests.ui.admin.conftest import click, unlock
from tests.ui.conftest import NAME, PHONE, QT_OFFSCREEN_NOISE
from tests.ui.test_kiosk_flow import open_product, press_digits, search, type_with_ime

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

REPO_ROOT = Path(__file__).resolve().parents[3]
DISK_MB = 16


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A fresh 16 MB tmpfs mounted for this test (unmounted after)."""
    where = tmp_path / f"disk-{uuid.uuid4().hex[:8]}"
    where.mkdir()
    try:
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(where)],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.skip(f"cannot mount a small tmpfs for a real full disk: {exc}")
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs for a real full disk: {done.stderr.strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, timeout=30)


@pytest.fixture
def store_on_small_disk(small_disk: Path, pinned_template: Path) -> Path:
    """The pinned UI store (catalog, PINs) copied onto the small disk; not opened."""
    data = small_disk / "kiosk-data"
    shutil.copytree(pinned_template, data)
    return data


def fill(disk: Path) -> Path:
    """Write a file until the disk refuses another byte; the file (delete it to free space)."""
    path = disk / "filler.bin"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        for size in (1 << 20, 1 << 12, 1):
            with contextlib.suppress(OSError):
                while True:
                    os.write(fd, b"\0" * size)
    finally:
        os.close(fd)
    with pytest.raises(OSError) as refused:
        (disk / "one-more").write_bytes(b"x" * 4096)
    assert refused.value.errno == errno.ENOSPC
    return path


def orders_in(data: Path) -> int:
    with KioskStore.open(data) as store, store.read() as s:
        from sqlalchemy import func, select

        from kiosk.storage.models import Order

        return int(s.scalar(select(func.count()).select_from(Order)) or 0)


def place_by_cli(data: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "kiosk",
            "--data-dir",
            str(data),
            "orders",
            "place",
            "--name",
            NAME,
            "--phone",
            PHONE,
            "--item",
            "LY-0001:1",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("kiosk_running", [True, False], ids=["beside-the-kiosk", "alone"])
def test_orders_place_on_a_full_disk_prints_one_line(
    store_on_small_disk: Path, small_disk: Path, kiosk_running: bool
) -> None:
    data = store_on_small_disk
    with contextlib.ExitStack() as stack:
        if kiosk_running:  # the GUI holds the store open (its WAL and shared memory exist)
            store = stack.enter_context(KioskStore.open(data))
            with store.read():
                pass
        filler = fill(small_disk)
        done = place_by_cli(data)
        assert done.returncode != 0
        lines = done.stderr.strip().splitlines()
        assert lines == [f"kiosk: {DISK_FULL_LINE}"], done.stderr
        assert "Traceback" not in done.stderr and done.stdout == ""
        filler.unlink()  # the technician freed space
    assert integrity_check(data / "kiosk.db") == "ok"
    assert orders_in(data) == 0  # nothing half-saved, nothing acknowledged
    again = place_by_cli(data)
    assert again.returncode == 0, again.stderr
    assert orders_in(data) == 1


def test_checkout_on_a_full_disk_says_so_in_chinese(
    qtbot: Any, admin_window: Any, store_on_small_disk: Path, small_disk: Path
) -> None:
    store = KioskStore.open(store_on_small_disk)
    try:
        window = admin_window(store, lang="zh_CN")
        search(qtbot, window, "huashengyou")
        open_product(qtbot, window, window.search.grid, 0)
        click(qtbot, window.detail.add_button)
        click(qtbot, window.top.cart)
        checkout = window.checkout
        type_with_ime(checkout.name_field, NAME)
        press_digits(qtbot, checkout.keypad, PHONE)
        filler = fill(small_disk)
        click(qtbot, checkout.confirm)
        qtbot.waitUntil(lambda: bool(checkout.error.text()), timeout=30_000)
        words = checkout.error.text()
        assert "磁盘" in words and "没有保存" in words, words
        assert not any(c.isascii() and c.isalpha() for c in words), words
        assert window.current() is checkout  # no receipt, no pickup code
        assert window.cart.cart.item_count == 1  # the villager can try again
        filler.unlink()
        qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
    finally:
        store.close()
    assert integrity_check(store_on_small_disk / "kiosk.db") == "ok"
    assert orders_in(store_on_small_disk) == 0


def test_the_owner_sees_the_low_disk_warning_before_it_is_full(
    qtbot: Any, admin_window: Any, store_on_small_disk: Path
) -> None:
    store = KioskStore.open(store_on_small_disk)
    try:
        space = disk_space(store_on_small_disk)
        assert space is not None and space.low  # 16 MB: far below the threshold, not full
        window = admin_window(store, lang="zh_CN")
        area = window.admin
        assert not area.disk_warning.isVisible()
        unlock(qtbot, window, Role.OWNER)
        qtbot.waitUntil(area.disk_warning.isVisible, timeout=10_000)
        words = area.disk_warning.text()
        assert "MB" in words and "磁盘" in words, words
        # Locking hides it; the PIN screen is for anyone to see.
        click(qtbot, window.admin.owner.lock_button)
        assert not area.disk_warning.isVisible()
        qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
    finally:
        store.close()


def test_no_warning_with_room_to_spare(qtbot: Any, admin_window: Any) -> None:
    window = admin_window()
    window.admin.low_disk_bytes = 0  # whatever this disk has is plenty
    unlock(qtbot, window, Role.OWNER)
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
    assert not window.admin.disk_warning.isVisible()
    assert isinstance(window.admin.owner.lock_button, QPushButton)

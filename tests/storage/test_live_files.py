"""Plain file I/O on a database this process has open through SQLite is refused.

kiosk/kernel/dbfiles.py refuses it.

Closing any descriptor of a database file drops every POSIX lock the process holds on it; another
process then deletes the ``-wal`` the kiosk is still writing to. These tests pin the guard and the
after-start store check that used to do exactly that.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiosk.customers import Customer
from kiosk.kernel.dbfiles import LiveDatabaseFileIO, is_live
from kiosk.orders import LineRequest, Payment
from kiosk.storage import models as m
from kiosk.storage.damage import probe_files
from kiosk.storage.orders import place_order
from kiosk.storage.recovery import verify_store
from kiosk.storage.store import KioskStore
from tests.helpers.seed import seed_products

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX advisory locks")


def _order(store: KioskStore) -> str:
    return place_order(
        store, Customer.of("村民", "13900000001"), [LineRequest("LY-0001", 1)], Payment.CASH
    ).order_id


def test_plain_io_on_live_database_files_is_refused(data_dir: Path) -> None:
    store = KioskStore.open(data_dir)
    db = store.path
    try:
        seed_products(store)
        assert is_live(db)
        for path in (db, db.with_name("kiosk.db-wal"), db.with_name("kiosk.db-shm")):
            with pytest.raises(LiveDatabaseFileIO):
                path.open("rb")
            with pytest.raises(LiveDatabaseFileIO):
                os.open(path, os.O_RDONLY)
        with pytest.raises(LiveDatabaseFileIO):
            shutil.copyfile(db, data_dir / "copy.db")
        with pytest.raises(LiveDatabaseFileIO):
            os.replace(db, data_dir / "moved.db")
        with pytest.raises(LiveDatabaseFileIO):
            os.remove(db.with_name("kiosk.db-wal"))
        # A relative path and a symlink name the same file.
        os.symlink(data_dir, data_dir.parent / "alias")
        with pytest.raises(LiveDatabaseFileIO):
            (data_dir.parent / "alias" / "kiosk.db").open("rb")
        # Other files in the folder are not guarded.
        (data_dir / "notes.txt").write_text("ok", encoding="utf-8")
    finally:
        store.close()
    assert not is_live(db)
    with db.open("rb") as fh:  # closed: recovery and restore may read it again
        assert fh.read(16) == b"SQLite format 3\x00"


def test_after_start_check_keeps_the_journal_of_the_running_kiosk(data_dir: Path) -> None:
    """The GUI's after-start check, then another process closes its connection: no order lost."""
    store = KioskStore.open(data_dir)
    seed_products(store)
    first = _order(store)
    assert probe_files(store.path) is None  # the open-time probe, now through SQLite
    assert verify_store(data_dir) == "ok"
    wal = store.path.with_name("kiosk.db-wal")
    inode = wal.stat().st_ino
    # What `kiosk status` does beside the kiosk: open, read, close.
    subprocess.run(
        [sys.executable, "-c",
         "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
         "c.execute('select count(*) from orders').fetchone(); c.close()", str(store.path)],
        check=True,
    )  # fmt: skip
    assert wal.exists() and wal.stat().st_ino == inode, "the running kiosk's -wal was deleted"
    second = _order(store)
    store.close()
    with KioskStore.open(data_dir) as again, again.read() as s:
        found = s.scalar(select(func.count()).where(m.Order.id.in_([first, second])))
    assert found == 2

"""The data folder is 0700 and the database, its backups and support bundles 0600
(docs/sync-engine.md, "Defences"), also on an install created before that rule."""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage.backup import backup_database
from kiosk.storage.store import BACKUP_DIRNAME, DB_FILENAME, KioskStore
from kiosk.storage.support_bundle import write_support_bundle
from tests.helpers.seed import seed_products

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="POSIX modes; Windows relies on the profile's ACL"
)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def usual_umask() -> Iterator[None]:
    """The common desktop umask (022), under which files were world-readable."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def _place(store: KioskStore) -> None:
    from kiosk.storage.orders import place_order

    seed_products(store)
    place_order(
        store, Customer.of("张三", "13812345678"), [LineRequest("LY-0001", 1)], Payment.CASH
    )


def test_a_new_data_folder_and_its_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    store = KioskStore.open(data)
    try:
        _place(store)
        assert mode(data) == 0o700
        db = data / DB_FILENAME
        assert mode(db) == 0o600
        for suffix in ("-wal", "-shm"):
            side = data / f"{DB_FILENAME}{suffix}"
            if side.exists():
                assert mode(side) == 0o600, suffix
        backup = backup_database(db, data / BACKUP_DIRNAME / "manual.db")
        assert mode(backup) == 0o600
        elsewhere = backup_database(db, tmp_path / "usb" / "copy.db")
        assert mode(elsewhere) == 0o600
        (tmp_path / "stick").mkdir()
        bundle = write_support_bundle(store, tmp_path / "stick")
        assert mode(bundle) == 0o600
    finally:
        store.close()


def test_an_old_world_readable_install_is_tightened_at_open(tmp_path: Path) -> None:
    data = tmp_path / "data"
    KioskStore.open(data).close()
    backups = data / BACKUP_DIRNAME
    backups.mkdir(exist_ok=True)
    old_backup = backups / "kiosk-before-x.db"
    old_backup.write_bytes(b"")
    # As an install made before the rule left them.
    for path, m in ((data, 0o755), (backups, 0o755), (data / DB_FILENAME, 0o644)):
        path.chmod(m)
    old_backup.chmod(0o644)
    # A stricter mode somebody chose is kept; a symlink is never followed.
    outside = tmp_path / "outside.txt"
    outside.write_text("x")
    outside.chmod(0o644)
    (backups / "link.db").symlink_to(outside)
    KioskStore.open(data).close()
    assert mode(data) == 0o700
    assert mode(backups) == 0o700
    assert mode(data / DB_FILENAME) == 0o600
    assert mode(old_backup) == 0o600
    assert mode(outside) == 0o644

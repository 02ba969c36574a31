"""Restore the kiosk's database from a backup file (the technician's restore).

The replaced files are moved aside, never deleted. Start-up recovery from damage
(:mod:`kiosk.storage.recovery`) restores through :func:`restore_backup` too.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kiosk.errors import InvalidInput, StoreProblem
from kiosk.storage.backup import _fsync_dir, integrity_check
from kiosk.storage.pullback_flag import RESTORE, mark_needed
from kiosk.storage.settings import DEVICE_ID
from kiosk.storage.store import DB_FILENAME, KioskStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore did.

    Attributes:
        moved_to: the folder holding the replaced database files (db, -wal, -shm together).
        unsent_in_replaced: events that were waiting to send in the replaced database: they are
            not in the restored one (their data is kept in ``moved_to``).
    """

    restored_from: str
    moved_to: str | None
    unsent_in_replaced: int
    schema_revision: str | None


def _count_unsent(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT count(*) FROM outbox WHERE state='pending'").fetchone()
        finally:
            conn.close()
        return int(row[0])
    except sqlite3.Error:
        return 0


def restore_backup(data_dir: Path, backup: Path) -> RestoreResult:
    """Replace the kiosk's database with ``backup``. The kiosk must not be running.

    The backup must pass ``integrity_check`` and look like a kiosk database. The current files
    (``kiosk.db``, ``-wal``, ``-shm``) are moved aside together into
    ``data_dir/replaced-<UTC time>/``, the backup is copied in (to a temporary name, synced, then
    renamed) and the store is opened once, which migrates it if it is older.
    """
    backup = Path(backup)
    if not backup.is_file():
        raise InvalidInput(f"no backup file at {backup}")
    verdict = integrity_check(backup)
    if verdict != "ok":
        raise StoreProblem(f"{backup.name} is not a usable backup: {verdict}")
    try:
        conn = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreProblem(f"{backup.name} cannot be read: {exc}") from exc
    if not {"orders", "outbox", "alembic_version"} <= tables:
        raise StoreProblem(f"{backup.name} is not a Village Kiosk database")
    data_dir.mkdir(parents=True, exist_ok=True)
    db = data_dir / DB_FILENAME
    unsent = _count_unsent(db) if db.exists() else 0
    moved: Path | None = None
    present = [
        p
        for p in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm"))
        if p.exists()
    ]
    if present:
        moved = data_dir / f"replaced-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S%fZ')}"
        moved.mkdir()
        for p in present:
            os.replace(p, moved / p.name)
        _fsync_dir(data_dir)
    tmp = db.with_name(db.name + ".restoring")
    shutil.copyfile(backup, tmp)
    with tmp.open("rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, db)
    _fsync_dir(data_dir)
    with KioskStore.open(data_dir) as store:
        revision = store.schema_revision()
        with store.write() as s:
            # The backup may lack orders central holds, and its order counter is behind: the
            # next sync pulls them back and re-seeds the counter (kiosk/storage/pullback.py).
            if KioskStore.get_setting(s, DEVICE_ID):
                mark_needed(s, RESTORE)
            KioskStore.audit(
                s,
                "technician",
                "restored",
                None,
                f"from {backup.name}; replaced files in {moved.name if moved else '-'}",
            )
    log.warning("database restored from %s (replaced files in %s)", backup.name, moved)
    return RestoreResult(str(backup), str(moved) if moved else None, unsent, revision)

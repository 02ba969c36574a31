"""Online backups of the local store (SQLite backup API, never a file copy).

A backup is written to a temporary file next to the destination, checked with
``PRAGMA integrity_check``, flushed to disk, and only then renamed over the destination, so an
interrupted backup leaves the previous one intact.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from kiosk.errors import StoreProblem
from kiosk.kernel.sqlite import raw_connect
from kiosk.storage.permissions import create_private_file

#: The data folder's folder of backups (``kiosk backup``, the technician's screen, automatic ones).
BACKUP_DIRNAME = "backups"


def new_backup_path(data_dir: Path, now: datetime | None = None) -> Path:
    """``data_dir/backups/kiosk-<UTC time>.db`` for a backup made by a person, made unique."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    folder = data_dir / BACKUP_DIRNAME
    path = folder / f"kiosk-{stamp}.db"
    n = 2
    while path.exists():
        path = folder / f"kiosk-{stamp}-{n}.db"
        n += 1
    return path


#: Copy every page in one step. In WAL mode the copy's read transaction never blocks writers, and
#: a single step cannot be restarted by a concurrent write the way a multi-step backup is (which
#: can make a stepped backup of a busy database take very long or never finish).
PAGES_PER_STEP = -1


def integrity_check(path: Path) -> str:
    """Run ``PRAGMA integrity_check`` on the file at ``path``; ``"ok"`` when healthy."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"not a readable database: {exc}"
    return "; ".join(str(r[0]) for r in rows[:5])


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def backup_database(source: Path, dest: Path) -> Path:
    """Copy the live database at ``source`` to ``dest`` with the online backup API.

    Returns:
        ``dest``, which passed ``integrity_check``.

    Raises:
        StoreProblem: the source cannot be read or the copy is not intact; ``dest`` is untouched.
    """
    if not source.exists():
        raise StoreProblem(f"no database to back up at {source}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    try:
        create_private_file(tmp)  # 0600: a backup holds every villager's name and phone
        src = raw_connect(source)
        try:
            out = sqlite3.connect(str(tmp), isolation_level=None)
            try:
                src.backup(out, pages=PAGES_PER_STEP)
                # The copy is a standalone file: no WAL to carry along with it.
                out.execute("PRAGMA journal_mode=DELETE")
            finally:
                out.close()
        finally:
            src.close()
        verdict = integrity_check(tmp)
        if verdict != "ok":
            raise StoreProblem(f"backup copy failed its integrity check ({verdict})")
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        _fsync_dir(dest.parent)
    except sqlite3.Error as exc:
        raise StoreProblem(f"backup failed: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return dest

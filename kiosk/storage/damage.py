"""Noticing a damaged database file when the store opens: cheap probes and the error they raise.

:meth:`kiosk.storage.store.KioskStore.open` runs :func:`probe_files` before it connects and turns
SQLite's "not a database" / "malformed" errors into :class:`StoreDamaged` (:func:`is_damage`).
What happens next (the marker file, ``quick_check``, moving the files aside, restoring and
rescuing) is :mod:`kiosk.storage.recovery`. This module imports nothing of the store, so the
store imports it at the top.
"""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

from kiosk.errors import StoreProblem
from kiosk.kernel.dbfiles import is_live

SQLITE_MAGIC = b"SQLite format 3\x00"
#: WAL-index (``-shm``) layout: two copies of a 48-byte header, then the checkpoint info.
_SHM_HEADER = 48
_SHM_MIN = 136
_WAL_VERSION = 3007000
_WAL_HEADER = 32
_WAL_FRAME_HEADER = 24


class StoreDamaged(StoreProblem):
    """The database file is damaged; a restart of the kiosk or ``kiosk tech recover`` repairs it."""


#: SQLite's primary result codes for "the file is damaged" and "this is not a database".
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


def is_damage(exc: BaseException | None) -> bool:
    """True when ``exc`` is SQLite saying the file is damaged (not locked, full or read-only)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB)
    message = str(exc)
    return "malformed" in message or "not a database" in message


def header_page_size(raw: int) -> int:
    """The page size a database header's two-byte field stands for (1 means 65536)."""
    return 65536 if raw == 1 else raw


def lost_journal_frames(db: Path) -> int:
    """How many committed WAL frames the ``-shm`` index knows of that the ``-wal`` file lacks.

    After a crash both ``-wal`` and ``-shm`` stay behind. If the ``-wal`` is then deleted (a
    "clean-up" tool, a copy that left it out), SQLite silently opens the older main file: the
    only witness is the index, whose header says how many frames were committed (``mxFrame``)
    and how many were already copied into the main file (``nBackfill``). 0 when nothing is lost
    or the index is missing or unreadable (then nothing can be said).
    """
    shm = db.with_name(db.name + "-shm")
    wal = db.with_name(db.name + "-wal")
    try:
        with shm.open("rb") as fh:
            raw = fh.read(_SHM_MIN)
    except OSError:
        return 0
    if len(raw) < _SHM_MIN or raw[:_SHM_HEADER] != raw[_SHM_HEADER : 2 * _SHM_HEADER]:
        return 0  # no index, or a writer died while updating it: SQLite rebuilds it from the WAL
    version, _, _, is_init, _, page, max_frame = struct.unpack("=IIIBBHI", raw[:20])
    (backfilled,) = struct.unpack("=I", raw[96:100])
    if version != _WAL_VERSION or not is_init or max_frame <= backfilled:
        return 0
    try:
        wal_size = wal.stat().st_size
    except FileNotFoundError:
        wal_size = 0
    frame = _WAL_FRAME_HEADER + header_page_size(page)
    present = max(0, (wal_size - _WAL_HEADER) // frame) if wal_size else 0
    return max(0, max_frame - max(present, backfilled))


#: The marker file next to the database that says "quick_check found damage"
#: (:func:`kiosk.storage.recovery.flag_damaged` writes it).
MARKER_SUFFIX = ".corrupt"


def marker_path(data_dir: Path) -> Path:
    """The ``kiosk.db.corrupt`` marker file of ``data_dir``."""
    # "kiosk.db" is kiosk.storage.quick_store.DB_FILENAME (that module imports this one).
    return data_dir / ("kiosk.db" + MARKER_SUFFIX)


def probe_files(db: Path) -> str | None:
    """Cheap checks at open (a few hundred bytes read): a reason in plain words, or ``None``.

    A missing or empty file is not damage: it is a new kiosk. The bytes are read with plain file
    I/O, which is safe only while this process has no SQLite connection to ``db`` (closing a
    descriptor would drop SQLite's locks: :mod:`kiosk.kernel.dbfiles`); with one open, only what
    ``os.stat`` and SQLite itself can tell is checked (:func:`probe_live`).
    """
    if is_live(db):
        return probe_live(db)
    try:
        size = db.stat().st_size
    except FileNotFoundError:
        return None
    lost = lost_journal_frames(db)
    if lost:
        return (
            f"the journal file {db.name}-wal with the last {lost} saved changes is missing or cut "
            "short"
        )
    if size == 0:
        return None
    with db.open("rb") as fh:
        head = fh.read(100)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        return "the file does not start like an SQLite database (damaged header)"
    page = header_page_size(struct.unpack(">H", head[16:18])[0])
    if page < 512 or page & (page - 1):
        return "the page size in the file header is impossible (damaged header)"
    if size % page:
        return f"the file size ({size} bytes) is not a whole number of pages: it was cut short"
    n_pages, change, valid_for = (
        struct.unpack(">I", head[28:32])[0],
        head[24:28],
        head[92:96],
    )
    # While a -wal exists a checkpoint may have written page 1 before growing the file; the
    # WAL redoes it, so only a file without a journal must be as long as its header says.
    wal = db.with_name(db.name + "-wal")
    has_wal = wal.exists() and wal.stat().st_size > 0
    if not has_wal and change == valid_for and n_pages * page > size:
        return f"the file is shorter than its header says ({size} of {n_pages * page} bytes)"
    return None


def probe_live(db: Path) -> str | None:
    """The checks of :func:`probe_files` that need no descriptor of ``db``: size and page size.

    For a database this process has open; ``PRAGMA quick_check``
    (:func:`kiosk.storage.recovery.quick_check`) then reads every page through SQLite.
    """
    try:
        size = db.stat().st_size
    except FileNotFoundError:
        return "the database file has disappeared from the data folder"
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10)
        try:
            page = int(conn.execute("PRAGMA page_size").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"not a readable database: {exc}"
    if size % page:
        return f"the file size ({size} bytes) is not a whole number of pages: it was cut short"
    return None

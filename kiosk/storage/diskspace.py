"""A full disk, and the warning before it.

When the data folder's disk is full SQLite refuses the write (``SQLITE_FULL``, "database or disk
is full") and rolls the transaction back: nothing is half-written and nothing is acknowledged.
Other writes (backups, logs, pictures) fail with ``ENOSPC``. :func:`is_disk_full` recognises both
however deep they are wrapped (SQLAlchemy's ``OperationalError`` keeps SQLite's error as
``orig``), so the command line can print one line and the screens say it in their language
instead of a traceback (docs/operating.md, "When the disk is full").

:func:`disk_space` tells the owner's screen *before* that happens: below
:data:`LOW_DISK_BYTES` free, the owner sees a warning.
"""

from __future__ import annotations

import errno
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import StoreProblem

#: SQLite's primary result code for "database or disk is full".
SQLITE_FULL = 13
#: Below this much free space the owner sees a warning (the doctor's threshold too).
LOW_DISK_BYTES = 500 * 1024 * 1024
#: The one line the command line prints when a command failed on a full disk.
DISK_FULL_LINE = (
    "the disk is full: nothing was saved. Free some space (old backups, files on the desktop) "
    "or call the technician"
)


class DiskFull(StoreProblem):
    """A write failed because the data folder's disk is full; nothing was saved."""

    def __init__(self) -> None:
        super().__init__(DISK_FULL_LINE, code="store.disk_full")


def is_disk_full(exc: BaseException | None) -> bool:
    """True when ``exc`` (or an error it wraps or was raised from) is a full disk."""
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, DiskFull):
            return True
        if isinstance(exc, sqlite3.Error):
            code = getattr(exc, "sqlite_errorcode", None)
            if isinstance(code, int) and code & 0xFF == SQLITE_FULL:
                return True
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        orig = getattr(exc, "orig", None)  # SQLAlchemy's DBAPIError wraps the driver's error
        if isinstance(orig, BaseException) and id(orig) not in seen:
            exc = orig
            continue
        exc = exc.__cause__ or exc.__context__
    return False


#: A storage failure with less free space than this is taken as a full disk: opening a store on
#: a full disk fails with SQLite's "disk I/O error" (its shared-memory file cannot grow), not
#: with "disk is full".
FULL_DISK_MARGIN = 1024 * 1024


def failed_on_full_disk(exc: BaseException, data_dir: Path) -> bool:
    """True when ``exc`` is a full disk, or a storage failure while ``data_dir``'s disk is full."""
    if is_disk_full(exc):
        return True
    if not _storage_failure(exc):
        return False
    space = disk_space(data_dir)
    return space is not None and space.free < FULL_DISK_MARGIN


def _storage_failure(exc: BaseException | None) -> bool:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, StoreProblem | sqlite3.Error | OSError):
            return True
        orig = getattr(exc, "orig", None)
        if isinstance(orig, sqlite3.Error):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


@dataclass(frozen=True, slots=True)
class DiskSpace:
    """Free and total bytes of the disk holding the data folder."""

    free: int
    total: int

    @property
    def low(self) -> bool:
        """True when the owner should be warned (below :data:`LOW_DISK_BYTES`)."""
        return self.free < LOW_DISK_BYTES


def disk_space(data_dir: Path) -> DiskSpace | None:
    """Free space where the kiosk keeps its data; ``None`` when it cannot be read."""
    where = data_dir if data_dir.exists() else data_dir.parent
    try:
        usage = shutil.disk_usage(where)
    except OSError:
        return None
    return DiskSpace(usage.free, usage.total)

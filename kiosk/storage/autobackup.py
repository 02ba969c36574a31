"""Automatic daily backups of the local store (docs/operating.md).

``kiosk backup`` stays the manual way.

:func:`backup_if_due` takes an online backup (SQLite backup API, checked, renamed into place by
:func:`kiosk.storage.backup.backup_database`) when the newest backup of any kind is older than
a day, then prunes: the newest :data:`KEEP_DAILY` automatic backups stay, pre-migration and manual
backups are never touched, and the newest automatic backup that still passes ``integrity_check``
is never deleted. The UI calls it off the GUI thread at start-up and hourly. A store flagged
damaged is never backed up (its copy would fail the check anyway, and must not replace a good one).
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from kiosk.storage.backup import backup_database, integrity_check
from kiosk.storage.recovery import damaged_reason
from kiosk.storage.store import BACKUP_DIRNAME, DB_FILENAME

log = logging.getLogger(__name__)

AUTO_PREFIX = "kiosk-auto-"
#: Automatic backups kept (one a day: a week back).
KEEP_DAILY = 7
#: A backup is due when the newest one is older than this.
MAX_AGE_S = 24 * 3600


def auto_backups(data_dir: Path) -> list[Path]:
    """The automatic backups, newest first (their names sort by UTC time)."""
    folder = data_dir / BACKUP_DIRNAME
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{AUTO_PREFIX}*.db"), key=lambda p: p.name, reverse=True)


def newest_backup_age_s(data_dir: Path, now: float | None = None) -> float | None:
    """Seconds since the newest backup of any kind was written; ``None`` when there is none."""
    folder = data_dir / BACKUP_DIRNAME
    files = [p for p in folder.glob("*.db") if p.is_file()] if folder.is_dir() else []
    if not files:
        return None
    newest = max(p.stat().st_mtime for p in files)
    return (time.time() if now is None else now) - newest


def prune(data_dir: Path, keep: int = KEEP_DAILY) -> list[Path]:
    """Delete automatic backups beyond the newest ``keep``; returns what was deleted.

    The newest automatic backup that passes ``integrity_check`` survives even when it is older
    than the ``keep`` newest (which then must all be damaged).
    """
    backups = auto_backups(data_dir)
    kept, extra = backups[:keep], backups[keep:]
    if not extra:
        return []
    if not any(integrity_check(p) == "ok" for p in kept):
        good = next((p for p in extra if integrity_check(p) == "ok"), None)
        if good is not None:
            extra.remove(good)
    for p in extra:
        p.unlink(missing_ok=True)
        log.info("removed old automatic backup %s", p.name)
    return extra


def backup_if_due(
    data_dir: Path, *, max_age_s: float = MAX_AGE_S, now: datetime | None = None
) -> Path | None:
    """Back up the store when the newest backup is older than ``max_age_s``; then prune.

    Safe while the kiosk writes (online backup API). Off the GUI thread: it copies the file.
    Ages are measured on the backup files' times; ``now`` only names the new file (tests).

    Returns:
        The new backup, or ``None`` when none was due (or the store is flagged damaged).

    Raises:
        StoreProblem: the copy failed; the previous backups are untouched.
    """
    db = data_dir / DB_FILENAME
    if not db.exists() or damaged_reason(data_dir) is not None:
        return None
    when = now or datetime.now(UTC)
    age = newest_backup_age_s(data_dir)
    # A negative age means the kiosk clock went back: take one rather than wait for it to catch up.
    if age is not None and 0 <= age < max_age_s:
        return None
    dest = data_dir / BACKUP_DIRNAME / f"{AUTO_PREFIX}{when.strftime('%Y%m%dT%H%M%S%fZ')}.db"
    path = backup_database(db, dest)
    log.info("automatic backup written to %s", path.name)
    prune(data_dir)
    return path

"""Owner-only permissions for the kiosk's data: the folder 0700, the files in it 0600.

The shop PC is shared (a family, a second Windows/Linux account, a technician's account): the
database holds villagers' names and phones and the pickup-code hashes, and the backups and
support bundles hold the same. On POSIX systems:

* the data folder is created 0700 and tightened to 0700 at every open (installs made before this
  rule had 0755), and so is its ``backups`` folder;
* the database and its ``-wal``/``-shm``/``-journal`` files, every backup and every support
  bundle are 0600 (SQLite gives ``-wal``/``-shm`` the database file's own mode, so creating the
  database 0600 first covers them);
* only permissions wider than the target are changed (a stricter mode is left alone), symlinks
  are never followed, and a file the kiosk does not own is skipped with a log line (never an
  error: an unreadable mode must not stop a shop from selling).

On Windows the data folder lives in the user's profile, whose ACL already keeps other accounts
out; these calls do nothing there.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
#: Files next to the database that SQLite creates.
SQLITE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def _posix() -> bool:
    return os.name == "posix"


def tighten(path: Path, mode: int) -> bool:
    """Drop every permission bit of ``path`` beyond ``mode``; True when something changed."""
    if not _posix():
        return False
    try:
        st = path.lstat()
    except FileNotFoundError:
        return False
    if stat.S_ISLNK(st.st_mode):
        return False
    current = stat.S_IMODE(st.st_mode)
    if current & ~mode == 0:
        return False
    try:
        os.chmod(path, current & mode)
    except OSError as exc:
        log.warning("cannot tighten the permissions of %s: %s", path.name, exc.strerror)
        return False
    return True


def private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) if needed; make ``path`` itself 0700."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    tighten(path, PRIVATE_DIR)
    return path


def private_file(path: Path) -> Path:
    """Make an existing file 0600 (a backup, a bundle, the database)."""
    tighten(path, PRIVATE_FILE)
    return path


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode 0600 if it does not exist (before SQLite opens it)."""
    if not _posix() or path.exists():
        return
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)


def secure_data_dir(data_dir: Path, db_name: str, backup_dirname: str) -> int:
    """Tighten an existing (or new) data folder: folder 0700, database files and backups 0600.

    Returns:
        How many paths were tightened (0 on an install already private).
    """
    if not _posix():
        return 0
    changed = int(tighten(data_dir, PRIVATE_DIR))
    for suffix in SQLITE_SUFFIXES:
        changed += tighten(data_dir / f"{db_name}{suffix}", PRIVATE_FILE)
    backups = data_dir / backup_dirname
    if backups.is_dir() and not backups.is_symlink():
        changed += tighten(backups, PRIVATE_DIR)
        for f in backups.iterdir():
            if f.is_file() and not f.is_symlink():
                changed += tighten(f, PRIVATE_FILE)
    if changed:
        log.info("data folder permissions tightened (%d paths)", changed)
    return changed

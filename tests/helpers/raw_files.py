"""Read a live database's raw bytes from another process.

A test that looks for a secret in the database file's bytes must not open the file in the test
process while the store is open there: closing that descriptor would drop SQLite's locks
(kiosk/kernel/dbfiles.py refuses it). A child process has no locks to lose.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_READ = "import sys; [sys.stdout.buffer.write(open(p, 'rb').read()) for p in sys.argv[1:]]"


def raw_bytes(*paths: Path) -> bytes:
    """The concatenated bytes of ``paths``, read by a child process."""
    return subprocess.run(
        [sys.executable, "-c", _READ, *map(str, paths)], check=True, capture_output=True
    ).stdout


def store_bytes(db: Path) -> bytes:
    """The bytes of the database ``db`` and whichever of its ``-wal``/``-shm`` exist."""
    files = [p for p in sorted(db.parent.iterdir()) if p.name.startswith(db.name)]
    return raw_bytes(*files)

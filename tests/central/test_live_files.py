"""The central service's SQLite database has the same live-file guard as the kiosk's store.

Central never reads its database files outside SQLite; while its engines are connected, a plain
``open()`` (which would drop SQLite's POSIX locks on close, kiosk/kernel/dbfiles.py) is refused.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from central.db import CentralDb
from kiosk.kernel.dbfiles import LiveDatabaseFileIO, is_live


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX advisory locks")
def test_central_sqlite_files_are_guarded(tmp_path: Path) -> None:
    path = tmp_path / "central.db"
    db = CentralDb(f"sqlite:///{path}")
    try:
        with db.write_engine.begin() as conn:
            conn.execute(text("CREATE TABLE t (x INTEGER)"))
        assert is_live(path)
        with pytest.raises(LiveDatabaseFileIO):
            path.open("rb")
        with pytest.raises(LiveDatabaseFileIO):
            path.with_name("central.db-wal").open("rb")
    finally:
        db.close()
    assert not is_live(path)
    with path.open("rb") as fh:
        assert fh.read(6) == b"SQLite"

"""The local store: connection settings on every pooled connection, BEGIN IMMEDIATE writes."""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from kiosk.errors import StoreProblem
from kiosk.kernel.sqlite import BUSY_TIMEOUT_MS
from kiosk.storage.models import Setting
from kiosk.storage.store import KioskStore


def _pragmas(s: Session) -> tuple[str, int, int, int]:
    conn = s.connection()
    return (
        str(conn.exec_driver_sql("PRAGMA journal_mode").scalar_one()),
        int(conn.exec_driver_sql("PRAGMA synchronous").scalar_one()),
        int(conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one()),
        int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one()),
    )


def test_every_pooled_connection_has_the_pragmas(store: KioskStore) -> None:
    expected = ("wal", 2, 1, BUSY_TIMEOUT_MS)
    with ExitStack() as stack:
        # Several readers held open at once force several distinct pooled connections.
        readers = [stack.enter_context(store.read()) for _ in range(4)]
        seen = {id(s.connection().connection.dbapi_connection) for s in readers}
        assert len(seen) == 4
        for s in readers:
            assert _pragmas(s) == expected
        with store.write() as w:
            assert _pragmas(w) == expected


def _try_immediate(path: Path) -> bool:
    """True when another connection can take the write lock right now."""
    conn = sqlite3.connect(str(path), timeout=0, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc)
        return False
    finally:
        conn.close()


def test_write_takes_the_write_lock_at_begin(store: KioskStore) -> None:
    with store.write() as s:
        # Only a read so far: a deferred BEGIN would not hold the write lock yet.
        s.get(Setting, "nothing")
        assert not _try_immediate(store.path)
    assert _try_immediate(store.path)


def test_read_does_not_block_writers(store: KioskStore) -> None:
    with store.read() as s:
        s.get(Setting, "nothing")
        assert _try_immediate(store.path)


def test_write_commits_and_rolls_back(store: KioskStore) -> None:
    with store.write() as s:
        KioskStore.set_setting(s, "center.id", "C001")
    assert store.setting("center.id") == "C001"
    with pytest.raises(RuntimeError), store.write() as s:
        KioskStore.set_setting(s, "center.id", "C999")
        raise RuntimeError("boom")
    assert store.setting("center.id") == "C001"


def test_settings_and_sequences(store: KioskStore) -> None:
    with store.write() as s:
        assert [KioskStore.next_sequence(s, "order") for _ in range(3)] == [1, 2, 3]
        assert KioskStore.next_sequence(s, "other") == 1
    with store.write() as s:
        assert KioskStore.next_sequence(s, "order") == 4
    assert store.setting("missing", "dflt") == "dflt"
    assert store.settings()["seq.order"] == "4"


def test_reopen_keeps_data_and_does_not_back_up(data_dir: Path) -> None:
    with KioskStore.open(data_dir) as st, st.write() as s:
        KioskStore.set_setting(s, "k", "v")
    with KioskStore.open(data_dir) as st:
        assert st.setting("k") == "v"
        assert st.schema_revision() is not None
    assert not list((data_dir / "backups").glob("*.db"))


def test_damaged_file_is_a_store_problem(data_dir: Path) -> None:
    (data_dir / "kiosk.db").write_bytes(b"this is not sqlite" * 500)
    with pytest.raises(StoreProblem, match="damaged or not a database"):
        KioskStore.open(data_dir)

"""Opening the kiosk's SQLite file with the settings every connection must have.

Every connection: WAL journal, ``synchronous=FULL`` (with NORMAL, a committed transaction may roll
back after a power cut in WAL mode), foreign keys on, and a busy timeout. Write transactions start
with ``BEGIN IMMEDIATE`` so two writers never deadlock on a lock upgrade; read transactions use a
plain deferred ``BEGIN`` so a long read (sync building a batch, a report) never blocks the counter.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from kiosk.dbfiles import register_engine

BUSY_TIMEOUT_MS = 10_000

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


def _configure(dbapi_conn: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module so our BEGIN is the one that runs.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    for pragma in PRAGMAS:
        cur.execute(pragma)
    cur.close()


def make_engine(path: Path, *, immediate: bool) -> Engine:
    """Create an engine for the SQLite file at ``path``.

    Args:
        path: the database file (created if missing).
        immediate: ``True`` for the write engine (``BEGIN IMMEDIATE``), ``False`` for readers.
    """
    engine = create_engine(
        f"sqlite+pysqlite:///{path}",
        poolclass=QueuePool,
        pool_size=2,
        max_overflow=4,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    begin_sql = "BEGIN IMMEDIATE" if immediate else "BEGIN"
    event.listen(engine, "connect", _configure)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin_sql)

    register_engine(path, engine)
    return engine


def raw_connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the same pragmas, for backup and integrity checks."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    _configure(conn, None)
    return conn

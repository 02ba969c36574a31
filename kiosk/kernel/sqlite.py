"""Opening a SQLite database with the settings every connection must have.

Every connection: WAL journal, ``synchronous=FULL`` (with NORMAL, a committed transaction may roll
back after a power cut in WAL mode), foreign keys on, and a busy timeout. Write transactions start
with ``BEGIN IMMEDIATE`` so two writers never deadlock on a lock upgrade; read transactions use a
plain deferred ``BEGIN`` so a long read (sync building a batch, a report) never blocks a writer.

The kiosk's local store (:mod:`kiosk.storage.store`) and the central service's SQLite backend
(:mod:`central.db`) both open their files here. Every engine on a file registers with
:mod:`kiosk.kernel.dbfiles`, which refuses plain file I/O on a database this process has open.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.kernel.dbfiles import register_engine

if TYPE_CHECKING:
    from sqlalchemy import URL, Engine

BUSY_TIMEOUT_MS = 10_000

PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


def configure_connection(dbapi_conn: Any, _record: Any) -> None:
    """Apply :data:`PRAGMAS` to a fresh DB-API connection (a SQLAlchemy ``connect`` listener)."""
    # Take transaction control away from the sqlite3 module so our BEGIN is the one that runs.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    for pragma in PRAGMAS:
        cur.execute(pragma)
    cur.close()


def sqlite_engine(
    target: Path | str | URL,
    *,
    immediate: bool,
    pool_size: int,
    max_overflow: int,
    hide_parameters: bool = False,
) -> Engine:
    """Create an engine on a SQLite database.

    Args:
        target: the database file (a path; created if missing), or a ``sqlite:///`` URL.
        immediate: ``True`` for a write engine (``BEGIN IMMEDIATE``), ``False`` for readers.
        pool_size: connections kept open.
        max_overflow: connections opened beyond ``pool_size`` under load.
        hide_parameters: keep SQL parameters out of error text (and so out of logs and replies).
    """
    # SQLAlchemy is imported here, not with the module: raw_connect and the pragmas serve paths
    # that never build an engine (backups, the command line's order path).
    from sqlalchemy import create_engine, event
    from sqlalchemy.engine import make_url
    from sqlalchemy.pool import QueuePool

    if isinstance(target, Path):
        url: URL = make_url(f"sqlite+pysqlite:///{target}")
        file: Path | None = target
    else:
        url = make_url(target).set(drivername="sqlite+pysqlite")
        in_memory = not url.database or url.database == ":memory:"
        file = None if in_memory else Path(url.database or "").expanduser()
    engine = create_engine(
        url,
        poolclass=QueuePool,
        hide_parameters=hide_parameters,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    begin_sql = "BEGIN IMMEDIATE" if immediate else "BEGIN"
    event.listen(engine, "connect", configure_connection)

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin_sql)

    if file is not None:
        register_engine(file, engine)
    return engine


def raw_connect(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection with the same pragmas, for backup and integrity checks."""
    conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    configure_connection(conn, None)
    return conn

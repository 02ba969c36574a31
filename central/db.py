"""Opening the central database: SQLite by default (a file, zero set-up) or PostgreSQL.

SQLite connections get WAL, ``synchronous=FULL``, foreign keys and a busy timeout; writers start
with ``BEGIN IMMEDIATE`` so they queue on the database lock instead of failing on a lock upgrade.
PostgreSQL runs at READ COMMITTED; the change feeds stay gap-free there because every sequence
number comes from a counter row locked ``FOR UPDATE`` inside the writing transaction (see
:mod:`central.service`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import QueuePool

from kiosk.dbfiles import register_engine
from kiosk.errors import KioskError

ENV_DB = "KIOSK_CENTRAL_DB"
BUSY_TIMEOUT_MS = 10_000

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


class CentralDbProblem(KioskError):
    """The central database URL is unusable or the database cannot be opened."""

    exit_code = 4


def default_db_url() -> str:
    """``$KIOSK_CENTRAL_DB`` or a SQLite file in the per-user data folder of ``kiosk-central``."""
    env = os.environ.get(ENV_DB)
    if env:
        return env
    from platformdirs import user_data_dir

    return (
        f"sqlite:///{Path(user_data_dir('village-kiosk-central', appauthor=False)) / 'central.db'}"
    )


def _sqlite_configure(dbapi_conn: Any, _record: Any) -> None:
    # Take transaction control away from the sqlite3 module so our BEGIN is the one that runs.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    for pragma in SQLITE_PRAGMAS:
        cur.execute(pragma)
    cur.close()


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        parsed.set(drivername="sqlite+pysqlite"),
        poolclass=QueuePool,
        # Error text never carries SQL parameters (names, phones) into a log or a reply.
        hide_parameters=True,
        pool_size=4,
        max_overflow=8,
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )
    event.listen(engine, "connect", _sqlite_configure)
    begin_sql = "BEGIN IMMEDIATE" if immediate else "BEGIN"

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql(begin_sql)

    if parsed.database and parsed.database != ":memory:":
        # Central never reads its database files outside SQLite; the guard keeps it that way.
        register_engine(Path(parsed.database).expanduser(), engine)
    return engine


class CentralDb:
    """The central database: short units of work through :meth:`write` and :meth:`read`.

    Args:
        url: a SQLAlchemy URL, ``sqlite:///path`` or ``postgresql+psycopg://…``.
    """

    def __init__(self, url: str) -> None:
        try:
            parsed = make_url(url)
        except Exception:
            raise CentralDbProblem(f"not a database URL: {url!r}") from None
        self.url = url
        self.backend = parsed.get_backend_name()
        if self.backend == "sqlite":
            self.write_engine = _sqlite_engine(url, immediate=True)
            self.read_engine = _sqlite_engine(url, immediate=False)
        elif self.backend == "postgresql":
            # No pre-ping: it is a round trip before every unit of work, a third of an idle
            # sync's (docs/central.md). A connection the server dropped fails its request with
            # 503 busy (the kiosk retries) and SQLAlchemy then discards every pooled connection.
            self.write_engine = create_engine(
                url, pool_size=8, max_overflow=8, pool_pre_ping=False, hide_parameters=True
            )
            self.read_engine = self.write_engine
        else:
            raise CentralDbProblem(
                f"unsupported database '{self.backend}'; use sqlite:///FILE or "
                "postgresql+psycopg://USER@HOST/DB"
            )

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write unit of work: commits on success, rolls back on any exception."""
        with Session(self.write_engine, expire_on_commit=False) as s, s.begin():
            yield s

    @contextmanager
    def autocommit(self) -> Iterator[Connection]:
        """A connection without a transaction around its statements: each one commits on its
        own (PostgreSQL only; the hot paths of an idle sync use it to save the BEGIN and COMMIT
        round trips, see docs/central.md). A statement that must change several rows together
        is one statement (a CTE), never several here."""
        if self.is_sqlite:
            raise CentralDbProblem("autocommit() is for PostgreSQL; use write() on SQLite")
        with self.write_engine.connect() as conn:
            yield conn.execution_options(isolation_level="AUTOCOMMIT")

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only unit of work (never blocks SQLite writers)."""
        with Session(self.read_engine, expire_on_commit=False) as s, s.begin():
            yield s

    def migrate(self) -> None:
        """Upgrade the schema to head (every command and ``serve`` do this first)."""
        from central.migrate import upgrade_to_head

        try:
            upgrade_to_head(self.write_engine)
        except KioskError:
            raise
        except Exception as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise CentralDbProblem(f"cannot open the central database: {first}") from None

    def close(self) -> None:
        self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            self.read_engine.dispose()

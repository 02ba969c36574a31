"""Opening the central database: SQLite by default (a file, zero set-up) or PostgreSQL.

SQLite connections get WAL, ``synchronous=FULL``, foreign keys and a busy timeout; writers start
with ``BEGIN IMMEDIATE`` so they queue on the database lock instead of failing on a lock upgrade
(the shared :mod:`kiosk.kernel.sqlite`, which the kiosk's store opens its file with too).
PostgreSQL runs at READ COMMITTED; the change feeds stay gap-free there because every sequence
number comes from a counter row locked ``FOR UPDATE`` inside the writing transaction (see
:mod:`central.service`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kiosk.errors import KioskError
from kiosk.kernel.sqlite import sqlite_engine

ENV_DB = "KIOSK_CENTRAL_DB"
#: PostgreSQL connections one process keeps open (``pool_size``) and may open on top for a
#: burst (``max_overflow``); env ``KIOSK_CENTRAL_POOL_SIZE`` / ``KIOSK_CENTRAL_MAX_OVERFLOW``.
#: Each ``serve`` worker has its own pool: N workers use up to N × (size + overflow)
#: connections, which must stay under PostgreSQL's ``max_connections`` (docs/central.md).
ENV_POOL_SIZE = "KIOSK_CENTRAL_POOL_SIZE"
ENV_MAX_OVERFLOW = "KIOSK_CENTRAL_MAX_OVERFLOW"
PG_POOL_SIZE = 8
PG_MAX_OVERFLOW = 8


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


def _pool_setting(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not (text.isascii() and text.isdigit()) or not 0 <= int(text) <= 1000:
        raise CentralDbProblem(f"{name} is a whole number from 0 to 1000, not {text[:20]!r}")
    return int(text)


def pool_settings() -> tuple[int, int]:
    """``(pool_size, max_overflow)`` of a PostgreSQL central, per process."""
    size = _pool_setting(ENV_POOL_SIZE, PG_POOL_SIZE)
    return max(1, size), _pool_setting(ENV_MAX_OVERFLOW, PG_MAX_OVERFLOW)


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    parsed = make_url(url)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    # Error text never carries SQL parameters (names, phones) into a log or a reply. The file
    # registers with kiosk/kernel/dbfiles.py: central never reads it outside SQLite either.
    return sqlite_engine(
        parsed, immediate=immediate, pool_size=4, max_overflow=8, hide_parameters=True
    )


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
            self.pool_size, self.max_overflow = pool_settings()
            # No pre-ping: it is a round trip before every unit of work, a third of an idle
            # sync's (docs/central.md). A connection the server dropped fails its request with
            # 503 busy (the kiosk retries) and SQLAlchemy then discards every pooled connection.
            self.write_engine = create_engine(
                url,
                pool_size=self.pool_size,
                max_overflow=self.max_overflow,
                pool_pre_ping=False,
                hide_parameters=True,
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

    @property
    def is_memory(self) -> bool:
        """A SQLite database in memory (no file): it cannot be shared by several processes."""
        database = make_url(self.url).database
        in_memory = not database or database == ":memory:" or "mode=memory" in self.url
        return self.is_sqlite and in_memory

    def max_connections(self) -> tuple[int, int] | None:
        """PostgreSQL's ``(max_connections, superuser_reserved_connections)``; ``None`` on
        SQLite."""
        if self.is_sqlite:
            return None
        from sqlalchemy import text

        with self.write_engine.connect() as conn:
            total = int(conn.execute(text("SHOW max_connections")).scalar_one())
            reserved = int(conn.execute(text("SHOW superuser_reserved_connections")).scalar_one())
        return total, reserved

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

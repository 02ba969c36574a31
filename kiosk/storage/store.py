"""The kiosk's local store: one SQLite file in the data directory, migrated at start-up.

Use :meth:`KioskStore.open` to get a ready store. Units of work are short::

    with store.write() as s:      # BEGIN IMMEDIATE … COMMIT
        s.add(...)
    with store.read() as s:       # deferred BEGIN, never takes the write lock
        s.scalars(select(...))
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from kiosk.errors import StoreProblem
from kiosk.kernel.clock import utc_now_text
from kiosk.kernel.sqlite import sqlite_engine
from kiosk.storage.backup import BACKUP_DIRNAME, backup_database
from kiosk.storage.damage import StoreDamaged, is_damage, probe_files
from kiosk.storage.models import AuditEntry, Setting
from kiosk.storage.permissions import create_private_file, private_dir, secure_data_dir
from kiosk.storage.quick_store import DB_FILENAME as DB_FILENAME
from kiosk.storage.quick_store import SCHEMA_HEAD as SCHEMA_HEAD
from kiosk.storage.settings import SEARCH_KEYS_VERSION, SEQUENCE_PREFIX

log = logging.getLogger(__name__)

#: How many pre-migration backups to keep.
KEEP_MIGRATION_BACKUPS = 3


#: Products re-indexed per write transaction when the key format changed.
REINDEX_CHUNK = 2_000


def stamped_revision(conn: Connection) -> str | None:
    """The revision recorded in ``alembic_version`` (``None`` for an empty database)."""
    try:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except OperationalError:  # no alembic_version table yet
        return None


def make_engine(path: Path, *, immediate: bool) -> Engine:
    """An engine on the store's SQLite file (:mod:`kiosk.kernel.sqlite` sets every pragma).

    Args:
        path: the database file (created if missing).
        immediate: ``True`` for the write engine (``BEGIN IMMEDIATE``), ``False`` for readers.
    """
    return sqlite_engine(path, immediate=immediate, pool_size=2, max_overflow=4)


class KioskStore:
    """The local SQLite store of one kiosk.

    Attributes:
        data_dir: the kiosk's data directory.
        path: the database file.
    """

    def __init__(self, data_dir: Path, writer: Engine, reader: Engine) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DB_FILENAME
        self._writer = writer
        self._reader = reader

    @classmethod
    def open(
        cls, data_dir: Path, *, migrate_schema: bool = True, refresh_search: bool = True
    ) -> KioskStore:
        """Open (creating if needed) the store in ``data_dir`` and bring its schema to head.

        An existing database that is behind is backed up (online backup API) before migrating.
        With ``refresh_search`` (and ``migrate_schema``) a search index from another key format
        is rebuilt before returning; the GUI passes ``False`` and calls
        :meth:`refresh_search_keys` in the background after its first paint.
        """
        try:
            private_dir(data_dir)  # 0700, also on an install made before that rule
        except OSError as exc:
            raise StoreProblem(f"cannot create the data folder {data_dir}: {exc.strerror}") from exc
        path = data_dir / DB_FILENAME
        problem = probe_files(path)  # a few hundred bytes read: start-up stays fast
        if problem is not None:
            raise StoreDamaged(
                f"the database {path} is damaged or not a database: {problem}; "
                "restart the kiosk or run `kiosk tech recover` to repair it"
            )
        existed = path.exists() and path.stat().st_size > 0
        create_private_file(path)  # 0600 before SQLite creates it (-wal/-shm take its mode)
        secure_data_dir(data_dir, DB_FILENAME, BACKUP_DIRNAME)
        writer = make_engine(path, immediate=True)
        reader = make_engine(path, immediate=False)
        store = cls(data_dir, writer, reader)
        if migrate_schema:
            try:
                store._migrate(existed)
            except DatabaseError as exc:
                store.close()
                if not is_damage(exc.orig):  # locked, read-only, disk full: not for recovery
                    raise StoreProblem(f"the database {path} cannot be opened: {exc.orig}") from exc
                raise StoreDamaged(
                    f"the database {path} is damaged or not a database: {exc.orig}; "
                    "restart the kiosk or run `kiosk tech recover` to repair it"
                ) from exc
            except BaseException:
                store.close()
                raise
            if refresh_search:
                try:
                    store.refresh_search_keys()
                except BaseException:
                    store.close()
                    raise
        return store

    def search_keys_current(self) -> bool:
        """Whether the search index was built with this code's key format (one indexed read)."""
        from kiosk.search_keys import KEYS_VERSION

        with self.read() as s:
            return self.get_setting(s, SEARCH_KEYS_VERSION) == str(KEYS_VERSION)

    def refresh_search_keys(self, chunk: int = REINDEX_CHUNK) -> int:
        """Rebuild the search index if it was built with another key format; returns products.

        The index stores keys made by :mod:`kiosk.search_keys`; an upgrade that changes them bumps
        ``KEYS_VERSION``, and an index from another version would find the wrong products. The
        version is stamped in ``settings``; a store without a stamp (made before the stamp
        existed) is rebuilt once too. The rebuild runs in short write transactions of ``chunk``
        products, so an order placed meanwhile waits a fraction of a second, never the whole
        rebuild; the stamp is written last, so a rebuild cut short starts again next time.
        """
        from kiosk.search_keys import KEYS_VERSION

        if self.search_keys_current():
            return 0
        from kiosk.storage.search import reindex_after

        want = str(KEYS_VERSION)
        with self.read() as s:
            before = self.get_setting(s, SEARCH_KEYS_VERSION)
        last_id, total = 0, 0
        while True:
            with self.write() as s:
                if self.get_setting(s, SEARCH_KEYS_VERSION) == want:
                    return total  # another process finished it meanwhile
                last_id, n = reindex_after(s, last_id, chunk)
                total += n
                if n < chunk:
                    self.set_setting(s, SEARCH_KEYS_VERSION, want)
                    break
        log.info(
            "search index rebuilt for key format %s (was %s): %d products", want, before, total
        )
        return total

    def _migrate(self, existed: bool) -> None:
        with self._writer.connect() as conn:
            current = stamped_revision(conn)
        if current == SCHEMA_HEAD:
            return  # the common case: Alembic, slow to import, is not needed (docs/benchmarks.md)
        from kiosk.storage import migrate

        head = migrate.head_revision()
        if current == head:
            return
        if existed:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
            dest = self.backup_dir / f"kiosk-before-{head}-from-{current or 'empty'}-{stamp}.db"
            backup_database(self.path, dest)
            log.info("backed up database to %s before migrating %s -> %s", dest, current, head)
            self._prune_migration_backups()
        migrate.upgrade_to_head(self._writer)

    def _prune_migration_backups(self) -> None:
        old = sorted(self.backup_dir.glob("kiosk-before-*.db"))[:-KEEP_MIGRATION_BACKUPS]
        for path in old:
            path.unlink(missing_ok=True)

    @property
    def backup_dir(self) -> Path:
        """Where automatic backups go."""
        return self.data_dir / BACKUP_DIRNAME

    @property
    def media_dir(self) -> Path:
        """Where product images live, addressed by content hash."""
        return self.data_dir / "media"

    @contextmanager
    def write(self) -> Iterator[Session]:
        """A write unit of work: ``BEGIN IMMEDIATE``, committed when the block ends cleanly."""
        with Session(self._writer, expire_on_commit=False) as s, s.begin():
            yield s

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only unit of work on a deferred transaction (rolled back at the end)."""
        with Session(self._reader) as s:
            yield s

    def schema_revision(self) -> str | None:
        """The revision the database is at."""
        with self._reader.connect() as conn:
            return stamped_revision(conn)

    def close(self) -> None:
        """Release every connection (checkpointing the WAL when it is the last one)."""
        self._writer.dispose()
        self._reader.dispose()

    def __enter__(self) -> KioskStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # Small shared helpers used by several services -------------------------------------------

    @staticmethod
    def get_setting(s: Session, key: str, default: str | None = None) -> str | None:
        """Read one setting inside a unit of work."""
        row = s.get(Setting, key)
        return row.value if row is not None else default

    @staticmethod
    def set_setting(s: Session, key: str, value: str) -> None:
        """Write one setting inside a write unit of work."""
        row = s.get(Setting, key)
        if row is None:
            s.add(Setting(key=key, value=value))
        else:
            row.value = value

    @staticmethod
    def next_sequence(s: Session, name: str) -> int:
        """Increment and return a named counter inside a write unit of work."""
        key = SEQUENCE_PREFIX + name
        row = s.get(Setting, key)
        value = int(row.value) + 1 if row is not None else 1
        KioskStore.set_setting(s, key, str(value))
        return value

    @staticmethod
    def audit(
        s: Session, actor: str, action: str, subject: str | None = None, detail: str = ""
    ) -> None:
        """Append to the audit log inside a write unit of work. Never pass personal data."""
        s.add(
            AuditEntry(
                at=utc_now_text(), actor=actor, action=action, subject=subject, detail=detail
            )
        )

    def setting(self, key: str, default: str | None = None) -> str | None:
        """Read one setting in its own short read."""
        with self.read() as s:
            return self.get_setting(s, key, default)

    def settings(self) -> dict[str, str]:
        """All settings (for diagnostics)."""
        with self.read() as s:
            return {r.key: r.value for r in s.scalars(select(Setting))}

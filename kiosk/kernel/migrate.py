"""Alembic scripts shipped inside a package, upgraded to head in one transaction.

:class:`AlembicScripts` serves both programs: the kiosk's local store
(:mod:`kiosk.storage.migrate`) and the central service (:mod:`central.migrate`) each point it at
their own scripts.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine


class AlembicScripts:
    """One folder of Alembic scripts (no alembic.ini needed)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def config(self) -> Config:
        """An Alembic config pointing at the scripts."""
        cfg = Config()
        cfg.set_main_option("script_location", str(self.directory))
        return cfg

    def head(self) -> str:
        """The newest revision the installed code knows."""
        head = ScriptDirectory.from_config(self.config()).get_current_head()
        assert head is not None, f"no migrations found in {self.directory}"
        return head

    def upgrade_to_head(self, engine: Engine) -> None:
        """Upgrade the database to head in ONE transaction (DDL is transactional on SQLite and
        PostgreSQL).

        Alembic's SQLite dialect says ``transactional_ddl = False`` and would commit after each
        revision, so a power cut between two revisions would leave the file half-way. Starting the
        transaction here makes it an "external" one to Alembic: every revision and the version
        stamp commit together or not at all (docs/reliability.md,
        ``tests/reliability/test_migration_kill.py``).
        """
        cfg = self.config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


def current_revision(conn: Connection) -> str | None:
    """The revision the database is at (``None`` for an empty database)."""
    return MigrationContext.configure(conn).get_current_revision()

"""Migrations: a linear chain, a schema that matches the models, a backup before upgrading."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateIndex

from kiosk.storage import migrate
from kiosk.storage.backup import integrity_check
from kiosk.storage.models import Base
from kiosk.storage.store import KioskStore, make_engine

#: Same rule as migrations/env.py (which cannot be imported outside an Alembic run).
UNMAPPED_PREFIXES = ("product_search",)


#: Indexes with a DESC column: SQLite's reflection drops the DESC, so Alembic would always see a
#: difference. Compared by their SQL instead (test_desc_indexes_are_created_as_declared).
DESC_INDEXES = {
    "ix_products_views_id": "CREATE INDEX ix_products_views_id ON products (views DESC, id)"
}


def _include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "index" and name in DESC_INDEXES:
        return False
    return not (type_ == "table" and name is not None and name.startswith(UNMAPPED_PREFIXES))


def test_revision_chain_is_linear() -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    heads = scripts.get_heads()
    assert len(heads) == 1, f"more than one head: {heads}"
    revisions = list(scripts.walk_revisions())
    bases = [r for r in revisions if r.down_revision is None]
    assert len(bases) == 1
    children: dict[str, list[str]] = {}
    for rev in revisions:
        assert not isinstance(rev.down_revision, (tuple, list)), f"{rev.revision} is a merge"
        if rev.down_revision is not None:
            children.setdefault(str(rev.down_revision), []).append(rev.revision)
    for parent, kids in children.items():
        assert len(kids) == 1, f"{parent} has several children: {kids}"
    # Walking down from the head visits every revision exactly once.
    assert len(revisions) == len({r.revision for r in revisions})
    assert heads[0] == migrate.head_revision()


def test_upgrade_head_on_empty_database_matches_the_models(data_dir: Path) -> None:
    with KioskStore.open(data_dir) as store:
        assert store.schema_revision() == migrate.head_revision()
    engine = make_engine(data_dir / "kiosk.db", immediate=False)
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn, opts={"include_object": _include, "compare_type": True}
            )
            diff = compare_metadata(ctx, Base.metadata)
    finally:
        engine.dispose()
    assert diff == [], f"migrations and models differ: {diff}"


def test_desc_indexes_are_created_as_declared(data_dir: Path) -> None:
    from sqlalchemy import text

    with KioskStore.open(data_dir) as store, store.read() as s:
        made = dict(
            s.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND name = :n"),
                {"n": name},
            ).one()
            for name in DESC_INDEXES
        )
    assert made == DESC_INDEXES
    declared = {i.name: i for t in Base.metadata.sorted_tables for i in t.indexes}
    for name, sql in DESC_INDEXES.items():
        ddl = str(CreateIndex(declared[name]).compile(dialect=sqlite.dialect()))
        assert " ".join(ddl.split()) == sql  # the model says the same as the migration made


def _downgrade_one_step(db: Path) -> str:
    """Move the database one revision down (to the base when the chain has one revision)."""
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    head = scripts.get_revision(migrate.head_revision())
    assert head is not None
    target = str(head.down_revision) if head.down_revision else "base"
    cfg = migrate.alembic_config()
    engine = make_engine(db, immediate=True)
    try:
        with engine.connect() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, target)
            conn.commit()
    finally:
        engine.dispose()
    return target


def test_older_database_is_backed_up_before_migrating(data_dir: Path) -> None:
    db = data_dir / "kiosk.db"
    KioskStore.open(data_dir).close()
    target = _downgrade_one_step(db)
    # A marker that is not part of any migration, to recognise the pre-migration copy.
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE marker (note TEXT)")
        conn.execute("INSERT INTO marker VALUES ('before upgrade')")
    conn.close()
    assert not (data_dir / "backups").exists()

    with KioskStore.open(data_dir) as store:
        assert store.schema_revision() == migrate.head_revision()

    backups = list((data_dir / "backups").glob("kiosk-before-*.db"))
    assert len(backups) == 1
    backup = backups[0]
    assert f"from-{target if target != 'base' else 'empty'}" in backup.name
    assert integrity_check(backup) == "ok"
    with sqlite3.connect(f"file:{backup}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT note FROM marker").fetchall() == [("before upgrade",)]
        version = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    conn.close()
    assert version == ([] if target == "base" else [(target,)])

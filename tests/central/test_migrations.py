"""The central schema's Alembic chain is linear and the migrated schema matches the models."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import select

from central.db import CentralDb
from central.migrate import alembic_config, current_revision, head_revision
from central.models import COUNTERS, Base, Counter


def test_revision_chain_is_linear() -> None:
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1
    revisions = list(script.walk_revisions())
    assert sum(1 for r in revisions if r.down_revision is None) == 1


def test_migrated_schema_matches_models(db: CentralDb) -> None:
    with db.write_engine.connect() as conn:
        assert current_revision(conn) == head_revision()
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []
    with db.read() as s:
        assert {c.name: c.value for c in s.scalars(select(Counter))} == dict.fromkeys(COUNTERS, 0)


def test_migrating_twice_is_harmless(db: CentralDb) -> None:
    db.migrate()
    with db.write_engine.connect() as conn:
        assert current_revision(conn) == head_revision()

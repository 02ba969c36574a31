"""catalog snapshots: the whole catalog as one immutable, content-addressed gzip file

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 16:50:00

A kiosk's first sync downloads the newest snapshot (``catalog_snapshots``) instead of paging the
whole catalog out of ``products``; ``catalog_snapshot_lease`` holds the one row that says which
worker process is building the next one (central/snapshots.py, docs/central.md). Both start
empty: the first snapshot is built on the first request for it, or by
``kiosk-central catalog snapshot``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "catalog_snapshots",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("cursor", sa.BigInteger(), nullable=False),
        sa.Column("items", sa.BigInteger(), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("sha256"),
    )
    op.create_index("ix_catalog_snapshots_cursor", "catalog_snapshots", ["cursor"])
    op.create_table(
        "catalog_snapshot_lease",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("catalog_snapshot_lease")
    op.drop_index("ix_catalog_snapshots_cursor", table_name="catalog_snapshots")
    op.drop_table("catalog_snapshots")

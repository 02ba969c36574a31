"""outbox.server_failures: times central failed (5xx) on an event sent alone

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:30:00

The sync engine bisects a batch central fails on; an event central keeps failing on alone is set
aside after a few such failures (docs/sync-engine.md). ``attempts`` counts every try, offline ones
included, so it cannot tell "central is down" from "central fails on this event".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("server_failures", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("server_failures")

"""shared limits: the enrollment brake and the per-device rate limit move into the database

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 13:45:00

Until now both lived in one server process's memory, so N worker processes let through N times
the share and a restart forgot them. ``enroll_brake`` holds one row per brake key (an address, an
address and a center, a center); ``device_rate`` one token bucket per device. Every worker
locks the row it changes (docs/central.md). Both start empty: nothing to carry over.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enroll_brake",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("window_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("refusals", sa.Integer(), nullable=False),
        sa.Column("in_flight", sa.Integer(), nullable=False),
        sa.Column("in_flight_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("held_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_index("ix_enroll_brake_expires_at", "enroll_brake", ["expires_at"])
    op.create_table(
        "device_rate",
        sa.Column("device_id", sa.String(length=64), nullable=False),
        sa.Column("tokens", sa.Float(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("device_id"),
    )
    op.create_index("ix_device_rate_at", "device_rate", ["at"])


def downgrade() -> None:
    op.drop_index("ix_device_rate_at", table_name="device_rate")
    op.drop_table("device_rate")
    op.drop_index("ix_enroll_brake_expires_at", table_name="enroll_brake")
    op.drop_table("enroll_brake")

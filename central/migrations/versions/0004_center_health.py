"""center health: the latest heartbeat's summary on each center, indexed for the fleet views

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:50:00

Adds ``centers.last_seen_at``, ``last_device_id``, ``app_version``, ``error_code`` (each filter of
``kiosk-central fleet`` is an index range scan) and ``heartbeats.error_code``; fills the summary
from the heartbeats already stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("centers") as batch:
        batch.add_column(sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("last_device_id", sa.String(length=36), nullable=True))
        batch.add_column(sa.Column("app_version", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("error_code", sa.String(length=64), nullable=True))
        batch.create_index("ix_centers_last_seen_at", ["last_seen_at"], unique=False)
        batch.create_index("ix_centers_app_version", ["app_version"], unique=False)
        batch.create_index("ix_centers_error_code", ["error_code"], unique=False)
    with op.batch_alter_table("heartbeats") as batch:
        batch.add_column(sa.Column("error_code", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    latest: dict[str, tuple[object, str, str]] = {}
    for device_id, center_id, version, received_at in bind.execute(
        sa.text("SELECT device_id, center_id, app_version, received_at FROM heartbeats")
    ):
        if center_id not in latest or str(received_at) > str(latest[center_id][0]):
            latest[center_id] = (received_at, device_id, version)
    centers = sa.table(
        "centers",
        sa.column("id", sa.String()),
        sa.column("last_seen_at", sa.DateTime(timezone=True)),
        sa.column("last_device_id", sa.String()),
        sa.column("app_version", sa.String()),
    )
    for center_id, (seen, device_id, version) in latest.items():
        bind.execute(
            centers.update()
            .where(centers.c.id == center_id)
            .values(last_seen_at=seen, last_device_id=device_id, app_version=version)
        )


def downgrade() -> None:
    with op.batch_alter_table("heartbeats") as batch:
        batch.drop_column("error_code")
    with op.batch_alter_table("centers") as batch:
        batch.drop_index("ix_centers_error_code")
        batch.drop_index("ix_centers_app_version")
        batch.drop_index("ix_centers_last_seen_at")
        batch.drop_column("error_code")
        batch.drop_column("app_version")
        batch.drop_column("last_device_id")
        batch.drop_column("last_seen_at")

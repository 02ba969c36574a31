"""per-device event dedup and per-PC day closes

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:45:00

``events`` is keyed by (device_id, id): an event id is deduplicated per device, so one device can
never claim (or read back the result of) another device's event. ``day_closes`` is keyed by
(center_id, device_id, business_day): every PC of a center closes its own day; central sums them
per center (docs/sync-protocol.md). Both tables are rebuilt (new table, copy, swap) so the same
steps work on SQLite and PostgreSQL whatever the old constraints were named.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

EVENT_COLUMNS = (
    "id, device_id, center_id, kind, subject_id, payload_hash, payload, status, reason, "
    "message, result, created_at, received_at"
)
DAY_COLUMNS = (
    "center_id, business_day, event_id, device_id, closed_at, totals, expected_cash_fen, "
    "entries, received_at"
)


def _events(name: str, key: tuple[str, ...]) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("center_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("payload_hash", sa.String(length=64), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column("message", sa.String(length=500), nullable=True),
        sa.Column("result", sa.Text(), nullable=False),
        sa.Column("created_at", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["center_id"], ["centers.id"]),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.PrimaryKeyConstraint(*key),
    )


def _day_closes(name: str, key: tuple[str, ...], unique_event: bool) -> None:
    extra: list[sa.UniqueConstraint] = [sa.UniqueConstraint("event_id")] if unique_event else []
    op.create_table(
        name,
        sa.Column("center_id", sa.String(length=64), nullable=False),
        sa.Column("business_day", sa.String(length=10), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("device_id", sa.String(length=36), nullable=False),
        sa.Column("closed_at", sa.String(length=64), nullable=False),
        sa.Column("totals", sa.Text(), nullable=False),
        sa.Column("expected_cash_fen", sa.BigInteger(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["center_id"], ["centers.id"]),
        sa.ForeignKeyConstraint(["device_id"], ["devices.id"]),
        sa.PrimaryKeyConstraint(*key),
        *extra,
    )


def _swap(table: str, columns: str) -> None:
    op.execute(f"INSERT INTO {table}_new ({columns}) SELECT {columns} FROM {table}")
    op.drop_table(table)
    op.rename_table(f"{table}_new", table)


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_center_id")
    _events("events_new", ("device_id", "id"))
    _swap("events", EVENT_COLUMNS)
    op.create_index("ix_events_center_id", "events", ["center_id"], unique=False)
    _day_closes("day_closes_new", ("center_id", "device_id", "business_day"), unique_event=False)
    _swap("day_closes", DAY_COLUMNS)


def downgrade() -> None:
    # Only possible while no event id is used by two devices and no day has two closes.
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_center_id")
    _events("events_new", ("id",))
    _swap("events", EVENT_COLUMNS)
    op.create_index("ix_events_center_id", "events", ["center_id"], unique=False)
    _day_closes("day_closes_new", ("center_id", "business_day"), unique_event=True)
    _swap("day_closes", DAY_COLUMNS)

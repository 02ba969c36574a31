"""owner and technician modes: PINs, back-offs, arrivals, owner moves, cash ledger, day closes

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 03:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_pins",
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("pin_hash", sa.Text(), nullable=False),
        sa.Column("set_at", sa.String(length=32), nullable=False),
        sa.Column("set_by", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("role"),
    )
    op.create_table(
        "backoffs",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("remaining_s", sa.Float(), nullable=False),
        sa.Column("anchor_wall", sa.Float(), nullable=True),
        sa.Column("anchor_mono", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "cash_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=True),
        sa.Column("amount_fen", sa.Integer(), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("close_day", sa.String(length=10), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("entry_id"),
    )
    op.create_index("ix_cash_entries_close_day", "cash_entries", ["close_day"], unique=False)
    op.create_index("ix_cash_entries_order_id", "cash_entries", ["order_id"], unique=False)
    op.create_table(
        "day_closes",
        sa.Column("business_day", sa.String(length=10), nullable=False),
        sa.Column("closed_at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=36), nullable=False),
        sa.Column("totals", sa.Text(), nullable=False),
        sa.Column("expected_cash_fen", sa.Integer(), nullable=False),
        sa.Column("entries", sa.Integer(), nullable=False),
        sa.Column("through_move_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("business_day"),
        sa.UniqueConstraint("event_id"),
    )
    op.create_table(
        "order_arrivals",
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("arrived_qty", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("order_id", "line_no"),
    )
    op.create_table(
        "order_moves",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("order_id", sa.String(length=36), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.String(length=32), nullable=False),
        sa.Column("actor", sa.String(length=32), nullable=False),
        sa.Column("paid_how", sa.String(length=16), nullable=True),
        sa.Column("cash_fen", sa.Integer(), nullable=False),
        sa.Column("refund_fen", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_order_moves_order_id", "order_moves", ["order_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_order_moves_order_id", table_name="order_moves")
    op.drop_table("order_moves")
    op.drop_table("order_arrivals")
    op.drop_table("day_closes")
    op.drop_index("ix_cash_entries_order_id", table_name="cash_entries")
    op.drop_index("ix_cash_entries_close_day", table_name="cash_entries")
    op.drop_table("cash_entries")
    op.drop_table("backoffs")
    op.drop_table("admin_pins")

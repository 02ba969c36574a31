"""orders.pickup_salt / pickup_hash: the kiosk's salted pickup-code hash, for pull-back

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 13:30:00

Central is the shop's backup of record: a restored or replacement PC pulls back the orders of its
center (central/recovery.py, docs/sync-protocol.md). The hash (never the code) comes in the
``order_placed`` event so a pulled-back order can still be handed over against the code the
villager holds. Orders stored before this revision have none (``NULL``).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pickup_salt", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("pickup_hash", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("pickup_hash")
        batch_op.drop_column("pickup_salt")

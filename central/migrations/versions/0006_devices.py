"""devices: PC number within the center, revocation; enrollment codes that replace a PC

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 10:50:00

``devices.pc_no`` numbers a center's PCs 1, 2, 3… in enrollment order (every enrollment a new
one); kiosks put it in their order numbers so two PCs of a center never share one
(docs/orders.md). ``devices.revoked_at``: the token stops working, the history stays.
``enroll_codes.replaces``: the device a code's enrollment replaces (revoked in the same
transaction). Existing devices are numbered here, oldest first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pc_no", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("enroll_codes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("replaces", sa.String(length=36), nullable=True))
    conn = op.get_bind()
    rows = conn.execute(
        sa.text("SELECT id, center_id FROM devices ORDER BY center_id, created_at, id")
    ).all()
    numbers: dict[str, int] = {}
    for device_id, center_id in rows:
        numbers[center_id] = numbers.get(center_id, 0) + 1
        conn.execute(
            sa.text("UPDATE devices SET pc_no = :n WHERE id = :id"),
            {"n": numbers[center_id], "id": device_id},
        )


def downgrade() -> None:
    with op.batch_alter_table("enroll_codes", schema=None) as batch_op:
        batch_op.drop_column("replaces")
    with op.batch_alter_table("devices", schema=None) as batch_op:
        batch_op.drop_column("revoked_at")
        batch_op.drop_column("pc_no")

"""browse indexes: category tiles (covering, replaces the category index) and most viewed

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 04:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index(
            "ix_products_category_tiles", ["category_id", "active", "image_hash"], unique=False
        )
        batch_op.create_index("ix_products_views_id", [sa.desc("views"), "id"], unique=False)
        # The covering index starts with category_id: one index fewer to keep up on every import.
        batch_op.drop_index("ix_products_category_id")


def downgrade() -> None:
    with op.batch_alter_table("products", schema=None) as batch_op:
        batch_op.create_index("ix_products_category_id", ["category_id"], unique=False)
        batch_op.drop_index("ix_products_views_id")
        batch_op.drop_index("ix_products_category_tiles")

"""demand_daily: villagers' views and searches folded per center and server day

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03 10:40:00

Existing ``demand_counts`` events are folded in by the upgrade, so the reports start complete.
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "demand_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("center_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["center_id"], ["centers.id"]),
        sa.PrimaryKeyConstraint("day", "center_id", "kind", "key"),
    )
    op.create_index("ix_demand_daily_kind_day", "demand_daily", ["kind", "day"], unique=False)
    # Fold what was stored raw until now (accepted events only, one pass).
    bind = op.get_bind()
    rows = bind.execute(
        sa.text(
            "SELECT center_id, received_at, payload FROM events "
            "WHERE kind = 'demand_counts' AND status = 'accepted'"
        )
    )
    totals: dict[tuple[object, str, str, str], int] = {}
    for center_id, received_at, payload in rows:
        day = received_at.date() if hasattr(received_at, "date") else str(received_at)[:10]
        try:
            doc = json.loads(payload)
        except ValueError:
            continue
        for kind, key, n in _fold(doc):
            k = (day, center_id, kind, key)
            totals[k] = totals.get(k, 0) + n
    table = sa.table(
        "demand_daily",
        sa.column("day", sa.Date()),
        sa.column("center_id", sa.String()),
        sa.column("kind", sa.String()),
        sa.column("key", sa.String()),
        sa.column("count", sa.BigInteger()),
    )
    if totals:
        op.bulk_insert(
            table,
            [
                {"day": _date(d), "center_id": c, "kind": kd, "key": ky, "count": n}
                for (d, c, kd, ky), n in totals.items()
            ],
        )


def _fold(doc: dict) -> list[tuple[str, str, int]]:
    # The fold as this revision knew it; the running service's is central/demand.py.
    out = [("view", str(k)[:200], int(n)) for k, n in (doc.get("product_views") or {}).items()]
    out += [("visit", str(k)[:200], int(n)) for k, n in (doc.get("category_visits") or {}).items()]
    for q in doc.get("searches") or []:
        out.append(("search", str(q["query"])[:200], int(q["count"])))
        if q.get("no_result_count"):
            out.append(("search_empty", str(q["query"])[:200], int(q["no_result_count"])))
    return [row for row in out if row[2] > 0]


def _date(value: object) -> object:
    from datetime import date

    return value if isinstance(value, date) else date.fromisoformat(str(value))


def downgrade() -> None:
    op.drop_index("ix_demand_daily_kind_day", table_name="demand_daily")
    op.drop_table("demand_daily")

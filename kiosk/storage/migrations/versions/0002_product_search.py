"""product search: FTS5 table product_search (rowid = products.id)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 01:00:00

Written by hand: Alembic cannot autogenerate virtual tables (env.py leaves tables named
``product_search*`` out of comparisons). The key columns are filled from Python
(kiosk.search_keys); see docs/search.md. Existing active products are indexed here so a kiosk
upgraded from 0001 can search right away.
"""

from __future__ import annotations

from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# Keep in step with kiosk.storage.search.CREATE_SQL (a test checks they are equal). Copied here,
# not imported, so this revision keeps creating the same table whatever later code does.
CREATE_SQL = (
    "CREATE VIRTUAL TABLE product_search USING fts5("
    "uni, bi, py, ini, codes, "
    "tokenize = \"unicode61 remove_diacritics 0 tokenchars '-._'\", "
    "prefix = '1 2 3')"
)


def upgrade() -> None:
    op.execute(CREATE_SQL)
    # Backfill (empty on a new kiosk). Imported lazily: only this step needs the key builder.
    from kiosk.storage.search import reindex_connection

    reindex_connection(op.get_bind())


def downgrade() -> None:
    op.execute("DROP TABLE IF EXISTS product_search")

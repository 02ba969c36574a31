"""product_search in a cheaper shape: prefix indexes for 1-2 characters, no column sizes

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 17:00:00

Written by hand, like 0002. A first sync spent most of its store time writing the search index,
most of that in the prefix index of 3-character prefixes; column sizes (``%_docsize``) are only
used by bm25 ranking, which search does not use (docs/search.md, docs/benchmarks.md). The keys do
not change: the rows are copied out to a temporary table, the old table is dropped, and the rows
go into the new one in chunks of rowids (no pypinyin, no Python per row); then the new table is
merged into one segment with ``optimize``.
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# Keep in step with kiosk.storage.search.TABLE_SQL (a test checks they are equal). Copied here,
# not imported, so this revision keeps creating the same table whatever later code does.
CREATE_SQL = (
    "CREATE VIRTUAL TABLE product_search USING fts5("
    "uni, bi, py, ini, codes, "
    "tokenize = \"unicode61 remove_diacritics 0 tokenchars '-._'\", "
    "prefix = '1 2', columnsize = 0)"
)
#: The shape 0002 created (for downgrade).
OLD_SQL = (
    "CREATE VIRTUAL TABLE product_search USING fts5("
    "uni, bi, py, ini, codes, "
    "tokenize = \"unicode61 remove_diacritics 0 tokenchars '-._'\", "
    "prefix = '1 2 3')"
)
#: Rows copied per statement.
CHUNK = 5_000
_COLUMNS = "uni, bi, py, ini, codes"


def _rebuild(create_sql: str) -> None:
    """Replace product_search by a table made with ``create_sql`` holding the same rows.

    The rows wait in a temporary table (SQLite's temp file, not the kiosk's database) while the
    old table is dropped, so the new index reuses the old one's pages: copied inside the
    database, both would live in the file at once and leave it about 60 MB larger at 100,000
    products (SQLite files do not shrink without a VACUUM).
    """
    bind = op.get_bind()
    bind.exec_driver_sql(
        f"CREATE TEMP TABLE product_search_rows AS SELECT rowid AS id, {_COLUMNS}"
        " FROM product_search"
    )
    op.execute("DROP TABLE product_search")
    op.execute(create_sql)
    last = 0
    while True:
        row = bind.exec_driver_sql(
            f"SELECT max(id), count(*) FROM (SELECT id FROM temp.product_search_rows"
            f" WHERE id > ? ORDER BY id LIMIT {CHUNK})",
            (last,),
        ).one()
        if not row[1]:
            break
        bind.exec_driver_sql(
            f"INSERT INTO product_search (rowid, {_COLUMNS})"
            f" SELECT id, {_COLUMNS} FROM temp.product_search_rows"
            " WHERE id > ? AND id <= ? ORDER BY id",
            (last, row[0]),
        )
        last = int(row[0])
    bind.exec_driver_sql("DROP TABLE temp.product_search_rows")
    op.execute("INSERT INTO product_search (product_search) VALUES ('optimize')")


def upgrade() -> None:
    _rebuild(CREATE_SQL)


def downgrade() -> None:
    _rebuild(OLD_SQL)

"""Writing a catalog snapshot into the local catalog, one batch per transaction.

A snapshot (docs/sync-protocol.md, "Catalog snapshots") holds up to ~100,000 products; one
transaction for all of them would hold SQLite's write lock, and the GUI's order writes, for many
seconds. So it is applied in batches, and the catalog cursor says how far it got:

* before the first batch the cursor is empty (or :data:`APPLYING`, see below);
* every batch but the last commits with the cursor set to :data:`APPLYING` (``"00"``: central
  never sends it, as it writes numbers without leading zeros, yet to central it means "the start
  of the feed", so it is always a safe cursor to resume from, snapshot or not);
* the last batch commits with the snapshot's own cursor.

A kill mid-apply therefore leaves the cursor at ``"00"``: the next sync **redoes** the snapshot
(every write is an idempotent upsert by SKU), it never continues half-way. A catalog file import
in between clears the cursor (``import_catalog_file`` empties a non-empty cursor), which the next
batch sees: the apply stops, writing nothing more, and the next sync starts over.

Only this module and :mod:`kiosk.storage.catalog` (whose public functions it calls) write SQL.
"""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.storage import catalog
from kiosk.storage.settings import CATALOG_CURSOR
from kiosk.storage.store import KioskStore

#: The catalog cursor while a snapshot is half-applied.
APPLYING = "00"


def may_start(cursor: str | None) -> bool:
    """Whether a catalog cursor is one a snapshot may be applied over (nothing synced yet, or a
    snapshot apply that did not finish)."""
    return (cursor or "") in ("", APPLYING)


def apply_batch(
    store: KioskStore,
    categories: Iterable[tuple[str, int, bool]],
    live: list[catalog.ProductRecord],
    gone: list[str],
    *,
    first: bool,
    final_cursor: str | None,
) -> int | None:
    """Write one batch of a snapshot in one transaction.

    Args:
        store: the local store.
        categories: every category (written with the first batch).
        live: products to create or update.
        gone: SKUs to remove (the snapshot's tombstones).
        first: the first batch (the cursor may be empty or :data:`APPLYING`; later batches need
            :data:`APPLYING`).
        final_cursor: the snapshot's cursor, for the last batch; ``None`` for the others.

    Returns:
        Products removed, or ``None`` when nothing was written because the cursor moved (a
        catalog file import since the apply began).
    """
    with store.write() as s:
        cursor = KioskStore.get_setting(s, CATALOG_CURSOR) or ""
        if not (may_start(cursor) if first else cursor == APPLYING):
            return None
        if first:
            catalog.upsert_categories(s, categories)
        if live:
            catalog.upsert_products(s, live)
        removed = catalog.delete_products(s, gone) if gone else 0
        KioskStore.set_setting(
            s, CATALOG_CURSOR, APPLYING if final_cursor is None else final_cursor
        )
    return removed

"""Bulk catalog writes (a first sync): ids chosen up front, precomputed keys, index in step."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import text

from kiosk.search_keys import product_keys
from kiosk.storage import search
from kiosk.storage.catalog import ProductRecord, delete_products, upsert_products
from kiosk.storage.store import KioskStore
from kiosk.synthetic import generate_catalog


def _records(n: int, seed: int = 0, *, with_keys: bool = False) -> list[ProductRecord]:
    return [
        ProductRecord(
            sku=p.sku,
            name=p.name,
            category=p.category,
            price_fen=p.price_fen,
            unit=p.unit,
            description=p.description,
            stock=str(p.stock),
            barcode=p.barcode,
            active=p.active,
            server_version=i + 1,
            keys=product_keys(p.name, p.sku, p.barcode) if with_keys and p.active else None,
        )
        for i, p in enumerate(generate_catalog(n, seed))
    ]


def _index(store: KioskStore) -> list[tuple[Any, ...]]:
    with store.read() as s:
        rows = s.execute(
            text(f"SELECT rowid, uni, bi, py, ini, codes FROM {search.TABLE} ORDER BY rowid")
        )
        return [tuple(r) for r in rows]


def _products(store: KioskStore) -> dict[str, tuple[Any, ...]]:
    with store.read() as s:
        rows = s.execute(text("SELECT sku, id, name, price_fen, active, views FROM products"))
        return {r[0]: tuple(r[1:]) for r in rows}


def _rebuilt(store: KioskStore) -> list[tuple[Any, ...]]:
    with store.write() as s:
        search.reindex_all(s)
    return _index(store)


def test_pages_into_an_empty_store_index_exactly_what_a_rebuild_would(store: KioskStore) -> None:
    recs = _records(1200, with_keys=True)
    for start in range(0, len(recs), 500):  # pages, as the sync engine writes them
        with store.write() as s:
            counts = upsert_products(s, recs[start : start + 500])
        assert counts.created == len(recs[start : start + 500])
    products = _products(store)
    assert len(products) == 1200
    ids = sorted(v[0] for v in products.values())
    assert ids == list(range(1, 1201))  # chosen up front, one after another
    assert all(v[4] == 0 for v in products.values())  # views start at 0
    indexed = _index(store)
    active = sum(1 for r in recs if r.active)
    assert len(indexed) == active < 1200  # inactive products have no search row
    assert indexed == _rebuilt(store)


def test_precomputed_keys_give_the_same_rows_as_computing_them(
    store: KioskStore, tmp_path: Any
) -> None:
    with store.write() as s:
        upsert_products(s, _records(300, seed=4, with_keys=True))
    other = KioskStore.open(tmp_path / "other")
    try:
        with other.write() as s:
            upsert_products(s, _records(300, seed=4, with_keys=False))
        assert _index(store) == _index(other)
    finally:
        other.close()


def test_a_mixed_page_after_deletions_keeps_ids_unique_and_the_index_in_step(
    store: KioskStore,
) -> None:
    recs = _records(400, seed=9)
    with store.write() as s:
        upsert_products(s, recs[:300])
    top = max(v[0] for v in _products(store).values())
    with store.write() as s:
        delete_products(s, [recs[299].sku, recs[10].sku])  # the highest id among them
    changed = [
        replace(recs[0], price_fen=recs[0].price_fen + 1),  # price only: no reindex needed
        replace(recs[1], name="独一无二测试品 X1", active=True),  # renamed
        replace(recs[2], active=False),  # deactivated
        recs[3],  # unchanged
    ]
    with store.write() as s:
        counts = upsert_products(s, [*changed, recs[10], *recs[300:]])
    was_active = int(recs[2].active)
    assert (counts.created, counts.updated, counts.unchanged) == (
        101,
        2 + was_active,
        2 - was_active,
    )
    products = _products(store)
    assert len(products) == 399 and len({v[0] for v in products.values()}) == 399
    assert products[recs[10].sku][0] >= top  # a new row, never an id still in use
    assert _index(store) == _rebuilt(store)
    with store.read() as s:
        found = {h.sku for h in search.search_products(s, "duyiwuer")}
    assert recs[1].sku in found

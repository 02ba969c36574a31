"""Migration 0007: a 0006 store with products is rebuilt in the new search table shape, and every
class of query answers exactly as before. Real files, real Alembic, the real upgrade at open."""

from __future__ import annotations

import importlib.util
import sqlite3
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy.orm import Session

from kiosk.search_keys import KEYS_VERSION
from kiosk.storage import migrate, search
from kiosk.storage.backup import integrity_check
from kiosk.storage.catalog import ProductRecord, upsert_products
from kiosk.storage.search import search_products
from kiosk.storage.settings import SEARCH_KEYS_VERSION
from kiosk.storage.store import KioskStore, make_engine
from kiosk.synthetic import generate_catalog

VERSIONS = Path(search.__file__).parent / "migrations" / "versions"

#: Every held class of query: 1-2 characters, longer Chinese, full pinyin, initials, polyphonic
#: readings, mixed, Latin words, SKUs and barcodes (filled in from the catalog below).
QUERIES = [
    "米",
    "油",
    "空调",
    "大米",
    "洗衣机",
    "调和油",
    "x",
    "xi",
    "kt",
    "xyj",
    "dami",
    "xiyiji",
    "changcheng",
    "zhangcheng",
    "zhongqing",
    "xi yi ji",
    "海尔xyj",
    "金龙鱼 5l",
    "ly",
    "ly-0000",
]


def _load(name: str) -> object:
    spec = importlib.util.spec_from_file_location(name, next(VERSIONS.glob(f"{name}_*.py")))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_migration_0007_creates_the_table_search_expects() -> None:
    module = _load("0007")
    assert module.CREATE_SQL == search.TABLE_SQL  # type: ignore[attr-defined]
    assert (module.revision, module.down_revision) == ("0007", "0006")  # type: ignore[attr-defined]


def _table_sql(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        row = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'product_search'").fetchone()
    return str(row[0])


def _rows(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("SELECT rowid, * FROM product_search ORDER BY rowid").fetchall()
    finally:
        conn.close()


def _answers(session: Session, queries: list[str]) -> dict[str, list[tuple[str, int]]]:
    return {
        q: [(h.sku, h.rank_tier) for h in search_products(session, q, limit=60)] for q in queries
    }


@pytest.fixture()
def store_at_0006(tmp_path: Path) -> tuple[Path, list[str]]:
    """A kiosk data dir whose database is at revision 0006, with 6,000 products indexed."""
    data = tmp_path / "kiosk"
    data.mkdir()
    db = data / "kiosk.db"
    engine = make_engine(db, immediate=True)
    products = generate_catalog(6_000, seed=3)  # more rows than one copy chunk of 0007
    records = [
        ProductRecord(
            sku=p.sku,
            name=p.name,
            category=p.category,
            price_fen=p.price_fen,
            unit=p.unit,
            barcode=p.barcode,
            active=p.active,
            server_version=i + 1,
        )
        for i, p in enumerate(products)
    ]
    try:
        with engine.connect() as conn:
            cfg = migrate.alembic_config()
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "0006")
            conn.commit()
        with Session(engine) as s, s.begin():
            upsert_products(s, records)
            KioskStore.set_setting(s, SEARCH_KEYS_VERSION, str(KEYS_VERSION))
    finally:
        engine.dispose()
    codes = [products[17].sku, products[4321].sku.lower()]
    codes += [p.barcode for p in products[100:] if p.barcode][:1]
    return data, codes


def test_upgrade_from_0006_keeps_every_query_answering_the_same(
    store_at_0006: tuple[Path, list[str]],
) -> None:
    data, codes = store_at_0006
    db = data / "kiosk.db"
    queries = QUERIES + codes
    assert "prefix = '1 2 3'" in _table_sql(db)
    before_rows = _rows(db)
    engine = make_engine(db, immediate=False)
    try:
        with Session(engine) as s:
            before = _answers(s, queries)
    finally:
        engine.dispose()
    assert all(before[q] for q in queries), [q for q in queries if not before[q]]

    with KioskStore.open(data) as store:  # upgrades to head, as a kiosk does at start
        assert store.schema_revision() == migrate.head_revision()
        with store.read() as s:
            after = _answers(s, queries)

    assert _table_sql(db) == search.TABLE_SQL
    assert _rows(db) == before_rows  # the same keys, copied, not recomputed
    for q in queries:
        assert after[q] == before[q], q
    assert integrity_check(db) == "ok"
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute(
                "INSERT INTO product_search (product_search) VALUES ('integrity-check')"
            ).fetchall()
            == []
        )
    conn.close()


def test_downgrade_from_0007_restores_the_old_shape_with_the_same_rows(
    store_at_0006: tuple[Path, list[str]],
) -> None:
    data, _codes = store_at_0006
    db = data / "kiosk.db"
    before_rows = _rows(db)
    KioskStore.open(data).close()
    engine = make_engine(db, immediate=True)
    try:
        with engine.connect() as conn:
            cfg = migrate.alembic_config()
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "0006")
            conn.commit()
    finally:
        engine.dispose()
    assert "prefix = '1 2 3'" in _table_sql(db)
    assert _rows(db) == before_rows

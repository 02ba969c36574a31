"""The quick store (plain sqlite3) writes exactly the rows place_order writes, and steps aside
whenever the full open has work to do (no database, a migration, a stale index, damage)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from kiosk.catalog import StockState
from kiosk.customers import Customer
from kiosk.errors import InvalidInput
from kiosk.kernel.dbfiles import LiveDatabaseFileIO
from kiosk.orders import LineRequest, Payment
from kiosk.pickup import verify_pickup_code
from kiosk.storage import order_rows, outbox, pullback_flag
from kiosk.storage import orders as svc
from kiosk.storage.cash import CashKind
from kiosk.storage.quick_store import QuickStore, open_ready
from kiosk.storage.settings import SEARCH_KEYS_VERSION
from kiosk.storage.store import KioskStore
from kiosk.wire import EventKind, OrderPlacedPayload
from tests.helpers.seed import seed_products

VILLAGER = Customer.of("张三", "13812345678")
LINES = [LineRequest("LY-0001", 2), LineRequest("RY-0001", 1), LineRequest("LY-0001", 1)]

#: Columns that differ between two placements by design (ids, clock, salt and hash).
VARYING = {"id", "order_id", "entry_id", "subject", "subject_id", "at", "created_at"}
VARYING |= {"updated_at", "placed_at", "pickup_salt", "pickup_hash", "seq"}


def _rows(store: KioskStore) -> dict[str, list[dict[str, Any]]]:
    """Every row an order writes, without the columns that vary by design."""
    tables = ("orders", "order_lines", "customers", "outbox", "cash_entries", "audit_log")
    out: dict[str, list[dict[str, Any]]] = {}
    with store.read() as s:
        for table in tables:
            rows = [dict(r._mapping) for r in s.execute(text(f"SELECT * FROM {table}"))]
            for row in rows:
                if table == "outbox":
                    payload = json.loads(row["payload"])
                    row["payload"] = {k: v for k, v in payload.items() if k not in VARYING}
                for key in VARYING & set(row):
                    row[key] = type(row[key]).__name__  # present, of the same type
            out[table] = rows
        out["settings"] = [
            dict(r._mapping) for r in s.execute(text("SELECT * FROM settings ORDER BY key"))
        ]
    return out


def _quick(data_dir: Path) -> QuickStore:
    quick = open_ready(data_dir)
    assert quick is not None
    return quick


def test_quick_store_writes_the_same_rows_as_place_order(tmp_path: Path) -> None:
    stores = []
    for name in ("full", "quick"):
        store = KioskStore.open(tmp_path / name)
        seed_products(store)
        stores.append(store)
    full, quick_side = stores
    try:
        payments = (Payment.CASH, Payment.ON_PICKUP, Payment.CASH)
        for payment in payments:
            svc.place_order(full, VILLAGER, LINES, payment, actor="owner")
        quick = _quick(quick_side.data_dir)
        try:
            placed = [quick.place_order(VILLAGER, LINES, p, actor="owner") for p in payments]
        finally:
            quick.close()
        assert [p.local_no for p in placed] == ["LOCAL-0001", "LOCAL-0002", "LOCAL-0003"]
        assert _rows(quick_side) == _rows(full)
        with quick_side.read() as s:
            salt, digest = s.execute(
                text("SELECT pickup_salt, pickup_hash FROM orders WHERE id = :i"),
                {"i": placed[0].order_id},
            ).one()
        assert verify_pickup_code(placed[0].pickup_code, salt, digest)
    finally:
        for store in stores:
            store.close()


def test_order_placed_payload_is_the_wire_models_own(store: KioskStore) -> None:
    seed_products(store)
    placed = svc.place_order(store, VILLAGER, LINES, Payment.CASH)
    with store.read() as s:
        raw = s.execute(
            text("SELECT payload FROM outbox WHERE subject_id = :i"), {"i": placed.order_id}
        ).scalar_one()
    payload = json.loads(raw)
    model = OrderPlacedPayload.model_validate(payload)
    assert model.model_dump(mode="json") == payload
    assert raw == json.dumps(
        model.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def test_order_rows_constants_match_their_sources() -> None:
    assert EventKind.ORDER_PLACED.value == order_rows.ORDER_PLACED_EVENT
    assert CashKind.ORDER_CASH.value == order_rows.ORDER_CASH
    assert StockState.OUT.value == order_rows.OUT_OF_STOCK
    assert order_rows.PULLBACK_RESTORE == pullback_flag.RESTORE
    assert order_rows.OUTBOX_PENDING == outbox.PENDING


def test_a_refused_order_leaves_nothing(store: KioskStore) -> None:
    seed_products(store)
    before = _rows(store)
    quick = _quick(store.data_dir)
    try:
        with pytest.raises(InvalidInput, match="NOPE"):
            quick.place_order(VILLAGER, [LineRequest("LY-0001", 1), LineRequest("NOPE", 1)], "cash")
        with pytest.raises(InvalidInput, match="NOPE"):
            quick.check_orderable(["LY-0001", "NOPE"])
    finally:
        quick.close()
    assert _rows(store) == before


def test_no_database_yet_needs_the_full_open(tmp_path: Path) -> None:
    assert open_ready(tmp_path / "new") is None
    assert not (tmp_path / "new" / "kiosk.db").exists()


def test_a_schema_behind_head_needs_the_full_open(store: KioskStore) -> None:
    with store.write() as s:
        s.execute(text("UPDATE alembic_version SET version_num = '0005'"))
    assert open_ready(store.data_dir) is None


def test_a_stale_search_index_needs_the_full_open(store: KioskStore) -> None:
    with store.write() as s:
        KioskStore.set_setting(s, SEARCH_KEYS_VERSION, "0")
    assert open_ready(store.data_dir) is None


def test_a_damaged_file_needs_the_full_open(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "kiosk.db").write_bytes(b"not a database at all, only text" * 200)
    assert open_ready(data_dir) is None


def test_live_database_files_rule_holds_while_open(store: KioskStore) -> None:
    store.close()  # only the quick store's connection is open below
    db = store.data_dir / "kiosk.db"
    quick = _quick(store.data_dir)
    try:
        with pytest.raises(LiveDatabaseFileIO):
            db.read_bytes()
    finally:
        quick.close()
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"

"""Damaged database (docs/reliability.md): a damaged database is detected, moved aside, restored,
rescued; nothing is uploaded.

Each test builds a shop on real files: a catalog, orders A, a backup (online backup API), then
orders B placed after the backup. The files are then damaged the way a shop PC damages them
(bytes flipped in the middle, the file cut short, a hot ``-wal`` deleted after a power cut, a
clobbered header). The app's start-up path (:func:`open_or_recover`) must notice, move the files
aside together into ``damaged/<time>/``, restore the backup, and put back the orders B it can read
— saying plainly what it could not.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage.backup import backup_database, integrity_check
from kiosk.storage.damage import StoreDamaged, probe_files
from kiosk.storage.orders import place_order
from kiosk.storage.recovery import (
    REPORT_FILENAME,
    damaged_reason,
    marker_path,
    open_or_recover,
    verify_store,
)
from kiosk.storage.store import KioskStore
from kiosk.sync.client import CentralClient, RetryPolicy, Timeouts, make_http_client
from kiosk.sync.credentials import StaticCredentials
from kiosk.sync.engine import SyncEngine
from tests.conftest import REPO_ROOT
from tests.helpers.seed import seed_products, synthetic_products
from tests.sync.fake_central import TOKEN, FakeCentral

Shop = dict[str, list[str]]


def _place(store: KioskStore, n: int, start: int) -> list[str]:
    ids = []
    for i in range(start, start + n):
        lines = [LineRequest(f"SY-{1 + (i * 7 + k) % 300:06d}", 1 + k) for k in range(1 + i % 3)]
        placed = place_order(store, Customer.of(f"村民{i}", f"139{i:08d}"), lines, Payment.CASH)
        ids.append(placed.order_id)
    return ids


def _build_shop(data_dir: Path) -> Shop:
    """300 products, orders A, a backup, orders B; closed cleanly (no journal left)."""
    with KioskStore.open(data_dir) as store:
        seed_products(store, synthetic_products(300))
        a = _place(store, 4, 0)
        backup_database(store.path, store.backup_dir / "kiosk-20260101T000000Z.db")
        b = _place(store, 5, 100)
    return {"A": a, "B": b}


def _orders(db: Path) -> dict[str, tuple[int, int, int]]:
    """order id -> (lines, sum of line totals, total) of every order in ``db``."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT o.id, count(l.id), coalesce(sum(l.line_total_fen), 0), o.total_fen"
            " FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id GROUP BY o.id"
        ).fetchall()
    finally:
        conn.close()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def _pending_order_events(db: Path) -> set[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return {
            r[0]
            for r in conn.execute(
                "SELECT subject_id FROM outbox WHERE kind = 'order_placed' AND state = 'pending'"
            )
        }
    finally:
        conn.close()


def _pages_of(db: Path, table: str) -> list[int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [
            r[0]
            for r in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = ? AND pagetype = 'leaf' ORDER BY pageno",
                (table,),
            )
        ]
    finally:
        conn.close()


def _engine(store: KioskStore, central: FakeCentral) -> SyncEngine:
    http = make_http_client("http://central.test", Timeouts(), transport=central.transport())
    client = CentralClient(http, policy=RetryPolicy(), sleep=lambda _s: None, rand=lambda: 0.5)
    return SyncEngine(store, client, StaticCredentials(TOKEN))


def _local_numbers(db: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT id, local_no FROM orders").fetchall())
    finally:
        conn.close()


def _check_recovered(
    data_dir: Path, shop: Shop, expect_rescued: list[str], *, events_complete: bool = True
) -> str:
    """Start the app's way; check files moved together, backup restored, orders rescued."""
    before = {p.name for p in data_dir.iterdir() if p.name.startswith("kiosk.db")}
    store, report = open_or_recover(data_dir)
    try:
        assert report is not None, "the damage was not detected"
        moved = Path(report.damaged_dir)
        assert moved.parent == data_dir / "damaged"
        # Every database file that was there is now in the damaged folder, together.
        assert {p.name for p in moved.iterdir() if p.name.startswith("kiosk.db")} == before
        assert not marker_path(data_dir).exists()
        assert report.restored_from is not None
        assert report.orders_from_backup == len(shop["A"])
        text = (moved / REPORT_FILENAME).read_text(encoding="utf-8")
        assert "Restored from the backup" in text
        orders = _orders(store.path)
        assert set(shop["A"]) <= set(orders), "orders in the backup must be back"
        assert set(expect_rescued) <= set(orders), "readable orders B must be rescued"
        assert report.orders_rescued == len(expect_rescued)
        assert all(n >= 1 and s == t for n, s, t in orders.values()), "a half-written order"
        assert integrity_check(store.path) == "ok"
        # Rescued orders keep their ids and their still-unsent events: exactly once at central.
        if events_complete:
            assert set(expect_rescued) <= _pending_order_events(store.path)
        with store.read() as s:
            from sqlalchemy import text as sql

            audit = s.execute(sql("SELECT detail FROM audit_log WHERE action = 'recovered'"))
            assert [r[0] for r in audit] == [report.summary()]
        return text
    finally:
        store.close()


def test_flipped_bytes_are_flagged_nothing_is_uploaded_then_recovered(data_dir: Path) -> None:
    shop = _build_shop(data_dir)
    db = data_dir / "kiosk.db"
    pages = _pages_of(db, "products")
    page = pages[len(pages) // 2]
    with db.open("rb+") as fh:  # page header and cell pointers of a catalog page in the middle
        fh.seek((page - 1) * 4096)
        raw = fh.read(32)
        fh.seek((page - 1) * 4096)
        fh.write(bytes(b ^ 0xFF for b in raw))
    # Start-up's cheap checks cannot see this; the background quick_check does.
    assert probe_files(db) is None
    with KioskStore.open(data_dir) as store:
        assert verify_store(data_dir) != "ok"
        assert damaged_reason(data_dir) is not None
        central = FakeCentral()
        engine = _engine(store, central)
        summary = engine.run_once()
        engine.client.close()
    assert not summary.ok
    assert "damaged" in summary.errors[0]
    assert central.requests == [], "a flagged store talked to the platform"
    assert central.events == {}

    _check_recovered(data_dir, shop, expect_rescued=shop["B"])
    # Healthy again: the rescued orders go up once each.
    with KioskStore.open(data_dir) as store:
        central = FakeCentral()
        engine = _engine(store, central)
        summary = engine.run_once()
        engine.client.close()
    placed = [e["event"] for e in central.events.values() if e["event"]["kind"] == "order_placed"]
    assert sorted(e["subject_id"] for e in placed) == sorted(shop["A"] + shop["B"])
    assert len(central.events) == summary.pushed


@pytest.mark.parametrize("garbage", [16, 100], ids=["magic", "whole-header"])
def test_garbage_header(data_dir: Path, garbage: int) -> None:
    shop = _build_shop(data_dir)
    db = data_dir / "kiosk.db"
    with db.open("rb+") as fh:
        fh.write((b"\x13\x37garbage!" * 10)[:garbage])
    with pytest.raises(StoreDamaged, match="damaged header"):
        KioskStore.open(data_dir)
    if garbage == 16:  # only the magic string: every page is still readable
        _check_recovered(data_dir, shop, expect_rescued=shop["B"])
    else:  # page size and schema pointers gone: nothing to read, and the report says so
        text = _check_recovered(data_dir, shop, expect_rescued=[])
        assert "Could NOT be recovered" in text
        assert "could not be read" in text


def test_truncated_file(data_dir: Path) -> None:
    shop = _build_shop(data_dir)
    db = data_dir / "kiosk.db"
    size = db.stat().st_size
    keep = size - 2 * 4096 - 1000
    cut_tables = {
        t for t in ("orders", "order_lines", "outbox") if max(_pages_of(db, t)) * 4096 > keep
    }
    # The tail of this file is queue pages (the outbox grows last); orders and lines survive.
    assert cut_tables == {"outbox"}
    with db.open("rb+") as fh:
        fh.truncate(keep)
    with pytest.raises(StoreDamaged, match="cut short"):
        KioskStore.open(data_dir)
    text = _check_recovered(data_dir, shop, expect_rescued=shop["B"], events_complete=False)
    # An order back without its record for the platform is named, never passed over in silence.
    pending = _pending_order_events(db)
    numbers = _local_numbers(db)
    missing = [numbers[o] for o in shop["B"] if o not in pending]
    assert missing, "the cut should have taken some queued events with it"
    for no in missing:
        assert f"order {no} is back in the kiosk, but its record" in text


def test_deleted_hot_wal(data_dir: Path) -> None:
    """Orders committed only to the -wal are lost when it is deleted; the report says so."""
    shop = _build_shop(data_dir)
    # A kiosk process places orders C, then the power goes: the -wal and -shm stay behind.
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.order_child", str(data_dir), "7"],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == "READY\n"
    acked_c = [proc.stdout.readline().split()[1] for _ in range(3)]
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    proc.stdout.close()
    db = data_dir / "kiosk.db"
    wal = db.with_name("kiosk.db-wal")
    assert wal.stat().st_size > 0 and db.with_name("kiosk.db-shm").exists()
    wal.unlink()  # a "clean-up" after the power cut
    problem = probe_files(db)
    assert problem is not None and "missing" in problem
    text = _check_recovered(data_dir, shop, expect_rescued=shop["B"])
    assert "journal file with the last" in text and "may be lost" in text
    orders = _orders(db)
    assert not set(acked_c) & set(orders), "orders only in the deleted journal cannot be back"


def test_healthy_store_is_left_alone(data_dir: Path) -> None:
    _build_shop(data_dir)
    assert verify_store(data_dir) == "ok"
    store, report = open_or_recover(data_dir)
    store.close()
    assert report is None
    assert not (data_dir / "damaged").exists()


def test_no_backup_starts_empty_and_rescues(data_dir: Path) -> None:
    shop = _build_shop(data_dir)
    for b in (data_dir / "backups").glob("*.db"):
        b.unlink()
    db = data_dir / "kiosk.db"
    with db.open("rb+") as fh:
        fh.write(b"garbage!garbage!")
    store, report = open_or_recover(data_dir)
    try:
        assert report is not None and report.restored_from is None
        assert report.orders_rescued == len(shop["A"]) + len(shop["B"])
        assert set(_orders(store.path)) == set(shop["A"]) | set(shop["B"])
        assert "No usable backup" in report.text()
    finally:
        store.close()


def test_tech_recover_command(data_dir: Path) -> None:
    """``kiosk tech recover``: the full check in the foreground, then the repair."""
    shop = _build_shop(data_dir)
    db = data_dir / "kiosk.db"
    page = _pages_of(db, "products")[2]
    with db.open("rb+") as fh:
        fh.seek((page - 1) * 4096)
        fh.write(b"\xff" * 32)
    env = os.environ | {"KIOSK_DATA_DIR": str(data_dir)}
    run = [sys.executable, "-m", "kiosk", "tech", "recover"]
    check = subprocess.run([*run, "--check-only"], cwd=REPO_ROOT, env=env, capture_output=True)
    assert check.returncode == 1, check.stderr
    assert b"Damaged: quick_check" in check.stdout
    assert not (data_dir / "damaged").exists()
    fixed = subprocess.run(run, cwd=REPO_ROOT, env=env, capture_output=True, text=True)
    assert fixed.returncode == 0, fixed.stderr
    assert f"Orders rescued from the damaged file: {len(shop['B'])}" in fixed.stdout
    again = subprocess.run([*run, "--check-only"], cwd=REPO_ROOT, env=env, capture_output=True)
    assert again.returncode == 0 and b"healthy" in again.stdout

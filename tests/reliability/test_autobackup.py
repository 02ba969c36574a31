"""Automatic backups (docs/reliability.md) while orders keep coming, interruption, and retention."""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage import backup as backup_mod
from kiosk.storage.autobackup import KEEP_DAILY, auto_backups, backup_if_due, prune
from kiosk.storage.backup import integrity_check
from kiosk.storage.orders import place_order
from kiosk.storage.recovery import flag_damaged
from kiosk.storage.store import KioskStore
from tests.helpers.seed import ORDERABLE, seed_products

DAY0 = datetime(2026, 11, 1, 20, 0, tzinfo=UTC)


def _orders_in(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])
    finally:
        conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backups_while_orders_are_placed_all_pass_and_seven_are_kept(store: KioskStore) -> None:
    seed_products(store)
    stop = threading.Event()
    committed = threading.Condition()
    placed: list[str] = []
    errors: list[BaseException] = []

    def counter() -> None:
        try:
            i = 0
            while not stop.is_set():
                line = LineRequest(ORDERABLE[i % 3], 1 + i % 4)
                who = Customer.of("张三", f"1381234{i % 10000:04d}")
                order_id = place_order(store, who, [line], Payment.CASH).order_id
                with committed:
                    placed.append(order_id)
                    committed.notify_all()
                i += 1
        except BaseException as exc:  # surfaced below: a failing writer must fail the test
            errors.append(exc)
            with committed:
                committed.notify_all()

    writer = threading.Thread(target=counter, daemon=True)
    writer.start()
    made: list[Path] = []
    counts: list[int] = []
    try:
        for day in range(KEEP_DAILY + 3):
            # Each backup starts after the writer committed one more order, so they overlap
            # whatever an order costs (the pickup-code hash alone is tens of milliseconds).
            with committed:
                seen = len(placed)
                committed.wait_for(lambda n=seen: len(placed) > n or bool(errors), timeout=30)
            path = backup_if_due(store.data_dir, max_age_s=0, now=DAY0 + timedelta(days=day))
            assert path is not None
            made.append(path)
            assert integrity_check(path) == "ok"
            counts.append(_orders_in(path))
    finally:
        stop.set()
        writer.join(timeout=30)
    assert not errors, errors
    assert counts == sorted(counts), "a later backup holds fewer orders than an earlier one"
    assert counts[-1] > counts[0], "the writer did not overlap the backups"
    kept = auto_backups(store.data_dir)
    assert kept == sorted(made, reverse=True)[:KEEP_DAILY]
    assert not list(store.backup_dir.glob("*.partial"))


def test_not_due_and_not_from_a_damaged_store(store: KioskStore) -> None:
    first = backup_if_due(store.data_dir, now=DAY0)
    assert first is not None
    # The file was just written: the next one is due a day later, not now.
    assert backup_if_due(store.data_dir) is None
    flag_damaged(store.data_dir, "quick_check: test")
    assert backup_if_due(store.data_dir, max_age_s=0, now=DAY0 + timedelta(days=2)) is None
    assert auto_backups(store.data_dir) == [first]


def test_interrupted_backup_leaves_the_previous_one_intact(
    store: KioskStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed_products(store)
    place_order(
        store, Customer.of("张三", "13812345678"), [LineRequest("LY-0001", 1)], Payment.CASH
    )
    previous = backup_if_due(store.data_dir, max_age_s=0, now=DAY0)
    assert previous is not None
    before = _digest(previous)
    place_order(
        store, Customer.of("张三", "13812345678"), [LineRequest("LY-0002", 1)], Payment.CASH
    )

    def power_cut(src: object, dst: object) -> None:
        raise OSError("injected: power cut before the rename")

    monkeypatch.setattr(backup_mod.os, "replace", power_cut)
    with pytest.raises(OSError, match="injected"):
        backup_if_due(store.data_dir, max_age_s=0, now=DAY0 + timedelta(days=1))
    # Also over the same name: the old file must survive a copy that never finished.
    with pytest.raises(OSError, match="injected"):
        backup_mod.backup_database(store.path, previous)
    monkeypatch.undo()
    assert auto_backups(store.data_dir) == [previous]
    assert _digest(previous) == before
    assert integrity_check(previous) == "ok"
    assert _orders_in(previous) == 1
    assert not list(store.backup_dir.glob("*.partial"))


def test_retention_never_deletes_the_last_good_backup(store: KioskStore) -> None:
    made = [
        backup_if_due(store.data_dir, max_age_s=0, now=DAY0 + timedelta(days=d)) for d in range(9)
    ]
    assert all(p is not None for p in made)
    assert len(auto_backups(store.data_dir)) == KEEP_DAILY
    # Damage every kept one: the newest good one, older than the seven, must then stay.
    kept = auto_backups(store.data_dir)
    for p in kept:
        p.write_bytes(b"rotten" * 1000)
    older = DAY0 - timedelta(days=5)
    good_old = backup_if_due(store.data_dir, max_age_s=0, now=older)
    oldest = backup_if_due(store.data_dir, max_age_s=0, now=older - timedelta(days=1))
    assert good_old is not None and oldest is not None
    # Those two calls pruned too; the newer of the old good ones survived them.
    assert good_old.exists()
    assert not oldest.exists()
    assert prune(store.data_dir) == []
    assert set(auto_backups(store.data_dir)) == {*kept, good_old}

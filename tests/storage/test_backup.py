"""Online backups (docs/reliability.md): taken while writes go on, checked, never half-replacing the
last."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.customers import Customer
from kiosk.errors import StoreProblem
from kiosk.orders import LineRequest, Payment
from kiosk.storage import backup as backup_mod
from kiosk.storage import models as m
from kiosk.storage.backup import backup_database, integrity_check
from kiosk.storage.orders import place_order
from kiosk.storage.store import KioskStore
from tests.helpers.seed import ORDERABLE, seed_products

VILLAGER = Customer.of("张三", "13812345678")


def _order(store: KioskStore, qty: int = 1) -> str:
    return place_order(store, VILLAGER, [LineRequest(ORDERABLE[0], qty)], Payment.CASH).order_id


def _orders_in(path: Path) -> dict[str, tuple[int, int]]:
    """order id → (number of lines, number of outbox events) in the database file at ``path``."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT o.id, (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id),"
            " (SELECT count(*) FROM outbox e WHERE e.subject_id = o.id) FROM orders o"
        ).fetchall()
    finally:
        conn.close()
    return {r[0]: (r[1], r[2]) for r in rows}


@pytest.fixture
def shop(store: KioskStore) -> KioskStore:
    seed_products(store)
    return store


def test_backup_is_a_checked_standalone_copy(shop: KioskStore, tmp_path: Path) -> None:
    ids = [_order(shop) for _ in range(3)]
    dest = backup_database(shop.path, tmp_path / "out" / "copy.db")
    assert dest == tmp_path / "out" / "copy.db"
    assert integrity_check(dest) == "ok"
    assert set(_orders_in(dest)) == set(ids)
    assert not dest.with_name("copy.db-wal").exists()  # journal_mode=DELETE: one file to carry
    assert not list(dest.parent.glob("*.partial"))


def test_backup_does_not_wait_for_an_open_write(shop: KioskStore, tmp_path: Path) -> None:
    committed = _order(shop)
    with shop.write() as s:
        s.add(m.Setting(key="uncommitted", value="yes"))
        s.flush()  # the write lock is held and a change is pending
        dest = backup_database(shop.path, tmp_path / "during.db")
    assert integrity_check(dest) == "ok"
    assert set(_orders_in(dest)) == {committed}
    conn = sqlite3.connect(dest)
    try:
        assert conn.execute("SELECT count(*) FROM settings WHERE key='uncommitted'").fetchone() == (
            0,
        )
    finally:
        conn.close()


def test_backups_while_another_thread_places_orders(shop: KioskStore, tmp_path: Path) -> None:
    stop = threading.Event()
    placed: list[str] = []
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            while not stop.is_set():
                placed.append(_order(shop, qty=len(placed) % 5 + 1))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    thread = threading.Thread(target=writer, name="order-writer")
    thread.start()
    copies: list[dict[str, tuple[int, int]]] = []
    try:
        for i in range(5):
            dest = backup_database(shop.path, tmp_path / f"b{i}.db")
            assert integrity_check(dest) == "ok"
            copies.append(_orders_in(dest))
    finally:
        stop.set()
        thread.join(timeout=30)
    assert not errors, errors
    assert placed, "the writer thread placed no orders"
    final = set(placed)
    for snapshot in copies:
        # Each copy is a consistent snapshot: whole orders only, each with its line and event.
        assert set(snapshot) <= final
        assert all(v == (1, 1) for v in snapshot.values())
    assert [len(c) for c in copies] == sorted(len(c) for c in copies)


def test_failure_before_the_rename_keeps_the_previous_backup(
    shop: KioskStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _order(shop)
    dest = backup_database(shop.path, tmp_path / "kiosk.db")
    before = dest.read_bytes()
    _order(shop)

    def refuse(*_args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backup_mod.os, "replace", refuse)
    with pytest.raises(OSError, match="No space"):
        backup_database(shop.path, dest)
    monkeypatch.undo()
    assert dest.read_bytes() == before
    assert integrity_check(dest) == "ok"
    assert set(_orders_in(dest)) == {first}
    assert not list(tmp_path.glob("*.partial"))


def test_copy_failing_its_check_is_refused_and_previous_kept(
    shop: KioskStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _order(shop)
    dest = backup_database(shop.path, tmp_path / "kiosk.db")
    before = dest.read_bytes()
    _order(shop)
    monkeypatch.setattr(backup_mod, "integrity_check", lambda _p: "*** page 3 is never used")
    with pytest.raises(StoreProblem, match="failed its integrity check"):
        backup_database(shop.path, dest)
    assert dest.read_bytes() == before
    assert not list(tmp_path.glob("*.partial"))


def test_missing_source_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StoreProblem, match="no database to back up"):
        backup_database(tmp_path / "none.db", tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()


def test_integrity_check_reports_damage(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 300)
    assert integrity_check(junk) != "ok"


def test_backup_of_a_reopened_store_contains_committed_orders(data_dir: Path) -> None:
    with KioskStore.open(data_dir) as st:
        seed_products(st)
        oid = _order(st)
    with KioskStore.open(data_dir) as st:
        dest = backup_database(st.path, data_dir / "backups" / "x.db")
        with st.read() as s:
            assert s.scalars(select(m.Order.id)).all() == [oid]
    assert set(_orders_in(dest)) == {oid}


def test_a_new_backup_path_is_unique_in_the_backups_folder(tmp_path: Path) -> None:
    """One helper names a person's backup (kiosk backup and the technician's screen use it)."""
    from datetime import UTC, datetime

    from kiosk.storage.backup import BACKUP_DIRNAME, new_backup_path

    when = datetime(2026, 12, 3, 13, 5, 9, tzinfo=UTC)
    first = new_backup_path(tmp_path, when)
    assert first == tmp_path / BACKUP_DIRNAME / "kiosk-20261203T130509Z.db"
    first.parent.mkdir()
    first.write_bytes(b"")
    assert new_backup_path(tmp_path, when).name == "kiosk-20261203T130509Z-2.db"

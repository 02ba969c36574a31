"""Power loss (docs/reliability.md, Durable orders): a power cut loses every write not yet synced;
no acknowledged order may be lost.

Stronger than the kill-during-commit test (SIGKILL, where the OS still writes the page cache out):
the connection goes through :class:`tests.helpers.lossy_vfs.LossyVFS`, whose files keep writes in
memory until ``xSync``, and the test cuts the power — between orders, between the statements of one,
in the middle of a write (so mid-COMMIT or mid-checkpoint), and with a random part of the unsynced
writes reaching the disk anyway. Then the file is reopened with the plain ``sqlite3`` module:
``integrity_check`` must be ok, every acknowledged order must be there with its lines and its
``order_placed`` outbox event, and no order may be half-written.

``place_order`` runs on SQLAlchemy's sqlite3 driver, which cannot use an APSW VFS, so the writer
here is the same transaction in plain SQL on the kiosk's real (migrated) schema, with the kiosk's
pragmas. The mutation check runs the same scenario with ``synchronous=NORMAL`` and must see
acknowledged orders lost: that is what proves the test can fail, and why the product uses FULL.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import sqlite3
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from kiosk.kernel.sqlite import PRAGMAS
from kiosk.storage.store import KioskStore
from tests.helpers.seed import seed_products, synthetic_products

if TYPE_CHECKING:
    import apsw
else:
    apsw = pytest.importorskip(
        "apsw", reason="the power-loss test needs APSW (pip install -e '.[dev]') for its VFS"
    )
from tests.helpers.lossy_vfs import LossyVFS

ROUNDS = int(os.environ.get("KIOSK_R2_ROUNDS", "200"))
SEED = int(os.environ.get("KIOSK_R2_SEED", "20261127"))
#: The four ways the power goes off, used in turn.
CUTS = ("between_orders", "mid_transaction", "mid_write", "some_writes_survive")


@dataclass
class Outcome:
    """What a run of rounds acknowledged and what the disk kept."""

    acked: dict[str, int] = field(default_factory=dict)
    lost: list[str] = field(default_factory=list)
    dropped_writes: int = 0
    rounds_with_loss: int = 0
    cut_inside_a_write: int = 0


def _pragmas(synchronous: str) -> list[str]:
    """The kiosk's own pragmas, with only ``synchronous`` swapped for the mutation check."""
    return [p if "synchronous" not in p else f"PRAGMA synchronous={synchronous}" for p in PRAGMAS]


def _products(db: Path) -> list[tuple[str, str, str, int, int]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT sku, name, unit, price_fen, server_version FROM products"
            " WHERE active = 1 ORDER BY sku"
        ).fetchall()
    finally:
        conn.close()


class Writer:
    """Places orders like ``place_order``: order, lines, customer and outbox event in one commit."""

    def __init__(self, conn: apsw.Connection, products: list[tuple[str, str, str, int, int]]):
        self.conn = conn
        self.products = products

    def place(self, rng: random.Random, *, cut: LossyVFS | None = None) -> tuple[str, int]:
        """Commit one order and return ``(order id, lines)``; ``cut`` cuts mid-transaction."""
        c = self.conn
        order_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        phone = f"139{rng.randrange(20):08d}"
        picked = rng.sample(self.products, rng.randint(1, 5))
        c.execute("BEGIN IMMEDIATE")
        c.execute(
            "INSERT INTO customers (phone, name, created_at) VALUES (?, ?, ?)"
            " ON CONFLICT (phone) DO NOTHING",
            (phone, "村民", now),
        )
        customer_id = c.execute("SELECT id FROM customers WHERE phone = ?", (phone,)).get
        seq = c.execute("SELECT count(*) + 1 FROM orders").get
        lines = [
            (sku, name, unit, price, ver, rng.randint(1, 9))
            for sku, name, unit, price, ver in picked
        ]
        total = sum(price * qty for _, _, _, price, _, qty in lines)
        c.execute(
            "INSERT INTO orders (id, local_no, center_id, status, customer_id, customer_name,"
            " customer_phone, payment, total_fen, pickup_salt, pickup_hash, created_at, updated_at)"
            " VALUES (?, ?, 'LOCAL', 'placed', ?, '村民', ?, 'cash', ?, ?, ?, ?, ?)",
            (order_id, f"R2-{order_id}", customer_id, phone, total, "00" * 16, "00" * 32, now, now),
        )
        if cut is not None:
            cut.cut_power()  # raises at the next statement: the order was never acknowledged
        c.executemany(
            "INSERT INTO order_lines (order_id, line_no, sku, name, unit, unit_price_fen,"
            " product_version, qty, line_total_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (order_id, n, sku, name, unit, price, ver, qty, price * qty)
                for n, (sku, name, unit, price, ver, qty) in enumerate(lines, start=1)
            ],
        )
        payload = json.dumps({"order_id": order_id, "seq": seq, "total_fen": total})
        c.execute(
            "INSERT INTO outbox (id, kind, subject_id, payload, state, created_at, attempts)"
            " VALUES (?, 'order_placed', ?, ?, 'pending', ?, 0)",
            (str(uuid.UUID(int=rng.getrandbits(128), version=4)), order_id, payload, now),
        )
        c.execute("COMMIT")
        return order_id, len(lines)


def _round(
    db: Path,
    synchronous: str,
    how: str,
    rng: random.Random,
    out: Outcome,
    n: int,
    products: list[tuple[str, str, str, int, int]],
) -> None:
    """Open through the lossy VFS, place orders, cut the power as ``how`` says, close.

    Nothing else may open the file meanwhile: APSW and the ``sqlite3`` module are two SQLite
    libraries in one process, and POSIX locks do not keep them apart.
    """
    vfs = LossyVFS(f"lossy-{synchronous}-{n}")
    conn = apsw.Connection(str(db), vfs=vfs.vfs_name)
    try:
        for pragma in _pragmas(synchronous):
            conn.execute(pragma)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        writer = Writer(conn, products)
        wanted = rng.randint(1, 12)
        if how == "mid_write":
            # Somewhere inside the next orders' writes: a WAL frame, a commit, a checkpoint.
            vfs.cut_after_writes = vfs.writes + rng.randint(1, 12 * wanted)
        try:
            for i in range(wanted + 1):
                mid = vfs if how == "mid_transaction" and i == wanted else None
                if how in ("between_orders", "some_writes_survive") and i == wanted:
                    break
                order_id, nlines = writer.place(rng, cut=mid)
                out.acked[order_id] = nlines  # COMMIT returned: the counter shows the code now
        except apsw.Error:
            assert vfs.power_off, "a write failed before the power was cut"
            out.cut_inside_a_write += how == "mid_write"
        if how == "some_writes_survive":
            vfs.cut_power(rng, keep=rng.random())
        else:
            vfs.cut_power()
        out.dropped_writes += vfs.dropped
    finally:
        with contextlib.suppress(apsw.Error):
            conn.close(True)
    # The wal-index lives in shared memory: a reboot forgets it, so the next open rebuilds it.
    Path(f"{db}-shm").unlink(missing_ok=True)


def _check(db: Path, out: Outcome) -> None:
    """Reopen with plain sqlite3 (recovering the WAL) and compare with what was acknowledged."""
    conn = sqlite3.connect(db, isolation_level=None)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        found = dict(
            conn.execute(
                "SELECT o.id, (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id)"
                " FROM orders o"
            ).fetchall()
        )
        events = {
            r[0] for r in conn.execute("SELECT subject_id FROM outbox WHERE kind = 'order_placed'")
        }
    finally:
        conn.close()
    # Never half-written, acknowledged or not: every order has lines and its event.
    assert all(n >= 1 for n in found.values()), "an order without lines survived the cut"
    assert set(found) == events, "orders and order_placed events disagree after the cut"
    lost = [oid for oid in out.acked if oid not in found and oid not in out.lost]
    short = {
        oid: (n, found[oid]) for oid, n in out.acked.items() if oid in found and found[oid] != n
    }
    assert not short, f"acknowledged orders missing lines: {short}"
    if lost:
        out.rounds_with_loss += 1
        out.lost.extend(lost)


def _run(data_dir: Path, synchronous: str) -> tuple[Outcome, float]:
    with KioskStore.open(data_dir) as store:
        seed_products(store, synthetic_products(30))
    db = data_dir / "kiosk.db"
    rng = random.Random(SEED)
    products = _products(db)
    out = Outcome()
    started = time.monotonic()
    for n in range(ROUNDS):
        _round(db, synchronous, CUTS[n % len(CUTS)], rng, out, n, products)
        _check(db, out)
    return out, time.monotonic() - started


def test_product_runs_with_synchronous_full() -> None:
    # The test below proves FULL; this ties it to the setting every kiosk connection really uses.
    assert "PRAGMA synchronous=FULL" in PRAGMAS
    assert "PRAGMA journal_mode=WAL" in PRAGMAS
    assert not any("NORMAL" in p or "OFF" in p for p in PRAGMAS)


def test_full_keeps_every_acknowledged_order_through_power_cuts(data_dir: Path) -> None:
    out, elapsed = _run(data_dir, "FULL")
    assert len(out.acked) >= ROUNDS, "too few orders acknowledged to mean anything"
    # The cuts really dropped writes (mid-commit frames, torn checkpoints): not a vacuous pass.
    assert out.dropped_writes > 0
    assert out.cut_inside_a_write > 0, "no cut landed inside a write"
    assert not out.lost, f"{len(out.lost)} acknowledged orders lost: {out.lost[:5]}"
    print(
        f"power loss, FULL: {ROUNDS} power cuts, {len(out.acked)} acknowledged orders, none lost "
        f"({out.cut_inside_a_write} cuts inside a write); "
        f"{out.dropped_writes} unsynced writes dropped; {elapsed:.1f} s"
    )


def test_mutation_normal_loses_acknowledged_orders(data_dir: Path) -> None:
    # Mutation check: the same scenario with synchronous=NORMAL must be caught losing orders.
    out, elapsed = _run(data_dir, "NORMAL")
    assert out.lost, "the power-loss test could not tell NORMAL from FULL: the test cannot fail"
    print(
        f"power loss, NORMAL (mutation): {len(out.lost)} of {len(out.acked)} acknowledged orders "
        f"lost in "
        f"{out.rounds_with_loss} of {ROUNDS} power cuts; {elapsed:.1f} s"
    )

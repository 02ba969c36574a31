"""An order's rows, written with the DB-API (``sqlite3``) inside the caller's transaction.

This is the hot path of placing an order, shared by :func:`kiosk.storage.orders.place_order`
(on the connection of a ``store.write()`` unit of work) and the command line's order path
(:mod:`kiosk.storage.quick_store`, which never imports SQLAlchemy). Plain statements, not the
ORM nor SQLAlchemy Core: the rows are the same, for a fraction of the CPU (docs/benchmarks.md,
"Orders"). Nothing here begins or commits; the caller's ``BEGIN IMMEDIATE`` … ``COMMIT`` makes
the order, its lines, the customer, the ``order_placed`` outbox event, the cash entry and the
audit entry (written by the caller) one unit of work.

The ``order_placed`` payload is built here as a plain dict with exactly the fields and types of
:class:`kiosk.wire.OrderPlacedPayload` (``tests/storage/test_orders.py`` checks it against the
model), so this module needs neither pydantic nor the wire schema.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk.customers import Customer
from kiosk.errors import InvalidInput
from kiosk.ids import uuid7
from kiosk.orders import LineRequest, OrderStatus, Payment, local_order_no
from kiosk.pickup import PickupSecret
from kiosk.storage.settings import (
    CENTER_ID,
    DEFAULT_CENTER_ID,
    ORDER_SEQUENCE_KEY,
    PC_NO,
    PULLBACK,
)

#: ``kiosk.wire.EventKind.ORDER_PLACED`` (the wire module needs pydantic; a test ties the two).
ORDER_PLACED_EVENT = "order_placed"
#: ``kiosk.storage.cash.CashKind.ORDER_CASH``.
ORDER_CASH = "order_cash"
#: ``kiosk.catalog.StockState.OUT``.
OUT_OF_STOCK = "out_of_stock"
#: ``kiosk.storage.pullback_flag.RESTORE``: ordering waits for the pull-back after a restore.
PULLBACK_RESTORE = "restore"
#: ``kiosk.storage.outbox.PENDING``.
OUTBOX_PENDING = "pending"


class Cursor(Protocol):
    """The part of a DB-API cursor (``sqlite3.Cursor``) used here."""

    def execute(self, sql: str, params: Sequence[Any] = ..., /) -> Any: ...
    def executemany(self, sql: str, params: Iterable[Sequence[Any]], /) -> Any: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    @property
    def lastrowid(self) -> Any: ...


@dataclass(frozen=True, slots=True)
class PlacedOrder:
    """What the counter shows after placement. ``pickup_code`` exists only here, never stored."""

    order_id: str
    local_no: str
    total_fen: int
    pickup_code: str


@dataclass(frozen=True, slots=True)
class ProductSnapshot:
    """What an order line copies from the catalog at placement."""

    sku: str
    name: str
    unit: str
    price_fen: int
    server_version: int


def setting(cur: Cursor, key: str) -> str | None:
    """One setting's value, or ``None``."""
    row = cur.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def check_may_order(cur: Cursor) -> None:
    """Refuse ordering on a restored PC until its order numbers are known from central."""
    if setting(cur, PULLBACK) == PULLBACK_RESTORE:
        raise InvalidInput(
            "this kiosk was restored from a backup: connect to the platform once (sync) before"
            " taking orders, so no order number is given twice",
            code="order.restore_pullback",
        )


def orderable_rows(cur: Cursor, skus: Iterable[str]) -> dict[str, ProductSnapshot]:
    """Look up ``skus`` and check each can be ordered now.

    Raises:
        InvalidInput: naming the first SKU that is unknown, inactive or out of stock.
    """
    wanted = list(dict.fromkeys(skus))
    marks = ",".join("?" * len(wanted))
    found = {
        row[0]: row
        for row in cur.execute(
            "SELECT sku, name, unit, price_fen, server_version, active, stock FROM products"
            f" WHERE sku IN ({marks})",
            wanted,
        ).fetchall()
    }
    for sku in wanted:
        row = found.get(sku)
        if row is None:
            raise InvalidInput(
                f"no product with SKU {sku} in the catalog",
                code="product.unknown",
                params={"sku": sku},
            )
        if not row[5]:
            raise InvalidInput(
                f"product {sku} ({row[1]}) is no longer sold",
                code="product.retired",
                params={"sku": sku, "name": row[1]},
            )
        if row[6] == OUT_OF_STOCK:
            raise InvalidInput(
                f"product {sku} ({row[1]}) is out of stock",
                code="product.out_of_stock",
                params={"sku": sku, "name": row[1]},
            )
    return {sku: ProductSnapshot(r[0], r[1], r[2], r[3], r[4]) for sku, r in found.items()}


# No RETURNING in this module: it needs SQLite 3.35, and the kiosk runs on older system SQLites.


def _next_order_number(cur: Cursor) -> int:
    cur.execute(
        "INSERT INTO settings (key, value) VALUES (?, '1') ON CONFLICT (key)"
        " DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)",
        (ORDER_SEQUENCE_KEY,),
    )
    value = setting(cur, ORDER_SEQUENCE_KEY)
    assert value is not None  # written just above, in this transaction
    return int(value)


def _upsert_customer(cur: Cursor, customer: Customer, now: str) -> int:
    """The customer's row id, creating the row or updating the name (latest spelling wins)."""
    row = cur.execute(
        "SELECT id, name FROM customers WHERE phone = ?", (customer.phone,)
    ).fetchone()
    if row is None:
        cur.execute(
            "INSERT INTO customers (phone, name, created_at) VALUES (?, ?, ?)",
            (customer.phone, customer.name, now),
        )
        return int(cur.lastrowid)
    if row[1] != customer.name:
        cur.execute("UPDATE customers SET name = ? WHERE id = ?", (customer.name, row[0]))
    return int(row[0])


def write_audit(cur: Cursor, now: str, actor: str, action: str, subject: str, detail: str) -> None:
    """Append to the audit log (the row :meth:`KioskStore.audit` writes). No personal data."""
    cur.execute(
        "INSERT INTO audit_log (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)",
        (now, actor, action, subject, detail),
    )


def write_order(
    cur: Cursor,
    *,
    order_id: str,
    now: str,
    customer: Customer,
    lines: Sequence[LineRequest],
    payment: Payment,
    secret: PickupSecret,
    actor: str,
) -> PlacedOrder:
    """Write one order's rows inside the caller's write transaction (``lines`` already merged).

    Everything but the audit entry, which the caller adds (``order_placed``, the order id, the
    local number) through its own audit writer.

    Raises:
        InvalidInput: ordering is blocked (restore), or a SKU cannot be ordered now.
    """
    check_may_order(cur)
    products = orderable_rows(cur, (line.sku for line in lines))
    center_id = setting(cur, CENTER_ID) or DEFAULT_CENTER_ID
    pc_no = setting(cur, PC_NO)
    local_no = local_order_no(
        center_id,
        _next_order_number(cur),
        int(pc_no) if pc_no and pc_no.isdecimal() else None,
    )
    customer_id = _upsert_customer(cur, customer, now)
    wire_lines: list[dict[str, Any]] = []
    for line in lines:
        p = products[line.sku]
        wire_lines.append(
            {
                "sku": p.sku,
                "name": p.name,
                "unit": p.unit,
                "unit_price_fen": p.price_fen,
                "product_version": p.server_version,
                "qty": line.qty,
                "line_total_fen": p.price_fen * line.qty,
            }
        )
    total = sum(ln["line_total_fen"] for ln in wire_lines)
    cur.execute(
        "INSERT INTO orders (id, local_no, center_id, status, customer_id, customer_name,"
        " customer_phone, payment, total_fen, pickup_salt, pickup_hash, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            order_id,
            local_no,
            center_id,
            OrderStatus.PLACED.value,
            customer_id,
            customer.name,
            customer.phone,
            payment.value,
            total,
            secret.salt_field,
            secret.hash_hex,
            now,
            now,
        ),
    )
    cur.executemany(
        "INSERT INTO order_lines (order_id, line_no, sku, name, unit, unit_price_fen,"
        " product_version, qty, line_total_fen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                order_id,
                n,
                ln["sku"],
                ln["name"],
                ln["unit"],
                ln["unit_price_fen"],
                ln["product_version"],
                ln["qty"],
                ln["line_total_fen"],
            )
            for n, ln in enumerate(wire_lines, start=1)
        ],
    )
    payload = {
        "order_id": order_id,
        "local_no": local_no,
        "center_id": center_id,
        "customer_name": customer.name,
        "customer_phone": customer.phone,
        "payment": payment.value,
        "total_fen": total,
        "lines": wire_lines,
        "placed_at": now,
        "pickup_salt": secret.salt_field,
        "pickup_hash": secret.hash_hex,
    }
    # The same text as kiosk.storage.outbox.enqueue writes.
    cur.execute(
        "INSERT INTO outbox (id, kind, subject_id, payload, state, created_at, attempts,"
        " server_failures) VALUES (?, ?, ?, ?, ?, ?, 0, 0)",
        (
            uuid7(),
            ORDER_PLACED_EVENT,
            order_id,
            json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            OUTBOX_PENDING,
            now,
        ),
    )
    if payment is Payment.CASH and total > 0:
        # The cash is in the drawer from now: the ledger entry commits with the order. No
        # separate event: order_placed already tells central (kiosk.storage.cash.record_cash).
        cur.execute(
            "INSERT INTO cash_entries (entry_id, kind, order_id, amount_fen, at, actor)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (order_id, ORDER_CASH, order_id, total, now, actor),
        )
    return PlacedOrder(
        order_id=order_id, local_no=local_no, total_fen=total, pickup_code=secret.code
    )

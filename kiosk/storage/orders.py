"""The order service: placing orders on the kiosk and applying the central service's updates.

Placing an order is one ``BEGIN IMMEDIATE`` unit of work that writes the order, its lines (prices
snapshotted from the catalog), the customer, the pickup code's salted hash, the ``order_placed``
outbox event and an audit entry. :func:`place_order` returns only after the COMMIT returned, so a
villager is never shown a pickup code for an order that a power cut could take back (the store
runs WAL with ``synchronous=FULL``). The pickup code is returned once and never stored in clear.

Phone numbers and pickup codes are never logged; the audit log gets order ids and local numbers.
"""

from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session, selectinload

from kiosk.customers import Customer, mask_phone
from kiosk.errors import IllegalTransition, NotFound
from kiosk.ids import uuid7
from kiosk.kernel.clock import utc_now_text
from kiosk.orders import (
    TRANSITIONS,
    LineRequest,
    OrderStatus,
    Payment,
    check_transition,
    local_order_no,
    merge_lines,
)
from kiosk.pickup import PickupSecret, hash_pickup_code, new_pickup_code
from kiosk.storage import models as m
from kiosk.storage.order_rows import (
    PlacedOrder as PlacedOrder,
)
from kiosk.storage.order_rows import (
    ProductSnapshot as ProductSnapshot,
)
from kiosk.storage.order_rows import (
    orderable_rows,
    write_order,
)
from kiosk.storage.outbox import PENDING
from kiosk.storage.settings import DEFAULT_CENTER_ID
from kiosk.storage.store import KioskStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class LineView:
    """One order line as stored (price snapshotted at placement)."""

    line_no: int
    sku: str
    name: str
    unit: str
    qty: int
    unit_price_fen: int
    line_total_fen: int
    product_version: int


@dataclass(frozen=True, slots=True)
class OrderView:
    """An order for screens and lists; the phone number is already masked."""

    order_id: str
    local_no: str
    status: OrderStatus
    total_fen: int
    payment: Payment
    customer_name: str
    customer_phone_masked: str
    created_at: str
    server_no: str | None
    status_reason: str | None
    lines: tuple[LineView, ...]


def adopt_local_orders(s: Session, center_id: str, pc_no: int | None) -> int:
    """Give the orders taken before enrollment (numbered ``LOCAL-0001``…) to the center this
    kiosk was just enrolled for (inside the enrollment's write unit of work).

    Each keeps its sequence number under the center's prefix (``LOCAL-0007`` becomes
    ``C017-2-0007``: unique in the center, and the owner finds it by its last digits, or by the
    old number), and its unsent events say the center (docs/sync-protocol.md, conflict table).
    Without this central refuses them for ever as ``wrong_center``. Returns how many orders.
    """
    prefix = f"{DEFAULT_CENTER_ID}-"
    renumbered: dict[str, str] = {}
    for order in s.scalars(select(m.Order).where(m.Order.center_id == DEFAULT_CENTER_ID)):
        rest = order.local_no[len(prefix) :] if order.local_no.startswith(prefix) else ""
        new_no = (
            local_order_no(center_id, int(rest), pc_no)
            if rest.isascii() and rest.isdecimal()
            else order.local_no
        )
        renumbered[order.id] = new_no
        KioskStore.audit(s, "technician", "order_adopted", order.id, f"{order.local_no}->{new_no}")
        order.center_id = center_id
        order.local_no = new_no
    for event in s.scalars(select(m.OutboxEvent).where(m.OutboxEvent.state == PENDING)):
        payload = json.loads(event.payload)
        if not isinstance(payload, dict) or payload.get("center_id") != DEFAULT_CENTER_ID:
            continue
        payload["center_id"] = center_id
        if event.subject_id in renumbered and "local_no" in payload:
            payload["local_no"] = renumbered[event.subject_id]
        event.payload = json.dumps(
            payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
    s.flush()
    return len(renumbered)


def _dbapi_cursor(s: Session) -> Any:
    """A DB-API cursor on the unit of work's own connection (inside its transaction)."""
    return s.connection().connection.driver_connection.cursor()  # type: ignore[union-attr]


def orderable_products(s: Session, skus: Iterable[str]) -> dict[str, ProductSnapshot]:
    """Look up ``skus`` and check each can be ordered now.

    Raises:
        InvalidInput: naming the first SKU that is unknown, inactive or out of stock.
    """
    cur = _dbapi_cursor(s)
    try:
        return orderable_rows(cur, skus)
    finally:
        cur.close()


def place_order(
    store: KioskStore,
    customer: Customer,
    lines: Sequence[LineRequest],
    payment: Payment,
    *,
    actor: str = "villager",
    secret: PickupSecret | None = None,
) -> PlacedOrder:
    """Place an order in one write unit of work; return only after it is committed.

    Args:
        store: the local store.
        customer: the villager (already validated).
        lines: what they asked for; repeated SKUs are merged.
        payment: cash now or on pickup.
        actor: who placed it, for the audit log (``villager`` or ``owner``).
        secret: the pickup code and its hash, made ahead (:func:`~kiosk.pickup.new_pickup_secret`);
            a new one is made before the transaction begins when not given. Use each once.

    Raises:
        InvalidInput: no lines, too many, or a SKU that is unknown, inactive or out of stock.
    """
    merged = merge_lines(list(lines))
    payment = Payment(payment)
    # The scrypt hash (tens of ms) and the ids are made before BEGIN IMMEDIATE: the write lock
    # is held only for the rows (kiosk.storage.order_rows) and the COMMIT.
    if secret is None:
        code = new_pickup_code()
        secret = PickupSecret(code, *hash_pickup_code(code))
    order_id = uuid7()
    now = utc_now_text()
    with store.write() as s:
        cur = _dbapi_cursor(s)
        try:
            placed = write_order(
                cur,
                order_id=order_id,
                now=now,
                customer=customer,
                lines=merged,
                payment=payment,
                secret=secret,
                actor=actor,
            )
        finally:
            cur.close()
        KioskStore.audit(s, actor, "order_placed", order_id, placed.local_no)
    log.info("order %s placed as %s (%d lines)", order_id, placed.local_no, len(merged))
    return placed


def reachable(current: OrderStatus, target: OrderStatus) -> bool:
    """True when ``target`` can be reached from ``current`` in one or more legal moves."""
    seen: set[OrderStatus] = set()
    todo = deque([current])
    while todo:
        for nxt in TRANSITIONS[todo.popleft()]:
            if nxt == target:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


#: Statuses the shop sets on the kiosk (owner moves); central reports them back to every reader.
SHOP_MOVES = frozenset(
    {OrderStatus.ARRIVED, OrderStatus.PICKED_UP, OrderStatus.CANCELLED, OrderStatus.RETURNED}
)


def apply_remote_status(
    s: Session,
    order_id: str,
    status: OrderStatus,
    server_no: str | None = None,
    reason: str | None = None,
) -> bool:
    """Apply a status the central service reports for one of our orders (write unit of work).

    The kiosk may have missed intermediate steps while offline, so any status reachable from the
    current one is accepted. The same status is a no-op (newly known ``server_no``/``reason`` are
    still recorded). Central echoes the moves the shop makes here (check-in, pickup, cancel,
    return) and may report one after the next local move: such a stale echo of a shop-made status
    the order has already moved past changes nothing.

    Returns:
        True when the status changed.

    Raises:
        NotFound: no such order on this kiosk.
        IllegalTransition: ``status`` cannot be reached from the order's current status.
    """
    order = s.get(m.Order, order_id)
    if order is None:
        raise NotFound(
            f"no order {order_id} on this kiosk",
            code="order.not_found",
            params={"order": order_id},
        )
    status = OrderStatus(status)
    current = OrderStatus(order.status)
    if status in SHOP_MOVES and status != current and reachable(status, current):
        # Stale: central echoing a move the shop made here, after a later one. Change nothing.
        log.info("order %s: ignoring stale %s (already %s)", order_id, status.value, current.value)
        return False
    if status != current and not reachable(current, status):
        # Refuse before touching anything, so the caller's unit of work stays clean.
        check_transition(current, status)
        raise IllegalTransition(  # pragma: no cover - check_transition already refused it
            f"an order that is {current.value} cannot become {status.value}"
        )
    now = utc_now_text()
    if server_no and order.server_no != server_no:
        order.server_no = server_no
        order.updated_at = now
    if reason and order.status_reason != reason:
        order.status_reason = reason
        order.updated_at = now
    if status == current:
        return False
    order.status = status.value
    order.updated_at = now
    KioskStore.audit(s, "central", "order_status", order_id, f"{current.value}->{status.value}")
    log.info("order %s: %s -> %s (from central)", order_id, current.value, status.value)
    return True


def overrule(s: Session, order_id: str, status: OrderStatus, server_no: str | None = None) -> bool:
    """Central refused a shop move on this order: take central's status (it is the authority),
    whatever the local one is (write unit of work). The shop's cash entries stay as they are;
    the owner's queue shows what to do (``kiosk.storage.owner.work_queue``).

    Returns:
        True when the local status changed; False for an order this kiosk does not have.
    """
    order = s.get(m.Order, order_id)
    if order is None:
        return False
    status = OrderStatus(status)
    if server_no and order.server_no != server_no:
        order.server_no = server_no
    if order.status == status.value:
        return False
    before = order.status
    order.status = status.value
    order.updated_at = utc_now_text()
    KioskStore.audit(s, "central", "order_overruled", order_id, f"{before}->{status.value}")
    log.info("order %s: %s rolled back to %s (central's status)", order_id, before, status.value)
    return True


def _view(order: m.Order) -> OrderView:
    return OrderView(
        order_id=order.id,
        local_no=order.local_no,
        status=OrderStatus(order.status),
        total_fen=order.total_fen,
        payment=Payment(order.payment),
        customer_name=order.customer_name,
        customer_phone_masked=mask_phone(order.customer_phone),
        created_at=order.created_at,
        server_no=order.server_no,
        status_reason=order.status_reason,
        lines=tuple(
            LineView(
                line_no=ln.line_no,
                sku=ln.sku,
                name=ln.name,
                unit=ln.unit,
                qty=ln.qty,
                unit_price_fen=ln.unit_price_fen,
                line_total_fen=ln.line_total_fen,
                product_version=ln.product_version,
            )
            for ln in order.lines
        ),
    )


def list_orders(
    s: Session, *, status: OrderStatus | None = None, limit: int = 200
) -> list[OrderView]:
    """Orders newest first, optionally only those in ``status``.

    "Newest" is insertion order (SQLite's rowid), not the kiosk clock, which may be wrong.
    """
    stmt = (
        select(m.Order)
        .options(selectinload(m.Order.lines))
        .order_by(literal_column("orders.rowid").desc())
        .limit(max(1, limit))
    )
    if status is not None:
        stmt = stmt.where(m.Order.status == OrderStatus(status).value)
    return [_view(o) for o in s.scalars(stmt)]


def get_order(s: Session, order_id_or_local_no: str) -> OrderView:
    """One order by its id or its local number (``C017-0042``).

    Raises:
        NotFound: no such order on this kiosk.
    """
    key = order_id_or_local_no.strip()
    stmt = (
        select(m.Order)
        .options(selectinload(m.Order.lines))
        .where((m.Order.id == key) | (m.Order.local_no == key))
    )
    order = s.scalars(stmt).first()
    if order is None:
        raise NotFound(
            f"no order {key} on this kiosk", code="order.not_found", params={"order": key}
        )
    return _view(order)


def count_orders_by_status(s: Session) -> dict[str, int]:
    """How many orders are in each status (statuses with none are left out)."""
    rows = s.execute(select(m.Order.status, func.count()).group_by(m.Order.status))
    return {status: count for status, count in rows}

"""Orders at central: their status moves, the order-updates feed, and the operators' views.

Orders come in as ``order_placed`` events (:mod:`central.events`). Every status change is kept as
an :class:`~central.models.OrderUpdateRecord` numbered from the ``order_update`` sequence, which a
center's kiosks page through (:meth:`Orders.order_updates`). The moves themselves are checked by
the state machine in :mod:`kiosk.orders`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.clock import Clock, iso
from central.db import CentralDb
from central.enrollment import DeviceAuth
from central.errors import BadRequest, NotFoundError
from central.feed import Sequences, page_limit, parse_cursor
from central.models import Order, OrderLine, OrderUpdateRecord
from kiosk.customers import mask_phone
from kiosk.orders import OrderStatus, check_transition, parse_status
from kiosk.wire import ORDER_UPDATES_PAGE_DEFAULT, ORDER_UPDATES_PAGE_MAX

#: Moves only the shop makes, in front of the villager (the pickup code, the returned parcel);
#: central never makes them (``orders advance`` refuses), it learns them from the kiosk's events.
SHOP_ONLY: frozenset[OrderStatus] = frozenset({OrderStatus.PICKED_UP, OrderStatus.RETURNED})

#: Default and largest order-updates page.
UPDATES_PAGE_DEFAULT = ORDER_UPDATES_PAGE_DEFAULT
UPDATES_PAGE_MAX = ORDER_UPDATES_PAGE_MAX


@dataclass(frozen=True, slots=True)
class OrderChange:
    """One change to an order, as the order-updates feed hands it to the center's kiosks."""

    order_id: str
    status: str
    server_no: str | None
    reason: str | None
    seq: int


@dataclass(frozen=True, slots=True)
class OrderChanges:
    """One page of the order-updates feed (the wire's ``OrderUpdatesPage``)."""

    items: list[OrderChange]
    next_cursor: str
    has_more: bool


@dataclass(frozen=True, slots=True)
class OrderLineView:
    """One line of an order as central keeps it."""

    sku: str
    name: str
    unit: str
    unit_price_fen: int
    product_version: int
    qty: int
    line_total_fen: int
    price_changed: bool
    arrived_qty: int


@dataclass(frozen=True, slots=True)
class OrderView:
    """One order for the operators: the customer's phone is masked."""

    order_id: str
    server_no: str
    local_no: str
    center: str
    status: str
    status_reason: str | None
    payment: str
    total_fen: int
    customer_name: str
    customer_phone: str
    placed_at: str
    received_at: str
    lines: list[OrderLineView]


@dataclass(frozen=True, slots=True)
class OrderMoved:
    """An order an operator moved, and its status now."""

    order_id: str
    server_no: str
    status: str


class Orders:
    """Order status changes and the order-updates feed.

    Args:
        db: the opened (and migrated) database.
        clock: the server clock.
        sequences: where order-update numbers come from.
    """

    def __init__(self, db: CentralDb, clock: Clock, sequences: Sequences) -> None:
        self.db = db
        self.clock = clock
        self.sequences = sequences

    def set_status(self, s: Session, order: Order, target: OrderStatus, reason: str | None) -> None:
        order.status = target.value
        order.status_reason = reason[:200] if reason else None
        order.updated_at = self.clock()
        self.record_update(s, order.id, order.center_id, target, order.server_no, reason)

    def record_update(
        self,
        s: Session,
        order_id: str,
        center_id: str,
        status: OrderStatus,
        server_no: str | None,
        reason: str | None = None,
    ) -> None:
        seq = self.sequences.take(s, "order_update")
        s.add(
            OrderUpdateRecord(
                seq=seq,
                order_id=order_id,
                center_id=center_id,
                status=status.value,
                server_no=server_no,
                reason=reason[:200] if reason else None,
                created_at=self.clock(),
            )
        )
        s.flush()

    def order_updates(
        self, auth: DeviceAuth, cursor: str | None, limit: int | None
    ) -> OrderChanges:
        """One page of this center's order changes after ``cursor`` (``OrderUpdatesPage``)."""
        after = parse_cursor(cursor)
        n = page_limit(limit, UPDATES_PAGE_DEFAULT, UPDATES_PAGE_MAX)
        with self.db.read() as s:
            rows = list(
                s.scalars(
                    select(OrderUpdateRecord)
                    .where(
                        OrderUpdateRecord.center_id == auth.center_id,
                        OrderUpdateRecord.seq > after,
                    )
                    .order_by(OrderUpdateRecord.seq)
                    .limit(n + 1)
                )
            )
        has_more = len(rows) > n
        rows = rows[:n]
        return OrderChanges(
            items=[
                OrderChange(
                    order_id=r.order_id,
                    status=r.status,
                    server_no=r.server_no,
                    reason=r.reason,
                    seq=r.seq,
                )
                for r in rows
            ],
            next_cursor=str(rows[-1].seq) if rows else str(after),
            has_more=has_more,
        )

    def list_orders(self, center_id: str | None = None) -> list[OrderView]:
        """Every order (of one center), oldest first, with its lines. Phones are masked."""
        with self.db.read() as s:
            stmt = select(Order).order_by(Order.server_no)
            if center_id:
                stmt = stmt.where(Order.center_id == center_id)
            orders = list(s.scalars(stmt))
            line_stmt = select(OrderLine).order_by(OrderLine.order_id, OrderLine.line_no)
            if center_id:
                # Only this center's lines: unfiltered, one center's list read every line of
                # every center (ix_orders_center_id finds the center's orders).
                line_stmt = line_stmt.join(Order, Order.id == OrderLine.order_id).where(
                    Order.center_id == center_id
                )
            lines: dict[str, list[OrderLine]] = {}
            for line in s.scalars(line_stmt):
                lines.setdefault(line.order_id, []).append(line)
        return [
            OrderView(
                order_id=o.id,
                server_no=o.server_no,
                local_no=o.local_no,
                center=o.center_id,
                status=o.status,
                status_reason=o.status_reason,
                payment=o.payment,
                total_fen=o.total_fen,
                customer_name=o.customer_name,
                customer_phone=mask_phone(o.customer_phone),
                placed_at=o.placed_at,
                received_at=iso(o.received_at),
                lines=[
                    OrderLineView(
                        sku=ln.sku,
                        name=ln.name,
                        unit=ln.unit,
                        unit_price_fen=ln.unit_price_fen,
                        product_version=ln.product_version,
                        qty=ln.qty,
                        line_total_fen=ln.line_total_fen,
                        price_changed=ln.price_changed,
                        arrived_qty=ln.arrived_qty,
                    )
                    for ln in lines.get(o.id, [])
                ],
            )
            for o in orders
        ]

    def advance_order(self, order_id: str, to: str, reason: str | None = None) -> OrderMoved:
        """Move an order (logistics: accepted, shipped, arrived…), checked by the state machine.

        Raises:
            BadRequest: ``shop_only``: the move is one only the shop makes (:data:`SHOP_ONLY`).
        """
        target = parse_status(to)
        if target in SHOP_ONLY:
            raise BadRequest(
                f"only the shop can make an order {target.value} (it needs the villager there); "
                "the kiosk reports it",
                code="shop_only",
            )
        with self.db.write() as s:
            self.sequences.lock(s, ("order_no", "order_update"))
            order = s.get(Order, order_id.strip())
            if order is None:
                raise NotFoundError(f"no order {order_id} on the central service")
            check_transition(OrderStatus(order.status), target)
            self.set_status(s, order, target, reason)
            return OrderMoved(order_id=order.id, server_no=order.server_no, status=order.status)

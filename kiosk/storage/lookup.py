"""My orders: a villager finds their own orders on the shared kiosk screen.

Privacy rule (docs/ui.md): the screen is shared, so knowing a phone number alone must not
reveal anything. A villager enters their **full mobile number and the pickup code of any one of
their orders**; when that code verifies against one of the orders placed with that number, the
orders placed with that number in the last :data:`LOOKUP_WINDOW_DAYS` days are shown — status in
plain words, order number, items and total; never the name, and the phone only masked. We do not
offer "last 4 digits of the phone" as an alternative: 4 digits plus a 6-digit code checked against
every matching order is a much weaker secret, and the full number is what villagers know by heart.
Wrong attempts are slowed down by the screen (see ``kiosk.ui.screens.myorders``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from kiosk.customers import mask_phone, normalize_phone
from kiosk.errors import InvalidInput
from kiosk.orders import OrderStatus
from kiosk.pickup import normalize_code, verify_pickup_code
from kiosk.storage.models import Order, OutboxEvent

#: How far back "My orders" looks.
LOOKUP_WINDOW_DAYS = 180
#: Most orders listed.
LOOKUP_LIMIT = 20


@dataclass(frozen=True, slots=True)
class VillagerOrder:
    """One order as its villager sees it on "My orders" (no name, phone masked)."""

    local_no: str
    status: OrderStatus
    created_at: str
    total_fen: int
    payment: str
    phone_masked: str
    items: tuple[tuple[str, int, str], ...]  # (name, qty, unit)
    status_reason: str | None


def find_villager_orders(s: Session, phone: str, pickup_code: str) -> list[VillagerOrder] | None:
    """The villager's recent orders, newest first, or ``None`` when phone and code do not match.

    Raises:
        InvalidInput: the phone number is not a mobile number (said before any lookup).
    """
    digits = normalize_phone(phone)
    code = normalize_code(pickup_code)
    if code is None:
        raise InvalidInput("the pickup code has 6 digits")
    since = (datetime.now(UTC) - timedelta(days=LOOKUP_WINDOW_DAYS)).isoformat()
    orders = list(
        s.scalars(
            select(Order)
            .options(selectinload(Order.lines))
            .where(Order.customer_phone == digits, Order.created_at >= since)
            .order_by(Order.created_at.desc())
            .limit(LOOKUP_LIMIT)
        )
    )
    # Check every candidate (no early exit) so the time taken says little about which matched.
    matched = [verify_pickup_code(code, o.pickup_salt, o.pickup_hash) for o in orders]
    if not any(matched):
        return None
    return [
        VillagerOrder(
            local_no=o.local_no,
            status=OrderStatus(o.status),
            created_at=o.created_at,
            total_fen=o.total_fen,
            payment=o.payment,
            phone_masked=mask_phone(o.customer_phone),
            items=tuple((ln.name, ln.qty, ln.unit) for ln in o.lines),
            status_reason=o.status_reason,
        )
        for o in orders
    ]


def orders_waiting_to_send(s: Session) -> int:
    """How many placed orders are still in the outbox (for the sync indicator's plain words)."""
    return int(
        s.scalar(
            select(func.count())
            .select_from(OutboxEvent)
            .where(OutboxEvent.state == "pending", OutboxEvent.kind == "order_placed")
        )
        or 0
    )

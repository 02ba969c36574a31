"""Orders: statuses, the state machine, payment kinds, and the checks an order must pass.

The state machine is written down for people in ``docs/orders.md``; :data:`TRANSITIONS` is the one
source of truth that the kiosk and the central service both use.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import StrEnum

from kiosk.errors import IllegalTransition, InvalidInput
from kiosk.text import check_text


class OrderStatus(StrEnum):
    """Where an order is in its life."""

    PLACED = "placed"  # committed on the kiosk, pickup code given, not yet at central
    SUBMITTED = "submitted"  # central service has it
    ACCEPTED = "accepted"  # central accepted it and will ship
    REJECTED = "rejected"  # central refused it (reason attached); final
    SHIPPED = "shipped"  # on the delivery van
    ARRIVED = "arrived"  # checked in at the shop, waiting for the villager
    PICKED_UP = "picked_up"  # handed over against the pickup code; may still be returned
    CANCELLED = "cancelled"  # cancelled before it was shipped; final
    RETURNED = "returned"  # villager brought it back, money refunded; final


#: Allowed moves: from-status → the statuses it may move to.
TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.PLACED: frozenset(
        {OrderStatus.SUBMITTED, OrderStatus.ACCEPTED, OrderStatus.REJECTED, OrderStatus.CANCELLED}
    ),
    OrderStatus.SUBMITTED: frozenset(
        {OrderStatus.ACCEPTED, OrderStatus.REJECTED, OrderStatus.CANCELLED}
    ),
    OrderStatus.ACCEPTED: frozenset({OrderStatus.SHIPPED, OrderStatus.CANCELLED}),
    OrderStatus.REJECTED: frozenset(),
    OrderStatus.SHIPPED: frozenset({OrderStatus.ARRIVED}),
    OrderStatus.ARRIVED: frozenset({OrderStatus.PICKED_UP, OrderStatus.RETURNED}),
    OrderStatus.PICKED_UP: frozenset({OrderStatus.RETURNED}),
    OrderStatus.CANCELLED: frozenset(),
    OrderStatus.RETURNED: frozenset(),
}

#: Statuses an order never leaves.
FINAL: frozenset[OrderStatus] = frozenset(s for s, nxt in TRANSITIONS.items() if not nxt)


def parse_status(text: str) -> OrderStatus:
    """Parse a status name, with a clear error listing the valid ones."""
    try:
        return OrderStatus(text.strip().lower())
    except ValueError:
        valid = ", ".join(s.value for s in OrderStatus)
        raise InvalidInput(
            f"unknown order status '{text}'; use one of: {valid}",
            code="status.unknown",
            params={"text": text},
        ) from None


def can_transition(current: OrderStatus, target: OrderStatus) -> bool:
    """True when an order in ``current`` may move to ``target``."""
    return target in TRANSITIONS[current]


def check_transition(current: OrderStatus, target: OrderStatus) -> None:
    """Raise :class:`IllegalTransition` unless ``current`` → ``target`` is allowed."""
    if target == current:
        raise IllegalTransition(
            f"the order is already {current.value}",
            code="order.already",
            params={"status": current.value},
        )
    if not can_transition(current, target):
        allowed = ", ".join(sorted(s.value for s in TRANSITIONS[current])) or "nothing (final)"
        raise IllegalTransition(
            f"an order that is {current.value} cannot become {target.value}; "
            f"it can become: {allowed}",
            code="order.bad_move",
            params={"status": current.value, "target": target.value},
        )


def status_path(current: OrderStatus, target: OrderStatus) -> list[OrderStatus] | None:
    """The shortest chain of legal moves from ``current`` to ``target`` (``None``: no way).

    A parcel checked in at the shop proves it shipped even if the operator has not said so yet,
    so a complete check-in moves an ``accepted`` order through ``shipped`` to ``arrived``.
    """
    back: dict[OrderStatus, OrderStatus] = {}
    todo = deque([current])
    while todo:
        here = todo.popleft()
        for nxt in sorted(TRANSITIONS[here]):
            if nxt in back or nxt == current:
                continue
            back[nxt] = here
            if nxt == target:
                path = [nxt]
                while path[-1] != current and back[path[-1]] != current:
                    path.append(back[path[-1]])
                return list(reversed(path))
            todo.append(nxt)
    return None


class Payment(StrEnum):
    """How the villager pays."""

    CASH = "cash"  # cash paid to the shop at order time
    ON_PICKUP = "on_pickup"  # pays the shop when collecting the parcel


def parse_payment(text: str) -> Payment:
    """Parse a payment kind with a clear error."""
    try:
        return Payment(text.strip().lower())
    except ValueError:
        raise InvalidInput(
            f"unknown payment '{text}'; use cash or on_pickup",
            code="payment.unknown",
            params={"text": text},
        ) from None


#: Most of one product a single order may ask for; guards against a typo like 100 instead of 10.
MAX_QTY_PER_LINE = 999
#: Most lines on one order.
MAX_LINES = 100


@dataclass(frozen=True, slots=True)
class LineRequest:
    """One line a villager asks for: a SKU and a quantity (before prices are looked up)."""

    sku: str
    qty: int

    def __post_init__(self) -> None:
        if not self.sku or not self.sku.strip():
            raise InvalidInput("an order line needs a SKU", code="line.no_sku")
        check_text(self.sku, "the SKU")  # a lone surrogate could not even be looked up
        if isinstance(self.qty, bool) or not isinstance(self.qty, int):
            raise InvalidInput(
                f"quantity for {self.sku} must be a whole number",
                code="line.bad_qty",
                params={"sku": self.sku},
            )
        if not 1 <= self.qty <= MAX_QTY_PER_LINE:
            raise InvalidInput(
                f"quantity for {self.sku} must be between 1 and {MAX_QTY_PER_LINE}, got {self.qty}",
                code="line.qty_range",
                params={"sku": self.sku, "max": MAX_QTY_PER_LINE, "qty": self.qty},
            )


def parse_item(text: str) -> LineRequest:
    """Parse ``SKU:QTY`` (QTY defaults to 1) as typed on the command line."""
    sku, sep, qty_text = text.strip().rpartition(":")
    if not sep:
        sku, qty_text = text.strip(), "1"
    try:
        qty = int(qty_text)
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not SKU:QTY (e.g. LY-0001:2)", code="line.bad_text", params={"text": text}
        ) from None
    return LineRequest(sku=sku.strip(), qty=qty)


def merge_lines(lines: list[LineRequest]) -> list[LineRequest]:
    """Merge repeated SKUs into one line each, keeping first-seen order; check the limits."""
    if not lines:
        raise InvalidInput("an order needs at least one item", code="order.empty")
    merged: dict[str, int] = {}
    for line in lines:
        merged[line.sku] = merged.get(line.sku, 0) + line.qty
    if len(merged) > MAX_LINES:
        raise InvalidInput(
            f"an order can have at most {MAX_LINES} different products",
            code="order.too_many_lines",
            params={"max": MAX_LINES},
        )
    return [LineRequest(sku=sku, qty=qty) for sku, qty in merged.items()]


def local_order_no(center_code: str, seq: int, pc_no: int | None = None) -> str:
    """The short number people read and say aloud: center code + sequence (``C017-0042``).

    A center's PC number 2, 3… (given by central at enrollment) goes in between
    (``C017-2-0042``), so two PCs of one center, or a replacement PC, never share a number;
    PC 1 (and a kiosk not enrolled yet) keeps the short form (docs/orders.md).
    """
    if pc_no is not None and pc_no > 1:
        return f"{center_code}-{pc_no}-{seq:04d}"
    return f"{center_code}-{seq:04d}"

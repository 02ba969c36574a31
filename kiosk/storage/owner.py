"""The shop owner's day: the work queue, check-in, pickup, cancellation and return.

Every move is one write unit of work that changes the order, records the move (who, when, how it
was paid, cash taken or refunded), writes the cash entries, queues the outbox event for the
central service and appends to the audit log, so either all of it happened or none of it did.
Each returns a small frozen summary that a screen can show and refresh from; all of them may be
called off the GUI thread.

Orders are named by their id or their local number (``C017-0042``), typed or scanned, or by the
end of the number alone (``0042`` or ``42``) when only one order on this kiosk ends that way.

Nothing here says anything in words: a move returns an :class:`OwnerChange` and the queue lists
:class:`Attention` items, each a *kind* (:class:`ChangeKind`, :class:`AttentionKind`) with
*params*. The owner's screens turn them into sentences in the screen's language
(kiosk/ui/admin/owner_words.py), the command line into English (kiosk/cli/owner.py).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import func, literal_column, select
from sqlalchemy.orm import Session, selectinload

from kiosk.admin import PICKUP_BACKOFF, Clock, WrongPin, system_clock, wait_words
from kiosk.customers import mask_phone
from kiosk.errors import IllegalTransition, InvalidInput, NotFound
from kiosk.kernel.clock import utc_now_text
from kiosk.money import format_yuan
from kiosk.orders import FINAL, OrderStatus, Payment, check_transition
from kiosk.pickup import verify_pickup_code
from kiosk.storage import models as m
from kiosk.storage import outbox
from kiosk.storage.admin import current_wait, record_try
from kiosk.storage.cash import CashKind, paid_for_order, record_cash
from kiosk.storage.models import DayClose, OrderArrival, OrderMove
from kiosk.storage.orders import OrderView, get_order
from kiosk.storage.store import KioskStore
from kiosk.text import check_text
from kiosk.wire import (
    ArrivalCheckedInPayload,
    ArrivalLineWire,
    EventKind,
    OrderCancelledPayload,
    OrderReturnedPayload,
    PickupConfirmedPayload,
)

log = logging.getLogger(__name__)

#: Events waiting longer than this (kiosk clock) are shown as needing attention.
LONG_UNSENT_S = 2 * 3600
#: Most orders listed per section of the work queue.
QUEUE_LIST_LIMIT = 200
MAX_REASON = 200


class PaidHow(StrEnum):
    """How a pickup was paid (see :class:`kiosk.wire.PickupConfirmedPayload`)."""

    CASH = "cash"  # cash now (on_pickup orders)
    ALREADY_PAID = "already_paid"  # paid in cash at order time
    MOBILE = "mobile"  # paid now by phone to the shop's account: no cash in the drawer


class CodeRefused(WrongPin):
    """A wrong pickup code, or this order's wrong-code back-off is still running.

    Attributes:
        wait_s: seconds before the next try is checked (0: try again now).
        failures: wrong codes in a row for this order.
    """

    def __init__(self, message: str, wait_s: float, failures: int, order: str = "") -> None:
        code = "pickup.code_wait" if wait_s > 0 else "pickup.code_wrong"
        params = {"order": order, "wait_s": wait_s, "failures": failures}
        super().__init__(message, code=code, params=params)
        self.wait_s = wait_s
        self.failures = failures


# --- the work queue ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class QueueLine:
    """One line of a queued order, with how much of it has arrived."""

    line_no: int
    sku: str
    name: str
    qty: int
    arrived_qty: int


@dataclass(frozen=True, slots=True)
class QueueOrder:
    """An order as the owner's lists show it (phone masked)."""

    order_id: str
    local_no: str
    status: OrderStatus
    customer_name: str
    customer_phone_masked: str
    payment: Payment
    total_fen: int
    lines: tuple[QueueLine, ...]

    @property
    def partly_arrived(self) -> bool:
        """Some, but not all, of the parcels are in."""
        got = sum(ln.arrived_qty for ln in self.lines)
        return 0 < got < sum(ln.qty for ln in self.lines)


class AttentionKind(StrEnum):
    """Why an item is on the attention list (its ``params`` in brackets).

    - ``rejected``: the platform refused the order; refund or tell the villager
      (``order``, ``reason``: the platform's own text or ``None``, ``refund_fen``: cash still
      owed to the villager, 0 when none).
    - ``price_changed``: the platform's price moved after the order; tell the villager
      (``order``).
    - ``quarantined``: the platform refused a change the kiosk sent (``event_kind``, ``code``:
      the platform's reason code or ``""``, ``order``: the order's number or ``None``).
    - ``unsent``: changes waiting long to send; check the internet (``pending``, ``hours``).
    - ``overruled_cancel``: the shop cancelled an order the platform had already shipped; keep
      the refund given, check the parcel in and send it back (``local_no``, ``status``: the
      platform's, ``move``: the shop's, ``held_fen``: cash the shop holds for it).
    - ``overruled_arrival``: a parcel came for an order the platform had cancelled or rejected;
      do not hand it over, send it back, give back ``held_fen`` (same params).
    - ``overruled``: another shop move the platform's status did not allow (same params).
    """

    REJECTED = "rejected"
    PRICE_CHANGED = "price_changed"
    QUARANTINED = "quarantined"
    UNSENT = "unsent"
    OVERRULED_CANCEL = "overruled_cancel"
    OVERRULED_ARRIVAL = "overruled_arrival"
    OVERRULED = "overruled"


@dataclass(frozen=True, slots=True)
class Attention:
    """Something a person must look at: a ``kind`` (usually an :class:`AttentionKind`) and
    the ``params`` its words need. No sentence: the screen makes the words."""

    kind: str
    params: Mapping[str, object] = field(default_factory=dict)
    order_id: str | None = None
    local_no: str | None = None
    event_id: str | None = None


@dataclass(frozen=True, slots=True)
class WorkQueue:
    """The owner's day on one screen."""

    to_check_in: list[QueueOrder] = field(default_factory=list)
    waiting_pickup: list[QueueOrder] = field(default_factory=list)
    attention: list[Attention] = field(default_factory=list)
    returns: list[QueueOrder] = field(default_factory=list)
    #: Ordered here and not shipped yet (placed, sent, accepted): a fresh order is here at once.
    on_order: list[QueueOrder] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """``{"to_check_in", "waiting_pickup", "on_order", "attention", "returns"}`` → how many."""
        return {
            "to_check_in": len(self.to_check_in),
            "waiting_pickup": len(self.waiting_pickup),
            "on_order": len(self.on_order),
            "attention": len(self.attention),
            "returns": len(self.returns),
        }

    def to_dict(self) -> dict[str, object]:
        """JSON-ready (phones already masked); attention items as kind and params."""

        def order(o: QueueOrder) -> dict[str, object]:
            return {
                "order_id": o.order_id,
                "local_no": o.local_no,
                "status": o.status.value,
                "customer_name": o.customer_name,
                "customer_phone": o.customer_phone_masked,
                "payment": o.payment.value,
                "total_fen": o.total_fen,
                "lines": [
                    {
                        "line_no": ln.line_no,
                        "sku": ln.sku,
                        "name": ln.name,
                        "qty": ln.qty,
                        "arrived_qty": ln.arrived_qty,
                    }
                    for ln in o.lines
                ],
            }

        return {
            "counts": self.counts,
            "to_check_in": [order(o) for o in self.to_check_in],
            "waiting_pickup": [order(o) for o in self.waiting_pickup],
            "attention": [
                {
                    "kind": a.kind,
                    "params": dict(a.params),
                    "order_id": a.order_id,
                    "local_no": a.local_no,
                    "event_id": a.event_id,
                }
                for a in self.attention
            ],
            "returns": [order(o) for o in self.returns],
            "on_order": [order(o) for o in self.on_order],
        }


def _arrived(s: Session, order_ids: list[str]) -> dict[tuple[str, int], int]:
    if not order_ids:
        return {}
    rows = s.execute(
        select(OrderArrival.order_id, OrderArrival.line_no, OrderArrival.arrived_qty).where(
            OrderArrival.order_id.in_(order_ids)
        )
    )
    return {(oid, n): qty for oid, n, qty in rows}


def _queue_orders(s: Session, orders: list[m.Order]) -> list[QueueOrder]:
    arrived = _arrived(s, [o.id for o in orders])
    return [
        QueueOrder(
            order_id=o.id,
            local_no=o.local_no,
            status=OrderStatus(o.status),
            customer_name=o.customer_name,
            customer_phone_masked=mask_phone(o.customer_phone),
            payment=Payment(o.payment),
            total_fen=o.total_fen,
            lines=tuple(
                QueueLine(ln.line_no, ln.sku, ln.name, ln.qty, arrived.get((o.id, ln.line_no), 0))
                for ln in o.lines
            ),
        )
        for o in orders
    ]


def _orders_in(s: Session, *statuses: OrderStatus) -> list[m.Order]:
    stmt = (
        select(m.Order)
        .options(selectinload(m.Order.lines))
        .where(m.Order.status.in_([st.value for st in statuses]))
        .order_by(literal_column("orders.rowid"))
        .limit(QUEUE_LIST_LIMIT)
    )
    return list(s.scalars(stmt))


def work_queue(s: Session, now: datetime | None = None) -> WorkQueue:
    """The owner's work queue, read inside ``s`` (a read unit of work).

    Args:
        s: a session (``store.read()``).
        now: the kiosk clock, for how long events have waited (display only).
    """
    now = now or datetime.now(UTC)
    to_check_in = _queue_orders(s, _orders_in(s, OrderStatus.SHIPPED))
    waiting = _queue_orders(s, _orders_in(s, OrderStatus.ARRIVED))

    attention: list[Attention] = []
    moved = set(s.scalars(select(OrderMove.order_id).distinct()))
    for o in _orders_in(s, OrderStatus.REJECTED):
        owed = paid_for_order(s, o.id)
        if o.id in moved and owed <= 0:
            continue  # the owner has dealt with it
        params = {"order": o.local_no, "reason": o.status_reason, "refund_fen": max(owed, 0)}
        attention.append(Attention(AttentionKind.REJECTED, params, o.id, o.local_no))
    # Orders the platform accepted at a price that has changed since (sync result).
    changed = s.execute(
        select(m.Order.id, m.Order.local_no)
        .join(m.OutboxEvent, m.OutboxEvent.subject_id == m.Order.id)
        .where(
            m.OutboxEvent.kind == EventKind.ORDER_PLACED.value,
            func.json_extract(m.OutboxEvent.result, "$.price_changed").is_(True)
            | (func.json_extract(m.OutboxEvent.result, "$.price_changed") == 1),
            m.Order.status.in_([OrderStatus.SUBMITTED.value, OrderStatus.ACCEPTED.value]),
        )
        .limit(QUEUE_LIST_LIMIT)
    ).all()
    for oid, local_no in changed:
        attention.append(Attention(AttentionKind.PRICE_CHANGED, {"order": local_no}, oid, local_no))
    quarantined = list(
        s.scalars(
            select(m.OutboxEvent)
            .where(m.OutboxEvent.state == outbox.QUARANTINED)
            .order_by(m.OutboxEvent.seq)
            .limit(QUEUE_LIST_LIMIT)
        )
    )
    subjects = [ev.subject_id for ev in quarantined]
    numbers: dict[str, str] = {
        oid: no
        for oid, no in s.execute(
            select(m.Order.id, m.Order.local_no).where(m.Order.id.in_(subjects))
        )
    }
    for ev in quarantined:
        # The stored error starts with the platform's reason code ("<code>: <detail>").
        code = (ev.last_error or "").split(":", 1)[0].strip()
        local = numbers.get(ev.subject_id)
        params = {"event_kind": ev.kind, "code": code, "order": local}
        attention.append(
            Attention(
                AttentionKind.QUARANTINED,
                params,
                ev.subject_id if local else None,
                local,
                event_id=ev.id,
            )
        )
    attention.extend(_overruled(s))
    st = outbox.stats(s)
    age = st.oldest_pending_age_s(now)
    if age is not None and age > LONG_UNSENT_S:
        hours = int(age // 3600)
        attention.append(Attention(AttentionKind.UNSENT, {"pending": st.pending, "hours": hours}))

    last_close = s.scalar(select(func.max(DayClose.through_move_id))) or 0
    returned_ids = list(
        s.scalars(
            select(OrderMove.order_id)
            .where(OrderMove.kind == "return", OrderMove.id > last_close)
            .order_by(OrderMove.id)
        )
    )
    returns = []
    if returned_ids:
        rows = s.scalars(
            select(m.Order).options(selectinload(m.Order.lines)).where(m.Order.id.in_(returned_ids))
        )
        by_id = {o.id: o for o in rows}
        returns = _queue_orders(s, [by_id[i] for i in dict.fromkeys(returned_ids) if i in by_id])
    on_order = _queue_orders(
        s, _orders_in(s, OrderStatus.PLACED, OrderStatus.SUBMITTED, OrderStatus.ACCEPTED)
    )
    return WorkQueue(to_check_in, waiting, attention, returns, on_order)


def _overruled(s: Session) -> list[Attention]:
    """Shop moves the platform's status overruled (the order was rolled back to it), shown until
    the order moves on from that status."""
    status_in_result = func.json_extract(m.OutboxEvent.result, "$.status")
    rows = s.execute(
        select(m.OutboxEvent.id, m.OutboxEvent.kind, m.Order.id, m.Order.local_no, m.Order.status)
        .join(m.Order, m.Order.id == m.OutboxEvent.subject_id)
        .where(
            m.OutboxEvent.state == outbox.SENT,
            func.json_extract(m.OutboxEvent.result, "$.reason") == "overruled",
            m.Order.status == status_in_result,
        )
        .order_by(m.OutboxEvent.seq)
        .limit(QUEUE_LIST_LIMIT)
    ).all()
    out: list[Attention] = []
    for event_id, move, order_id, local_no, status in rows:
        held = paid_for_order(s, order_id)
        params = {"local_no": local_no, "status": status, "move": move, "held_fen": held}
        if move == EventKind.ORDER_CANCELLED.value:
            kind = AttentionKind.OVERRULED_CANCEL
        elif move == EventKind.ARRIVAL_CHECKED_IN.value:
            kind = AttentionKind.OVERRULED_ARRIVAL
        else:
            kind = AttentionKind.OVERRULED
        out.append(Attention(kind, params, order_id, local_no, event_id))
    return out


def load_work_queue(store: KioskStore) -> WorkQueue:
    """:func:`work_queue` in its own read unit of work."""
    with store.read() as s:
        return work_queue(s)


# --- moves ---------------------------------------------------------------------------------------


class ChangeKind(StrEnum):
    """What an owner move did (the :class:`OwnerChange` ``params`` in brackets).

    - ``checked_in``: every parcel of the order is in; ready for pickup (``order``).
    - ``checked_in_part``: some parcels are in, more to come (``order``, ``lines``: a tuple of
      ``(sku, qty)`` checked in now).
    - ``handed_over``: the villager took the order (``order``, ``cash_fen``: cash taken now).
    - ``refund_recorded``: the refund of an order the platform refused (``order``,
      ``refund_fen``).
    - ``cancelled`` / ``returned``: the order was cancelled / taken back (``order``,
      ``refund_fen``: cash given back, 0 when none).
    """

    CHECKED_IN = "checked_in"
    CHECKED_IN_PART = "checked_in_part"
    HANDED_OVER = "handed_over"
    REFUND_RECORDED = "refund_recorded"
    CANCELLED = "cancelled"
    RETURNED = "returned"


@dataclass(frozen=True, slots=True)
class OwnerChange:
    """What one owner move changed: a ``kind`` and its ``params`` (a screen says it in its own
    words and refreshes its lists).

    Attributes:
        cash_fen: cash into (+) or out of (-) the drawer by this move.
        complete: for a check-in, every line has now arrived.
    """

    order_id: str
    local_no: str
    status: OrderStatus
    event_id: str | None
    kind: ChangeKind
    params: Mapping[str, object] = field(default_factory=dict)
    cash_fen: int = 0
    complete: bool = True
    lines: tuple[QueueLine, ...] = ()


#: Longest number part of a local order number that a suffix search takes (``C017-0042``).
MAX_SUFFIX_DIGITS = 9


def _find_order(s: Session, ref: str) -> m.Order:
    """The order with id or local number ``ref``, or the one whose number ends in ``ref``'s
    digits (``0002`` or ``2`` finds ``C001-0002``).

    Raises:
        InvalidInput: no reference given.
        NotFound: no such order, or (``order.ambiguous``) several numbers end that way.
    """
    key = (ref or "").strip()
    if not key:
        raise InvalidInput("give the order number (e.g. C017-0042)", code="order.ref_missing")
    order = s.scalars(
        select(m.Order)
        .options(selectinload(m.Order.lines))
        .where((m.Order.id == key) | (m.Order.local_no == key.upper()) | (m.Order.local_no == key))
    ).first()
    if order is None and key.upper().startswith("LOCAL-"):
        # A number given before the kiosk was enrolled: the order kept its digits under the
        # center's prefix (kiosk.storage.orders.adopt_local_orders).
        key = key[len("LOCAL-") :]
    if order is None and key.isascii() and key.isdigit() and len(key) <= MAX_SUFFIX_DIGITS:
        # Numbers are written with at least four digits (kiosk.orders.local_order_no).
        tail = f"-{int(key):04d}"
        found = list(
            s.scalars(
                select(m.Order)
                .options(selectinload(m.Order.lines))
                .where(m.Order.local_no.endswith(tail, autoescape=True))
                .limit(2)
            )
        )
        if len(found) > 1:
            raise NotFound(
                f"more than one order ends in {key}; type the whole number (e.g. C017-0042)",
                code="order.ambiguous",
                params={"order": key},
            )
        order = found[0] if found else None
    if order is None:
        raise NotFound(
            f"no order {key} on this kiosk", code="order.not_found", params={"order": key}
        )
    return order


@dataclass(frozen=True, slots=True)
class OrderTask:
    """One order as an owner's task page needs it: the order, what has arrived of each line
    (line number → pieces), and the cash the villager has paid so far (fen)."""

    order: OrderView
    arrived: dict[int, int] = field(default_factory=dict)
    paid_fen: int = 0


def load_order_task(store: KioskStore, ref: str) -> OrderTask:
    """Read an order by id, number or the end of its number (typed or scanned), with what has
    arrived of it and the cash paid for it, in one read unit of work."""
    with store.read() as s:
        order = _find_order(s, ref)
        view = get_order(s, order.id)
        got = _arrived(s, [order.id])
        arrived = {n: qty for (_oid, n), qty in got.items()}
        return OrderTask(view, arrived, paid_for_order(s, order.id))


def _reason(text: str) -> str:
    reason = check_text(" ".join((text or "").split()), "the reason")
    if not reason:
        raise InvalidInput(
            "give a reason (it is shown to the platform and in the audit log)",
            code="reason.missing",
        )
    if len(reason) > MAX_REASON:
        raise InvalidInput(
            f"the reason is longer than {MAX_REASON} characters",
            code="reason.too_long",
            params={"max": MAX_REASON},
        )
    return reason


def _set_status(s: Session, order: m.Order, target: OrderStatus, actor: str, now: str) -> None:
    before = order.status
    order.status = target.value
    order.updated_at = now
    KioskStore.audit(s, actor, "order_status", order.id, f"{before}->{target.value}")


def check_in(
    store: KioskStore, order_ref: str, lines: Mapping[str, int] | None, actor: str
) -> OwnerChange:
    """Check in the parcels of an order that reached the shop.

    Args:
        order_ref: order id or local number.
        lines: SKU → quantity that arrived now; ``None`` for everything still expected.
        actor: who did it (audit).

    The order becomes ``arrived`` when every line is fully in; until then it stays as it is with
    the arrived quantities stored per line. The parcel in hand proves it shipped, so an order the
    kiosk still thinks ``accepted`` (the update has not come down yet) can be checked in.
    """
    now = utc_now_text()
    with store.write() as s:
        order = _find_order(s, order_ref)
        current = OrderStatus(order.status)
        if current == OrderStatus.ARRIVED:
            raise IllegalTransition(
                f"{order.local_no} is already checked in",
                code="checkin.already",
                params={"order": order.local_no},
            )
        if current not in (OrderStatus.ACCEPTED, OrderStatus.SHIPPED, OrderStatus.SUBMITTED):
            raise IllegalTransition(
                f"{order.local_no} is {current.value}; only shipped orders can be checked in",
                code="checkin.wrong_status",
                params={"order": order.local_no, "status": current.value},
            )
        have = {
            a.line_no: a
            for a in s.scalars(select(OrderArrival).where(OrderArrival.order_id == order.id))
        }
        by_sku = {ln.sku: ln for ln in order.lines}
        wanted: dict[int, int] = {}
        if lines is None:
            for ln in order.lines:
                left = ln.qty - (have[ln.line_no].arrived_qty if ln.line_no in have else 0)
                if left > 0:
                    wanted[ln.line_no] = left
        else:
            for sku, qty in lines.items():
                line = by_sku.get(sku.strip())
                if line is None:
                    raise InvalidInput(
                        f"{order.local_no} has no line {sku}",
                        code="checkin.no_line",
                        params={"order": order.local_no, "sku": sku},
                    )
                if isinstance(qty, bool) or not isinstance(qty, int) or qty < 1:
                    raise InvalidInput(
                        f"quantity for {sku} must be a whole number from 1",
                        code="checkin.bad_qty",
                        params={"sku": sku},
                    )
                got = have[line.line_no].arrived_qty if line.line_no in have else 0
                if qty > line.qty - got:
                    raise InvalidInput(
                        f"only {line.qty - got} of {sku} still expected for {order.local_no}",
                        code="checkin.too_many",
                        params={"order": order.local_no, "sku": sku, "left": line.qty - got},
                    )
                wanted[line.line_no] = qty
        if not wanted:
            raise IllegalTransition(
                f"every parcel of {order.local_no} is already checked in",
                code="checkin.all_in",
                params={"order": order.local_no},
            )
        wire_lines = []
        for ln in order.lines:
            if ln.line_no not in wanted:
                continue
            row = have.get(ln.line_no)
            if row is None:
                row = OrderArrival(order_id=order.id, line_no=ln.line_no, arrived_qty=0)
                s.add(row)
                have[ln.line_no] = row
            row.arrived_qty += wanted[ln.line_no]
            wire_lines.append(
                ArrivalLineWire(
                    line_no=ln.line_no,
                    sku=ln.sku,
                    qty=wanted[ln.line_no],
                    arrived_qty=row.arrived_qty,
                    ordered_qty=ln.qty,
                )
            )
        complete = all(
            ln.line_no in have and have[ln.line_no].arrived_qty >= ln.qty for ln in order.lines
        )
        if complete:
            _set_status(s, order, OrderStatus.ARRIVED, actor, now)
        detail = ", ".join(f"{w.sku}×{w.qty}" for w in wire_lines)
        s.add(OrderMove(order_id=order.id, kind="check_in", at=now, actor=actor, reason=detail))
        payload = ArrivalCheckedInPayload(
            order_id=order.id, lines=wire_lines, complete=complete, checked_in_at=now
        )
        ev = outbox.enqueue(
            s, EventKind.ARRIVAL_CHECKED_IN.value, order.id, payload.model_dump(mode="json")
        )
        KioskStore.audit(s, actor, "check_in", order.id, f"{order.local_no}: {detail}")
        now_in = {n: a.arrived_qty for n, a in have.items()}
        result_lines = tuple(
            QueueLine(ln.line_no, ln.sku, ln.name, ln.qty, now_in.get(ln.line_no, 0))
            for ln in order.lines
        )
        status = OrderStatus(order.status)
    params: dict[str, object] = {"order": order.local_no}
    kind = ChangeKind.CHECKED_IN
    if not complete:
        kind = ChangeKind.CHECKED_IN_PART
        params["lines"] = tuple((w.sku, w.qty) for w in wire_lines)
    log.info("order %s checked in (%s)", order.id, "complete" if complete else "partial")
    return OwnerChange(
        order.id,
        order.local_no,
        status,
        ev.id,
        kind,
        params,
        complete=complete,
        lines=result_lines,
    )


def pickup_key(order_id: str) -> str:
    """The back-off key of one order's pickup code."""
    return f"pickup:{order_id}"


def confirm_pickup(
    store: KioskStore,
    order_ref: str,
    code: str,
    paid_how: str | None,
    actor: str,
    *,
    clock: Clock = system_clock,
) -> OwnerChange:
    """Hand an arrived order over against its pickup code, verified offline.

    Args:
        paid_how: ``cash`` / ``mobile`` (paid now; on_pickup orders), ``already_paid`` (cash
            orders); ``None`` picks the usual one for the order's payment.

    Raises:
        WrongPin: the code is wrong (the try is counted, persisted) or this order's wrong-code
            back-off is still running (the code is then not even checked).
        IllegalTransition: the order is not waiting for pickup.
    """
    now = clock()
    failed: tuple[float, int] | None = None
    with store.write() as s:
        order = _find_order(s, order_ref)
        current = OrderStatus(order.status)
        if current != OrderStatus.ARRIVED:
            raise IllegalTransition(
                f"{order.local_no} is {current.value}, not waiting for pickup",
                code="pickup.wrong_status",
                params={"order": order.local_no, "status": current.value},
            )
        payment = Payment(order.payment)
        try:
            how = PaidHow((paid_how or "").strip().lower()) if paid_how else None
        except ValueError:
            raise InvalidInput(
                f"unknown payment '{paid_how}'; use cash, mobile or already_paid",
                code="pickup.bad_payment",
                params={"payment": paid_how},
            ) from None
        if how is None:
            how = PaidHow.CASH if payment is Payment.ON_PICKUP else PaidHow.ALREADY_PAID
        if payment is Payment.CASH and how != PaidHow.ALREADY_PAID:
            raise InvalidInput(
                f"{order.local_no} was paid in cash when ordered: use already_paid",
                code="pickup.paid_already",
                params={"order": order.local_no},
            )
        if payment is Payment.ON_PICKUP and how == PaidHow.ALREADY_PAID:
            raise InvalidInput(
                f"{order.local_no} is paid at pickup: use cash or mobile",
                code="pickup.pay_now",
                params={"order": order.local_no},
            )
        key = pickup_key(order.id)
        state = current_wait(s, key, now)
        if state.remaining_s > 0:
            KioskStore.audit(s, actor, "pickup_refused_wait", order.id, f"{state.remaining_s:.0f}s")
            failed = (state.remaining_s, state.failures)
        elif not verify_pickup_code(code or "", order.pickup_salt, order.pickup_hash):
            state = record_try(s, key, False, now, PICKUP_BACKOFF)
            KioskStore.audit(s, actor, "pickup_code_wrong", order.id, f"failures {state.failures}")
            failed = (state.remaining_s, state.failures)
        else:
            record_try(s, key, True, now, PICKUP_BACKOFF)
            stamp = utc_now_text()
            cash = order.total_fen if how == PaidHow.CASH else 0
            if cash > 0:
                record_cash(s, CashKind.PICKUP_CASH, cash, order.id, actor)
            _set_status(s, order, OrderStatus.PICKED_UP, actor, stamp)
            s.add(
                OrderMove(
                    order_id=order.id,
                    kind="pickup",
                    at=stamp,
                    actor=actor,
                    paid_how=how.value,
                    cash_fen=cash,
                )
            )
            payload = PickupConfirmedPayload(
                order_id=order.id, paid_how=how.value, cash_fen=cash, picked_up_at=stamp
            )
            ev = outbox.enqueue(
                s, EventKind.PICKUP_CONFIRMED.value, order.id, payload.model_dump(mode="json")
            )
            KioskStore.audit(s, actor, "pickup", order.id, f"{order.local_no} paid {how.value}")
    if failed is not None:
        wait_s, failures = failed
        if wait_s > 0:
            msg = f"wrong pickup code for {order.local_no}; wait {wait_words(wait_s)} and try again"
        else:
            msg = f"wrong pickup code for {order.local_no}; ask the villager to check the code"
        raise CodeRefused(msg, wait_s, failures, order=order.local_no)
    log.info("order %s picked up (%s)", order.id, how.value)
    return OwnerChange(
        order.id,
        order.local_no,
        OrderStatus.PICKED_UP,
        ev.id,
        ChangeKind.HANDED_OVER,
        {"order": order.local_no, "cash_fen": cash},
        cash_fen=cash,
    )


def _refund(s: Session, order: m.Order, refund_fen: int | None, actor: str) -> int:
    paid = paid_for_order(s, order.id)
    refund = paid if refund_fen is None else refund_fen
    if isinstance(refund, bool) or not isinstance(refund, int) or refund < 0:
        raise InvalidInput("a refund is a whole number of fen, 0 or more", code="refund.bad_amount")
    if refund > max(paid, 0):
        raise InvalidInput(
            f"the villager paid {format_yuan(max(paid, 0))} for {order.local_no}; "
            f"cannot refund {format_yuan(refund)}",
            code="refund.too_much",
            params={"order": order.local_no, "paid_fen": max(paid, 0), "refund_fen": refund},
        )
    if refund > 0:
        record_cash(s, CashKind.REFUND, refund, order.id, actor)
    return refund


def _take_back(
    s: Session,
    order: m.Order,
    to: OrderStatus,
    why: str,
    refund_fen: int | None,
    actor: str,
    now: str,
) -> tuple[int, m.OutboxEvent]:
    """Cancel or return ``order`` in the caller's transaction: refund, move, outbox event, audit.

    The caller has checked that the move is allowed. Returns the refund and the event.
    """
    cancel = to == OrderStatus.CANCELLED
    kind = "cancel" if cancel else "return"
    refund = _refund(s, order, refund_fen, actor)
    _set_status(s, order, to, actor, now)
    order.status_reason = why
    s.add(
        OrderMove(order_id=order.id, kind=kind, at=now, actor=actor, refund_fen=refund, reason=why)
    )
    payload: OrderCancelledPayload | OrderReturnedPayload
    if cancel:
        payload = OrderCancelledPayload(
            order_id=order.id, reason=why, refund_fen=refund, cancelled_at=now
        )
        event = EventKind.ORDER_CANCELLED
    else:
        payload = OrderReturnedPayload(
            order_id=order.id, reason=why, refund_fen=refund, returned_at=now
        )
        event = EventKind.ORDER_RETURNED
    ev = outbox.enqueue(s, event.value, order.id, payload.model_dump(mode="json"))
    KioskStore.audit(s, actor, kind, order.id, f"{order.local_no} refund {refund}")
    return refund, ev


def cancel_order(
    store: KioskStore, order_ref: str, reason: str, refund_fen: int | None, actor: str
) -> OwnerChange:
    """Cancel an order that has not shipped, refunding cash (``None``: all that was paid).

    For an order the platform rejected this only settles the money (the order stays rejected
    and nothing is sent about its status; the refund goes up as a cash entry).
    """
    why = _reason(reason)
    now = utc_now_text()
    with store.write() as s:
        order = _find_order(s, order_ref)
        current = OrderStatus(order.status)
        if current == OrderStatus.REJECTED:
            refund = _refund(s, order, refund_fen, actor)
            s.add(
                OrderMove(
                    order_id=order.id,
                    kind="cancel",
                    at=now,
                    actor=actor,
                    refund_fen=refund,
                    reason=why,
                )
            )
            KioskStore.audit(s, actor, "rejected_settled", order.id, f"refund {refund}")
            return OwnerChange(
                order.id,
                order.local_no,
                current,
                None,
                ChangeKind.REFUND_RECORDED,
                {"order": order.local_no, "refund_fen": refund},
                cash_fen=-refund,
            )
        check_transition(current, OrderStatus.CANCELLED)
        refund, ev = _take_back(s, order, OrderStatus.CANCELLED, why, refund_fen, actor, now)
    log.info("order %s cancelled at the shop", order.id)
    return OwnerChange(
        order.id,
        order.local_no,
        OrderStatus.CANCELLED,
        ev.id,
        ChangeKind.CANCELLED,
        {"order": order.local_no, "refund_fen": refund},
        cash_fen=-refund,
    )


def return_order(
    store: KioskStore, order_ref: str, reason: str, refund_fen: int | None, actor: str
) -> OwnerChange:
    """Take an order back (arrived or picked up), refunding cash (``None``: all that was paid)."""
    why = _reason(reason)
    now = utc_now_text()
    with store.write() as s:
        order = _find_order(s, order_ref)
        current = OrderStatus(order.status)
        if current in FINAL or current not in (OrderStatus.ARRIVED, OrderStatus.PICKED_UP):
            raise IllegalTransition(
                f"{order.local_no} is {current.value}; only arrived or picked-up orders can be"
                " returned",
                code="return.wrong_status",
                params={"order": order.local_no, "status": current.value},
            )
        refund, ev = _take_back(s, order, OrderStatus.RETURNED, why, refund_fen, actor, now)
    log.info("order %s returned at the shop", order.id)
    return OwnerChange(
        order.id,
        order.local_no,
        OrderStatus.RETURNED,
        ev.id,
        ChangeKind.RETURNED,
        {"order": order.local_no, "refund_fen": refund},
        cash_fen=-refund,
    )

"""Events from the kiosks' outboxes and their handlers.

A batch is one transaction with a savepoint per event (:meth:`Events.push_events`), so a rejected
or duplicate event never undoes its neighbours. Every event is kept under its id, once: a resent
event gets the answer it got the first time (``duplicate``, or the same rejection). The handlers
place orders, move them (cancel, check-in, pickup, return), and keep cash entries, day closes
and demand counts (see docs/sync-protocol.md).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from central.catalog import price_problem
from central.clock import Clock
from central.db import CentralDb
from central.demand import fold as fold_demand
from central.enrollment import DeviceAuth
from central.errors import first_problem
from central.feed import Sequences
from central.models import (
    CashEntryRecord,
    DayCloseRecord,
    EventRecord,
    Order,
    OrderLine,
    Product,
)
from central.orders import Orders
from kiosk.errors import IllegalTransition
from kiosk.orders import OrderStatus, check_transition, status_path
from kiosk.wire import (
    MESSAGE_MAX,
    OWNER_PAYLOADS,
    ArrivalCheckedInPayload,
    CashEntryPayload,
    DayClosedPayload,
    DemandCountsPayload,
    Event,
    EventBatch,
    EventBatchResult,
    EventKind,
    EventResult,
    EventStatus,
    OrderPlacedPayload,
    clean_text,
)

log = logging.getLogger("central")

#: Event kinds that move an order, and the status each one moves it to.
STATUS_EVENTS: dict[EventKind, OrderStatus] = {
    EventKind.ORDER_CANCELLED: OrderStatus.CANCELLED,
    EventKind.ARRIVAL_CHECKED_IN: OrderStatus.ARRIVED,
    EventKind.PICKUP_CONFIRMED: OrderStatus.PICKED_UP,
    EventKind.ORDER_RETURNED: OrderStatus.RETURNED,
}
#: Errors by which the database refuses one event's values (not the database being unwell):
#: ``DataError`` (PostgreSQL: NUL in text, a number past its column), ``OverflowError`` (SQLite:
#: an integer past 64 bits), ``UnicodeEncodeError`` (a lone surrogate the driver cannot encode).
UNSTORABLE: tuple[type[Exception], ...] = (DataError, OverflowError, UnicodeEncodeError)

#: Event kinds whose payload names its center (``center_id``).
CENTER_EVENTS = frozenset({EventKind.ORDER_PLACED, EventKind.DAY_CLOSED})

#: Event kinds that touch no order and take no sequence number (no counters to lock).
STORED_EVENTS = frozenset({EventKind.CASH_ENTRY, EventKind.DAY_CLOSED, EventKind.DEMAND_COUNTS})


def payload_hash(event: Event) -> str:
    """sha256 of the canonical JSON of what the event says (kind, subject, payload)."""
    canonical = json.dumps(
        {"kind": event.kind.value, "subject_id": event.subject_id, "payload": event.payload},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    # surrogatepass: a lone surrogate (refused later) must not make the hash itself fail; every
    # valid text encodes exactly as plain UTF-8, so no stored hash changes.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


def _storable(text: str) -> str:
    """``text`` without NUL and lone surrogates (for keeping a rejected event's own fields)."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


class Events:
    """Applies batches of kiosk events.

    Args:
        db: the opened (and migrated) database.
        clock: the server clock.
        sequences: where order numbers and order-update numbers come from.
        orders: the order status moves the handlers make.
    """

    def __init__(self, db: CentralDb, clock: Clock, sequences: Sequences, orders: Orders) -> None:
        self.db = db
        self.clock = clock
        self.sequences = sequences
        self.orders = orders

    def push_events(self, auth: DeviceAuth, batch: EventBatch) -> EventBatchResult:
        """Apply a batch of outbox events; one result per event, in order.

        The whole batch is one transaction (one fsync on SQLite) with a savepoint per event, so a
        rejected or duplicate event never undoes its neighbours.
        """
        results: list[EventResult] = []
        with self.db.write() as s:
            if any(e.kind not in STORED_EVENTS for e in batch.events):
                self.sequences.lock(s, ("order_no", "order_update"))
            for event in batch.events:
                results.append(self._one_event(s, auth, event))
        return EventBatchResult(results=results)

    def _one_event(self, s: Session, auth: DeviceAuth, event: Event) -> EventResult:
        claimed = event.payload.get("center_id")
        if event.kind in CENTER_EVENTS and isinstance(claimed, str) and claimed != auth.center_id:
            # Refused before anything is stored: no record under this id, so the event id of
            # another center's event can never be taken over.
            return EventResult(
                id=event.id,
                status=EventStatus.REJECTED,
                reason="wrong_center",
                message=f"this device belongs to center {auth.center_id}",
            )
        phash = payload_hash(event)
        for _attempt in range(2):
            existing = self._known_event(s, auth, event.id, phash)
            if existing is not None:
                return self._repeat(existing, phash)
            try:
                with s.begin_nested():
                    result = self._apply(s, auth, event)
                    s.add(
                        EventRecord(
                            id=event.id,
                            device_id=auth.device_id,
                            center_id=auth.center_id,
                            kind=event.kind.value,
                            subject_id=event.subject_id,
                            payload_hash=phash,
                            payload=json.dumps(event.payload, ensure_ascii=False, sort_keys=True),
                            status=result.status.value,
                            reason=result.reason,
                            message=result.message,
                            result=json.dumps(result.result, ensure_ascii=False, sort_keys=True),
                            created_at=event.created_at[:64],
                            received_at=self.clock(),
                        )
                    )
                    s.flush()
                return result
            except IntegrityError:
                # A concurrent request committed the same event (or order) first: look again.
                continue
            except UNSTORABLE as exc:
                # The database refused a value of this event alone (a NUL in a name on
                # PostgreSQL, a number past the column's range): its savepoint is rolled back,
                # it becomes its own rejection and its neighbours go on. Only the error's type
                # is logged: the database's message carries the values (names, phones).
                log.warning(
                    "event %s (%s) could not be stored: %s",
                    event.id,
                    event.kind.value,
                    type(exc).__name__,
                )
                return self._unstorable(s, auth, event, phash)
        raise RuntimeError(f"event {event.id} conflicts with concurrent writes")

    def _unstorable(self, s: Session, auth: DeviceAuth, event: Event, phash: str) -> EventResult:
        """Reject an event the database could not store; keep the rejection when possible."""
        result = EventResult(
            id=event.id,
            status=EventStatus.REJECTED,
            reason="invalid_payload",
            message="a value in this event cannot be stored by the central service",
        )
        try:
            with s.begin_nested():
                s.add(
                    EventRecord(
                        id=event.id,
                        device_id=auth.device_id,
                        center_id=auth.center_id,
                        kind=event.kind.value,
                        subject_id=_storable(event.subject_id),
                        payload_hash=phash,
                        # ASCII JSON: NUL and lone surrogates become \u escapes any database keeps.
                        payload=json.dumps(event.payload, ensure_ascii=True, sort_keys=True),
                        status=result.status.value,
                        reason=result.reason,
                        message=result.message,
                        result="{}",
                        created_at=_storable(event.created_at[:64]),
                        received_at=self.clock(),
                    )
                )
                s.flush()
        except (IntegrityError, DataError, OverflowError, UnicodeEncodeError):
            # Not even the rejection can be kept (or a twin raced it in): the answer stands,
            # a resend is judged again and gets the same answer.
            pass
        return result

    @staticmethod
    def _known_event(s: Session, auth: DeviceAuth, event_id: str, phash: str) -> EventRecord | None:
        """The record of this event id from this device; else the very same event (same
        content) sent by another PC of the same center (a restored backup or a replacement PC
        resending the shop's own events). Never another center's."""
        own = s.get(
            EventRecord, {"device_id": auth.device_id, "id": event_id}, populate_existing=True
        )
        if own is not None:
            return own
        return s.execute(
            select(EventRecord)
            .where(
                EventRecord.id == event_id,
                EventRecord.center_id == auth.center_id,
                EventRecord.payload_hash == phash,
            )
            .limit(1)
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()

    @staticmethod
    def _repeat(existing: EventRecord, phash: str) -> EventResult:
        if existing.payload_hash != phash:
            return EventResult(
                id=existing.id,
                status=EventStatus.REJECTED,
                reason="payload_mismatch",
                message="this event id was already used for different content",
            )
        if existing.status == EventStatus.REJECTED.value:
            # A resent rejected event gets the same rejection, never a "duplicate" success.
            return EventResult(
                id=existing.id,
                status=EventStatus.REJECTED,
                reason=existing.reason,
                message=existing.message,
                result=json.loads(existing.result or "{}"),
            )
        return EventResult(
            id=existing.id, status=EventStatus.DUPLICATE, result=json.loads(existing.result)
        )

    def _apply(self, s: Session, auth: DeviceAuth, event: Event) -> EventResult:
        def reject(reason: str, message: str) -> EventResult:
            # Cut to what the wire (and the events table) holds: a message may quote input.
            return EventResult(
                id=event.id,
                status=EventStatus.REJECTED,
                reason=reason,
                message=clean_text(message)[:MESSAGE_MAX],
            )

        if event.kind == EventKind.ORDER_PLACED:
            try:
                order = OrderPlacedPayload.model_validate(event.payload)
            except ValidationError as exc:
                return reject("invalid_payload", f"order payload: {first_problem(exc)}"[:300])
            return self._place_order(s, auth, event, order, reject)
        model = OWNER_PAYLOADS.get(event.kind)
        payload: Any = None
        if model is not None:
            try:
                payload = model.model_validate(event.payload)
            except ValidationError as exc:
                return reject(
                    "invalid_payload", f"{event.kind.value} payload: {first_problem(exc)}"[:300]
                )
            subject = getattr(payload, "order_id", None)
            if event.kind == EventKind.CASH_ENTRY:
                subject = payload.entry_id
            elif event.kind == EventKind.DAY_CLOSED:
                subject = payload.business_day
            if subject != event.subject_id:
                return reject("invalid_payload", "subject_id does not match the payload")
        if event.kind == EventKind.ARRIVAL_CHECKED_IN:
            return self._arrival(s, auth, event, payload, reject)
        if event.kind in STATUS_EVENTS:
            return self._kiosk_status(s, auth, event, STATUS_EVENTS[event.kind], reject)
        if event.kind == EventKind.CASH_ENTRY:
            return self._cash_entry(s, auth, event, payload, reject)
        if event.kind == EventKind.DAY_CLOSED:
            return self._day_closed(s, auth, event, payload, reject)
        # demand_counts: validated, folded into per-center daily counts (central/demand.py).
        try:
            demand = DemandCountsPayload.model_validate(event.payload)
        except ValidationError as exc:
            return reject("invalid_payload", f"demand_counts payload: {first_problem(exc)}"[:300])
        fold_demand(s, auth.center_id, demand, self.clock())
        return EventResult(id=event.id, status=EventStatus.ACCEPTED, result={})

    def _arrival(
        self,
        s: Session,
        auth: DeviceAuth,
        event: Event,
        payload: ArrivalCheckedInPayload,
        reject: Callable[[str, str], EventResult],
    ) -> EventResult:
        """A check-in at the shop: arrived quantities per line; ``arrived`` once complete."""
        order = s.get(Order, payload.order_id)
        if order is None or order.center_id != auth.center_id:
            return reject("unknown_order", "the central service has no such order of this center")
        current = OrderStatus(order.status)
        path = [] if current == OrderStatus.ARRIVED else status_path(current, OrderStatus.ARRIVED)
        lines = {
            ln.line_no: ln
            for ln in s.scalars(select(OrderLine).where(OrderLine.order_id == order.id))
        }
        for wl in payload.lines:
            line = lines.get(wl.line_no)
            if line is None or line.sku != wl.sku or wl.arrived_qty > line.qty:
                return reject("invalid_payload", f"line {wl.line_no} does not match the order")
            # A fact the shop witnessed: kept even when the status below is refused.
            line.arrived_qty = max(line.arrived_qty, wl.arrived_qty)
        if path is None:
            s.flush()
            return self._overruled(event, order, OrderStatus.ARRIVED)
        if payload.complete:
            # Central keeps its own count too: "complete" must agree with the lines it knows.
            missing = [n for n, ln in lines.items() if ln.arrived_qty < ln.qty]
            if missing:
                return reject("invalid_payload", f"complete, but line {missing[0]} is short")
            for step in path:
                self.orders.set_status(s, order, step, None)
        s.flush()
        return EventResult(
            id=event.id,
            status=EventStatus.ACCEPTED,
            result={
                "status": order.status,
                "server_no": order.server_no,
                "complete": payload.complete,
            },
        )

    def _cash_entry(
        self,
        s: Session,
        auth: DeviceAuth,
        event: Event,
        payload: CashEntryPayload,
        reject: Callable[[str, str], EventResult],
    ) -> EventResult:
        if s.get(CashEntryRecord, payload.entry_id) is not None:
            return reject("entry_exists", "a cash entry with this id came in another event")
        if payload.order_id is not None:
            named = s.get(Order, payload.order_id)
            if named is not None and named.center_id != auth.center_id:
                return reject("wrong_center", "the order of this cash entry is another center's")
        s.add(
            CashEntryRecord(
                entry_id=payload.entry_id,
                center_id=auth.center_id,
                device_id=auth.device_id,
                event_id=event.id,
                kind=payload.kind,
                order_id=payload.order_id,
                amount_fen=payload.amount_fen,
                at=payload.at,
                received_at=self.clock(),
            )
        )
        s.flush()
        return EventResult(id=event.id, status=EventStatus.ACCEPTED, result={})

    def _day_closed(
        self,
        s: Session,
        auth: DeviceAuth,
        event: Event,
        payload: DayClosedPayload,
        reject: Callable[[str, str], EventResult],
    ) -> EventResult:
        if payload.center_id != auth.center_id:
            return reject("wrong_center", f"this device belongs to center {auth.center_id}")
        key = {
            "center_id": auth.center_id,
            "device_id": auth.device_id,
            "business_day": payload.business_day,
        }
        if s.get(DayCloseRecord, key) is not None:
            return reject(
                "day_already_closed", f"{payload.business_day} was already closed on this PC"
            )
        s.add(
            DayCloseRecord(
                center_id=auth.center_id,
                business_day=payload.business_day,
                event_id=event.id,
                device_id=auth.device_id,
                closed_at=payload.closed_at,
                totals=json.dumps(
                    {k: v.model_dump() for k, v in payload.totals.items()}, sort_keys=True
                ),
                expected_cash_fen=payload.expected_cash_fen,
                entries=payload.entries,
                received_at=self.clock(),
            )
        )
        s.flush()
        return EventResult(id=event.id, status=EventStatus.ACCEPTED, result={})

    def _place_order(
        self,
        s: Session,
        auth: DeviceAuth,
        event: Event,
        order: OrderPlacedPayload,
        reject: Callable[[str, str], EventResult],
    ) -> EventResult:
        if event.subject_id != order.order_id:
            return reject("invalid_payload", "subject_id must be the order id")
        if order.center_id != auth.center_id:
            return reject("wrong_center", f"this device belongs to center {auth.center_id}")
        if s.get(Order, order.order_id) is not None:
            return reject("order_exists", "an order with this id came in another event")
        price_changed = False
        total = 0
        for line in order.lines:
            product = s.get(Product, line.sku)
            if product is None:
                return reject("unknown_sku", f"product {line.sku} is not in the central catalog")
            unknown = price_problem(s, line.sku, line.product_version, line.unit_price_fen)
            if unknown is not None:
                return reject("price_unknown", unknown)
            if line.line_total_fen != line.unit_price_fen * line.qty:
                return reject("bad_totals", f"line {line.sku}: price × quantity ≠ line total")
            price_changed = price_changed or product.price_fen != line.unit_price_fen
            total += line.line_total_fen
        if total != order.total_fen:
            return reject("bad_totals", "the line totals do not add up to the order total")
        now = self.clock()
        server_no = f"S{self.sequences.take(s, 'order_no'):08d}"
        s.add(
            Order(
                id=order.order_id,
                server_no=server_no,
                center_id=auth.center_id,
                device_id=auth.device_id,
                local_no=order.local_no[:32],
                customer_name=order.customer_name[:100],
                customer_phone=order.customer_phone[:32],
                payment=order.payment,
                total_fen=order.total_fen,
                status=OrderStatus.SUBMITTED.value,
                placed_at=order.placed_at[:64],
                received_at=now,
                updated_at=now,
                pickup_salt=order.pickup_salt,
                pickup_hash=order.pickup_hash,
            )
        )
        s.flush()
        current_price: dict[str, int] = {}
        for line in order.lines:
            p = s.get(Product, line.sku)
            assert p is not None
            current_price[line.sku] = p.price_fen
        s.add_all(
            OrderLine(
                order_id=order.order_id,
                line_no=i,
                sku=line.sku,
                name=line.name[:200],
                unit=line.unit[:10],
                unit_price_fen=line.unit_price_fen,
                product_version=line.product_version,
                qty=line.qty,
                line_total_fen=line.line_total_fen,
                price_changed=current_price[line.sku] != line.unit_price_fen,
            )
            for i, line in enumerate(order.lines, start=1)
        )
        self.orders.record_update(
            s, order.order_id, auth.center_id, OrderStatus.SUBMITTED, server_no
        )
        if order.payment == "cash" and order.total_fen > 0:
            # The kiosk sends no separate cash_entry for cash taken at order time: this is it.
            s.add(
                CashEntryRecord(
                    entry_id=order.order_id,
                    center_id=auth.center_id,
                    device_id=auth.device_id,
                    event_id=event.id,
                    kind="order_cash",
                    order_id=order.order_id,
                    amount_fen=order.total_fen,
                    at=order.placed_at[:64],
                    received_at=now,
                )
            )
        return EventResult(
            id=event.id,
            status=EventStatus.ACCEPTED,
            result={
                "server_no": server_no,
                "status": OrderStatus.SUBMITTED.value,
                "price_changed": price_changed,
            },
        )

    def _kiosk_status(
        self,
        s: Session,
        auth: DeviceAuth,
        event: Event,
        target: OrderStatus,
        reject: Callable[[str, str], EventResult],
    ) -> EventResult:
        order = s.get(Order, event.subject_id)
        if order is None or order.center_id != auth.center_id:
            return reject("unknown_order", "the central service has no such order of this center")
        current = OrderStatus(order.status)
        done = {"status": target.value, "server_no": order.server_no}
        if current == target:
            # Both sides already agree (e.g. the operator cancelled too): nothing to change.
            return EventResult(id=event.id, status=EventStatus.ACCEPTED, result=done)
        try:
            check_transition(current, target)
        except IllegalTransition:
            return self._overruled(event, order, target)
        reason = event.payload.get("reason")
        self.orders.set_status(s, order, target, reason if isinstance(reason, str) else None)
        return EventResult(id=event.id, status=EventStatus.ACCEPTED, result=done)

    @staticmethod
    def _overruled(event: Event, order: Order, target: OrderStatus) -> EventResult:
        """A shop move central's status does not allow: central's status stands (it is the
        authority), the event is kept as the record of what the shop did (with its cash, which
        comes in its own entries and is always kept), and the kiosk is told central's status so
        it rolls the order back and tells the owner (docs/sync-protocol.md, conflict table)."""
        return EventResult(
            id=event.id,
            status=EventStatus.REJECTED,
            reason="overruled",
            message=f"the platform had already moved this order to {order.status}; "
            f"the shop's move to {target.value} is recorded, the order stays {order.status}",
            result={"status": order.status, "server_no": order.server_no, "move": target.value},
        )

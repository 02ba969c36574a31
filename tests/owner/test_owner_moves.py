"""The owner's moves through the real store: check-in, pickup, cancel, return, work queue."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from kiosk.cli.owner import attention_text, change_text
from kiosk.errors import IllegalTransition, InvalidInput, NotFound
from kiosk.orders import OrderStatus, Payment
from kiosk.storage import models as m
from kiosk.storage import outbox
from kiosk.storage.cash import open_day_summary
from kiosk.storage.models import CashEntry, OrderArrival, OrderMove
from kiosk.storage.owner import (
    ChangeKind,
    CodeRefused,
    cancel_order,
    check_in,
    confirm_pickup,
    load_order_task,
    load_work_queue,
    return_order,
    work_queue,
)
from kiosk.storage.store import KioskStore
from kiosk.wire import (
    ArrivalCheckedInPayload,
    OrderCancelledPayload,
    OrderReturnedPayload,
    PickupConfirmedPayload,
)
from tests.owner.conftest import PHONE, FakeClock, advance, place


def _events(store: KioskStore, kind: str) -> list[dict[str, object]]:
    with store.read() as s:
        rows = s.scalars(
            select(m.OutboxEvent).where(m.OutboxEvent.kind == kind).order_by(m.OutboxEvent.seq)
        )
        return [json.loads(r.payload) for r in rows]


def _status(store: KioskStore, order_id: str) -> str:
    with store.read() as s:
        order = s.get(m.Order, order_id)
        assert order is not None
        return order.status


def test_partial_arrival_of_a_multi_line_order(shop: KioskStore) -> None:
    placed = place(shop, ("LY-0001", 2), ("RY-0001", 3))
    advance(shop, placed.order_id, OrderStatus.SHIPPED)
    first = check_in(shop, placed.local_no, {"LY-0001": 2, "RY-0001": 1}, actor="owner")
    assert not first.complete and first.status is OrderStatus.SHIPPED
    assert [(ln.sku, ln.arrived_qty) for ln in first.lines] == [("LY-0001", 2), ("RY-0001", 1)]
    assert first.kind is ChangeKind.CHECKED_IN_PART
    assert first.params["lines"] == (("LY-0001", 2), ("RY-0001", 1))
    assert "more parcels still to come" in change_text(first)
    queue = load_work_queue(shop)
    assert queue.counts["to_check_in"] == 1 and queue.to_check_in[0].partly_arrived

    with pytest.raises(InvalidInput, match="only 2 of RY-0001 still expected"):
        check_in(shop, placed.local_no, {"RY-0001": 3}, actor="owner")
    with pytest.raises(InvalidInput, match="has no line"):
        check_in(shop, placed.local_no, {"LY-0002": 1}, actor="owner")

    second = check_in(shop, placed.local_no, None, actor="owner")  # the rest
    assert second.complete and second.status is OrderStatus.ARRIVED
    assert _status(shop, placed.order_id) == "arrived"
    with shop.read() as s:
        got = {a.line_no: a.arrived_qty for a in s.scalars(select(OrderArrival))}
    assert got == {1: 2, 2: 3}
    events = _events(shop, "arrival_checked_in")
    payloads = [ArrivalCheckedInPayload.model_validate(p) for p in events]
    assert [p.complete for p in payloads] == [False, True]
    assert [(ln.sku, ln.qty, ln.arrived_qty) for ln in payloads[1].lines] == [("RY-0001", 2, 3)]
    with pytest.raises(IllegalTransition, match="already checked in"):
        check_in(shop, placed.local_no, None, actor="owner")
    queue = load_work_queue(shop)
    assert queue.counts["to_check_in"] == 0 and queue.counts["waiting_pickup"] == 1
    assert queue.waiting_pickup[0].customer_phone_masked == "138****5678"


def test_check_in_refuses_orders_not_on_their_way(shop: KioskStore) -> None:
    placed = place(shop, ("LY-0001", 1))
    advance(shop, placed.order_id, OrderStatus.REJECTED)
    with pytest.raises(IllegalTransition, match="only shipped orders"):
        check_in(shop, placed.order_id, None, actor="owner")
    assert _events(shop, "arrival_checked_in") == []


def test_pickup_with_cash_on_pickup(shop: KioskStore, clock: FakeClock) -> None:
    placed = place(shop, ("LY-0002", 1), payment=Payment.ON_PICKUP)
    advance(shop, placed.order_id, OrderStatus.SHIPPED)
    check_in(shop, placed.local_no, None, actor="owner")
    done = confirm_pickup(shop, placed.local_no, placed.pickup_code, None, "owner", clock=clock)
    assert done.status is OrderStatus.PICKED_UP and done.cash_fen == 12850
    [payload] = _events(shop, "pickup_confirmed")
    p = PickupConfirmedPayload.model_validate(payload)
    assert (p.paid_how, p.cash_fen) == ("cash", 12850)
    assert placed.pickup_code not in json.dumps(payload)
    [cash] = _events(shop, "cash_entry")
    assert (cash["kind"], cash["amount_fen"]) == ("pickup_cash", 12850)
    with shop.read() as s:
        move = s.scalars(select(OrderMove).where(OrderMove.kind == "pickup")).one()
    assert (move.actor, move.paid_how, move.cash_fen) == ("owner", "cash", 12850)
    with pytest.raises(IllegalTransition, match="not waiting for pickup"):
        confirm_pickup(shop, placed.local_no, placed.pickup_code, None, "owner", clock=clock)


def test_payment_kind_must_fit_the_order(shop: KioskStore, clock: FakeClock) -> None:
    placed = place(shop, ("LY-0001", 1))  # paid in cash at order time
    advance(shop, placed.order_id, OrderStatus.SHIPPED)
    check_in(shop, placed.local_no, None, actor="owner")
    with pytest.raises(InvalidInput, match="use already_paid"):
        confirm_pickup(shop, placed.local_no, placed.pickup_code, "cash", "owner", clock=clock)
    with pytest.raises(InvalidInput, match="unknown payment"):
        confirm_pickup(shop, placed.local_no, placed.pickup_code, "card", "owner", clock=clock)
    done = confirm_pickup(shop, placed.local_no, placed.pickup_code, None, "owner", clock=clock)
    assert done.cash_fen == 0
    assert _events(shop, "cash_entry") == []  # the order-time cash went up with order_placed


def test_wrong_pickup_codes_back_off_and_survive_a_restart(
    shop: KioskStore, clock: FakeClock
) -> None:
    placed = place(shop, ("LY-0001", 1))
    advance(shop, placed.order_id, OrderStatus.SHIPPED)
    check_in(shop, placed.local_no, None, actor="owner")
    wrong = "000000" if placed.pickup_code != "000000" else "111111"
    waits = []
    for _ in range(3):
        with pytest.raises(CodeRefused) as exc:
            confirm_pickup(shop, placed.local_no, wrong, None, "owner", clock=clock)
        waits.append(exc.value.wait_s)
    assert waits == [0, 0, 30]
    data_dir = shop.data_dir
    shop.close()
    with KioskStore.open(data_dir) as again:
        # Even the right code is not checked while the wait runs, after a restart too.
        with pytest.raises(CodeRefused, match="wait 30 seconds") as exc:
            confirm_pickup(again, placed.local_no, placed.pickup_code, None, "owner", clock=clock)
        assert exc.value.failures == 3
        clock.wall -= 10 * 365 * 86400  # the clock is set back ten years: still waiting
        with pytest.raises(CodeRefused):
            confirm_pickup(again, placed.local_no, placed.pickup_code, None, "owner", clock=clock)
        clock.pass_time(30)
        with pytest.raises(CodeRefused) as exc:
            confirm_pickup(again, placed.local_no, wrong, None, "owner", clock=clock)
        assert exc.value.wait_s == 60  # doubled
        clock.pass_time(60)
        code = placed.pickup_code
        done = confirm_pickup(again, placed.local_no, code, None, "owner", clock=clock)
        assert done.status is OrderStatus.PICKED_UP
        with again.read() as s:
            actions = list(s.scalars(select(m.AuditEntry.action)))
    assert actions.count("pickup_code_wrong") == 4 and actions.count("pickup_refused_wait") == 2


def test_cancel_refunds_cash_in_one_unit_of_work(shop: KioskStore) -> None:
    placed = place(shop, ("LY-0001", 2))
    with pytest.raises(InvalidInput, match="reason"):
        cancel_order(shop, placed.local_no, "  ", None, "owner")
    with pytest.raises(InvalidInput, match="cannot refund"):
        cancel_order(shop, placed.local_no, "村民不要了", 99999, "owner")
    done = cancel_order(shop, placed.local_no, "村民不要了", None, "owner")
    assert done.status is OrderStatus.CANCELLED and done.cash_fen == -11980
    [p] = [OrderCancelledPayload.model_validate(x) for x in _events(shop, "order_cancelled")]
    assert (p.reason, p.refund_fen) == ("村民不要了", 11980)
    summary = open_day_summary(shop)
    assert summary.totals["order_cash"].fen == 11980 and summary.totals["refund"].fen == 11980
    assert summary.expected_cash_fen == 0
    with pytest.raises(IllegalTransition):
        cancel_order(shop, placed.local_no, "again", 0, "owner")


def test_shipped_orders_cannot_be_cancelled_and_nothing_is_written(shop: KioskStore) -> None:
    placed = place(shop, ("LY-0001", 1))
    advance(shop, placed.order_id, OrderStatus.SHIPPED)
    with shop.read() as s:
        before = s.scalar(select(func.count()).select_from(m.OutboxEvent))
    with pytest.raises(IllegalTransition):
        cancel_order(shop, placed.local_no, "too late", None, "owner")
    with shop.read() as s:
        assert s.scalar(select(func.count()).select_from(m.OutboxEvent)) == before
        assert s.scalar(select(func.count()).select_from(CashEntry)) == 1


def test_return_after_pickup(shop: KioskStore, clock: FakeClock) -> None:
    placed = place(shop, ("RY-0001", 1), payment=Payment.ON_PICKUP)
    advance(shop, placed.order_id, OrderStatus.SHIPPED)
    check_in(shop, placed.local_no, None, actor="owner")
    with pytest.raises(InvalidInput, match="cannot refund"):
        return_order(shop, placed.local_no, "坏了", 100, "owner")  # not paid yet
    confirm_pickup(shop, placed.local_no, placed.pickup_code, "cash", "owner", clock=clock)
    done = return_order(shop, placed.local_no, "坏了", 3000, "owner")
    assert done.status is OrderStatus.RETURNED and done.cash_fen == -3000
    [p] = [OrderReturnedPayload.model_validate(x) for x in _events(shop, "order_returned")]
    assert p.refund_fen == 3000
    queue = load_work_queue(shop)
    assert queue.counts["returns"] == 1 and queue.returns[0].local_no == placed.local_no
    assert open_day_summary(shop).expected_cash_fen == 3450 - 3000


def test_work_queue_attention(shop: KioskStore) -> None:
    rejected = place(shop, ("LY-0001", 1))
    advance(shop, rejected.order_id, OrderStatus.REJECTED)
    price = place(shop, ("RY-0001", 1), payment=Payment.ON_PICKUP)
    refused = place(shop, ("LY-0002", 1), payment=Payment.ON_PICKUP)
    with shop.write() as s:
        for ev in s.scalars(select(m.OutboxEvent)):
            if ev.subject_id == price.order_id:
                outbox.mark_sent(s, ev.id, {"status": "submitted", "price_changed": True})
            elif ev.subject_id == refused.order_id:
                outbox.quarantine(s, ev.id, "unknown_sku: product LY-0002 is not known")
        svc_order = s.get(m.Order, price.order_id)
        assert svc_order is not None
        svc_order.status = "submitted"
    with shop.read() as s:
        queue = work_queue(s)
        later = work_queue(s, now=datetime.now(UTC) + timedelta(hours=3))
    kinds = [a.kind for a in queue.attention]
    assert kinds == ["rejected", "price_changed", "quarantined"]
    assert queue.attention[0].params["refund_fen"] == 5990
    assert "refund ¥59.90" in attention_text(queue.attention[0])
    assert queue.attention[2].params == {
        "event_kind": "order_placed",
        "code": "unknown_sku",
        "order": refused.local_no,
    }
    assert PHONE not in json.dumps(queue.to_dict(), ensure_ascii=False)
    assert [a.kind for a in later.attention][-1] == "unsent"
    # Settling the rejected order's money takes it off the list.
    cancel_order(shop, rejected.local_no, "平台拒单，已退款", None, "owner")
    assert [a.kind for a in load_work_queue(shop).attention] == ["price_changed", "quarantined"]
    assert _status(shop, rejected.order_id) == "rejected"


def test_the_end_of_the_number_finds_the_order(shop: KioskStore) -> None:
    first = place(shop, ("LY-0001", 1))
    second = place(shop, ("LY-0002", 1))
    assert second.local_no.endswith("-0002")
    for typed in ("0002", "2", "02", second.local_no, second.local_no.lower(), second.order_id):
        assert load_order_task(shop, typed).order.order_id == second.order_id, typed
    assert load_order_task(shop, "1").order.order_id == first.order_id
    # The moves take the short form too.
    change = cancel_order(shop, "0002", "村民不要了", None, "owner")
    assert change.order_id == second.order_id and change.kind is ChangeKind.CANCELLED
    for typed in ("0003", "-0002", "00%2", "2 2", "１２"):
        with pytest.raises(NotFound) as missing:
            load_order_task(shop, typed)
        assert missing.value.code == "order.not_found", typed


def test_two_orders_ending_alike_are_not_guessed(shop: KioskStore) -> None:
    placed = place(shop, ("LY-0001", 1))
    twin = place(shop, ("LY-0002", 1))
    with shop.write() as s:
        # The same sequence number under another center code (the center was replaced).
        row = s.get(m.Order, twin.order_id)
        assert row is not None
        row.local_no = "C099" + placed.local_no[-5:]
    with pytest.raises(NotFound) as ambiguous:
        load_order_task(shop, placed.local_no[-4:])
    assert ambiguous.value.code == "order.ambiguous"
    assert load_order_task(shop, placed.local_no).order.order_id == placed.order_id


def test_a_fresh_order_is_in_the_queue_until_it_ships(shop: KioskStore) -> None:
    placed = place(shop, ("LY-0001", 1))
    queue = load_work_queue(shop)
    assert [o.order_id for o in queue.on_order] == [placed.order_id]
    assert queue.counts["on_order"] == 1
    advance(shop, placed.order_id, OrderStatus.ACCEPTED)
    assert [o.order_id for o in load_work_queue(shop).on_order] == [placed.order_id]
    advance(shop, placed.order_id, OrderStatus.SHIPPED)
    queue = load_work_queue(shop)
    assert queue.on_order == [] and [o.order_id for o in queue.to_check_in] == [placed.order_id]

"""The cash ledger and the idempotent day close."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from kiosk.errors import InvalidInput
from kiosk.orders import OrderStatus, Payment
from kiosk.storage import models as m
from kiosk.storage.cash import close_day, list_closes, open_day_summary
from kiosk.storage.owner import cancel_order, check_in, confirm_pickup
from kiosk.storage.store import KioskStore
from kiosk.wire import DayClosedPayload
from tests.owner.conftest import FakeClock, advance, place


def test_cash_at_order_time_is_in_the_ledger(shop: KioskStore) -> None:
    place(shop, ("LY-0001", 1))
    place(shop, ("LY-0002", 1), payment=Payment.ON_PICKUP)  # nothing paid yet
    s = open_day_summary(shop)
    assert s.totals["order_cash"].count == 1 and s.totals["order_cash"].fen == 5990
    assert s.expected_cash_fen == 5990 and s.entries == 1


def test_day_close_totals_and_idempotence(shop: KioskStore, clock: FakeClock) -> None:
    cash = place(shop, ("LY-0001", 2))  # 11980 in
    on_pickup = place(shop, ("RY-0001", 1), payment=Payment.ON_PICKUP)
    cancelled = place(shop, ("LY-0002", 1))  # 12850 in, then refunded 2850… partly
    cancel_order(shop, cancelled.local_no, "村民改主意", 2850, "owner")
    advance(shop, on_pickup.order_id, OrderStatus.SHIPPED)
    check_in(shop, on_pickup.local_no, None, "owner")
    confirm_pickup(shop, on_pickup.local_no, on_pickup.pickup_code, "cash", "owner", clock=clock)
    assert cash.total_fen == 11980

    first = close_day(shop, "owner", "2025-06-01")
    assert not first.already_closed
    assert {k: (t.count, t.fen) for k, t in first.totals.items()} == {
        "order_cash": (2, 11980 + 12850),
        "pickup_cash": (1, 3450),
        "refund": (1, 2850),
    }
    assert first.expected_cash_fen == 11980 + 12850 + 3450 - 2850
    # A fresh random id, never one derived from the center and the day (guessable).
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "village-kiosk:day_closed")
    derived = uuid.uuid5(namespace, "LOCAL/2025-06-01")
    assert uuid.UUID(first.event_id) != derived

    again = close_day(shop, "owner", "2025-06-01")
    assert again.already_closed and again.to_dict() | {"already_closed": False} == first.to_dict()
    with shop.read() as s:
        events = list(s.scalars(select(m.OutboxEvent).where(m.OutboxEvent.kind == "day_closed")))
    assert [e.id for e in events] == [first.event_id]
    payload = DayClosedPayload.model_validate(json.loads(events[0].payload))
    assert payload.expected_cash_fen == first.expected_cash_fen and payload.entries == 4

    # After the close the drawer starts from nothing; the next day counts only new cash.
    assert open_day_summary(shop).entries == 0
    place(shop, ("LY-0001", 1))
    nxt = close_day(shop, "owner", "2025-06-02")
    assert nxt.entries == 1 and nxt.expected_cash_fen == 5990
    assert nxt.event_id != first.event_id
    assert [c.business_day for c in list_closes(shop)] == ["2025-06-02", "2025-06-01"]


def test_close_day_survives_restart_and_checks_the_day(shop: KioskStore) -> None:
    place(shop, ("LY-0001", 1))
    with pytest.raises(InvalidInput, match="not a day"):
        close_day(shop, "owner", "June 1st")
    first = close_day(shop, "owner")  # today by the kiosk clock
    data_dir = shop.data_dir
    shop.close()
    with KioskStore.open(data_dir) as again:
        repeat = close_day(again, "owner", first.business_day)
        assert repeat.already_closed and repeat.event_id == first.event_id
        with again.read() as s:
            kinds = list(s.scalars(select(m.OutboxEvent.kind)))
        n = kinds.count("day_closed")
    assert n == 1

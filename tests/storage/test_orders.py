"""The order service: placement in one transaction, snapshots, outbox, remote statuses."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiosk.customers import Customer
from kiosk.errors import IllegalTransition, InvalidInput, NotFound
from kiosk.ids import is_uuid
from kiosk.orders import LineRequest, OrderStatus, Payment
from kiosk.pickup import verify_pickup_code
from kiosk.storage import models as m
from kiosk.storage import orders as svc
from kiosk.storage.center import Center, get_center, set_center
from kiosk.storage.store import KioskStore
from kiosk.wire import OrderPlacedPayload
from tests.helpers.raw_files import store_bytes
from tests.helpers.seed import seed_products

PHONE = "13812345678"
VILLAGER = Customer.of("张三", PHONE)


@pytest.fixture
def shop(store: KioskStore) -> KioskStore:
    seed_products(store)
    return store


def _count(store: KioskStore, model: type[m.Base]) -> int:
    with store.read() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def _place(
    store: KioskStore, *lines: tuple[str, int], payment: Payment = Payment.CASH
) -> svc.PlacedOrder:
    return svc.place_order(store, VILLAGER, [LineRequest(k, q) for k, q in lines], payment)


def test_place_order_writes_everything(shop: KioskStore) -> None:
    placed = _place(shop, ("LY-0001", 2), ("RY-0001", 1), ("LY-0001", 1))
    assert is_uuid(placed.order_id)
    assert placed.local_no == "LOCAL-0001"
    assert placed.total_fen == 3 * 5990 + 3450
    assert len(placed.pickup_code) == 6 and placed.pickup_code.isdigit()
    with shop.read() as s:
        order = s.get(m.Order, placed.order_id)
        assert order is not None
        assert order.status == "placed" and order.center_id == "LOCAL"
        assert order.customer_phone == PHONE and order.payment == "cash"
        assert [(ln.line_no, ln.sku, ln.qty, ln.line_total_fen) for ln in order.lines] == [
            (1, "LY-0001", 3, 17970),
            (2, "RY-0001", 1, 3450),
        ]
        assert verify_pickup_code(placed.pickup_code, order.pickup_salt, order.pickup_hash)
        customer = s.scalars(select(m.Customer)).one()
        assert (customer.phone, customer.name) == (PHONE, "张三")
        [event] = s.scalars(select(m.OutboxEvent)).all()
        assert (event.kind, event.subject_id, event.state) == (
            "order_placed",
            placed.order_id,
            "pending",
        )
        payload = OrderPlacedPayload.model_validate(json.loads(event.payload))
        assert payload.total_fen == placed.total_fen and payload.customer_phone == PHONE
        assert [ln.sku for ln in payload.lines] == ["LY-0001", "RY-0001"]
        [audit] = s.scalars(select(m.AuditEntry)).all()
        assert (audit.action, audit.subject, audit.detail) == (
            "order_placed",
            placed.order_id,
            "LOCAL-0001",
        )
        assert PHONE not in f"{audit.actor}{audit.subject}{audit.detail}"
        assert "张三" not in f"{audit.actor}{audit.subject}{audit.detail}"


def test_lines_snapshot_the_price_at_placement(shop: KioskStore) -> None:
    first = _place(shop, ("LY-0002", 1))
    with shop.write() as s:
        p = s.scalars(select(m.Product).where(m.Product.sku == "LY-0002")).one()
        p.price_fen, p.name, p.server_version = 99_900, "新名字", 9
    second = _place(shop, ("LY-0002", 1))
    with shop.read() as s:
        a = svc.get_order(s, first.order_id).lines[0]
        b = svc.get_order(s, second.order_id).lines[0]
    assert (a.unit_price_fen, a.name, a.product_version) == (12850, "鲁花 花生油 5L", 1)
    assert (b.unit_price_fen, b.name, b.product_version) == (99_900, "新名字", 9)
    assert first.total_fen == 12850 and second.total_fen == 99_900


def test_local_numbers_use_the_center_code_and_count_up(shop: KioskStore) -> None:
    assert _place(shop, ("LY-0001", 1)).local_no == "LOCAL-0001"
    with shop.write() as s:
        set_center(s, "C017", "王家村服务站")
    with shop.read() as s:
        assert get_center(s) == Center("C017", "王家村服务站")
    assert _place(shop, ("LY-0001", 1)).local_no == "C017-0002"
    with shop.write() as s, pytest.raises(InvalidInput):
        set_center(s, "  ", "x")


@pytest.mark.parametrize(
    ("sku", "why"),
    [
        ("NOPE-1", "no product with SKU NOPE-1"),
        ("RY-0002", "no longer sold"),
        ("NZ-0001", "out of stock"),
    ],
)
def test_unorderable_skus_are_refused_and_nothing_is_written(
    shop: KioskStore, sku: str, why: str
) -> None:
    with pytest.raises(InvalidInput, match=why):
        _place(shop, ("LY-0001", 1), (sku, 1))
    assert _count(shop, m.Order) == 0
    assert _count(shop, m.OutboxEvent) == 0
    assert _count(shop, m.Customer) == 0
    assert shop.setting("seq.order") is None  # the number was not used up


def test_failure_after_the_order_is_added_leaves_nothing(
    shop: KioskStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*_args: object, **_kw: object) -> None:
        raise RuntimeError("disk said no")

    # audit() runs after the order, its lines and the outbox row were flushed.
    monkeypatch.setattr(KioskStore, "audit", staticmethod(explode))
    with pytest.raises(RuntimeError, match="disk said no"):
        _place(shop, ("LY-0001", 1))
    for model in (m.Order, m.OrderLine, m.OutboxEvent, m.Customer, m.AuditEntry):
        assert _count(shop, model) == 0, model.__name__
    monkeypatch.undo()
    assert _place(shop, ("LY-0001", 1)).local_no == "LOCAL-0001"


def test_customer_is_upserted_by_phone(shop: KioskStore) -> None:
    _place(shop, ("LY-0001", 1))
    svc.place_order(shop, Customer.of("张老三", PHONE), [LineRequest("LY-0001", 1)], Payment.CASH)
    svc.place_order(
        shop, Customer.of("李四", "13900001111"), [LineRequest("LY-0001", 1)], Payment.ON_PICKUP
    )
    with shop.read() as s:
        rows = {c.phone: c.name for c in s.scalars(select(m.Customer))}
    assert rows == {PHONE: "张老三", "13900001111": "李四"}


def test_no_lines_is_refused(shop: KioskStore) -> None:
    with pytest.raises(InvalidInput, match="at least one"):
        svc.place_order(shop, VILLAGER, [], Payment.CASH)


def test_pickup_code_is_not_stored_in_clear(
    shop: KioskStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(svc, "new_pickup_code", lambda: "907153")
    placed = _place(shop, ("LY-0001", 1))
    assert placed.pickup_code == "907153"
    raw = store_bytes(shop.path)
    assert PHONE.encode() in raw  # the scan sees the data (the phone is stored, by design)
    assert b"907153" not in raw
    assert "907153".encode("utf-16-le") not in raw


def test_logs_carry_no_phone_or_code(shop: KioskStore, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    placed = _place(shop, ("LY-0001", 1))
    with shop.write() as s:
        svc.apply_remote_status(s, placed.order_id, OrderStatus.ACCEPTED, server_no="S-1")
    assert placed.order_id in caplog.text
    assert PHONE not in caplog.text and placed.pickup_code not in caplog.text


def test_list_and_get(shop: KioskStore) -> None:
    ids = [_place(shop, ("LY-0001", i)).order_id for i in (1, 2, 3)]
    with shop.write() as s:
        svc.apply_remote_status(s, ids[1], OrderStatus.SUBMITTED)
    with shop.read() as s:
        views = svc.list_orders(s)
        assert [v.order_id for v in views] == ids[::-1]  # newest first
        assert all(v.customer_phone_masked == "138****5678" for v in views)
        assert [v.order_id for v in svc.list_orders(s, status=OrderStatus.PLACED)] == [
            ids[2],
            ids[0],
        ]
        assert [v.order_id for v in svc.list_orders(s, limit=1)] == [ids[2]]
        by_no = svc.get_order(s, "LOCAL-0002")
        assert by_no.order_id == ids[1] and by_no.status is OrderStatus.SUBMITTED
        assert by_no.lines[0].qty == 2 and by_no.payment is Payment.CASH
        with pytest.raises(NotFound):
            svc.get_order(s, "LOCAL-9999")
        assert svc.count_orders_by_status(s) == {"placed": 2, "submitted": 1}


def _status(store: KioskStore, order_id: str) -> m.Order:
    with store.read() as s:
        order = s.get(m.Order, order_id)
        assert order is not None
        return order


def test_remote_status_forward_same_and_backward(shop: KioskStore) -> None:
    oid = _place(shop, ("LY-0001", 1)).order_id
    with shop.write() as s:
        assert svc.apply_remote_status(s, oid, OrderStatus.SUBMITTED) is True
    with shop.write() as s:
        # Same status: no change, but a newly known server number is still recorded.
        assert svc.apply_remote_status(s, oid, OrderStatus.SUBMITTED, server_no="S-9") is False
    assert _status(shop, oid).server_no == "S-9"
    with shop.write() as s:
        # Offline for a while: accepted and shipped were missed; arrived is reachable.
        assert svc.apply_remote_status(s, oid, OrderStatus.ARRIVED) is True
    assert _status(shop, oid).status == "arrived"
    with shop.write() as s, pytest.raises(IllegalTransition, match="arrived cannot become shipped"):
        svc.apply_remote_status(s, oid, OrderStatus.SHIPPED, server_no="S-OTHER")
    assert _status(shop, oid).server_no == "S-9"  # the refused update changed nothing
    with shop.read() as s:
        actions = [
            a.detail
            for a in s.scalars(select(m.AuditEntry).where(m.AuditEntry.action == "order_status"))
        ]
    assert actions == ["placed->submitted", "submitted->arrived"]


def test_remote_rejection_records_the_reason_and_is_final(shop: KioskStore) -> None:
    oid = _place(shop, ("LY-0001", 1)).order_id
    with shop.write() as s:
        assert svc.apply_remote_status(s, oid, OrderStatus.REJECTED, reason="缺货") is True
    assert _status(shop, oid).status_reason == "缺货"
    for target in OrderStatus:
        if target is OrderStatus.REJECTED:
            continue
        with shop.write() as s, pytest.raises(IllegalTransition):
            svc.apply_remote_status(s, oid, target)


def test_remote_status_for_unknown_order(shop: KioskStore) -> None:
    with shop.write() as s, pytest.raises(NotFound):
        svc.apply_remote_status(s, "01a21a7d-6c90-7534-a14f-3f0dda0b5c11", OrderStatus.ACCEPTED)


@pytest.mark.parametrize(
    ("current", "target", "ok"),
    [
        (OrderStatus.PLACED, OrderStatus.PICKED_UP, True),
        (OrderStatus.PLACED, OrderStatus.RETURNED, True),
        (OrderStatus.SUBMITTED, OrderStatus.SHIPPED, True),
        (OrderStatus.SHIPPED, OrderStatus.CANCELLED, False),
        (OrderStatus.PICKED_UP, OrderStatus.ARRIVED, False),
        (OrderStatus.CANCELLED, OrderStatus.PLACED, False),
        (OrderStatus.PLACED, OrderStatus.PLACED, False),
    ],
)
def test_reachable(current: OrderStatus, target: OrderStatus, ok: bool) -> None:
    assert svc.reachable(current, target) is ok


def test_store_survives_reopen(data_dir: Path) -> None:
    with KioskStore.open(data_dir) as st:
        seed_products(st)
        placed = _place(st, ("LY-0001", 4))
    with KioskStore.open(data_dir) as st, st.read() as s:
        assert svc.get_order(s, placed.local_no).total_fen == 4 * 5990


def test_stale_echo_of_a_shop_move_changes_nothing(shop: KioskStore) -> None:
    """Central reports 'arrived' (the shop's own check-in) after the shop already handed it over."""
    oid = _place(shop, ("LY-0001", 1)).order_id
    with shop.write() as s:
        assert svc.apply_remote_status(s, oid, OrderStatus.SHIPPED, server_no="S-1") is True
        assert svc.apply_remote_status(s, oid, OrderStatus.PICKED_UP) is True
    with shop.write() as s:
        assert svc.apply_remote_status(s, oid, OrderStatus.ARRIVED) is False
    assert _status(shop, oid).status == "picked_up"
    with shop.write() as s, pytest.raises(IllegalTransition):
        # A central-made status the order never passed through is still refused.
        svc.apply_remote_status(s, oid, OrderStatus.ACCEPTED)

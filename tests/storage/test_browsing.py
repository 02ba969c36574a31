"""Browsing records, demand counts (exactly once) and the villager's order lookup rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.customers import Customer
from kiosk.errors import InvalidInput
from kiosk.orders import LineRequest, Payment
from kiosk.storage import outbox
from kiosk.storage.browsing import (
    ProductSort,
    category_tiles,
    demand_counts_since,
    enqueue_demand_counts,
    list_products,
    record_category_visit,
    record_product_view,
    record_search,
    scrub_query,
)
from kiosk.storage.lookup import find_villager_orders, orders_waiting_to_send
from kiosk.storage.models import OutboxEvent, Product
from kiosk.storage.orders import place_order
from kiosk.storage.store import KioskStore
from tests.helpers.seed import seed_products

PHONE = "13812345678"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  XiYiJi  ", "xiyiji"),
        ("洗衣机   海尔", "洗衣机 海尔"),
        ("13812345678", None),  # a phone number alone: nothing stored
        ("call 13812345678 pls", "call # pls"),
        ("123456", None),  # looks like a pickup code
        ("6901234567892", "6901234567892"),  # an EAN-13 barcode is a real product search
        ("LY-0001", "ly-0001"),
        ("", None),
        ("x" * 300, "x" * 100),
    ],
)
def test_scrub_query(typed: str, stored: str | None) -> None:
    assert scrub_query(typed) == stored


def test_views_feed_popular_sort_and_counts(store: Any) -> None:
    seed_products(store)
    record_product_view(store, "LY-0002")
    record_product_view(store, "LY-0002")
    record_product_view(store, "LY-0001")
    with store.read() as s:
        popular = [c.sku for c in list_products(s, "粮油食品", ProductSort.POPULAR)]
        cheap = [c.price_fen for c in list_products(s, "粮油食品", ProductSort.PRICE_ASC)]
        views = {sku: n for sku, n in s.execute(select(Product.sku, Product.views))}
        tiles = {t.name: t.product_count for t in category_tiles(s)}
    assert popular == ["LY-0002", "LY-0001"]
    assert cheap == sorted(cheap)
    assert views["LY-0002"] == 2 and views["LY-0001"] == 1
    assert tiles["粮油食品"] == 2 and tiles["日用百货"] == 1  # the inactive soap is not counted


def test_demand_counts_are_queued_exactly_once(store: Any) -> None:
    seed_products(store)
    assert enqueue_demand_counts(store) is None  # nothing happened yet
    record_search(store, "xyj", 3)
    record_search(store, "xyj", 0)
    record_search(store, "拖拉机", 0)
    record_search(store, "13812345678", 0)  # not recorded at all
    record_category_visit(store, "粮油食品")
    record_product_view(store, "LY-0001")
    first = enqueue_demand_counts(store)
    assert first is not None
    assert enqueue_demand_counts(store) is None  # the same events are never counted twice
    record_product_view(store, "LY-0001")
    second = enqueue_demand_counts(store)
    assert second is not None
    with store.read() as s:
        events = list(s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "demand_counts")))
        assert outbox.stats(s).pending == 2
    assert [e.id for e in events] == [first, second]
    p1, p2 = (json.loads(e.payload) for e in events)
    assert p1["events"] == 5 and p2["events"] == 1
    assert p2["from_event"] == p1["to_event"] + 1
    assert p1["product_views"] == {"LY-0001": 1}
    assert p1["category_visits"] == {"粮油食品": 1}
    assert {"query": "xyj", "count": 2, "no_result_count": 1} in p1["searches"]
    assert {"query": "拖拉机", "count": 1, "no_result_count": 1} in p1["searches"]
    assert PHONE not in json.dumps(p1, ensure_ascii=False)


def test_demand_counts_since_is_a_pure_read(store: Any) -> None:
    record_search(store, "rice", 2)
    with store.read() as s:
        payload, cursor = demand_counts_since(s, 0)
        again, cursor2 = demand_counts_since(s, 0)
        empty, same = demand_counts_since(s, cursor)
    assert payload == again and cursor == cursor2 > 0
    assert empty["events"] == 0 and same == cursor


def test_lookup_needs_phone_and_a_matching_code(store: Any) -> None:
    seed_products(store)
    customer = Customer.of("王秀英", PHONE)
    a = place_order(store, customer, [LineRequest("LY-0001", 1)], Payment.CASH)
    place_order(store, customer, [LineRequest("RY-0001", 1)], Payment.ON_PICKUP)
    other = place_order(
        store, Customer.of("李四", "13900000000"), [LineRequest("LY-0002", 1)], Payment.CASH
    )
    with store.read() as s:
        found = find_villager_orders(s, PHONE, a.pickup_code)
        assert orders_waiting_to_send(s) == 3
        # Another villager's code does not open this villager's orders.
        assert find_villager_orders(s, PHONE, other.pickup_code) is None or (
            other.pickup_code == a.pickup_code
        )
        with pytest.raises(InvalidInput):
            find_villager_orders(s, "12345", a.pickup_code)
        with pytest.raises(InvalidInput):
            find_villager_orders(s, PHONE, "12ab")
    assert found is not None and len(found) == 2
    assert {o.phone_masked for o in found} == {"138****5678"}
    assert found[0].items and all(o.status.value == "placed" for o in found)


def _plans(store: KioskStore, read: Any) -> list[str]:
    """Run ``read(session)`` and return SQLite's query plan of every SELECT it executed."""
    from sqlalchemy import event

    seen: list[tuple[str, Any]] = []
    with store.read() as s:
        bind = s.get_bind()

        def capture(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
            if statement.lstrip().upper().startswith("SELECT"):  # not BEGIN and pragmas
                seen.append((statement, params))

        event.listen(bind, "before_cursor_execute", capture)
        try:
            read(s)
        finally:
            event.remove(bind, "before_cursor_execute", capture)
        plans = []
        for statement, params in seen:
            rows = s.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params)
            plans.append(" | ".join(str(r[-1]) for r in rows))
    return plans


def test_home_screen_reads_use_their_indexes_not_the_product_rows(store: KioskStore) -> None:
    """At start-up on 100,000 products a scan of the table costs tens of milliseconds."""
    from kiosk.storage.browsing import category_tiles, featured_products

    seed_products(store)
    (tiles,) = _plans(store, category_tiles)
    assert "COVERING INDEX ix_products_category_tiles" in tiles, tiles
    (featured,) = _plans(store, lambda s: featured_products(s, 8))
    assert "USING INDEX ix_products_views_id" in featured, featured
    assert "TEMP B-TREE" not in featured, featured  # no sort of all the candidates

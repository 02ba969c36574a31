"""The catalog pull's pipeline: the next page is fetched while the current one is applied."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from kiosk import wire
from kiosk.storage import catalog
from kiosk.storage.settings import CATALOG_CURSOR
from kiosk.storage.store import KioskStore
from kiosk.sync.engine import SyncEngine
from tests.sync.fake_central import FakeCentral, reply

EngineFactory = Callable[..., SyncEngine]


def _publish(central: FakeCentral, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        central.publish(f"SKU-{i:05d}", name=f"商品{i}", price_fen=100 + i)


def _limits(central: FakeCentral) -> list[int]:
    """Record the ``limit`` of every catalog request (the fake central still answers)."""
    limits: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        limits.append(int(request.url.params["limit"]))
        return central._catalog(request)

    central.override["/catalog"] = handler
    return limits


def _fetchers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "catalog-fetch"]


def test_next_page_is_fetched_while_the_current_one_is_applied(
    store: KioskStore,
    central: FakeCentral,
    make_engine: EngineFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _publish(central, 30)
    second_request = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        response = central._catalog(request)
        if len(central.catalog_requests) >= 2:
            second_request.set()
        return response

    central.override["/catalog"] = handler
    real_upsert = catalog.upsert_products
    overlapped: list[bool] = []

    def slow_upsert(s: Any, records: Any) -> catalog.UpsertCounts:
        if not overlapped:
            # Without the pipeline, page 2 is only asked for after this returns: this waits
            # out its deadline and records False.
            overlapped.append(second_request.wait(timeout=10))
        return real_upsert(s, records)

    monkeypatch.setattr(catalog, "upsert_products", slow_upsert)
    summary = make_engine(catalog_page_size=10).run_once()
    assert summary.ok, summary.errors
    assert overlapped == [True]
    assert central.catalog_requests == ["", "10", "20"]
    assert summary.pulled_products == 30 and store.setting(CATALOG_CURSOR) == "30"
    assert _fetchers() == []


def test_a_bad_page_after_good_ones_keeps_the_good_ones_and_stops(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    _publish(central, 50)
    served = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        served[0] += 1
        if served[0] == 3:  # schema violation: version must be an integer
            junk = b'{"items":[{"sku":"X","version":"v"}],"categories":[],"next_cursor":"9"}'
            return reply(200, junk, {"content-type": "application/json"})
        return central._catalog(request)

    central.override["/catalog"] = handler
    summary = make_engine(catalog_page_size=10).run_once()
    assert not summary.ok and any(e.startswith("catalog:") for e in summary.errors)
    # Pages 1 and 2 were committed with their cursor; nothing was fetched past the bad page.
    assert summary.pulled_products == 20 and store.setting(CATALOG_CURSOR) == "20"
    assert served[0] == 3
    assert _fetchers() == []
    central.override.clear()
    again = make_engine(catalog_page_size=10).run_once()
    assert again.ok and again.pulled_products == 30
    assert central.catalog_requests[-3:] == ["20", "30", "40"]


def test_auto_page_size_is_large_while_catching_up(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    limits = _limits(central)
    _publish(central, 5)
    first = make_engine().run_once()  # a first sync: the largest pages
    assert first.ok and first.pulled_products == 5
    assert limits == [wire.CATALOG_PAGE_MAX]

    limits.clear()
    _publish(central, wire.CATALOG_PAGE_DEFAULT + 10, start=5)
    behind = make_engine().run_once()  # a later run starts small, grows when there is more
    assert behind.ok and behind.pulled_products == wire.CATALOG_PAGE_DEFAULT + 10
    assert limits == [wire.CATALOG_PAGE_DEFAULT, wire.CATALOG_PAGE_MAX]

    limits.clear()
    assert make_engine(catalog_page_size=7).run_once().ok  # an explicit size is kept
    assert limits == [7]


def test_an_abort_that_cuts_a_fetch_short_is_reported_as_an_abort(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    _publish(central, 50)
    engine = make_engine(catalog_page_size=10)

    def handler(request: httpx.Request) -> httpx.Response:
        if len(central.catalog_requests) == 2:  # the third page: the user presses stop now
            central.catalog_requests.append("aborted")
            engine.abort()
            raise httpx.ReadError("connection closed by the abort", request=request)
        return central._catalog(request)

    central.override["/catalog"] = handler
    summary = engine.run_once()
    assert summary.aborted and not summary.ok
    assert not any(e.startswith("catalog:") for e in summary.errors), summary.errors
    # Pages fetched ahead of the abort are dropped: what was applied matches the saved cursor.
    done = summary.pulled_products
    assert done in (0, 10, 20)
    assert store.setting(CATALOG_CURSOR) == (str(done) if done else None)
    assert _fetchers() == []
    central.override.clear()
    again = make_engine(catalog_page_size=10).run_once()
    assert again.ok and again.pulled_products == 50 - done


def test_the_first_catalog_page_is_on_its_way_while_order_updates_are_pulled(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    _publish(central, 5)
    catalog_asked = threading.Event()
    overlapped: list[bool] = []

    def catalog_handler(request: httpx.Request) -> httpx.Response:
        catalog_asked.set()
        return central._catalog(request)

    def updates_handler(request: httpx.Request) -> httpx.Response:
        # Without the overlap the catalog is only asked for after this returns: False.
        overlapped.append(catalog_asked.wait(timeout=10))
        return central._updates(request)

    central.override["/catalog"] = catalog_handler
    central.override["/orders/updates"] = updates_handler
    summary = make_engine().run_once()
    assert summary.ok and summary.pulled_products == 5, summary.errors
    assert overlapped == [True]
    assert _fetchers() == []


def test_a_cycle_that_stops_before_the_catalog_step_applies_nothing_fetched_ahead(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    _publish(central, 5)

    def offline(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("network unreachable", request=request)

    central.override["/orders/updates"] = offline
    summary = make_engine().run_once()
    assert summary.offline and not summary.ok
    assert _fetchers() == []
    assert summary.pulled_products == 0 and store.setting(CATALOG_CURSOR) is None
    with store.read() as s:
        assert s.execute(text("SELECT count(*) FROM products")).scalar() == 0

"""One round trip per idle sync cycle, and the negotiation with centrals old and new
(docs/sync-protocol.md, "One round trip").

The real engine and kiosk stores, the real central app on 127.0.0.1 (SQLite, and PostgreSQL when
``KIOSK_TEST_PG_URL`` is set); the requests are counted by a pass-through proxy in front of
central, so what is counted is what reached the server.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from kiosk.orders import OrderStatus
from kiosk.storage.catalog import get_product
from kiosk.storage.orders import get_order
from kiosk.storage.store import KioskStore
from kiosk.sync.engine import ROUND_TRIP_SERVER
from tests.helpers.conv_rig import (
    PG_SKIP,
    Central,
    Kiosk,
    central_database,
    open_kiosk,
    pg_available,
    running_central,
)
from tests.helpers.fault_proxy import FaultProxy

#: The separate calls of an idle cycle (the catalog's and the heartbeat's overlap the order
#: updates', so they are compared sorted).
SEPARATE = sorted(["GET /v1/orders/updates", "GET /v1/catalog/changes", "POST /v1/heartbeat"])
#: The first cycle after an enrollment also pulls back the center's orders, once
#: (docs/sync-protocol.md, "Pull-back").
FIRST = sorted([*SEPARATE, "GET /v1/orders/recovery"])
#: First cycles here page the catalog feed; a first sync from a catalog snapshot has its own
#: tests (tests/e2e/test_catalog_snapshot.py).
PAGED = {"snapshots": False}


@contextmanager
def _rig(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, round_trip: bool
) -> Iterator[tuple[Central, Kiosk, FaultProxy]]:
    if kind == "postgresql" and not pg_available():
        print(f"\nSKIP: {PG_SKIP}")
        pytest.skip(PG_SKIP)
    monkeypatch.setenv("KIOSK_ALLOW_INSECURE_KEYRING", "1")
    with (
        central_database(kind, tmp_path) as url,
        running_central(url, round_trip=round_trip) as central,
        FaultProxy("127.0.0.1", central.server.port) as proxy,
    ):
        kiosk = open_kiosk(tmp_path / "kiosk")
        try:
            kiosk.enroll(proxy.url, central.code())
            yield central, kiosk, proxy
        finally:
            kiosk.close()


def _cycle(kiosk: Kiosk, proxy: FaultProxy, **engine: object) -> list[str]:
    """One sync cycle through the proxy; the requests that reached central, in order."""
    seen = len(proxy.stats().exchanges)
    summary = kiosk.engine(proxy.url, **engine).run_once()  # type: ignore[arg-type]
    assert summary.ok, summary.errors
    exchanges = proxy.stats().exchanges[seen:]
    assert all(e.status == 200 or e.target == "/v1/sync" for e in exchanges), exchanges
    return [f"{e.method} {e.target.split('?')[0]}" for e in exchanges]


def _prices(kiosk: Kiosk, n: int) -> list[int | None]:
    with kiosk.store.read() as s:
        products = [get_product(s, f"P{i:05d}") for i in range(n)]
    return [p.price_fen if p else None for p in products]


@pytest.fixture(params=["sqlite", "postgresql"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def test_an_idle_cycle_is_one_request_with_a_central_that_offers_it(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _rig(kind, tmp_path, monkeypatch, round_trip=True) as (central, kiosk, proxy):
        central.add_products(3)
        # The first cycle learns the feature from central's replies (its header).
        assert sorted(_cycle(kiosk, proxy, **PAGED)) == FIRST
        assert kiosk.store.setting(ROUND_TRIP_SERVER) == proxy.url
        for _ in range(3):
            assert _cycle(kiosk, proxy) == ["POST /v1/sync"]
        # An order goes up, its number comes back, in the same one request.
        order_id = kiosk.place("P00001", qty=2)
        assert _cycle(kiosk, proxy) == ["POST /v1/sync"]
        with kiosk.store.read() as s:
            order = get_order(s, order_id)
        assert order.status == OrderStatus.SUBMITTED and order.server_no
        (placed,) = central.service.list_orders("C001")
        assert placed.order_id == order_id and placed.server_no == order.server_no
        # The platform moves the order and changes a price: one request brings both.
        central.service.advance_order(order_id, "accepted")
        central.service.set_price("P00002", 777)
        assert _cycle(kiosk, proxy) == ["POST /v1/sync"]
        with kiosk.store.read() as s:
            assert get_order(s, order_id).status == OrderStatus.ACCEPTED
        assert _prices(kiosk, 3) == [100, 101, 777]
        # The heartbeat rides along: it tells the cursor the kiosk had when it asked.
        assert central.service.fleet()[0]["catalog_cursor"] == "3"
        assert _cycle(kiosk, proxy) == ["POST /v1/sync"]
        (row,) = central.service.fleet()
        assert row["queue_depth"] == 0 and row["catalog_cursor"] == "4"


def test_what_one_reply_does_not_hold_is_fetched_by_the_separate_calls(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _rig(kind, tmp_path, monkeypatch, round_trip=True) as (central, kiosk, proxy):
        assert sorted(_cycle(kiosk, proxy, **PAGED)) == FIRST
        central.add_products(5)
        requests = _cycle(kiosk, proxy, catalog_page_size=2)
        assert requests == ["POST /v1/sync", "GET /v1/catalog/changes", "GET /v1/catalog/changes"]
        assert _prices(kiosk, 5) == [100, 101, 102, 103, 104]
        assert _cycle(kiosk, proxy, catalog_page_size=2) == ["POST /v1/sync"]


def test_an_older_central_is_synced_through_the_separate_calls(
    kind: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with _rig(kind, tmp_path, monkeypatch, round_trip=False) as (central, kiosk, proxy):
        central.add_products(2)
        # Never offered: never tried.
        assert sorted(_cycle(kiosk, proxy, **PAGED)) == FIRST
        assert sorted(_cycle(kiosk, proxy)) == SEPARATE
        assert not kiosk.store.setting(ROUND_TRIP_SERVER)
        # As if this server had offered it before (a central rolled back): the call is
        # refused 404, the cycle goes on through the separate calls, and it is not tried again.
        with kiosk.store.write() as s:
            KioskStore.set_setting(s, ROUND_TRIP_SERVER, proxy.url)
        order_id = kiosk.place("P00000")
        requests = _cycle(kiosk, proxy)
        assert requests[:2] == ["POST /v1/sync", "POST /v1/events"]
        assert sorted(requests[2:]) == SEPARATE
        assert not kiosk.store.setting(ROUND_TRIP_SERVER)
        with kiosk.store.read() as s:
            assert get_order(s, order_id).status == OrderStatus.SUBMITTED
        assert sorted(_cycle(kiosk, proxy)) == SEPARATE
        assert [o.order_id for o in central.service.list_orders("C001")] == [order_id]

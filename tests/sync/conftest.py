"""Fixtures of the sync engine tests: a fake central behind MockTransport, engines, orders."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage.store import KioskStore
from kiosk.sync.client import CentralClient, RetryPolicy, Timeouts, make_http_client
from kiosk.sync.credentials import StaticCredentials
from kiosk.sync.engine import SyncEngine
from tests.helpers.central_server import central_server  # noqa: F401  (fixture for e2e tests)
from tests.sync.fake_central import TOKEN, FakeCentral

BASE_URL = "http://central.test"


@pytest.fixture
def central() -> FakeCentral:
    """A fresh in-memory central service."""
    return FakeCentral()


@pytest.fixture
def sleeps() -> list[float]:
    """Every backoff delay the client asked for (nothing really sleeps)."""
    return []


@pytest.fixture
def make_client(
    central: FakeCentral, sleeps: list[float]
) -> Iterator[Callable[..., CentralClient]]:
    """Build clients over the fake central; the sleep is recorded, never performed."""
    made: list[CentralClient] = []

    def build(policy: RetryPolicy | None = None, **kw: Any) -> CentralClient:
        http = make_http_client(BASE_URL, Timeouts(), transport=central.transport())
        client = CentralClient(
            http, policy=policy or RetryPolicy(), sleep=sleeps.append, rand=lambda: 0.5, **kw
        )
        client.authorize(TOKEN)
        made.append(client)
        return client

    yield build
    for c in made:
        c.close()


@pytest.fixture
def make_engine(
    store: KioskStore, make_client: Callable[..., CentralClient]
) -> Callable[..., SyncEngine]:
    """Build an engine on the test store and the fake central."""

    def build(client: CentralClient | None = None, **kw: Any) -> SyncEngine:
        return SyncEngine(store, client or make_client(), StaticCredentials(TOKEN), **kw)

    return build


@pytest.fixture
def place(store: KioskStore) -> Callable[..., str]:
    """Seed a small catalog once and return a function that places an order (its id)."""
    from kiosk.storage.orders import place_order
    from tests.helpers.seed import seed_products

    seed_products(store)

    def order(sku: str = "LY-0001", qty: int = 1) -> str:
        placed = place_order(
            store,
            Customer.of("张三", "13812345678"),
            [LineRequest(sku=sku, qty=qty)],
            Payment.CASH,
        )
        return placed.order_id

    return order

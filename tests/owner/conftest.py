"""Fixtures of the owner and technician tests: a seeded store and orders moved along."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from kiosk.admin import ClockReading
from kiosk.customers import Customer
from kiosk.orders import LineRequest, OrderStatus, Payment
from kiosk.storage import orders as svc
from kiosk.storage.store import KioskStore
from tests.helpers.central_server import central_server  # noqa: F401  (fixture for e2e)
from tests.helpers.seed import seed_products

PHONE = "13812345678"
VILLAGER = Customer.of("张三", PHONE)


@pytest.fixture
def shop(store: KioskStore) -> KioskStore:
    """A store with the small seed catalog."""
    seed_products(store)
    return store


def place(
    store: KioskStore, *lines: tuple[str, int], payment: Payment = Payment.CASH
) -> svc.PlacedOrder:
    """Place an order for the test villager."""
    return svc.place_order(store, VILLAGER, [LineRequest(k, q) for k, q in lines], payment)


def advance(store: KioskStore, order_id: str, status: OrderStatus) -> None:
    """Apply a status as if the central service had sent it."""
    with store.write() as s:
        svc.apply_remote_status(s, order_id, status, server_no="S00000001")


@dataclass
class FakeClock:
    """Both clocks, moved by hand: ``wall`` jumps, ``mono`` is seconds since a fake boot."""

    wall: float = 1_750_000_000.0
    mono: float = 1_000.0

    def __call__(self) -> ClockReading:
        return ClockReading(self.wall, self.mono)

    def pass_time(self, seconds: float) -> None:
        self.wall += seconds
        self.mono += seconds

    def reboot(self, after_s: float = 60.0) -> None:
        """The PC restarts: wall time goes on, the monotonic clock starts near zero."""
        self.wall += after_s
        self.mono = 5.0


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()

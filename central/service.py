"""The central service's logic, independent of HTTP: one facade over the modules that hold it.

:class:`CentralService` is used by the FastAPI app (:mod:`central.app`) and by the operator CLI
(:mod:`central.cli`). Every method is one short unit of work on :class:`~central.db.CentralDb`,
done by the module that holds that part of the service:

* :mod:`central.feed` — sequence numbers and the change feeds' cursors;
* :mod:`central.enrollment` — enrollment codes, devices, tokens and the enrollment brake;
* :mod:`central.catalog` — the catalog, its files and pictures, and the catalog feed;
* :mod:`central.events` — the kiosks' events and their handlers;
* :mod:`central.orders` — order status moves, the order-updates feed, the operators' order list;
* :mod:`central.cash` — cash entries and day closes as reported;
* :mod:`central.fleet` — heartbeats and the fleet overview;
* :mod:`central.sync` — the reads and the heartbeat of the one-round-trip sync.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from central import cash
from central.catalog import (
    Catalog,
    CatalogChanges,
    ExportSummary,
    ImportSummary,
    ProductPublished,
)
from central.clock import Clock, iso, utc_now
from central.db import CentralDb
from central.edge import DeviceRateLimit
from central.enrollment import (
    DEFAULT_CODE_TTL_HOURS,
    DeviceAuth,
    DeviceInfo,
    DeviceRevoked,
    EnrollBrake,
    EnrollCodeIssued,
    Enrollment,
)
from central.events import Events
from central.feed import Sequences
from central.fleet import fleet_overview, receive_heartbeat
from central.models import Media, Product
from central.orders import OrderChanges, OrderMoved, Orders, OrderView
from central.sync import RoundTrip, SyncState
from kiosk.wire import (
    EnrollRequest,
    EnrollResponse,
    EventBatch,
    EventBatchResult,
    Heartbeat,
    HeartbeatAck,
    SyncRequest,
)

#: Names other modules and tools have long imported from here.
__all__ = ["CentralService", "DeviceAuth", "iso", "utc_now"]


class CentralService:
    """The central service's operations.

    Args:
        db: the opened (and migrated) database.
        clock: the server clock; tests inject one to move time (enrollment expiry, heartbeats,
            the enrollment brake).
        enroll_brake: the brake on refused enrollment codes (default: 10 in 15 minutes from one
            address hold that address for 15 minutes).
        sequences: where sequence numbers come from (tests inject a wrong allocator to prove
            the feeds' tests can fail).

    Attributes:
        enrollment, catalog, orders, events: the modules' services, sharing ``db``, ``clock``
            and ``sequences``.
    """

    def __init__(
        self,
        db: CentralDb,
        clock: Clock = utc_now,
        enroll_brake: EnrollBrake | None = None,
        sequences: Sequences | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.enroll_brake = enroll_brake or EnrollBrake()
        self.sequences = sequences or Sequences()
        self.enrollment = Enrollment(db, clock, self.enroll_brake)
        self.catalog = Catalog(db, clock, self.sequences)
        self.orders = Orders(db, clock, self.sequences)
        self.events = Events(db, clock, self.sequences, self.orders)
        self.round_trip = RoundTrip(db, clock, self.catalog, self.orders)

    @property
    def on_sequence(self) -> Callable[[str, int], None] | None:
        """Test hook of :class:`~central.feed.Sequences` (see there)."""
        return self.sequences.on_sequence

    @on_sequence.setter
    def on_sequence(self, hook: Callable[[str, int], None] | None) -> None:
        self.sequences.on_sequence = hook

    # --- enrollment and devices ------------------------------------------------------------

    def create_enroll_code(
        self,
        center_id: str,
        center_name: str | None = None,
        ttl_hours: float = DEFAULT_CODE_TTL_HOURS,
        replaces: str | None = None,
    ) -> EnrollCodeIssued:
        return self.enrollment.create_enroll_code(center_id, center_name, ttl_hours, replaces)

    def enroll(self, req: EnrollRequest, address: str = "") -> EnrollResponse:
        return self.enrollment.enroll(req, address)

    def authenticate(self, token: str, rate: DeviceRateLimit | None = None) -> DeviceAuth:
        return self.enrollment.authenticate(token, rate)

    def list_devices(self, center_id: str | None = None) -> list[DeviceInfo]:
        return self.enrollment.list_devices(center_id)

    def revoke_device(self, device_id: str) -> DeviceRevoked:
        return self.enrollment.revoke_device(device_id)

    # --- catalog ---------------------------------------------------------------------------

    def import_catalog(self, path: Path) -> ImportSummary:
        return self.catalog.import_catalog(path)

    def export_catalog(self, path: Path) -> ExportSummary:
        return self.catalog.export_catalog(path)

    def publish_product(self, s: Session, sku: str, **changes: Any) -> Product:
        return self.catalog.publish_product(s, sku, **changes)

    def add_product(self, s: Session, sku: str, **fields: Any) -> Product:
        return self.catalog.add_product(s, sku, **fields)

    def set_price(self, sku: str, price_fen: int) -> ProductPublished:
        return self.catalog.set_price(sku, price_fen)

    def deactivate_product(self, sku: str) -> ProductPublished:
        return self.catalog.deactivate_product(sku)

    def delete_product(self, sku: str) -> ProductPublished:
        return self.catalog.delete_product(sku)

    def catalog_page(self, cursor: str | None, limit: int | None) -> CatalogChanges:
        return self.catalog.catalog_page(cursor, limit)

    def media(self, sha256: str) -> Media:
        return self.catalog.media(sha256)

    # --- events, orders --------------------------------------------------------------------

    def push_events(self, auth: DeviceAuth, batch: EventBatch) -> EventBatchResult:
        return self.events.push_events(auth, batch)

    def order_updates(
        self, auth: DeviceAuth, cursor: str | None, limit: int | None
    ) -> OrderChanges:
        return self.orders.order_updates(auth, cursor, limit)

    def list_orders(self, center_id: str | None = None) -> list[OrderView]:
        return self.orders.list_orders(center_id)

    def advance_order(self, order_id: str, to: str, reason: str | None = None) -> OrderMoved:
        return self.orders.advance_order(order_id, to, reason)

    # --- cash, fleet -----------------------------------------------------------------------

    def list_cash(self, center_id: str | None = None) -> list[cash.CashEntry]:
        return cash.list_cash(self.db, center_id)

    def list_day_closes(self, center_id: str | None = None) -> list[cash.DayClose]:
        return cash.list_day_closes(self.db, center_id)

    def center_days(self, center_id: str | None = None) -> list[cash.CenterDay]:
        return cash.center_days(self.db, center_id)

    def heartbeat(self, auth: DeviceAuth, hb: Heartbeat) -> HeartbeatAck:
        return receive_heartbeat(self.db, self.clock, auth, hb)

    # --- one round trip --------------------------------------------------------------------

    def check_sync(self, req: SyncRequest) -> None:
        self.round_trip.check(req)

    def sync_state(self, auth: DeviceAuth, req: SyncRequest) -> SyncState:
        return self.round_trip.state(auth, req)

    def fleet(self) -> list[dict[str, Any]]:
        return fleet_overview(self.db)

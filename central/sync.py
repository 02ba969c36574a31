"""One round trip for a sync cycle: ``POST /v1/sync`` (docs/sync-protocol.md).

The route (:mod:`central.app`) pushes the request's events through :mod:`central.events` exactly
as ``POST /v1/events`` does, then calls :meth:`RoundTrip.state` for the rest: the heartbeat, the
first page of order updates and the first page of catalog changes.

Most cycles are idle: no events, nothing new. So :meth:`RoundTrip.state` first asks the database
one question, "anything new for this device?", from the sequences (docs/central.md): the
``catalog`` counter (a product's version is taken from it in the transaction that changes the
product, so a committed counter at or below the kiosk's cursor means no change it has not seen)
and one index probe of this center's order updates after its cursor. The feeds' page queries run
only when that answer is yes. An idle cycle is then one transaction of three statements (the
heartbeat's upsert, its center's summary, the probe) after the token lookup.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import exists, select

from central.catalog import Catalog, CatalogChanges
from central.clock import Clock, iso
from central.db import CentralDb
from central.enrollment import DeviceAuth
from central.feed import page_limit, parse_cursor
from central.fleet import heartbeat_offset, store_heartbeat
from central.models import Counter, OrderUpdateRecord
from central.orders import UPDATES_PAGE_DEFAULT, UPDATES_PAGE_MAX, OrderChanges, Orders
from kiosk.wire import CATALOG_PAGE_DEFAULT, CATALOG_PAGE_MAX, HeartbeatAck, SyncRequest


@dataclass(frozen=True, slots=True)
class SyncState:
    """What ``POST /v1/sync`` answers besides the events' results."""

    order_updates: OrderChanges
    catalog: CatalogChanges
    heartbeat: HeartbeatAck | None
    server_time: str


class RoundTrip:
    """The reads and the heartbeat of ``POST /v1/sync``.

    Args:
        db: the opened (and migrated) database.
        clock: the server clock.
        catalog, orders: the feeds' services (their page queries, when there is something new).
    """

    def __init__(self, db: CentralDb, clock: Clock, catalog: Catalog, orders: Orders) -> None:
        self.db = db
        self.clock = clock
        self.catalog = catalog
        self.orders = orders

    def check(self, req: SyncRequest) -> None:
        """Refuse (4xx) what the wire model lets through but central cannot use, before any of
        the request's events is stored: cursors from another server, an unreadable kiosk time."""
        parse_cursor(req.orders_cursor)
        parse_cursor(req.catalog_cursor)
        if req.heartbeat is not None:
            heartbeat_offset(req.heartbeat, self.clock())
        if req.orders_limit is not None:
            page_limit(req.orders_limit, UPDATES_PAGE_DEFAULT, UPDATES_PAGE_MAX)
        if req.catalog_limit is not None:
            page_limit(req.catalog_limit, CATALOG_PAGE_DEFAULT, CATALOG_PAGE_MAX)

    def state(self, auth: DeviceAuth, req: SyncRequest) -> SyncState:
        """Store the heartbeat (if any) and read what is new for this device after its cursors."""
        orders_after = parse_cursor(req.orders_cursor)
        catalog_after = parse_cursor(req.catalog_cursor)
        now = self.clock()
        ack: HeartbeatAck | None = None
        probe = select(
            select(Counter.value).where(Counter.name == "catalog").scalar_subquery(),
            exists().where(
                OrderUpdateRecord.center_id == auth.center_id,
                OrderUpdateRecord.seq > orders_after,
            ),
        )
        unit = self.db.write() if req.heartbeat is not None else self.db.read()
        with unit as s:
            if req.heartbeat is not None:
                offset = heartbeat_offset(req.heartbeat, now)
                ack = store_heartbeat(s, auth, req.heartbeat, now, offset)
            catalog_top, orders_new = s.execute(probe).one()
        if orders_new:
            updates = self.orders.order_updates(auth, req.orders_cursor, req.orders_limit)
        else:
            updates = OrderChanges(items=[], next_cursor=str(orders_after), has_more=False)
        if int(catalog_top or 0) > catalog_after:
            catalog = self.catalog.catalog_page(req.catalog_cursor, req.catalog_limit)
        else:
            # Categories change only with a product (central/catalog.py), so nothing is left out.
            catalog = CatalogChanges(
                items=[], categories=[], next_cursor=str(catalog_after), has_more=False
            )
        return SyncState(
            order_updates=updates, catalog=catalog, heartbeat=ack, server_time=iso(now)
        )

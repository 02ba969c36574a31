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
heartbeat's upsert, its center's summary, the probe) after the token lookup; on PostgreSQL
that is ONE statement (:data:`PG_BEAT_AND_PROBE`) outside a transaction: one round trip, no
BEGIN/COMMIT, nothing for the ORM to build.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import exists, select, text

from central.catalog import Catalog, CatalogChanges
from central.clock import Clock, iso
from central.db import CentralDb
from central.enrollment import DeviceAuth
from central.feed import page_limit, parse_cursor
from central.fleet import heartbeat_offset, heartbeat_row, store_heartbeat_row
from central.models import Counter, OrderUpdateRecord
from central.orders import UPDATES_PAGE_DEFAULT, UPDATES_PAGE_MAX, OrderChanges, Orders
from kiosk.wire import CATALOG_PAGE_DEFAULT, CATALOG_PAGE_MAX, HeartbeatAck, SyncRequest

_HEARTBEAT_COLUMNS = (
    "device_id",
    "center_id",
    "app_version",
    "schema_revision",
    "queue_depth",
    "quarantined",
    "oldest_unsent_age_s",
    "last_error",
    "error_code",
    "disk_free_bytes",
    "kiosk_time",
    "clock_offset_s",
    "catalog_cursor",
    "received_at",
)
_PROBE_SQL = (
    "SELECT (SELECT value FROM counters WHERE name = 'catalog'),"
    " EXISTS (SELECT 1 FROM order_updates"
    " WHERE center_id = :center_id AND seq > :orders_after)"
)
#: PostgreSQL: "anything new for this device?" (see the module docstring).
PG_PROBE = text(_PROBE_SQL)
#: PostgreSQL: the heartbeat (as ``central.fleet.store_heartbeat``) and the probe, one statement.
#: Data-modifying CTEs always run, and the one statement is one transaction.
PG_BEAT_AND_PROBE = text(
    "WITH beat AS ("
    f" INSERT INTO heartbeats ({', '.join(_HEARTBEAT_COLUMNS)})"
    f" VALUES ({', '.join(':' + c for c in _HEARTBEAT_COLUMNS)})"
    " ON CONFLICT (device_id) DO UPDATE SET "
    + ", ".join(f"{c} = EXCLUDED.{c}" for c in _HEARTBEAT_COLUMNS if c != "device_id")
    + " RETURNING 1),"
    " center AS (UPDATE centers SET last_seen_at = :received_at,"
    " last_device_id = :device_id, app_version = :app_version, error_code = :error_code"
    " WHERE id = :center_id RETURNING 1) " + _PROBE_SQL
)


#: A device's heartbeat is written again after this long even when nothing in it changed: the
#: bound on how far ``last_seen`` (``heartbeats.received_at``, ``centers.last_seen_at``) may lag
#: behind a kiosk that keeps syncing (docs/central.md).
HEARTBEAT_REFRESH = timedelta(seconds=60)
#: Devices whose last written heartbeat one worker remembers; past this it forgets them all
#: (a forgotten device's next heartbeat is written: never stale, only one write more).
HEARTBEAT_MEMO_MAX = 200_000


def heartbeat_gist(row: dict[str, Any]) -> tuple[Any, ...]:
    """What of a heartbeat row is worth a write when it changes: everything but the times and
    the measurements that drift on every beat (``kiosk_time``, ``received_at``,
    ``oldest_unsent_age_s``), with the clock offset to the nearest 10 seconds and the free disk
    to the GiB."""
    return (
        row["center_id"],
        row["app_version"],
        row["schema_revision"],
        row["queue_depth"],
        row["quarantined"],
        row["oldest_unsent_age_s"] is None,
        row["last_error"],
        row["error_code"],
        row["disk_free_bytes"] >> 30,
        round(row["clock_offset_s"] / 10),
        row["catalog_cursor"],
    )


class HeartbeatMemo:
    """The heartbeats this worker wrote: ``device → (when, gist)``.

    A heartbeat whose gist equals the one this worker wrote for the device less than
    :data:`HEARTBEAT_REFRESH` ago is not written again. The stored row is then at least that
    recent (rows only move forward: every writer stamps its own ``now``), so ``last_seen`` lags
    by less than :data:`HEARTBEAT_REFRESH` and the stored fields by no more than that behind the
    kiosk's latest report, whichever worker a kiosk reaches. A clock that steps back, a changed
    gist, a device this worker never wrote for or forgot: written at once.
    """

    def __init__(
        self, refresh: timedelta = HEARTBEAT_REFRESH, size: int = HEARTBEAT_MEMO_MAX
    ) -> None:
        self.refresh = refresh
        self.size = size
        self._written: dict[str, tuple[datetime, tuple[Any, ...]]] = {}
        self._lock = threading.Lock()

    def fresh(self, device_id: str, now: datetime, gist: tuple[Any, ...]) -> bool:
        """True when this heartbeat need not be written."""
        with self._lock:
            seen = self._written.get(device_id)
        if seen is None:
            return False
        when, last = seen
        return last == gist and timedelta(0) <= now - when < self.refresh

    def wrote(self, device_id: str, now: datetime, gist: tuple[Any, ...]) -> None:
        with self._lock:
            if len(self._written) >= self.size:
                self._written.clear()
            self._written[device_id] = (now, gist)


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
        self.beats = HeartbeatMemo()

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
        beat: dict[str, Any] | None = None
        if req.heartbeat is not None:
            offset = heartbeat_offset(req.heartbeat, now)
            ack = HeartbeatAck(server_time=iso(now), clock_offset_s=offset)
            beat = heartbeat_row(auth, req.heartbeat, now, offset)
            gist = heartbeat_gist(beat)
            if self.beats.fresh(auth.device_id, now, gist):
                beat = None  # written by this worker moments ago, and nothing worth it changed
        if not self.db.is_sqlite:
            params: dict[str, Any] = {"center_id": auth.center_id, "orders_after": orders_after}
            statement = PG_PROBE
            if beat is not None:
                params.update(beat)
                statement = PG_BEAT_AND_PROBE
            with self.db.autocommit() as conn:
                catalog_top, orders_new = conn.execute(statement, params).one()
        else:
            probe = select(
                select(Counter.value).where(Counter.name == "catalog").scalar_subquery(),
                exists().where(
                    OrderUpdateRecord.center_id == auth.center_id,
                    OrderUpdateRecord.seq > orders_after,
                ),
            )
            unit = self.db.write() if beat is not None else self.db.read()
            with unit as s:
                if beat is not None:
                    store_heartbeat_row(s, beat)
                catalog_top, orders_new = s.execute(probe).one()
        if beat is not None:
            self.beats.wrote(auth.device_id, now, gist)
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

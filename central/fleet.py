"""The fleet at 100,000 centers: paged, filtered, summarised from indexed columns.

Every heartbeat also refreshes a small summary on its center's row (``last_seen_at``,
``last_device_id``, ``app_version``, ``error_code``; migration 0004), so the operators' questions
("which centers are silent for two days?", "who still runs 0.1.0?", "who reports
``clock_wrong``?") are index range scans on ``centers`` and never read every heartbeat. A page is
keyed by center id (``--after``), so paging through 100,000 centers costs the same per page.

:func:`receive_heartbeat` keeps each device's latest heartbeat; :func:`fleet_overview` and
:func:`fleet_page` answer the operators. :func:`seed_fleet` fills a database with a realistic
fleet for tests and benchmarks (``kiosk-central dev seed-fleet``).
"""

from __future__ import annotations

import hashlib
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from central.clock import Clock, aware, iso
from central.db import CentralDb
from central.enrollment import DeviceAuth
from central.errors import BadRequest
from central.models import Center, Device, HeartbeatRecord, Order
from kiosk.wire import Heartbeat, HeartbeatAck

#: Most centers one page returns.
MAX_PAGE = 1_000


@dataclass(frozen=True)
class FleetFilter:
    """Which centers to list; ``None`` fields do not filter.

    Attributes:
        stale_hours: only centers not seen for at least this long (never-seen ones included).
        error_code: only centers whose latest heartbeat reported this error code.
        version: only centers whose latest heartbeat came from this app version.
    """

    stale_hours: float | None = None
    error_code: str | None = None
    version: str | None = None


def heartbeat_fields(hb: HeartbeatRecord | None, iso: Any) -> dict[str, Any]:
    """A fleet row's fields from a center's latest heartbeat (``None``: never seen)."""
    return {
        "device_id": hb.device_id if hb else None,
        "app_version": hb.app_version if hb else None,
        "schema_revision": hb.schema_revision if hb else None,
        "queue_depth": hb.queue_depth if hb else None,
        "quarantined": hb.quarantined if hb else None,
        "oldest_unsent_age_s": hb.oldest_unsent_age_s if hb else None,
        "last_error": hb.last_error if hb else None,
        "disk_free_bytes": hb.disk_free_bytes if hb else None,
        "clock_offset_s": hb.clock_offset_s if hb else None,
        "catalog_cursor": hb.catalog_cursor if hb else None,
        "last_seen": iso(hb.received_at) if hb else None,
    }


def heartbeat_offset(hb: Heartbeat, now: datetime) -> float:
    """Kiosk clock minus server clock, in seconds; :class:`BadRequest` for an unreadable time
    (checked before anything is stored)."""
    try:
        kiosk_time = datetime.fromisoformat(hb.kiosk_time.strip())
    except ValueError:
        raise BadRequest(
            "kiosk_time is not an ISO 8601 time, e.g. 2024-05-01T10:42:00+08:00",
            code="invalid_payload",
        ) from None
    return round((aware(kiosk_time) - now).total_seconds(), 3)


def store_heartbeat(
    s: Session, auth: DeviceAuth, hb: Heartbeat, now: datetime, offset: float
) -> HeartbeatAck:
    """Keep ``hb`` as this device's latest heartbeat, inside the caller's write unit of work."""
    store_heartbeat_row(s, heartbeat_row(auth, hb, now, offset))
    return HeartbeatAck(server_time=iso(now), clock_offset_s=offset)


def store_heartbeat_row(s: Session, row: dict[str, Any]) -> None:
    """Keep ``row`` (:func:`heartbeat_row`) as its device's latest heartbeat, inside the caller's
    write unit of work.

    Two statements, no ORM objects: an upsert of the device's row and the center's summary
    columns (an idle sync cycle is mostly this, see docs/central.md).
    """
    fields = dict(row)
    device_id = fields.pop("device_id")
    dialect = s.get_bind().dialect.name
    upsert: Any = pg_insert if dialect == "postgresql" else sqlite_insert
    stmt = upsert(HeartbeatRecord).values(device_id=device_id, **fields)
    s.execute(stmt.on_conflict_do_update(index_elements=["device_id"], set_=fields))
    s.execute(
        update(Center)
        .where(Center.id == fields["center_id"])
        .values(
            last_seen_at=fields["received_at"],
            last_device_id=device_id,
            app_version=fields["app_version"],
            error_code=fields["error_code"],
        )
    )


def heartbeat_row(auth: DeviceAuth, hb: Heartbeat, now: datetime, offset: float) -> dict[str, Any]:
    """The ``heartbeats`` row of ``hb`` (its values cut to the columns)."""
    return {
        "device_id": auth.device_id,
        "center_id": auth.center_id,
        "app_version": hb.app_version[:64],
        "schema_revision": (hb.schema_revision or None) and hb.schema_revision[:64],
        "queue_depth": hb.queue_depth,
        "quarantined": hb.quarantined,
        "oldest_unsent_age_s": hb.oldest_unsent_age_s,
        "last_error": hb.last_error,
        "error_code": hb.error_code,
        "disk_free_bytes": hb.disk_free_bytes,
        "kiosk_time": hb.kiosk_time[:64],
        "clock_offset_s": offset,
        "catalog_cursor": (hb.catalog_cursor or None) and hb.catalog_cursor[:64],
        "received_at": now,
    }


def receive_heartbeat(db: CentralDb, clock: Clock, auth: DeviceAuth, hb: Heartbeat) -> HeartbeatAck:
    """Keep the latest heartbeat of this device; measure its clock offset."""
    now = clock()
    offset = heartbeat_offset(hb, now)
    with db.write() as s:
        return store_heartbeat(s, auth, hb, now, offset)


def fleet_overview(db: CentralDb) -> list[dict[str, Any]]:
    """One object per center with its most recent heartbeat (``null`` fields if none yet)."""
    with db.read() as s:
        centers = list(s.scalars(select(Center).order_by(Center.id)))
        devices = dict(
            s.execute(
                select(Device.center_id, func.count())
                .where(Device.revoked_at.is_(None))
                .group_by(Device.center_id)
            ).all()
        )
        revoked = dict(
            s.execute(
                select(Device.center_id, func.count())
                .where(Device.revoked_at.is_not(None))
                .group_by(Device.center_id)
            ).all()
        )
        beats: dict[str, HeartbeatRecord] = {}
        for beat in s.scalars(select(HeartbeatRecord).order_by(HeartbeatRecord.received_at)):
            beats[beat.center_id] = beat  # the latest wins
        orders = dict(
            s.execute(select(Order.center_id, func.count()).group_by(Order.center_id)).all()
        )
    out = []
    for c in centers:
        hb = beats.get(c.id)
        out.append(
            {
                "center_id": c.id,
                "center_name": c.name,
                "devices": int(devices.get(c.id, 0)),
                "revoked_devices": int(revoked.get(c.id, 0)),
                "orders": int(orders.get(c.id, 0)),
                **heartbeat_fields(hb, iso),
            }
        )
    return out


def _where(q: Any, flt: FleetFilter, now: datetime) -> Any:
    if flt.stale_hours is not None:
        cutoff = now - timedelta(hours=flt.stale_hours)
        q = q.where(or_(Center.last_seen_at.is_(None), Center.last_seen_at < cutoff))
    if flt.error_code is not None:
        q = q.where(Center.error_code == flt.error_code)
    if flt.version is not None:
        q = q.where(Center.app_version == flt.version)
    return q


def fleet_page(
    db: CentralDb, flt: FleetFilter, now: datetime, *, limit: int = 100, after: str | None = None
) -> list[dict[str, Any]]:
    """One page of centers (ordered by id, after ``after``), each with its latest heartbeat.

    The objects have the fields of ``kiosk-central fleet`` (docs/central.md).
    """
    limit = max(1, min(limit, MAX_PAGE))
    q = select(Center).order_by(Center.id).limit(limit)
    if after:
        q = q.where(Center.id > after)
    q = _where(q, flt, now)
    with db.read() as s:
        centers = list(s.scalars(q))
        ids = [c.id for c in centers]
        beats = {
            b.device_id: b
            for b in s.scalars(
                select(HeartbeatRecord).where(
                    HeartbeatRecord.device_id.in_(
                        [c.last_device_id for c in centers if c.last_device_id]
                    )
                )
            )
        }
        per_center = (
            select(Device.center_id, func.count())
            .where(Device.center_id.in_(ids))
            .group_by(Device.center_id)
        )
        devices = {cid: int(n) for cid, n in s.execute(per_center)}
    out = []
    for c in centers:
        hb = beats.get(c.last_device_id or "")
        out.append(
            {
                "center_id": c.id,
                "center_name": c.name,
                "devices": int(devices.get(c.id, 0)),
                **heartbeat_fields(hb, iso),
                "error_code": c.error_code,
            }
        )
    return out


def fleet_summary(db: CentralDb, flt: FleetFilter, now: datetime) -> dict[str, Any]:
    """Counts of the (filtered) fleet: in all, never seen, by app version, by error code."""
    with db.read() as s:

        def grouped(column: Any) -> dict[str, int]:
            q = _where(select(column, func.count()).group_by(column), flt, now)
            rows = s.execute(q.order_by(func.count().desc()).limit(50))
            return {(k if k is not None else "-"): int(n) for k, n in rows}

        total = int(s.scalar(_where(select(func.count()).select_from(Center), flt, now)) or 0)
        never = int(
            s.scalar(
                _where(
                    select(func.count()).select_from(Center).where(Center.last_seen_at.is_(None)),
                    flt,
                    now,
                )
            )
            or 0
        )
        return {
            "centers": total,
            "never_seen": never,
            "by_version": grouped(Center.app_version),
            "by_error_code": grouped(Center.error_code),
        }


# --- a fleet for tests and benchmarks ----------------------------------------------------------

VERSIONS = ("0.1.0", "0.2.0", "0.3.0")
ERROR_CODES = (None,) * 17 + ("offline", "clock_wrong", "server_error")


def seed_fleet(db: CentralDb, centers: int, now: datetime, *, seed: int = 1) -> int:
    """Add ``centers`` centers (``S000001``…), one device and one heartbeat each; returns added.

    Last seen spreads from minutes to weeks ago, versions and error codes are mixed, one center in
    twenty has never been seen. Bulk inserts, 5,000 rows per statement.
    """
    rng = random.Random(seed)
    chunk = 5_000
    with db.write() as s:
        start = int(s.scalar(select(func.count()).select_from(Center)) or 0)
    for base in range(0, centers, chunk):
        c_rows, d_rows, h_rows = [], [], []
        for i in range(base, min(base + chunk, centers)):
            cid = f"S{start + i + 1:06d}"
            did = str(uuid.UUID(int=rng.getrandbits(128)))
            seen = None if rng.random() < 0.05 else now - timedelta(hours=rng.expovariate(1 / 12))
            version, code = rng.choice(VERSIONS), rng.choice(ERROR_CODES)
            c_rows.append(
                {"id": cid, "name": f"{cid}村服务站", "created_at": now, "last_seen_at": seen,
                 "last_device_id": did if seen else None, "app_version": version if seen else None,
                 "error_code": code if seen else None}
            )  # fmt: skip
            d_rows.append(
                {"id": did, "center_id": cid, "name": "seed", "app_version": version,
                 "token_hash": hashlib.sha256(did.encode()).hexdigest(), "created_at": now}
            )  # fmt: skip
            if seen:
                h_rows.append(
                    {"device_id": did, "center_id": cid, "app_version": version,
                     "schema_revision": "0005", "queue_depth": rng.choice((0, 0, 0, 1, 3, 40)),
                     "quarantined": 0, "oldest_unsent_age_s": None, "last_error": None,
                     "error_code": code, "disk_free_bytes": 20 << 30,
                     "kiosk_time": seen.isoformat(),
                     "clock_offset_s": rng.choice((0.0, 0.4, -2.0, 3600.0)),
                     "catalog_cursor": None, "received_at": seen}
                )  # fmt: skip
        with db.write() as s:
            s.execute(insert(Center), c_rows)
            s.execute(insert(Device), d_rows)
            if h_rows:
                s.execute(insert(HeartbeatRecord), h_rows)
    return centers

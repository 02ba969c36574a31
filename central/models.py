"""The central database schema (SQLAlchemy 2 typed models).

Sequence numbers (catalog ``version``, order update ``seq``, server order numbers) all come from
rows of :class:`Counter`, locked inside the transaction that uses them, so sequence order is commit
order and a reader paging by cursor can never step over a change that commits late.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    PrimaryKeyConstraint,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: Counter rows created by the first migration (and by the test fixtures after a truncate).
COUNTERS = ("catalog", "order_update", "order_no")


class Base(DeclarativeBase):
    pass


class Counter(Base):
    """A named, gap-free, commit-ordered sequence."""

    __tablename__ = "counters"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger, default=0)


class Center(Base):
    """A village service center; the ``last_*`` columns summarise its latest heartbeat
    (central/fleet.py: the fleet views filter on them through their indexes)."""

    __tablename__ = "centers"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True, index=True
    )
    last_device_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    app_version: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    error_code: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class EnrollCode(Base):
    """A one-time, expiring enrollment code; only its sha256 is stored."""

    __tablename__ = "enroll_codes"
    code_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    device_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    #: The device this code's enrollment replaces (revoked when the code is used).
    replaces: Mapped[str | None] = mapped_column(String(36), nullable=True)


class Device(Base):
    """An enrolled kiosk. ``token_hash`` is the sha256 of its 256-bit random bearer token."""

    __tablename__ = "devices"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    app_version: Mapped[str] = mapped_column(String(32), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The PC's number within its center (1, 2, 3… in enrollment order); in its order numbers.
    pc_no: Mapped[int | None] = mapped_column(Integer, nullable=True)
    #: When the device was revoked: its token no longer works; its history stays.
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Category(Base):
    __tablename__ = "categories"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Product(Base):
    """The current state of one product; ``version`` is the change sequence of its last change.

    Deleted products stay as tombstones (``deleted``) forever so an offline kiosk learns of them.
    """

    __tablename__ = "products"
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, unique=True)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    name: Mapped[str] = mapped_column(String(200), default="")
    category: Mapped[str] = mapped_column(String(40), default="")
    price_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    unit: Mapped[str] = mapped_column(String(10), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    image_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    stock: Mapped[str] = mapped_column(String(16), default="in_stock")
    barcode: Mapped[str | None] = mapped_column(String(14), nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PriceHistory(Base):
    """The price of every published product version (the price rule honours any of them)."""

    __tablename__ = "price_history"
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    price_fen: Mapped[int] = mapped_column(BigInteger)


class Media(Base):
    """An image, addressed by the sha256 of its bytes (immutable)."""

    __tablename__ = "media"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class EventRecord(Base):
    """Every event ever received, keyed by (device, client UUID): the dedup is this primary key,
    per device, so no device can claim or read back another device's event."""

    __tablename__ = "events"
    __table_args__ = (PrimaryKeyConstraint("device_id", "id"),)
    id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64))
    payload_hash: Mapped[str] = mapped_column(String(64))
    payload: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(64), nullable=True)
    message: Mapped[str | None] = mapped_column(String(500), nullable=True)
    result: Mapped[str] = mapped_column(Text, default="{}")
    created_at: Mapped[str] = mapped_column(String(64))  # kiosk clock, informational only
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the kiosk's order id
    server_no: Mapped[str] = mapped_column(String(16), unique=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), index=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    local_no: Mapped[str] = mapped_column(String(32))
    customer_name: Mapped[str] = mapped_column(String(100))
    customer_phone: Mapped[str] = mapped_column(String(32))
    payment: Mapped[str] = mapped_column(String(16))
    total_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16))
    status_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    placed_at: Mapped[str] = mapped_column(String(64))  # kiosk clock, informational only
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: The kiosk's salted pickup-code hash (never the code), so an order pulled back onto a
    #: restored or replacement PC can still be handed over (central/recovery.py). ``NULL`` for
    #: orders from kiosks that do not send it.
    pickup_salt: Mapped[str | None] = mapped_column(String(32), nullable=True)
    pickup_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class OrderLine(Base):
    __tablename__ = "order_lines"
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(10))
    unit_price_fen: Mapped[int] = mapped_column(BigInteger)
    product_version: Mapped[int] = mapped_column(BigInteger)
    qty: Mapped[int] = mapped_column(Integer)
    line_total_fen: Mapped[int] = mapped_column(BigInteger)
    price_changed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: How much of this line the shop has checked in (partial arrivals; migration 0002).
    arrived_qty: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class OrderUpdateRecord(Base):
    """One status change of one order, numbered by the ``order_update`` counter."""

    __tablename__ = "order_updates"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"))
    status: Mapped[str] = mapped_column(String(16))
    server_no: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_order_updates_center_seq", "center_id", "seq"),)


class HeartbeatRecord(Base):
    """The latest heartbeat of each device."""

    __tablename__ = "heartbeats"
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"), primary_key=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), index=True)
    app_version: Mapped[str] = mapped_column(String(64))
    schema_revision: Mapped[str | None] = mapped_column(String(64), nullable=True)
    queue_depth: Mapped[int] = mapped_column(Integer)
    quarantined: Mapped[int] = mapped_column(Integer, default=0)
    oldest_unsent_age_s: Mapped[float | None] = mapped_column(Float, nullable=True)
    last_error: Mapped[str | None] = mapped_column(String(500), nullable=True)
    error_code: Mapped[str | None] = mapped_column(String(64), nullable=True)
    disk_free_bytes: Mapped[int] = mapped_column(BigInteger)
    kiosk_time: Mapped[str] = mapped_column(String(64))
    clock_offset_s: Mapped[float] = mapped_column(Float)
    catalog_cursor: Mapped[str | None] = mapped_column(String(64), nullable=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CashEntryRecord(Base):
    """Cash into or out of a center's drawer, as its kiosk reported it (``cash_entry`` events).

    Cash paid at order time is derived from the ``order_placed`` event (payment ``cash``), with
    the order id as ``entry_id``. ``amount_fen`` is positive; ``kind`` gives the direction.
    """

    __tablename__ = "cash_entries"
    entry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), index=True)
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    event_id: Mapped[str] = mapped_column(String(36))
    kind: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[str | None] = mapped_column(String(36), nullable=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[str] = mapped_column(String(64))  # kiosk clock, informational only
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DayCloseRecord(Base):
    """One PC's close of one business day (``day_closed`` events): one per center, PC and day;
    a center's day is the sum of its PCs' closes."""

    __tablename__ = "day_closes"
    __table_args__ = (PrimaryKeyConstraint("center_id", "device_id", "business_day"),)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"))
    business_day: Mapped[str] = mapped_column(String(10))
    event_id: Mapped[str] = mapped_column(String(36))
    device_id: Mapped[str] = mapped_column(ForeignKey("devices.id"))
    closed_at: Mapped[str] = mapped_column(String(64))  # kiosk clock, informational only
    totals: Mapped[str] = mapped_column(Text)  # JSON {kind: {"count", "fen"}}
    expected_cash_fen: Mapped[int] = mapped_column(BigInteger)
    entries: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DemandDaily(Base):
    """What villagers looked at and looked for, per center and server day (central/demand.py).

    ``kind`` is ``view`` (a product's SKU), ``visit`` (a category), ``search`` or
    ``search_empty`` (a scrubbed search text; ``search_empty`` counts the searches that found
    nothing). Counts only: no customer, no kiosk time.
    """

    __tablename__ = "demand_daily"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    center_id: Mapped[str] = mapped_column(ForeignKey("centers.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger)

    __table_args__ = (Index("ix_demand_daily_kind_day", "kind", "day"),)


class EnrollBrakeRecord(Base):
    """One key of the enrollment brake (:class:`central.enrollment.EnrollBrake`): an address,
    an address and a center, or a center; shared by every worker process (docs/central.md).

    ``refusals`` counts refused codes since ``window_start``; ``in_flight`` the attempts admitted
    and not yet settled (last one admitted at ``in_flight_at``); ``held_until`` the end of a hold.
    A row is useless after ``expires_at`` and is deleted by a later attempt's sweep.
    """

    __tablename__ = "enroll_brake"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    refusals: Mapped[int] = mapped_column(Integer)
    in_flight: Mapped[int] = mapped_column(Integer)
    in_flight_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    held_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class DeviceRateRecord(Base):
    """One device's token bucket (:class:`central.edge.DeviceRateLimit`), shared by every worker:
    ``tokens`` left at ``at`` (seconds since the epoch). A row whose bucket has refilled is
    deleted by a later request's sweep (a missing row is a full bucket)."""

    __tablename__ = "device_rate"
    device_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tokens: Mapped[float] = mapped_column(Float)
    at: Mapped[float] = mapped_column(Float, index=True)


class CatalogSnapshotRecord(Base):
    """A catalog snapshot (central/snapshots.py): the whole catalog feed up to ``cursor`` as
    gzip bytes, named by their sha256 (immutable). The newest few are kept."""

    __tablename__ = "catalog_snapshots"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    cursor: Mapped[int] = mapped_column(BigInteger, index=True)
    items: Mapped[int] = mapped_column(BigInteger)
    size: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class SnapshotLeaseRecord(Base):
    """Who builds the next catalog snapshot: a worker inserts this one row to take the lease
    and deletes it when done; a row past ``expires_at`` (its worker died) may be taken over."""

    __tablename__ = "catalog_snapshot_lease"
    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

"""The kiosk's tables, in SQLAlchemy 2 typed style.

Money columns are integer fen. Timestamps are UTC ISO-8601 text from the kiosk clock: shown to
people, never used to order or reconcile anything with the central service (server cursors do).
The full-text search table ``product_search`` is an FTS5 virtual table created by the migrations;
it is not mapped here (see :mod:`kiosk.storage.search`).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint, desc
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.storage.model_base import Base


class Setting(Base):
    """Small key/value facts about this kiosk (center code, sequence counters, cursors)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Category(Base):
    """A product category as villagers see it (粮油食品, 家用电器 …)."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(40), unique=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Product(Base):
    """A product of the catalog. ``server_version`` is the central service's version of it."""

    __tablename__ = "products"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    barcode: Mapped[str | None] = mapped_column(String(14), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Indexed by ix_products_category_tiles below (category_id first).
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    price_fen: Mapped[int] = mapped_column(Integer)
    unit: Mapped[str] = mapped_column(String(10))
    description: Mapped[str] = mapped_column(Text, default="")
    stock: Mapped[str] = mapped_column(String(16), default="in_stock")
    image_hash: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    server_version: Mapped[int] = mapped_column(Integer, default=0)
    views: Mapped[int] = mapped_column(Integer, default=0)

    category: Mapped[Category] = relationship(lazy="joined")

    __table_args__ = (
        # The home screen's category tiles (counts and a picture per category) read this
        # narrow index instead of every product row (figures in docs/benchmarks.md).
        # It also serves every lookup by category (it replaced ix_products_category_id).
        Index("ix_products_category_tiles", "category_id", "active", "image_hash"),
        # "Most viewed" (the home screen's featured products) walks this in order and stops.
        # Alembic cannot reflect the DESC of an SQLite index column, so the model comparison test
        # checks this one index against the database's own SQL instead.
        Index("ix_products_views_id", desc("views"), "id"),
    )


class Customer(Base):
    """A villager who ordered here; purged after the retention period (kiosk/storage/privacy.py)."""

    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[str] = mapped_column(String(32))


class Order(Base):
    """An order authored on this kiosk. ``id`` is a UUIDv7: the permanent idempotency key."""

    __tablename__ = "orders"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    local_no: Mapped[str] = mapped_column(String(32), unique=True)
    center_id: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customers.id"), index=True)
    customer_name: Mapped[str] = mapped_column(String(40))
    customer_phone: Mapped[str] = mapped_column(String(11))
    payment: Mapped[str] = mapped_column(String(16))
    total_fen: Mapped[int] = mapped_column(Integer)
    pickup_salt: Mapped[str] = mapped_column(String(32))
    pickup_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(32))
    updated_at: Mapped[str] = mapped_column(String(32))
    server_no: Mapped[str | None] = mapped_column(String(32))
    status_reason: Mapped[str | None] = mapped_column(Text)

    lines: Mapped[list[OrderLine]] = relationship(
        back_populates="order", order_by="OrderLine.line_no", cascade="all, delete-orphan"
    )


class OrderLine(Base):
    """One line of an order, with the price snapshotted at placement."""

    __tablename__ = "order_lines"
    __table_args__ = (UniqueConstraint("order_id", "line_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"))
    line_no: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    unit: Mapped[str] = mapped_column(String(10))
    unit_price_fen: Mapped[int] = mapped_column(Integer)
    #: The catalog version of the product whose price was snapshotted (conflict rule, sync doc).
    product_version: Mapped[int] = mapped_column(Integer, default=0)
    qty: Mapped[int] = mapped_column(Integer)
    line_total_fen: Mapped[int] = mapped_column(Integer)

    order: Mapped[Order] = relationship(back_populates="lines")


class OutboxEvent(Base):
    """A change the central service must learn about, written in the same transaction as it.

    ``id`` is the event's permanent UUID; the central service deduplicates on it forever.
    ``seq`` keeps send order. ``state`` is ``pending``, ``sent`` or ``quarantined``.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_seq", "state", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[str] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Times central failed (5xx) on this event sent alone while others went through.
    server_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_attempt_at: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[str | None] = mapped_column(String(32))
    result: Mapped[str | None] = mapped_column(Text)


class AuditEntry(Base):
    """Who did what, when: an append-only log of actions on this kiosk (no personal data)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")


# Tables owned by other modules register on Base when imported (so Alembic and tests see them).
from kiosk.storage import browsing_models as _browsing_models  # noqa: E402, F401
from kiosk.storage import owner_models as _owner_models  # noqa: E402, F401

"""Tables of the orders authored on this kiosk: customers, orders and their lines."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.storage.model_base import Base


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

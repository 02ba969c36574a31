"""Tables of the catalog: categories and products.

The full-text search table ``product_search`` is an FTS5 virtual table created by the migrations;
it is not mapped here (see :mod:`kiosk.storage.search`).
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String, Text, desc
from sqlalchemy.orm import Mapped, mapped_column, relationship

from kiosk.storage.model_base import Base


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

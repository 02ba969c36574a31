"""Put a few products into a test store through the ORM models.

Kept independent of the catalog importer so order tests do not depend on it. Prices are fen.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from kiosk.storage.models import Category, Product
from kiosk.storage.store import KioskStore


@dataclass(frozen=True, slots=True)
class SeedProduct:
    """One product to seed."""

    sku: str
    name: str
    price_fen: int
    unit: str = "袋"
    category: str = "粮油食品"
    stock: str = "in_stock"
    active: bool = True
    server_version: int = 1


#: A small fixed catalog: three orderable products, one inactive, one out of stock.
DEFAULT_PRODUCTS: tuple[SeedProduct, ...] = (
    SeedProduct("LY-0001", "金龙鱼 大米 10kg", 5990),
    SeedProduct("LY-0002", "鲁花 花生油 5L", 12850, unit="桶"),
    SeedProduct("RY-0001", "蓝月亮 洗衣液 2kg", 3450, unit="瓶", category="日用百货"),
    SeedProduct("RY-0002", "停售的肥皂", 300, unit="块", category="日用百货", active=False),
    SeedProduct("NZ-0001", "史丹利 复合肥 50kg", 16800, category="农资农具", stock="out_of_stock"),
)

ORDERABLE = ("LY-0001", "LY-0002", "RY-0001")


def seed_products(
    store: KioskStore, products: tuple[SeedProduct, ...] | list[SeedProduct] = DEFAULT_PRODUCTS
) -> list[str]:
    """Insert ``products`` (and their categories) in one write; returns their SKUs."""
    with store.write() as s:
        cats = {c.name: c for c in s.scalars(select(Category))}
        for p in products:
            cat = cats.get(p.category)
            if cat is None:
                cat = Category(name=p.category, sort_order=len(cats), active=True)
                s.add(cat)
                s.flush()
                cats[p.category] = cat
            s.add(
                Product(
                    sku=p.sku,
                    name=p.name,
                    category_id=cat.id,
                    price_fen=p.price_fen,
                    unit=p.unit,
                    description="",
                    stock=p.stock,
                    active=p.active,
                    server_version=p.server_version,
                    views=0,
                )
            )
    return [p.sku for p in products]


def synthetic_products(n: int, *, start: int = 1) -> list[SeedProduct]:
    """``n`` orderable products with varied prices (SKUs ``SY-000001`` …)."""
    return [
        SeedProduct(f"SY-{i:06d}", f"测试商品 {i}", 100 + (i * 37) % 20_000, server_version=i)
        for i in range(start, start + n)
    ]

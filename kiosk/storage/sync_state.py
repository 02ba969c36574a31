"""Small queries the sync engine needs that belong to no other storage module."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.storage.models import Product


def referenced_image_hashes(s: Session) -> list[str]:
    """Distinct image hashes of the catalog, active products first (they are shown first)."""
    stmt = (
        select(Product.image_hash, Product.active)
        .where(Product.image_hash.is_not(None))
        .order_by(Product.active.desc(), Product.id)
    )
    seen: dict[str, None] = {}
    for image_hash, _active in s.execute(stmt):
        if image_hash and image_hash not in seen:
            seen[image_hash] = None
    return list(seen)


def product_count(s: Session) -> int:
    """How many products the kiosk has (active or not)."""
    from sqlalchemy import func

    return int(s.scalar(select(func.count()).select_from(Product)) or 0)

"""What the villager's screens show of the catalog: plain values, no database types.

Kept apart from :mod:`kiosk.storage.browsing` (which reads them with SQLAlchemy) so that the
screens, and the kiosk's first paint (:mod:`kiosk.storage.first_paint`), can use them without
importing SQLAlchemy.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

#: Featured products on the villager's home screen.
HOME_FEATURED = 10


@dataclass(frozen=True, slots=True)
class ProductCard:
    """What a product tile on the villager's screen shows."""

    sku: str
    name: str
    price_fen: int
    unit: str
    category: str
    image_hash: str | None
    stock: str


@dataclass(frozen=True, slots=True)
class CategoryTile:
    """A category on the home screen, with one product picture to stand for it."""

    name: str
    product_count: int
    image_hash: str | None


def pick_featured(candidates: list[ProductCard], limit: int) -> list[ProductCard]:
    """The featured products among ``candidates`` (most viewed first): at most two per category
    at first so the home screen shows variety, then filled up in popularity order."""
    picked: list[ProductCard] = []
    per_category: Counter[str] = Counter()
    for card in candidates:
        if len(picked) < limit and per_category[card.category] < 2:
            picked.append(card)
            per_category[card.category] += 1
    for card in candidates:  # fewer categories than needed: fill up in popularity order
        if len(picked) < limit and card not in picked:
            picked.append(card)
    return picked

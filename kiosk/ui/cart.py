"""The villager's cart: plain data, no Qt (the Qt model in :mod:`kiosk.ui.models` wraps it).

Prices here are what the screen showed; :func:`kiosk.storage.orders.place_order` looks every SKU
up again and snapshots the current price, so a cart can never order at a stale price.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from kiosk.orders import MAX_LINES, MAX_QTY_PER_LINE, LineRequest
from kiosk.storage.cards import ProductCard


@dataclass(frozen=True, slots=True)
class CartLine:
    """One product in the cart."""

    card: ProductCard
    qty: int

    @property
    def total_fen(self) -> int:
        """Line total in fen."""
        return self.card.price_fen * self.qty


class Cart:
    """Products and quantities a villager is about to order, in the order they were added."""

    def __init__(self) -> None:
        self._lines: list[CartLine] = []

    @property
    def lines(self) -> list[CartLine]:
        """A copy of the lines."""
        return list(self._lines)

    @property
    def total_fen(self) -> int:
        """Sum of the line totals."""
        return sum(line.total_fen for line in self._lines)

    @property
    def item_count(self) -> int:
        """Number of pieces (sum of quantities)."""
        return sum(line.qty for line in self._lines)

    def is_empty(self) -> bool:
        """True when nothing is in the cart."""
        return not self._lines

    def index_of(self, sku: str) -> int:
        """Row of ``sku``, or -1."""
        return next((i for i, ln in enumerate(self._lines) if ln.card.sku == sku), -1)

    def add(self, card: ProductCard, qty: int = 1) -> int:
        """Add ``qty`` of a product (merging with its line); returns the line's row."""
        row = self.index_of(card.sku)
        if row >= 0:
            line = self._lines[row]
            self._lines[row] = replace(line, qty=min(MAX_QTY_PER_LINE, line.qty + qty))
            return row
        if len(self._lines) >= MAX_LINES:
            raise ValueError("cart is full")
        self._lines.append(CartLine(card, max(1, min(MAX_QTY_PER_LINE, qty))))
        return len(self._lines) - 1

    def set_qty(self, row: int, qty: int) -> None:
        """Change a line's quantity (kept within 1…MAX_QTY_PER_LINE)."""
        self._lines[row] = replace(self._lines[row], qty=max(1, min(MAX_QTY_PER_LINE, qty)))

    def remove(self, row: int) -> None:
        """Remove a line."""
        del self._lines[row]

    def clear(self) -> None:
        """Empty the cart."""
        self._lines.clear()

    def line_requests(self) -> list[LineRequest]:
        """The lines as ``place_order`` wants them."""
        return [LineRequest(sku=ln.card.sku, qty=ln.qty) for ln in self._lines]

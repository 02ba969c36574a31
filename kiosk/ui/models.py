"""Item models of the villager screens (Qt model/view; every one is checked with qtmodeltester).

* :class:`ProductGridModel` — product tiles for search results and category pages; it may hold
  tens of thousands of rows (the view is virtualized and paints only visible tiles) and pulls more
  pages through ``canFetchMore``/``fetchMore`` → :attr:`ProductGridModel.more_wanted`.
* :class:`CartModel` — the cart's lines.
* :class:`VillagerOrdersModel` — the orders found on "My orders".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from kiosk.money import format_yuan
from kiosk.orders import OrderStatus
from kiosk.storage.cards import ProductCard
from kiosk.ui.cart import Cart, CartLine
from kiosk.ui.images import ImageCache
from kiosk.ui.order_words import status_words

if TYPE_CHECKING:
    from kiosk.storage.lookup import VillagerOrder

Index = QModelIndex | QPersistentModelIndex
_ROOT = QModelIndex()

CardRole = Qt.ItemDataRole.UserRole + 1
PriceTextRole = Qt.ItemDataRole.UserRole + 2
SkuRole = Qt.ItemDataRole.UserRole + 3
QtyRole = Qt.ItemDataRole.UserRole + 4
LineTotalTextRole = Qt.ItemDataRole.UserRole + 5
OrderRole = Qt.ItemDataRole.UserRole + 6

#: Picture size decoded for grid tiles.
TILE_IMAGE_PX = 200


class ProductGridModel(QAbstractListModel):
    """Product tiles.

    Signals:
        more_wanted(int): the view scrolled near the end and more rows exist; the argument is the
            offset of the next page. Answer with :meth:`append_rows`.
    """

    more_wanted = Signal(int)

    def __init__(self, images: ImageCache | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[ProductCard] = []
        self._by_hash: dict[str, list[int]] = {}
        self._images = images
        self._more = False
        self._asked = False
        if images is not None:
            images.ready.connect(self._image_ready)

    # -- filling ----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[ProductCard], *, more: bool = False) -> None:
        """Replace every row; ``more`` says whether further pages exist."""
        self.beginResetModel()
        self._rows = list(rows)
        self._reindex()
        self._more, self._asked = more, False
        self.endResetModel()

    def append_rows(self, rows: Sequence[ProductCard], *, more: bool) -> None:
        """Add the next page."""
        self._asked = False
        self._more = more
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(_ROOT, first, first + len(rows) - 1)
        self._rows.extend(rows)
        for i, card in enumerate(rows, start=first):
            if card.image_hash:
                self._by_hash.setdefault(card.image_hash, []).append(i)
        self.endInsertRows()

    def _reindex(self) -> None:
        self._by_hash = {}
        for i, card in enumerate(self._rows):
            if card.image_hash:
                self._by_hash.setdefault(card.image_hash, []).append(i)

    def card(self, row: int) -> ProductCard:
        """The product at ``row``."""
        return self._rows[row]

    def cards(self) -> list[ProductCard]:
        """All rows (a copy)."""
        return list(self._rows)

    def _image_ready(self, image_hash: str) -> None:
        for row in self._by_hash.get(image_hash, ()):
            ix = self.index(row, 0)
            self.dataChanged.emit(ix, ix, [Qt.ItemDataRole.DecorationRole])

    # -- Qt model API -----------------------------------------------------------------------

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        card = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return card.name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{card.name} {format_yuan(card.price_fen)}"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._images.pixmap(card.image_hash, TILE_IMAGE_PX) if self._images else None
        if role == CardRole:
            return card
        if role == PriceTextRole:
            return format_yuan(card.price_fen)
        if role == SkuRole:
            return card.sku
        return None

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self._more and not self._asked

    def fetchMore(self, parent: Index) -> None:
        if self.canFetchMore(parent):
            self._asked = True
            self.more_wanted.emit(len(self._rows))


class CartModel(QAbstractListModel):
    """The cart's lines; edits go through this model so views stay in step."""

    def __init__(self, cart: Cart, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cart = cart

    @property
    def cart(self) -> Cart:
        """The cart behind the model."""
        return self._cart

    def add(self, card: ProductCard, qty: int = 1) -> None:
        """Add to the cart (a new row, or a changed quantity)."""
        row = self._cart.index_of(card.sku)
        if row >= 0:
            self._cart.add(card, qty)
            ix = self.index(row, 0)
            self.dataChanged.emit(ix, ix)
            return
        n = len(self._cart.lines)
        self.beginInsertRows(_ROOT, n, n)
        self._cart.add(card, qty)
        self.endInsertRows()

    def set_qty(self, row: int, qty: int) -> None:
        """Change a quantity."""
        self._cart.set_qty(row, qty)
        ix = self.index(row, 0)
        self.dataChanged.emit(ix, ix)

    def remove(self, row: int) -> None:
        """Remove a line."""
        self.beginRemoveRows(_ROOT, row, row)
        self._cart.remove(row)
        self.endRemoveRows()

    def clear(self) -> None:
        """Empty the cart."""
        self.beginResetModel()
        self._cart.clear()
        self.endResetModel()

    def line(self, row: int) -> CartLine:
        """The line at ``row``."""
        return self._cart.lines[row]

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._cart.lines)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        lines = self._cart.lines
        if not index.isValid() or not 0 <= index.row() < len(lines):
            return None
        line = lines[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return line.card.name
        if role == CardRole:
            return line.card
        if role == QtyRole:
            return line.qty
        if role == PriceTextRole:
            return format_yuan(line.card.price_fen)
        if role == LineTotalTextRole:
            return format_yuan(line.total_fen)
        if role == SkuRole:
            return line.card.sku
        return None


class VillagerOrdersModel(QAbstractListModel):
    """Orders found on "My orders", newest first, with statuses in plain words."""

    def __init__(self, chinese: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._orders: list[VillagerOrder] = []
        self._chinese = chinese

    def set_orders(self, orders: Sequence[VillagerOrder]) -> None:
        """Replace the list."""
        self.beginResetModel()
        self._orders = list(orders)
        self.endResetModel()

    def status_words(self, order: VillagerOrder) -> str:
        """The status in the screen's language (the one table: kiosk.ui.order_words),
        with the villager's next step where there is one."""
        words = status_words(order.status)
        if order.status is OrderStatus.REJECTED:
            words += QCoreApplication.translate(
                "VillagerOrdersModel",
                ": this order will not come. Please ask the shop owner: they can order something "
                "else for you and give back any money you paid.",
            )
        return words

    def rowCount(self, parent: Index = _ROOT) -> int:
        return 0 if parent.isValid() else len(self._orders)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._orders):
            return None
        order = self._orders[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            items = "、".join(f"{name} ×{qty}" for name, qty, _unit in order.items)
            when = order.created_at[:10]
            head = QCoreApplication.translate("VillagerOrdersModel", "Order %1 · %2 · %3")
            head = head.replace("%1", order.local_no).replace("%2", when)
            head = head.replace("%3", format_yuan(order.total_fen))
            return f"{head}\n{self.status_words(order)}\n{items}"
        if role == OrderRole:
            return order
        return None

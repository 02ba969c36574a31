"""Product detail: large picture, name, price in yuan, unit, availability, delivery estimate,
quantity stepper, add to cart / order now. Opening it records a product view."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.money import format_yuan
from kiosk.storage.browsing import ProductCard, record_product_view
from kiosk.storage.catalog import get_product
from kiosk.ui import theme
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import QuantityStepper, stock_words

DETAIL_IMAGE_PX = 440


@dataclass(frozen=True, slots=True)
class ProductDetail:
    """What the detail screen shows."""

    card: ProductCard
    description: str


class DetailScreen(QWidget):
    """One product, big.

    Signals:
        add_to_cart(object, int): the card and quantity to add.
        order_now(object, int): add, then go straight to checkout.
        shown(str): the product with this SKU is on screen.
    """

    add_to_cart = Signal(object, int)
    order_now = Signal(object, int)
    shown = Signal(str)

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._detail: ProductDetail | None = None
        self._seq = 0
        row = QHBoxLayout(self)
        row.setContentsMargins(32, 20, 32, 20)
        row.setSpacing(32)
        self.picture = QLabel(self)
        self.picture.setFixedSize(DETAIL_IMAGE_PX, DETAIL_IMAGE_PX)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.picture.setStyleSheet(f"background: {theme.PLACEHOLDER.name()}; border-radius: 12px;")
        row.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        col = QVBoxLayout()
        col.setSpacing(12)
        self.name = QLabel(self)
        self.name.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.name.setObjectName("title")
        self.name.setWordWrap(True)
        self.price = QLabel(self)
        self.price.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.price.setObjectName("price")
        self.stock = QLabel(self)
        self.stock.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.stock.setObjectName("ok")
        self.delivery = QLabel(self.tr("Usually arrives at this shop in 2–3 days"), self)
        self.description = QLabel(self)
        self.description.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.description.setObjectName("hint")
        self.description.setWordWrap(True)
        qty_row = QHBoxLayout()
        qty_row.addWidget(QLabel(self.tr("Quantity"), self))
        self.stepper = QuantityStepper(parent=self)
        qty_row.addWidget(self.stepper)
        qty_row.addStretch(1)
        buttons = QHBoxLayout()
        self.add_button = QPushButton(self.tr("Add to cart"), self)
        self.order_button = QPushButton(self.tr("Order now"), self)
        self.order_button.setObjectName("primary")
        for btn in (self.add_button, self.order_button):
            btn.setMinimumHeight(76)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.add_button.clicked.connect(lambda: self._emit(self.add_to_cart))
        self.order_button.clicked.connect(lambda: self._emit(self.order_now))
        buttons.addWidget(self.add_button, 1)
        buttons.addWidget(self.order_button, 1)
        for w in (self.name, self.price, self.stock, self.delivery, self.description):
            col.addWidget(w)
        col.addLayout(qty_row)
        col.addStretch(1)
        col.addLayout(buttons)
        row.addLayout(col, 1)
        services.images.ready.connect(self._image_ready)

    @property
    def detail(self) -> ProductDetail | None:
        """The product shown."""
        return self._detail

    def open(self, sku: str) -> None:
        """Load and show a product, and record the view."""
        self._seq += 1
        seq = self._seq
        store = self._services.store

        def load() -> ProductDetail | None:
            record_product_view(store, sku)
            with store.read() as s:
                p = get_product(s, sku)
                if p is None or not p.active:
                    return None
                card = ProductCard(
                    p.sku, p.name, p.price_fen, p.unit, p.category.name, p.image_hash, p.stock
                )
                return ProductDetail(card, p.description)

        self._services.runner.run(load, lambda d: self._show(seq, d))

    def _show(self, seq: int, detail: ProductDetail | None) -> None:
        if seq != self._seq:
            return
        self._detail = detail
        self.stepper.set_value(1)
        if detail is None:
            self.name.setText(self.tr("This product is no longer sold."))
            for w in (self.price, self.stock, self.description):
                w.clear()
            self.picture.clear()
            self.add_button.setEnabled(False)
            self.order_button.setEnabled(False)
            return
        card = detail.card
        self.name.setText(card.name)
        self.price.setText(
            f"{format_yuan(card.price_fen)} <span style='font-size:24px; color:#444;'>"
            f"/ {card.unit}</span>"
        )
        self.stock.setText(stock_words(card.stock))
        self.stock.setObjectName({"in_stock": "ok", "low": "warn"}.get(card.stock, "error"))
        self.stock.setStyleSheet("")  # re-polish for the new object name
        self.description.setText(detail.description)
        can_order = card.stock != "out_of_stock"
        self.add_button.setEnabled(can_order)
        self.order_button.setEnabled(can_order)
        self.picture.clear()
        self._set_picture()
        self.shown.emit(card.sku)

    def _set_picture(self) -> None:
        if self._detail is None:
            return
        pix = self._services.images.pixmap(self._detail.card.image_hash, DETAIL_IMAGE_PX)
        if pix is not None:
            self.picture.setPixmap(pix)

    def _image_ready(self, image_hash: str) -> None:
        if self._detail is not None and self._detail.card.image_hash == image_hash:
            self._set_picture()

    def _emit(self, signal: SignalInstance) -> None:
        if self._detail is not None:
            signal.emit(self._detail.card, self.stepper.value())

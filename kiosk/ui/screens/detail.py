"""Product detail: large picture, name, price in yuan, unit, availability, delivery estimate,
quantity stepper, add to cart / order now, and a way back to the list the villager came from.
Opening it records a product view.

A product that cannot be ordered shows its two buttons greyed out with the reason next to them;
adding to the cart says so on the screen (see ``docs/ui.md``).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSize, Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.money import format_yuan
from kiosk.storage.browsing import ProductCard, record_product_view
from kiosk.storage.catalog import get_product
from kiosk.ui import theme
from kiosk.ui.services import KioskServices
from kiosk.ui.speech import SpeakerButton
from kiosk.ui.widgets import QuantityStepper, restyle, stock_style, stock_words

#: The picture's side at 1366×768; it grows with the screen (up to DETAIL_IMAGE_MAX_PX) so a
#: 1920×1080 screen shows a bigger picture instead of an empty half.
DETAIL_IMAGE_PX = 440
DETAIL_IMAGE_MAX_PX = 760
#: How long "Added to the cart" stays on screen.
ADDED_NOTE_MS = 6000


@dataclass(frozen=True, slots=True)
class ProductDetail:
    """What the detail screen shows."""

    card: ProductCard
    description: str


class Picture(QLabel):
    """The product picture: square, as big as :meth:`set_side` asks when there is room, never
    smaller than ``DETAIL_IMAGE_PX`` and never what keeps the window from getting smaller."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._side = DETAIL_IMAGE_PX
        self.setMinimumSize(DETAIL_IMAGE_PX, DETAIL_IMAGE_PX)

    def set_side(self, side: int) -> None:
        """The side wanted now."""
        self._side = side
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        return QSize(self._side, self._side)

    def minimumSizeHint(self) -> QSize:
        return QSize(DETAIL_IMAGE_PX, DETAIL_IMAGE_PX)


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
    back = Signal()

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._detail: ProductDetail | None = None
        self._seq = 0
        self._image_px = DETAIL_IMAGE_PX
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 10, 32, 20)
        outer.setSpacing(8)
        self.back_button = QPushButton(self.tr("← Back to the list"), self)
        self.back_button.setObjectName("back")
        self.back_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.back_button.clicked.connect(self.back)
        outer.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignLeft)
        row = QHBoxLayout()
        row.setSpacing(32)
        outer.addLayout(row, 1)
        self.picture = Picture(self)
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
        self.speak_button = SpeakerButton(services.read_aloud, self)
        self.speak_button.clicked.connect(self.read_aloud)
        # The unit is data too: its own plain-text label, smaller, not markup inside the price.
        self.unit = QLabel(self)
        self.unit.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.unit.setStyleSheet("font-size: 24px; color: #444;")
        price_row = QHBoxLayout()
        price_row.addWidget(self.price)
        price_row.addWidget(self.unit, 0, Qt.AlignmentFlag.AlignBottom)
        price_row.addSpacing(24)
        price_row.addWidget(self.speak_button)
        price_row.addStretch(1)
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
        # Why the buttons are grey (out of stock), or what adding just did.
        self.why = QLabel(self)
        self.why.setObjectName("why")
        self.why.setWordWrap(True)
        self.why.hide()
        self.added = QLabel(self)
        self.added.setObjectName("added")
        self.added.setWordWrap(True)
        self.added.hide()
        self._added_timer = QTimer(self)
        self._added_timer.setSingleShot(True)
        self._added_timer.setInterval(ADDED_NOTE_MS)
        self._added_timer.timeout.connect(self.added.hide)
        col.addWidget(self.name)
        col.addLayout(price_row)
        for w in (self.stock, self.delivery, self.description):
            col.addWidget(w)
        col.addLayout(qty_row)
        col.addStretch(1)
        col.addWidget(self.added)
        col.addWidget(self.why)
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

    def set_back_text(self, text: str) -> None:
        """The words of the back button (where it leads)."""
        self.back_button.setText(text)

    def show_added(self, qty: int, cart_count: int) -> None:
        """Say on screen that ``qty`` pieces went into the cart, which now holds ``cart_count``."""
        text = self.tr("✓ Added %n to the cart.", "", qty)
        text += "\n" + self.tr(
            "The cart now has %n piece(s): tap Cart at the top to order.", "", cart_count
        )
        self.added.setText(text)
        self.added.show()
        self._added_timer.start()

    def _cannot_order(self, reason: str) -> None:
        self.add_button.setEnabled(False)
        self.order_button.setEnabled(False)
        self.why.setText(reason)
        self.why.setVisible(bool(reason))

    def _show(self, seq: int, detail: ProductDetail | None) -> None:
        if seq != self._seq:
            return
        self._detail = detail
        self.stepper.set_value(1)
        self.added.hide()
        if detail is None:
            self.name.setText(self.tr("This product is no longer sold."))
            for w in (self.price, self.stock, self.description):
                w.clear()
            self.picture.clear()
            self._cannot_order(self.tr("This product can no longer be ordered."))
            return
        card = detail.card
        self.name.setText(card.name)
        self.price.setText(format_yuan(card.price_fen))
        self.unit.setText(f"/ {card.unit}")
        self.stock.setText(stock_words(card.stock))
        restyle(self.stock, stock_style(card.stock))
        self.description.setText(detail.description)
        if card.stock == "out_of_stock":
            self._cannot_order(
                self.tr(
                    "Out of stock for now: it cannot be ordered. "
                    "Ask the shop owner when it comes back."
                )
            )
        else:
            self.add_button.setEnabled(True)
            self.order_button.setEnabled(True)
            self.why.hide()
        self.picture.clear()
        self._set_picture()
        self.shown.emit(card.sku)

    def read_aloud(self) -> None:
        """Read the product's name, price and unit aloud ("…十公斤，五十九块九一袋")."""
        if self._detail is not None and self._services.read_aloud is not None:
            card = self._detail.card
            self._services.read_aloud.say_product(card.name, card.price_fen, card.unit)

    def resizeEvent(self, event: QResizeEvent) -> None:
        # The picture takes the height the screen has (less the back button and margins), at
        # most half the width, so a big screen shows it bigger rather than leaving a gap.
        side = min(self.height() - 110, self.width() // 2, DETAIL_IMAGE_MAX_PX)
        side = max(DETAIL_IMAGE_PX, side - side % 40)  # in steps: fewer decodes while resizing
        if side != self._image_px:
            self._image_px = side
            self.picture.set_side(side)
            self._set_picture()
        super().resizeEvent(event)

    def _set_picture(self) -> None:
        if self._detail is None:
            return
        # Fill the frame: on a 1920×1080 screen the frame is bigger than most catalog pictures.
        side = self._image_px - 40
        pix = self._services.images.pixmap(self._detail.card.image_hash, side, fill=True)
        if pix is not None:
            self.picture.setPixmap(pix)

    def _image_ready(self, image_hash: str) -> None:
        if self._detail is not None and self._detail.card.image_hash == image_hash:
            self._set_picture()

    def _emit(self, signal: SignalInstance) -> None:
        if self._detail is not None:
            signal.emit(self._detail.card, self.stepper.value())

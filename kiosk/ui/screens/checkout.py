"""Cart and checkout: quantities, remove, total; the villager's name and mobile number (digits on
an on-screen keypad); payment choice; confirm.

Confirm places the order on the background runner; the confirmation screen is only shown after
``place_order`` returned — i.e. after the local COMMIT — and the order was read back.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFontMetrics, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kiosk.customers import Customer, normalize_name
from kiosk.errors import InvalidInput, KioskError
from kiosk.money import format_yuan
from kiosk.orders import LineRequest, Payment
from kiosk.storage.diskspace import is_disk_full
from kiosk.storage.orders import OrderView, PlacedOrder, get_order, place_order
from kiosk.storage.store import KioskStore
from kiosk.ui import theme
from kiosk.ui.errors import error_words
from kiosk.ui.models import CartModel
from kiosk.ui.phone_words import phone_problem
from kiosk.ui.services import KioskServices
from kiosk.ui.speech import SpeakerButton
from kiosk.ui.widgets import Keypad, QuantityStepper, clear_layout


@dataclass(frozen=True, slots=True)
class Receipt:
    """A committed order as read back from the store, plus its one-time pickup code."""

    placed: PlacedOrder
    order: OrderView


def place_and_read_back(
    store: KioskStore, customer: Customer, lines: list[LineRequest], payment: Payment
) -> Receipt:
    """Place the order (returns after COMMIT) and read it back (runs on a worker)."""
    placed = place_order(store, customer, lines, payment, actor="villager")
    with store.read() as s:
        return Receipt(placed, get_order(s, placed.order_id))


class CartLineRow(QFrame):
    """One cart line with − qty + and Remove.

    Kept compact (thin margins, the name one size below the prices) so three lines show whole on
    a 1366×768 screen: a row cut at the list's edge looks broken to a villager.
    """

    def __init__(
        self, model: CartModel, row: int, total_width: int, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        line = model.line(row)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        col = QVBoxLayout(self)
        col.setContentsMargins(10, 4, 10, 4)
        col.setSpacing(0)
        name = QLabel(line.card.name, self)
        name.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        # Bold and large enough to read from a metre away, below the prices' size.
        name.setFont(theme.font(theme.BASE_PX + 4, bold=True))
        col.addWidget(name)
        lay = QHBoxLayout()
        lay.setSpacing(16)
        col.addLayout(lay)
        price = QLabel(f"{format_yuan(line.card.price_fen)}/{line.card.unit}", self)
        price.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.stepper = QuantityStepper(line.qty, parent=self)
        self.stepper.set_value(line.qty)
        self.stepper.value_changed.connect(lambda q: model.set_qty(row, q))
        total = QLabel(format_yuan(line.total_fen), self)
        total.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        total.setObjectName("total")
        # One width for every row (wide enough for the largest line total a cart allows), so
        # the steppers, totals and Remove buttons line up whatever the prices.
        total.setFixedWidth(total_width)
        total.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.total = total
        self.remove = QPushButton(self.tr("Remove"), self)
        self.remove.setObjectName(f"remove_{row}")
        self.remove.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        lay.addWidget(price, 1)
        lay.addWidget(self.stepper)
        lay.addWidget(total)
        lay.addSpacing(12)  # the total never touches Remove
        lay.addWidget(self.remove)


class CheckoutScreen(QWidget):
    """The cart and the checkout form side by side.

    Signals:
        placed(object): a :class:`Receipt` — emitted only after the order was committed.
        browse_more(): the villager wants to keep shopping.
    """

    placed = Signal(object)
    browse_more = Signal()

    def __init__(
        self, services: KioskServices, cart: CartModel, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.cart = cart
        self._placing = False
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 14, 24, 14)
        row.setSpacing(28)

        left = QVBoxLayout()
        left.setSpacing(10)
        title = QLabel(self.tr("Your cart"), self)
        title.setObjectName("title")
        left.addWidget(title)
        self.lines_box = QWidget(self)
        self.lines_layout = QVBoxLayout(self.lines_box)
        self.lines_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.lines_box)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        left.addWidget(scroll, 1)
        self.empty_label = QLabel(self.tr("The cart is empty."), self)
        self.empty_label.setObjectName("hint")
        left.addWidget(self.empty_label)
        # "Keep shopping" shares the total's row: the height goes to the cart lines instead.
        total_row = QHBoxLayout()
        self.total = QLabel(self)
        self.total.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.total.setObjectName("price")
        total_row.addWidget(self.total, 1)
        self.speak_button = SpeakerButton(services.read_aloud, self)
        self.speak_button.clicked.connect(self.read_total)
        total_row.addWidget(self.speak_button)
        self.more_button = QPushButton(self.tr("Keep shopping"), self)
        self.more_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.more_button.clicked.connect(self.browse_more)
        total_row.addWidget(self.more_button)
        left.addLayout(total_row)
        # Under the total: how to pay, then Place order, the last step's decisions together
        # (on the right, under the keypad, they pushed the screen past 768 px).
        pay_row = QHBoxLayout()
        pay_row.addWidget(QLabel(self.tr("How will you pay?"), self))
        self.pay_group = QButtonGroup(self)
        self.pay_cash = QPushButton(self.tr("Cash to the shop now"), self)
        self.pay_later = QPushButton(self.tr("Pay when you pick up"), self)
        for btn in (self.pay_cash, self.pay_later):
            btn.setCheckable(True)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.pay_group.addButton(btn)
            pay_row.addWidget(btn, 1)
        # Paying at pickup is the default: no money changes hands before the parcel exists.
        self.pay_later.setChecked(True)
        left.addLayout(pay_row)
        self.confirm = QPushButton(self.tr("Place order"), self)
        self.confirm.setObjectName("primary")
        self.confirm.setMinimumHeight(80)
        self.confirm.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.confirm.clicked.connect(self.submit)
        left.addWidget(self.confirm)
        # Why Place order is grey, in words (an empty cart).
        self.why = QLabel(self.tr("Choose a product first: the cart is empty."), self)
        self.why.setObjectName("why")
        self.why.setWordWrap(True)
        left.addWidget(self.why)
        row.addLayout(left, 3)

        right = QVBoxLayout()
        right.setSpacing(10)
        form = QGridLayout()
        form.addWidget(QLabel(self.tr("Your name"), self), 0, 0)
        self.name_field = QLineEdit(self)
        self.name_field.setMaxLength(40)
        self.name_field.setPlaceholderText(self.tr("e.g. 王秀英"))
        form.addWidget(self.name_field, 0, 1)
        form.addWidget(QLabel(self.tr("Mobile number"), self), 1, 0)
        self.phone_field = QLineEdit(self)
        self.phone_field.setMaxLength(11)
        self.phone_field.setValidator(QRegularExpressionValidator(r"\d{0,11}", self.phone_field))
        self.phone_field.setPlaceholderText(self.tr("11 digits"))
        form.addWidget(self.phone_field, 1, 1)
        right.addLayout(form)
        self.keypad = Keypad(self)
        self.keypad.set_target(self.phone_field)
        right.addWidget(self.keypad)
        self.error = QLabel(self)
        self.error.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        right.addWidget(self.error)
        right.addStretch(1)
        row.addLayout(right, 2)

        # Tapping the phone field sends the keypad there; the name field uses the system IME.
        self.phone_field.installEventFilter(self)
        for sig in (cart.modelReset, cart.rowsInserted, cart.rowsRemoved, cart.dataChanged):
            sig.connect(self._rebuild)
        self._rebuild()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if obj is self.phone_field and event.type() == QEvent.Type.FocusIn:
            self.keypad.set_target(self.phone_field)
        return False

    def _total_width(self) -> int:
        """Width of the line-total column: the widest total in the cart, at least ¥9,999.00."""
        metrics = QFontMetrics(theme.font(theme.PRICE_PX, bold=True))
        widest = max(
            [metrics.horizontalAdvance(format_yuan(999_900))]
            + [metrics.horizontalAdvance(format_yuan(ln.total_fen)) for ln in self.cart.cart.lines]
        )
        return widest + 12

    def _rebuild(self, *_args: object) -> None:
        clear_layout(self.lines_layout)
        total_width = self._total_width()
        for r in range(self.cart.rowCount()):
            line_row = CartLineRow(self.cart, r, total_width, self.lines_box)
            line_row.remove.clicked.connect(lambda _=False, i=r: self._remove(i))
            self.lines_layout.addWidget(line_row)
        self.lines_layout.addStretch(1)
        empty = self.cart.cart.is_empty()
        self.empty_label.setVisible(empty)
        self.total.setText(
            self.tr("Total: %1").replace("%1", format_yuan(self.cart.cart.total_fen))
        )
        self.confirm.setEnabled(not empty and not self._placing)
        self.why.setVisible(empty)

    def read_total(self) -> None:
        """Read the cart's total aloud ("一共三件，一百二十块五")."""
        cart = self.cart.cart
        if self._services.read_aloud is not None and not cart.is_empty():
            self._services.read_aloud.say_cart_total(cart.total_fen, cart.item_count)

    def _remove(self, row: int) -> None:
        name = self.cart.line(row).card.name
        question = self.tr("Remove %1 from the cart?").replace("%1", name)
        if self._services.asker.ask(self, question, self.tr("Remove"), self.tr("Keep")):
            self.cart.remove(row)

    def payment(self) -> Payment:
        """The chosen payment."""
        return Payment.CASH if self.pay_cash.isChecked() else Payment.ON_PICKUP

    def validate(self) -> Customer | None:
        """Check the form; show a plain-words message and return ``None`` when something is off."""
        if self.cart.cart.is_empty():
            self.error.setText(self.tr("The cart is empty. Please choose a product first."))
            return None
        try:
            name = normalize_name(self.name_field.text())
        except InvalidInput:
            self.error.setText(self.tr("Please enter your name."))
            self.name_field.setFocus()
            return None
        problem = phone_problem(self.phone_field.text())
        if problem is not None:
            self.error.setText(problem)
            self.keypad.set_target(self.phone_field)
            return None
        self.error.clear()
        return Customer.of(name, self.phone_field.text())

    def submit(self) -> None:
        """Validate and place the order in the background."""
        if self._placing:
            return
        customer = self.validate()
        if customer is None:
            return
        self._placing = True
        self.confirm.setEnabled(False)
        self.confirm.setText(self.tr("Saving your order…"))
        store, lines, payment = self._services.store, self.cart.cart.line_requests(), self.payment()
        self._services.write(
            "order_placed",
            lambda: place_and_read_back(store, customer, lines, payment),
            self._done,
            self._failed,
        )

    def _done(self, receipt: Receipt) -> None:
        self._placing = False
        self.confirm.setText(self.tr("Place order"))
        self.clear_customer()
        self.cart.clear()
        self.placed.emit(receipt)

    def _failed(self, exc: BaseException) -> None:
        self._placing = False
        self.confirm.setText(self.tr("Place order"))
        self.confirm.setEnabled(not self.cart.cart.is_empty())
        if is_disk_full(exc):  # the shop can act on this one: say it plainly
            self.error.setText(error_words(exc))
            return
        detail = error_words(exc) if isinstance(exc, KioskError) else type(exc).__name__
        self.error.setText(
            self.tr("The order was not placed. Please ask the shop owner. (%1)").replace(
                "%1", detail
            )
        )

    def clear_customer(self) -> None:
        """Forget the name, phone, payment choice and messages."""
        self.name_field.clear()
        self.phone_field.clear()
        self.pay_later.setChecked(True)
        self.error.clear()
        self.keypad.set_target(self.phone_field)

    def begin(self) -> None:
        """Arrive on the screen: the name field takes the keyboard."""
        self.error.clear()
        self.name_field.setFocus()

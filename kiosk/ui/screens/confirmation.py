"""Confirmation: shown only after the order was committed. The pickup code, large; the local
order number; what happens next; and a printable pickup slip."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kiosk.money import format_yuan
from kiosk.orders import Payment
from kiosk.ui.screens.checkout import Receipt
from kiosk.ui.services import KioskServices
from kiosk.ui.slip import SlipContent, print_slip
from kiosk.ui.speech import SpeakerButton


class ConfirmationScreen(QWidget):
    """The "done, here is your pickup code" screen.

    Signals:
        done(): the villager is finished (back to home, everything cleared).
        printed(bool): a slip was printed (True) or no printer was available (False).
    """

    done = Signal()
    printed = Signal(bool)

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._receipt: Receipt | None = None
        col = QVBoxLayout(self)
        col.setContentsMargins(40, 20, 40, 20)
        col.setSpacing(10)
        self.heading = QLabel(self.tr("Your order is placed. It is saved in this shop."), self)
        self.heading.setObjectName("title")
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.heading.setWordWrap(True)
        col.addWidget(self.heading)
        code_title = QLabel(self.tr("Your pickup code"), self)
        code_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        col.addWidget(code_title)
        self.code = QLabel(self)
        self.code.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.code.setObjectName("code")
        self.code.setAlignment(Qt.AlignmentFlag.AlignCenter)
        code_row = QHBoxLayout()
        code_row.addStretch(1)
        code_row.addWidget(self.code)
        self.speak_button = SpeakerButton(services.read_aloud, self)
        self.speak_button.clicked.connect(self.read_code)
        code_row.addWidget(self.speak_button, 0, Qt.AlignmentFlag.AlignVCenter)
        code_row.addStretch(1)
        col.addLayout(code_row)
        self.number = QLabel(self)
        self.number.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.number.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.number.setObjectName("title")
        col.addWidget(self.number)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.summary.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.summary.setWordWrap(True)
        col.addWidget(self.summary)
        self.next_steps = QLabel(self)
        self.next_steps.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.next_steps.setWordWrap(True)
        self.next_steps.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.next_steps.setObjectName("hint")
        col.addWidget(self.next_steps)
        self.print_status = QLabel(self)
        self.print_status.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.print_status.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.print_status.setObjectName("warn")
        col.addWidget(self.print_status)
        col.addStretch(1)
        buttons = QHBoxLayout()
        self.print_button = QPushButton(self.tr("Print pickup slip"), self)
        self.done_button = QPushButton(self.tr("Done"), self)
        self.done_button.setObjectName("primary")
        for btn in (self.print_button, self.done_button):
            btn.setMinimumHeight(80)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.print_button.clicked.connect(self.print_slip)
        self.done_button.clicked.connect(self.done)
        buttons.addWidget(self.print_button, 1)
        buttons.addWidget(self.done_button, 1)
        col.addLayout(buttons)

    @property
    def receipt(self) -> Receipt | None:
        """The order shown."""
        return self._receipt

    def payment_words(self, payment: Payment) -> str:
        """How the villager pays, in plain words."""
        if payment == Payment.CASH:
            return self.tr("Paid in cash to the shop")
        return self.tr("Pay when you pick up")

    def show_receipt(self, receipt: Receipt) -> None:
        """Show a committed order."""
        self._receipt = receipt
        code = receipt.placed.pickup_code
        self.code.setText(f"{code[:3]} {code[3:]}")
        self.number.setText(self.tr("Order number %1").replace("%1", receipt.order.local_no))
        self.summary.setText(
            self.tr("%n item(s) · total %1 · %2", "", sum(ln.qty for ln in receipt.order.lines))
            .replace("%1", format_yuan(receipt.order.total_fen))
            .replace("%2", self.payment_words(receipt.order.payment))
        )
        self.next_steps.setText(
            self.tr(
                "What happens next: the shop sends your order to the platform (even if the "
                "internet is down now, it is sent later). When your parcel arrives, the shop "
                "tells you. Bring this code to pick it up."
            )
        )
        self.print_status.clear()
        voice = self._services.read_aloud
        if voice is not None and voice.enabled and voice.settings.auto_pickup_code:
            self.read_code()

    def read_code(self) -> None:
        """Read the pickup code aloud, digit by digit, twice, slowly."""
        if self._receipt is not None and self._services.read_aloud is not None:
            self._services.read_aloud.say_pickup_code(self._receipt.placed.pickup_code)

    def slip(self) -> SlipContent | None:
        """The pickup slip of the order shown."""
        if self._receipt is None:
            return None
        order = self._receipt.order
        try:
            placed_at = datetime.fromisoformat(order.created_at).astimezone()
            when = placed_at.strftime("%Y-%m-%d %H:%M")
        except ValueError:
            when = order.created_at[:16]
        return SlipContent(
            center_name=self._services.center_name,
            local_no=order.local_no,
            pickup_code=self._receipt.placed.pickup_code,
            placed_at=when,
            phone_masked=order.customer_phone_masked,
            payment_words=self.payment_words(order.payment),
            lines=tuple((ln.name, ln.qty, ln.unit, ln.line_total_fen) for ln in order.lines),
            total_fen=order.total_fen,
            practice=self._services.practice,
        )

    def print_slip(self) -> None:
        """Print the pickup slip on the shop's printer."""
        slip = self.slip()
        if slip is None:
            return
        printer = self._services.slip_printer()
        if printer is None:
            self.print_status.setText(
                self.tr("No printer is connected. Please write the code down.")
            )
            self.printed.emit(False)
            return
        print_slip(printer, slip)
        self.print_status.setText(self.tr("The slip is printing."))
        self.printed.emit(True)

    def clear(self) -> None:
        """Forget the order and its code (leaving the screen, idle timeout)."""
        self._receipt = None
        for label in (self.code, self.number, self.summary, self.next_steps, self.print_status):
            label.clear()

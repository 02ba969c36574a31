"""My orders: a villager types their mobile number and a pickup code and sees their orders.

The privacy rule is in :mod:`kiosk.storage.lookup`. On this shared screen wrong attempts are
slowed down: after :data:`MAX_TRIES` misses the form locks for :data:`LOCK_MS`. Once the phone
number has its 11 digits the keypad moves on to the pickup code by itself.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.customers import mask_phone, normalize_phone
from kiosk.storage.lookup import VillagerOrder, find_villager_orders
from kiosk.ui.models import VillagerOrdersModel
from kiosk.ui.phone_words import phone_problem
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import Keypad

MAX_TRIES = 5
LOCK_MS = 60_000


class MyOrdersScreen(QWidget):
    """Find my orders by phone number and pickup code.

    Signals:
        looked_up(bool): a lookup finished; True when orders were found.
    """

    looked_up = Signal(bool)

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services
        self._misses = 0
        row = QHBoxLayout(self)
        row.setContentsMargins(24, 14, 24, 14)
        row.setSpacing(28)
        left = QVBoxLayout()
        title = QLabel(self.tr("My orders"), self)
        title.setObjectName("title")
        left.addWidget(title)
        form = QGridLayout()
        form.addWidget(QLabel(self.tr("Mobile number"), self), 0, 0)
        self.phone_field = QLineEdit(self)
        self.phone_field.setMaxLength(11)
        self.phone_field.setValidator(QRegularExpressionValidator(r"\d{0,11}", self.phone_field))
        form.addWidget(self.phone_field, 0, 1)
        form.addWidget(QLabel(self.tr("Pickup code"), self), 1, 0)
        self.code_field = QLineEdit(self)
        self.code_field.setMaxLength(6)
        self.code_field.setValidator(QRegularExpressionValidator(r"\d{0,6}", self.code_field))
        form.addWidget(self.code_field, 1, 1)
        left.addLayout(form)
        self.keypad = Keypad(self)
        self.keypad.set_target(self.phone_field)
        left.addWidget(self.keypad)
        self.phone_field.textChanged.connect(self._phone_typed)
        self.find_button = QPushButton(self.tr("Show my orders"), self)
        self.find_button.setObjectName("primary")
        self.find_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.find_button.clicked.connect(self.look_up)
        left.addWidget(self.find_button)
        left.addStretch(1)
        row.addLayout(left, 2)
        right = QVBoxLayout()
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.message.setWordWrap(True)
        self.message.setObjectName("title")
        right.addWidget(self.message)
        self._hint = self.tr("Enter your mobile number and the pickup code of one of your orders.")
        self.message.setText(self._hint)
        self.model = VillagerOrdersModel(services.chinese, self)
        self.list = QListView(self)
        self.list.setObjectName("orders")
        self.list.setModel(self.model)
        self.list.setWordWrap(True)
        self.list.setSpacing(8)
        self.list.setSelectionMode(QListView.SelectionMode.NoSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        right.addWidget(self.list, 1)
        row.addLayout(right, 3)
        for field in (self.phone_field, self.code_field):
            field.installEventFilter(self)
        self._unlock = QTimer(self)
        self._unlock.setSingleShot(True)
        self._unlock.timeout.connect(self._unlocked)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(obj, QLineEdit):
            self.keypad.set_target(obj)
        return False

    def _phone_typed(self, text: str) -> None:
        # A full number moves the keypad (and the cursor) on to the code, so the next digits
        # typed are the code's instead of being dropped by the full phone field.
        if len(text) == self.phone_field.maxLength() and self.keypad.target() is self.phone_field:
            self.keypad.set_target(self.code_field)
            self.code_field.setFocus()

    def begin(self) -> None:
        """Arrive on the screen."""
        self.keypad.set_target(self.phone_field)
        self.phone_field.setFocus()

    def look_up(self) -> None:
        """Look the orders up in the background."""
        phone_text, code = self.phone_field.text(), self.code_field.text()
        problem = phone_problem(phone_text)
        if problem is not None:
            self.message.setText(problem)
            self.keypad.set_target(self.phone_field)
            self.phone_field.setFocus()
            return
        phone = normalize_phone(phone_text)
        if len(code) != 6:
            self.message.setText(self.tr("The pickup code has 6 digits."))
            self.keypad.set_target(self.code_field)
            return
        self.find_button.setEnabled(False)
        store = self._services.store

        def run() -> list[VillagerOrder] | None:
            with store.read() as s:
                return find_villager_orders(s, phone, code)

        self._services.runner.run(run, lambda found: self._show(phone, found))

    def _show(self, phone: str, found: list[VillagerOrder] | None) -> None:
        self.code_field.clear()
        if found is None:
            self._misses += 1
            self.model.set_orders([])
            if self._misses >= MAX_TRIES:
                self.message.setText(self.tr("Too many tries. Please wait a minute."))
                self._unlock.start(LOCK_MS)
            else:
                self.find_button.setEnabled(True)
                self.message.setText(
                    self.tr("No orders found for this number and code. Please check them.")
                )
            self.looked_up.emit(False)
            return
        self._misses = 0
        self.find_button.setEnabled(True)
        self.phone_field.clear()
        self.message.setText(
            self.tr("%n order(s) for %1", "", len(found)).replace("%1", mask_phone(phone))
        )
        self.model.set_orders(found)
        self.looked_up.emit(True)

    def _unlocked(self) -> None:
        self._misses = 0
        self.find_button.setEnabled(True)
        self.message.setText(self._hint)

    def reset(self) -> None:
        """Forget everything typed and shown (idle timeout). The lock, if any, stays."""
        self.phone_field.clear()
        self.code_field.clear()
        self.model.set_orders([])
        if not self._unlock.isActive():
            self.message.setText(self._hint)

"""The PIN screen: the only way from villager mode into owner or technician mode.

The PIN is checked off the GUI thread by :func:`kiosk.storage.admin.verify_pin` (Argon2id takes
tens of milliseconds), which also keeps the persisted back-off: after three wrong tries the kiosk
makes people wait 30 s, then 60 s, 120 s … and that wait survives a restart.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin import PIN_MAX_DIGITS, Clock, Role, system_clock
from kiosk.storage.admin import PinCheck, verify_pin
from kiosk.ui import theme
from kiosk.ui.errors import error_words
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import Keypad


def wait_seconds(seconds: float) -> int:
    """A wait rounded for people: whole seconds under 90 s, else whole minutes (rounded up)."""
    s = max(1, round(seconds))
    return s if s < 90 else (s + 59) // 60


class PinScreen(QWidget):
    """Choose owner or technician, type the PIN on the keypad, unlock.

    Signals:
        unlocked(str): the PIN was right; the role's value (``owner`` / ``technician``).
        cancelled(): "Back to the shop" was pressed.
        checked(bool): a PIN try finished (True: right), for tests and the session log.
    """

    unlocked = Signal(str)
    cancelled = Signal()
    checked = Signal(bool)

    def __init__(
        self,
        services: KioskServices,
        *,
        clock: Clock = system_clock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.clock = clock
        self._busy = False
        self._wait_left = 0
        row = QHBoxLayout(self)
        row.setContentsMargins(40, 24, 40, 24)
        row.setSpacing(40)

        left = QVBoxLayout()
        title = QLabel(self.tr("Shop owner or technician"), self)
        title.setObjectName("title")
        left.addWidget(title)
        left.addWidget(QLabel(self.tr("Who are you?"), self))
        roles = QHBoxLayout()
        self.owner_button = QPushButton(self.tr("Shop owner"), self)
        self.tech_button = QPushButton(self.tr("Technician"), self)
        self._group = QButtonGroup(self)
        for btn in (self.owner_button, self.tech_button):
            btn.setCheckable(True)
            btn.setMinimumHeight(theme.TOUCH_PX + 8)
            btn.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self._group.addButton(btn)
            roles.addWidget(btn)
        self.owner_button.setChecked(True)
        left.addLayout(roles)
        left.addWidget(QLabel(self.tr("PIN"), self))
        self.pin_field = QLineEdit(self)
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.setMaxLength(PIN_MAX_DIGITS)
        self.pin_field.setValidator(QRegularExpressionValidator(r"\d{0,12}", self.pin_field))
        self.pin_field.setFont(theme.font(theme.TITLE_PX, bold=True))
        self.pin_field.returnPressed.connect(self.submit)
        left.addWidget(self.pin_field)
        self.message = QLabel(self)
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(64)
        left.addWidget(self.message)
        buttons = QHBoxLayout()
        self.back_button = QPushButton(self.tr("Back to the shop"), self)
        self.unlock_button = QPushButton(self.tr("Unlock"), self)
        self.unlock_button.setObjectName("primary")
        self.back_button.clicked.connect(self.cancelled)
        self.unlock_button.clicked.connect(self.submit)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.unlock_button, 1)
        left.addLayout(buttons)
        left.addStretch(1)
        row.addLayout(left, 3)

        self.keypad = Keypad(self)
        self.keypad.set_target(self.pin_field)
        right = QVBoxLayout()
        right.addStretch(1)
        right.addWidget(self.keypad)
        right.addStretch(1)
        row.addLayout(right, 2)

        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)

    def role(self) -> Role:
        """The role being unlocked."""
        return Role.TECHNICIAN if self.tech_button.isChecked() else Role.OWNER

    def begin(self, role: Role = Role.OWNER) -> None:
        """Show a clean form for ``role``."""
        (self.tech_button if role is Role.TECHNICIAN else self.owner_button).setChecked(True)
        self.pin_field.clear()
        if self._wait_left <= 0:
            self.message.clear()
        self.pin_field.setFocus()

    def submit(self) -> None:
        """Check the typed PIN (off the GUI thread)."""
        if self._busy or self._wait_left > 0:
            return
        pin = self.pin_field.text()
        if not pin:
            self.message.setText(self.tr("Type the PIN first."))
            return
        role = self.role()
        store, clock = self._services.store, self.clock
        self._busy = True
        self.unlock_button.setEnabled(False)
        self._services.runner.run(
            lambda: verify_pin(store, role, pin, clock=clock),
            lambda check: self._checked(role, check),
            self._failed,
        )

    def _checked(self, role: Role, check: PinCheck) -> None:
        self._busy = False
        self.pin_field.clear()
        self.unlock_button.setEnabled(True)
        if not check.configured:
            # Never unlock a role that has no PIN: the first-run wizard must set it.
            self.message.setText(
                self.tr("No PIN is set for this role yet. The technician sets it at first run.")
            )
            self.checked.emit(False)
            return
        if check.ok:
            self.message.clear()
            self.checked.emit(True)
            self.unlocked.emit(role.value)
            return
        if check.wait_s > 0:
            self._start_wait(check.wait_s)
        else:
            self.message.setText(self.tr("Wrong PIN. Try again."))
        self.checked.emit(False)

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self.unlock_button.setEnabled(True)
        self.message.setText(self.tr("Could not check the PIN: %1").replace("%1", error_words(exc)))
        self.checked.emit(False)

    def _start_wait(self, seconds: float) -> None:
        self._wait_left = max(1, round(seconds))
        self.unlock_button.setEnabled(False)
        self._show_wait()
        self._countdown.start()

    def wait_text(self, seconds: float) -> str:
        """A wait in plain words, translated."""
        n = wait_seconds(seconds)
        if max(1, round(seconds)) < 90:
            return self.tr("%n second(s)", "", n)
        return self.tr("%n minute(s)", "", n)

    def _show_wait(self) -> None:
        self.message.setText(
            self.tr("Wrong PIN too many times. Wait %1, then try again.").replace(
                "%1", self.wait_text(self._wait_left)
            )
        )

    def _tick(self) -> None:
        # Display only: the store refuses early tries anyway (the wait is kept there).
        self._wait_left -= 1
        if self._wait_left <= 0:
            self._countdown.stop()
            self.unlock_button.setEnabled(True)
            self.message.setText(self.tr("You can try again now."))
        else:
            self._show_wait()

    @property
    def waiting(self) -> bool:
        """True while the screen is counting down a back-off."""
        return self._wait_left > 0

"""The PIN screen: the only way from villager mode into owner or technician mode; and the form
that changes a PIN, on the same keypad.

The PIN is checked off the GUI thread by :func:`kiosk.storage.admin.verify_pin` (Argon2id takes
tens of milliseconds), which also keeps the persisted back-off: after three wrong tries the kiosk
makes people wait 30 s, then 60 s, 120 s … and that wait survives a restart. Changing a PIN
(:class:`PinChangeForm`) tries the current PIN through the same back-off.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin import PIN_MAX_DIGITS, Clock, Role, check_pin_rules, system_clock
from kiosk.errors import InvalidInput
from kiosk.storage.admin import PinCheck, change_pin, reset_pin, verify_pin
from kiosk.ui import theme
from kiosk.ui.errors import error_words
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import Keypad
from kiosk.waits import rounded_wait, whole_seconds


def pin_field(parent: QWidget) -> QLineEdit:
    """A PIN field of the PIN screens: masked, digits only, big type, at most 12 digits."""
    field = QLineEdit(parent)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setMaxLength(PIN_MAX_DIGITS)
    field.setValidator(QRegularExpressionValidator(rf"\d{{0,{PIN_MAX_DIGITS}}}", field))
    field.setFont(theme.font(theme.TITLE_PX, bold=True))
    return field


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
        self.pin_field = pin_field(self)
        self.pin_field.returnPressed.connect(self.submit)
        left.addWidget(self.pin_field)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
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
        self._wait_left = whole_seconds(seconds)
        self.unlock_button.setEnabled(False)
        self._show_wait()
        self._countdown.start()

    def wait_text(self, seconds: float) -> str:
        """A wait in plain words, translated (rounded by :func:`kiosk.waits.rounded_wait`)."""
        w = rounded_wait(seconds)
        if w.in_minutes:
            return self.tr("%n minute(s)", "", w.amount)
        return self.tr("%n second(s)", "", w.amount)

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


class PinChangeForm(QWidget):
    """Change one's own PIN (current, new, new again) or, for the technician only, reset the
    owner's PIN (new, new again); typed on the PIN screen's keypad.

    The keypad types into the field that has the focus. A wrong current PIN counts toward the
    role's back-off, the same one the PIN screen keeps; during a back-off the form counts down
    and the store refuses early tries anyway.

    Signals:
        changed(str): the PIN was changed or reset; the outcome in plain words.
        back(): "Back" was pressed.
        checked(bool): a save finished (True: the PIN was changed), for tests.
    """

    changed = Signal(str)
    back = Signal()
    checked = Signal(bool)

    def __init__(
        self,
        services: KioskServices,
        *,
        clock: Clock = system_clock,
        with_back: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._services = services
        self.clock = clock
        self.role = Role.OWNER
        #: Who resets ``role``'s PIN; ``None``: the role changes its own PIN.
        self.resetting_as: Role | None = None
        self._busy = False
        self._wait_left = 0
        row = self.columns = QHBoxLayout(self)
        row.setContentsMargins(28, 14, 28, 14)
        row.setSpacing(40)

        left = QVBoxLayout()
        left.setSpacing(10)  # the form must fit a 1366×768 screen inside the technician's tab
        self.title = QLabel(self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.title.setObjectName("title")
        left.addWidget(self.title)
        self.hint = QLabel(self)
        self.hint.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        left.addWidget(self.hint)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(10)
        self.current_label = QLabel(self.tr("Current PIN"), self)
        self.new_label = QLabel(self.tr("New PIN"), self)
        self.again_label = QLabel(self.tr("New PIN again"), self)
        self.current_field = pin_field(self)
        self.new_field = pin_field(self)
        self.again_field = pin_field(self)
        for i, (label, field) in enumerate(
            (
                (self.current_label, self.current_field),
                (self.new_label, self.new_field),
                (self.again_label, self.again_field),
            )
        ):
            grid.addWidget(label, i, 0)
            grid.addWidget(field, i, 1)
            field.installEventFilter(self)
        grid.setColumnStretch(1, 1)
        left.addLayout(grid)
        self.current_field.returnPressed.connect(self.new_field.setFocus)
        self.new_field.returnPressed.connect(self.again_field.setFocus)
        self.again_field.returnPressed.connect(self.submit)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.message.setObjectName("error")
        self.message.setWordWrap(True)
        self.message.setMinimumHeight(48)
        left.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.setSpacing(20)
        self.back_button = QPushButton(self.tr("Back"), self)
        self.back_button.clicked.connect(self.back)
        self.back_button.setVisible(with_back)
        self.save_button = QPushButton(self.tr("Save the new PIN"), self)
        self.save_button.setObjectName("primary")
        self.save_button.clicked.connect(self.submit)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.save_button, 1)
        left.addLayout(buttons)
        left.addStretch(1)
        row.addLayout(left, 3)

        self.keypad = Keypad(self)
        right = QVBoxLayout()
        right.addStretch(1)
        right.addWidget(self.keypad)
        right.addStretch(1)
        row.addLayout(right, 2)

        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
        self.begin_change(Role.OWNER)

    # -- modes ----------------------------------------------------------------------------------

    def begin_change(self, role: Role) -> None:
        """A clean form for ``role`` to change its own PIN (the current one is asked)."""
        self.role, self.resetting_as = role, None
        if role is Role.TECHNICIAN:
            self.title.setText(self.tr("Change the technician's PIN"))
        else:
            self.title.setText(self.tr("Change my PIN"))
        self.hint.setText(
            self.tr("Type the current PIN, then the new one twice. %1").replace(
                "%1", self.rules_text(compared=role is not Role.OWNER)
            )
        )
        self._clean(show_current=True)

    def begin_reset(self, role: Role, actor: Role) -> None:
        """A clean form for ``actor`` to give ``role`` a new PIN without the old one.

        Only the technician may reset, and only the owner's PIN (the store refuses anything else).
        """
        self.role, self.resetting_as = role, actor
        self.title.setText(self.tr("Reset the owner's PIN"))
        self.hint.setText(
            self.tr(
                "For an owner who forgot the PIN: type a new one twice and tell it to the owner. %1"
            ).replace("%1", self.rules_text())
        )
        self._clean(show_current=False)

    def rules_text(self, *, compared: bool = True) -> str:
        """The PIN rules in one line (the store enforces them).

        ``compared``: the new PIN is checked against the other role's (not for the owner's own
        change: that answer would give the technician's PIN away; see ``change_pin``).
        """
        if not compared:
            return self.tr("4 to 12 digits, not 1234 or 1111.")
        return self.tr("4 to 12 digits, not 1234 or 1111, not the other role's PIN.")

    def _clean(self, *, show_current: bool) -> None:
        self.clear_fields()
        self.current_label.setVisible(show_current)
        self.current_field.setVisible(show_current)
        if self._wait_left <= 0 or not show_current:
            self._stop_wait()
            self.message.clear()
        first = self.current_field if show_current else self.new_field
        self.keypad.set_target(first)
        first.setFocus()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        # The keypad types into the field last touched (its keys never take the focus).
        if event.type() == QEvent.Type.FocusIn and isinstance(obj, QLineEdit):
            self.keypad.set_target(obj)
        return False

    # -- saving ---------------------------------------------------------------------------------

    def submit(self) -> None:
        """Check the entries here, then change or reset the PIN off the GUI thread."""
        if self._busy or self._wait_left > 0:
            return
        resetting = self.resetting_as is not None
        current, new, again = (
            self.current_field.text(),
            self.new_field.text(),
            self.again_field.text(),
        )
        if (not resetting and not current) or not new or not again:
            self._refuse(self.tr("Fill in every PIN field first."))
            return
        if new != again:
            self.new_field.clear()
            self.again_field.clear()
            self.new_field.setFocus()
            self._refuse(self.tr("The two new PINs differ. Type the new PIN twice again."))
            return
        try:
            check_pin_rules(new)  # here too: a rule slip needs no trip to the store
        except InvalidInput as exc:
            self._refuse(error_words(exc))
            return
        store, role, clock, actor = self._services.store, self.role, self.clock, self.resetting_as
        self._busy = True
        self.save_button.setEnabled(False)
        if actor is not None:
            self._services.runner.run(
                lambda: reset_pin(store, role, new, actor), self._reset_done, self._failed
            )
        else:
            self._services.runner.run(
                lambda: change_pin(store, role, current, new, clock=clock),
                self._change_done,
                self._failed,
            )

    def _refuse(self, text: str) -> None:
        self.message.setText(text)
        self.checked.emit(False)

    def clear_fields(self) -> None:
        """Empty the three PIN fields."""
        for field in (self.current_field, self.new_field, self.again_field):
            field.clear()

    def _finish(self) -> None:
        self._busy = False
        self.save_button.setEnabled(self._wait_left <= 0)
        self.clear_fields()

    def _change_done(self, check: PinCheck) -> None:
        self._finish()
        if check.ok and check.configured:
            text = self.tr("The PIN was changed. Use the new PIN from now on.")
            self.message.clear()
            self.checked.emit(True)
            self.changed.emit(text)
            return
        if not check.configured:
            self.message.setText(self.tr("No PIN is set for this role yet."))
        elif check.wait_s > 0:
            self._start_wait(check.wait_s)
        else:
            self.message.setText(self.tr("The current PIN is wrong. Nothing was changed."))
        self.current_field.setFocus()
        self.checked.emit(False)

    def _reset_done(self, _result: object) -> None:
        self._finish()
        self.message.clear()
        text = self.tr("The owner's PIN was reset. Tell the owner the new PIN.")
        self.checked.emit(True)
        self.changed.emit(text)

    def _failed(self, exc: BaseException) -> None:
        self._finish()
        self.message.setText(error_words(exc))
        self.new_field.setFocus()
        self.checked.emit(False)

    # -- back-off countdown (display only: the store keeps the wait) ----------------------------

    def _start_wait(self, seconds: float) -> None:
        self._wait_left = whole_seconds(seconds)
        self.save_button.setEnabled(False)
        self._show_wait()
        self._countdown.start()

    def _stop_wait(self) -> None:
        self._wait_left = 0
        self._countdown.stop()
        self.save_button.setEnabled(not self._busy)

    def _show_wait(self) -> None:
        w = rounded_wait(self._wait_left)
        if w.in_minutes:
            wait = self.tr("%n minute(s)", "", w.amount)
        else:
            wait = self.tr("%n second(s)", "", w.amount)
        self.message.setText(
            self.tr("Wrong current PIN too many times. Wait %1, then try again.").replace(
                "%1", wait
            )
        )

    def _tick(self) -> None:
        self._wait_left -= 1
        if self._wait_left <= 0:
            self._stop_wait()
            self.message.setText(self.tr("You can try again now."))
        else:
            self._show_wait()

    @property
    def waiting(self) -> bool:
        """True while the form is counting down a back-off."""
        return self._wait_left > 0

"""Where owner and technician mode live inside the kiosk window, behind the PIN screen.

Villager mode reaches this area only through :meth:`AdminArea.open_pin`; the owner's and the
technician's screens are shown only by :meth:`AdminArea._unlocked`, i.e. after
:func:`kiosk.storage.admin.verify_pin` said yes for that role. Locking (the button, the idle
timer, the villager reset) always returns to villager mode.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QLabel, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from kiosk.admin import Clock, Role, system_clock
from kiosk.storage.diskspace import LOW_DISK_BYTES, DiskSpace, disk_space
from kiosk.storage.settings import CENTER_NAME
from kiosk.ui import theme
from kiosk.ui.admin.owner_queue import OwnerQueueScreen
from kiosk.ui.admin.pin_dialog import PinScreen
from kiosk.ui.admin.session import ADMIN_IDLE_MS, AdminSession
from kiosk.ui.admin.technician import TechnicianScreen
from kiosk.ui.admin.wizard import FirstRunWizard
from kiosk.ui.services import KioskServices


class AdminArea(QWidget):
    """The PIN screen, the owner's queue, the technician's diagnostics and the first-run wizard.

    Signals:
        exited(): back to villager mode (locked, cancelled, or the wizard finished).
        center_named(str): the wizard finished with this center name.
        practice_requested(): the owner or the technician asked for practice mode.
    """

    exited = Signal()
    center_named = Signal(str)
    practice_requested = Signal()

    def __init__(
        self,
        services: KioskServices,
        parent: QWidget | None = None,
        *,
        idle_ms: int = ADMIN_IDLE_MS,
        clock: Clock = system_clock,
    ) -> None:
        super().__init__(parent)
        self._services = services
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 0, 0, 0)
        # Shown above the owner's and the technician's screens while the data disk is nearly
        # full, before a full disk refuses orders (kiosk.storage.diskspace).
        self.disk_warning = QLabel(self)
        self.disk_warning.setWordWrap(True)
        self.disk_warning.setStyleSheet(
            f"background: {theme.PRICE.name()}; color: white; font-weight: bold; padding: 8px 20px;"
        )
        self.disk_warning.hide()
        col.addWidget(self.disk_warning)
        #: Below this many free bytes the warning shows.
        self.low_disk_bytes = LOW_DISK_BYTES
        self.stack = QStackedWidget(self)
        col.addWidget(self.stack)
        # Practice mode (kiosk/ui/practice.py): offered once the owner or technician is in, never
        # inside practice itself. Laid over the free middle of the owner's bottom row and the
        # technician's title row, so neither screen grows taller than the monitor.
        self.practice_button = QPushButton(self.tr("Practice mode (练习)"))
        self.practice_button.setParent(self)
        self.practice_button.setObjectName("practice")
        self.practice_button.setStyleSheet("background: #ffd400; color: #111111;")
        self.practice_button.clicked.connect(self.practice_requested)
        self.practice_button.hide()
        self.session = AdminSession(idle_ms, self)
        self.pin = PinScreen(services, clock=clock, parent=self)
        self.owner = OwnerQueueScreen(services, parent=self)
        self.technician = TechnicianScreen(services, self)
        self.wizard = FirstRunWizard(services, self)
        # PIN changes try the current PIN through the same back-off, on the PIN screen's clock
        # (whatever it is at the time: tests replace it).
        for form in (self.owner.pin_form, self.technician.pins_tab.pin_form):
            form.clock = lambda: self.pin.clock()
        for page in (self.pin, self.owner, self.technician, self.wizard):
            self.stack.addWidget(page)
        self.stack.setCurrentWidget(self.pin)
        self.pin.unlocked.connect(self._unlocked)
        self.pin.cancelled.connect(self.exited)
        self.owner.lock_requested.connect(self.session.lock)
        self.technician.lock_requested.connect(self.session.lock)
        self.session.locked.connect(self._locked)
        self.wizard.finished.connect(self._wizard_finished)
        self.owner.stack.currentChanged.connect(self._place_practice_button)

    def open_pin(self, role: Role = Role.OWNER) -> None:
        """Show the PIN screen (the one way in)."""
        self.session.lock()
        self.stack.setCurrentWidget(self.pin)
        self.pin.begin(role)

    def check_disk(self) -> None:
        """Read the free space off the GUI thread; show or hide the low-disk warning."""
        data_dir = self._services.store.data_dir
        self._services.runner.run(lambda: disk_space(data_dir), self._show_disk)

    def _show_disk(self, space: DiskSpace | None) -> None:
        if (
            space is None
            or space.free >= self.low_disk_bytes
            or self.stack.currentWidget()
            in (
                self.pin,
                self.wizard,
            )
        ):
            self.disk_warning.hide()
            return
        mb = space.free // (1024 * 1024)
        self.disk_warning.setText(
            self.tr(
                "The kiosk's disk is nearly full (%1 MB free). When it is full, no order can be "
                "saved. Free some space or call the technician now."
            ).replace("%1", str(mb))
        )
        self.disk_warning.show()

    def _unlocked(self, role_value: str) -> None:
        role = Role(role_value)
        if self._services.practice:
            role = Role.OWNER  # practice trains the owner's day; no enrolling or restoring there
        self.session.start(role)
        self.check_disk()
        if role is Role.TECHNICIAN:
            self.stack.setCurrentWidget(self.technician)
            self.technician.begin()
        else:
            self.stack.setCurrentWidget(self.owner)
            self.owner.begin()
        self._place_practice_button()

    def _place_practice_button(self, *_args: object) -> None:
        button = self.practice_button
        # Only on the owner's queue and the technician's screen: the owner's task pages keep
        # their bottom row for their own buttons.
        page = self.stack.currentWidget()
        button.setVisible(
            self.session.active
            and not self._services.practice
            and (
                page is self.technician
                or (page is self.owner and self.owner.stack.currentWidget() is self.owner.home)
            )
        )
        row = self.owner.bottom_row
        if page is self.technician:
            # Over the free middle of the technician's title row.
            if row.indexOf(button) >= 0:
                row.removeWidget(button)
                button.setParent(self)
                button.setVisible(self.session.active and not self._services.practice)
            width = min(520, max(button.sizeHint().width() + 40, 300))
            height = max(button.sizeHint().height(), 62)
            button.setGeometry((self.width() - width) // 2, 12, width, height)
            button.raise_()
        elif row.indexOf(button) < 0:
            # In the owner's bottom row, before the stretch: a narrow window squeezes the row's
            # buttons instead of laying this one over them.
            button.setParent(self.owner.home)
            row.insertWidget(3, button)
            button.setMinimumHeight(62)
            button.setVisible(
                self.session.active
                and not self._services.practice
                and page is self.owner
                and self.owner.stack.currentWidget() is self.owner.home
            )

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_practice_button()

    def current(self) -> QWidget | None:
        """The page on top (the PIN screen whenever no role is unlocked)."""
        return self.stack.currentWidget()

    def lock(self) -> None:
        """End any admin session and leave for villager mode."""
        if self.session.active:
            self.session.lock()  # emits locked → _locked
        elif self.stack.currentWidget() is not self.pin:
            self._locked()

    def _locked(self) -> None:
        self.stack.setCurrentWidget(self.pin)
        self.disk_warning.hide()
        self.practice_button.hide()
        self.pin.pin_field.clear()
        for form in (self.owner.pin_form, self.technician.pins_tab.pin_form):
            form.clear_fields()  # no typed PIN stays behind a locked screen
        self.exited.emit()

    def start_wizard(self) -> None:
        """Open the first-run wizard (only on a kiosk without PINs: ``needs_first_run``)."""
        self.session.lock()
        self.stack.setCurrentWidget(self.wizard)
        self.wizard.begin()

    def _wizard_finished(self) -> None:
        # The center's name may have been typed or come with enrollment: slips and the top bar.
        name = self._services.store.setting(CENTER_NAME) or ""
        self._services.center_name = name
        self.center_named.emit(name)
        self.stack.setCurrentWidget(self.pin)
        self.exited.emit()

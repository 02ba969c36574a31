"""The PINs tab: the technician changes the technician's own PIN, or resets the owner's (the
owner forgot it)."""

from __future__ import annotations

from PySide6.QtWidgets import QButtonGroup, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from kiosk.admin import Role
from kiosk.ui import theme
from kiosk.ui.admin.pin_dialog import PinChangeForm
from kiosk.ui.admin.tech.tab import TechTab
from kiosk.ui.services import KioskServices


class PinsTab(TechTab):
    """Two checkable buttons choose what the PIN form below them does."""

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        pc = QVBoxLayout(self)
        modes = QHBoxLayout()
        self.my_pin_button = QPushButton(self.tr("Change my PIN"), self)
        self.owner_pin_button = QPushButton(self.tr("Reset the owner's PIN"), self)
        self._pin_modes = QButtonGroup(self)
        for btn in (self.my_pin_button, self.owner_pin_button):
            btn.setCheckable(True)
            btn.setMinimumHeight(theme.TOUCH_PX)
            self._pin_modes.addButton(btn)
            modes.addWidget(btn)
        modes.addStretch(1)
        pc.addLayout(modes)
        self.pin_form = PinChangeForm(services, with_back=False, parent=self)
        self.pin_form.columns.setContentsMargins(0, 4, 0, 0)
        self.pin_form.title.hide()  # the checked button above says what the form does
        pc.addWidget(self.pin_form, 1)
        self.my_pin_button.clicked.connect(self.change_my_pin)
        self.owner_pin_button.clicked.connect(self.reset_owner_pin)
        self.pin_form.changed.connect(self._pin_changed)
        self.change_my_pin()

    def change_my_pin(self) -> None:
        """The PIN form for the technician's own PIN (current PIN first)."""
        self.my_pin_button.setChecked(True)
        self.pin_form.begin_change(Role.TECHNICIAN)

    def reset_owner_pin(self) -> None:
        """The PIN form that gives the owner a new PIN (the owner forgot it)."""
        self.owner_pin_button.setChecked(True)
        self.pin_form.begin_reset(Role.OWNER, Role.TECHNICIAN)

    def _pin_changed(self, text: str) -> None:
        self._say(text)
        if self.pin_form.resetting_as is not None:
            self.reset_owner_pin()
        else:
            self.change_my_pin()

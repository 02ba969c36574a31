"""The technician's diagnostics: one tab each for the checks, sync, the outbox, the database, the
log and the PINs (the tabs live in :mod:`kiosk.ui.admin.tech`, one module each).

This screen only holds them: the title row with *Lock*, the tabs, and one line under them that
says what the last task did, whichever tab ran it. Everything slow runs on
:attr:`KioskServices.runner` inside the tabs; their outcomes come back here as plain words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from kiosk.ui import theme
from kiosk.ui.admin.tech.checks import ChecksTab
from kiosk.ui.admin.tech.database import DatabaseTab
from kiosk.ui.admin.tech.log import LogTab
from kiosk.ui.admin.tech.outbox import OutboxTab
from kiosk.ui.admin.tech.pins import PinsTab
from kiosk.ui.admin.tech.sync import SyncTab
from kiosk.ui.admin.tech.tab import TechTab, button
from kiosk.ui.services import KioskServices

if TYPE_CHECKING:
    from kiosk.ui.sync_control import SyncController


class TechnicianScreen(QWidget):
    """Diagnostics in tabs: checks, sync, outbox, database, logs, PINs.

    The tabs are :attr:`checks_tab`, :attr:`sync_tab`, :attr:`outbox_tab`, :attr:`database_tab`,
    :attr:`log_tab` and :attr:`pins_tab`.

    Signals:
        lock_requested(): "Lock" was pressed.
        done(str): a task finished; its outcome in plain words (also shown on the screen).
        restored(object): the database was restored (the :class:`RestoreResult`).
        enrolled(object): the enroll form enrolled the kiosk (the ``Enrollment``).
        restart_requested(): a restore replaced the data of the running kiosk, which must now
            start again (only with a :attr:`sync` controller, i.e. in the running application).
    """

    lock_requested = Signal()
    done = Signal(str)
    restored = Signal(object)
    enrolled = Signal(object)
    restart_requested = Signal()

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        col = QVBoxLayout(self)
        col.setContentsMargins(20, 10, 20, 10)
        top = QHBoxLayout()
        title = QLabel(self.tr("Technician"), self)
        title.setObjectName("title")
        top.addWidget(title)
        top.addStretch(1)
        self.lock_button = button(self.tr("Lock"), self, self.lock_requested.emit)
        top.addWidget(self.lock_button)
        col.addLayout(top)
        self.tabs = QTabWidget(self)
        self.tabs.setFont(theme.font(theme.BASE_PX))
        # 56 px: a finger's target on a touch screen, like every other button of the kiosk.
        self.tabs.setStyleSheet("QTabBar::tab { min-height: 56px; padding: 0 18px; }")
        col.addWidget(self.tabs, 1)
        self.message = QLabel(self)
        self.message.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.message.setObjectName("ok")
        self.message.setWordWrap(True)
        col.addWidget(self.message)

        self.checks_tab = ChecksTab(services, self)
        self.sync_tab = SyncTab(services, self)
        self.outbox_tab = OutboxTab(services, self)
        self.database_tab = DatabaseTab(services, self)
        self.log_tab = LogTab(services, self)
        self.pins_tab = PinsTab(services, self)
        tabs: list[tuple[TechTab, str]] = [
            (self.checks_tab, self.tr("Checks")),
            (self.sync_tab, self.tr("Sync")),
            (self.outbox_tab, self.tr("Outbox")),
            (self.database_tab, self.tr("Database")),
            (self.log_tab, self.tr("Log")),
            (self.pins_tab, self.tr("PINs")),
        ]
        for tab, label in tabs:
            self.tabs.addTab(tab, label)
            tab.said.connect(self._say)
        self.sync_tab.enrolled.connect(self.enrolled)
        # A sync may have sent or set aside changes: the outbox list reads them again.
        self.sync_tab.synced.connect(self.outbox_tab.load_outbox)
        self.database_tab.data_replaced.connect(self.begin)
        self.database_tab.restored.connect(self.restored)
        self.database_tab.restart_requested.connect(self.restart_requested)

    @property
    def sync(self) -> SyncController | None:
        """The application's background sync, which a restore pauses (``None``: none runs)."""
        return self.database_tab.sync

    @sync.setter
    def sync(self, controller: SyncController | None) -> None:
        self.database_tab.sync = controller

    def begin(self) -> None:
        """Fresh data on every tab."""
        self.message.clear()
        self.sync_tab.show_server()
        self.sync_tab.data_usage.load()
        self.checks_tab.run_checks()
        self.outbox_tab.load_outbox()
        self.log_tab.load_log()
        self.database_tab.load_purge_preview()
        self.pins_tab.change_my_pin()

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet("" if ok else f"color: {theme.PRICE.name()}; font-weight: bold;")
        self.message.setText(text)
        self.done.emit(text)

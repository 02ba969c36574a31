"""The technician's diagnostics: connection, sync, the outbox, the database, logs, support bundle;
and the PINs (change the technician's own, reset the owner's).

Everything slow (network, integrity check, backup, bundle) runs on :attr:`KioskServices.runner`;
results come back as plain words. Folder and file choices go through :attr:`choose_folder` /
:attr:`choose_file`, which tests replace (no native dialog in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin import Role
from kiosk.logs import log_files
from kiosk.storage.backup import backup_database, integrity_check, new_backup_path
from kiosk.storage.doctor import DoctorReport, run_doctor
from kiosk.storage.privacy import PurgePreview, PurgeResult, purge_personal_data, purge_preview
from kiosk.storage.restore import restore_backup
from kiosk.storage.set_aside import QueuedEvent, discard_event, list_events, retry_event
from kiosk.storage.settings import SERVER_URL
from kiosk.storage.support_bundle import write_support_bundle
from kiosk.ui import theme
from kiosk.ui.admin.check_words import check_detail_words
from kiosk.ui.admin.pin_dialog import PinChangeForm
from kiosk.ui.bridge import SyncBridge
from kiosk.ui.errors import error_words, outbox_reason_words, sync_summary_words
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import plain_tooltip

if TYPE_CHECKING:
    from kiosk.sync.engine import SyncProgress, SyncSummary
    from kiosk.ui.sync_control import SyncController

ACTOR = Role.TECHNICIAN.value
#: Characters of the newest log file shown in the viewer.
LOG_TAIL_CHARS = 60_000
#: How long a restore waits for the background sync to stop before it refuses.
SYNC_STOP_TIMEOUT_S = 10.0
#: How long "the kiosk will restart" stays on screen before the kiosk closes after a restore.
RESTART_DELAY_MS = 3_000


def complete_server_url(text: str) -> str:
    """The typed central service address, with ``https://`` added when the scheme was left out.

    ``central.example.cn`` becomes ``https://central.example.cn``; an address typed with
    ``http://`` or ``https://`` is kept as typed (a village network's central may be plain
    ``http``). Anything else is checked by :func:`kiosk.sync.factory.check_server_url`, which says
    what is wrong.
    """
    url = text.strip()
    if url and "://" not in url:
        url = "https://" + url
    return url


def ping_central(server_url: str) -> str:
    """Ask the central service's health endpoint once; returns its version words.

    Runs on a worker thread. Raises the sync client's errors (offline, TLS, bad reply).
    """
    from kiosk.sync.client import CentralClient, make_http_client
    from kiosk.sync.factory import check_server_url

    client = CentralClient(make_http_client(check_server_url(server_url)))
    try:
        data = client.health()
    finally:
        client.close()
    return str(data.get("version") or data.get("status") or "ok")


def progress_words(phase: str, done: int, total: object) -> str:
    """What the sync engine is doing (its progress ``phase`` and counts), in the screen's words."""
    n = int(total) if isinstance(total, int) else None
    if phase == "push":
        if n is None or done == 0:
            return QCoreApplication.translate(
                "SyncProgress", "Sending %1 changes to the platform…"
            ).replace("%1", str(n or 0))
        return (
            QCoreApplication.translate("SyncProgress", "Sent %1 of %2 changes…")
            .replace("%1", str(done))
            .replace("%2", str(n))
        )
    if phase == "orders":
        return (
            QCoreApplication.translate("SyncProgress", "Fetching order updates…")
            if done == 0
            else QCoreApplication.translate("SyncProgress", "Order updates applied.")
        )
    if phase == "catalog":
        if done == 0:
            return QCoreApplication.translate("SyncProgress", "Fetching catalog changes…")
        return QCoreApplication.translate("SyncProgress", "%1 products updated…").replace(
            "%1", str(done)
        )
    if phase == "media":
        return (
            QCoreApplication.translate("SyncProgress", "Fetching pictures: %1 of %2…")
            .replace("%1", str(done))
            .replace("%2", str(n))
        )
    if phase == "heartbeat":
        return QCoreApplication.translate("SyncProgress", "Telling the platform the kiosk is well…")
    return ""  # idle: nothing is running


def event_kind_words(kind: str) -> str:
    """An outbox event's kind (``order_placed`` …) in the technician's words."""
    words = {
        "order_placed": QCoreApplication.translate("OutboxWords", "New order"),
        "order_cancelled": QCoreApplication.translate("OutboxWords", "Order cancelled"),
        "arrival_checked_in": QCoreApplication.translate("OutboxWords", "Goods arrived"),
        "pickup_confirmed": QCoreApplication.translate("OutboxWords", "Picked up"),
        "order_returned": QCoreApplication.translate("OutboxWords", "Order returned"),
        "cash_entry": QCoreApplication.translate("OutboxWords", "Cash entry"),
        "day_closed": QCoreApplication.translate("OutboxWords", "Day closed"),
        "demand_counts": QCoreApplication.translate("OutboxWords", "Browsing counts"),
    }
    return words.get(kind, kind)


def check_name_words(name: str) -> str:
    """A doctor check's name (``disk``, ``integrity`` …) in the technician's words."""
    words = {
        "data folder": QCoreApplication.translate("CheckWords", "Data folder"),
        "database": QCoreApplication.translate("CheckWords", "Database file"),
        "integrity": QCoreApplication.translate("CheckWords", "Database integrity"),
        "schema": QCoreApplication.translate("CheckWords", "Database version"),
        "durability": QCoreApplication.translate("CheckWords", "Safe writing"),
        "catalog": QCoreApplication.translate("CheckWords", "Catalog"),
        "orders": QCoreApplication.translate("CheckWords", "Orders"),
        "outbox": QCoreApplication.translate("CheckWords", "Changes to send"),
        "contents": QCoreApplication.translate("CheckWords", "Contents"),
        "disk": QCoreApplication.translate("CheckWords", "Free disk space"),
        "backup": QCoreApplication.translate("CheckWords", "Backup"),
        "versions": QCoreApplication.translate("CheckWords", "Versions"),
        "sync": QCoreApplication.translate("CheckWords", "Sync"),
        "enrollment": QCoreApplication.translate("CheckWords", "Enrollment"),
        "last sync": QCoreApplication.translate("CheckWords", "Last sync"),
        "queue": QCoreApplication.translate("CheckWords", "Waiting to send"),
        "set aside": QCoreApplication.translate("CheckWords", "Set aside"),
        "clock": QCoreApplication.translate("CheckWords", "Clock"),
    }
    return words.get(name, name)


def read_log_tail(data_dir: Path) -> str:
    """The end of the newest log file (already redacted when written)."""
    files = [p for p in log_files(data_dir) if p.name.endswith(".log")] or log_files(data_dir)
    if not files:
        return ""
    text = files[0].read_text(encoding="utf-8", errors="replace")
    return text[-LOG_TAIL_CHARS:]


def default_choose_folder(parent: QWidget, title: str) -> Path | None:
    """Ask for a folder (the USB stick) with the system dialog."""
    chosen = QFileDialog.getExistingDirectory(parent, title)
    return Path(chosen) if chosen else None


def default_choose_file(parent: QWidget, title: str, start: Path) -> Path | None:
    """Ask for a file with the system dialog."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start))
    return Path(chosen) if chosen else None


def _button(text: str, parent: QWidget, slot: Callable[[], None]) -> QPushButton:
    btn = QPushButton(text, parent)
    btn.clicked.connect(slot)
    return btn


class TechnicianScreen(QWidget):
    """Diagnostics in tabs: checks, sync, outbox, database, logs, PINs.

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
        self._services = services
        self.choose_folder: Callable[[QWidget, str], Path | None] = default_choose_folder
        self.choose_file: Callable[[QWidget, str, Path], Path | None] = default_choose_file
        self.events: list[QueuedEvent] = []
        self.report: DoctorReport | None = None
        # Set by the application (KioskWindow.set_sync_controller); None: no background sync to
        # pause, and the kiosk stays open after a restore (the store reconnects on next use).
        self.sync: SyncController | None = None
        self.sync_stop_timeout_s = SYNC_STOP_TIMEOUT_S
        #: The keyring backend for enrollment (``None``: the system's); tests pass a fake.
        self.keyring_backend: Any = None
        self.restart_delay_ms = RESTART_DELAY_MS
        col = QVBoxLayout(self)
        col.setContentsMargins(20, 10, 20, 10)
        top = QHBoxLayout()
        title = QLabel(self.tr("Technician"), self)
        title.setObjectName("title")
        top.addWidget(title)
        top.addStretch(1)
        self.lock_button = _button(self.tr("Lock"), self, self.lock_requested.emit)
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

        # Checks: doctor (integrity, schema, disk, backup age, versions, sync).
        checks = QWidget(self)
        c = QVBoxLayout(checks)
        self.checks_table = self._table(
            checks, [self.tr("Check"), self.tr("Result"), self.tr("Details (for the technician)")]
        )
        c.addWidget(self.checks_table, 1)
        row = QHBoxLayout()
        self.checks_button = _button(self.tr("Run the checks"), checks, self.run_checks)
        row.addWidget(self.checks_button)
        row.addStretch(1)
        c.addLayout(row)
        self.tabs.addTab(checks, self.tr("Checks"))

        # Sync: connection test, sync now with progress.
        sync = QWidget(self)
        s = QVBoxLayout(sync)
        self.server_label = QLabel(sync)
        self.server_label.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.server_label.setWordWrap(True)
        s.addWidget(self.server_label)
        # Enroll (or enroll again) here: the wizard's "enroll later" leads to this form.
        form = QGridLayout()
        form.addWidget(QLabel(self.tr("Central service address"), sync), 0, 0)
        self.server_field = QLineEdit(sync)
        self.server_field.setPlaceholderText("https://central.example.cn")
        form.addWidget(self.server_field, 0, 1)
        form.addWidget(QLabel(self.tr("Enrollment code"), sync), 1, 0)
        self.code_field = QLineEdit(sync)
        self.code_field.setMaxLength(64)
        form.addWidget(self.code_field, 1, 1)
        form.setColumnStretch(1, 1)
        s.addLayout(form)
        row = QHBoxLayout()
        self.test_button = _button(self.tr("Test the connection"), sync, self.test_connection)
        self.enroll_button = _button(self.tr("Enroll now"), sync, self.enroll)
        self.sync_button = _button(self.tr("Sync now"), sync, self.sync_now)
        row.addWidget(self.test_button)
        row.addWidget(self.enroll_button)
        row.addWidget(self.sync_button)
        row.addStretch(1)
        s.addLayout(row)
        self.progress = QProgressBar(sync)
        self.progress.setMinimumHeight(36)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        s.addWidget(self.progress)
        self.sync_words = QLabel(sync)
        self.sync_words.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.sync_words.setWordWrap(True)
        s.addWidget(self.sync_words)
        s.addStretch(1)
        self.tabs.addTab(sync, self.tr("Sync"))
        self.bridge = SyncBridge(self)
        self.bridge.progress.connect(self._progress)

        # Outbox: events waiting or set aside; retry / discard with a reason.
        box = QWidget(self)
        b = QVBoxLayout(box)
        self.outbox_table = self._table(
            box,
            [
                self.tr("Change"),
                self.tr("State"),
                self.tr("Tries"),
                self.tr("Last error"),
            ],
        )
        b.addWidget(self.outbox_table, 1)
        row = QHBoxLayout()
        self.reason_field = QLineEdit(box)
        self.reason_field.setPlaceholderText(self.tr("Reason for discarding"))
        self.retry_button = _button(self.tr("Retry"), box, self.retry_selected)
        self.discard_button = _button(self.tr("Discard"), box, self.discard_selected)
        self.refresh_button = _button(self.tr("Refresh"), box, self.load_outbox)
        row.addWidget(self.refresh_button)
        row.addWidget(self.retry_button)
        row.addWidget(self.reason_field, 1)
        row.addWidget(self.discard_button)
        b.addLayout(row)
        self.tabs.addTab(box, self.tr("Outbox"))

        # Database: integrity, backup, restore, support bundle.
        db = QWidget(self)
        d = QVBoxLayout(db)
        self.db_words = QLabel(db)
        self.db_words.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.db_words.setWordWrap(True)
        d.addWidget(self.db_words)
        for text, slot in (
            (self.tr("Check the database"), self.check_database),
            (self.tr("Back up now"), self.backup_now),
            (self.tr("Restore from a backup…"), self.restore_from_backup),
            (self.tr("Export a support bundle…"), self.export_bundle),
        ):
            btn = _button(text, db, slot)
            btn.setMinimumWidth(420)
            d.addWidget(btn, 0, Qt.AlignmentFlag.AlignLeft)
        self.integrity_button, self.backup_button, self.restore_button, self.bundle_button = (
            db.findChildren(QPushButton)
        )
        # Villagers' names and phones of long-finished orders (docs/operating.md, privacy).
        self.purge_words = QLabel(db)
        self.purge_words.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.purge_words.setWordWrap(True)
        d.addSpacing(12)
        d.addWidget(self.purge_words)
        self.purge_button = _button(self.tr("Purge old customer details…"), db, self.purge_old)
        self.purge_button.setMinimumWidth(420)
        d.addWidget(self.purge_button, 0, Qt.AlignmentFlag.AlignLeft)
        d.addStretch(1)
        self.purge_preview: PurgePreview | None = None
        self.tabs.addTab(db, self.tr("Database"))

        # Logs.
        logs = QWidget(self)
        lg = QVBoxLayout(logs)
        self.log_view = QPlainTextEdit(logs)
        self.log_view.setReadOnly(True)
        self.log_view.setFont(theme.font(theme.SMALL_PX))
        lg.addWidget(self.log_view, 1)
        row = QHBoxLayout()
        row.addWidget(_button(self.tr("Reload the log"), logs, self.load_log))
        row.addStretch(1)
        lg.addLayout(row)
        self.tabs.addTab(logs, self.tr("Log"))

        # PINs: the technician's own, and the owner's when the owner forgot it.
        pins = QWidget(self)
        pc = QVBoxLayout(pins)
        modes = QHBoxLayout()
        self.my_pin_button = QPushButton(self.tr("Change my PIN"), pins)
        self.owner_pin_button = QPushButton(self.tr("Reset the owner's PIN"), pins)
        self._pin_modes = QButtonGroup(self)
        for btn in (self.my_pin_button, self.owner_pin_button):
            btn.setCheckable(True)
            btn.setMinimumHeight(theme.TOUCH_PX)
            self._pin_modes.addButton(btn)
            modes.addWidget(btn)
        modes.addStretch(1)
        pc.addLayout(modes)
        self.pin_form = PinChangeForm(services, with_back=False, parent=pins)
        self.pin_form.columns.setContentsMargins(0, 4, 0, 0)
        self.pin_form.title.hide()  # the checked button above says what the form does
        pc.addWidget(self.pin_form, 1)
        self.my_pin_button.clicked.connect(self.change_my_pin)
        self.owner_pin_button.clicked.connect(self.reset_owner_pin)
        self.pin_form.changed.connect(self._pin_changed)
        self.tabs.addTab(pins, self.tr("PINs"))
        self.change_my_pin()

    @staticmethod
    def _table(parent: QWidget, headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers), parent)
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        table.setWordWrap(True)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        table.verticalHeader().setDefaultSectionSize(56)
        table.verticalHeader().setMinimumSectionSize(56)  # resizeRowsToContents never goes lower
        return table

    # -- common ---------------------------------------------------------------------------------

    def begin(self) -> None:
        """Fresh data on every tab."""
        self.message.clear()
        self._show_server()
        self.run_checks()
        self.load_outbox()
        self.load_log()
        self.load_purge_preview()
        self.change_my_pin()

    def _say(self, text: str, ok: bool = True) -> None:
        self.message.setStyleSheet("" if ok else f"color: {theme.PRICE.name()}; font-weight: bold;")
        self.message.setText(text)
        self.done.emit(text)

    def _run(self, fn: Callable[[], Any], ok: Callable[[Any], None]) -> None:
        self._services.runner.run(fn, ok, lambda exc: self._say(error_words(exc), ok=False))

    def _write(self, what: str, fn: Callable[[], Any], ok: Callable[[Any], None]) -> None:
        """A write the rest of the kiosk should see (:meth:`KioskServices.write`)."""
        self._services.write(what, fn, ok, lambda exc: self._say(error_words(exc), ok=False))

    # -- checks ---------------------------------------------------------------------------------

    def run_checks(self) -> None:
        """``kiosk doctor``'s checks, off the GUI thread."""
        data_dir = self._services.store.data_dir
        self._run(lambda: run_doctor(data_dir), self._show_checks)

    def _show_checks(self, report: DoctorReport) -> None:
        self.report = report
        self.checks_table.setRowCount(len(report.checks))
        for i, c in enumerate(report.checks):
            self.checks_table.setItem(i, 0, QTableWidgetItem(check_name_words(c.name)))
            mark = QTableWidgetItem(self.tr("OK") if c.ok else self.tr("Problem"))
            mark.setForeground(theme.OK if c.ok else theme.PRICE)
            self.checks_table.setItem(i, 1, mark)
            detail = QTableWidgetItem(check_detail_words(c))
            detail.setToolTip(plain_tooltip(c.detail))  # kiosk doctor's words, for support
            self.checks_table.setItem(i, 2, detail)
        self.checks_table.resizeRowsToContents()

    # -- sync -----------------------------------------------------------------------------------

    def _show_server(self) -> None:
        url = self._services.store.setting(SERVER_URL)
        self.server_label.setText(
            self.tr("Central service: %1").replace("%1", url)
            if url
            else self.tr(
                "Not enrolled yet: type the central service address and the enrollment code "
                "from the platform's letter, then press Enroll now."
            )
        )
        if url and not self.server_field.text().strip():
            self.server_field.setText(url)

    def _typed_url(self) -> str:
        """The address in the form (``https://`` added when left out), shown back as used."""
        url = complete_server_url(self.server_field.text())
        if url != self.server_field.text():
            self.server_field.setText(url)
        return url

    def test_connection(self) -> None:
        """Ask the central service if it answers (the typed address, else the enrolled one)."""
        url = self._typed_url() or self._services.store.setting(SERVER_URL)
        if not url:
            self._say(self.tr("Type the central service address first."), ok=False)
            return
        self._run(
            lambda: ping_central(url),
            lambda v: self._say(self.tr("The central service answers (%1).").replace("%1", v)),
        )

    def enroll(self) -> None:
        """Enroll with the typed address and one-time code (off the GUI thread).

        On success the application starts the background sync (``enrolled``), no restart needed.
        """
        url, code = self._typed_url(), self.code_field.text().strip()
        if not url or not code:
            self._say(self.tr("Type the address and the enrollment code."), ok=False)
            return
        store, backend = self._services.store, self.keyring_backend

        def run() -> Any:
            from kiosk.sync.factory import enroll

            return enroll(store, url, code, backend=backend)

        def failed(exc: BaseException) -> None:
            self.enroll_button.setEnabled(True)
            self._say(error_words(exc), ok=False)

        self.enroll_button.setEnabled(False)
        self._services.runner.run(run, self._enrolled, failed)

    def _enrolled(self, enrollment: Any) -> None:
        self.enroll_button.setEnabled(True)
        self.code_field.clear()  # one-time: no use keeping it on screen
        self._show_server()
        self._say(
            self.tr("Enrolled as %1 (%2). The kiosk syncs from now on.")
            .replace("%1", enrollment.center_name)
            .replace("%2", enrollment.center_id)
        )
        self.enrolled.emit(enrollment)

    def sync_now(self) -> None:
        """One sync cycle now, with progress."""
        store, bridge = self._services.store, self.bridge
        if not store.setting(SERVER_URL):
            self._say(self.tr("Not enrolled yet: nothing to sync with."), ok=False)
            return

        def run() -> SyncSummary:
            from kiosk.sync.factory import open_engine

            engine = open_engine(store, listener=bridge)
            try:
                return engine.run_once()
            finally:
                engine.client.close()

        self.sync_button.setEnabled(False)
        self.progress.setRange(0, 0)
        self._services.runner.run(run, self._synced, self._sync_failed)

    def _progress(self, p: SyncProgress) -> None:
        total, done = p.total, p.done
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)
        self.sync_words.setText(progress_words(p.phase, done, total))

    def _synced(self, summary: SyncSummary) -> None:
        self.sync_button.setEnabled(True)
        self.progress.setRange(0, 1)
        # Full only when the run finished well: a failed run must not look complete.
        self.progress.setValue(1 if summary.ok else 0)
        self.sync_words.clear()
        if summary.ok:
            text = self.tr("Sync finished: %1 sent, %2 products updated, %3 still waiting.")
            text = (
                text.replace("%1", str(summary.pushed))
                .replace("%2", str(summary.pulled_products))
                .replace("%3", str(summary.outbox_remaining))
            )
            self._say(text)
        else:
            self._say(sync_summary_words(summary), ok=False)
        self.load_outbox()

    def _sync_failed(self, exc: BaseException) -> None:
        self.sync_button.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.sync_words.clear()
        self._say(error_words(exc), ok=False)

    # -- outbox ---------------------------------------------------------------------------------

    def load_outbox(self) -> None:
        """Events waiting to send or set aside, with tries and the last error."""
        store = self._services.store
        self._run(lambda: list_events(store), self._show_outbox)

    def _show_outbox(self, events: list[QueuedEvent]) -> None:
        self.events = events
        self.outbox_table.setRowCount(len(events))
        for i, ev in enumerate(events):
            state = (
                self.tr("set aside") if ev.state == "quarantined" else self.tr("waiting to send")
            )
            raw = ev.last_error or ""
            # Why the platform set a change aside, in words; a try that failed on the way (no
            # connection …) in general words. The English detail stays as a tooltip only.
            if ev.state == "quarantined":
                why = outbox_reason_words(raw)
                if why == raw:  # no known platform code: no raw text on the screen
                    why = self.tr("The platform refused it. Ask the platform's support.")
            elif raw:
                why = self.tr("Not sent yet: it is tried again at the next sync.")
            else:
                why = ""
            what = event_kind_words(ev.kind)
            if ev.order_number:
                what = f"{what} {ev.order_number}"
            cells = [what, state, str(ev.attempts), why]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 3 and raw and raw != why:
                    item.setToolTip(plain_tooltip(raw))  # central's text, never markup
                if j == 1 and ev.state == "quarantined":
                    item.setForeground(theme.PRICE)
                self.outbox_table.setItem(i, j, item)
        self.outbox_table.resizeRowsToContents()

    def selected_event(self) -> QueuedEvent | None:
        """The event of the selected row."""
        row = self.outbox_table.currentRow()
        return self.events[row] if 0 <= row < len(self.events) else None

    def retry_selected(self) -> None:
        """Put the selected set-aside event back in the queue."""
        ev = self.selected_event()
        if ev is None:
            self._say(self.tr("Choose a change in the list first."), ok=False)
            return
        store = self._services.store
        self._write(
            "outbox",
            lambda: retry_event(store, ev.event_id, ACTOR),
            lambda _: self._after_outbox(self.tr("The change will be sent again.")),
        )

    def discard_selected(self) -> None:
        """Give up on the selected set-aside event; needs a reason (audited)."""
        ev = self.selected_event()
        if ev is None:
            self._say(self.tr("Choose a change in the list first."), ok=False)
            return
        reason = self.reason_field.text().strip()
        if not reason:
            self._say(self.tr("Type why this change is discarded."), ok=False)
            return
        store = self._services.store
        self._write(
            "outbox",
            lambda: discard_event(store, ev.event_id, reason, ACTOR),
            lambda _: self._after_outbox(self.tr("The change was discarded.")),
        )

    def _after_outbox(self, text: str) -> None:
        self.reason_field.clear()
        self._say(text)
        self.load_outbox()

    # -- database -------------------------------------------------------------------------------

    def check_database(self) -> None:
        """SQLite's integrity check on the database file."""
        path = self._services.store.path

        def shown(verdict: str) -> None:
            if verdict == "ok":
                self._say(self.tr("The database is intact."))
            else:
                self._say(self.tr("The database is damaged: %1").replace("%1", verdict), False)

        self._run(lambda: integrity_check(path), shown)

    def backup_now(self) -> None:
        """A checked copy of the database in the backups folder."""
        store = self._services.store
        self._run(
            lambda: backup_database(store.path, new_backup_path(store.data_dir)),
            lambda p: self._say(self.tr("Backup written: %1").replace("%1", str(p))),
        )

    def restore_from_backup(self) -> None:
        """Replace the database with a chosen backup (asks first), then restart the kiosk.

        Runs on the GUI thread once nothing else touches the database: the background sync is
        stopped for good (refused when it does not stop in time) and the background tasks have
        finished, because the database files are moved aside. With a restart hook the kiosk
        then closes, and its session wrapper starts it on the restored data, so no screen keeps
        state from the replaced database.
        """
        store = self._services.store
        path = self.choose_file(self, self.tr("Choose a backup"), store.backup_dir)
        if path is None:
            return
        question = self.tr(
            "Replace the kiosk's data with the backup %1? Changes made after it are set aside."
        ).replace("%1", path.name)
        if not self._services.asker.ask(self, question, self.tr("Restore"), self.tr("Cancel")):
            return
        if self.sync is not None and not self.sync.pause_for_restore(self.sync_stop_timeout_s):
            self._say(
                self.tr(
                    "Nothing was restored: the background sync did not stop in time. "
                    "It is stopping now; try again in a minute."
                ),
                ok=False,
            )
            return
        if not self._services.runner.shutdown():
            self._say(
                self.tr("Nothing was restored: background work is still running. Try again."),
                ok=False,
            )
            return
        store.close()
        try:
            result = restore_backup(store.data_dir, path)
        except Exception as exc:  # shown to the technician; the old files are still in place
            text = error_words(exc)
            if self.sync is not None:  # it was stopped for good above
                text += " " + self.tr("Sending is paused until the kiosk restarts.")
            self._say(text, ok=False)
            return
        text = self.tr("Restored from %1.").replace("%1", path.name)
        if result.unsent_in_replaced:
            text += " " + self.tr(
                "%n unsent change(s) were in the replaced data.", "", result.unsent_in_replaced
            )
        if self.sync is not None:  # the running kiosk: it starts again on the restored data
            self._say(text + " " + self.tr("The kiosk restarts now with the restored data."))
            QTimer.singleShot(self.restart_delay_ms, self, self.restart_requested.emit)
        else:
            self.begin()  # fresh checks and lists from the restored data
            self._say(text)
        self.restored.emit(result)

    def export_bundle(self) -> None:
        """Write the support bundle (logs + checks, phones masked) to a chosen folder."""
        folder = self.choose_folder(self, self.tr("Choose the folder (USB stick)"))
        if folder is None:
            return
        store = self._services.store

        def write() -> Path:
            from kiosk.sync.status import sync_status

            status = sync_status(store, datetime.now(UTC)).to_dict()
            return write_support_bundle(store, folder, status=status)

        def written(p: Path) -> None:
            self._say(self.tr("Support bundle written: %1").replace("%1", str(p)))

        self._run(write, written)

    def load_purge_preview(self) -> None:
        """Count the orders whose customer details a purge would remove now."""
        store = self._services.store
        self._run(lambda: purge_preview(store), self._show_purge_preview)

    def _show_purge_preview(self, preview: PurgePreview) -> None:
        self.purge_preview = preview
        self.purge_words.setText(
            self.tr(
                "Customer details: %n order(s) finished more than %1 days ago still show the "
                "villager's name and phone number.",
                "",
                preview.orders,
            ).replace("%1", str(preview.retention_days))
        )

    def purge_old(self) -> None:
        """Remove the villagers' names and phones of orders finished before the retention period.

        Asks first with the count; the purge runs off the GUI thread, is audited by the store,
        and the outcome gives the count actually purged.
        """
        store = self._services.store
        preview = self.purge_preview
        if preview is None:
            self.load_purge_preview()
            return
        if preview.orders == 0:
            self._say(
                self.tr("No finished order is older than %1 days: nothing to purge.").replace(
                    "%1", str(preview.retention_days)
                )
            )
            return
        question = self.tr(
            "Remove the villagers' names and phone numbers from %n order(s) finished more than "
            "%1 days ago? This cannot be undone.",
            "",
            preview.orders,
        ).replace("%1", str(preview.retention_days))
        if not self._services.asker.ask(self, question, self.tr("Purge"), self.tr("Cancel")):
            return
        self.purge_button.setEnabled(False)

        def purged(result: PurgeResult) -> None:
            self.purge_button.setEnabled(True)
            self._say(
                self.tr(
                    "Removed the villagers' names and phone numbers from %n order(s).",
                    "",
                    result.orders,
                )
            )
            self.load_purge_preview()

        def failed(exc: BaseException) -> None:
            self.purge_button.setEnabled(True)
            self._say(error_words(exc), ok=False)

        self._services.write(
            "personal_data_purged", lambda: purge_personal_data(store, ACTOR), purged, failed
        )

    # -- PINs -----------------------------------------------------------------------------------

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

    # -- logs -----------------------------------------------------------------------------------

    def load_log(self) -> None:
        """Show the end of the newest log file."""
        data_dir = self._services.store.data_dir

        def shown(text: str) -> None:
            self.log_view.setPlainText(
                text or QCoreApplication.translate("TechnicianScreen", "The log is empty.")
            )
            self.log_view.moveCursor(self.log_view.textCursor().MoveOperation.End)

        self._run(lambda: read_log_tail(data_dir), shown)

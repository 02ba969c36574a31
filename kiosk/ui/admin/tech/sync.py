"""The Sync tab: the central service's address, enrollment, a connection test, and "sync now"
with progress."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from kiosk.storage.settings import SERVER_URL
from kiosk.ui.admin.tech.data_usage import DataUsagePanel
from kiosk.ui.admin.tech.tab import TechTab, button
from kiosk.ui.bridge import SyncBridge
from kiosk.ui.errors import error_words, sync_summary_words
from kiosk.ui.services import KioskServices

if TYPE_CHECKING:
    from kiosk.sync.engine import SyncProgress, SyncSummary


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


class SyncTab(TechTab):
    """Enroll (or enroll again), test the connection, sync once now with progress.

    The wizard's "enroll later" leads to this form.

    Signals:
        enrolled(object): the form enrolled the kiosk (the ``Enrollment``).
        synced(): a "sync now" finished well or badly (the outbox may have changed).
    """

    enrolled = Signal(object)
    synced = Signal()

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        #: The keyring backend for enrollment (``None``: the system's); tests pass a fake.
        self.keyring_backend: Any = None
        s = QVBoxLayout(self)
        self.server_label = QLabel(self)
        self.server_label.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.server_label.setWordWrap(True)
        s.addWidget(self.server_label)
        form = QGridLayout()
        form.addWidget(QLabel(self.tr("Central service address"), self), 0, 0)
        self.server_field = QLineEdit(self)
        self.server_field.setPlaceholderText("https://central.example.cn")
        form.addWidget(self.server_field, 0, 1)
        form.addWidget(QLabel(self.tr("Enrollment code"), self), 1, 0)
        self.code_field = QLineEdit(self)
        self.code_field.setMaxLength(64)
        form.addWidget(self.code_field, 1, 1)
        form.setColumnStretch(1, 1)
        s.addLayout(form)
        row = QHBoxLayout()
        self.test_button = button(self.tr("Test the connection"), self, self.test_connection)
        self.enroll_button = button(self.tr("Enroll now"), self, self.enroll)
        self.sync_button = button(self.tr("Sync now"), self, self.sync_now)
        row.addWidget(self.test_button)
        row.addWidget(self.enroll_button)
        row.addWidget(self.sync_button)
        row.addStretch(1)
        s.addLayout(row)
        self.progress = QProgressBar(self)
        self.progress.setMinimumHeight(36)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        s.addWidget(self.progress)
        self.sync_words = QLabel(self)
        self.sync_words.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.sync_words.setWordWrap(True)
        s.addWidget(self.sync_words)
        # The metered link: data used today and this month, the daily budget.
        self.data_usage = DataUsagePanel(services, self)
        self.data_usage.said.connect(self.said)
        s.addWidget(self.data_usage)
        s.addStretch(1)
        self.bridge = SyncBridge(self)
        self.bridge.progress.connect(self._progress)

    def show_server(self) -> None:
        """The enrolled address (also put in the empty address field), or how to enroll."""
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
        self.show_server()
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
        self.data_usage.load()
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
        self.synced.emit()

    def _sync_failed(self, exc: BaseException) -> None:
        self.sync_button.setEnabled(True)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.sync_words.clear()
        self._say(error_words(exc), ok=False)

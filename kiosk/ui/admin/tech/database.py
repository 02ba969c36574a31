"""The Database tab: integrity check, backup, restore from a backup, the support bundle, and the
purge of old customer details.

Folder and file choices go through :attr:`DatabaseTab.choose_folder` /
:attr:`DatabaseTab.choose_file`, which tests replace (no native dialog in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QLabel, QVBoxLayout, QWidget

from kiosk.storage.backup import backup_database, integrity_check, new_backup_path
from kiosk.storage.privacy import PurgePreview, PurgeResult, purge_personal_data, purge_preview
from kiosk.storage.restore import restore_backup
from kiosk.storage.support_bundle import write_support_bundle
from kiosk.ui.admin.tech.tab import ACTOR, TechTab, button
from kiosk.ui.errors import error_words
from kiosk.ui.services import KioskServices

if TYPE_CHECKING:
    from kiosk.ui.sync_control import SyncController

#: How long a restore waits for the background sync to stop before it refuses.
SYNC_STOP_TIMEOUT_S = 10.0
#: How long "the kiosk will restart" stays on screen before the kiosk closes after a restore.
RESTART_DELAY_MS = 3_000


def default_choose_folder(parent: QWidget, title: str) -> Path | None:
    """Ask for a folder (the USB stick) with the system dialog."""
    chosen = QFileDialog.getExistingDirectory(parent, title)
    return Path(chosen) if chosen else None


def default_choose_file(parent: QWidget, title: str, start: Path) -> Path | None:
    """Ask for a file with the system dialog."""
    chosen, _ = QFileDialog.getOpenFileName(parent, title, str(start))
    return Path(chosen) if chosen else None


class DatabaseTab(TechTab):
    """The database file's care: check, back up, restore, export for support, purge.

    Signals:
        restored(object): the database was restored (the :class:`RestoreResult`).
        restart_requested(): a restore replaced the data of the running kiosk, which must now
            start again (only with a :attr:`sync` controller, i.e. in the running application).
        data_replaced(): a restore replaced the data and the kiosk keeps running (no
            :attr:`sync` controller): every tab should read afresh. Emitted before the outcome.
    """

    restored = Signal(object)
    restart_requested = Signal()
    data_replaced = Signal()

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.choose_folder: Callable[[QWidget, str], Path | None] = default_choose_folder
        self.choose_file: Callable[[QWidget, str, Path], Path | None] = default_choose_file
        # Set by the application (KioskWindow.set_sync_controller); None: no background sync to
        # pause, and the kiosk stays open after a restore (the store reconnects on next use).
        self.sync: SyncController | None = None
        self.sync_stop_timeout_s = SYNC_STOP_TIMEOUT_S
        self.restart_delay_ms = RESTART_DELAY_MS
        d = QVBoxLayout(self)
        self.db_words = QLabel(self)
        self.db_words.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.db_words.setWordWrap(True)
        d.addWidget(self.db_words)
        buttons = []
        for text, slot in (
            (self.tr("Check the database"), self.check_database),
            (self.tr("Back up now"), self.backup_now),
            (self.tr("Restore from a backup…"), self.restore_from_backup),
            (self.tr("Export a support bundle…"), self.export_bundle),
        ):
            btn = button(text, self, slot)
            btn.setMinimumWidth(420)
            d.addWidget(btn, 0, Qt.AlignmentFlag.AlignLeft)
            buttons.append(btn)
        self.integrity_button, self.backup_button, self.restore_button, self.bundle_button = buttons
        # Villagers' names and phones of long-finished orders (docs/operating.md, privacy).
        self.purge_words = QLabel(self)
        self.purge_words.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
        self.purge_words.setWordWrap(True)
        d.addSpacing(12)
        d.addWidget(self.purge_words)
        self.purge_button = button(self.tr("Purge old customer details…"), self, self.purge_old)
        self.purge_button.setMinimumWidth(420)
        d.addWidget(self.purge_button, 0, Qt.AlignmentFlag.AlignLeft)
        d.addStretch(1)
        self.purge_preview: PurgePreview | None = None

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
            self.data_replaced.emit()  # fresh checks and lists from the restored data
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

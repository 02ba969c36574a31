"""Start the villager's kiosk: the Qt application, the store, the services, the window.

Everything is built here and handed down by constructor (no global application object).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from kiosk.storage.first_paint import DeferredStore, FirstPaint
from kiosk.storage.settings import CENTER_NAME, LANGUAGE, SERVER_URL
from kiosk.ui import theme
from kiosk.ui.bridge import SyncBridge, SyncIndicator
from kiosk.ui.i18n import DEFAULT_LANGUAGE, install_translator
from kiosk.ui.images import ImageCache
from kiosk.ui.services import KioskServices
from kiosk.ui.speech import ReadAloud
from kiosk.ui.store_watch import StoreWatch
from kiosk.ui.sync_control import SyncController
from kiosk.ui.tasks import TaskRunner
from kiosk.ui.window import IDLE_TIMEOUT_MS, KioskWindow, show_kiosk

if TYPE_CHECKING:
    from kiosk.storage.recovery import RecoveryReport
    from kiosk.storage.store import KioskStore
    from kiosk.sync.connectivity import ConnectivityMonitor
    from kiosk.sync.engine import SyncSummary
    from kiosk.ui.single import SingleInstance

log = logging.getLogger(__name__)


def make_app(argv: list[str] | None = None, lang: str = DEFAULT_LANGUAGE) -> QApplication:
    """The QApplication with the kiosk's font, style and translation (reuses an existing one)."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv[:1])
    app.setApplicationName("Village Kiosk")
    app.setFont(theme.font())
    app.setStyleSheet(theme.STYLE_SHEET)
    install_translator(app, lang)  # parented to the app, so it lives as long as the app
    return app


def build_window(
    store: KioskStore,
    *,
    lang: str = DEFAULT_LANGUAGE,
    idle_timeout_ms: int = IDLE_TIMEOUT_MS,
    connected: bool | None = None,
    bridge: SyncBridge | None = None,
    first: FirstPaint | None = None,
) -> KioskWindow:
    """Build services and the window for ``store`` (the QApplication must exist).

    With ``first`` (read before the store was opened: :mod:`kiosk.storage.first_paint`) nothing
    is read from the store until :meth:`KioskWindow.store_opened`.
    """
    runner = TaskRunner()
    images = ImageCache(store.media_dir, runner)
    services = KioskServices(
        store=store,
        runner=runner,
        images=images,
        lang=lang,
        center_name=first.center_name if first else store.setting(CENTER_NAME) or "",
        read_aloud=ReadAloud(store, runner, lang),
    )
    if connected is None:
        connected = first.connected if first else bool(store.setting(SERVER_URL))
    bridge = bridge or SyncBridge()
    indicator = SyncIndicator(store, runner, bridge, connected=connected, changes=services.signals)
    window = KioskWindow(services, indicator, idle_timeout_ms=idle_timeout_ms, first=first)
    runner.setParent(window)
    if services.read_aloud is not None:
        services.read_aloud.setParent(window)
        if first is None:
            services.read_aloud.load()
    bridge.setParent(window)

    def synced(summary: SyncSummary) -> None:
        if summary.pulled_products or summary.deleted_products:
            window.catalog_changed()

    bridge.finished.connect(synced)
    # Commits by a `kiosk` command run beside the open kiosk: the views re-read as after our own.
    watch = StoreWatch(store.path, window)
    watch.changed.connect(lambda: services.signals.changed.emit("store_files"))
    indicator.setParent(window)
    return window


#: Exit code of ``kiosk gui`` after a restore from a backup: the session wrapper
#: (installers/linux/village-kiosk-session) starts the kiosk again, on the restored database.
EXIT_RESTART = 75
#: Exit code of a second ``kiosk gui`` on a data folder whose kiosk is already open (it asked
#: that one to come to the front); the session wrapper does not start it again.
EXIT_ALREADY_RUNNING = 76


def wire_sync(window: KioskWindow, sync: ConnectivityMonitor | SyncController) -> None:
    """Send a new order right away instead of at the next periodic sync (up to 5 min later)."""
    window.order_placed.connect(lambda _receipt: sync.sync_now())


#: How often aggregated browsing counts are queued for the platform (while enrolled).
DEMAND_EVERY_MS = 15 * 60 * 1000


def start_demand_counts(window: KioskWindow) -> QTimer:
    """Queue one aggregated ``demand_counts`` outbox event now and then (off the GUI thread)."""
    from kiosk.storage.browsing import enqueue_demand_counts

    store, runner = window.services.store, window.services.runner
    timer = QTimer(window)
    timer.setInterval(DEMAND_EVERY_MS)
    timer.timeout.connect(lambda: runner.run(lambda: enqueue_demand_counts(store)))
    timer.start()
    return timer


#: Hidden hook for benchmarks/startup.py: "1" prints ``KIOSK_READY painted_at=<unix time>
#: sqlalchemy=<0|1>`` on stdout at the first paint of the loaded home screen (whether SQLAlchemy
#: was imported by then); "exit" also closes the kiosk right after.
ENV_REPORT_READY = "KIOSK_REPORT_READY"
#: Background work (sync, demand counts, building the other screens) starts after the home
#: screen's first paint, or after this long if the home screen never loads.
BACKGROUND_START_LATEST_MS = 5_000


class _HomePaintWatcher(QObject):
    """Calls back once, from the event loop, after the first paint of the loaded home screen."""

    def __init__(self, window: KioskWindow, callbacks: list[Callable[[], None]]) -> None:
        super().__init__(window)
        self._window = window
        self._callbacks = callbacks
        # Loaded already when the window was built from a first-paint read.
        self._loaded = window.home.shown_once
        window.home.loaded.connect(self._on_loaded)
        window.home.installEventFilter(self)

    def _on_loaded(self) -> None:
        self._loaded = True
        self._window.home.update()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self._loaded and event.type() == QEvent.Type.Paint:
            obj.removeEventFilter(self)
            # Called from the event loop, i.e. after this paint event has been handled.
            QTimer.singleShot(0, self, self._fire)
        return False

    def _fire(self) -> None:
        callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()


def when_home_painted(window: KioskWindow, *callbacks: Callable[[], None]) -> None:
    """Run ``callbacks`` (in order, on the GUI thread) right after the loaded home screen's first
    paint."""
    _HomePaintWatcher(window, list(callbacks))


def ready_report(window: KioskWindow) -> Callable[[], None] | None:
    """The :data:`ENV_REPORT_READY` hook when the variable is set, else ``None``: to run first
    after the home screen's first paint (before the store opens after it)."""
    mode = os.environ.get(ENV_REPORT_READY, "")
    if mode not in ("1", "exit"):
        return None

    def report() -> None:
        loaded = int("sqlalchemy" in sys.modules)
        sys.stdout.write(f"KIOSK_READY painted_at={time.time():.4f} sqlalchemy={loaded}\n")
        sys.stdout.flush()
        if mode == "exit":
            window.close()

    return report


#: How often the kiosk checks whether the daily automatic backup is due.
BACKUP_CHECK_EVERY_MS = 60 * 60 * 1000
#: How long after start-up the full file check and the first backup check run.
STORE_CARE_DELAY_MS = 10_000


def _notice(window: KioskWindow, text: str) -> QMessageBox:
    """A non-blocking message for the shop (the kiosk keeps working behind it)."""
    box = QMessageBox(QMessageBox.Icon.Warning, " ", text, QMessageBox.StandardButton.Ok, window)
    box.setFont(theme.font(theme.BASE_PX + 4))
    box.setTextFormat(Qt.TextFormat.PlainText)  # data, never markup
    box.open()
    return box


def start_store_care(window: KioskWindow, recovered: RecoveryReport | None) -> QTimer:
    """Say so when a repair happened at start; check the file and back it up off the GUI thread.

    The full ``quick_check`` takes seconds on a large store, so it runs after start-up; when it
    finds damage the store is flagged (sync stops sending) and the shop is asked to restart,
    which repairs it. The automatic backup is checked now and every hour (due once a day).
    """
    from kiosk.storage.autobackup import backup_if_due
    from kiosk.storage.recovery import verify_store

    store, runner = window.services.store, window.services.runner
    if recovered is not None:
        _notice(
            window,
            QCoreApplication.translate(
                "KioskApp",
                "The kiosk's database was damaged and has been repaired from a backup.\n"
                "Orders restored from the backup: %1. Orders rescued from the damaged file: %2.\n"
                "The technician can read the full report in %3.",
            )
            .replace("%1", str(recovered.orders_from_backup))
            .replace("%2", str(recovered.orders_rescued))
            .replace("%3", recovered.damaged_dir),
        )

    def checked(verdict: str) -> None:
        if verdict != "ok":
            _notice(
                window,
                QCoreApplication.translate(
                    "KioskApp",
                    "The kiosk's database looks damaged. Orders are kept but not sent.\n"
                    "Please close and restart the kiosk: it repairs itself at start.",
                ),
            )

    def backup() -> None:
        runner.run(lambda: backup_if_due(store.data_dir), on_failure=_log_backup_failure)

    def first_checks() -> None:
        runner.run(lambda: verify_store(store.data_dir), checked)
        runner.run(store.search_keys_current, reindex_if_needed, _log_reindex_failure)
        backup()

    def reindex_if_needed(current: bool) -> None:
        if current:
            return
        # After an upgrade that changed the search keys: searches find less until it is done.
        window.top.set_note(reindex_note())

        def done(_n: object = None) -> None:
            window.top.set_note("")

        def failed(exc: BaseException) -> None:
            done()
            _log_reindex_failure(exc)

        runner.run(store.refresh_search_keys, done, failed)

    # Later, not at start-up: the first screen and its pictures get the disk and the CPU first.
    QTimer.singleShot(STORE_CARE_DELAY_MS, window, first_checks)
    timer = QTimer(window)
    timer.setInterval(BACKUP_CHECK_EVERY_MS)
    timer.timeout.connect(backup)
    timer.start()
    return timer


def reindex_note() -> str:
    """The top bar's note while the search index is rebuilt after an upgrade."""
    return QCoreApplication.translate("KioskApp", "Sorting the catalog: search may be slow")


def _log_backup_failure(exc: BaseException) -> None:
    log.error("automatic backup failed: %s", exc)


def _log_reindex_failure(exc: BaseException) -> None:
    log.error("rebuilding the search index failed (next start tries again): %s", exc)


def open_first_run_if_needed(window: KioskWindow, first: FirstPaint | None = None) -> bool:
    """Open the technician's first-run wizard when the kiosk has no PINs yet (``first`` says,
    when the store is not open yet).

    Not while the start-up benchmark's hook waits for the home screen to paint.
    """
    if os.environ.get(ENV_REPORT_READY):
        return False
    if first is not None:
        if first.pins_set:
            return False
    else:
        # The PIN check, not the wizard's module: a configured kiosk never imports the wizard.
        from kiosk.storage.admin import pins_configured

        if all(pins_configured(window.services.store).values()):
            return False
    window.show_first_run()
    return True


def choose_language(store: KioskStore | FirstPaint, requested: str | None) -> str:
    """The screen language: ``requested`` (``--lang``), else the first-run choice (from the store
    or from its first-paint read), else zh_CN."""
    if requested:
        return requested
    chosen = store.language if isinstance(store, FirstPaint) else store.setting(LANGUAGE)
    return chosen if chosen in ("zh_CN", "en") else DEFAULT_LANGUAGE


def run_gui(
    data_dir: Path,
    *,
    windowed: bool = False,
    lang: str | None = None,
    idle_timeout_s: float = IDLE_TIMEOUT_MS / 1000,
    first: FirstPaint | None = None,
) -> int:
    """Run the kiosk until the window closes; returns the exit code.

    ``first``: the home screen read before the store was opened
    (:func:`kiosk.storage.first_paint.read_first_paint`); the store is then opened right after
    the first paint. ``None``: the store is opened (migrated, repaired) before the window.

    ``lang`` overrides the language chosen in the first-run wizard (setting ``ui.language``).
    Only one kiosk runs per data folder: a second one asks the first to come to the front and
    returns :data:`EXIT_ALREADY_RUNNING` without touching the database.
    """
    from kiosk.ui.single import SingleInstance

    instance = SingleInstance(data_dir)
    if not instance.acquire():
        sys.stderr.write(ALREADY_RUNNING_LINE + "\n")
        return EXIT_ALREADY_RUNNING
    try:
        return _run_gui(
            data_dir,
            instance,
            windowed=windowed,
            lang=lang,
            idle_timeout_s=idle_timeout_s,
            first=first,
        )
    finally:
        instance.release()


#: What a second ``kiosk gui`` on the same data folder prints before it exits.
ALREADY_RUNNING_LINE = (
    "kiosk: the kiosk is already open on this data folder; it was brought to the front "
    "(this second one closes)"
)


def _run_gui(
    data_dir: Path,
    instance: SingleInstance,
    *,
    windowed: bool,
    lang: str | None,
    idle_timeout_s: float,
    first: FirstPaint | None,
) -> int:
    from kiosk.logs import setup_logging

    # The running kiosk's orders, syncs, PIN warnings … go to kiosk.log (the technician's log
    # tab and the support bundle read it), through the privacy filter of kiosk.logs.
    setup_logging(data_dir)
    log.info("kiosk window starting")
    opening = _StoreOpening(data_dir)
    if first is None:
        # Repairs a damaged store first (docs/reliability.md, Damaged database). A search index
        # from another key format is rebuilt in the background after the first paint
        # (start_store_care), not before the window shows.
        store = opening.open()
        lang = choose_language(store, lang)
    else:
        # The home screen paints from ``first``; the store opens right after that paint.
        store = cast("KioskStore", DeferredStore(data_dir, opening.open))
        lang = choose_language(first, lang)
    app = make_app(lang=lang)
    instance.listen()  # after the QApplication: its socket needs the event loop
    bridge = SyncBridge()
    window = build_window(
        store, lang=lang, idle_timeout_ms=int(idle_timeout_s * 1000), bridge=bridge, first=first
    )
    sync = SyncController(store, bridge, window)
    # A restore from the technician screen pauses the sync first, then restarts the kiosk.
    window.set_sync_controller(sync)
    window.restart_requested.connect(lambda: app.exit(EXIT_RESTART))
    sync.began.connect(lambda: start_demand_counts(window))

    def start_background() -> None:
        # Once: after the first paint, or at the latest BACKGROUND_START_LATEST_MS after start.
        # Sync (httpx, keyring) and the other screens are not needed to show the home screen.
        # Not when the store failed to open after the paint: the kiosk is exiting with that error.
        if sync.started or opening.failure is not None:
            return
        sync.start()
        wire_sync(window, sync)
        window.prebuild_screens()

    def after_enrollment(_enrollment: object) -> None:
        # The wizard or the technician's enroll form: sync from now on, without a restart.
        if sync.paused:
            return
        if window.indicator is not None:
            window.indicator.set_connected(True)
        if not sync.started:
            start_background()
        else:
            sync.restart()

    def open_store() -> None:
        # After the first paint from ``first``: the villager sees the home screen meanwhile.
        try:
            cast(DeferredStore, store).open()
        except Exception as exc:  # the same failures the slow path raises before the window
            opening.failure = exc
            app.exit(1)
            return
        window.store_opened()
        start_store_care(window, opening.recovered)

    window.enrolled.connect(after_enrollment)
    instance.raise_requested.connect(lambda: bring_to_front(window, windowed=windowed))
    # One watcher, so these run in this order after the paint: the benchmark's report first.
    after_paint = [open_store, start_background] if first is not None else [start_background]
    report = ready_report(window)
    when_home_painted(window, *([report] if report else []), *after_paint)
    QTimer.singleShot(BACKGROUND_START_LATEST_MS, window, start_background)
    open_first_run_if_needed(window, first)
    show_kiosk(window, windowed=windowed)
    if first is None:
        start_store_care(window, opening.recovered)
    try:
        code = int(app.exec())
        if opening.failure is not None:
            raise opening.failure
        return code
    finally:
        sync.stop()
        window.services.runner.shutdown()
        if window.practicing():
            window.practice.leave_now()  # the practice store never outlives the kiosk
        store.close()
        log.info("kiosk window closed")


class _StoreOpening:
    """Opens the kiosk's store with :func:`kiosk.storage.recovery.open_or_recover` and keeps what
    the window must tell afterwards: the recovery report, or the failure that stops the kiosk."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.recovered: RecoveryReport | None = None
        self.failure: Exception | None = None

    def open(self) -> KioskStore:
        from kiosk.storage.recovery import open_or_recover

        store, self.recovered = open_or_recover(self.data_dir, refresh_search=False)
        return store


#: How long the "already open" notice stays on the kiosk brought to the front.
ALREADY_OPEN_NOTICE_MS = 6_000


def bring_to_front(window: KioskWindow, *, windowed: bool) -> QMessageBox:
    """Show the kiosk again on top (a second kiosk was started) and say so briefly."""
    show_kiosk(window, windowed=windowed)
    window.raise_()
    window.activateWindow()
    box = _notice(
        window,
        QCoreApplication.translate(
            "KioskApp", "The kiosk is already open. There is no need to start it again."
        ),
    )
    QTimer.singleShot(ALREADY_OPEN_NOTICE_MS, box, box.accept)
    return box

"""Start the villager's kiosk: the Qt application, the store, the services, the window.

Everything is built here and handed down by constructor (no global application object).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.storage.browsing import enqueue_demand_counts
from kiosk.storage.orders import CENTER_NAME_KEY
from kiosk.storage.store import KioskStore
from kiosk.ui import theme
from kiosk.ui.bridge import SyncBridge, SyncIndicator
from kiosk.ui.i18n import DEFAULT_LANGUAGE, install_translator
from kiosk.ui.images import ImageCache
from kiosk.ui.services import KioskServices
from kiosk.ui.tasks import TaskRunner
from kiosk.ui.window import IDLE_TIMEOUT_MS, KioskWindow, show_kiosk

log = logging.getLogger(__name__)

#: Setting written at enrollment; its presence means the kiosk talks to a central service.
SERVER_URL_KEY = "sync.server_url"


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
) -> KioskWindow:
    """Build services and the window for ``store`` (the QApplication must exist)."""
    runner = TaskRunner()
    images = ImageCache(store.media_dir, runner)
    services = KioskServices(
        store=store,
        runner=runner,
        images=images,
        lang=lang,
        center_name=store.setting(CENTER_NAME_KEY) or "",
    )
    if connected is None:
        connected = bool(store.setting(SERVER_URL_KEY))
    bridge = bridge or SyncBridge()
    indicator = SyncIndicator(store, runner, bridge, connected=connected)
    window = KioskWindow(services, indicator, idle_timeout_ms=idle_timeout_ms)
    runner.setParent(window)
    bridge.setParent(window)
    indicator.setParent(window)
    return window


def start_sync(store: KioskStore, on_event: Callable[[str, Any], None]) -> Any | None:
    """Start the background sync when the kiosk is enrolled; ``None`` when it is not (yet).

    The GUI never fails to start because of sync: a problem here is logged and the indicator
    keeps saying what it knows from the outbox.
    """
    if not store.setting(SERVER_URL_KEY):
        return None
    try:
        from kiosk.sync.connectivity import ConnectivityMonitor
        from kiosk.sync.factory import open_engine

        engine = open_engine(store, on_event=on_event)
        monitor = ConnectivityMonitor(engine, on_event=on_event)
        monitor.start()
        return monitor
    except Exception:  # the shop can still take orders offline; the indicator says so
        log.exception("could not start background sync")
        return None


#: How often aggregated browsing counts are queued for the platform (while enrolled).
DEMAND_EVERY_MS = 15 * 60 * 1000


def start_demand_counts(window: KioskWindow) -> QTimer:
    """Queue one aggregated ``demand_counts`` outbox event now and then (off the GUI thread)."""
    store, runner = window.services.store, window.services.runner
    timer = QTimer(window)
    timer.setInterval(DEMAND_EVERY_MS)
    timer.timeout.connect(lambda: runner.run(lambda: enqueue_demand_counts(store)))
    timer.start()
    return timer


def run_gui(
    data_dir: Path,
    *,
    windowed: bool = False,
    lang: str = DEFAULT_LANGUAGE,
    idle_timeout_s: float = IDLE_TIMEOUT_MS / 1000,
) -> int:
    """Run the kiosk until the window closes; returns the exit code."""
    app = make_app(lang=lang)
    store = KioskStore.open(data_dir)
    bridge = SyncBridge()
    window = build_window(
        store, lang=lang, idle_timeout_ms=int(idle_timeout_s * 1000), bridge=bridge
    )
    monitor = start_sync(store, bridge.on_event)
    if monitor is not None:
        start_demand_counts(window)
    show_kiosk(window, windowed=windowed)
    try:
        return int(app.exec())
    finally:
        if monitor is not None:
            monitor.stop()
        window.services.runner.shutdown()
        store.close()

"""Entry point of the bundled kiosk (PyInstaller): exactly the ``kiosk`` console script.

One hidden self-test hook for installer tests and technicians, inert unless its variable is set:

* ``KIOSK_SELFTEST_SCREENSHOT=PATH`` — when the first kiosk window is on screen, print
  ``KIOSK_SELFTEST shown_ms=N shown_at=T`` on stdout (milliseconds since Python started in this
  process; the wall-clock time, so a test can measure from its own launch), then after
  ``KIOSK_SELFTEST_QUIT_AFTER`` seconds (default 3) save a PNG of the window to PATH, print
  ``KIOSK_SELFTEST screenshot=PATH`` and quit with the kiosk's normal exit code.

It lives here, not in ``kiosk/ui``, because it only makes sense for the packaged app; it creates the
QApplication before ``kiosk.ui.app.make_app`` runs, which reuses an existing one.
"""

from __future__ import annotations

import os
import sys
import time

_STARTED = time.monotonic()
ENV_SCREENSHOT = "KIOSK_SELFTEST_SCREENSHOT"
ENV_QUIT_AFTER = "KIOSK_SELFTEST_QUIT_AFTER"


def _install_selftest(path: str, quit_after_s: float) -> None:
    """Watch for the first shown top-level window; grab it later and quit (see module doc)."""
    # Qt is imported only when the hook is asked for.
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication(sys.argv[:1])
    state: dict[str, QWidget] = {}

    def say(line: str) -> None:
        sys.stdout.write(f"KIOSK_SELFTEST {line}\n")
        sys.stdout.flush()

    def grab_and_quit() -> None:
        window = state["window"]
        ok = window.grab().save(path, "PNG")
        say(f"screenshot={path}" if ok else f"screenshot-failed={path}")
        app.quit()

    def poll() -> None:
        shown = [w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()]
        if not shown:
            return
        poller.stop()
        state["window"] = shown[0]
        ms = int((time.monotonic() - _STARTED) * 1000)
        say(f"shown_ms={ms} shown_at={time.time():.3f}")
        QTimer.singleShot(int(quit_after_s * 1000), grab_and_quit)

    # Parented to the application so it lives until exec() runs and ends with it.
    poller = QTimer(app)
    poller.setInterval(10)
    poller.timeout.connect(poll)
    poller.start()


def main() -> int:
    """Run the kiosk command line, with the self-test hook when asked for."""
    shot = os.environ.get(ENV_SCREENSHOT)
    if shot:
        _install_selftest(shot, float(os.environ.get(ENV_QUIT_AFTER) or 3.0))
    from kiosk.cli import main as kiosk_main

    return kiosk_main()


if __name__ == "__main__":
    sys.exit(main())

"""What the sync side tells its callers: the :class:`SyncListener` protocol.

The engine and the connectivity monitor call a listener's methods on their own thread with typed
data (a :class:`~kiosk.sync.engine.SyncProgress`, a :class:`~kiosk.sync.engine.SyncSummary`);
the Qt bridge (``kiosk.ui.bridge``) re-emits them as signals on the GUI thread, the CLI prints
them. Qt-free. A listener that raises is logged and ignored: it never breaks a sync.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kiosk.sync.engine import SyncProgress, SyncSummary

log = logging.getLogger(__name__)


class SyncListener(Protocol):
    """Told what a sync does; every method is called on the sync thread."""

    def on_progress(self, progress: SyncProgress) -> None:
        """A running sync moved on (phase, done, total)."""

    def on_finished(self, summary: SyncSummary) -> None:
        """A run ended (successfully or not): what it did."""

    def on_online(self) -> None:
        """The central service answers (after not answering, or not being tried yet)."""

    def on_offline(self) -> None:
        """The central service cannot be reached."""


class QuietListener:
    """A listener that ignores everything; subclass it to hear only some of it."""

    def on_progress(self, progress: SyncProgress) -> None:
        """Ignored."""

    def on_finished(self, summary: SyncSummary) -> None:
        """Ignored."""

    def on_online(self) -> None:
        """Ignored."""

    def on_offline(self) -> None:
        """Ignored."""


def tell(listener: SyncListener | None, call: Callable[[SyncListener], None], what: str) -> None:
    """Call ``call(listener)``; a listener's failure is logged, never raised into the sync."""
    if listener is None:
        return
    try:
        call(listener)
    except Exception:  # a broken listener must never break a sync
        log.exception("sync listener failed on %s", what)

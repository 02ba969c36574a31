"""Whether a pull-back from central is due, kept in the settings table (see
:mod:`kiosk.storage.pullback` and docs/sync-protocol.md, "Pull-back").

Its own module so that placing an order (:mod:`kiosk.storage.orders`) can ask it without
importing the pull-back itself, which builds on the order functions.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from kiosk.errors import InvalidInput
from kiosk.storage.settings import PULLBACK, PULLBACK_CURSOR
from kiosk.storage.store import KioskStore

RESTORE = "restore"
ENROLL = "enroll"


def mark_needed(s: Session, why: str) -> None:
    """Ask for a pull-back from the start (inside the caller's write unit of work)."""
    current = KioskStore.get_setting(s, PULLBACK) or ""
    # A restore outranks an enrollment: it also blocks ordering until the numbers are known.
    KioskStore.set_setting(s, PULLBACK, RESTORE if RESTORE in (current, why) else why)
    KioskStore.set_setting(s, PULLBACK_CURSOR, "")


def pending(s: Session) -> str:
    """``restore``, ``enroll`` or ``""`` (nothing to pull back)."""
    return KioskStore.get_setting(s, PULLBACK) or ""


def finish(s: Session) -> None:
    KioskStore.set_setting(s, PULLBACK, "")
    KioskStore.set_setting(s, PULLBACK_CURSOR, "")


def check_may_order(s: Session) -> None:
    """Refuse ordering on a restored PC until its order numbers are known from central."""
    if pending(s) == RESTORE:
        raise InvalidInput(
            "this kiosk was restored from a backup: connect to the platform once (sync) before"
            " taking orders, so no order number is given twice",
            code="order.restore_pullback",
        )

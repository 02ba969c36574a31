"""The metered link (省流量): bytes used today and this month, and the daily data budget.

Bytes are counted on the wire by the sync client (:mod:`kiosk.sync.meter`) and added here after
each sync run (:func:`add_usage`). Days and months are the kiosk's local calendar: the dongle's
data plan counts by it, and a wrong clock shifts the day, never the bytes. The totals live in
the settings table (keys in :mod:`kiosk.storage.settings`); a new day or month starts from zero.

The budget is the technician's: over it, the sync engine defers images to a day with budget
left; the catalog and orders always go (docs/sync-engine.md, "Metered link").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from kiosk.errors import InvalidInput
from kiosk.storage.settings import (
    DATA_DAILY_BUDGET,
    DATA_DAY,
    DATA_DAY_BYTES,
    DATA_MONTH,
    DATA_MONTH_BYTES,
)
from kiosk.storage.store import KioskStore

#: The largest daily budget accepted (1 TiB): anything above is a typing slip.
MAX_DAILY_BUDGET = 1 << 40


@dataclass(frozen=True, slots=True)
class DataUsage:
    """Bytes sent and received, and the budget (``0``: no budget)."""

    today_bytes: int
    month_bytes: int
    daily_budget_bytes: int

    @property
    def over_budget(self) -> bool:
        """A budget is set and today's bytes reached it."""
        return 0 < self.daily_budget_bytes <= self.today_bytes


def _int(s: Session, key: str) -> int:
    text = KioskStore.get_setting(s, key) or ""
    try:
        return max(0, int(text))
    except ValueError:
        return 0


def read_usage(s: Session, today: date) -> DataUsage:
    """Today's and this month's bytes (zero once the stored day or month is over)."""
    day = _int(s, DATA_DAY_BYTES) if KioskStore.get_setting(s, DATA_DAY) == today.isoformat() else 0
    month_key = today.isoformat()[:7]
    month = _int(s, DATA_MONTH_BYTES) if KioskStore.get_setting(s, DATA_MONTH) == month_key else 0
    return DataUsage(day, month, _int(s, DATA_DAILY_BUDGET))


def data_usage(store: KioskStore, today: date) -> DataUsage:
    """:func:`read_usage` in its own short read."""
    with store.read() as s:
        return read_usage(s, today)


def add_usage(store: KioskStore, today: date, nbytes: int) -> DataUsage:
    """Add ``nbytes`` to today's and this month's totals; the totals after."""
    with store.write() as s:
        now = read_usage(s, today)
        if nbytes <= 0:
            return now
        after = DataUsage(
            now.today_bytes + nbytes, now.month_bytes + nbytes, now.daily_budget_bytes
        )
        KioskStore.set_setting(s, DATA_DAY, today.isoformat())
        KioskStore.set_setting(s, DATA_DAY_BYTES, str(after.today_bytes))
        KioskStore.set_setting(s, DATA_MONTH, today.isoformat()[:7])
        KioskStore.set_setting(s, DATA_MONTH_BYTES, str(after.month_bytes))
    return after


def set_daily_budget(store: KioskStore, nbytes: int, actor: str) -> None:
    """Set the daily data budget in bytes; ``0`` removes it."""
    if (
        isinstance(nbytes, bool)
        or not isinstance(nbytes, int)
        or not 0 <= nbytes <= MAX_DAILY_BUDGET
    ):
        raise InvalidInput("the daily data budget is 0 (none) or a positive number of bytes")
    with store.write() as s:
        KioskStore.set_setting(s, DATA_DAILY_BUDGET, str(nbytes))
        KioskStore.audit(s, actor, "data_budget_set", None, f"{nbytes} bytes")

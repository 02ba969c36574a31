"""Sync status for people: queue, last success, cursors, enrollment, the clock in plain words."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from kiosk.storage import outbox
from kiosk.storage.data_usage import read_usage
from kiosk.storage.settings import (
    CATALOG_CURSOR,
    CENTER_ID,
    CENTER_NAME,
    CLOCK_OFFSET_S,
    DEVICE_ID,
    LAST_ATTEMPT_AT,
    LAST_ERROR,
    LAST_ERROR_CODE,
    LAST_SUCCESS_AT,
    ORDERS_CURSOR,
    SERVER_URL,
)
from kiosk.storage.store import KioskStore

#: A kiosk clock further off than this is reported to people.
CLOCK_WARN_S = 5 * 60


def _amount(seconds: float) -> str:
    s = abs(seconds)
    if s >= 2 * 86400:
        n, unit = round(s / 86400), "day"
    elif s >= 2 * 3600:
        n, unit = round(s / 3600), "hour"
    elif s >= 3600:
        n, unit = 1, "hour"
    else:
        n, unit = max(1, round(s / 60)), "minute"
    return f"{n} {unit}{'' if n == 1 else 's'}"


def clock_warning(offset_s: float | None) -> str | None:
    """Plain words when the kiosk clock is off by more than five minutes, else ``None``.

    ``offset_s`` is kiosk clock minus server clock: positive means the kiosk is fast.
    """
    if offset_s is None or abs(offset_s) <= CLOCK_WARN_S:
        return None
    direction = "fast" if offset_s > 0 else "slow"
    return f"The computer's clock is {_amount(offset_s)} {direction}: please fix the clock"


@dataclass(frozen=True, slots=True)
class SyncStatus:
    """What ``kiosk status`` shows (never the device token).

    ``last_error`` is the last failed run's English lines; ``last_error_code`` its
    :class:`~kiosk.sync.errors.SyncCode` (``None`` after a run that worked, or before any).
    """

    enrolled: bool
    center_id: str | None
    center_name: str | None
    device_id: str | None
    server_url: str | None
    queue_depth: int
    quarantined: int
    oldest_unsent_age_s: float | None
    last_success_at: str | None
    last_attempt_at: str | None
    last_error: str | None
    last_error_code: str | None
    catalog_cursor: str | None
    orders_cursor: str | None
    clock_offset_s: float | None
    clock_warning: str | None
    #: Bytes on the wire today and this month (the kiosk's local calendar) and the daily data
    #: budget (0: none); kiosk/storage/data_usage.py.
    data_today_bytes: int = 0
    data_month_bytes: int = 0
    data_daily_budget_bytes: int = 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return asdict(self)


def sync_status(store: KioskStore, now: datetime) -> SyncStatus:
    """Read the sync status from the store (``now`` is the kiosk clock, for ages)."""
    with store.read() as s:
        st = outbox.stats(s)

        def get(key: str) -> str | None:
            return KioskStore.get_setting(s, key) or None

        offset_text = get(CLOCK_OFFSET_S)
        device_id = get(DEVICE_ID)
        server_url = get(SERVER_URL)
        center_id = get(CENTER_ID)
        center_name = get(CENTER_NAME)
        values = {
            k: get(k) for k in (LAST_SUCCESS_AT, LAST_ATTEMPT_AT, LAST_ERROR, LAST_ERROR_CODE)
        }
        cursors = (get(CATALOG_CURSOR), get(ORDERS_CURSOR))
        usage = read_usage(s, now.astimezone().date())
    try:
        offset = float(offset_text) if offset_text else None
    except ValueError:
        offset = None
    if offset is not None and not math.isfinite(offset):
        offset = None  # stored by an older version from a hostile reply: not a clock reading
    return SyncStatus(
        enrolled=bool(device_id and server_url),
        center_id=center_id,
        center_name=center_name,
        device_id=device_id,
        server_url=server_url,
        queue_depth=st.pending,
        quarantined=st.quarantined,
        oldest_unsent_age_s=st.oldest_pending_age_s(now),
        last_success_at=values[LAST_SUCCESS_AT],
        last_attempt_at=values[LAST_ATTEMPT_AT],
        last_error=values[LAST_ERROR],
        last_error_code=values[LAST_ERROR_CODE],
        catalog_cursor=cursors[0],
        orders_cursor=cursors[1],
        clock_offset_s=offset,
        clock_warning=clock_warning(offset),
        data_today_bytes=usage.today_bytes,
        data_month_bytes=usage.month_bytes,
        data_daily_budget_bytes=usage.daily_budget_bytes,
    )

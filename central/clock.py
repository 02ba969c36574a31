"""The central service's clock and how it writes times (timezone-aware UTC, ISO 8601 ``Z``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from kiosk.kernel.clock import utc_now as utc_now  # the server clock: one definition

#: The server clock the services use; tests inject one to move time.
Clock = Callable[[], datetime]


def aware(dt: datetime) -> datetime:
    """``dt`` as timezone-aware UTC (SQLite hands datetimes back naive; all we store is UTC)."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def iso(dt: datetime) -> str:
    """ISO 8601 UTC with a ``Z``, to the second."""
    return aware(dt).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

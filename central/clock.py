"""The central service's clock and how it writes times (timezone-aware UTC, ISO 8601 ``Z``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

#: The server clock the services use; tests inject one to move time.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The server clock, timezone-aware UTC."""
    return datetime.now(UTC)


def aware(dt: datetime) -> datetime:
    """``dt`` as timezone-aware UTC (SQLite hands datetimes back naive; all we store is UTC)."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def iso(dt: datetime) -> str:
    """ISO 8601 UTC with a ``Z``, to the second."""
    return aware(dt).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

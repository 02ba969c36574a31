"""The UTC clock, in the two forms the project stores and compares times."""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now, as an aware UTC :class:`~datetime.datetime` (central's default clock)."""
    return datetime.now(UTC)


def utc_now_text() -> str:
    """Now in UTC as ISO-8601 text with milliseconds, as the kiosk's store keeps timestamps."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")

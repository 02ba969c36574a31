"""`kiosk` sub-commands: sync (placeholder until implemented)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Register this group's sub-commands."""

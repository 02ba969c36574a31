"""How long to wait, rounded the one way people are told it.

Pure domain code (no SQL, no Qt). The PIN and pickup-code back-offs, central's enrollment brake and
the sync client's "busy, try later" all say a wait; screens say :func:`rounded_wait` in their
language, the CLI uses :func:`wait_words`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Wait:
    """A wait as people are told it: ``amount`` whole ``unit`` (``"second"`` or ``"minute"``)."""

    amount: int
    unit: str

    @property
    def in_minutes(self) -> bool:
        """True when the wait is said in minutes."""
        return self.unit == "minute"


#: Waits of at least this many seconds are said in whole minutes.
WAIT_MINUTES_FROM_S = 90


def whole_seconds(seconds: float) -> int:
    """A wait in whole seconds, rounded up, at least 1 (a countdown starts from it)."""
    if not math.isfinite(seconds):
        return 24 * 3600 if seconds > 0 else 1
    return max(1, math.ceil(seconds))


def rounded_wait(seconds: float) -> Wait:
    """The one rounding of a wait for people (every screen, the CLI and central's brake use it).

    Always rounded UP, so a person told "wait N" never comes back before the wait is over:
    whole seconds (at least 1) under 90 s, else whole minutes (so never "1 minute").
    """
    s = whole_seconds(seconds)
    if s < WAIT_MINUTES_FROM_S:
        return Wait(s, "second")
    return Wait(math.ceil(s / 60), "minute")


def wait_words(seconds: float) -> str:
    """A wait in English for one-line messages: ``"45 seconds"``, ``"3 minutes"``."""
    w = rounded_wait(seconds)
    if not w.in_minutes:
        return f"{w.amount} second{'s' if w.amount != 1 else ''}"
    return f"{w.amount} minutes"

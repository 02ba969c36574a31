"""Identifiers generated on the kiosk.

Order ids and outbox event ids are UUIDv7 (RFC 9562): time-ordered for index locality, random
enough to be unique across every kiosk, and permanent — they are the idempotency key the central
service deduplicates on forever. The timestamp bits come from the kiosk clock, which may be wrong;
that only affects locality, never correctness, because nothing orders data by these ids.
"""

from __future__ import annotations

import os
import time
import uuid


def uuid7() -> str:
    """Return a new UUIDv7 as a lowercase hyphenated string."""
    ms = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10), "big")
    rand_a = (rand >> 62) & 0xFFF  # 12 bits
    rand_b = rand & ((1 << 62) - 1)  # 62 bits
    value = ((ms & ((1 << 48) - 1)) << 80) | (0x7 << 76) | (rand_a << 64) | (0b10 << 62) | rand_b
    return str(uuid.UUID(int=value))


def is_uuid(text: str) -> bool:
    """True when ``text`` is a canonical UUID string."""
    try:
        return str(uuid.UUID(text)) == text.lower()
    except (ValueError, AttributeError, TypeError):
        return False

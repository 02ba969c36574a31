"""Pickup codes: six digits, shown once at placement, stored only as a salted hash.

A six-digit code has only a million values, so no hash makes an offline guess expensive for
someone who already holds the database file; what protects the code is that it is never stored
in clear, never logged, and that wrong codes at the counter are rate-limited (owner issue). The
hash is PBKDF2-HMAC-SHA256 with a random per-order salt and a modest work factor so that placing
an order stays well inside its 10 ms budget.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets

CODE_DIGITS = 6
_ITERATIONS = 2_000


def new_pickup_code() -> str:
    """A fresh random six-digit code (leading zeros allowed)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def hash_pickup_code(code: str, salt: bytes | None = None) -> tuple[str, str]:
    """Return ``(salt_hex, hash_hex)`` for ``code``; a new salt is drawn when none is given."""
    salt = salt if salt is not None else os.urandom(16)
    digest = hashlib.pbkdf2_hmac("sha256", code.encode("ascii"), salt, _ITERATIONS)
    return salt.hex(), digest.hex()


def verify_pickup_code(code: str, salt_hex: str, hash_hex: str) -> bool:
    """True when ``code`` matches the stored salt and hash (constant-time comparison)."""
    code = code.strip()
    if len(code) != CODE_DIGITS or not code.isdigit():
        return False
    _, digest = hash_pickup_code(code, bytes.fromhex(salt_hex))
    return hmac.compare_digest(digest, hash_hex)

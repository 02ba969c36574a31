"""Pickup codes: six digits, shown once at placement, stored only as a salted, slow hash.

A six-digit code has only a million values, so whoever holds a copy of the database (a lost
backup, a copied support stick, a second account on the shop PC) can try them all offline. The
hash makes each try expensive: **scrypt** (N=2^14, r=8, p=1: 16 MiB per try), so trying the whole
code space costs core-hours per order instead of the minutes it took with the first scheme
(PBKDF2-HMAC-SHA256, 2,000 iterations; figures in docs/benchmarks.md), and the 16 MiB per guess
blunts GPUs. The owner's hand-over checks one code, which nobody notices. The code is
also never stored in clear nor logged, and wrong codes at the counter are rate-limited.

The stored form is versioned by the ``pickup_salt`` column (see docs/orders.md):

* ``"<32 hex>"`` (16-byte salt): scheme 1, PBKDF2-HMAC-SHA256 with 2,000 iterations. Orders
  placed before scheme 2 keep it and still verify.
* ``"s2:<24 hex>"`` (12-byte salt, so the field stays within its 32 characters): scheme 2,
  scrypt as above. Every new order.

``pickup_hash`` is the 32-byte digest in hex in both schemes.

Codes are ASCII digits. Full-width digits (``０４２９１７``, which Chinese input methods type)
are folded to ASCII; other digits (Arabic-Indic, superscripts) are refused, never guessed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass

from kiosk.text import ascii_digits, is_ascii_digits

CODE_DIGITS = 6
#: Scheme 1 (verify only).
_PBKDF2_ITERATIONS = 2_000
#: Scheme 2: scrypt cost (N, r, p); 128 * r * N = 16 MiB of memory per hash.
SCRYPT_N = 2**14
SCRYPT_R = 8
SCRYPT_P = 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024
SCHEME_2 = "s2:"
_SALT_BYTES = 12


@dataclass(frozen=True, slots=True)
class PickupSecret:
    """A fresh code with its stored form: ``code`` is shown once, the rest is stored."""

    code: str
    salt_field: str
    hash_hex: str

    def __repr__(self) -> str:  # the code must not reach a log through a repr
        return "PickupSecret(<hidden>)"


def new_pickup_secret() -> PickupSecret:
    """A new code and its scrypt hash: the slow part of placing an order (tens of ms).

    Computed before the order's write transaction, never while holding the write lock.
    """
    code = new_pickup_code()
    salt_field, hash_hex = hash_pickup_code(code)
    return PickupSecret(code, salt_field, hash_hex)


def new_pickup_code() -> str:
    """A fresh random six-digit code (leading zeros allowed)."""
    return f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"


def normalize_code(code: str) -> str | None:
    """The code as six ASCII digits (full-width folded), or ``None`` when it is not one."""
    text = ascii_digits((code or "").strip())
    if len(text) != CODE_DIGITS or not is_ascii_digits(text):
        return None
    return text


def _scrypt(code: str, salt: bytes) -> str:
    return hashlib.scrypt(
        code.encode("ascii"),
        salt=salt,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=_SCRYPT_MAXMEM,
        dklen=32,
    ).hex()


def _pbkdf2(code: str, salt: bytes) -> str:
    return hashlib.pbkdf2_hmac("sha256", code.encode("ascii"), salt, _PBKDF2_ITERATIONS).hex()


def hash_pickup_code(code: str, salt: bytes | None = None) -> tuple[str, str]:
    """Return ``(salt_field, hash_hex)`` for ``code`` in the current scheme (scrypt).

    ``salt_field`` is what goes into ``pickup_salt`` (``"s2:<hex>"``); a new salt is drawn when
    none is given.
    """
    salt = salt if salt is not None else os.urandom(_SALT_BYTES)
    return SCHEME_2 + salt.hex(), _scrypt(code, salt)


def hash_pickup_code_v1(code: str, salt: bytes | None = None) -> tuple[str, str]:
    """The first scheme (PBKDF2, 2,000 iterations): for tests of old orders only."""
    salt = salt if salt is not None else os.urandom(16)
    return salt.hex(), _pbkdf2(code, salt)


def verify_pickup_code(code: str, salt_field: str, hash_hex: str) -> bool:
    """True when ``code`` matches the stored salt and hash, in either scheme (constant time).

    A malformed code or stored field is a mismatch, never an exception.
    """
    text = normalize_code(code)
    if text is None:
        return False
    try:
        if salt_field.startswith(SCHEME_2):
            digest = _scrypt(text, bytes.fromhex(salt_field[len(SCHEME_2) :]))
        else:
            digest = _pbkdf2(text, bytes.fromhex(salt_field))
    except ValueError:
        return False
    return hmac.compare_digest(digest, hash_hex)

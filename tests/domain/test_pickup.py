"""Pickup codes: six digits, salted hash, constant-time verify."""

from __future__ import annotations

import hashlib

from kiosk.pickup import (
    CODE_DIGITS,
    SCHEME_2,
    SCRYPT_N,
    SCRYPT_R,
    hash_pickup_code,
    hash_pickup_code_v1,
    new_pickup_code,
    normalize_code,
    verify_pickup_code,
)


def test_codes_are_six_digits_and_vary() -> None:
    codes = [new_pickup_code() for _ in range(2000)]
    assert all(len(c) == CODE_DIGITS and c.isdigit() for c in codes)
    assert len(set(codes)) > 1900  # a million values: collisions in 2000 draws are rare
    assert any(c.startswith("0") for c in codes)  # leading zeros are kept (~10% of codes)


def test_hash_and_verify() -> None:
    salt, digest = hash_pickup_code("042917")
    assert salt.startswith(SCHEME_2) and len(bytes.fromhex(salt[len(SCHEME_2) :])) == 12
    assert len(salt) <= 32  # the pickup_salt column
    assert len(digest) == 64
    assert "042917" not in salt + digest
    assert verify_pickup_code("042917", salt, digest)
    assert verify_pickup_code(" 042917 ", salt, digest)
    assert not verify_pickup_code("042918", salt, digest)
    assert not verify_pickup_code("42917", salt, digest)
    assert not verify_pickup_code("04291a", salt, digest)
    assert not verify_pickup_code("", salt, digest)


def test_salt_makes_equal_codes_hash_differently() -> None:
    a = hash_pickup_code("123456")
    b = hash_pickup_code("123456")
    assert a[0] != b[0] and a[1] != b[1]
    assert hash_pickup_code("123456", bytes.fromhex(a[0][len(SCHEME_2) :])) == a


def test_new_codes_use_a_memory_hard_hash_and_old_ones_still_verify() -> None:
    """Scheme 2 (scrypt, 16 MiB) for new orders; scheme-1 (PBKDF2) orders keep verifying."""
    assert SCRYPT_N >= 2**14 and 128 * SCRYPT_R * SCRYPT_N >= 16 * 1024 * 1024
    salt, digest = hash_pickup_code("042917")
    expected = hashlib.scrypt(
        b"042917", salt=bytes.fromhex(salt[3:]), n=SCRYPT_N, r=SCRYPT_R, p=1, dklen=32
    ).hex()
    assert digest == expected
    old_salt, old_digest = hash_pickup_code_v1("042917")
    assert len(bytes.fromhex(old_salt)) == 16  # the stored form of orders placed before
    assert (
        old_digest == hashlib.pbkdf2_hmac("sha256", b"042917", bytes.fromhex(old_salt), 2000).hex()
    )
    assert verify_pickup_code("042917", old_salt, old_digest)
    assert not verify_pickup_code("042918", old_salt, old_digest)
    # A damaged stored field is a mismatch, not a crash.
    assert not verify_pickup_code("042917", "s2:zz", digest)
    assert not verify_pickup_code("042917", "", digest)


def test_codes_are_ascii_digits_full_width_folded_others_refused() -> None:
    salt, digest = hash_pickup_code("042917")
    assert verify_pickup_code("０４２９１７", salt, digest)  # full-width, as IMEs type it
    for other in ("٠٤٢٩١٧", "۰۴۲۹۱۷", "०४२९१७", "04291⁷", "０４２９１\x00"):
        assert normalize_code(other) is None, other
        assert not verify_pickup_code(other, salt, digest)  # no UnicodeEncodeError

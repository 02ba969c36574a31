"""Pickup codes: six digits, salted hash, constant-time verify."""

from __future__ import annotations

from kiosk.pickup import CODE_DIGITS, hash_pickup_code, new_pickup_code, verify_pickup_code


def test_codes_are_six_digits_and_vary() -> None:
    codes = [new_pickup_code() for _ in range(2000)]
    assert all(len(c) == CODE_DIGITS and c.isdigit() for c in codes)
    assert len(set(codes)) > 1900  # a million values: collisions in 2000 draws are rare
    assert any(c.startswith("0") for c in codes)  # leading zeros are kept (~10% of codes)


def test_hash_and_verify() -> None:
    salt, digest = hash_pickup_code("042917")
    assert len(bytes.fromhex(salt)) == 16
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
    assert hash_pickup_code("123456", bytes.fromhex(a[0])) == a

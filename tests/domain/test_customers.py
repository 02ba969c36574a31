"""Villagers' names and mainland mobile numbers."""

from __future__ import annotations

import pytest

from kiosk.customers import MAX_NAME_LEN, Customer, mask_phone, normalize_name, normalize_phone
from kiosk.errors import InvalidInput


@pytest.mark.parametrize(
    ("text", "phone"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("(199)12345678", "19912345678"),
    ],
)
def test_valid_phones_are_normalised(text: str, phone: str) -> None:
    assert normalize_phone(text) == phone


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "1381234567",
        "138123456789",
        "12812345678",
        "23812345678",
        "1381234567a",
        "+1 415 555 0100",
    ],
)
def test_invalid_phones_are_refused(bad: str) -> None:
    with pytest.raises(InvalidInput, match="11-digit"):
        normalize_phone(bad)


def test_mask_phone() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert "1234" not in mask_phone("13812345678")
    assert mask_phone("123") == "***"


def test_names() -> None:
    assert normalize_name("  张   三 ") == "张 三"
    with pytest.raises(InvalidInput, match="empty"):
        normalize_name("   ")
    with pytest.raises(InvalidInput, match="longer"):
        normalize_name("张" * (MAX_NAME_LEN + 1))
    assert normalize_name("张" * MAX_NAME_LEN) == "张" * MAX_NAME_LEN


def test_customer_of_validates_both() -> None:
    c = Customer.of(" 李四 ", "+86 139-0000-1111")
    assert c == Customer(name="李四", phone="13900001111")
    with pytest.raises(InvalidInput):
        Customer.of("李四", "12345")
    with pytest.raises(InvalidInput):
        Customer.of("", "13900001111")

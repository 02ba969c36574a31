"""Money: integer fen in, yuan text out, and back."""

from __future__ import annotations

import pytest

from kiosk.errors import InvalidInput
from kiosk.money import format_yuan, parse_yuan


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "¥0.00"),
        (5, "¥0.05"),
        (1250, "¥12.50"),
        (100, "¥1.00"),
        (123456789, "¥1,234,567.89"),
        (-1999, "-¥19.99"),
    ],
)
def test_format_yuan(fen: int, text: str) -> None:
    assert format_yuan(fen) == text


@pytest.mark.parametrize("bad", [12.5, 12.0, "1250", True, None])
def test_format_refuses_anything_but_int(bad: object) -> None:
    with pytest.raises(TypeError):
        format_yuan(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12", 1200),
        ("12.5", 1250),
        ("12.50", 1250),
        ("¥12.50", 1250),
        ("￥ 0.05", 5),
        ("12元", 1200),
        ("  7.1 ", 710),
    ],
)
def test_parse_yuan(text: str, fen: int) -> None:
    assert parse_yuan(text) == fen


@pytest.mark.parametrize("bad", ["", "abc", "12.345", "-3", "1,000", "12.5.0", "¥"])
def test_parse_refuses_bad_amounts(bad: str) -> None:
    with pytest.raises(InvalidInput, match="not an amount"):
        parse_yuan(bad)


@pytest.mark.parametrize("fen", [0, 1, 99, 100, 1250, 99_999_999])
def test_round_trip(fen: int) -> None:
    assert parse_yuan(format_yuan(fen).replace(",", "")) == fen


def test_an_amount_to_edit_reads_back_the_same() -> None:
    from kiosk.money import yuan_for_field

    for fen in (0, 5, 5990, 119900, 123456789):
        text = yuan_for_field(fen)
        assert "," not in text and "¥" not in text and parse_yuan(text) == fen
    assert yuan_for_field(119900) == "1199.00"
    with pytest.raises(ValueError):
        yuan_for_field(-1)

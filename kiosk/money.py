"""Money is an integer number of fen (1 yuan = 100 fen) everywhere; format only at the edge."""

from __future__ import annotations

import re

from kiosk.errors import InvalidInput

_YUAN = re.compile(r"^\s*[¥￥]?\s*([0-9]{1,9})(?:\.([0-9]{1,2}))?\s*(?:元)?\s*$")  # ASCII digits


def format_yuan(fen: int) -> str:
    """Format fen as yuan for people: ``1250`` → ``"¥12.50"``."""
    if not isinstance(fen, int) or isinstance(fen, bool):
        raise TypeError(f"money must be an int number of fen, got {type(fen).__name__}")
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}¥{whole:,}.{cents:02d}"


def yuan_for_field(fen: int) -> str:
    """Fen as a plain amount to edit in a field (``119900`` → ``"1199.00"``): no sign, no
    grouping, so :func:`parse_yuan` reads it back. For showing money use :func:`format_yuan`."""
    if not isinstance(fen, int) or isinstance(fen, bool) or fen < 0:
        raise ValueError("an amount to edit is a whole number of fen, 0 or more")
    whole, cents = divmod(fen, 100)
    return f"{whole}.{cents:02d}"


def parse_yuan(text: str) -> int:
    """Parse a yuan amount typed by a person (``"12.5"``, ``"¥12.50"``, ``"12元"``) into fen."""
    m = _YUAN.match(text)
    if not m:
        raise InvalidInput(
            f"'{text}' is not an amount in yuan, e.g. 12.50",
            code="money.bad_yuan",
            params={"text": text},
        )
    whole, frac = m.group(1), (m.group(2) or "").ljust(2, "0")
    return int(whole) * 100 + int(frac)

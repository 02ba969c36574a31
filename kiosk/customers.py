"""Villagers as customers: a name and a validated mainland China mobile number.

Typed text is checked with :func:`kiosk.text.check_text`: NUL, control characters, bidi and
zero-width format characters and lone surrogates are refused with a clear error (they could not
be stored by central, or would disguise a name). Phone numbers are ASCII digits; full-width
digits (typed by Chinese input methods) are folded to ASCII first, any other digit is refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kiosk.errors import InvalidInput
from kiosk.text import ascii_digits, check_text

# Mainland mobile numbers: 11 ASCII digits starting 13x-19x (``\d`` alone would also take
# Arabic-Indic and other digits). Spaces, dashes and a +86/0086 prefix are tolerated on input
# because that is how people copy them from their phones.
_MOBILE = re.compile(r"^1[3-9][0-9]{9}$")
_STRIP = re.compile(r"[\s\-()]")
MAX_NAME_LEN = 40


def normalize_phone(text: str) -> str:
    """Return the bare 11-digit mobile number, or raise :class:`InvalidInput`."""
    digits = _STRIP.sub("", ascii_digits(text or ""))
    for prefix in ("+86", "0086"):
        if digits.startswith(prefix):
            digits = digits[len(prefix) :]
    if not _MOBILE.match(digits):
        raise InvalidInput(
            "phone number must be an 11-digit mainland mobile number, e.g. 13812345678",
            code="customer.bad_phone",
        )
    return digits


def mask_phone(phone: str) -> str:
    """Mask a phone number for screens and lists: ``13812345678`` → ``138****5678``."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def normalize_name(text: str) -> str:
    """Trim and check a villager's name."""
    name = check_text(" ".join((text or "").split()), "the villager's name")
    if not name:
        raise InvalidInput("the villager's name is empty", code="customer.no_name")
    if len(name) > MAX_NAME_LEN:
        raise InvalidInput(
            f"the villager's name is longer than {MAX_NAME_LEN} characters",
            code="customer.long_name",
            params={"max": MAX_NAME_LEN},
        )
    return name


@dataclass(frozen=True, slots=True)
class Customer:
    """A villager who orders: validated on construction."""

    name: str
    phone: str

    @classmethod
    def of(cls, name: str, phone: str) -> Customer:
        """Validate and normalise a name and phone number typed by a person."""
        return cls(name=normalize_name(name), phone=normalize_phone(phone))

"""What is wrong with a typed mobile number, in the screen's language.

:func:`kiosk.customers.normalize_phone` decides whether a number is valid; this module only
finds the words for the first thing a villager can fix ("a mobile number starts with 1"), so
"23812345678" is not answered with "please enter 11 digits" when it has 11.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from kiosk.customers import normalize_phone
from kiosk.errors import InvalidInput

EXAMPLE = "13812345678"


def phone_problem(text: str) -> str | None:
    """The sentence saying what is wrong with ``text`` as a mobile number; ``None`` if valid."""
    try:
        normalize_phone(text)
        return None
    except InvalidInput:
        pass
    digits = "".join(c for c in text if c.isdigit())
    if not digits:
        said = QCoreApplication.translate(
            "PhoneWords", "Please enter your 11-digit mobile number, for example %1."
        )
    elif digits[0] != "1":
        said = QCoreApplication.translate(
            "PhoneWords", "A mobile number starts with 1, for example %1. Please check it."
        )
    elif len(digits) != 11:
        said = QCoreApplication.translate(
            "PhoneWords",
            "Please enter an 11-digit mobile number, for example %1 (digits typed: %2).",
        ).replace("%2", str(len(digits)))
    else:
        said = QCoreApplication.translate(
            "PhoneWords",
            "The second digit of a mobile number is 3 to 9, for example %1. Please check it.",
        )
    return said.replace("%1", EXAMPLE)

"""Text from people and from the network: what is refused on input, what is removed on output.

* :func:`check_text` refuses NUL, other control characters (C0, DEL, C1), Unicode
  format characters that reorder or hide text (bidi overrides, zero-width), and lone surrogates
  in one keyboard field, with a clear :class:`~kiosk.errors.InvalidInput` (code
  ``text.bad_character``; the screen says it in words). Used by every domain constructor of
  typed text (customer names, order notes, owner reasons...). Newlines are refused too unless the
  field allows several lines.
* :func:`printable` makes text safe to print on a terminal: ANSI escape sequences, control
  characters, bidi/zero-width format characters and lone surrogates are removed (a hostile
  center name or a product name with ``ESC[2J`` never reaches the terminal raw).
* :func:`ascii_digits` is the rule for codes and phone numbers: ASCII ``0-9`` only (``str.isdigit``
  and ``\\d`` also accept Arabic-Indic, full-width and superscript digits). Full-width digits,
  which Chinese input methods type, are normalised to ASCII first with NFKC; anything else that
  is not ASCII stays and is refused by the caller's check.
"""

from __future__ import annotations

import re
import unicodedata

from kiosk.errors import InvalidInput

#: ANSI/VT escape sequences: CSI (``ESC [ ... final``), OSC (``ESC ] ... BEL|ST``) and the
#: two-character escapes. Also their single-byte C1 forms (``\x9b``, ``\x9d``).
_ANSI = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[@-Z\\-_]"
)
#: Control characters (C0 except tab/newline handled by callers, DEL, C1), format characters
#: that reorder or hide text, and surrogates.
_BAD = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
    "\ud800-\udfff]"
)
_NEWLINES = re.compile("[\t\n\r]")


def bad_character(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` a keyboard field must not hold, as ``U+XXXX``; else None."""
    m = _BAD.search(text) or (None if multiline else _NEWLINES.search(text))
    return f"U+{ord(m.group()):04X}" if m else None


def check_text(text: str, what: str, *, multiline: bool = False) -> str:
    """Return ``text`` unchanged, or raise :class:`InvalidInput` if it holds a refused character.

    Args:
        text: the typed (or imported) value.
        what: the field, for the message ("the villager's name").
        multiline: allow tabs and line breaks (notes).
    """
    bad = bad_character(text, multiline=multiline)
    if bad is not None:
        raise InvalidInput(
            f"{what} contains a character that cannot be stored ({bad}); type it again",
            code="text.bad_character",
            params={"char": bad},
        )
    return text


def printable(text: object) -> str:
    """``text`` safe for a terminal: escape sequences, control and format characters removed.

    Tabs and newlines become spaces, so one record stays on one line.
    """
    s = str(text)
    s = _ANSI.sub("", s)
    s = _NEWLINES.sub(" ", s)
    return _BAD.sub("", s)


def terminal_safe(text: str) -> str:
    """Like :func:`printable`, but line breaks and tabs stay (a whole block of CLI output)."""
    return _BAD.sub("", _ANSI.sub("", text.replace("\r\n", "\n")))


def json_escape_unsafe(text: str) -> str:
    """A JSON document with every control, format or surrogate character left raw by
    ``json.dumps(ensure_ascii=False)`` written as a ``\\uXXXX`` escape (the same data)."""
    return _BAD.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def clean_network_text(text: str) -> str:
    """Text from the central service (a center name) with every refused character removed."""
    return printable(text).strip()


def ascii_digits(text: str) -> str:
    """``text`` with full-width digits (``１２３``, typed by Chinese input methods) made ASCII.

    Only characters in the full-width block are folded (NFKC); other non-ASCII digits
    (Arabic-Indic, superscripts, ...) are left as they are, so the caller's ASCII-only check
    refuses them instead of guessing.
    """
    return "".join(
        unicodedata.normalize("NFKC", ch) if "\uff10" <= ch <= "\uff19" else ch for ch in text
    )


def is_ascii_digits(text: str) -> bool:
    """True when ``text`` is non-empty and only ASCII ``0-9`` (``str.isdigit`` accepts ``²``)."""
    return bool(text) and text.isascii() and text.isdigit()

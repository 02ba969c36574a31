"""Hostile text typed or pasted into the kiosk: refused at the domain layer with a clear error
(code ``text.bad_character``, said in words by kiosk/ui/errors.py), ASCII digits only for
phones and codes, and nothing raw on a terminal (kiosk/text.py)."""

from __future__ import annotations

import pytest

from kiosk.customers import Customer, normalize_name, normalize_phone
from kiosk.errors import InvalidInput
from kiosk.text import check_text, printable

HOSTILE = [
    "张\x00三",  # NUL: PostgreSQL at central cannot store it
    "张三\x1b[2J",  # a terminal escape
    "张\x07三",  # BEL
    "张\x7f三",  # DEL
    "张\x9b三",  # C1 control (the one-byte CSI)
    "张\u202e三",  # right-to-left override (disguises text)
    "张\u200b三",  # zero-width space
    "张\ud800三",  # a lone surrogate (cannot be encoded as UTF-8)
]


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_characters_in_a_name_are_refused_with_a_code(name: str) -> None:
    with pytest.raises(InvalidInput, match="cannot be stored") as info:
        Customer.of(name, "13812345678")
    assert info.value.code == "text.bad_character"
    assert str(info.value.params["char"]).startswith("U+")
    assert "\x00" not in str(info.value) and "\x1b" not in str(info.value)


def test_ordinary_names_and_spacing_still_work() -> None:
    assert normalize_name("  张  三 ") == "张 三"
    assert normalize_name("Zhang\tSan") == "Zhang San"
    assert normalize_name("阿依古丽·买买提") == "阿依古丽·买买提"


@pytest.mark.parametrize("phone", ["1٣812345678", "13812345６78".replace("６", "٦"), "1³812345678"])
def test_non_ascii_digits_in_a_phone_are_refused(phone: str) -> None:
    with pytest.raises(InvalidInput) as info:
        normalize_phone(phone)
    assert info.value.code == "customer.bad_phone"


def test_full_width_digits_in_a_phone_are_folded() -> None:
    assert normalize_phone("１３８１２３４５６７８") == "13812345678"
    assert normalize_phone("+86 138-1234-5678") == "13812345678"


def test_owner_and_technician_reasons_are_checked() -> None:
    from kiosk.storage.owner import _reason

    with pytest.raises(InvalidInput) as info:
        _reason("broken\x00 parcel")
    assert info.value.code == "text.bad_character"
    assert _reason(" broken  parcel ") == "broken parcel"


def test_multiline_fields_allow_line_breaks_only() -> None:
    assert check_text("line 1\nline 2", "a note", multiline=True) == "line 1\nline 2"
    with pytest.raises(InvalidInput):
        check_text("line 1\nline 2", "a name")
    with pytest.raises(InvalidInput):
        check_text("line\x00", "a note", multiline=True)


def test_printable_strips_escapes_and_controls() -> None:
    assert printable("李家村\x1b[31m服务站\x1b[0m") == "李家村服务站"
    assert printable("a\x1b]0;owned\x07b") == "ab"  # OSC title change
    assert printable("x\x9b2Jy") == "xy"  # the one-byte CSI
    assert printable("a\r\nb\tc") == "a  b c"
    assert printable("a\u202eb\x00c\ud800") == "abc"
    assert printable(12) == "12"

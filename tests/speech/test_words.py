"""What the kiosk says: prices, units, counts and codes as a person says them."""

from __future__ import annotations

import pytest

from kiosk.speech import words
from kiosk.speech.words import PICKUP_CODE_RATE_PERCENT, Segment, Voice


@pytest.mark.parametrize(
    ("fen", "said"),
    [
        (5990, "五十九块九"),
        (1234, "十二块三毛四"),
        (1005, "十块零五分"),
        (200, "两块"),
        (1000, "十块"),
        (12000, "一百二十块"),
        (189900, "一千八百九十九块"),
        (50, "五毛"),
        (5, "五分"),
        (0, "零块"),
    ],
)
def test_money_in_mandarin(fen: int, said: str) -> None:
    assert words.money_zh(fen) == said


@pytest.mark.parametrize(
    ("fen", "said"), [(5990, "59 yuan 90"), (1005, "10 yuan 05"), (200, "2 yuan"), (50, "50 fen")]
)
def test_money_in_english(fen: int, said: str) -> None:
    assert words.money_en(fen) == said


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("¥59.90/袋", "五十九块九一袋"),
        ("¥2", "两块"),
        ("10kg", "十公斤"),
        ("2kg", "两公斤"),
        ("2.5kg", "二点五公斤"),
        ("500ml", "五百毫升"),
        ("5L", "五升"),
        ("20g", "二十克"),
        ("2斤", "两斤"),
        ("10公斤", "十公斤"),
        ("格力 空调 1.5匹", "格力 空调 一点五匹"),
        ("心相印 卷纸 10卷", "心相印 卷纸 十卷"),
        ("6901234567890", "六九零幺二三四五六七八九零"),  # a barcode, digit by digit
    ],
)
def test_numbers_and_units_in_mandarin(text: str, said: str) -> None:
    assert words.text_zh(text) == said


def test_product_card_reads_name_price_and_unit() -> None:
    said = words.product("金龙鱼东北大米10kg", 5990, "袋", "zh_CN")
    assert said == (Segment("金龙鱼东北大米十公斤，五十九块九一袋。", Voice.MANDARIN),)


def test_english_screen_reads_chinese_names_with_the_mandarin_voice() -> None:
    said = words.product("金龙鱼东北大米10kg", 5990, "袋", "en")
    assert [s.voice for s in said] == [Voice.MANDARIN, Voice.ENGLISH, Voice.MANDARIN]
    assert said[0].text == "金龙鱼东北大米十公斤"
    assert said[1].text == ", 59 yuan 90 per"
    english = words.product("Rice 2.5kg", 1250, "bag", "en")
    assert " ".join(s.text for s in english) == "Rice 2.5 kilograms , 12 yuan 50 per bag"
    assert {s.voice for s in english} == {Voice.ENGLISH}


def test_cart_total() -> None:
    assert words.cart_total(12050, 3, "zh_CN")[0].text == "一共三件，一百二十块五。"
    assert words.cart_total(5990, 2, "zh_CN")[0].text == "一共两件，五十九块九。"
    assert words.cart_total(5990, 1, "en")[0].text == "1 item, total 59 yuan 90."


def test_pickup_code_digit_by_digit_twice_slowly() -> None:
    said = words.pickup_code("372815", "zh_CN")
    assert [s.text for s in said] == [
        "取货码：三，七，二，八，幺，五。",
        "再说一遍：三，七，二，八，幺，五。",
    ]
    assert all(s.rate_percent == PICKUP_CODE_RATE_PERCENT < 100 for s in said)
    english = words.pickup_code("012345", "en")
    assert english[0].text == "Your pickup code: zero, one, two, three, four, five."
    assert english[1].text == "Once more: zero, one, two, three, four, five."


def test_pickup_code_keeps_leading_zeros_and_refuses_non_digits() -> None:
    assert words.pickup_code("007000", "zh_CN")[0].text == "取货码：零，零，七，零，零，零。"
    for bad in ("12a456", "１２３４５６", ""):
        with pytest.raises(ValueError):
            words.pickup_code(bad, "zh_CN")

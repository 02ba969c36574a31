"""The words a person says for prices, amounts, units and codes, in Mandarin or English.

Nothing here speaks; it only makes text for the engine. An utterance is a tuple of
:class:`Segment` — each with its voice — because a Chinese product name in the English screen
must still be read by the Mandarin voice.

Rules (docs/ui.md, "Read aloud"):

- money as a shop says it: ``5990`` fen → 五十九块九, ``1234`` → 十二块三毛四, ``50`` → 五毛,
  ``200`` → 两块; in English "59 yuan 90";
- a number before a measure word says 两 for 2 (两公斤, 两斤), and units are words
  (``10kg`` → 十公斤, ``500ml`` → 五百毫升);
- long digit runs (SKUs, barcodes: 7 digits or more) are read digit by digit;
- the pickup code digit by digit, 1 as 幺 (as Chinese read codes and phone numbers, so that
  一 and 七 are not confused), with pauses, twice, slowly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

import cn2an


class Voice(StrEnum):
    """The engine's voices the kiosk uses."""

    MANDARIN = "cmn"
    ENGLISH = "en"


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of text for one voice.

    Attributes:
        text: what to say.
        voice: which voice says it.
        rate_percent: speed relative to the reader's setting (100 = as set; the pickup code is
            read slower).
    """

    text: str
    voice: Voice
    rate_percent: int = 100


Utterance = tuple[Segment, ...]

#: How slowly the pickup code is read, relative to the reader's speed setting.
PICKUP_CODE_RATE_PERCENT = 70

_DIGITS_ZH = "零幺二三四五六七八九"
_DIGITS_EN = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

#: Units as printed on packs → how they are said (the regex tries the longest spellings first).
_UNITS_ZH: dict[str, str] = {
    "kg": "公斤",
    "KG": "公斤",
    "Kg": "公斤",
    "千克": "千克",
    "公斤": "公斤",
    "mg": "毫克",
    "ml": "毫升",
    "mL": "毫升",
    "ML": "毫升",
    "g": "克",
    "G": "克",
    "克": "克",
    "L": "升",
    "l": "升",
    "升": "升",
    "斤": "斤",
    "cm": "厘米",
    "mm": "毫米",
    "m": "米",
    "米": "米",
    "W": "瓦",
    "w": "瓦",
    "V": "伏",
}
_UNITS_EN: dict[str, str] = {
    "kg": "kilograms",
    "KG": "kilograms",
    "Kg": "kilograms",
    "mg": "milligrams",
    "ml": "millilitres",
    "mL": "millilitres",
    "ML": "millilitres",
    "g": "grams",
    "G": "grams",
    "L": "litres",
    "l": "litres",
    "cm": "centimetres",
    "mm": "millimetres",
    "m": "metres",
    "W": "watts",
    "w": "watts",
    "V": "volts",
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS_ZH, key=len, reverse=True))
# A number with its unit; the unit must not run on into a Latin word ("5g" yes, "5gold" no).
_AMOUNT = re.compile(rf"(\d+(?:\.\d+)?)\s*({_UNIT_RE})(?![A-Za-z])")
_PRICE = re.compile(r"[¥￥]\s*(\d{1,9})(?:\.(\d{1,2}))?(?:\s*/\s*([^\s，,。;；]+))?")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
#: Digit runs this long are identifiers (SKUs, barcodes), not quantities.
_ID_DIGITS = 7


def has_chinese(text: str) -> bool:
    """True when ``text`` holds Chinese characters (then the Mandarin voice must read it)."""
    return _CJK.search(text) is not None


def number_zh(n: int) -> str:
    """An integer as said in Mandarin: ``10`` → 十, ``105`` → 一百零五, ``100005`` → 十万零五."""
    if n < 0:
        return "负" + number_zh(-n)
    return str(cn2an.an2cn(str(n), "low"))


def _count_zh(n: int) -> str:
    """A count before a measure word: 2 is 两 (两公斤, 两块, 两袋)."""
    return "两" if n == 2 else number_zh(n)


def decimal_zh(text: str) -> str:
    """A decimal number read out: ``"2.5"`` → 二点五; ``"2"`` before a unit → 两."""
    whole, _, frac = text.partition(".")
    if not frac:
        return _count_zh(int(whole))
    return number_zh(int(whole)) + "点" + "".join("零一二三四五六七八九"[int(d)] for d in frac)


def money_zh(fen: int) -> str:
    """Money as a shop says it: ``5990`` → 五十九块九, ``1234`` → 十二块三毛四, ``50`` → 五毛."""
    if fen < 0:
        return "负" + money_zh(-fen)
    yuan, rest = divmod(fen, 100)
    jiao, fen_part = divmod(rest, 10)
    if yuan == 0 and rest == 0:
        return "零块"
    if yuan == 0:
        jiao_words = f"{_count_zh(jiao)}毛" if jiao else ""
        return jiao_words + (f"{_count_zh(fen_part)}分" if fen_part else "")
    said = f"{_count_zh(yuan)}块"
    if jiao and fen_part:
        return said + f"{number_zh(jiao)}毛{number_zh(fen_part)}"
    if jiao:
        return said + number_zh(jiao)  # 五十九块九: the 毛 is left unsaid, as in any shop
    if fen_part:
        return said + f"零{number_zh(fen_part)}分"
    return said


def money_en(fen: int) -> str:
    """Money in English words the engine reads well: ``5990`` → "59 yuan 90"."""
    sign = "minus " if fen < 0 else ""
    yuan, rest = divmod(abs(fen), 100)
    if rest == 0:
        return f"{sign}{yuan} yuan"
    if yuan == 0:
        return f"{sign}{rest} fen"
    return f"{sign}{yuan} yuan {rest:02d}"


def _digits_zh(run: str) -> str:
    return "".join(_DIGITS_ZH[int(d)] for d in run)


def text_zh(text: str) -> str:
    """Free text (a product name) with its prices, amounts and numbers said in Mandarin."""

    def price(m: re.Match[str]) -> str:
        fen = int(m.group(1)) * 100 + int((m.group(2) or "").ljust(2, "0") or "0")
        unit = m.group(3)
        return money_zh(fen) + (f"一{unit}" if unit else "")

    def amount(m: re.Match[str]) -> str:
        return decimal_zh(m.group(1)) + _UNITS_ZH[m.group(2)]

    def number(m: re.Match[str]) -> str:
        run = m.group(0)
        if "." not in run and len(run) >= _ID_DIGITS:
            return _digits_zh(run)
        return decimal_zh(run) if "." in run else number_zh(int(run))

    text = _PRICE.sub(price, text)
    text = _AMOUNT.sub(amount, text)
    text = re.sub(r"\s*[×xX*]\s*(\d+)(?=\D|$)", lambda m: "乘" + number_zh(int(m.group(1))), text)
    return _NUMBER.sub(number, text)


def text_en(text: str) -> str:
    """Free text with its units spelt out and identifiers digit by digit, for the English voice."""

    def price(m: re.Match[str]) -> str:
        fen = int(m.group(1)) * 100 + int((m.group(2) or "").ljust(2, "0") or "0")
        unit = m.group(3)
        return money_en(fen) + (f" per {unit}" if unit else "")

    def amount(m: re.Match[str]) -> str:
        unit = _UNITS_EN.get(m.group(2))
        return f"{m.group(1)} {unit}" if unit else m.group(0)

    def number(m: re.Match[str]) -> str:
        run = m.group(0)
        if "." not in run and len(run) >= _ID_DIGITS:
            return " ".join(_DIGITS_EN[int(d)] for d in run)
        return run

    return _NUMBER.sub(number, _AMOUNT.sub(amount, _PRICE.sub(price, text)))


def _said(text: str, lang: str) -> Segment:
    """``text`` in the voice it needs: Chinese text always goes to the Mandarin voice."""
    if lang.startswith("zh") or has_chinese(text):
        return Segment(text_zh(text), Voice.MANDARIN)
    return Segment(text_en(text), Voice.ENGLISH)


def product(name: str, price_fen: int, unit: str, lang: str) -> Utterance:
    """A product card or detail: "金龙鱼东北大米十公斤，五十九块九一袋"."""
    if lang.startswith("zh"):
        said = f"{text_zh(name)}，{money_zh(price_fen)}一{text_zh(unit)}。"
        return (Segment(said, Voice.MANDARIN),)
    parts = [_said(name, lang), Segment(f", {money_en(price_fen)} per", Voice.ENGLISH)]
    parts.append(_said(unit, lang))
    return tuple(parts)


def cart_total(total_fen: int, items: int, lang: str) -> Utterance:
    """The cart's total: "一共三件，一百二十块五"."""
    if lang.startswith("zh"):
        return (Segment(f"一共{_count_zh(items)}件，{money_zh(total_fen)}。", Voice.MANDARIN),)
    noun = "item" if items == 1 else "items"
    return (Segment(f"{items} {noun}, total {money_en(total_fen)}.", Voice.ENGLISH),)


def pickup_code(code: str, lang: str) -> Utterance:
    """The pickup code digit by digit, twice, slowly: "取货码：三，七，二，八，幺，五。"."""
    if not code.isdigit() or not code.isascii():
        raise ValueError("a pickup code is digits only")
    rate = PICKUP_CODE_RATE_PERCENT
    if lang.startswith("zh"):
        digits = "，".join(_DIGITS_ZH[int(d)] for d in code)
        once = Segment(f"取货码：{digits}。", Voice.MANDARIN, rate)
        again = Segment(f"再说一遍：{digits}。", Voice.MANDARIN, rate)
    else:
        digits = ", ".join(_DIGITS_EN[int(d)] for d in code)
        once = Segment(f"Your pickup code: {digits}.", Voice.ENGLISH, rate)
        again = Segment(f"Once more: {digits}.", Voice.ENGLISH, rate)
    return (once, again)

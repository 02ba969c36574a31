"""Search keys for Chinese product names: characters, bigrams, pinyin and pinyin initials.

Villagers search by typing Chinese (洗衣机, 米), full pinyin (xiyiji), pinyin initials (xyj), a mix
(海尔xyj), a SKU or a barcode. This module turns a product's name and codes into space-separated
token strings that the storage layer puts into an FTS5 table, and splits a typed query into the
runs the storage layer matches against them. It is plain Python (pypinyin only): no SQL here.

Columns (see ``docs/search.md``):

* ``uni`` — the name's Han characters as single tokens, Latin/digit runs as one lowercase token.
* ``bi`` — overlapping bigrams of the name's Han characters (separators ignored, so 海尔洗衣机
  finds "海尔 洗衣机").
* ``py`` — for each syllable position, the full pinyin from there to the end of the name (capped),
  so a prefix query ``xiyiji*`` matches on any syllable boundary; the first token is the whole
  name's pinyin. Only Han characters have syllables; Latin words are matched in ``uni``.
* ``ini`` — the same with pinyin initials (``xyj*``).
* ``codes`` — SKU and barcode, lowercase.

Polyphonic characters: the phrase-aware reading pypinyin chooses is always indexed. In addition,
for at most :data:`MAX_ALT_POSITIONS` characters per name that appear in :data:`POLYPHONES` (common
polyphonic characters of shop names, each with its common toneless readings), every other common
reading is indexed as a variant, so 长城 is found by ``changcheng`` and ``zhangcheng`` alike.
pypinyin's own heteronym lists are not used for this: they carry rare readings (机 "wei",
洗 "xian") that would only add noise. Only the default reading takes part in the "starts with" and
"exact" ranking tiers.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Bump when the key format changes; stored keys from another version need ``reindex_all``.
KEYS_VERSION = 2
#: Longest ``py`` token; longer queries are cut to this length (still a prefix match).
PY_TOKEN_CAP = 24
#: Longest ``ini`` token.
INI_TOKEN_CAP = 12
#: How many polyphonic characters of one name get their alternative readings indexed.
MAX_ALT_POSITIONS = 3
#: Common polyphonic characters in product names and their common toneless readings.
POLYPHONES: dict[str, tuple[str, ...]] = {
    "长": ("chang", "zhang"),
    "重": ("zhong", "chong"),
    "行": ("xing", "hang"),
    "乐": ("le", "yue"),
    "调": ("tiao", "diao"),
    "藏": ("cang", "zang"),
    "还": ("huan", "hai"),
    "朝": ("chao", "zhao"),
    "了": ("le", "liao"),
    "和": ("he", "huo"),
    "着": ("zhe", "zhao", "zhuo"),
    "种": ("zhong",),
    "薄": ("bao", "bo"),
    "削": ("xiao", "xue"),
    "血": ("xue", "xie"),
    "角": ("jiao", "jue"),
    "卡": ("ka", "qia"),
    "便": ("bian", "pian"),
    "参": ("can", "shen"),
    "露": ("lu", "lou"),
    "落": ("luo", "la"),
    "给": ("gei", "ji"),
    "仔": ("zai", "zi"),
    "单": ("dan", "shan"),
    "盛": ("sheng", "cheng"),
    "差": ("cha", "chai"),
    "厦": ("xia", "sha"),
    "折": ("zhe", "she"),
    "弹": ("dan", "tan"),
    "系": ("xi", "ji"),
    "大": ("da", "dai"),
    "奇": ("qi", "ji"),
    "量": ("liang",),
    "发": ("fa",),
    "尽": ("jin",),
    "只": ("zhi",),
    "曲": ("qu",),
    "率": ("lv", "shuai"),
    "咖": ("ka", "ga"),
    "喝": ("he",),
    "降": ("jiang", "xiang"),
    "省": ("sheng", "xing"),
    "冲": ("chong",),
    "泡": ("pao",),
    "壳": ("ke", "qiao"),
    "核": ("he", "hu"),
    "吓": ("xia", "he"),
    "扎": ("zha", "za"),
    "晕": ("yun",),
    "把": ("ba",),
}

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_PIECE = re.compile(rf"[{_HAN}]|[a-z0-9]+")
_RUN = re.compile(rf"[{_HAN}]+|[a-z0-9]+")
_HAN_RUN = re.compile(rf"[{_HAN}]+")
_CODE = re.compile(r"[a-z0-9][a-z0-9._-]*")
_LETTERS = re.compile(r"^[a-z]+$")


def normalize(text: str) -> str:
    """Fold full-width forms and case: ``"ＸＹＪ　洗衣机"`` → ``"xyj 洗衣机"``."""
    return unicodedata.normalize("NFKC", text).lower().strip()


def is_han(text: str) -> bool:
    """True when ``text`` is one or more Han characters."""
    return bool(text) and _HAN_RUN.fullmatch(text) is not None


@dataclass(frozen=True, slots=True)
class SearchKeys:
    """The token strings of one product, one per FTS column."""

    uni: str
    bi: str
    py: str
    ini: str
    codes: str


@lru_cache(maxsize=8192)
def _char_reading(char: str) -> str:
    """The most common toneless reading of one character ("" when pypinyin has none)."""
    from pypinyin import Style, lazy_pinyin  # lazy: see _default_readings

    readings = lazy_pinyin(char, style=Style.NORMAL, errors="ignore")
    return readings[0] if readings and _LETTERS.match(readings[0]) else ""


@lru_cache(maxsize=65536)
def _default_readings(run: str) -> tuple[str, ...]:
    """Phrase-aware readings of a Han run, one per character ("" where there is none).

    Cached: catalogs repeat the same brand and product words thousands of times, and pypinyin's
    phrase segmentation is the slow part of indexing.
    """
    # Imported on first use, not with this module: pypinyin loads its phrase dictionary at import
    # (slow: docs/benchmarks.md), and the kiosk's start-up and query parsing never need it; only
    # indexing does.
    from pypinyin import Style, lazy_pinyin

    readings = lazy_pinyin(run, style=Style.NORMAL, errors="default")
    if len(readings) != len(run):  # pypinyin merged or split something: fall back per char
        return tuple(_char_reading(c) for c in run)
    return tuple(r if _LETTERS.match(r) else "" for r in readings)


def _suffix_tokens(seq: list[str], starts: range, cap: int) -> list[str]:
    """For each start position, the concatenation of ``seq`` from there to the end, capped."""
    tokens: list[str] = []
    for i in starts:
        tok = "".join(seq[i:])[:cap]
        if tok:
            tokens.append(tok)
    return tokens


def _dedupe(tokens: list[str]) -> list[str]:
    # Keep the first occurrence: position 0 must stay the whole name's default reading.
    return list(dict.fromkeys(tokens))


def product_keys(name: str, sku: str, barcode: str | None = None) -> SearchKeys:
    """Build the search keys of one product.

    Args:
        name: the product's display name (Chinese, maybe with Latin model names and digits).
        sku: the product's SKU.
        barcode: the product's barcode, if any.
    """
    norm = normalize(name)
    pieces = _PIECE.findall(norm)
    bi, py, ini = _han_keys(tuple(_HAN_RUN.findall(norm)))
    codes = [c for c in (normalize(sku), normalize(barcode or "")) if c]
    return SearchKeys(uni=" ".join(pieces), bi=bi, py=py, ini=ini, codes=" ".join(codes))


@lru_cache(maxsize=16384)
def _han_keys(runs: tuple[str, ...]) -> tuple[str, str, str]:
    """The ``bi``, ``py`` and ``ini`` columns of a name, from its Han runs alone.

    Cached on the runs: model numbers, specs and codes vary from product to product, but the
    Chinese words of a catalog (brands, product types) repeat thousands of times, and building
    pinyin suffix tokens is the slow part of indexing a first sync.
    """
    # Pinyin comes from the Han characters only, read per contiguous Han run so pypinyin sees
    # phrases (银行 → yinhang). Latin/digit runs are matched as words in ``uni``; glued onto pinyin
    # suffixes, model numbers would multiply the distinct terms a pinyin prefix query has to
    # merge (an order of magnitude slower for "shouji"; docs/benchmarks.md).
    py_seq: list[str] = []  # one syllable per Han character that has a reading
    alts: list[tuple[int, list[str]]] = []  # (syllable position, other common readings)
    for run in runs:
        for char, reading in zip(run, _default_readings(run), strict=True):
            if not reading:
                continue  # a character without pinyin contributes no syllable
            others = [r for r in POLYPHONES.get(char, ()) if r != reading]
            if others and len(alts) < MAX_ALT_POSITIONS:
                alts.append((len(py_seq), others))
            py_seq.append(reading)
    ini_seq = [syllable[0] for syllable in py_seq]

    py_tokens = _suffix_tokens(py_seq, range(len(py_seq)), PY_TOKEN_CAP)
    ini_tokens = _suffix_tokens(ini_seq, range(len(ini_seq)), INI_TOKEN_CAP)
    for pos, others in alts:
        for alt in others:
            # Tokens starting after the variant position are the same as the default ones.
            seq = [*py_seq[:pos], alt, *py_seq[pos + 1 :]]
            py_tokens += _suffix_tokens(seq, range(pos + 1), PY_TOKEN_CAP)
            iseq = [*ini_seq[:pos], alt[0], *ini_seq[pos + 1 :]]
            ini_tokens += _suffix_tokens(iseq, range(pos + 1), INI_TOKEN_CAP)

    # Bigrams run across Han runs ("海尔 洗衣机" → … 尔洗 …), as the characters are adjacent tokens.
    han_chars = "".join(runs)
    bigrams = [a + b for a, b in itertools.pairwise(han_chars)]
    return " ".join(bigrams), " ".join(_dedupe(py_tokens)), " ".join(_dedupe(ini_tokens))


@lru_cache(maxsize=16384)
def name_words(name: str) -> tuple[tuple[str, str], ...]:
    """The dictionary words (two or more Han characters) of a name, as (pinyin, initials) pairs.

    Words come from pypinyin's phrase segmentation of each Han run (东北大米 → 东北, 大米), read
    with the same default readings as the index. Search ranking uses them to tell a query that
    names a whole word (``dm`` → 大米) from one that only spans syllables of neighbouring words
    (``dm`` → 蛋 + 枚 in 土鸡蛋 30枚, 带 + 木 in 带木柄); see ``docs/search.md``.
    """
    from pypinyin.seg.mmseg import seg  # lazy, like _default_readings

    words: list[tuple[str, str]] = []
    for run in _HAN_RUN.findall(normalize(name)):
        readings = _default_readings(run)
        start = 0
        for word in seg.cut(run):
            end = start + len(word)
            syllables = readings[start:end]
            if len(word) >= 2 and all(syllables):
                words.append(("".join(syllables), "".join(r[0] for r in syllables)))
            start = end
    return tuple(words)


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """A typed query split into what the index can match.

    Attributes:
        text: the normalized query (full-width folded, lowercase, trimmed).
        runs: Han runs and Latin/digit runs in the order typed (``海尔xyj`` → 海尔, xyj).
        code: the whole query when it looks like a SKU or barcode (no spaces), else ``None``.
    """

    text: str
    runs: tuple[str, ...]
    code: str | None

    @property
    def empty(self) -> bool:
        """Nothing searchable was typed (only punctuation, spaces, emoji …)."""
        return not self.runs and self.code is None

    @property
    def compact(self) -> str:
        """The query without spaces, for "exact name" comparisons."""
        return "".join(self.text.split())


def parse_query(text: str) -> SearchQuery:
    """Split what a villager typed into Han runs, Latin runs and a possible code.

    Anything that is not a Han character, a Latin letter or a digit is a separator, so FTS5
    syntax (quotes, ``*``, ``-``, ``NEAR``, parentheses) typed by anyone is harmless.
    """
    norm = normalize(text)
    runs = tuple(r[:PY_TOKEN_CAP] if not is_han(r) else r for r in _RUN.findall(norm))
    code = norm if " " not in norm and _CODE.fullmatch(norm) and len(norm) <= 64 else None
    return SearchQuery(text=norm, runs=runs, code=code)

"""Search key generation: characters, bigrams, pinyin, initials, polyphones, query splitting."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.search_keys import (
    INI_TOKEN_CAP,
    MAX_ALT_POSITIONS,
    PY_TOKEN_CAP,
    normalize,
    parse_query,
    product_keys,
)
from tests.test_layering import _run


def test_characters_and_bigrams_of_a_mixed_name() -> None:
    k = product_keys("海尔 滚筒洗衣机 XQG80", "DQ-1")
    assert k.uni == "海 尔 滚 筒 洗 衣 机 xqg80"
    # Bigrams run over the Han characters only, across the space, so 海尔滚筒 is one substring.
    assert k.bi == "海尔 尔滚 滚筒 筒洗 洗衣 衣机"


def test_full_width_text_is_folded() -> None:
    assert normalize("ＸＹＪ　洗衣机") == "xyj 洗衣机"
    assert product_keys("ＴＣＬ电视", "A1").uni == "tcl 电 视"


def test_pinyin_suffixes_start_on_every_syllable_and_first_is_whole_name() -> None:
    k = product_keys("洗衣机", "DQ-4")
    assert k.py.split() == ["xiyiji", "yiji", "ji"]
    assert k.ini.split() == ["xyj", "yj", "j"]


def test_latin_runs_are_words_not_pinyin() -> None:
    k = product_keys("TCL电视 55英寸", "A1")
    assert k.uni.split()[0] == "tcl"
    # Model numbers stay out of the pinyin suffixes (they would multiply the distinct terms).
    assert k.py.split() == ["dianshiyingcun", "shiyingcun", "yingcun", "cun"]
    assert k.ini.split() == ["dsyc", "syc", "yc", "c"]


def test_codes_are_lowercase_sku_and_barcode() -> None:
    assert product_keys("米", "LY-0001", "6901234567892").codes == "ly-0001 6901234567892"
    assert product_keys("米", "LY-0001").codes == "ly-0001"


def test_polyphonic_characters_index_their_common_readings_default_first() -> None:
    k = product_keys("长城干红", "JS-1")
    tokens = k.py.split()
    assert tokens[0] == "changchengganhong"  # pypinyin's phrase-aware reading ranks first
    assert "zhangchengganhong" in tokens
    assert "zcgh" in k.ini.split()
    chongqing = product_keys("重庆小面", "LY-9").py.split()
    assert chongqing[0] == "chongqingxiaomian" and "zhongqingxiaomian" in chongqing


def test_alternative_readings_are_bounded() -> None:
    k = product_keys("长长长长长长长长", "X1")
    alternatives = [t for t in k.py.split() if "zhang" in t]
    # Only MAX_ALT_POSITIONS characters get variants; each variant adds at most pos+1 tokens.
    assert 0 < len(alternatives) <= sum(range(1, MAX_ALT_POSITIONS + 1))


def test_tokens_are_capped() -> None:
    k = product_keys("中华人民共和国国家标准复合肥料高浓度大颗粒", "X1")
    assert max(len(t) for t in k.py.split()) <= PY_TOKEN_CAP
    assert max(len(t) for t in k.ini.split()) <= INI_TOKEN_CAP


def test_rare_readings_from_the_dictionary_are_not_indexed() -> None:
    # pypinyin lists 机 "wei" and 洗 "xian"; indexing those would only add noise.
    assert "wei" not in product_keys("洗衣机", "X1").py
    assert "xian" not in product_keys("洗衣机", "X1").py


def test_query_runs_in_typed_order() -> None:
    q = parse_query("海尔xyj")
    assert q.runs == ("海尔", "xyj") and q.code is None
    assert parse_query(" LY-0001 ").code == "ly-0001"
    assert parse_query("洗衣机").code is None


def test_fts_syntax_is_reduced_to_harmless_runs() -> None:
    q = parse_query('"NEAR(洗衣 OR *机)" -^ {uni}: ')
    assert q.runs == ("near", "洗衣", "or", "机", "uni")
    assert parse_query('"*-()^').empty


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_parses_into_safe_runs(text: str) -> None:
    q = parse_query(text)
    for run in q.runs:
        assert re.fullmatch(r"[a-z0-9]+|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", run)
    assert q.code is None or re.fullmatch(r"[a-z0-9][a-z0-9._-]*", q.code)


def test_key_modules_import_without_sqlalchemy_httpx_or_qt() -> None:
    result = _run(
        {"PySide6", "shiboken6", "sqlalchemy", "httpx", "alembic"},
        ["kiosk.search_keys", "kiosk.synthetic"],
        [],
    )
    assert result.returncode == 0, result.stderr

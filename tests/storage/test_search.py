"""Catalog search on a real SQLite file: query classes, ranking, hostile input, index use."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from kiosk.storage import search
from kiosk.storage.catalog import ProductRecord, delete_products, upsert_products
from kiosk.storage.search import (
    TIER_CODE,
    TIER_EXACT,
    TIER_OTHER,
    TIER_PREFIX,
    indexed_ids,
    search_phases,
    search_products,
)
from kiosk.storage.store import KioskStore
from kiosk.synthetic import generate_catalog


def rec(sku: str, name: str, category: str = "家用电器", **kw: Any) -> ProductRecord:
    return ProductRecord(sku=sku, name=name, category=category, price_fen=1000, unit="台", **kw)


CATALOG = [
    rec("DQ-1", "海尔 滚筒洗衣机 8公斤", barcode="6901234567892"),
    rec("DQ-2", "美的洗衣机 XQB80"),
    rec("DQ-3", "格力空调 1.5匹"),
    rec("DQ-4", "洗衣机"),
    rec("DQ-5", "TCL电视 55英寸"),
    rec("DQ-9", "海尔洗衣机 旧款", active=False),
    rec("LY-1", "五常大米 10kg", "粮油食品"),
    rec("LY-2", "大米", "粮油食品"),
    rec("LY-3", "金龙鱼调和油 5L", "粮油食品"),
    rec("LY-4", "重庆小面", "粮油食品"),
    rec("LY-5", "小米 500g", "粮油食品"),
    rec("SJ-1", "小米手机 128G", "手机数码"),
    rec("JS-1", "长城干红葡萄酒 750ml", "酒水饮料"),
    rec("RY-1", "行李箱 大号", "日用百货"),
    rec("LS-1", "乐事薯片 原味", "休闲零食"),
]


@pytest.fixture(scope="module")
def catalog_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskStore]:
    """One store with the small catalog above, shared by the read-only tests of this module."""
    st_ = KioskStore.open(tmp_path_factory.mktemp("search") / "data")
    with st_.write() as s:
        upsert_products(s, CATALOG)
        # Views decide ties inside a tier: make 美的 more viewed than 海尔.
        s.execute(text("UPDATE products SET views = 50 WHERE sku = 'DQ-2'"))
    yield st_
    st_.close()


def skus(store: KioskStore, query: str, **kw: Any) -> list[str]:
    with store.read() as s:
        return [h.sku for h in search_products(s, query, **kw)]


def tiers(store: KioskStore, query: str) -> dict[str, int]:
    with store.read() as s:
        return {h.sku: h.rank_tier for h in search_products(s, query)}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("米", {"LY-1", "LY-2", "LY-5", "SJ-1"}),  # one character, anywhere in the name
        ("空调", {"DQ-3"}),  # two characters
        ("洗衣", {"DQ-1", "DQ-2", "DQ-4"}),
        ("滚筒洗衣", {"DQ-1"}),  # three or more: a real substring
        ("洗衣机", {"DQ-1", "DQ-2", "DQ-4"}),
        ("海尔滚筒", {"DQ-1"}),  # the space in the name does not matter
        ("xiyiji", {"DQ-1", "DQ-2", "DQ-4"}),  # full pinyin
        ("kongtiao", {"DQ-3"}),
        ("gunt", {"DQ-1"}),  # pinyin prefix on a syllable boundary
        ("xyj", {"DQ-1", "DQ-2", "DQ-4"}),  # initials
        ("dm", {"LY-1", "LY-2"}),
        ("海尔xyj", {"DQ-1"}),  # mixed: Han runs AND Latin runs
        ("tcl", {"DQ-5"}),  # a Latin word of the name
        ("xqb80", {"DQ-2"}),
        ("xi yi ji", {"DQ-1", "DQ-2", "DQ-4"}),  # pinyin typed with spaces
        ("ＸＹＪ", {"DQ-1", "DQ-2", "DQ-4"}),  # full-width
    ],
)
def test_query_classes(catalog_store: KioskStore, query: str, expected: set[str]) -> None:
    assert set(skus(catalog_store, query)) == expected


def test_not_a_substring_does_not_match(catalog_store: KioskStore) -> None:
    assert skus(catalog_store, "洗机") == []  # both characters occur, but not together
    assert skus(catalog_store, "xijiyi") == []


def test_sku_and_barcode_rank_first(catalog_store: KioskStore) -> None:
    assert skus(catalog_store, "DQ-3") == ["DQ-3"]
    assert tiers(catalog_store, "dq-3") == {"DQ-3": TIER_CODE}
    assert tiers(catalog_store, "6901234567892") == {"DQ-1": TIER_CODE}
    # A SKU prefix finds the family, as a prefix.
    assert set(skus(catalog_store, "ly")) >= {"LY-1", "LY-2", "LY-3", "LY-4", "LY-5"}


@pytest.mark.parametrize(
    ("query", "sku"),
    [
        ("changcheng", "JS-1"),
        ("zhangcheng", "JS-1"),  # the other reading of 长
        ("zcgh", "JS-1"),
        ("chongqing", "LY-4"),
        ("zhongqing", "LY-4"),
        ("xinglixiang", "RY-1"),
        ("hanglixiang", "RY-1"),
        ("leshi", "LS-1"),
        ("yueshi", "LS-1"),
    ],
)
def test_polyphonic_readings(catalog_store: KioskStore, query: str, sku: str) -> None:
    assert sku in skus(catalog_store, query)


def test_exact_then_prefix_then_the_rest(catalog_store: KioskStore) -> None:
    ranked = tiers(catalog_store, "洗衣机")
    assert skus(catalog_store, "洗衣机")[0] == "DQ-4"  # the name is exactly 洗衣机
    assert ranked == {"DQ-4": TIER_EXACT, "DQ-1": TIER_OTHER, "DQ-2": TIER_OTHER}
    assert tiers(catalog_store, "xiyiji")["DQ-4"] == TIER_EXACT  # whole-name pinyin
    assert tiers(catalog_store, "xyj")["DQ-4"] == TIER_EXACT  # whole-name initials
    assert tiers(catalog_store, "大米") == {"LY-2": TIER_EXACT, "LY-1": TIER_OTHER}
    assert tiers(catalog_store, "haier") == {"DQ-1": TIER_PREFIX}
    assert tiers(catalog_store, "小米")["LY-5"] == TIER_PREFIX
    assert tiers(catalog_store, "小米")["SJ-1"] == TIER_PREFIX


def test_ties_go_to_the_most_viewed(catalog_store: KioskStore) -> None:
    order = skus(catalog_store, "洗衣机")
    assert order.index("DQ-2") < order.index("DQ-1")  # 美的 has 50 views, 海尔 none


def test_inactive_products_are_never_returned(catalog_store: KioskStore) -> None:
    assert "DQ-9" not in skus(catalog_store, "海尔")
    assert "DQ-9" not in skus(catalog_store, "DQ-9")


def test_category_and_limit(catalog_store: KioskStore) -> None:
    assert set(skus(catalog_store, "米", category="粮油食品")) == {"LY-1", "LY-2", "LY-5"}
    assert skus(catalog_store, "米", category="不存在") == []
    assert len(skus(catalog_store, "米", limit=2)) == 2
    assert skus(catalog_store, "米", limit=0) == []


HOSTILE = [
    "",
    "   ",
    '"',
    '""',
    "*",
    "-",
    "^",
    ":",
    "()",
    "(",
    "NEAR",
    "NEAR(洗衣 机, 2)",
    "AND",
    "OR",
    "NOT",
    "洗衣 NOT 机",
    "{uni py}: x",
    "uni:米",
    '"洗衣机',
    "xyj*",
    "'; DROP TABLE products; --",
    "\x00",
    "🙂🙂",
    "%",
    "_",
    "\\",
    "米" * 500,
    "x" * 500,
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_input_gives_results_or_nothing(catalog_store: KioskStore, query: str) -> None:
    with catalog_store.read() as s:
        hits = search_products(s, query)
    assert isinstance(hits, list)
    with catalog_store.read() as s:  # and the catalog is still there
        assert len(search_products(s, "米")) == 4


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=40))
def test_fuzzed_queries_never_raise(catalog_store: KioskStore, query: str) -> None:
    with catalog_store.read() as s:
        assert isinstance(search_products(s, query), list)


def test_updates_deactivation_and_deletion_keep_the_index_in_step(store: KioskStore) -> None:
    with store.write() as s:
        upsert_products(s, [rec("A-1", "格力空调"), rec("A-2", "海尔冰箱")])
    assert skus(store, "空调") == ["A-1"]
    with store.write() as s:  # renamed: the old name is gone from the index, the new one is in
        counts = upsert_products(s, [rec("A-1", "美的电风扇"), rec("A-2", "海尔冰箱")])
    assert (counts.updated, counts.unchanged) == (1, 1)
    assert skus(store, "空调") == [] and skus(store, "dfs") == ["A-1"]
    with store.write() as s:
        upsert_products(s, [rec("A-1", "美的电风扇", active=False)])
    assert skus(store, "电风扇") == []
    with store.write() as s:
        upsert_products(s, [rec("A-1", "美的电风扇", active=True)])
    assert skus(store, "电风扇") == ["A-1"]
    with store.write() as s:  # category change moves it between category filters
        upsert_products(s, [rec("A-1", "美的电风扇", category="日用百货")])
    assert skus(store, "电风扇", category="日用百货") == ["A-1"]
    assert skus(store, "电风扇", category="家用电器") == []
    with store.read() as s:
        ids = list(s.scalars(text("SELECT id FROM products ORDER BY id")))
    with store.write() as s:
        assert delete_products(s, ["A-1", "NOPE"]) == 1
    assert skus(store, "电风扇") == []
    with store.read() as s:
        assert indexed_ids(s, ids) == {ids[1]}


def test_reindex_all_rebuilds_the_same_results(store: KioskStore) -> None:
    with store.write() as s:
        upsert_products(s, CATALOG)
        s.execute(text("DELETE FROM product_search"))
    assert skus(store, "米") == []
    with store.write() as s:
        assert search.reindex_all(s) == sum(1 for r in CATALOG if r.active)
    assert set(skus(store, "米")) == {"LY-1", "LY-2", "LY-5", "SJ-1"}


def test_an_index_from_another_key_format_is_rebuilt_once_at_open(tmp_path: Path) -> None:
    from kiosk.search_keys import KEYS_VERSION
    from kiosk.storage.settings import SEARCH_KEYS_VERSION

    data = tmp_path / "kiosk"
    with KioskStore.open(data) as first:
        with first.read() as s:
            assert first.get_setting(s, SEARCH_KEYS_VERSION) == str(KEYS_VERSION)
        with first.write() as s:
            upsert_products(s, CATALOG)
            # What an index made by an older release looks like to this one: wrong keys.
            s.execute(text("DELETE FROM product_search"))
            first.set_setting(s, SEARCH_KEYS_VERSION, str(KEYS_VERSION - 1))
        assert skus(first, "米") == []
    with KioskStore.open(data) as reopened:
        assert set(skus(reopened, "米")) == {"LY-1", "LY-2", "LY-5", "SJ-1"}
        with reopened.read() as s:
            assert reopened.get_setting(s, SEARCH_KEYS_VERSION) == str(KEYS_VERSION)
        # Up to date: the next start does not rebuild (an emptied index stays empty).
        with reopened.write() as s:
            s.execute(text("DELETE FROM product_search"))
    with KioskStore.open(data) as again:
        assert skus(again, "米") == []


def test_a_store_from_before_the_stamp_is_rebuilt(tmp_path: Path) -> None:
    from kiosk.storage.models import Setting
    from kiosk.storage.settings import SEARCH_KEYS_VERSION

    data = tmp_path / "kiosk"
    with KioskStore.open(data) as first, first.write() as s:
        upsert_products(s, CATALOG)
        s.execute(text("DELETE FROM product_search"))
        s.execute(Setting.__table__.delete().where(Setting.key == SEARCH_KEYS_VERSION))
    with KioskStore.open(data) as reopened:
        assert set(skus(reopened, "米")) == {"LY-1", "LY-2", "LY-5", "SJ-1"}


def test_migration_creates_the_table_search_expects() -> None:
    import importlib.util

    path = Path(search.__file__).parent / "migrations" / "versions" / "0002_product_search.py"
    spec = importlib.util.spec_from_file_location("m0002", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.CREATE_SQL == search.CREATE_SQL
    assert (module.revision, module.down_revision) == ("0002", "0001")


# --- the index is used, even for one- and two-character queries ----------------------------------


@pytest.fixture(scope="module")
def big_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskStore]:
    st_ = KioskStore.open(tmp_path_factory.mktemp("big") / "data")
    records = [
        ProductRecord(
            sku=p.sku,
            name=p.name,
            category=p.category,
            price_fen=p.price_fen,
            unit=p.unit,
            barcode=p.barcode,
            active=p.active,
        )
        for p in generate_catalog(6000, seed=1)
    ]
    with st_.write() as s:
        upsert_products(s, records)
    yield st_
    st_.close()


def plan(conn: sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[str]:
    return [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]


def full_scans(details: list[str]) -> list[str]:
    """Plan steps that read a whole real table (products or categories) row by row."""
    return [d for d in details if re.match(r"SCAN (p|c|products|categories)\b", d)]


def test_the_plan_check_catches_a_full_scan(big_store: KioskStore) -> None:
    conn = sqlite3.connect(big_store.path)
    naive = plan(conn, "SELECT sku FROM products AS p WHERE p.name LIKE :q", {"q": "%米%"})
    assert full_scans(naive), naive
    conn.close()


@pytest.mark.parametrize("query", ["米", "机", "空调", "大米", "x", "kt", "xiyiji", "LY-000011"])
def test_short_queries_use_the_index_not_a_scan(big_store: KioskStore, query: str) -> None:
    conn = sqlite3.connect(big_store.path)
    phases = search_phases(query, 50)
    assert phases
    for phase in phases:
        details = plan(conn, phase.sql, phase.params)
        assert not full_scans(details), details
        if phase.tier != TIER_CODE:
            assert any(d.startswith("SCAN product_search VIRTUAL TABLE INDEX 0:M") for d in details)
    conn.close()


def count_steps(conn: sqlite3.Connection, sql: str, params: dict[str, Any]) -> int:
    """SQLite virtual-machine steps (in units of 100) a statement takes: work actually done."""
    steps = 0

    def tick() -> int:
        nonlocal steps
        steps += 1
        return 0

    conn.set_progress_handler(tick, 100)
    conn.execute(sql, params).fetchall()
    conn.set_progress_handler(None, 100)
    return steps


NAIVE = "SELECT sku FROM products WHERE name LIKE :q ORDER BY views DESC, name LIMIT 50"


@pytest.mark.parametrize(("query", "factor"), [("锄", 5), ("空调", 3), ("机", 2)])
def test_short_search_does_far_less_work_than_a_scan(
    big_store: KioskStore, query: str, factor: int
) -> None:
    conn = sqlite3.connect(big_store.path)
    scan = count_steps(conn, NAIVE, {"q": f"%{query}%"})
    indexed = sum(count_steps(conn, p.sql, p.params) for p in search_phases(query, 50))
    conn.close()
    assert indexed * factor < scan, (indexed, scan)


# --- whole-word ranking ----------------------------------------------------------------------

# Names as in the demo catalog: brand or use first, the product's word last, units and sizes.
WORD_CATALOG = [
    rec("NJ-1", "农家 土鸡蛋 30枚", "粮油食品"),  # 蛋 + 枚 spell "dm" across two words
    rec("NY-1", "农用 地膜 1.2m×500m", "农资农具"),  # 地膜 is a whole word "dm" too
    rec("NY-2", "农用 锄头 带木柄", "农资农具"),  # 带 + 木: "dm" only as a prefix of "dmb"
    rec("LY-1", "金龙鱼 东北大米 10kg", "粮油食品"),
    rec("LY-2", "福临门 五常大米 5kg", "粮油食品"),
    rec("RY-1", "心相印 卷纸 4层 10卷", "日用百货"),  # 心 + 相印 卷: "xyj" across words
    rec("YL-1", "欧姆龙 电子血压计", "医疗保健"),  # 血压计 is a whole word "xyj"
    rec("DQ-1", "海信 液晶电视 65英寸"),  # 信 + 液晶: "xyj" across words
    rec("DQ-2", "海尔 滚筒洗衣机 10公斤"),
    rec("DQ-3", "美的 波轮洗衣机 8公斤"),
]


@pytest.fixture(scope="module")
def word_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KioskStore]:
    st_ = KioskStore.open(tmp_path_factory.mktemp("words") / "data")
    with st_.write() as s:
        upsert_products(s, WORD_CATALOG)
    yield st_
    st_.close()


def test_initials_of_a_whole_word_rank_first(word_store: KioskStore) -> None:
    # Before whole-word ranking, "dm" listed 农家/农用 first (name order in a tie).
    found = skus(word_store, "dm")
    assert set(found) == {"NJ-1", "NY-1", "NY-2", "LY-1", "LY-2"}
    assert found[:2] == ["LY-2", "LY-1"]  # 大米: the word the results carry most
    assert found[2] == "NY-1"  # 地膜: a whole word, carried once
    assert set(found[3:]) == {"NJ-1", "NY-2"}  # syllables of neighbouring words last


def test_initials_xyj_put_washing_machines_first(word_store: KioskStore) -> None:
    found = skus(word_store, "xyj")
    assert set(found[:2]) == {"DQ-2", "DQ-3"}
    assert found[2] == "YL-1"
    assert set(found[3:]) == {"RY-1", "DQ-1"}


def test_full_pinyin_of_a_word_ranks_the_same_way(word_store: KioskStore) -> None:
    assert set(skus(word_store, "dami")[:2]) == {"LY-1", "LY-2"}
    assert set(skus(word_store, "xiyiji")[:2]) == {"DQ-2", "DQ-3"}


def test_views_weigh_a_word(word_store: KioskStore) -> None:
    with word_store.write() as s:
        s.execute(text("UPDATE products SET views = 9 WHERE sku = 'NY-1'"))
    try:
        assert skus(word_store, "dm")[0] == "NY-1"  # a much-viewed 地膜 beats two unviewed rice
        assert skus(word_store, "dm", limit=2) == ["NY-1", "LY-2"]
    finally:
        with word_store.write() as s:
            s.execute(text("UPDATE products SET views = 0 WHERE sku = 'NY-1'"))


def test_word_ranking_keeps_tiers(word_store: KioskStore) -> None:
    with word_store.read() as s:
        hits = search_products(s, "dm")
    assert [h.rank_tier for h in hits] == sorted(h.rank_tier for h in hits)

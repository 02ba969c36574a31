"""The demo catalog in assets/demo/ and its product images are complete, valid and current."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from kiosk.catalog import CatalogProduct, StockState, read_catalog_file

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_DIR = REPO_ROOT / "assets" / "demo"
CATALOG = DEMO_DIR / "catalog.jsonl"
IMAGES = DEMO_DIR / "images"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

REQUIRED_CATEGORIES = {
    "粮油食品",
    "日用百货",
    "农资农具",
    "家用电器",
    "手机数码",
    "服装鞋帽",
    "母婴用品",
    "医药保健",
}


@pytest.fixture(scope="module")
def products() -> list[CatalogProduct]:
    return read_catalog_file(CATALOG)


def ean13_is_valid(code: str) -> bool:
    """GS1 check: weights 1 and 3 alternate from the left over all 13 digits; sum % 10 == 0."""
    if not re.fullmatch(r"\d{13}", code):
        return False
    return sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(code)) % 10 == 0


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG header (IHDR must be the first chunk)."""
    head = path.read_bytes()[:24]
    assert head[:8] == PNG_SIGNATURE, f"{path.name} is not a PNG"
    assert head[12:16] == b"IHDR", f"{path.name} has no IHDR chunk first"
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_ean13_checker_rejects_a_wrong_check_digit() -> None:
    # 4006381333931 is the textbook valid EAN-13; changing the last digit must fail.
    assert ean13_is_valid("4006381333931")
    assert not ean13_is_valid("4006381333932")
    assert not ean13_is_valid("400638133393")


def test_catalog_is_big_and_varied(products: list[CatalogProduct]) -> None:
    active = [p for p in products if p.active]
    assert len(active) >= 300
    per_category = Counter(p.category for p in active)
    assert len(per_category) >= 8
    assert set(per_category) >= REQUIRED_CATEGORIES
    # No token categories: each one is a real shelf.
    assert min(per_category.values()) >= 20, per_category


def test_skus_and_names_are_unique_and_shaped(products: list[CatalogProduct]) -> None:
    skus = [p.sku for p in products]
    names = [p.name for p in products]
    assert len(set(skus)) == len(skus)
    assert len(set(names)) == len(names), [n for n, c in Counter(names).items() if c > 1]
    prefixes: dict[str, set[str]] = {}
    for p in products:
        assert re.fullmatch(r"[A-Z]{2}-\d{4}", p.sku), p.sku
        prefixes.setdefault(p.category, set()).add(p.sku[:2])
    # One SKU prefix per category, and no prefix shared by two categories.
    assert all(len(v) == 1 for v in prefixes.values()), prefixes
    assert len({next(iter(v)) for v in prefixes.values()}) == len(prefixes)


def test_prices_are_positive_integer_fen(products: list[CatalogProduct]) -> None:
    for p in products:
        assert type(p.price_fen) is int, p.sku
        # Between ¥1 and ¥10,000: anything outside is a yuan/fen mix-up for this catalog.
        assert 100 <= p.price_fen <= 1_000_000, (p.sku, p.price_fen)


def test_barcodes_are_valid_chinese_ean13(products: list[CatalogProduct]) -> None:
    barcodes = [p.barcode for p in products if p.barcode is not None]
    assert len(barcodes) >= 0.8 * len(products), "most packaged goods carry a barcode"
    assert len(set(barcodes)) == len(barcodes)
    for code in barcodes:
        assert ean13_is_valid(code), code
        assert code.startswith("69"), code


def test_stock_states_and_inactive_products_appear(products: list[CatalogProduct]) -> None:
    states = Counter(p.stock for p in products)
    assert states[StockState.LOW] >= 3
    assert states[StockState.OUT] >= 2
    assert 1 <= sum(not p.active for p in products) <= 5


def test_catalog_has_what_search_tests_and_screenshots_rely_on(
    products: list[CatalogProduct],
) -> None:
    names = [p.name for p in products if p.active]

    def count(pattern: str) -> int:
        return sum(bool(re.search(pattern, n)) for n in names)

    assert count("米") >= 15
    assert count("空调") >= 6
    assert count("海尔.*洗衣机") >= 3
    assert count("美的.*洗衣机") >= 2
    for word in ("冰箱", "电饭煲", "电风扇", "复合肥", "尿素"):
        assert count(word) >= 1, word
    for crop in ("玉米种子", "水稻种子|稻种子", "白菜种子|番茄种子|黄瓜种子"):
        assert count(crop) >= 1, crop
    # Characters with more than one reading, for the pinyin index.
    for word in ("重庆", "长虹", "银行", "快乐", "乐"):
        assert count(word) >= 1, word
    assert all(p.description for p in products), "every product has a short description"


def test_every_product_has_its_own_400px_png(products: list[CatalogProduct]) -> None:
    referenced = set()
    total = 0
    for p in products:
        assert p.image == f"images/{p.sku}.png", p.sku
        path = DEMO_DIR / p.image
        assert path.is_file(), f"missing image {p.image}"
        assert png_size(path) == (400, 400), p.image
        size = path.stat().st_size
        assert size < 25_000, f"{p.image} is {size} bytes"
        total += size
        referenced.add(path.name)
    assert total < 10_000_000
    on_disk = {f.name for f in IMAGES.iterdir()}
    assert on_disk == referenced, f"stray files: {sorted(on_disk - referenced)}"


def test_committed_catalog_matches_its_generator(tmp_path: Path) -> None:
    out = tmp_path / "catalog.jsonl"
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "make_demo_catalog.py"), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert out.read_bytes() == CATALOG.read_bytes(), (
        "assets/demo/catalog.jsonl is out of date: run scripts/make_demo_catalog.py"
    )


def test_image_script_renders_a_product(tmp_path: Path) -> None:
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True, check=False).stdout
    if "Noto Sans CJK SC" not in fonts:
        pytest.skip("font 'Noto Sans CJK SC' not installed (apt-get install fonts-noto-cjk)")
    catalog = tmp_path / "catalog.jsonl"
    catalog.write_bytes(CATALOG.read_bytes())
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [
            sys.executable,
            str(REPO_ROOT / "scripts" / "make_demo_images.py"),
            "--catalog",
            str(catalog),
            "--sku",
            "JD-0001",
            "--sku",
            "LY-0001",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert result.returncode == 0, result.stderr
    made = sorted(f.name for f in (tmp_path / "images").iterdir())
    assert made == ["JD-0001.png", "LY-0001.png"]
    for name in made:
        assert png_size(tmp_path / "images" / name) == (400, 400)

"""The catalog JSON Lines format: validation is all-or-nothing with line numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.catalog import StockState, parse_catalog_lines, read_catalog_file
from kiosk.errors import InvalidInput

GOOD = {
    "sku": "LY-0001",
    "name": "金龙鱼 大米 10kg",
    "category": "粮油食品",
    "price_fen": 5990,
    "unit": "袋",
}


def _line(**changes: object) -> str:
    data: dict[str, object] = {**GOOD, **changes}
    for key in [k for k, v in data.items() if v is None]:
        del data[key]
    return json.dumps(data, ensure_ascii=False)


def test_minimal_line_gets_defaults() -> None:
    [p] = parse_catalog_lines([_line()])
    assert p.sku == "LY-0001" and p.price_fen == 5990
    assert p.stock is StockState.IN_STOCK and p.active is True and p.barcode is None


def test_blank_lines_skipped_and_all_fields_read() -> None:
    full = _line(
        description="东北大米",
        image="images/LY-0001.png",
        stock="low",
        barcode="6901234567892",
        active=False,
    )
    [p] = parse_catalog_lines(["", full, "   "])
    assert p.stock is StockState.LOW and p.barcode == "6901234567892" and not p.active


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (_line(price_fen=59.9), "price_fen"),
        (_line(price_fen=5990.0), "price_fen"),
        (_line(price_fen="5990"), "price_fen"),
        (_line(price_fen=-1), "price_fen"),
        (_line(price_fen=None), "missing field 'price_fen'"),
        (_line(sku=""), "sku"),
        (_line(sku="bad sku"), "sku"),
        (_line(stock="plenty"), "stock"),
        (_line(barcode="12ab"), "barcode"),
        (_line(active="yes"), "active"),
        (_line(colour="red"), "unknown field 'colour'"),
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
    ],
)
def test_bad_lines_are_named(line: str, reason: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_catalog_lines([_line(sku="OK-1"), line])
    message = str(info.value)
    assert "line 2" in message and reason in message
    assert "nothing changed" in message


def test_duplicate_sku_refused() -> None:
    with pytest.raises(InvalidInput, match="line 2: SKU LY-0001 already on line 1"):
        parse_catalog_lines([_line(), _line(name="另一个")])


def test_many_errors_are_summarised() -> None:
    lines = [_line(sku=f"S{i}", price_fen=1.5) for i in range(9)]
    with pytest.raises(InvalidInput, match="and 4 more bad lines"):
        parse_catalog_lines(lines)


def test_read_file_errors(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="not found"):
        read_catalog_file(tmp_path / "missing.jsonl")
    with pytest.raises(InvalidInput, match="folder"):
        read_catalog_file(tmp_path)
    latin = tmp_path / "latin.jsonl"
    latin.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(InvalidInput, match="UTF-8"):
        read_catalog_file(latin)
    bom = tmp_path / "bom.jsonl"
    bom.write_text(_line() + "\n", encoding="utf-8-sig")
    assert [p.sku for p in read_catalog_file(bom)] == ["LY-0001"]

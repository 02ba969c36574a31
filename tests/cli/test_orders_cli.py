"""``kiosk orders place`` and ``kiosk orders list``, including bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kiosk.cli import main
from kiosk.storage import models as m
from kiosk.storage.store import KioskStore
from tests.conftest import REPO_ROOT
from tests.helpers.seed import seed_products


@pytest.fixture
def shop(data_dir: Path) -> Path:
    with KioskStore.open(data_dir) as store:
        seed_products(store)
    return data_dir


def _run(data_dir: Path, *args: str) -> int:
    return main(["--data-dir", str(data_dir), *args])


def _counts(data_dir: Path) -> tuple[int, int]:
    with KioskStore.open(data_dir) as store, store.read() as s:
        orders = s.scalar(select(func.count()).select_from(m.Order)) or 0
        events = s.scalar(select(func.count()).select_from(m.OutboxEvent)) or 0
    return orders, events


def test_place_one_order_json(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = _run(
        shop,
        "orders", "place", "--name", "张三", "--phone", "138 1234 5678",
        "--item", "LY-0001:2", "--item", "RY-0001", "--payment", "on_pickup", "--json",
    )  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    [line] = out.splitlines()
    doc = json.loads(line)
    assert set(doc) == {"order_id", "local_no", "total_fen", "pickup_code"}
    assert doc["local_no"] == "LOCAL-0001" and doc["total_fen"] == 2 * 5990 + 3450
    assert len(doc["pickup_code"]) == 6
    assert _counts(shop) == (1, 1)


def test_place_human_output(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(shop, "orders", "place", "--name", "李四", "--phone", "13900001111",
                "--item", "LY-0002:1") == 0  # fmt: skip
    out = capsys.readouterr().out
    assert "LOCAL-0001" in out and "¥128.50" in out and "Pickup code" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--item", "NOPE:1"], "no product with SKU NOPE"),
        (["--item", "RY-0002:1"], "no longer sold"),
        (["--item", "NZ-0001:1"], "out of stock"),
        (["--item", "LY-0001:0"], "between 1 and"),
        (["--item", "LY-0001:abc"], "is not SKU:QTY"),
        (["--item", "LY-0001:1", "--payment", "card"], "cash or on_pickup"),
        (["--item", "LY-0001:1", "--phone", "12345"], "11-digit"),
        ([], "needs --item"),
    ],
)
def test_bad_input_fails_cleanly(
    shop: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    base = ["orders", "place", "--name", "张三", "--phone", "13812345678"]
    # A later --phone overrides the first one (argparse keeps the last value).
    code = _run(shop, *base, *args, "--json")
    out, err = capsys.readouterr()
    assert code != 0
    assert out == ""
    assert len(err.strip().splitlines()) == 1 and message in err, err
    assert _counts(shop) == (0, 0)


def _write(path: Path, *lines: object) -> Path:
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
        + "\n",
        encoding="utf-8",
    )
    return path


GOOD = {"name": "王五", "phone": "13800000001", "items": [{"sku": "LY-0001", "qty": 2}]}


def test_place_from_file(shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = _write(
        tmp_path / "orders.jsonl",
        GOOD,
        "",
        {**GOOD, "phone": "13800000002", "items": [{"sku": "RY-0001"}], "payment": "on_pickup"},
    )
    assert _run(shop, "orders", "place", "--from", str(f), "--json") == 0
    docs = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [d["local_no"] for d in docs] == ["LOCAL-0001", "LOCAL-0002"]
    assert [d["total_fen"] for d in docs] == [2 * 5990, 3450]
    assert _counts(shop) == (2, 2)


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ("{not json", "line 2: not valid JSON"),
        ("[1]", "line 2: expected a JSON object"),
        ({**GOOD, "phone": "123"}, "line 2: phone number"),
        ({**GOOD, "items": []}, "line 2: 'items'"),
        ({**GOOD, "items": [{"sku": "LY-0001", "qty": 2.5}]}, "line 2: quantity"),
        ({**GOOD, "items": [{"sku": "NOPE", "qty": 1}]}, "line 2: no product with SKU NOPE"),
        ({**GOOD, "payment": "card"}, "line 2: unknown payment"),
        ({**GOOD, "colour": "red"}, "line 2: unknown field 'colour'"),
        ({"name": "x", "phone": "13800000001"}, "line 2: missing field 'items'"),
    ],
)
def test_bad_order_file_places_nothing(
    shop: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    bad: object,
    message: str,
) -> None:
    f = _write(tmp_path / "orders.jsonl", GOOD, bad, GOOD)
    code = _run(shop, "orders", "place", "--from", str(f), "--json")
    out, err = capsys.readouterr()
    assert code != 0
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err and "nothing changed" in err, err
    assert _counts(shop) == (0, 0)


def test_order_file_problems(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(shop, "orders", "place", "--from", str(tmp_path / "none.jsonl")) != 0
    assert "not found" in capsys.readouterr().err
    empty = _write(tmp_path / "empty.jsonl", "")
    assert _run(shop, "orders", "place", "--from", str(empty)) != 0
    assert "no orders" in capsys.readouterr().err
    f = _write(tmp_path / "o.jsonl", GOOD)
    assert _run(shop, "orders", "place", "--from", str(f), "--name", "x") != 0
    assert "either --from" in capsys.readouterr().err
    assert _counts(shop) == (0, 0)


def test_list_json_and_status_filter(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for item in ("LY-0001:1", "LY-0002:3"):
        assert _run(shop, "orders", "place", "--name", "张三", "--phone", "13812345678",
                    "--item", item, "--json") == 0  # fmt: skip
    capsys.readouterr()
    assert _run(shop, "orders", "list", "--json") == 0
    orders = json.loads(capsys.readouterr().out)
    assert [o["local_no"] for o in orders] == ["LOCAL-0002", "LOCAL-0001"]
    first = orders[0]
    assert first["status"] == "placed" and first["total_fen"] == 3 * 12850
    assert first["phone"] == "138****5678"
    assert first["lines"] == [
        {
            "sku": "LY-0002",
            "name": "鲁花 花生油 5L",
            "unit": "桶",
            "qty": 3,
            "unit_price_fen": 12850,
            "line_total_fen": 3 * 12850,
        }
    ]
    assert "13812345678" not in json.dumps(orders)
    assert _run(shop, "orders", "list", "--status", "shipped", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []
    assert _run(shop, "orders", "list") == 0
    human = capsys.readouterr().out
    assert "LOCAL-0002" in human and "138****5678" in human and "13812345678" not in human
    assert _run(shop, "orders", "list", "--status", "lost") != 0
    assert "unknown order status" in capsys.readouterr().err


def test_real_process_prints_each_order_after_commit(shop: Path, tmp_path: Path) -> None:
    f = _write(tmp_path / "orders.jsonl", GOOD, {**GOOD, "phone": "13800000009"})
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "--data-dir", str(shop), "orders", "place",
         "--from", str(f), "--json"],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    docs = [json.loads(x) for x in proc.stdout.splitlines()]
    assert len(docs) == 2
    with KioskStore.open(shop) as store, store.read() as s:
        ids = set(s.scalars(select(m.Order.id)))
    assert {d["order_id"] for d in docs} == ids

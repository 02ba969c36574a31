"""``kiosk owner …`` output: the English sentences and the JSON fields stay as they were, now
made on the command line from the kind and params that storage returns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.customers import Customer
from kiosk.orders import LineRequest, OrderStatus, Payment
from kiosk.storage.orders import apply_remote_status, place_order
from kiosk.storage.store import KioskStore
from tests.helpers.seed import seed_products


@pytest.fixture
def shop(data_dir: Path) -> Path:
    with KioskStore.open(data_dir) as store:
        seed_products(store)
    return data_dir


def _place(data_dir: Path, status: OrderStatus | None = None) -> str:
    with KioskStore.open(data_dir) as store:
        placed = place_order(
            store, Customer.of("张三", "13812345678"), [LineRequest("LY-0001", 1)], Payment.CASH
        )
        if status is not None:
            with store.write() as s:
                apply_remote_status(s, placed.order_id, status, reason="仓库缺货")
        return placed.local_no


def test_a_move_prints_the_same_json_and_sentence(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = _place(shop)
    # The end of the number is enough here too.
    code = main(["--data-dir", str(shop), "owner", "cancel", number[-4:], "--reason", "不要了",
                 "--json"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert {"order_id", "local_no", "status", "event_id", "cash_fen", "complete", "message"} <= set(
        doc
    )
    assert doc["message"] == f"{number} cancelled; refund ¥59.90"
    assert doc["kind"] == "cancelled" and doc["status"] == "cancelled" and doc["cash_fen"] == -5990


def test_the_queue_says_attention_in_english_and_keeps_message(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    number = _place(shop, OrderStatus.REJECTED)
    fresh = _place(shop)
    assert main(["--data-dir", str(shop), "owner", "queue", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    [item] = doc["attention"]
    assert item["kind"] == "rejected" and item["params"]["refund_fen"] == 5990
    assert item["message"].startswith(f"{number} was refused: 仓库缺货; refund ¥59.90")
    assert [o["local_no"] for o in doc["on_order"]] == [fresh]
    assert doc["counts"]["on_order"] == 1
    assert main(["--data-dir", str(shop), "owner", "queue"]) == 0
    text = capsys.readouterr().out
    assert "1 ordered (not shipped yet)" in text and "tell the villager" in text

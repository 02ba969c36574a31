"""The CLI against hostile input and output (docs/cli.md, "Hostile input"): one line instead of
a traceback, ASCII digits, a closed stdout, and no escape sequence from data on the terminal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

from kiosk.cli import main
from kiosk.errors import InvalidInput
from kiosk.storage import models as m
from kiosk.storage.center import set_center
from kiosk.storage.store import KioskStore
from tests.conftest import REPO_ROOT
from tests.helpers.seed import seed_products

ESC = "\x1b"


@pytest.fixture
def shop(data_dir: Path) -> Path:
    with KioskStore.open(data_dir) as store:
        seed_products(store)
    return data_dir


def _run(data_dir: Path, *args: str) -> int:
    return main(["--data-dir", str(data_dir), *args])


def _one_line_error(err: str) -> None:
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.startswith("kiosk: ")


def test_a_deeply_nested_catalog_line_is_one_line(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nested.jsonl"
    path.write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    assert _run(shop, "catalog", "import", str(path)) == 2
    err = capsys.readouterr().err
    _one_line_error(err)
    assert "nested too deeply" in err


@pytest.mark.parametrize(
    "order",
    [
        {"name": "张三", "phone": "13812345678", "items": [{"sku": "LY-\ud800", "qty": 1}]},
        {"name": "张\udfff三", "phone": "13812345678", "items": [{"sku": "LY-0001", "qty": 1}]},
        {"name": "张三", "phone": "1\ud83812345678", "items": [{"sku": "LY-0001", "qty": 1}]},
    ],
)
def test_surrogates_in_an_order_file_are_one_line(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], order: dict[str, object]
) -> None:
    path = tmp_path / "orders.jsonl"
    path.write_text(json.dumps(order) + "\n", encoding="utf-8")  # \ud800 escapes: valid JSON
    assert _run(shop, "orders", "place", "--from", str(path)) == 2
    _one_line_error(capsys.readouterr().err)


@pytest.mark.parametrize("phone", ["138١2345678", "1381234۵678", "13812345६78"])
def test_non_ascii_digits_in_a_phone_are_refused(
    shop: Path, capsys: pytest.CaptureFixture[str], phone: str
) -> None:
    assert _run(shop, "orders", "place", "--name", "张三", "--phone", phone,
                "--item", "LY-0001") == 2  # fmt: skip
    err = capsys.readouterr().err
    _one_line_error(err)
    assert "11-digit" in err


def test_full_width_digits_in_a_phone_are_accepted(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(shop, "orders", "place", "--name", "张三", "--phone", "１３８１２３４５６７８",
                "--item", "LY-0001", "--json") == 0  # fmt: skip
    assert capsys.readouterr().out


def test_hostile_text_in_data_never_reaches_the_terminal_raw(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with KioskStore.open(shop) as store, store.write() as s:
        # A hostile code is refused now (set_center, and the wire), so it can only be in a store
        # written before that rule: put it straight into an order placed here.
        with pytest.raises(InvalidInput):
            set_center(s, f"C{ESC}[2J1", "x")
        set_center(s, "C1", f"李家村{ESC}]0;owned\x07服务站\u202e\x9b31m")
        KioskStore.set_setting(s, "device.id", "d-1")  # enrolled, so status names the center
        KioskStore.set_setting(s, "sync.server_url", "https://central.example.cn")
    assert _run(shop, "orders", "place", "--name", "张三", "--phone", "13812345678",
                "--item", "LY-0001") == 0  # fmt: skip
    with KioskStore.open(shop) as store, store.write() as s:
        s.execute(update(m.Order).values(local_no=f"C{ESC}[2J1-0001"))
    assert _run(shop, "orders", "list") == 0
    assert _run(shop, "status") == 0
    out = capsys.readouterr().out
    for bad in (ESC, "\x07", "\u202e", "\x9b"):
        assert bad not in out, repr(bad)
    assert "李家村服务站" in out
    # JSON keeps the data (escaped), and stays strict JSON.
    assert _run(shop, "orders", "list", "--json") == 0
    out = capsys.readouterr().out
    assert ESC not in out and "\\u001b" in out
    assert json.loads(out)[0]["local_no"].startswith(f"C{ESC}[2J1")


def test_a_closed_stdout_ends_quietly(shop: Path) -> None:
    for _ in range(3):
        assert _run(shop, "orders", "place", "--name", "张三", "--phone", "13812345678",
                    "--item", "LY-0001") == 0  # fmt: skip
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the kiosk writes (`| head -0`)
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "kiosk", "--data-dir", str(shop), "orders", "list"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=REPO_ROOT,
            timeout=120,
            check=False,
        )
    finally:
        os.close(write_end)
    err = proc.stderr.decode()
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
    assert proc.returncode == 141


@pytest.mark.parametrize(
    "args",
    [
        ("owner", "check-in", "LOCAL-0001", "--line", "LY-0001:²"),
        ("owner", "cancel", "LOCAL-0001", "--reason", "x", "--refund", "١٢"),
        ("owner", "pickup", "LOCAL-0001", "--code", "٠٤٢٩١٧", "--paid", "cash"),
    ],
)
def test_unicode_digits_in_owner_commands_are_one_line(
    shop: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    assert _run(shop, "orders", "place", "--name", "张三", "--phone", "13812345678",
                "--item", "LY-0001", "--payment", "on_pickup") == 0  # fmt: skip
    capsys.readouterr()
    assert _run(shop, *args) != 0
    _one_line_error(capsys.readouterr().err)


def test_money_is_ascii_digits() -> None:
    from kiosk.errors import InvalidInput
    from kiosk.money import parse_yuan

    assert parse_yuan("¥12.50") == 1250
    with pytest.raises(InvalidInput):
        parse_yuan("¥١٢.٥٠")

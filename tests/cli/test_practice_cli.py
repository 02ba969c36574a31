"""``kiosk practice start|reset|end`` and a whole practice day on the command line: the real
database is byte for byte the same afterwards, and the practice store refuses to sync."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from kiosk.admin import Role
from kiosk.cli import main
from kiosk.storage.admin import set_pin
from kiosk.storage.center import set_center
from kiosk.storage.search import reindex_all
from kiosk.storage.store import DB_FILENAME, KioskStore
from tests.helpers.seed import seed_products

OWNER_PIN = "2580"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files(data: Path) -> list[str]:
    return sorted(p.name for p in data.iterdir())


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    data = tmp_path / "kiosk"
    with KioskStore.open(data) as store:
        seed_products(store)
        with store.write() as s:
            reindex_all(s)
            set_center(s, "C017", "幸福村服务站")
        set_pin(store, Role.OWNER, OWNER_PIN, "test")
    return data


def run(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, object]:
    code = main([*args, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert isinstance(doc, dict)
    return doc


def test_a_practice_day_on_the_command_line_leaves_the_real_database_as_it_was(
    shop: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before, listing = sha256(shop / DB_FILENAME), files(shop)
    made = run(capsys, "--data-dir", str(shop), "practice", "start")
    practice = Path(str(made["practice_dir"]))
    assert practice == shop / "practice" and made["new"] is True and made["products"] == 5
    p = ["--data-dir", str(practice)]
    monkeypatch.setenv("KIOSK_PIN", OWNER_PIN)  # the owner's PIN, copied into practice
    placed = run(capsys, *p, "orders", "place", "--name", "王秀英", "--phone", "13812345678",
                 "--item", "LY-0001:1", "--payment", "on_pickup")  # fmt: skip
    number, code = str(placed["local_no"]), str(placed["pickup_code"])
    # The practice store never syncs: no server, and the engine refuses it outright.
    assert main([*p, "sync"]) != 0
    assert "enrolled" in capsys.readouterr().err
    with KioskStore.open(practice) as store:
        from kiosk.storage.practice import play_central_moves

        play_central_moves(store, str(placed["order_id"]))
    assert run(capsys, *p, "owner", "check-in", number)["status"] == "arrived"
    assert main([*p, "owner", "pickup", number, "--code", "000000", "--paid", "cash"]) != 0
    capsys.readouterr()
    picked = run(capsys, *p, "owner", "pickup", number, "--code", code, "--paid", "cash")
    assert picked["status"] == "picked_up"
    run(capsys, *p, "owner", "close-day")
    # Start again keeps it; reset empties it; end deletes it.
    assert run(capsys, "--data-dir", str(shop), "practice", "start")["new"] is False
    run(capsys, "--data-dir", str(shop), "practice", "reset")
    assert main([*p, "orders", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert run(capsys, "--data-dir", str(shop), "practice", "end") == {"deleted": True}
    assert not practice.exists()
    assert run(capsys, "--data-dir", str(shop), "practice", "end") == {"deleted": False}
    assert sha256(shop / DB_FILENAME) == before
    assert files(shop) == listing


def test_no_practice_on_a_kiosk_not_set_up(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path / "none"), "practice", "start"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("kiosk: there is no kiosk database") and err[-1] == "\n"
    assert not (tmp_path / "none" / "practice").exists()


def test_reset_and_end_refuse_while_a_kiosk_window_is_open(
    shop: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    run(capsys, "--data-dir", str(shop), "practice", "start")
    # The lock file of a kiosk window held by a live process (QLockFile: the pid comes first).
    lock = shop / "kiosk-gui.lock"
    lock.write_text(f"{os.getppid()}\nkiosk\nhost\n", encoding="utf-8")
    for command in ("reset", "end"):
        assert main(["--data-dir", str(shop), "practice", command]) == 1
        err = capsys.readouterr().err
        assert err.startswith("kiosk: the kiosk window is open on this data folder")
    assert (shop / "practice" / DB_FILENAME).exists()
    lock.unlink()  # the window closed
    assert run(capsys, "--data-dir", str(shop), "practice", "end") == {"deleted": True}

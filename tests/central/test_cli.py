"""The ``kiosk-central`` operator commands, through ``central.cli.main`` and a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from central.cli import main
from central.db import CentralDb
from central.enrollment import DeviceAuth
from central.service import CentralService
from kiosk.wire import EventBatch
from tests.central.conftest import order_event
from tests.conftest import REPO_ROOT


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, Any, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    parsed = json.loads(out) if out.strip().startswith(("{", "[")) else out
    return code, parsed, err


@pytest.fixture
def dburl(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'central.db'}"


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "rice.png").write_bytes(b"\x89PNG\r\n\x1a\nrice")
    lines = [
        {
            "sku": "LY-0001",
            "name": "东北大米 10kg",
            "category": "粮油食品",
            "price_fen": 5990,
            "unit": "袋",
            "image": "images/rice.png",
        },
        {
            "sku": "RY-0001",
            "name": "洗衣粉",
            "category": "日用百货",
            "price_fen": 1290,
            "unit": "袋",
        },
    ]
    f = tmp_path / "catalog.jsonl"
    f.write_text(
        "\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8"
    )
    return f


def test_catalog_import_is_idempotent_and_publishes(
    capsys: pytest.CaptureFixture[str], dburl: str, catalog_file: Path
) -> None:
    code, first, _ = run(capsys, "catalog", "import", str(catalog_file), "--db", dburl, "--json")
    assert code == 0
    assert first == {
        "added": 2,
        "updated": 0,
        "unchanged": 0,
        "images": 1,
        "first_version": 1,
        "last_version": 2,
    }
    code, again, _ = run(capsys, "--db", dburl, "catalog", "import", str(catalog_file), "--json")
    assert code == 0 and again["unchanged"] == 2 and again["first_version"] is None
    code, p, _ = run(capsys, "catalog", "set-price", "LY-0001", "6290", "--db", dburl, "--json")
    assert code == 0 and p["price_fen"] == 6290 and p["version"] == 3
    code, text, _ = run(capsys, "catalog", "deactivate", "RY-0001", "--db", dburl)
    assert code == 0 and "deactivated" in text
    code, d, _ = run(capsys, "catalog", "delete", "RY-0001", "--db", dburl, "--json")
    assert d == {"sku": "RY-0001", "version": 5, "deleted": True}


def test_catalog_errors_are_one_line_and_change_nothing(
    capsys: pytest.CaptureFixture[str], dburl: str, tmp_path: Path, catalog_file: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        catalog_file.read_text(encoding="utf-8") + '{"sku": "X-1", "name": "坏的"}\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "catalog", "import", str(bad), "--db", dburl)
    assert code == 2 and err.count("\n") == 1 and "line 3" in err and "nothing changed" in err
    missing_img = tmp_path / "noimg.jsonl"
    missing_img.write_text(
        '{"sku":"A","name":"a","category":"c","price_fen":1,"unit":"个","image":"nope.png"}\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "catalog", "import", str(missing_img), "--db", dburl)
    assert code == 2 and "image nope.png not found" in err
    assert run(capsys, "catalog", "set-price", "NOPE", "100", "--db", dburl)[0] == 3
    code, _, err = run(capsys, "catalog", "set-price", "A", "12.5", "--db", dburl)
    assert code == 2 and "fen" in err
    db = CentralDb(dburl)
    try:
        assert CentralService(db).catalog_page("", 100).items == []
    finally:
        db.close()


def test_enroll_code_orders_and_fleet(
    capsys: pytest.CaptureFixture[str], dburl: str, catalog_file: Path
) -> None:
    run(capsys, "catalog", "import", str(catalog_file), "--db", dburl)
    code, info, _ = run(
        capsys,
        "enroll-code",
        "--center",
        "C017",
        "--center-name",
        "王家村",
        "--db",
        dburl,
        "--json",
    )
    assert code == 0 and len(info["code"]) == 8 and info["expires_at"].endswith("Z")
    assert run(capsys, "enroll-code", "--center", "bad id!", "--db", dburl)[0] == 2
    assert run(capsys, "enroll-code", "--center", "C1", "--ttl-hours", "0", "--db", dburl)[0] == 2

    db = CentralDb(dburl)
    service = CentralService(db)
    from kiosk.wire import EnrollRequest

    device = service.enroll(EnrollRequest(code=info["code"]))
    line = {
        "sku": "LY-0001",
        "name": "东北大米",
        "unit": "袋",
        "unit_price_fen": 5990,
        "product_version": 1,
        "qty": 1,
        "line_total_fen": 5990,
    }
    event = order_event(center="C017", lines=[line])
    auth = DeviceAuth(device.device_id, "C017")
    [res] = service.push_events(auth, EventBatch.model_validate({"events": [event]})).results
    assert res.status == "accepted"
    db.close()

    code, orders, _ = run(capsys, "orders", "list", "--center", "C017", "--db", dburl, "--json")
    assert code == 0 and len(orders) == 1
    o = orders[0]
    assert (o["order_id"], o["server_no"], o["center"], o["status"], o["total_fen"]) == (
        event["subject_id"],
        "S00000001",
        "C017",
        "submitted",
        5990,
    )
    assert o["lines"][0]["sku"] == "LY-0001" and "13800138000" not in json.dumps(orders)
    assert run(capsys, "orders", "list", "--center", "C999", "--db", dburl, "--json")[1] == []

    code, moved, _ = run(
        capsys, "orders", "advance", o["order_id"], "--to", "accepted", "--db", dburl, "--json"
    )
    assert code == 0 and moved["status"] == "accepted"
    code, _, err = run(capsys, "orders", "advance", o["order_id"], "--to", "arrived", "--db", dburl)
    assert code == 1 and "cannot become arrived" in err
    code, _, err = run(capsys, "orders", "advance", o["order_id"], "--to", "flying", "--db", dburl)
    assert code == 2 and "unknown order status" in err
    assert (
        run(capsys, "orders", "advance", "no-such-order", "--to", "shipped", "--db", dburl)[0] == 3
    )

    code, fleet, _ = run(capsys, "fleet", "--db", dburl, "--json")
    assert code == 0 and [c["center_id"] for c in fleet] == ["C017"]
    assert (
        fleet[0]["center_name"] == "王家村"
        and fleet[0]["last_seen"] is None
        and fleet[0]["devices"] == 1
    )


def test_bad_database_url_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "fleet", "--db", "mysql://x/y")
    assert code == 4 and "unsupported database" in err and err.count("\n") == 1
    code, _, err = run(capsys, "fleet", "--db", "postgresql+psycopg://nobody@127.0.0.1:1/x")
    assert code == 4 and "cannot open the central database" in err and "Traceback" not in err


def test_console_script_runs_in_a_subprocess(tmp_path: Path) -> None:
    env_db = f"sqlite:///{tmp_path / 'env.db'}"
    r = subprocess.run(
        [sys.executable, "-m", "central.cli", "enroll-code", "--center", "C001", "--json"],
        cwd=REPO_ROOT,
        env={"KIOSK_CENTRAL_DB": env_db, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout)["center_id"] == "C001"
    assert (tmp_path / "env.db").exists()
    r = subprocess.run(
        [sys.executable, "-m", "central.cli"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert r.returncode == 2 and "serve" in r.stdout

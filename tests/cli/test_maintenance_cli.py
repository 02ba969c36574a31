"""``kiosk backup`` and ``kiosk doctor``."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.storage.backup import integrity_check
from kiosk.storage.store import KioskStore
from tests.helpers.seed import seed_products


def _run(data_dir: Path, *args: str) -> int:
    return main(["--data-dir", str(data_dir), *args])


@pytest.fixture
def shop(data_dir: Path) -> Path:
    with KioskStore.open(data_dir) as store:
        seed_products(store)
    assert _run(data_dir, "orders", "place", "--name", "张三", "--phone", "13812345678",
                "--item", "LY-0001:2") == 0  # fmt: skip
    return data_dir


def _doctor(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = _run(data_dir, "doctor", "--json")
    return code, json.loads(capsys.readouterr().out)


def _checks(report: dict[str, object]) -> dict[str, tuple[bool, str]]:
    return {c["name"]: (c["ok"], c["detail"]) for c in report["checks"]}  # type: ignore[attr-defined]


def test_backup_default_destination(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert _run(shop, "backup", "--json") == 0
    doc = json.loads(capsys.readouterr().out)
    path = Path(doc["path"])
    assert path.parent == shop / "backups" and path.name.startswith("kiosk-")
    assert doc["integrity"] == "ok" and doc["bytes"] == path.stat().st_size
    assert integrity_check(path) == "ok"
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT count(*) FROM orders").fetchone() == (1,)
    finally:
        conn.close()
    # Twice in the same second gets a second file, not an overwrite.
    assert _run(shop, "backup") == 0
    out = capsys.readouterr().out
    assert "integrity ok" in out
    assert len(list((shop / "backups").glob("kiosk-*.db"))) == 2


def test_backup_to_file_and_folder(
    shop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    assert _run(shop, "backup", str(usb), "--json") == 0
    in_folder = Path(json.loads(capsys.readouterr().out)["path"])
    assert in_folder.parent == usb and integrity_check(in_folder) == "ok"
    target = tmp_path / "named.db"
    assert _run(shop, "backup", str(target)) == 0
    assert integrity_check(target) == "ok"


def test_backup_without_database(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(data_dir, "backup") != 0
    assert "no database to back up" in capsys.readouterr().err
    assert not (data_dir / "kiosk.db").exists()


def test_doctor_all_ok_after_a_backup(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, report = _doctor(shop, capsys)
    checks = _checks(report)
    assert code == 1 and report["ok"] is False
    assert checks["backup"][0] is False and "no backup yet" in checks["backup"][1]
    assert _run(shop, "backup") == 0
    code, report = _doctor(shop, capsys)
    checks = _checks(report)
    assert code == 0 and report["ok"] is True, checks
    assert {
        "data folder", "database", "integrity", "schema", "durability", "catalog", "orders",
        "outbox", "disk", "backup", "versions",
    } <= set(checks)  # fmt: skip
    assert "synchronous=FULL" in checks["durability"][1]
    assert "journal_mode=wal" in checks["durability"][1]
    assert "up to date" in checks["schema"][1]
    assert checks["orders"][1] == "1 order: placed 1"
    assert "1 waiting to send" in checks["outbox"][1]
    assert "5 products" in checks["catalog"][1]
    assert "SQLite" in checks["versions"][1]


def test_doctor_human_output(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert _run(shop, "doctor") == 1
    out = capsys.readouterr().out
    assert "[ok] integrity" in out and "[!!] backup" in out and "need attention" in out


def test_doctor_on_empty_data_dir_does_not_create_a_database(
    data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = _doctor(data_dir, capsys)
    assert code == 1
    assert "no database yet" in _checks(report)["database"][1]
    assert not (data_dir / "kiosk.db").exists()
    assert list(data_dir.iterdir()) == []


def test_doctor_on_missing_data_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nowhere"
    code, report = _doctor(missing, capsys)
    assert code == 1
    assert "does not exist" in _checks(report)["data folder"][1]
    assert not missing.exists()


def test_doctor_on_garbage_file(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (data_dir / "kiosk.db").write_bytes(b"garbage" * 1000)
    code, report = _doctor(data_dir, capsys)
    checks = _checks(report)
    assert code == 1
    assert checks["database"][0] is False and "cannot be read" in checks["database"][1]
    assert checks["integrity"][0] is False
    assert checks["versions"][0] is True  # the other checks still ran


def test_doctor_on_damaged_pages(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = shop / "kiosk.db"
    KioskStore.open(shop).close()  # checkpoint: everything in the main file
    data = bytearray(db.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    # Overwrite the b-tree page headers of every page but the first (the file header stays valid).
    for n in range(1, len(data) // page):
        data[n * page : n * page + 16] = b"\xa5" * 16
    db.write_bytes(bytes(data))
    code, report = _doctor(shop, capsys)
    checks = _checks(report)
    assert code == 1
    assert checks["integrity"][0] is False, checks
    assert "problems" in checks["integrity"][1]
    assert checks["versions"][0] is True


def test_doctor_reports_an_old_schema(shop: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conn = sqlite3.connect(shop / "kiosk.db")
    try:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
        conn.commit()
    finally:
        conn.close()
    from kiosk.storage.migrate import head_revision

    _, report = _doctor(shop, capsys)
    ok, detail = _checks(report)["schema"]
    assert ok is (head_revision() == "0001")
    if head_revision() != "0001":
        assert "expects" in detail

"""Central's catalog files: pictures only from inside the catalog's folder, ``catalog export``
with central's versions and pictures, and the price rule for lines a file gave version 0.

Every test runs on SQLite and on PostgreSQL (see ``tests/central/conftest.py``).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from central.cli import main
from central.models import Media, Product
from central.service import CentralService
from kiosk.catalog import read_catalog_file
from kiosk.errors import InvalidInput
from tests.central.conftest import order_event, push

PNG = b"\x89PNG\r\n\x1a\n" + b"rice" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"oil" * 20
SECRET = b"\x89PNG\r\n\x1a\n" + b"root:x:0:0:root:/root:/bin/bash"


def _line(sku: str, price_fen: int = 500, **extra: Any) -> str:
    fields = {"sku": sku, "name": f"商品{sku}", "category": "粮油", "price_fen": price_fen}
    return json.dumps({**fields, "unit": "袋", **extra}, ensure_ascii=False) + "\n"


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    d = tmp_path / "usb"
    (d / "images").mkdir(parents=True)
    (d / "images" / "rice.png").write_bytes(PNG)
    (d / "images" / "oil.jpg").write_bytes(JPEG)
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "x.png").write_bytes(SECRET)
    (d / "images" / "link.png").symlink_to(secret / "x.png")
    (d / "images" / "passwd.png").write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    os.mkfifo(d / "images" / "fifo.png")
    return d


def _media_rows(service: CentralService) -> int:
    with service.db.read() as s:
        return int(s.scalar(select(func.count()).select_from(Media)) or 0)


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        ("/etc/passwd", "image path must be relative to the catalog file"),
        ("SECRET", "image path must be relative to the catalog file"),
        ("../secret/x.png", "image path must not leave the catalog folder"),
        ("images/../../secret/x.png", "image path must not leave the catalog folder"),
        ("images/link.png", "image is outside the catalog folder"),
        ("images/passwd.png", "image is not a picture"),
        ("images/oil.png", "image images/oil.png not found"),  # the .jpg exists
        ("images/passwd", "image must be a gif/jpeg/jpg/png/webp file"),
        ("images/fifo.png", "image images/fifo.png not found"),
        ("images/rice.gif", "image images/rice.gif not found"),
    ],
)
def test_import_reads_pictures_only_from_inside_the_catalog_folder(
    service: CentralService, usb: Path, tmp_path: Path, image: str, reason: str
) -> None:
    if image == "SECRET":
        image = str(tmp_path / "secret" / "x.png")
    (usb / "catalog.jsonl").write_text(
        _line("A-1", image="images/rice.png") + _line("A-2", image=image), encoding="utf-8"
    )
    with pytest.raises(InvalidInput) as err:
        service.import_catalog(usb / "catalog.jsonl")
    message = str(err.value)
    assert message.startswith("catalog file not imported, nothing changed: A-2: ")
    assert "\n" not in message and reason in message
    assert service.catalog_page("", 100).items == [] and _media_rows(service) == 0


def test_a_picture_whose_bytes_are_another_type_is_refused(
    service: CentralService, usb: Path
) -> None:
    (usb / "images" / "fake.png").write_bytes(JPEG)
    (usb / "catalog.jsonl").write_text(_line("A-1", image="images/fake.png"), encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"image is a JPEG picture, not the \.png"):
        service.import_catalog(usb / "catalog.jsonl")
    assert _media_rows(service) == 0


def test_pictures_are_served_with_the_type_their_bytes_say(
    client: TestClient, service: CentralService, auth: dict[str, str], usb: Path
) -> None:
    (usb / "images" / "OIL.JPEG").write_bytes(JPEG)
    (usb / "catalog.jsonl").write_text(_line("A-1", image="images/OIL.JPEG"), encoding="utf-8")
    service.import_catalog(usb / "catalog.jsonl")
    r = client.get(f"/v1/media/{hashlib.sha256(JPEG).hexdigest()}", headers=auth)
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"


def test_export_writes_versions_and_pictures_and_imports_back_unchanged(
    service: CentralService,
    db_url: str,
    usb: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (usb / "catalog.jsonl").write_text(
        _line("A-1", 500, image="images/rice.png")
        + _line("A-2", 800, image="images/oil.jpg", stock="low", barcode="6901234567892")
        + _line("A-3", 300, image="images/rice.png", active=False, description="旧货")
        + _line("A-4", 100),
        encoding="utf-8",
    )
    service.import_catalog(usb / "catalog.jsonl")
    service.set_price("A-1", 550)
    service.delete_product("A-4")
    out = tmp_path / "stick"
    out.mkdir()

    assert main(["catalog", "export", str(out / "catalog.jsonl"), "--db", db_url, "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)

    assert summary["products"] == 3 and summary["images"] == 2 and summary["images_left_out"] == 0
    products = read_catalog_file(out / "catalog.jsonl")  # the documented format, validated
    with service.db.read() as s:
        central = {p.sku: p for p in s.scalars(select(Product))}
    assert [p.sku for p in products] == ["A-2", "A-3", "A-1"]  # version order, no tombstone
    for p in products:
        c = central[p.sku]
        assert (p.version, p.price_fen, p.name, p.active, str(p.stock), p.barcode) == (
            c.version,
            c.price_fen,
            c.name,
            c.active,
            c.stock,
            c.barcode,
        )
        assert p.image is not None
        assert (out / p.image).read_bytes() in (PNG, JPEG)
        assert hashlib.sha256((out / p.image).read_bytes()).hexdigest() == c.image_hash
    assert summary["last_version"] == max(p.version or 0 for p in products)
    assert sorted(os.listdir(out)) == ["catalog.jsonl", "images"]  # no temporary file left

    # Central reads its own export back as unchanged (the versions in it are not central's input).
    again = service.import_catalog(out / "catalog.jsonl")
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)


def test_export_to_a_missing_folder_is_one_line(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["catalog", "export", str(tmp_path / "nope" / "c.jsonl"), "--db", db_url])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "folder not found" in err
    assert not (tmp_path / "nope").exists()


def test_a_line_of_version_0_is_judged_by_sku_and_price(
    client: TestClient, service: CentralService, auth: dict[str, str], usb: Path
) -> None:
    (usb / "catalog.jsonl").write_text(_line("P00000", 100), encoding="utf-8")
    service.import_catalog(usb / "catalog.jsonl")
    service.set_price("P00000", 120)

    def line(price: int, version: int) -> dict[str, Any]:
        return {
            "sku": "P00000",
            "name": "大米",
            "unit": "袋",
            "unit_price_fen": price,
            "product_version": version,
            "qty": 1,
            "line_total_fen": price,
        }

    old, new, never, wrong_version = push(
        client,
        auth,
        order_event(lines=[line(100, 0)]),
        order_event(lines=[line(120, 0)]),
        order_event(lines=[line(110, 0)]),
        order_event(lines=[line(120, 1)]),  # a real version must still match its own price
    )
    assert old["status"] == "accepted" and old["result"]["price_changed"] is True
    assert new["status"] == "accepted" and new["result"]["price_changed"] is False
    assert never["status"] == "rejected" and never["reason"] == "price_unknown"
    assert never["message"] == "product P00000 was never published at 110 fen"
    assert wrong_version["status"] == "rejected" and wrong_version["reason"] == "price_unknown"

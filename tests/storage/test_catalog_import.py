"""Importing catalog files into a real store: all or nothing, idempotent, images by content hash."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from kiosk.errors import InvalidInput
from kiosk.storage import catalog as catalog_service
from kiosk.storage import search
from kiosk.storage.catalog import (
    ProductRecord,
    find_media,
    get_product,
    import_catalog_file,
    list_categories,
    upsert_categories,
    upsert_products,
)
from kiosk.storage.models import AuditEntry, Product
from kiosk.storage.search import search_products
from kiosk.storage.store import KioskStore
from kiosk.synthetic import generate_catalog, write_catalog_jsonl

PNG_RED = b"\x89PNG\r\n\x1a\n" + b"red-pixel" * 10
PNG_BLUE = b"\x89PNG\r\n\x1a\n" + b"blue-pixel" * 10


def line(sku: str, name: str, **kw: Any) -> dict[str, Any]:
    return {"sku": sku, "name": name, "category": "粮油食品", "price_fen": 5990, "unit": "袋", **kw}


def write(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    text_lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows]
    path.write_text("\n".join(text_lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    """A folder like a technician's USB stick: catalog.jsonl plus images/."""
    d = tmp_path / "usb"
    (d / "images").mkdir(parents=True)
    (d / "images" / "rice.png").write_bytes(PNG_RED)
    (d / "images" / "oil.PNG").write_bytes(PNG_BLUE)
    (d / "images" / "rice-copy.png").write_bytes(PNG_RED)  # same content, other name
    return d


def product_count(store: KioskStore) -> int:
    with store.read() as s:
        return int(s.scalar(select(func.count()).select_from(Product)) or 0)


def snapshot(store: KioskStore) -> list[tuple[Any, ...]]:
    with store.read() as s:
        products = [tuple(r) for r in s.execute(text("SELECT * FROM products ORDER BY id"))]
        index = [tuple(r) for r in s.execute(text("SELECT rowid, * FROM product_search"))]
        audit = [tuple(r) for r in s.execute(text("SELECT * FROM audit_log"))]
    return [*products, ("--",), *index, ("--",), *audit]


def test_import_creates_products_copies_images_and_makes_them_searchable(
    store: KioskStore, usb: Path
) -> None:
    path = write(
        usb / "catalog.jsonl",
        [
            line("LY-1", "五常大米 10kg", image="images/rice.png", barcode="6901234567892"),
            "",  # blank lines are allowed
            line("LY-2", "金龙鱼调和油 5L", image="images/oil.PNG", stock="low"),
            line("LY-3", "东北大米 5kg", image="images/rice-copy.png"),
        ],
    )
    summary = import_catalog_file(store, path)
    assert (summary.created, summary.updated, summary.unchanged) == (3, 0, 0)
    assert summary.images_copied == 2  # rice.png and rice-copy.png are the same bytes

    red = hashlib.sha256(PNG_RED).hexdigest()
    blue = hashlib.sha256(PNG_BLUE).hexdigest()
    assert (store.media_dir / red[:2] / f"{red}.png").read_bytes() == PNG_RED
    assert (store.media_dir / blue[:2] / f"{blue}.png").read_bytes() == PNG_BLUE
    assert find_media(store.media_dir, blue) == store.media_dir / blue[:2] / f"{blue}.png"
    assert not list(store.media_dir.rglob(".tmp-*"))

    with store.read() as s:
        rice = get_product(s, "LY-1")
        assert rice is not None
        assert (rice.image_hash, rice.price_fen, rice.server_version) == (red, 5990, 0)
        assert rice.barcode == "6901234567892" and rice.category.name == "粮油食品"
        oil = get_product(s, "LY-2")
        assert oil is not None and oil.stock == "low"
        assert [c.name for c in list_categories(s)] == ["粮油食品"]
        assert {h.sku for h in search_products(s, "dami")} == {"LY-1", "LY-3"}


def test_second_import_of_the_same_file_changes_nothing(store: KioskStore, usb: Path) -> None:
    path = write(
        usb / "catalog.jsonl",
        [line("LY-1", "五常大米", image="images/rice.png"), line("LY-2", "调和油")],
    )
    import_catalog_file(store, path)
    before = snapshot(store)
    again = import_catalog_file(store, path)
    assert (again.created, again.updated, again.unchanged, again.images_copied) == (0, 0, 2, 0)
    assert snapshot(store) == before  # products, search rows and audit log all untouched


def test_a_price_change_updates_only_that_product(store: KioskStore, usb: Path) -> None:
    path = write(usb / "catalog.jsonl", [line("LY-1", "五常大米"), line("LY-2", "调和油")])
    import_catalog_file(store, path)
    write(path, [line("LY-1", "五常大米", price_fen=6290), line("LY-2", "调和油")])
    summary = import_catalog_file(store, path)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    with store.read() as s:
        rice = get_product(s, "LY-1")
        assert rice is not None and rice.price_fen == 6290
        assert [h.price_fen for h in search_products(s, "五常")] == [6290]


def test_a_bad_line_is_reported_by_number_and_nothing_is_imported(
    store: KioskStore, usb: Path
) -> None:
    import_catalog_file(store, write(usb / "first.jsonl", [line("LY-1", "五常大米")]))
    before = snapshot(store)
    path = write(
        usb / "catalog.jsonl",
        [
            line("LY-1", "五常大米", price_fen=1),  # a valid update that must not land either
            line("LY-2", "调和油"),
            line("LY-3", "面粉", price_fen=12.5),
            "{not json",
        ],
    )
    with pytest.raises(InvalidInput) as err:
        import_catalog_file(store, path)
    message = str(err.value)
    assert "nothing changed" in message and "line 3: price_fen" in message
    assert "line 4: not valid JSON" in message and "\n" not in message
    assert snapshot(store) == before


def test_a_missing_image_is_a_bad_line_and_nothing_is_copied(store: KioskStore, usb: Path) -> None:
    path = write(
        usb / "catalog.jsonl",
        [
            line("LY-1", "五常大米", image="images/rice.png"),
            "",
            line("LY-2", "调和油", image="images/x.png"),
            line("LY-3", "面粉", image="images/notes.txt"),
        ],
    )
    (usb / "images" / "notes.txt").write_text("hi")
    with pytest.raises(InvalidInput) as err:
        import_catalog_file(store, path)
    assert "line 3: image not found: images/x.png" in str(err.value)
    assert "line 4: image must be a" in str(err.value)
    assert product_count(store) == 0
    assert not store.media_dir.exists() or not any(store.media_dir.rglob("*.png"))


def test_a_failure_while_writing_rolls_back_the_whole_file(
    store: KioskStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    products = generate_catalog(1500, seed=3)
    path = tmp_path / "big.jsonl"
    write_catalog_jsonl(products, path)
    calls = 0
    real = search.index_products

    def failing(*args: Any, **kwargs: Any) -> int:
        nonlocal calls
        calls += 1
        if calls == 3:  # after two batches were already written in this transaction
            raise OSError("disk unplugged")
        return real(*args, **kwargs)

    monkeypatch.setattr(search, "index_products", failing)
    with pytest.raises(OSError):
        import_catalog_file(store, path)
    assert calls == 3
    assert product_count(store) == 0
    with store.read() as s:
        assert s.scalar(text("SELECT count(*) FROM product_search")) == 0


def test_a_file_keeps_centrals_version_only_where_it_says_what_central_says(
    store: KioskStore, usb: Path
) -> None:
    with store.write() as s:
        upsert_products(
            s,
            [
                ProductRecord("LY-1", "五常大米", "粮油食品", 5990, "袋", server_version=7),
                ProductRecord("LY-3", "小米", "粮油食品", 5990, "袋", server_version=8),
            ],
        )
        KioskStore.set_setting(s, catalog_service.CATALOG_CURSOR, "8")  # it has synced
    path = write(
        usb / "catalog.jsonl",
        [line("LY-1", "五常大米 新包装"), line("LY-2", "面粉"), line("LY-3", "小米")],
    )
    summary = import_catalog_file(store, path)
    assert (summary.created, summary.updated, summary.unchanged, summary.resync) == (1, 1, 1, True)
    with store.read() as s:
        # A product the file changed is no longer central's copy: version 0, so an order for it
        # is judged by SKU and price, and the next sync replaces it (the cursor starts again).
        assert get_product(s, "LY-1").server_version == 0  # type: ignore[union-attr]
        assert get_product(s, "LY-2").server_version == 0  # type: ignore[union-attr]
        assert get_product(s, "LY-3").server_version == 8  # type: ignore[union-attr]
        assert KioskStore.get_setting(s, catalog_service.CATALOG_CURSOR) == ""


def test_an_unchanged_import_keeps_the_sync_cursor(store: KioskStore, usb: Path) -> None:
    with store.write() as s:
        upsert_products(
            s, [ProductRecord("LY-1", "五常大米", "粮油食品", 5990, "袋", server_version=7)]
        )
        KioskStore.set_setting(s, catalog_service.CATALOG_CURSOR, "7")
    summary = import_catalog_file(store, write(usb / "catalog.jsonl", [line("LY-1", "五常大米")]))
    assert store.setting(catalog_service.CATALOG_CURSOR) == "7" and not summary.resync
    with store.read() as s:
        assert get_product(s, "LY-1").server_version == 7  # type: ignore[union-attr]


def test_an_exported_file_keeps_centrals_versions_and_never_goes_back(
    store: KioskStore, usb: Path
) -> None:
    with store.write() as s:
        upsert_products(
            s, [ProductRecord("LY-1", "五常大米", "粮油食品", 6990, "袋", server_version=9)]
        )
    path = write(
        usb / "catalog.jsonl",
        [
            line("LY-1", "五常大米 旧", version=4),  # older than the kiosk's copy: left alone
            line("LY-2", "面粉", version=5),
            line("LY-3", "小米", image="images/rice.png", version=6),
        ],
    )
    summary = import_catalog_file(store, path)
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 1)
    with store.read() as s:
        one = get_product(s, "LY-1")
        assert one is not None and (one.name, one.price_fen, one.server_version) == (
            "五常大米",
            6990,
            9,
        )
        assert get_product(s, "LY-2").server_version == 5  # type: ignore[union-attr]
        assert get_product(s, "LY-3").server_version == 6  # type: ignore[union-attr]
    assert import_catalog_file(store, path).unchanged == 3


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        ("../secret/x.png", "image path must not leave the catalog folder"),
        ("images/../../secret/x.png", "image path must not leave the catalog folder"),
        ("images\\..\\..\\secret\\x.png", "image path must not leave the catalog folder"),
        ("ABSOLUTE", "image path must be relative to the catalog file"),
        ("C:/secret/x.png", "image path must be relative to the catalog file"),
        ("\\\\server\\share\\x.png", "image path must be relative to the catalog file"),
        ("images/link.png", "image is outside the catalog folder"),
        ("images/passwd", "image must be a gif/jpeg/jpg/png/webp file"),
        ("images/text.png", "image is not a picture"),
        ("images/gif-named.png", "image is a GIF picture, not the .png its name says"),
        ("images/fifo.png", "image not found"),
        ("images", "image must be a"),
    ],
)
def test_images_outside_the_folder_or_not_pictures_are_refused_and_nothing_is_read(
    store: KioskStore, tmp_path: Path, usb: Path, image: str, reason: str
) -> None:
    import os

    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "x.png").write_bytes(PNG_RED + b"secret")
    (usb / "images" / "link.png").symlink_to(secret / "x.png")
    (usb / "images" / "passwd").write_bytes(b"root:x:0:0")
    (usb / "images" / "text.png").write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    (usb / "images" / "gif-named.png").write_bytes(b"GIF89a" + b"\0" * 20)
    os.mkfifo(usb / "images" / "fifo.png")
    if image == "ABSOLUTE":
        image = str(secret / "x.png")
    path = write(
        usb / "catalog.jsonl", [line("LY-1", "五常大米"), line("LY-2", "面粉", image=image)]
    )
    before = snapshot(store)
    with pytest.raises(InvalidInput) as err:
        import_catalog_file(store, path)
    message = str(err.value)
    assert "\n" not in message and message.startswith("catalog file not imported, nothing changed")
    assert f"line 2: {reason}" in message
    assert snapshot(store) == before
    secret_hash = hashlib.sha256(PNG_RED + b"secret").hexdigest()
    assert find_media(store.media_dir, secret_hash) is None


def test_progress_is_reported_up_to_the_total(store: KioskStore, tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    n = catalog_service.BATCH * 4 + 100  # two write chunks
    write_catalog_jsonl(generate_catalog(n), path)
    seen: list[tuple[int, int]] = []
    import_catalog_file(store, path, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(catalog_service.BATCH * 4, n), (n, n)]


def test_categories_are_created_and_updated(store: KioskStore) -> None:
    with store.write() as s:
        upsert_categories(s, [("粮油食品", 1, True), ("家用电器", 2, True)])
    with store.write() as s:
        upsert_categories(s, [("家用电器", 0, True), ("粮油食品", 1, False)])
        upsert_products(s, [ProductRecord("N-1", "复合肥", "农资农具", 9900, "袋")])
    with store.read() as s:
        cats = [(c.name, c.sort_order, c.active) for c in list_categories(s)]
    assert cats == [("家用电器", 0, True), ("粮油食品", 1, False), ("农资农具", 2, True)]


def test_audit_log_records_a_changing_import(store: KioskStore, usb: Path) -> None:
    import_catalog_file(store, write(usb / "catalog.jsonl", [line("LY-1", "五常大米")]))
    with store.read() as s:
        entries = list(s.scalars(select(AuditEntry)))
    assert [(e.action, e.subject) for e in entries] == [("catalog.import", "catalog.jsonl")]

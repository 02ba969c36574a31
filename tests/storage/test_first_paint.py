"""The first-paint read (sqlite3 alone) answers what the SQLAlchemy reads answer, or ``None``.

The kiosk paints its home screen from :func:`kiosk.storage.first_paint.read_first_paint` before
the store is opened (docs/benchmarks.md, "GUI start-up"); these tests hold its SQL to the ORM
reads it stands in for, on the same stores, and check every reason it must step aside.
"""

from __future__ import annotations

import random
import sqlite3
import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, update

from kiosk.admin import Role
from kiosk.storage.admin import pins_configured, set_pin
from kiosk.storage.browsing import category_tiles, featured_products
from kiosk.storage.catalog import import_catalog_file
from kiosk.storage.center import set_center
from kiosk.storage.first_paint import DeferredStore, read_first_paint
from kiosk.storage.models import Category, Product
from kiosk.storage.recovery import marker_path
from kiosk.storage.settings import LANGUAGE, SERVER_URL
from kiosk.storage.store import KioskStore
from kiosk.synthetic import generate_catalog, write_catalog_jsonl

FEATURED = 10


def _catalog(store: KioskStore, tmp_path: Path, seed: int) -> None:
    path = tmp_path / f"catalog-{seed}.jsonl"
    write_catalog_jsonl(generate_catalog(300, seed=seed), path)
    import_catalog_file(store, path)
    rng = random.Random(seed)
    with store.write() as s:
        ids = list(s.scalars(select(Product.id)))
        for pid in rng.sample(ids, 40):
            s.execute(update(Product).where(Product.id == pid).values(views=rng.randint(0, 5)))
        for pid in rng.sample(ids, 25):
            s.execute(update(Product).where(Product.id == pid).values(active=False))
        for pid in rng.sample(ids, 25):
            s.execute(update(Product).where(Product.id == pid).values(stock="out_of_stock"))
        cats = list(s.scalars(select(Category.id)))
        for cid in cats:
            s.execute(
                update(Category).where(Category.id == cid).values(sort_order=rng.randint(0, 3))
            )
        s.execute(update(Category).where(Category.id == rng.choice(cats)).values(active=False))


def _orm_reads(store: KioskStore) -> tuple[Any, Any, dict[Role, bool]]:
    with store.read() as s:
        tiles, featured = category_tiles(s), featured_products(s, FEATURED)
    return tiles, featured, pins_configured(store)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_first_paint_reads_what_the_store_reads(
    store: KioskStore, tmp_path: Path, seed: int
) -> None:
    _catalog(store, tmp_path, seed)
    tiles, featured, pins = _orm_reads(store)
    first = read_first_paint(store.data_dir, FEATURED)
    assert first is not None
    assert len(tiles) > 3 and len(featured) == FEATURED  # the comparison is not of empty lists
    assert first.tiles == tiles
    assert first.featured == featured
    assert first.pins_set is all(pins.values()) is False


def test_settings_and_pins_read_as_the_store_says(store: KioskStore) -> None:
    first = read_first_paint(store.data_dir, FEATURED)
    assert first is not None
    assert (first.language, first.center_name, first.connected, first.pins_set) == (
        None,
        "",
        False,
        False,
    )
    assert first.tiles == [] and first.featured == []  # a kiosk before its first catalog
    with store.write() as s:
        set_center(s, "C017", "幸福村服务站")
        KioskStore.set_setting(s, LANGUAGE, "en")
        KioskStore.set_setting(s, SERVER_URL, "https://central.example")
    set_pin(store, Role.OWNER, "2468", "technician")
    first = read_first_paint(store.data_dir, FEATURED)
    assert first is not None
    assert (first.language, first.center_name, first.connected) == ("en", "幸福村服务站", True)
    assert first.pins_set is False  # the technician's PIN is still missing
    set_pin(store, Role.TECHNICIAN, "1357", "technician")
    first = read_first_paint(store.data_dir, FEATURED)
    assert first is not None and first.pins_set is True


def test_a_new_kiosk_has_no_first_paint(tmp_path: Path) -> None:
    assert read_first_paint(tmp_path / "missing", FEATURED) is None
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "kiosk.db").touch()
    assert read_first_paint(tmp_path / "empty", FEATURED) is None


def test_a_store_to_migrate_is_opened_first(store: KioskStore) -> None:
    assert read_first_paint(store.data_dir, FEATURED) is not None  # the control
    with sqlite3.connect(store.path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0006'")
    assert read_first_paint(store.data_dir, FEATURED) is None


def test_a_flagged_or_damaged_store_is_opened_first(store: KioskStore, tmp_path: Path) -> None:
    data = store.data_dir
    assert read_first_paint(data, FEATURED) is not None  # the control
    marker_path(data).write_text("quick_check found damage\n", encoding="utf-8")
    assert read_first_paint(data, FEATURED) is None
    marker_path(data).unlink()
    store.close()
    other = tmp_path / "garbage"
    other.mkdir()
    (other / "kiosk.db").write_bytes(b"this is not a database" * 200)
    assert read_first_paint(other, FEATURED) is None


def test_a_store_without_its_tables_is_opened_first(tmp_path: Path) -> None:
    data = tmp_path / "odd"
    data.mkdir()
    with sqlite3.connect(data / "kiosk.db") as conn:
        conn.execute("CREATE TABLE alembic_version (version_num TEXT)")
        conn.execute("INSERT INTO alembic_version VALUES ('0007')")
    assert read_first_paint(data, FEATURED) is None  # no settings table: sqlite3 error


def test_deferred_store_opens_once_whoever_asks_first(store: KioskStore) -> None:
    opened: list[int] = []
    gate = threading.Barrier(8)

    def opener() -> KioskStore:
        opened.append(1)
        return store

    deferred = DeferredStore(store.data_dir, opener)
    # What the window needs before the paint is known without opening.
    assert (deferred.path, deferred.media_dir) == (store.path, store.media_dir)
    assert not deferred.opened and opened == []
    seen: list[str | None] = []

    def ask() -> None:
        gate.wait()
        seen.append(deferred.setting(LANGUAGE))  # any attribute of the real store

    threads = [threading.Thread(target=ask) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert opened == [1] and deferred.opened and seen == [None] * 8
    assert deferred.open() is store


def test_deferred_store_closed_before_opening_opens_nothing(tmp_path: Path) -> None:
    def opener() -> KioskStore:
        raise AssertionError("opened")

    DeferredStore(tmp_path, opener).close()


def test_a_failed_open_is_raised_and_tried_again(store: KioskStore) -> None:
    tries: list[int] = []

    def opener() -> KioskStore:
        tries.append(1)
        if len(tries) == 1:
            raise OSError("disk not ready")
        return store

    deferred = DeferredStore(store.data_dir, opener)
    with pytest.raises(OSError, match="disk not ready"):
        deferred.open()
    assert not deferred.opened
    assert deferred.open() is store and len(tries) == 2


def test_media_suffixes_are_the_catalogs_image_types() -> None:
    from kiosk.catalog import IMAGE_TYPES
    from kiosk.storage.media_files import IMAGE_SUFFIXES

    assert frozenset(IMAGE_TYPES) == IMAGE_SUFFIXES

"""USB-seeded catalogs and the real central (SQLite and PostgreSQL), see docs/catalog-format.md.

A kiosk seeded from a catalog file before its first sync must get its orders accepted by central
when the prices are ones central published, and a product a file changed after a sync must be
replaced by central's copy at the next sync. Runs the real central app (uvicorn on 127.0.0.1 in a
thread), the real enrollment, the real sync engine and ``kiosk-central catalog export``.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from central.cli import main as central_main
from central.db import CentralDb
from central.service import CentralService
from kiosk.customers import Customer
from kiosk.orders import LineRequest, OrderStatus, Payment
from kiosk.storage.catalog import import_catalog_file
from kiosk.storage.center import set_center
from kiosk.storage.orders import get_order, place_order
from tests.conftest import DEMO_CATALOG
from tests.e2e.conftest import KioskRig, central_catalog
from tests.helpers.central_in_thread import CentralInThread


@pytest.fixture(params=["sqlite", "postgresql"])
def central_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central.db'}"
    url: str = request.getfixturevalue("pg_url")
    return url


@pytest.fixture
def central(central_db_url: str) -> Iterator[CentralInThread]:
    db = CentralDb(central_db_url)
    db.migrate()
    try:
        with CentralInThread(CentralService(db)) as server:
            yield server
    finally:
        db.close()


def _cli(db_url: str, *args: str) -> None:
    assert central_main([*args, "--db", db_url]) == 0


def _line(sku: str, price_fen: int, **extra: object) -> str:
    fields = {"sku": sku, "name": f"商品 {sku}", "category": "日用百货", "price_fen": price_fen}
    return json.dumps({**fields, "unit": "个", **extra}, ensure_ascii=False) + "\n"


def _new_kiosk(make_kiosk: Callable[[str], KioskRig]) -> KioskRig:
    """A kiosk whose center the first-run wizard has set (C001), not enrolled yet."""
    kiosk = make_kiosk("village")
    with kiosk.store.write() as s:
        set_center(s, "C001", "王家村服务站")
    return kiosk


def _order(kiosk: KioskRig, *skus: str) -> str:
    placed = place_order(
        kiosk.store,
        Customer.of("王大妈", "13912345678"),
        [LineRequest(sku=s, qty=2) for s in skus],
        Payment.CASH,
    )
    return placed.order_id


def _status(kiosk: KioskRig, order_id: str) -> tuple[OrderStatus, str | None]:
    with kiosk.store.read() as s:
        o = get_order(s, order_id)
        return o.status, o.server_no


@pytest.mark.parametrize("seed", ["plain file", "central export"])
def test_orders_on_a_usb_seeded_catalog_before_the_first_sync_are_accepted(
    seed: str,
    central: CentralInThread,
    central_db_url: str,
    tmp_path: Path,
    make_kiosk: Callable[[str], KioskRig],
) -> None:
    _cli(central_db_url, "catalog", "import", str(DEMO_CATALOG))
    usb = tmp_path / "usb"
    if seed == "plain file":
        usb_catalog = DEMO_CATALOG  # the documented flow: the same file central imported
    else:
        usb.mkdir()
        usb_catalog = usb / "catalog.jsonl"
        _cli(central_db_url, "catalog", "export", str(usb_catalog))
    kiosk = _new_kiosk(make_kiosk)
    import_catalog_file(kiosk.store, usb_catalog)  # no internet yet
    if seed == "central export":  # the kiosk holds central's versions before any sync
        assert kiosk.catalog() == central_catalog(central_db_url)
    skus = random.Random(3).sample(kiosk.orderable_skus(), 4)
    before = [_order(kiosk, skus[0], skus[1]), _order(kiosk, skus[2]), _order(kiosk, skus[3])]

    kiosk.enroll(central.url, central.service.create_enroll_code("C001").code)
    result = kiosk.engine(central.url, media_per_run=0).run_once()

    assert result.ok, result.errors
    assert result.quarantined_now == 0
    assert result.pushed == 3
    for order_id in before:
        status, server_no = _status(kiosk, order_id)
        assert status == OrderStatus.SUBMITTED and server_no is not None
    # and the kiosk's catalog is central's afterwards, versions included
    assert kiosk.catalog() == central_catalog(central_db_url)


def test_a_usb_price_central_never_published_is_refused_in_plain_words(
    central: CentralInThread,
    central_db_url: str,
    tmp_path: Path,
    make_kiosk: Callable[[str], KioskRig],
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "central.jsonl").write_text(_line("A-1", 1000) + _line("A-2", 500), encoding="utf-8")
    _cli(central_db_url, "catalog", "import", str(usb / "central.jsonl"))
    _cli(central_db_url, "catalog", "set-price", "A-1", "1200")  # 1000 then 1200: both published
    (usb / "shop.jsonl").write_text(_line("A-1", 1000) + _line("A-2", 450), encoding="utf-8")
    kiosk = _new_kiosk(make_kiosk)
    import_catalog_file(kiosk.store, usb / "shop.jsonl")
    old_price = _order(kiosk, "A-1")
    never = _order(kiosk, "A-2")

    kiosk.enroll(central.url, central.service.create_enroll_code("C001").code)
    result = kiosk.engine(central.url, media_per_run=0).run_once()

    assert result.pushed == 1 and result.quarantined_now == 1
    assert _status(kiosk, old_price)[0] == OrderStatus.SUBMITTED
    orders = {o.order_id: o for o in central.service.list_orders("C001")}
    assert orders[old_price].status == "submitted"
    assert never not in orders
    from sqlalchemy import select

    from kiosk.storage.models import OutboxEvent

    with kiosk.store.read() as s:
        reasons = [e.last_error for e in s.scalars(select(OutboxEvent)) if e.state == "quarantined"]
    assert len(reasons) == 1
    assert reasons[0] is not None and reasons[0].startswith("price_unknown")
    assert "A-2" in reasons[0] and "450" in reasons[0]


def test_a_usb_import_after_syncing_is_replaced_by_centrals_copy(
    central: CentralInThread,
    central_db_url: str,
    tmp_path: Path,
    make_kiosk: Callable[[str], KioskRig],
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "central.jsonl").write_text(
        _line("A-1", 1000) + _line("A-2", 500) + _line("A-3", 700), encoding="utf-8"
    )
    _cli(central_db_url, "catalog", "import", str(usb / "central.jsonl"))
    kiosk = make_kiosk("village")
    kiosk.enroll(central.url, central.service.create_enroll_code("C001").code)
    engine = kiosk.engine(central.url, media_per_run=0)
    assert engine.run_once().ok
    assert kiosk.catalog() == central_catalog(central_db_url)

    # An old USB stick: A-1 at a price central never had, A-2 renamed, A-4 central does not know.
    (usb / "old.jsonl").write_text(
        _line("A-1", 990) + _line("A-2", 500, name="旧名字") + _line("A-4", 300), encoding="utf-8"
    )
    import_catalog_file(kiosk.store, usb / "old.jsonl")
    assert kiosk.catalog()["A-1"][1] == 990

    result = engine.run_once()

    assert result.ok, result.errors
    theirs = central_catalog(central_db_url)
    mine = kiosk.catalog()
    assert {k: v for k, v in mine.items() if k != "A-4"} == theirs
    assert mine["A-4"][2] == 0  # not central's: it stays marked as from a file
    order_id = _order(kiosk, "A-1", "A-2")
    result = engine.run_once()
    assert result.pushed == 1 and result.quarantined_now == 0
    assert _status(kiosk, order_id)[0] == OrderStatus.SUBMITTED


def test_a_usb_import_during_a_sync_is_not_undone_by_it(
    central: CentralInThread,
    central_db_url: str,
    tmp_path: Path,
    make_kiosk: Callable[[str], KioskRig],
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    (usb / "central.jsonl").write_text(
        "".join(_line(f"A-{i}", 1000 + i) for i in range(6)), encoding="utf-8"
    )
    _cli(central_db_url, "catalog", "import", str(usb / "central.jsonl"))
    kiosk = make_kiosk("village")
    kiosk.enroll(central.url, central.service.create_enroll_code("C001").code)
    assert kiosk.engine(central.url, media_per_run=0).run_once().ok
    _cli(central_db_url, "catalog", "set-price", "A-5", "2000")
    _cli(central_db_url, "catalog", "set-price", "A-4", "2000")
    (usb / "old.jsonl").write_text(_line("A-0", 990), encoding="utf-8")

    # The technician imports the stick while a sync is between two catalog pages.
    engine = kiosk.engine(central.url, media_per_run=0, catalog_page_size=1)
    real_apply = engine._apply_catalog_page
    imported: list[bool] = []

    def apply_then_import(page: Any, run: Any) -> bool:
        done = real_apply(page, run)
        if not imported:
            imported.append(True)
            import_catalog_file(kiosk.store, usb / "old.jsonl")
        return done

    engine._apply_catalog_page = apply_then_import  # type: ignore[method-assign]
    assert engine.run_once().ok
    assert imported and kiosk.catalog()["A-0"][1:3] == (990, 0)

    assert kiosk.engine(central.url, media_per_run=0).run_once().ok
    assert kiosk.catalog() == central_catalog(central_db_url)


def test_the_kiosk_and_the_engine_name_the_same_catalog_cursor() -> None:
    from kiosk.storage import catalog, settings
    from kiosk.sync import engine

    assert catalog.CATALOG_CURSOR == engine.CATALOG_CURSOR == settings.CATALOG_CURSOR

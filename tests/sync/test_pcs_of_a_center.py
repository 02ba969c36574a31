"""A second PC, or a replacement PC, of a center never repeats an order number; a revoked PC is
told to enroll again.

Real kiosk stores, the real enrollment and engine, the real central app on 127.0.0.1 (SQLite, and
PostgreSQL when ``KIOSK_TEST_PG_URL`` is set).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.sync.errors import SyncCode
from tests.helpers.conv_rig import (
    PG_SKIP,
    Central,
    central_database,
    open_kiosk,
    pg_available,
    running_central,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def central(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Central]:
    if request.param == "postgresql" and not pg_available():
        print(f"\nSKIP: {PG_SKIP}")
        pytest.skip(PG_SKIP)
    monkeypatch.setenv("KIOSK_ALLOW_INSECURE_KEYRING", "1")
    with central_database(request.param, tmp_path) as url, running_central(url) as c:
        c.add_products(1)
        yield c


def _numbers(central: Central) -> list[str]:
    return [o.local_no for o in central.service.list_orders("C001")]


def test_two_pcs_of_a_center_never_share_an_order_number(central: Central, tmp_path: Path) -> None:
    pcs = [open_kiosk(tmp_path / f"pc{i}") for i in (1, 2)]
    try:
        for pc in pcs:
            pc.enroll(central.url, central.code())
            assert pc.engine(central.url).run_once().ok
        for _ in range(3):
            for pc in pcs:
                pc.place("P00000")
        for pc in pcs:
            assert pc.engine(central.url).run_once().ok
        numbers = _numbers(central)
        assert len(numbers) == 6 and len(set(numbers)) == 6, numbers
        assert {n for n in numbers if n.startswith("C001-2-")}, numbers
    finally:
        for pc in pcs:
            pc.close()


def test_a_replacement_pc_never_reuses_the_old_pcs_numbers(
    central: Central, tmp_path: Path
) -> None:
    old = open_kiosk(tmp_path / "old")
    new = open_kiosk(tmp_path / "new")
    try:
        old.enroll(central.url, central.code())
        assert old.engine(central.url).run_once().ok
        old.place("P00000")
        assert old.engine(central.url).run_once().ok
        code = central.service.create_enroll_code("C001", replaces=old.device_id).code
        new.enroll(central.url, code)
        assert new.engine(central.url).run_once().ok
        new.place("P00000")
        assert new.engine(central.url).run_once().ok
        numbers = _numbers(central)
        assert len(numbers) == 2 and len(set(numbers)) == 2, numbers
        summary = old.engine(central.url).run_once()
        assert summary.error_code == SyncCode.UNAUTHORIZED, summary.errors
    finally:
        old.close()
        new.close()

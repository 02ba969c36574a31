"""The practice store never syncs: the sync engine refuses it even with a working client and
credential, the GUI's sync never starts on it, and central never hears of a practice order."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage.orders import place_order
from kiosk.storage.practice import PracticeProblem, end_practice, start_practice
from kiosk.storage.store import KioskStore
from kiosk.sync.engine import SyncEngine
from kiosk.sync.errors import NotEnrolled
from kiosk.sync.factory import enroll, open_engine
from kiosk.sync.listener import QuietListener
from tests.conftest import DEMO_CATALOG
from tests.helpers.central_server import CentralServer
from tests.helpers.fake_keyring import MemoryKeyring
from tests.helpers.seed import seed_products

VILLAGER = Customer.of("王秀英", "13812345678")


def test_the_engine_refuses_the_practice_store(
    tmp_path: Path, central_server: CentralServer
) -> None:
    data = tmp_path / "kiosk"
    keyring = MemoryKeyring()
    central_server.import_catalog(DEMO_CATALOG)
    with KioskStore.open(data) as real:
        enroll(real, central_server.url, central_server.enroll_code("C017"), backend=keyring)
        engine = open_engine(real, backend=keyring)
        try:
            assert engine.run_once().ok
            mine = place_order(real, VILLAGER, [LineRequest("LY-0019", 1)], Payment.CASH)
            practice = start_practice(data)
            try:
                place_order(practice, VILLAGER, [LineRequest("LY-0019", 2)], Payment.CASH)
                assert practice.setting("sync.server_url") is None
                with pytest.raises(NotEnrolled):
                    open_engine(practice, backend=keyring)
                # Even handed the real kiosk's client and credential, the engine says no.
                with pytest.raises(PracticeProblem, match="never syncs"):
                    SyncEngine(practice, engine.client, engine.credentials)
                # Nor can it be enrolled on its own (no code is spent on it).
                code = central_server.enroll_code("C017")
                with pytest.raises(PracticeProblem, match="never enrolled"):
                    enroll(practice, central_server.url, code, backend=keyring)
                assert practice.setting("sync.server_url") is None
            finally:
                end_practice(data, practice)
            summary = engine.run_once()
            assert summary.ok and summary.pushed == 1
        finally:
            engine.client.close()
    orders = central_server.cli_json("orders", "list")
    assert [o["order_id"] for o in orders] == [mine.order_id]


def test_the_gui_never_starts_sync_on_the_practice_store(tmp_path: Path) -> None:
    from kiosk.ui.sync_control import start_sync

    data = tmp_path / "kiosk"
    with KioskStore.open(data) as real:
        seed_products(real)
        with real.write() as s:
            real.set_setting(s, "sync.server_url", "https://central.invalid")
    practice = start_practice(data)
    try:
        assert start_sync(practice, QuietListener()) is None
    finally:
        end_practice(data, practice)

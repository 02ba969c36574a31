"""The metered link (省流量; docs/sync-engine.md, "Metered link"): bytes counted on the wire per
day and per month, and a daily budget that defers images while the catalog and orders go.

The real central service (demo catalog, ~300 images), the fault proxy in front of it counting
what crossed, a real kiosk store and the real engine; the clock is injected to change day.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime

from kiosk.storage.data_usage import data_usage, set_daily_budget
from kiosk.storage.sync_state import referenced_image_hashes
from tests.conftest import DEMO_CATALOG
from tests.e2e.conftest import KioskRig
from tests.helpers.central_server import CentralServer
from tests.helpers.fault_proxy import FaultProxy


class Clock:
    def __init__(self, at: datetime) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at


def _kiosk(
    central: CentralServer, proxy: FaultProxy, make_kiosk: Callable[[str], KioskRig]
) -> KioskRig:
    central.import_catalog(DEMO_CATALOG)
    kiosk = make_kiosk("k")
    kiosk.enroll(proxy.url, central.enroll_code("C001"))
    return kiosk


def _crossed(proxy: FaultProxy, since: tuple[int, int]) -> int:
    st = proxy.stats()
    return st.bytes_up + st.bytes_down - since[0] - since[1]


def _mark(proxy: FaultProxy) -> tuple[int, int]:
    st = proxy.stats()
    return st.bytes_up, st.bytes_down


def test_bytes_are_counted_on_the_wire_per_day_and_per_month(
    central: CentralServer, proxy: FaultProxy, make_kiosk: Callable[[str], KioskRig]
) -> None:
    kiosk = _kiosk(central, proxy, make_kiosk)
    clock = Clock(datetime(2026, 5, 30, 4, 0, tzinfo=UTC))
    engine = kiosk.engine(proxy.url, clock=clock, media_per_run=20)
    mark = _mark(proxy)
    first = engine.run_once()
    assert first.ok, first.errors
    assert first.media_fetched == 20
    crossed = _crossed(proxy, mark)
    day = clock.at.astimezone().date()
    usage = data_usage(kiosk.store, day)
    # What the kiosk counted at its sockets is what crossed the proxy, both ways.
    assert usage.today_bytes == usage.month_bytes == crossed > 50_000

    clock.at = datetime(2026, 5, 31, 4, 0, tzinfo=UTC)  # the next day, same month
    mark = _mark(proxy)
    assert engine.run_once().ok
    second = _crossed(proxy, mark)
    usage = data_usage(kiosk.store, clock.at.astimezone().date())
    assert usage.today_bytes == second and usage.month_bytes == crossed + second

    clock.at = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)  # a new month: both start again
    usage = data_usage(kiosk.store, clock.at.astimezone().date())
    assert usage.today_bytes == usage.month_bytes == 0


def test_over_the_budget_images_wait_while_catalog_and_orders_go(
    central: CentralServer, proxy: FaultProxy, make_kiosk: Callable[[str], KioskRig]
) -> None:
    kiosk = _kiosk(central, proxy, make_kiosk)
    clock = Clock(datetime(2026, 5, 30, 4, 0, tzinfo=UTC))
    set_daily_budget(kiosk.store, 1, "technician")  # spent by the first bytes of the day
    engine = kiosk.engine(proxy.url, clock=clock, media_per_run=10_000)
    first = engine.run_once()
    assert first.ok, first.errors
    with kiosk.store.read() as s:
        wanted = referenced_image_hashes(s)
    assert len(wanted) >= 20
    assert first.pulled_products > 0  # the catalog went
    assert first.media_fetched == 0 and first.media_deferred == len(wanted)
    assert not [p for p in proxy.stats().exchanges if p.target.startswith("/v1/media/")]

    order_id = kiosk.place(random.Random(1), kiosk.orderable_skus())
    second = engine.run_once()
    assert second.ok and second.pushed == 1  # the order went
    assert [o["order_id"] for o in central.cli_json("orders", "list")] == [order_id]
    assert second.media_fetched == 0 and second.media_deferred == len(wanted)

    # Room for some images today: the first ones in the engine's order (visible products first).
    today = clock.at.astimezone().date()
    used = data_usage(kiosk.store, today).today_bytes
    set_daily_budget(kiosk.store, used + 40_000, "technician")
    partial = engine.run_once()
    assert partial.ok
    assert 0 < partial.media_fetched < len(wanted)
    assert partial.media_fetched + partial.media_deferred == len(wanted)
    cached = [h for h in wanted if engine.media.find(h) is not None]
    assert cached == wanted[: len(cached)]

    clock.at = datetime(2026, 5, 31, 4, 0, tzinfo=UTC)  # tomorrow the budget is whole again
    set_daily_budget(kiosk.store, 50_000_000, "technician")
    rest = engine.run_once()
    assert rest.ok and rest.media_deferred == 0
    assert all(engine.media.find(h) is not None for h in wanted)

"""Wrong clocks (docs/reliability.md, Server time orders data): a kiosk clock at 2000-01-01 or three
years fast gives the same sync outcome, and `kiosk status --json` reports the offset with a plain
"fix the clock" message."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from kiosk.sync.status import sync_status
from tests.conftest import DEMO_CATALOG, REPO_ROOT
from tests.e2e.conftest import KioskRig, central_catalog
from tests.helpers.central_server import CentralServer
from tests.helpers.fault_proxy import FaultProxy

YEAR_2000 = datetime(2000, 1, 1, tzinfo=UTC)


def _outcome(
    kiosk: KioskRig, central: CentralServer, url: str, clock: Callable[[], datetime], center: str
) -> tuple[Any, ...]:
    kiosk.enroll(url, central.enroll_code(center))
    engine = kiosk.engine(url, clock=clock, media_per_run=0)
    first = engine.run_once()
    rng = random.Random(1)
    ids = [kiosk.place(rng, kiosk.orderable_skus()) for _ in range(5)]
    second = engine.run_once()
    central.cli_json("orders", "advance", ids[0], "--to", "accepted")
    third = engine.run_once()
    from kiosk.storage.orders import get_order

    with kiosk.store.read() as s:
        statuses = sorted(get_order(s, i).status.value for i in ids)
    assert kiosk.catalog() == central_catalog(central.db_url)
    return (
        (first.ok, first.pulled_products, first.errors),
        (second.ok, second.pushed, second.outbox_remaining, second.errors),
        (third.ok, third.order_updates, third.errors),
        statuses,
    )


@pytest.mark.slow
def test_wrong_clock_same_outcome_and_plain_words(
    central: CentralServer, proxy: FaultProxy, make_kiosk: Callable[[str], KioskRig]
) -> None:
    central.import_catalog(DEMO_CATALOG)
    offset_future = timedelta(days=3 * 365)
    right = make_kiosk("right")
    past = make_kiosk("past")
    future = make_kiosk("future")
    expected = _outcome(right, central, proxy.url, lambda: datetime.now(UTC), "C010")
    assert expected[0][0] and expected[1][:3] == (True, 5, 0)
    assert _outcome(past, central, proxy.url, lambda: YEAR_2000, "C011") == expected
    future_clock = lambda: datetime.now(UTC) + offset_future  # noqa: E731
    assert _outcome(future, central, proxy.url, future_clock, "C012") == expected

    # The offset measured by central is stored and shown in plain words.
    assert sync_status(right.store, datetime.now(UTC)).clock_warning is None
    st_future = sync_status(future.store, future_clock())
    assert st_future.clock_offset_s is not None
    assert abs(st_future.clock_offset_s - offset_future.total_seconds()) < 120
    assert st_future.clock_warning == "The computer's clock is 1095 days fast: please fix the clock"

    proc = subprocess.run(
        [sys.executable, "-m", "kiosk", "status", "--json"],
        cwd=REPO_ROOT,
        env=past.env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    shown = json.loads(proc.stdout)
    expected_s = (YEAR_2000 - datetime.now(UTC)).total_seconds()
    assert abs(shown["clock_offset_s"] - expected_s) < 3600
    assert shown["clock_warning"].endswith("days slow: please fix the clock")
    assert shown["queue_depth"] == 0 and shown["enrolled"] is True

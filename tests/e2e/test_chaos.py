"""Network chaos: hundreds of orders pushed through a proxy that resets, cuts, stalls, answers 503
and loses replies after central committed; then heal and check the promises.

Promises checked (docs/reliability.md, Exactly once and Convergence): every acknowledged order is at
central exactly once, the outbox is empty, the kiosk catalog equals central's (SKUs, names, prices,
versions, active), order statuses converged; and the proxy's counters prove faults and retries
really happened.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from central.db import CentralDb
from central.models import EventRecord
from kiosk.storage import outbox
from kiosk.storage.models import OutboxEvent
from kiosk.sync.engine import SyncEngine, SyncSummary
from tests.conftest import DEMO_CATALOG
from tests.e2e.conftest import ORDERS, KioskRig, central_catalog
from tests.helpers.central_server import CentralServer, start_central_server
from tests.helpers.fault_proxy import Fault, FaultKind, FaultProxy, RandomMix, Script

#: About a third of all requests meet a fault.
CHAOS = {
    Fault.reset(): 0.05,
    Fault.cut(60): 0.02,  # inside the status line / headers
    Fault.cut(700): 0.02,  # inside a small body
    Fault.cut(6000): 0.02,  # inside a catalog page
    Fault.stall(): 0.015,
    Fault.unavailable(retry_after="0"): 0.04,
    Fault.unavailable(): 0.02,
    Fault.lost_reply(): 0.08,
}
MAX_CYCLES = 40
#: Resets in a row for the forced outage: more than one request's attempts (RetryPolicy).
OUTAGE_RESETS = 12


def _sync_until_quiet(engine: SyncEngine, summaries: list[SyncSummary]) -> SyncSummary:
    """Run cycles until one is fully ok with nothing left to send (bounded)."""
    for _ in range(MAX_CYCLES):
        summary = engine.run_once()
        summaries.append(summary)
        if summary.ok and summary.outbox_remaining == 0:
            return summary
    raise AssertionError(f"no quiet sync after {MAX_CYCLES} cycles: {summaries[-1].errors}")


def _chaos_run(central: CentralServer, proxy: FaultProxy, kiosk: KioskRig) -> None:
    rng = random.Random(20250601)
    central.import_catalog(DEMO_CATALOG)
    kiosk.enroll(proxy.url, central.enroll_code("C017", "王家村服务站"))

    # Faults from the very first request; the first event push loses its reply after commit.
    proxy.set_plan(
        Script([Fault.lost_reply()], only="/v1/events", then=RandomMix(CHAOS, seed=11, only="/v1/"))
    )
    engine = kiosk.engine(proxy.url, seed=5, media_per_run=10)
    summaries: list[SyncSummary] = []
    _sync_until_quiet(engine, summaries)  # the catalog arrives through the chaos
    skus = kiosk.orderable_skus()
    assert len(skus) > 100

    placed: list[str] = []
    rounds = 10
    for r in range(rounds):
        placed += [kiosk.place(rng, skus) for _ in range(ORDERS // rounds)]
        if r == 0:
            # The engine has learned that central offers the one round trip, which now carries
            # the pushes: the first one loses its reply after commit too.
            proxy.set_plan(
                Script(
                    [Fault.lost_reply()],
                    only="/v1/sync",
                    then=RandomMix(CHAOS, seed=11, only="/v1/"),
                )
            )
        if r % 3 == 1:
            # Central publishes price changes while orders are in flight.
            for sku in rng.sample(skus, 5):
                central.cli_json("catalog", "set-price", sku, str(rng.randrange(100, 50_000)))
        if r == 5:
            # Logistics moves some orders central already has; one is rejected.
            known = [o["order_id"] for o in central.cli_json("orders", "list")]
            for order_id in known[:12]:
                central.cli_json("orders", "advance", order_id, "--to", "accepted")
            for order_id in known[:6]:
                central.cli_json("orders", "advance", order_id, "--to", "shipped")
            for order_id in known[:3]:
                central.cli_json("orders", "advance", order_id, "--to", "arrived")
            if len(known) > 12:
                central.cli_json(
                    "orders", "advance", known[12], "--to", "rejected", "--reason", "缺货"
                )
        if r == 3:
            # Every kind of fault at least once, whatever the random mix draws.
            proxy.set_plan(
                Script(list(CHAOS), only="/v1/", then=RandomMix(CHAOS, seed=13, only="/v1/"))
            )
        if r == 7:
            # An outage longer than the client's retries: this cycle must fail, and the next
            # ones pick up where it stopped (the random mix alone may not produce one).
            proxy.set_plan(
                Script(
                    [Fault.reset()] * OUTAGE_RESETS,
                    only="/v1/",
                    then=RandomMix(CHAOS, seed=12, only="/v1/"),
                )
            )
            failed = engine.run_once()
            summaries.append(failed)
            assert not failed.ok and failed.errors, "an outage cycle reported success"
            continue
        summaries.append(engine.run_once())
    _sync_until_quiet(engine, summaries)

    proxy.heal()
    final = engine.run_once()
    assert final.ok, final.errors
    assert (final.outbox_remaining, final.quarantined) == (0, 0)

    # --- exactly once --------------------------------------------------------------------------
    listed = central.cli_json("orders", "list")
    counts = Counter(o["order_id"] for o in listed)
    assert set(counts) == set(placed) and len(placed) == ORDERS
    assert max(counts.values()) == 1
    with kiosk.store.read() as s:
        sent = set(s.scalars(select(OutboxEvent.id).where(OutboxEvent.state == outbox.SENT)))
        stuck = [
            (e.id, e.state, e.last_error)
            for e in s.scalars(select(OutboxEvent).where(OutboxEvent.state != outbox.SENT))
        ]
    assert stuck == []
    db = CentralDb(central.db_url)
    try:
        with db.read() as s:
            central_events = set(s.scalars(select(EventRecord.id)))
            n_events = s.scalar(select(func.count()).select_from(EventRecord))
    finally:
        db.close()
    assert central_events == sent and n_events == len(sent)

    # --- convergence ---------------------------------------------------------------------------
    assert kiosk.catalog() == central_catalog(central.db_url)
    from kiosk.storage.orders import get_order

    with kiosk.store.read() as s:
        kiosk_status = {o: get_order(s, o).status.value for o in placed}
    central_status = {o["order_id"]: o["status"] for o in listed}
    assert kiosk_status == central_status
    assert Counter(central_status.values())["arrived"] >= 3
    assert "rejected" in central_status.values()

    # --- faults and retries really happened ----------------------------------------------------
    st = proxy.stats()
    for kind in FaultKind:
        if kind != FaultKind.PASS:
            assert st.faults[kind] >= 1, f"no {kind} was injected: {st.faults}"
    # Events go up with POST /v1/events, or with POST /v1/sync once the engine learned that
    # central offers it (from its second cycle on): a reply lost after commit on either.
    pushes = ("/v1/events", "/v1/sync")
    assert sum(st.count(FaultKind.LOST_REPLY, path) for path in pushes) >= 1
    assert sum(s.duplicates for s in summaries) >= 1  # a lost reply answered later as duplicate
    assert engine.client.stats.retries >= 10
    assert any(
        not s.ok for s in summaries
    )  # cycles failed (at least the outage) and were run again
    print(
        f"\nchaos: {len(summaries)} cycles, {st.requests} requests, faults {dict(st.faults)},"
        f" retries {engine.client.stats.retries}, duplicates {sum(s.duplicates for s in summaries)}"
    )


@pytest.mark.slow
def test_chaos_sqlite(
    central: CentralServer, proxy: FaultProxy, make_kiosk: Callable[[str], KioskRig]
) -> None:
    _chaos_run(central, proxy, make_kiosk("kiosk"))


@pytest.mark.slow
@pytest.mark.pg
def test_chaos_postgresql(
    pg_url: str, tmp_path: Path, make_kiosk: Callable[[str], KioskRig]
) -> None:
    server = start_central_server(tmp_path / "central-pg", db_url=pg_url)
    try:
        with FaultProxy("127.0.0.1", server.port) as proxy:
            _chaos_run(server, proxy, make_kiosk("kiosk"))
    finally:
        server.stop()

"""Kill after send (docs/reliability.md, Exactly once): SIGKILL a `kiosk sync --once` process
after central committed, before the kiosk learned it; the next sync must not create a duplicate,
and the outbox must drain.

The proxy forwards the chosen request, reads central's complete reply (so central has committed)
and then holds the client; the test waits for that on the proxy's counters and kills the child.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from functools import partial

import pytest
from sqlalchemy import select, text

from kiosk.storage import outbox
from kiosk.storage.models import OutboxEvent
from kiosk.sync.engine import ROUND_TRIP_SERVER
from tests.conftest import DEMO_CATALOG, REPO_ROOT
from tests.e2e.conftest import KioskRig, central_catalog
from tests.helpers.central_server import CentralServer
from tests.helpers.fault_proxy import PASS, Always, Fault, FaultProxy, ProxyStats, Script

#: Where the kiosk pushes: after its first cycle learned that central offers it, the one round
#: trip (docs/sync-protocol.md) carries the events.
PUSH = "/v1/sync"


def _child(kiosk: KioskRig) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "kiosk", "sync", "--once", "--json"],
        cwd=REPO_ROOT,
        # A long timeout: the child must still be waiting on the held reply when it is killed.
        env={**kiosk.env(), "KIOSK_SYNC_TIMEOUT": "30"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _held_or_exited(child: subprocess.Popen[str], st: ProxyStats) -> bool:
    return st.held >= 1 or child.poll() is not None


def _pending(kiosk: KioskRig) -> set[str]:
    with kiosk.store.read() as s:
        return set(
            s.scalars(select(OutboxEvent.subject_id).where(OutboxEvent.state == outbox.PENDING))
        )


@pytest.mark.slow
def test_sigkill_after_central_committed_never_duplicates(
    central: CentralServer, proxy: FaultProxy, make_kiosk: Callable[[str], KioskRig]
) -> None:
    rng = random.Random(7)
    central.import_catalog(DEMO_CATALOG)
    kiosk = make_kiosk("kiosk")
    kiosk.enroll(proxy.url, central.enroll_code("C003"))
    assert kiosk.engine(proxy.url, media_per_run=0).run_once().ok
    assert kiosk.store.setting(ROUND_TRIP_SERVER) == proxy.url
    skus = kiosk.orderable_skus()
    placed: list[str] = []

    # Rounds 0 and 3 hold the push; the others hold a random request of the cycle (push, order
    # updates, catalog, media, heartbeat): "random points", chosen by request, not by time.
    for round_no in range(4):
        batch = [kiosk.place(rng, skus) for _ in range(rng.randint(3, 15))]
        placed += batch
        if round_no in (0, 3):
            proxy.set_plan(Always(Fault.lost_reply(hold=True), only=PUSH))
        else:
            passes = [PASS] * rng.randrange(0, 4)
            proxy.set_plan(Script([*passes, Fault.lost_reply(hold=True)], only="/v1/"))
        child = _child(kiosk)
        try:
            held = proxy.wait_for(partial(_held_or_exited, child), timeout=60)
            assert held and child.poll() is None, f"the child ended first: {child.communicate()}"
            child.kill()
        finally:
            child.wait(30)
            if child.stdout is not None:
                child.stdout.close()
            if child.stderr is not None:
                child.stderr.close()
        assert child.returncode == -9
        proxy.set_plan(Always(PASS))
        proxy.release_held()
        if round_no in (0, 3):
            # Killed after send, exactly: central has these orders, the kiosk still has them queued.
            at_central = {o["order_id"] for o in central.cli_json("orders", "list")}
            assert set(batch) <= at_central and set(batch) <= _pending(kiosk)

    proxy.heal()
    committed_unacked = _pending(kiosk)
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "sync", "--once", "--json"],
        cwd=REPO_ROOT,
        env=kiosk.env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["ok"] and summary["outbox_remaining"] == 0 and summary["quarantined"] == 0
    # Everything still queued had reached central: each is answered as a duplicate, none pushed.
    assert summary["duplicates"] == len(committed_unacked) > 0 and summary["pushed"] == 0

    counts = Counter(o["order_id"] for o in central.cli_json("orders", "list"))
    assert set(counts) == set(placed) and max(counts.values()) == 1
    assert _pending(kiosk) == set()
    assert kiosk.catalog() == central_catalog(central.db_url)
    with kiosk.store.read() as s:
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"

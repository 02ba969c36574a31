"""One event central fails on (500) never holds back the rest of the outbox.

Through the real central app (uvicorn on 127.0.0.1) on SQLite, and on PostgreSQL when
``KIOSK_TEST_PG_URL`` is set. Central is made to fail on one order's event the way an unexpected
bug would (its own 500 handler); the engine bisects the batch, the other orders reach central in
the same run, the failing event waits and, at its third failure alone, is set aside (quarantined)
where the owner and ``kiosk status`` see it. When central fails on everything, nothing is set
aside.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from kiosk.storage.models import OutboxEvent
from kiosk.sync.errors import SyncCode
from tests.helpers.conv_rig import (
    Central,
    Kiosk,
    enrolled_rig,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def rig(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Central, Kiosk]]:
    with enrolled_rig(request, tmp_path, monkeypatch, products=2) as pair:
        yield pair


def _fail_on(central: Central, doomed: Callable[[Any], bool]) -> None:
    """Make central's own code raise (→ its 500 handler) for the events ``doomed`` picks."""
    service = central.service.events
    real = service._apply

    def apply(s: Any, auth: Any, event: Any) -> Any:
        if doomed(event):
            raise RuntimeError("injected failure")
        return real(s, auth, event)

    service._apply = apply  # type: ignore[method-assign]


def _outbox(kiosk: Kiosk) -> dict[str, tuple[str, int]]:
    with kiosk.store.read() as s:
        rows = s.scalars(select(OutboxEvent).where(OutboxEvent.kind == "order_placed"))
        return {r.subject_id: (r.state, r.server_failures) for r in rows}


def test_one_failing_event_is_bisected_out_and_set_aside(rig: tuple[Central, Kiosk]) -> None:
    central, kiosk = rig
    orders = [kiosk.place("P00000") for _ in range(7)]
    poison = orders[2]
    _fail_on(central, lambda e: e.subject_id == poison)
    engine = kiosk.engine(central.url)
    others = set(orders) - {poison}
    for run in (1, 2):
        summary = engine.run_once()
        assert not summary.ok and summary.error_code == SyncCode.SERVER_ERROR, summary.errors
        at_central = {o.order_id for o in central.service.list_orders("C001")}
        assert at_central == others, f"run {run}: the others went through"
        assert _outbox(kiosk)[poison] == ("pending", run)
    summary = engine.run_once()
    assert summary.quarantined_now == 1 and summary.quarantined == 1
    assert _outbox(kiosk)[poison] == ("quarantined", 3)
    # Later orders keep going, and the set-aside one stays visible.
    later = kiosk.place("P00001")
    summary = engine.run_once()
    assert summary.ok, summary.errors
    assert later in {o.order_id for o in central.service.list_orders("C001")}
    assert summary.quarantined == 1


def test_central_failing_on_everything_sets_nothing_aside(rig: tuple[Central, Kiosk]) -> None:
    central, kiosk = rig
    orders = [kiosk.place("P00000") for _ in range(4)]
    _fail_on(central, lambda e: True)
    engine = kiosk.engine(central.url)
    for _ in range(4):
        summary = engine.run_once()
        # server_error; a timeout on a loaded machine means the same here: not sent.
        assert not summary.ok and summary.error_code in (SyncCode.SERVER_ERROR, SyncCode.TIMEOUT)
    assert _outbox(kiosk) == {o: ("pending", 0) for o in orders}
    assert central.service.list_orders("C001") == []

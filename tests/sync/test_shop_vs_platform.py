"""A shop move racing a platform move converges: central's status stands, the shop's facts and
cash are kept, the kiosk rolls the order back to central's status and the owner's queue says what
to do (kind + params). Nothing is quarantined, so nothing hides behind "sync OK".

Real kiosk store, real engine, real central app on 127.0.0.1 (SQLite, and PostgreSQL when
``KIOSK_TEST_PG_URL`` is set).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from central.orders import OrderView
from kiosk.storage.cash import paid_for_order
from kiosk.storage.orders import get_order
from kiosk.storage.owner import cancel_order, check_in, load_work_queue
from tests.helpers.conv_rig import (
    Central,
    Kiosk,
    enrolled_rig,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def rig(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Central, Kiosk]]:
    with enrolled_rig(request, tmp_path, monkeypatch, products=1) as pair:
        yield pair


def _sync(central: Central, kiosk: Kiosk) -> None:
    summary = kiosk.engine(central.url).run_once()
    assert summary.ok and summary.quarantined == 0, summary.errors


def _status(kiosk: Kiosk, order_id: str) -> str:
    with kiosk.store.read() as s:
        return get_order(s, order_id).status.value


def _central(central: Central, order_id: str) -> OrderView:
    [order] = [o for o in central.service.list_orders("C001") if o.order_id == order_id]
    return order


def _central_cash(central: Central, order_id: str) -> int:
    sign = {"order_cash": 1, "pickup_cash": 1, "refund": -1}
    return sum(
        sign[c.kind] * int(c.amount_fen)
        for c in central.service.list_cash("C001")
        if c.order_id == order_id
    )


def _attention(kiosk: Kiosk) -> list[tuple[str, dict[str, object]]]:
    return [(a.kind, dict(a.params)) for a in load_work_queue(kiosk.store).attention]


def test_owner_cancels_while_the_platform_ships(rig: tuple[Central, Kiosk]) -> None:
    central, kiosk = rig
    oid = kiosk.place("P00000", qty=2)
    _sync(central, kiosk)
    for to in ("accepted", "shipped"):
        central.service.advance_order(oid, to)
    # The shop has not heard yet: the owner cancels and gives the cash back.
    cancel_order(kiosk.store, oid, "村民不要了", None, "owner")
    _sync(central, kiosk)
    assert _status(kiosk, oid) == _central(central, oid).status == "shipped"
    [(kind, params)] = _attention(kiosk)
    assert kind == "overruled_cancel" and params["status"] == "shipped"
    # The refund is a fact: both ledgers hold it, to the fen.
    with kiosk.store.read() as s:
        held = paid_for_order(s, oid)
    assert held == _central_cash(central, oid) == 0
    # The parcel comes: the owner checks it in; the attention item goes.
    check_in(kiosk.store, oid, None, "owner")
    _sync(central, kiosk)
    assert _status(kiosk, oid) == _central(central, oid).status == "arrived"
    assert _attention(kiosk) == []


def test_a_parcel_arrives_for_an_order_the_platform_cancelled(rig: tuple[Central, Kiosk]) -> None:
    central, kiosk = rig
    oid = kiosk.place("P00000")
    _sync(central, kiosk)
    central.service.advance_order(oid, "accepted")
    _sync(central, kiosk)
    central.service.advance_order(oid, "cancelled", reason="缺货")
    check_in(kiosk.store, oid, None, "owner")  # before the shop heard of the cancel
    _sync(central, kiosk)
    assert _status(kiosk, oid) == _central(central, oid).status == "cancelled"
    # The arrival is a fact central keeps.
    [line] = _central(central, oid).lines
    assert line.arrived_qty == line.qty
    [(kind, params)] = _attention(kiosk)
    assert kind == "overruled_arrival"
    with kiosk.store.read() as s:
        held = paid_for_order(s, oid)
    assert held > 0 and params["held_fen"] == held == _central_cash(central, oid)

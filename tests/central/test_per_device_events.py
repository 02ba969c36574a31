"""Event ids are deduplicated per device, another center's claims are refused before anything is
stored, and every PC of a center closes its own day (summed per center).

On SQLite and on PostgreSQL (``KIOSK_TEST_PG_URL``), through the app.
"""

from __future__ import annotations

import copy
import uuid

from fastapi.testclient import TestClient

from central.service import CentralService
from tests.central.conftest import add_products, enroll, order_event, push, status_event


def test_another_centers_device_cannot_claim_an_event_id(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    other = enroll(client, service, "C002")
    close = status_event("day_closed", "2025-06-01")
    # C002's device sends C001's close (same id) first: refused, and nothing kept under the id.
    [claim] = push(client, other, close)
    assert (claim["status"], claim["reason"]) == ("rejected", "wrong_center")
    [mine] = push(client, auth, close)
    assert mine["status"] == "accepted"
    assert [d.event_id for d in service.list_day_closes("C001")] == [close["id"]]


def test_an_event_id_used_by_two_centers_devices_is_two_events(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    other = enroll(client, service, "C002")
    shared = str(uuid.uuid4())
    mine = status_event("cash_entry", str(uuid.uuid4()), kind="refund", amount_fen=100)
    theirs = status_event("cash_entry", str(uuid.uuid4()), kind="refund", amount_fen=200)
    mine["id"] = theirs["id"] = shared
    assert push(client, auth, mine)[0]["status"] == "accepted"
    assert push(client, other, theirs)[0]["status"] == "accepted"
    assert [c.amount_fen for c in service.list_cash("C001")] == [100]
    assert [c.amount_fen for c in service.list_cash("C002")] == [200]


def test_resending_another_centers_order_never_reveals_its_number(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    other = enroll(client, service, "C002")
    placed = order_event()
    [ok] = push(client, auth, placed)
    assert ok["status"] == "accepted" and ok["result"]["server_no"]
    [same] = push(client, other, placed)
    assert same["status"] == "rejected" and "server_no" not in same.get("result", {})
    forged = copy.deepcopy(placed)
    forged["payload"]["center_id"] = "C002"
    [again] = push(client, other, forged)
    assert again["status"] == "rejected" and "server_no" not in again.get("result", {})
    assert [o.center for o in service.list_orders()] == ["C001"]


def test_a_second_pc_of_the_center_resending_the_shops_event_gets_its_result(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    """A replacement PC restored from the old PC's backup resends events central already has."""
    add_products(service, 1)
    new_pc = enroll(client, service, "C001")
    placed = order_event()
    [first] = push(client, auth, placed)
    [resent] = push(client, new_pc, placed)
    assert resent["status"] == "duplicate"
    assert resent["result"]["server_no"] == first["result"]["server_no"]


def test_each_pc_closes_its_day_and_central_sums_the_center(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    second = enroll(client, service, "C001")
    a = status_event("day_closed", "2025-06-01", expected_cash_fen=200, entries=1)
    b = status_event(
        "day_closed",
        "2025-06-01",
        expected_cash_fen=350,
        entries=2,
        totals={"order_cash": {"count": 2, "fen": 350}},
    )
    assert push(client, auth, a)[0]["status"] == "accepted"
    assert push(client, second, b)[0]["status"] == "accepted"
    # The same PC closing the same day under another event id is still refused.
    again = status_event("day_closed", "2025-06-01")
    assert push(client, second, again)[0]["reason"] == "day_already_closed"
    assert len(service.list_day_closes("C001")) == 2
    [day] = service.center_days("C001")
    assert (day.pcs, day.entries, day.expected_cash_fen) == (2, 3, 550)
    assert day.totals == {"order_cash": {"count": 3, "fen": 550}}

"""Owner events at the central service: payloads validated, partial arrivals, cash, day closes."""

from __future__ import annotations

import uuid

from fastapi.testclient import TestClient

from central.cash import CashEntry
from central.cli import main as central_main
from central.service import CentralService
from tests.central.conftest import add_products, order_event, push, status_event


def test_owner_payloads_are_validated(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    order = order_event()
    push(client, auth, order)
    oid = order["subject_id"]
    results = push(
        client,
        auth,
        status_event("order_cancelled", oid, reason=None),  # reason missing
        status_event("order_cancelled", oid, refund_fen=-5),
        status_event("pickup_confirmed", oid, paid_how="iou"),
        status_event("cash_entry", str(uuid.uuid4()), amount_fen=0),
        status_event("cash_entry", "not-a-uuid"),
        status_event("day_closed", "yesterday"),
        status_event("order_returned", oid, order_id=str(uuid.uuid4())),  # subject mismatch
        status_event("arrival_checked_in", oid, extra="field"),
    )
    assert [(r["status"], r["reason"]) for r in results] == [("rejected", "invalid_payload")] * 8
    assert all(r["message"] for r in results)
    assert service.list_orders()[0].status == "submitted"
    assert service.list_cash() == [
        CashEntry(
            entry_id=oid,
            center="C001",
            kind="order_cash",
            order_id=oid,
            amount_fen=200,
            at="2025-06-01T09:00:00+08:00",
            received_at="2025-06-01T08:00:00Z",
        )
    ]


def test_partial_arrival_then_complete(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 2)
    lines = [
        {
            "sku": f"P0000{i}",
            "name": f"商品{i}",
            "unit": "个",
            "unit_price_fen": 100 + i,
            "product_version": i + 1,
            "qty": 3,
            "line_total_fen": 3 * (100 + i),
        }
        for i in range(2)
    ]
    order = order_event(lines=lines)
    assert push(client, auth, order)[0]["status"] == "accepted"
    oid = order["subject_id"]
    service.advance_order(oid, "accepted")  # the operator has not said "shipped" yet

    def line(n: int, qty: int, total: int) -> dict[str, object]:
        return {
            "line_no": n,
            "sku": f"P0000{n - 1}",
            "qty": qty,
            "arrived_qty": total,
            "ordered_qty": 3,
        }

    [part] = push(
        client, auth, status_event("arrival_checked_in", oid, lines=[line(1, 3, 3)], complete=False)
    )
    assert part["status"] == "accepted" and part["result"]["complete"] is False
    listed = service.list_orders()[0]
    assert listed.status == "accepted"
    assert [ln.arrived_qty for ln in listed.lines] == [3, 0]
    # "complete" while central knows a line is short is refused.
    [short] = push(
        client, auth, status_event("arrival_checked_in", oid, lines=[line(2, 1, 1)], complete=True)
    )
    assert (short["status"], short["reason"]) == ("rejected", "invalid_payload")
    [done] = push(
        client, auth, status_event("arrival_checked_in", oid, lines=[line(2, 3, 3)], complete=True)
    )
    assert done["status"] == "accepted" and done["result"]["status"] == "arrived"
    updates = client.get("/v1/orders/updates", headers=auth).json()["items"]
    assert [u["status"] for u in updates] == ["submitted", "accepted", "shipped", "arrived"]


def test_cash_entries_and_day_closes_are_stored_once(
    client: TestClient, service: CentralService, auth: dict[str, str], capsys: object
) -> None:
    entry = status_event("cash_entry", str(uuid.uuid4()), kind="refund", amount_fen=250)
    close = status_event("day_closed", "2025-06-01")
    first = push(client, auth, entry, close)
    assert [r["status"] for r in first] == ["accepted", "accepted"]
    again = push(client, auth, entry, close)  # the reply was lost: resent as they were
    assert [r["status"] for r in again] == ["duplicate", "duplicate"]
    other_close = status_event("day_closed", "2025-06-01")  # same day, another event id
    [dup_day] = push(client, auth, other_close)
    assert (dup_day["status"], dup_day["reason"]) == ("rejected", "day_already_closed")
    wrong = status_event("day_closed", "2025-06-02", center_id="C999")
    assert push(client, auth, wrong)[0]["reason"] == "wrong_center"
    cash = service.list_cash("C001")
    assert [(c.kind, c.amount_fen) for c in cash] == [("refund", 250)]
    [day] = service.list_day_closes()
    assert (day.center, day.business_day, day.expected_cash_fen) == (
        "C001",
        "2025-06-01",
        200,
    )
    assert day.event_id == close["id"]
    assert service.list_day_closes("C002") == []


def test_operator_cli_lists_cash_and_days(
    client: TestClient, service: CentralService, auth: dict[str, str], db_url: str, capsys: object
) -> None:
    import json

    import pytest

    assert isinstance(capsys, pytest.CaptureFixture)
    push(client, auth, status_event("day_closed", "2025-06-01"))
    assert central_main(["cash", "days", "--center", "C001", "--json", "--db", db_url]) == 0
    [day] = json.loads(capsys.readouterr().out)
    assert day["business_day"] == "2025-06-01"
    assert central_main(["cash", "list", "--db", db_url]) == 0
    assert "no cash entries" in capsys.readouterr().out

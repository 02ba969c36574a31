"""One event central cannot store is that event's own rejection, never a 500 for its batch.

Each event of a batch is applied in its own savepoint; when the database refuses one event's
values (a NUL in a name on PostgreSQL, an integer past its column), only that
savepoint rolls back, the event is answered ``invalid_payload`` (the same on every resend), and
its neighbours are stored. On SQLite and on PostgreSQL (``KIOSK_TEST_PG_URL``).
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from central.service import CentralService
from tests.central.conftest import add_products, enroll, order_event, push, status_event


def _named(name: str) -> dict[str, Any]:
    event = order_event()
    event["payload"]["customer_name"] = name
    return event


@pytest.fixture(autouse=True)
def _catalog(service: CentralService) -> None:
    add_products(service, 1)


def _results(client: TestClient, auth: dict[str, str], events: list[dict[str, Any]]) -> list[Any]:
    r = client.post("/v1/events", headers=auth, json={"events": events})
    assert r.status_code == 200, f"{r.status_code}: {r.text}"
    return [(x["status"], x.get("reason")) for x in r.json()["results"]]


def test_an_unstorable_number_is_its_own_rejection(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    before, after = order_event(), order_event()
    huge = status_event("day_closed", "2025-06-01", entries=2**70)  # past any integer column
    batch = [before, huge, after]
    assert _results(client, auth, batch) == [
        ("accepted", None),
        ("rejected", "invalid_payload"),
        ("accepted", None),
    ]
    # The reply was lost: the same batch again gets the same answers, nothing stored twice.
    assert _results(client, auth, batch) == [
        ("duplicate", None),
        ("rejected", "invalid_payload"),
        ("duplicate", None),
    ]
    assert {o.order_id for o in service.list_orders("C001")} == {
        before["subject_id"],
        after["subject_id"],
    }
    assert service.list_day_closes("C001") == []


def test_a_nul_in_a_name_is_refused_clearly_and_blocks_nothing(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    """A NUL (PostgreSQL cannot store it) never reaches the database: the wire refuses the batch
    with a 4xx naming the character (never a 500), nothing is stored, and the good event goes
    on its own; the kiosk's engine splits a refused batch to set the bad one aside
    (tests/sync/test_engine.py)."""
    good = order_event()
    bad = _named("王\x00大妈")
    r = client.post("/v1/events", headers=auth, json={"events": [bad, good]})
    assert r.status_code == 422 and r.json()["error"] == "bad_text", r.text
    assert service.list_orders("C001") == []
    assert _results(client, auth, [good]) == [("accepted", None)]
    assert [o.order_id for o in service.list_orders("C001")] == [good["subject_id"]]


def test_an_event_after_an_unstorable_one_moves_its_order(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    placed = order_event()
    push(client, auth, placed)
    oid = placed["subject_id"]
    huge = status_event("day_closed", "2025-06-02", entries=2**70)
    cancel = status_event("order_cancelled", oid)
    entry = status_event("cash_entry", str(uuid.uuid4()), kind="refund", amount_fen=200)
    assert [s for s, _ in _results(client, auth, [huge, cancel, entry])] == [
        "rejected",
        "accepted",
        "accepted",
    ]
    [order] = service.list_orders("C001")
    assert order.status == "cancelled"


def test_one_centers_order_list_reads_only_that_centers_lines(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    """`kiosk-central orders list --center` (and the model test's invariant after every step)
    must not read every order line of every center: at 100,000 centers that is the whole table."""
    from sqlalchemy import event

    other = enroll(client, service, "C002")
    assert _results(client, auth, [order_event()]) == [("accepted", None)]
    two = [order_event(center="C002"), order_event(center="C002")]
    assert _results(client, other, two) == [("accepted", None)] * 2
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(" ".join(statement.split()))

    engine = service.db.read_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        [mine] = service.list_orders("C001")
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert mine.center == "C001" and mine.lines
    line_reads = [sql for sql in seen if "FROM order_lines" in sql]
    assert line_reads, seen
    assert all("center_id" in sql for sql in line_reads), line_reads
    assert len(service.list_orders("C002")) == 2 and len(service.list_orders()) == 3

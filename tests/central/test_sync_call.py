"""``POST /v1/sync``: a whole sync cycle in one round trip (docs/sync-protocol.md), through the
real app on SQLite and on PostgreSQL when ``KIOSK_TEST_PG_URL`` is set."""

from __future__ import annotations

import gzip
import json
import uuid
from typing import Any

import pytest
from fastapi.testclient import TestClient

from central.app import create_app
from central.service import CentralService
from kiosk.wire import (
    FEATURE_SNAPSHOT,
    FEATURE_SYNC,
    FEATURES_HEADER,
    MAX_EVENTS_PER_BATCH,
    SyncResponse,
)
from tests.central.conftest import (
    FakeClock,
    add_products,
    enroll,
    order_event,
    push,
    row_counts,
    status_event,
)


def beat(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "app_version": "0.9.0",
        "schema_revision": None,
        "queue_depth": 0,
        "oldest_unsent_age_s": None,
        "last_error": None,
        "disk_free_bytes": 1 << 30,
        "kiosk_time": "2025-06-01T16:00:05+08:00",
    }
    body.update(over)
    return body


def sync(client: TestClient, auth: dict[str, str], **body: Any) -> dict[str, Any]:
    r = client.post("/v1/sync", headers=auth, json=body)
    assert r.status_code == 200, r.text
    SyncResponse.model_validate_json(r.content)  # what the kiosk accepts
    reply: dict[str, Any] = r.json()
    return reply


def test_an_idle_sync_answers_everything_in_one_reply(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 3)
    first = sync(client, auth, heartbeat=beat(catalog_cursor=None))
    assert first["results"] == []
    assert [p["sku"] for p in first["catalog"]["items"]] == ["P00000", "P00001", "P00002"]
    assert first["catalog"]["categories"][0]["name"] == "日用"
    assert first["catalog"]["next_cursor"] == "3" and first["catalog"]["has_more"] is False
    assert first["order_updates"] == {"items": [], "next_cursor": "0", "has_more": False}
    assert first["heartbeat"] == {"server_time": "2025-06-01T08:00:00Z", "clock_offset_s": 5.0}
    assert first["server_time"] == "2025-06-01T08:00:00Z"

    idle = sync(client, auth, orders_cursor="0", catalog_cursor="3", heartbeat=beat())
    assert idle["catalog"] == {"items": [], "categories": [], "next_cursor": "3", "has_more": False}
    assert idle["order_updates"]["items"] == [] and idle["order_updates"]["next_cursor"] == "0"
    (row,) = service.fleet()
    assert row["app_version"] == "0.9.0" and row["clock_offset_s"] == 5.0


def test_the_reply_is_what_the_separate_calls_answer(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 5)
    service.set_price("P00002", 999)  # version 6
    for cursor in ("", "0", "2", "5", "6", "40"):
        combined = sync(client, auth, catalog_cursor=cursor, catalog_limit=2)["catalog"]
        alone = client.get(
            "/v1/catalog/changes", headers=auth, params={"cursor": cursor, "limit": 2}
        ).json()
        if not alone["items"]:
            alone["categories"] = []  # nothing changed: the categories did not either
        assert combined == alone, cursor


def test_events_are_pushed_first_and_their_order_updates_come_back(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    placed = order_event()
    reply = sync(client, auth, events=[placed, placed], heartbeat=beat(queue_depth=1))
    (result,) = reply["results"]  # one result per distinct id, as POST /v1/events
    assert result["id"] == placed["id"] and result["status"] == "accepted"
    (update,) = reply["order_updates"]["items"]
    assert update["order_id"] == placed["subject_id"] and update["status"] == "submitted"
    assert update["server_no"] == result["result"]["server_no"]
    # The same event again, through either call, is a duplicate with the first answer.
    again = sync(client, auth, events=[placed], orders_cursor=reply["order_updates"]["next_cursor"])
    assert again["results"][0]["status"] == "duplicate"
    assert again["results"][0]["result"] == result["result"]
    assert again["order_updates"]["items"] == []
    assert push(client, auth, placed)[0]["status"] == "duplicate"


def test_rejections_are_per_event_as_in_the_events_push(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    good = order_event()
    foreign = order_event(center="C999")
    unknown = status_event("order_cancelled", str(uuid.uuid4()))
    reply = sync(client, auth, events=[good, foreign, unknown])
    assert [(r["status"], r.get("reason")) for r in reply["results"]] == [
        ("accepted", None),
        ("rejected", "wrong_center"),
        ("rejected", "unknown_order"),
    ]


def test_a_product_change_ends_the_idle_answer(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    """The "anything new?" probe reads the sequences: a change after the cursor is seen."""
    add_products(service, 2)
    assert sync(client, auth, catalog_cursor="2")["catalog"]["items"] == []
    service.set_price("P00001", 555)
    page = sync(client, auth, catalog_cursor="2")["catalog"]
    assert [(p["sku"], p["price_fen"], p["version"]) for p in page["items"]] == [("P00001", 555, 3)]
    assert page["categories"] and page["next_cursor"] == "3"
    # Another center's order moves are not this center's news.
    other = enroll(client, service, "C002")
    sync(client, other, events=[order_event(center="C002")])
    assert sync(client, auth, orders_cursor="0")["order_updates"]["items"] == []


def test_every_reply_names_the_feature_and_an_older_central_does_not(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    for r in (
        client.get("/v1/health"),
        client.get("/v1/orders/updates", headers=auth),
        client.post("/v1/sync", headers={}, json={}),  # 401 from the edge
    ):
        # A comma-separated list: this call's feature and the catalog snapshots'.
        assert r.headers[FEATURES_HEADER].split(",") == [FEATURE_SYNC, FEATURE_SNAPSHOT]
    with TestClient(create_app(service, round_trip=False, offer_snapshots=False)) as older:
        assert FEATURES_HEADER not in older.get("/v1/health").headers
        r = older.post("/v1/sync", headers=auth, json={})
        assert r.status_code == 404 and r.json()["error"] == "not_found"
        assert "/v1/sync" not in older.get("/openapi.json").json()["paths"]


def _events(n: int) -> list[dict[str, Any]]:
    return [status_event("cash_entry", str(uuid.uuid4())) for _ in range(n)]


HOSTILE: list[tuple[str, Any, int, str]] = [
    ("unknown field", {"cursor": "1"}, 422, "invalid_payload"),
    ("not an object", [1, 2], 422, "invalid_payload"),
    ("letters in a cursor", {"catalog_cursor": "12a"}, 422, "invalid_payload"),
    ("fullwidth digits", {"orders_cursor": "１２"}, 422, "invalid_payload"),
    ("a cursor past the sequences", {"catalog_cursor": "9" * 19}, 400, "bad_cursor"),
    ("limit 0", {"catalog_limit": 0}, 422, "invalid_payload"),
    ("limit past the page", {"orders_limit": 2001}, 422, "invalid_payload"),
    ("limit as text", {"catalog_limit": "5"}, 422, "invalid_payload"),
    ("too many events", {"events": _events(MAX_EVENTS_PER_BATCH + 1)}, 422, "invalid_payload"),
    ("control character", {"heartbeat": beat(app_version="a\x00b")}, 422, "bad_text"),
    ("negative queue", {"heartbeat": beat(queue_depth=-1)}, 422, "invalid_payload"),
    ("heartbeat not an object", {"heartbeat": "ok"}, 422, "invalid_payload"),
    ("unreadable kiosk time", {"heartbeat": beat(kiosk_time="yesterday")}, 400, "invalid_payload"),
]


@pytest.mark.parametrize(("what", "body", "status", "code"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_bodies_are_refused_and_nothing_is_stored(
    client: TestClient,
    service: CentralService,
    auth: dict[str, str],
    what: str,
    body: Any,
    status: int,
    code: str,
) -> None:
    add_products(service, 1)
    if isinstance(body, dict) and "events" not in body:
        body = {**body, "events": [order_event()]}  # must not be stored when the rest is refused
    before = row_counts(service)
    r = client.post("/v1/sync", headers=auth, json=body)
    assert (r.status_code, r.json()["error"]) == (status, code), (what, r.text)
    assert row_counts(service) == before
    assert service.fleet()[0]["last_seen"] is None


def test_raw_hostile_bodies(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    cases: list[tuple[bytes, dict[str, str], int, str]] = [
        (b"{", {}, 422, "invalid_payload"),
        (b'{"heartbeat": {"disk_free_bytes": NaN}}', {}, 422, "invalid_payload"),
        (b"\xff\xfe", {}, 422, "invalid_payload"),
        (b"not gzip", {"Content-Encoding": "gzip"}, 400, "bad_encoding"),
        (b"{}", {"Content-Encoding": "br"}, 400, "bad_encoding"),
        # A few KB that inflate past the body cap: refused at the cap, not in memory.
        (gzip.compress(b" " * (9 << 20)), {"Content-Encoding": "gzip"}, 413, "too_large"),
        (b" " * ((8 << 20) + 1), {}, 413, "too_large"),
    ]
    for content, headers, status, code in cases:
        r = client.post(
            "/v1/sync",
            headers={**auth, "Content-Type": "application/json", **headers},
            content=content,
        )
        assert (r.status_code, r.json()["error"]) == (status, code), (content[:20], r.text)
    add_products(service, 1)
    line = order_event()["payload"]["lines"][0]
    many = [order_event(lines=[dict(line)] * 100) for _ in range(21)]  # 2,100 lines
    r = client.post("/v1/sync", headers=auth, json={"events": many})
    assert (r.status_code, r.json()["error"]) == (413, "too_many_lines")
    assert row_counts(service)["events"] == 0


def test_a_gzipped_sync_and_no_token(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    body = gzip.compress(json.dumps({"events": [order_event()]}).encode())
    r = client.post(
        "/v1/sync",
        headers={**auth, "Content-Type": "application/json", "Content-Encoding": "gzip"},
        content=body,
    )
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "accepted"
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        r = client.post("/v1/sync", headers=headers, json={})
        assert (r.status_code, r.json()["error"]) == (401, "unauthorized")


def test_the_sync_call_is_rate_limited_per_device(
    service: CentralService, clock: FakeClock
) -> None:
    from central.edge import DeviceRateLimit

    limiter = DeviceRateLimit(burst=2, per_second=0.001, clock=lambda: 0.0)
    with TestClient(create_app(service, rate_limit=limiter)) as c:
        auth = enroll(c, service)
        assert [c.post("/v1/sync", headers=auth, json={}).status_code for _ in range(3)] == [
            200,
            200,
            429,
        ]

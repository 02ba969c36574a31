"""The central service's HTTP API, through FastAPI's TestClient (SQLite, and PostgreSQL if set)."""

from __future__ import annotations

import gzip
import uuid

from fastapi.testclient import TestClient

from central.service import CentralService
from tests.central.conftest import (
    FakeClock,
    add_products,
    dumps,
    enroll,
    order_event,
    push,
    row_counts,
    status_event,
)


def test_health_needs_no_auth(client: TestClient) -> None:
    r = client.get("/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["server_time"] == "2025-06-01T08:00:00Z"
    assert body["version"]


def test_every_other_endpoint_needs_a_valid_token(client: TestClient) -> None:
    calls = [
        ("GET", "/v1/catalog/changes"),
        ("GET", "/v1/media/" + "a" * 64),
        ("POST", "/v1/events"),
        ("GET", "/v1/orders/updates"),
        ("POST", "/v1/heartbeat"),
    ]
    for headers in ({}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"}):
        for method, path in calls:
            r = client.request(method, path, headers=headers)
            assert r.status_code == 401, (method, path, headers, r.text)
            assert r.json()["error"] == "unauthorized"
            assert set(r.json()) == {"error", "message"}


# --- enrollment ---------------------------------------------------------------------------------


def test_enroll_code_is_one_time_and_normalised(
    client: TestClient, service: CentralService
) -> None:
    code = service.create_enroll_code("C001", "王家村服务站").code
    assert len(code) == 8 and code.isalnum() and not set(code) & set("01OIL")
    typed = f" {code[:4].lower()}-{code[4:]} "
    r = client.post("/v1/enroll", json={"code": typed, "app_version": "0.1.0"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["center_id"] == "C001" and body["center_name"] == "王家村服务站"
    assert len(body["token"]) >= 40
    again = client.post("/v1/enroll", json={"code": code})
    assert again.status_code == 403 and again.json()["error"] == "enroll_refused"
    # The token works; the code does not appear anywhere in clear text.
    r = client.get("/v1/catalog/changes", headers={"Authorization": f"Bearer {body['token']}"})
    assert r.status_code == 200


def test_enroll_refuses_expired_and_unknown_codes(
    client: TestClient, service: CentralService, clock: FakeClock
) -> None:
    code = service.create_enroll_code("C001", ttl_hours=1).code
    clock.advance(hours=1, seconds=1)
    r = client.post("/v1/enroll", json={"code": code})
    assert r.status_code == 403 and r.json()["error"] == "enroll_refused"
    assert client.post("/v1/enroll", json={"code": "ZZZZZZZZ"}).status_code == 403
    bad = client.post("/v1/enroll", json={"code": "x"})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_payload"


# --- catalog ------------------------------------------------------------------------------------


def _pages(
    client: TestClient, auth: dict[str, str], cursor: str = "", limit: int = 3
) -> list[dict]:
    pages = []
    while True:
        r = client.get(
            "/v1/catalog/changes", params={"cursor": cursor, "limit": limit}, headers=auth
        )
        assert r.status_code == 200, r.text
        pages.append(r.json())
        cursor = r.json()["next_cursor"]
        if not r.json()["has_more"]:
            return pages


def test_catalog_feed_pages_in_version_order_and_resumes(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 10)
    pages = _pages(client, auth)
    assert [len(p["items"]) for p in pages] == [3, 3, 3, 1]
    versions = [i["version"] for p in pages for i in p["items"]]
    assert versions == sorted(versions) and len(set(versions)) == 10
    assert pages[0]["categories"] == [{"name": "日用", "sort_order": 0, "active": True}]
    # Resume from the cursor of page 2, as after an interruption: only the rest comes again.
    rest = _pages(client, auth, cursor=pages[1]["next_cursor"])
    assert [i["sku"] for p in rest for i in p["items"]] == ["P00006", "P00007", "P00008", "P00009"]
    # Caught up: an empty page that keeps the cursor.
    tail = _pages(client, auth, cursor=pages[-1]["next_cursor"])
    assert tail == [{**tail[0], "items": [], "has_more": False}]
    assert tail[0]["next_cursor"] == pages[-1]["next_cursor"]


def test_catalog_changes_deactivation_and_tombstones(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 3)
    cursor = _pages(client, auth, limit=100)[-1]["next_cursor"]
    service.set_price("P00000", 999)
    service.deactivate_product("P00001")
    service.delete_product("P00002")
    items = [i for p in _pages(client, auth, cursor=cursor) for i in p["items"]]
    assert [
        (i["sku"], i.get("price_fen"), i.get("active", True), i.get("deleted", False))
        for i in items
    ] == [
        ("P00000", 999, True, False),
        ("P00001", 101, False, False),
        ("P00002", None, True, True),
    ]
    # The tombstone stays in the feed for a kiosk that starts from scratch.
    everything = [i for p in _pages(client, auth, limit=100) for i in p["items"]]
    assert {"sku": "P00002", "version": items[2]["version"], "deleted": True} in everything


def test_catalog_bad_cursor_and_limit(client: TestClient, auth: dict[str, str]) -> None:
    r = client.get("/v1/catalog/changes", params={"cursor": "abc"}, headers=auth)
    assert r.status_code == 400 and r.json()["error"] == "bad_cursor"
    r = client.get("/v1/catalog/changes", params={"limit": 0}, headers=auth)
    assert r.status_code == 422 and r.json()["error"] == "invalid_payload"


def test_catalog_page_is_gzipped_when_accepted(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 200)
    r = client.get(
        "/v1/catalog/changes", headers={**auth, "Accept-Encoding": "gzip"}, params={"limit": 200}
    )
    assert r.headers["content-encoding"] == "gzip"
    assert int(r.headers["content-length"]) * 3 < len(r.content)
    assert len(r.json()["items"]) == 200


def test_media_is_content_addressed_and_cacheable(
    client: TestClient, service: CentralService, auth: dict[str, str], tmp_path
) -> None:
    (tmp_path / "img").mkdir()
    png = b"\x89PNG\r\n\x1a\n" + b"x" * 100
    (tmp_path / "img" / "a.png").write_bytes(png)
    (tmp_path / "cat.jsonl").write_text(
        '{"sku":"A1","name":"大米","category":"粮油","price_fen":500,"unit":"袋","image":"img/a.png"}\n',
        encoding="utf-8",
    )
    service.import_catalog(tmp_path / "cat.jsonl")
    item = client.get("/v1/catalog/changes", headers=auth).json()["items"][0]
    import hashlib

    digest = hashlib.sha256(png).hexdigest()
    assert item["image_hash"] == digest
    r = client.get(f"/v1/media/{digest}", headers=auth)
    assert r.status_code == 200 and r.content == png
    assert r.headers["content-type"] == "image/png"
    assert r.headers["etag"] == f'"{digest}"' and "immutable" in r.headers["cache-control"]
    r304 = client.get(f"/v1/media/{digest}", headers={**auth, "If-None-Match": f'"{digest}"'})
    assert r304.status_code == 304 and r304.content == b""
    missing = client.get("/v1/media/" + "0" * 64, headers=auth)
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"
    assert client.get("/v1/media/xyz", headers=auth).status_code == 400


# --- events -------------------------------------------------------------------------------------


def test_order_placed_is_accepted_once_and_deduplicated_forever(
    client: TestClient, service: CentralService, auth: dict[str, str], clock: FakeClock
) -> None:
    add_products(service, 1)
    event = order_event()
    [first] = push(client, auth, event)
    assert first["status"] == "accepted"
    assert first["result"] == {
        "server_no": "S00000001",
        "status": "submitted",
        "price_changed": False,
    }
    [again] = push(client, auth, event)
    assert again == {**first, "status": "duplicate"}
    # Years later (any expiry would have passed): still the same original result.
    clock.advance(days=3 * 365)
    [later] = push(client, auth, event)
    assert later == {**first, "status": "duplicate"}
    assert row_counts(service)["orders"] == 1
    [order] = service.list_orders()
    assert order.order_id == event["subject_id"] and order.status == "submitted"
    assert order.customer_phone != "13800138000"  # masked for operators


def test_same_id_different_payload_is_rejected(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    event = order_event()
    push(client, auth, event)
    changed = {**event, "payload": {**event["payload"], "customer_name": "李四"}}
    [r] = push(client, auth, changed)
    assert r["status"] == "rejected" and r["reason"] == "payload_mismatch"
    assert service.list_orders()[0].customer_name == "王大妈"
    # A created_at difference is not content: the kiosk clock is informational only.
    [d] = push(client, auth, {**event, "created_at": "2000-01-01T00:00:00Z"})
    assert d["status"] == "duplicate"


def test_order_rejections_have_machine_readable_reasons(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    line = {
        "sku": "P00000",
        "name": "商品0",
        "unit": "个",
        "unit_price_fen": 100,
        "product_version": 1,
        "qty": 2,
        "line_total_fen": 200,
    }
    other_center = order_event(center="C999")
    unknown_sku = order_event(lines=[{**line, "sku": "NOPE"}])
    never_price = order_event(lines=[{**line, "unit_price_fen": 90, "line_total_fen": 180}])
    wrong_version = order_event(lines=[{**line, "product_version": 7}])
    bad_line = order_event(lines=[{**line, "line_total_fen": 201}])
    bad_total = order_event(total=500)
    bad_payload = {**order_event(), "payload": {"order_id": "nope"}}
    ok = order_event()
    reused_order = order_event(order_id=ok["subject_id"])
    results = push(
        client,
        auth,
        other_center,
        unknown_sku,
        never_price,
        wrong_version,
        bad_line,
        bad_total,
        bad_payload,
        ok,
        reused_order,
    )
    assert [(r["status"], r["reason"]) for r in results] == [
        ("rejected", "wrong_center"),
        ("rejected", "unknown_sku"),
        ("rejected", "price_unknown"),
        ("rejected", "price_unknown"),
        ("rejected", "bad_totals"),
        ("rejected", "bad_totals"),
        ("rejected", "invalid_payload"),
        ("accepted", None),
        ("rejected", "order_exists"),
    ]
    assert all(r["message"] for r in results if r["status"] == "rejected")
    assert row_counts(service)["orders"] == 1
    # A resent rejected event gets the same rejection, never a "duplicate" success.
    [again] = push(client, auth, unknown_sku)
    assert (again["status"], again["reason"]) == ("rejected", "unknown_sku")


def test_price_rule_honours_a_published_older_price(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)  # P00000 at 100 fen, version 1
    service.set_price("P00000", 150)  # version 2
    [old_price] = push(client, auth, order_event())  # priced at version 1, 100 fen
    assert old_price["status"] == "accepted" and old_price["result"]["price_changed"] is True
    assert service.list_orders()[0].lines[0].price_changed is True
    line = {
        "sku": "P00000",
        "name": "商品0",
        "unit": "个",
        "unit_price_fen": 150,
        "product_version": 2,
        "qty": 1,
        "line_total_fen": 150,
    }
    [current] = push(client, auth, order_event(lines=[line]))
    assert current["status"] == "accepted" and current["result"]["price_changed"] is False
    # 150 fen was never the price at version 1.
    [mixed] = push(client, auth, order_event(lines=[{**line, "product_version": 1}]))
    assert (mixed["status"], mixed["reason"]) == ("rejected", "price_unknown")


def test_status_events_follow_the_state_machine(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    a, b = order_event(), order_event()
    push(client, auth, a, b)
    oid_a, oid_b = a["subject_id"], b["subject_id"]
    results = push(
        client,
        auth,
        status_event("pickup_confirmed", oid_a),  # submitted → picked_up: not allowed
        status_event("order_cancelled", oid_a, reason="村民不要了"),
        status_event("order_cancelled", oid_a),  # already cancelled: nothing to change
        status_event("arrival_checked_in", str(uuid.uuid4())),
        status_event("cash_entry", str(uuid.uuid4()), amount_fen=500),
        status_event("day_closed", "2025-06-01"),
    )
    assert [(r["status"], r["reason"]) for r in results] == [
        ("rejected", "overruled"),  # central's status stands; the kiosk rolls back to it
        ("accepted", None),
        ("accepted", None),
        ("rejected", "unknown_order"),
        ("accepted", None),
        ("accepted", None),
    ]
    assert results[0]["result"]["status"] == "submitted"
    assert results[1]["result"] == {"status": "cancelled", "server_no": "S00000001"}
    for to in ("accepted", "shipped"):
        service.advance_order(oid_b, to)
    results = push(
        client,
        auth,
        status_event("arrival_checked_in", oid_b),
        status_event("pickup_confirmed", oid_b),
        status_event("order_returned", oid_b),
    )
    assert [r["status"] for r in results] == ["accepted"] * 3
    # Every accepted status change is an order update for the kiosk.
    updates = client.get("/v1/orders/updates", headers=auth).json()["items"]
    assert [(u["order_id"], u["status"]) for u in updates] == [
        (oid_a, "submitted"),
        (oid_b, "submitted"),
        (oid_a, "cancelled"),
        (oid_b, "accepted"),
        (oid_b, "shipped"),
        (oid_b, "arrived"),
        (oid_b, "picked_up"),
        (oid_b, "returned"),
    ]
    assert updates[2]["reason"] == "村民不要了"
    assert [u["seq"] for u in updates] == sorted(u["seq"] for u in updates)


def test_order_updates_are_per_center_and_paged(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    other = enroll(client, service, "C002")
    mine = [order_event() for _ in range(5)]
    push(client, auth, *mine)
    theirs = order_event(center="C002")
    push(client, other, theirs)
    seen, cursor = [], ""
    while True:
        page = client.get(
            "/v1/orders/updates", params={"cursor": cursor, "limit": 2}, headers=auth
        ).json()
        seen += [u["order_id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert seen == [e["subject_id"] for e in mine]
    theirs_seen = client.get("/v1/orders/updates", headers=other).json()["items"]
    assert [u["order_id"] for u in theirs_seen] == [theirs["subject_id"]]
    # A kiosk of another center can neither see nor move this center's orders.
    [r] = push(client, other, status_event("order_cancelled", mine[0]["subject_id"]))
    assert r["reason"] == "unknown_order"


def test_gzip_bodies_are_accepted(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    body = gzip.compress(dumps({"events": [order_event()]}))
    r = client.post(
        "/v1/events",
        content=body,
        headers={**auth, "Content-Encoding": "gzip", "Content-Type": "application/json"},
    )
    assert r.status_code == 200 and r.json()["results"][0]["status"] == "accepted"


def test_gzip_bomb_is_cut_off_at_the_cap_and_nothing_is_stored(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    event = order_event()
    # Valid JSON whose padding inflates far past the 8 MiB cap from a few KB of gzip.
    doc = dumps({"events": [event]})[:-1] + b" " * (64 * 1024 * 1024) + b"}"
    bomb = gzip.compress(doc, compresslevel=9)
    assert len(bomb) < 128 * 1024
    r = client.post("/v1/events", content=bomb, headers={**auth, "Content-Encoding": "gzip"})
    assert r.status_code == 413 and r.json()["error"] == "too_large"
    assert row_counts(service) == {"events": 0, "orders": 0, "order_lines": 0, "order_updates": 0}


def test_oversized_and_broken_bodies_are_refused(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    huge = b"x" * (8 * 1024 * 1024 + 1)
    r = client.post("/v1/events", content=huge, headers=auth)
    assert r.status_code == 413 and r.json()["error"] == "too_large"
    r = client.post(
        "/v1/events", content=b"\x1f\x8bnot gzip", headers={**auth, "Content-Encoding": "gzip"}
    )
    assert r.status_code == 400 and r.json()["error"] == "bad_encoding"
    cut = gzip.compress(dumps({"events": [order_event()]}))[:-10]
    r = client.post("/v1/events", content=cut, headers={**auth, "Content-Encoding": "gzip"})
    assert r.status_code == 400
    r = client.post("/v1/events", content=b"{}", headers={**auth, "Content-Encoding": "br"})
    assert r.status_code == 400 and r.json()["error"] == "bad_encoding"
    r = client.post("/v1/events", content=b"[1,", headers=auth)
    assert r.status_code == 422 and r.json()["error"] == "invalid_payload"
    r = client.post("/v1/events", json={"events": []}, headers=auth)
    assert r.status_code == 422
    assert row_counts(service)["events"] == 0


# --- heartbeat, errors ----------------------------------------------------------------------------


def _heartbeat(kiosk_time: str) -> dict:
    return {
        "app_version": "0.1.0",
        "schema_revision": "0003",
        "queue_depth": 4,
        "quarantined": 1,
        "oldest_unsent_age_s": 3600.0,
        "last_error": "offline",
        "disk_free_bytes": 10**9,
        "kiosk_time": kiosk_time,
        "catalog_cursor": "42",
    }


def test_heartbeat_measures_clock_offset_and_shows_in_fleet(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    # Server clock is 2025-06-01T08:00:00Z; the kiosk is 10 minutes fast, in Beijing time.
    r = client.post("/v1/heartbeat", json=_heartbeat("2025-06-01T16:10:00+08:00"), headers=auth)
    assert r.status_code == 200, r.text
    assert r.json() == {"server_time": "2025-06-01T08:00:00Z", "clock_offset_s": 600.0}
    [center] = service.fleet()
    assert center["center_id"] == "C001" and center["queue_depth"] == 4
    assert center["clock_offset_s"] == 600.0 and center["last_seen"] == "2025-06-01T08:00:00Z"
    assert center["last_error"] == "offline" and center["disk_free_bytes"] == 10**9
    r = client.post("/v1/heartbeat", json=_heartbeat("yesterday"), headers=auth)
    assert r.status_code == 400 and r.json()["error"] == "invalid_payload"
    r = client.post(
        "/v1/heartbeat", json={**_heartbeat("2025-06-01T08:00:00Z"), "x": 1}, headers=auth
    )
    assert r.status_code == 422 and r.json()["error"] == "invalid_payload"


def test_internal_errors_do_not_leak_details(
    client: TestClient, service: CentralService, auth: dict[str, str], monkeypatch
) -> None:
    def boom(*_a: object) -> None:
        raise RuntimeError("secret internals at /srv/central.py line 12")

    monkeypatch.setattr(service, "order_updates", boom)
    r = client.get("/v1/orders/updates", headers=auth)
    assert r.status_code == 500
    error_id = r.headers["x-error-id"]
    assert len(error_id) == 12
    assert r.json() == {
        "error": "server_error",
        "message": f"the central service hit an internal error (error id {error_id})",
    }


def test_openapi_documents_every_endpoint(client: TestClient) -> None:
    doc = client.get("/openapi.json").json()
    assert set(doc["paths"]) == {
        "/v1/health",
        "/v1/enroll",
        "/v1/catalog/changes",
        "/v1/media/{sha256}",
        "/v1/events",
        "/v1/orders/updates",
        "/v1/orders/recovery",
        "/v1/heartbeat",
        "/livez",
        "/readyz",
        "/v1/sync",
        "/v1/catalog/snapshots/latest",
        "/v1/catalog/snapshots/{sha256}",
    }
    schemas = doc["components"]["schemas"]
    for name in (
        "SnapshotInfo",
        "SyncRequest",
        "SyncResponse",
        "CatalogPage",
        "EventBatch",
        "Event",
        "EventBatchResult",
        "ErrorBody",
        "HeartbeatAck",
        "RecoveryPage",
    ):
        assert name in schemas
    ok = doc["paths"]["/v1/catalog/changes"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/CatalogPage")

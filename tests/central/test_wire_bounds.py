"""Hostile values at the wire schema (kiosk/wire.py) and the central limits: control characters,
lone surrogates, non-ASCII digits, integers past int4/int8, impossible dates, NaN, huge batches,
floods from one device, shop-only moves and another center's order (docs/security.md)."""

from __future__ import annotations

import io
import json
import math
import uuid
from contextlib import redirect_stdout
from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient

from central.app import LINES_PER_COMMIT, create_app
from central.cli import main as central_main
from central.edge import DeviceRateLimit
from central.errors import BadRequest
from central.models import HeartbeatRecord
from central.service import CentralService
from kiosk.wire import MAX_LINES_PER_BATCH, ProductWire
from tests.central.conftest import (
    add_products,
    enroll,
    order_event,
    push,
    row_counts,
    status_event,
)


def _heartbeat(**changes: Any) -> dict[str, Any]:
    body = {
        "app_version": "0.1.0",
        "schema_revision": "0003",
        "queue_depth": 4,
        "quarantined": 1,
        "oldest_unsent_age_s": 3600.0,
        "last_error": "offline",
        "disk_free_bytes": 10**9,
        "kiosk_time": "2025-06-01T16:10:00+08:00",
        "catalog_cursor": "42",
    }
    return {**body, **changes}


# --- text: control characters and lone surrogates ----------------------------------------------


@pytest.mark.parametrize("bad", ["\x00", "\x07", "\x1b[31m", "\u0085", "a\nb", "\ud800"])
def test_enroll_refuses_control_characters_and_surrogates(
    client: TestClient, service: CentralService, bad: str
) -> None:
    code = service.create_enroll_code("C001").code
    body = json.dumps({"code": code, "device_name": f"kiosk{bad}"})  # ASCII-escaped JSON
    r = client.post("/v1/enroll", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "bad_text" and "device_name" in r.json()["message"]


@pytest.mark.parametrize("field", ["customer_name", "customer_phone", "local_no"])
def test_nul_in_an_order_refuses_the_batch_and_stores_nothing(
    client: TestClient, service: CentralService, auth: dict[str, str], field: str
) -> None:
    add_products(service, 1)
    event = order_event()
    event["payload"][field] = "王\x00大妈"
    before = row_counts(service)
    r = client.post("/v1/events", headers=auth, json={"events": [event]})
    assert r.status_code == 422 and r.json()["error"] == "bad_text", r.text
    assert row_counts(service) == before


def test_lone_surrogate_in_a_push_is_a_422(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    event = order_event()
    body = json.dumps({"events": [event]}).replace("\\u738b", "\\ud800")  # 王 → lone surrogate
    r = client.post("/v1/events", headers=auth, content=body)
    assert r.status_code == 422 and r.json()["error"] in ("bad_text", "invalid_payload")
    assert row_counts(service)["events"] == 0


def test_control_characters_in_free_form_payload_keys_and_heartbeat(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    demand = {
        "id": str(uuid.uuid4()),
        "kind": "demand_counts",
        "subject_id": "2025-06-01",
        "created_at": "2025-06-01T09:00:00+08:00",
        "payload": {"counts": {"P\x00": 1}},
    }
    r = client.post("/v1/events", headers=auth, json={"events": [demand]})
    assert r.status_code == 422 and r.json()["error"] == "bad_text"
    r = client.post("/v1/heartbeat", headers=auth, json=_heartbeat(app_version="0.1\x1b[2J"))
    assert r.status_code == 422 and r.json()["error"] == "bad_text"
    # A multi-line field keeps its newlines; a tab or NUL is still refused there.
    r = client.post("/v1/heartbeat", headers=auth, json=_heartbeat(last_error="a\nb"))
    assert r.status_code == 200, r.text
    r = client.post("/v1/heartbeat", headers=auth, json=_heartbeat(last_error="a\x00b"))
    assert r.status_code == 422


def test_description_may_hold_newlines_but_a_name_may_not() -> None:
    assert ProductWire(sku="P1", version=1, description="一行\n两行").description == "一行\n两行"
    with pytest.raises(ValueError, match="control character"):
        ProductWire(sku="P1", version=1, name="一行\n两行")


# --- numbers, digits, dates, NaN ----------------------------------------------------------------


@pytest.mark.parametrize("cursor", ["²", "١٢", "１２", "12a", "9" * 19])
def test_cursor_is_ascii_digits(client: TestClient, auth: dict[str, str], cursor: str) -> None:
    for path in ("/v1/orders/updates", "/v1/catalog/changes"):
        r = client.get(path, params={"cursor": cursor}, headers=auth)
        assert r.status_code in (400, 422) and r.json()["error"] in (
            "bad_cursor",
            "invalid_payload",
        )


@pytest.mark.parametrize(
    "changes",
    [
        {"queue_depth": 2**31},
        {"quarantined": -1},
        {"disk_free_bytes": 2**63},
        {"oldest_unsent_age_s": 1e300},
        {"catalog_cursor": "²"},
        {"app_version": "v" * 33},
    ],
)
def test_heartbeat_numbers_are_bounded(
    client: TestClient, auth: dict[str, str], changes: dict[str, Any]
) -> None:
    r = client.post("/v1/heartbeat", headers=auth, json=_heartbeat(**changes))
    assert r.status_code == 422, r.text


def test_nan_and_infinity_are_not_json(client: TestClient, auth: dict[str, str]) -> None:
    for literal in ("NaN", "Infinity", "-Infinity"):
        body = json.dumps(_heartbeat(oldest_unsent_age_s=1.5)).replace("1.5", literal)
        r = client.post(
            "/v1/heartbeat", headers={**auth, "Content-Type": "application/json"}, content=body
        )
        assert r.status_code == 422, (literal, r.text)


def test_day_close_and_order_bounds(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    line = {
        "sku": "P00000",
        "name": "商品0",
        "unit": "个",
        "unit_price_fen": 100,
        "product_version": 2**63,
        "qty": 1,
        "line_total_fen": 100,
    }
    results = push(
        client,
        auth,
        status_event("day_closed", "2020-99-99"),
        status_event("day_closed", "2025-02-30"),
        status_event("day_closed", "2025-06-01", entries=2**40),
        status_event("cash_entry", str(uuid.uuid4()), at="x" * 65),
        order_event(lines=[line]),
        order_event(lines=[{**line, "product_version": 1, "sku": "S" * 500}]),
    )
    assert [(r["status"], r["reason"]) for r in results] == [("rejected", "invalid_payload")] * 6
    assert all(len(r["message"]) <= 300 for r in results)
    assert row_counts(service)["orders"] == 0


def test_fleet_json_is_strict_even_for_an_old_infinite_row(
    service: CentralService, client: TestClient, db_url: str
) -> None:
    enroll(client, service, "C001")
    with service.db.write() as s:
        device_id = s.execute(HeartbeatRecord.__table__.select()).first()  # no heartbeat yet
        assert device_id is None
        from central.models import Device

        dev = s.query(Device).one()
        s.add(
            HeartbeatRecord(
                device_id=dev.id,
                center_id=dev.center_id,
                received_at=datetime(2025, 6, 1, tzinfo=UTC),
                app_version="0.1",
                schema_revision=None,
                queue_depth=0,
                quarantined=0,
                oldest_unsent_age_s=math.inf,
                last_error=None,
                disk_free_bytes=1,
                kiosk_time="x",
                clock_offset_s=-math.inf,
            )
        )
    out = io.StringIO()
    with redirect_stdout(out):
        assert central_main(["fleet", "--db", db_url, "--json"]) == 0
    text = out.getvalue()
    assert "Infinity" not in text and "NaN" not in text
    assert json.loads(text)[0]["clock_offset_s"] is None


# --- batches, floods ---------------------------------------------------------------------------


def _big_order(lines: int) -> dict[str, Any]:
    ls = [
        {
            "sku": "P00000",
            "name": "商品0",
            "unit": "个",
            "unit_price_fen": 100,
            "product_version": 1,
            "qty": 1,
            "line_total_fen": 100,
        }
    ] * lines
    return order_event(lines=ls)


def test_a_batch_over_the_line_limit_is_413(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    count = MAX_LINES_PER_BATCH // 100 + 1
    r = client.post(
        "/v1/events", headers=auth, json={"events": [_big_order(100) for _ in range(count)]}
    )
    assert r.status_code == 413 and r.json()["error"] == "too_many_lines"
    assert row_counts(service)["events"] == 0


def test_a_big_batch_commits_in_steps(
    client: TestClient, service: CentralService, auth: dict[str, str], monkeypatch
) -> None:
    add_products(service, 1)
    calls: list[int] = []
    real = service.push_events

    def counting(auth_: Any, batch: Any) -> Any:
        calls.append(len(batch.events))
        return real(auth_, batch)

    monkeypatch.setattr(service, "push_events", counting)
    events = [_big_order(100) for _ in range(10)]
    results = push(client, auth, *events)
    assert [r["status"] for r in results] == ["accepted"] * 10
    assert len(calls) >= 1000 // LINES_PER_COMMIT and sum(calls) == 10


def test_a_repeated_id_inside_one_batch_gets_one_result(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    event = order_event()
    results = push(client, auth, event, event)
    assert [(r["id"], r["status"]) for r in results] == [(event["id"], "accepted")]


def test_a_flooding_device_gets_429_with_retry_after(service: CentralService) -> None:
    limiter = DeviceRateLimit(burst=3, per_second=0.01)
    with TestClient(create_app(service, rate_limit=limiter), raise_server_exceptions=False) as c:
        auth = enroll(c, service, "C001")
        other = enroll(c, service, "C002")
        codes = [
            c.post("/v1/heartbeat", headers=auth, json=_heartbeat()).status_code for _ in range(5)
        ]
        assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
        r = c.post("/v1/heartbeat", headers=auth, json=_heartbeat())
        assert r.json()["error"] == "rate_limited" and int(r.headers["Retry-After"]) >= 1
        # Another device has its own share.
        assert c.post("/v1/heartbeat", headers=other, json=_heartbeat()).status_code == 200


# --- moves only the shop makes; another center's order ---------------------------------------


def test_central_refuses_shop_only_moves(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    event = order_event()
    push(client, auth, event)
    oid = event["subject_id"]
    for step in ("accepted", "shipped", "arrived"):
        service.advance_order(oid, step)
    for target in ("picked_up", "returned"):
        with pytest.raises(BadRequest) as err:
            service.advance_order(oid, target)
        assert err.value.code == "shop_only"
    assert service.list_orders()[0].status == "arrived"


def test_a_cash_entry_naming_another_centers_order_is_refused(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    add_products(service, 1)
    theirs = order_event(center="C002")
    push(client, enroll(client, service, "C002"), theirs)
    entry = status_event("cash_entry", str(uuid.uuid4()), order_id=theirs["subject_id"])
    [result] = push(client, auth, entry)
    assert (result["status"], result["reason"]) == ("rejected", "wrong_center")


def test_an_unknown_query_parameter_is_refused(client: TestClient, auth: dict[str, str]) -> None:
    for path in ("/v1/orders/updates?cursor=0&x=1", "/v1/catalog/changes?=false"):
        r = client.get(path, headers=auth)
        assert r.status_code == 422 and r.json()["error"] == "invalid_payload", r.text
    assert client.get("/v1/orders/updates?cursor=0&limit=5", headers=auth).status_code == 200


def test_catalog_page_never_sends_text_the_wire_refuses(
    client: TestClient, service: CentralService, auth: dict[str, str]
) -> None:
    """A product stored with control characters (imported from a Windows file, or before the
    wire refused them) is sent cleaned, so the kiosk's strict parse does not stop its sync."""
    with service.db.write() as s:
        service.add_product(
            s,
            "P1",
            name="米\x07",
            category="日用",
            price_fen=1,
            unit="袋",
            description="a\r\nb\x1b",
        )
    r = client.get("/v1/catalog/changes", headers=auth)
    assert r.status_code == 200
    from kiosk.wire import CatalogPage

    page = CatalogPage.model_validate_json(r.content)
    assert (page.items[0].name, page.items[0].description) == ("米?", "a\nb?")

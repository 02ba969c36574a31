"""Central's log holds no customer data, token, code or traceback, and a 500 is one line with an
error id that the reply carries too; the enrollment brake believes X-Forwarded-For only from a
configured proxy (docs/security.md)."""

from __future__ import annotations

import logging
import sys
import uuid
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.exc import IntegrityError

from central.logs import RedactingFilter, redact
from central.service import CentralService
from tests.central.conftest import order_event
from tests.helpers.central_server import start_central_server

PHONE = "13800138000"
NAME = "王大妈"


def _catalog(tmp_path: Path) -> Path:
    f = tmp_path / "cat.jsonl"
    f.write_text(
        '{"sku":"P00000","name":"商品0","category":"日用","price_fen":100,"unit":"个"}\n',
        encoding="utf-8",
    )
    return f


def test_a_scenario_leaves_no_customer_data_nor_traceback_in_the_log(tmp_path: Path) -> None:
    server = start_central_server(tmp_path, log_level="debug")
    try:
        server.import_catalog(_catalog(tmp_path))
        code = server.enroll_code("C001", "王家村")
        with httpx.Client(base_url=server.url, timeout=30) as http:
            for _ in range(3):
                http.post("/v1/enroll", json={"code": "WRONG-CODE", "device_name": PHONE})
            r = http.post("/v1/enroll", json={"code": code, "device_name": "kiosk"})
            token = r.json()["token"]
            auth = {"Authorization": f"Bearer {token}"}
            ok = order_event()
            bad_text = order_event()
            bad_text["payload"]["customer_name"] = NAME + "\x00"
            wrong = order_event(center="C002")
            for event in (ok, ok, wrong):
                assert http.post("/v1/events", headers=auth, json={"events": [event]}).is_success
            assert (
                http.post("/v1/events", headers=auth, json={"events": [bad_text]}).status_code
                == 422
            )
            # Hostile paths and queries: a phone in the path, a newline to forge a log line.
            http.get(f"/v1/orders/updates?cursor={PHONE}", headers=auth)
            http.get(f"/v1/{PHONE}%0AINFO:%20forged", headers=auth)
            http.get("/v1/orders/updates", headers={"Authorization": f"Bearer {token}x"})
            http.post("/v1/heartbeat", headers=auth, content=b"{" * 100)
    finally:
        server.stop()
    log = server.log_path.read_text(errors="replace")
    assert "GET /v1/orders/updates" in log  # the access log was on (debug level)
    for secret in (PHONE, NAME, token, code, "Traceback", "\nINFO: forged"):
        assert secret not in log, f"{secret!r} is in the log:\n{log}"


def test_a_handled_500_is_one_line_with_the_error_id(
    client: TestClient, service: CentralService, auth: dict[str, str], monkeypatch, caplog
) -> None:
    def boom(*_a: object) -> None:
        raise IntegrityError(
            "INSERT INTO orders (customer_phone) VALUES (?)", (PHONE, NAME), Exception("x")
        )

    monkeypatch.setattr(service, "order_updates", boom)
    with caplog.at_level(logging.INFO):
        r = client.get("/v1/orders/updates", headers=auth)
    assert r.status_code == 500
    error_id = r.headers["x-error-id"]
    assert error_id in r.json()["message"]
    lines = [rec for rec in caplog.records if error_id in rec.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None
    assert PHONE not in caplog.text and "Traceback" not in caplog.text


def test_the_filter_masks_and_drops_tracebacks() -> None:
    try:
        raise ValueError(f"customer_phone={PHONE}")
    except ValueError:
        record = logging.LogRecord(
            "sqlalchemy",
            logging.ERROR,
            __file__,
            1,
            "failed: %s",
            (f"[parameters: ('{PHONE}',)]",),
            exc_info=sys.exc_info(),
        )
    assert RedactingFilter().filter(record)
    assert record.exc_info is None and PHONE not in record.getMessage()
    assert "ValueError" in record.getMessage()
    assert PHONE not in redact(f"phone {PHONE} and 138 0013 8000")
    assert "Bearer [token]" in redact("Authorization: Bearer abc.def-ghi")
    assert "\n" not in redact("a\nb") and redact("version 2025-06-01") == "version 2025-06-01"


@pytest.mark.parametrize("trusted", [False, True])
def test_x_forwarded_for_is_believed_only_from_configured_proxies(
    tmp_path: Path, trusted: bool
) -> None:
    extra = ("--trusted-proxies", "127.0.0.1") if trusted else ()
    server = start_central_server(tmp_path, extra_args=extra)
    try:
        with httpx.Client(base_url=server.url, timeout=30) as http:
            statuses = []
            for i in range(12):
                forwarded = {"X-Forwarded-For": f"203.0.113.{i}"}
                r = http.post("/v1/enroll", json={"code": uuid.uuid4().hex[:8]}, headers=forwarded)
                statuses.append(r.status_code)
    finally:
        server.stop()
    if trusted:
        # Each forwarded address is a different client: none is braked.
        assert 429 not in statuses, statuses
    else:
        # The header is ignored: all twelve come from 127.0.0.1, braked after ten refusals.
        assert statuses[:10] == [403] * 10 and statuses[10:] == [429, 429], statuses

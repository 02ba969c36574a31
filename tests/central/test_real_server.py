"""The central service as a real uvicorn process on 127.0.0.1 (via tests/helpers/central_server):
enroll → push an order → list → advance → order updates, over real HTTP with gzip."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import httpx
import pytest

from tests.central.conftest import order_event, status_event
from tests.helpers.central_server import CentralServer, central_server, start_central_server

__all__ = ["central_server"]  # the fixture, imported for pytest


def _catalog(tmp_path: Path) -> Path:
    f = tmp_path / "cat.jsonl"
    f.write_text(
        '{"sku":"P00000","name":"商品0","category":"日用","price_fen":100,"unit":"个"}\n',
        encoding="utf-8",
    )
    return f


def _full_loop(server: CentralServer, tmp_path: Path) -> None:
    server.import_catalog(_catalog(tmp_path))
    code = server.enroll_code("C001", "王家村")
    with httpx.Client(base_url=server.url, timeout=10) as http:
        r = http.post("/v1/enroll", json={"code": code, "device_name": "kiosk-1"})
        assert r.status_code == 200, r.text
        auth = {"Authorization": f"Bearer {r.json()['token']}"}
        page = http.get("/v1/catalog/changes", headers=auth).json()
        assert [i["sku"] for i in page["items"]] == ["P00000"] and page["items"][0]["version"] == 1

        event = order_event()
        body = gzip.compress(json.dumps({"events": [event]}).encode())
        headers = {**auth, "Content-Encoding": "gzip", "Content-Type": "application/json"}
        first = http.post("/v1/events", content=body, headers=headers)
        assert first.status_code == 200, first.text
        assert first.json()["results"][0]["status"] == "accepted"
        # The reply was "lost": the kiosk sends the same event again.
        again = http.post("/v1/events", content=body, headers=headers).json()["results"][0]
        assert again["status"] == "duplicate"
        assert again["result"] == first.json()["results"][0]["result"]

        orders = server.cli_json("orders", "list")
        assert len(orders) == 1 and orders[0]["order_id"] == event["subject_id"]
        for to in ("accepted", "shipped"):
            server.cli_json("orders", "advance", event["subject_id"], "--to", to)
        [checked_in] = http.post(
            "/v1/events",
            json={"events": [status_event("arrival_checked_in", event["subject_id"])]},
            headers=auth,
        ).json()["results"]
        assert checked_in["status"] == "accepted"

        updates = http.get("/v1/orders/updates", params={"limit": 2}, headers=auth).json()
        assert [u["status"] for u in updates["items"]] == ["submitted", "accepted"]
        assert updates["has_more"] is True
        rest = http.get(
            "/v1/orders/updates", params={"cursor": updates["next_cursor"]}, headers=auth
        ).json()
        assert [u["status"] for u in rest["items"]] == ["shipped", "arrived"]
        assert rest["items"][0]["server_no"] == "S00000001"

        hb = http.post(
            "/v1/heartbeat",
            headers=auth,
            json={
                "app_version": "0.1.0",
                "schema_revision": "0001",
                "queue_depth": 0,
                "oldest_unsent_age_s": None,
                "last_error": None,
                "disk_free_bytes": 1,
                "kiosk_time": "2000-01-01T00:00:00+08:00",
            },
        )
        assert hb.status_code == 200 and hb.json()["clock_offset_s"] < -365 * 24 * 3600
    [center] = server.cli_json("fleet")
    assert center["center_name"] == "王家村" and center["clock_offset_s"] < 0
    assert server.cli_json("orders", "list")[0]["status"] == "arrived"


def test_enroll_push_list_advance_updates_over_real_http(
    central_server: CentralServer, tmp_path: Path
) -> None:
    _full_loop(central_server, tmp_path)
    # Survives a restart on the same database and port; the dedup is in the database.
    central_server.stop()
    assert not central_server.running
    central_server.start()
    assert httpx.get(f"{central_server.url}/v1/health").json()["status"] == "ok"
    assert len(central_server.cli_json("orders", "list")) == 1
    # Nothing secret in the server's log.
    log = central_server.log_path.read_text(errors="replace")
    assert "13800138000" not in log and "Bearer" not in log


def test_catalog_pages_are_gzipped_on_the_wire(
    central_server: CentralServer, tmp_path: Path
) -> None:
    lines = [
        json.dumps(
            {
                "sku": f"S{i:05d}",
                "name": f"商品{i}",
                "category": "日用",
                "price_fen": i,
                "unit": "个",
            }
        )
        for i in range(3000)
    ]
    f = tmp_path / "big.jsonl"
    f.write_text("\n".join(lines), encoding="utf-8")
    assert central_server.import_catalog(f)["added"] == 3000
    code = central_server.enroll_code("C002")
    token = httpx.post(f"{central_server.url}/v1/enroll", json={"code": code}).json()["token"]
    raw = []
    with (
        # A kiosk from before zstd (httpx alone names zstd too once zstandard is installed).
        httpx.Client(
            base_url=central_server.url,
            headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "gzip"},
        ) as http,
        http.stream("GET", "/v1/catalog/changes", params={"limit": 5000}) as r,
    ):
        assert r.headers["content-encoding"] == "gzip"
        raw.append(b"".join(r.iter_raw()))
    page = json.loads(gzip.decompress(raw[0]))
    assert len(page["items"]) == 3000 and page["has_more"] is False
    assert len(raw[0]) * 4 < len(gzip.decompress(raw[0]))


@pytest.mark.pg
def test_real_server_on_postgresql(pg_database_url: str, tmp_path: Path) -> None:
    from tests.central.conftest import _reset_pg

    _reset_pg(pg_database_url)
    server = start_central_server(tmp_path / "pg", db_url=pg_database_url)
    try:
        _full_loop(server, tmp_path)
    finally:
        server.stop()


def test_helper_reports_a_server_that_cannot_start(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="unsupported database"):
        start_central_server(tmp_path / "bad", db_url="mysql://nobody@127.0.0.1/x")

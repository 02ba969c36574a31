"""Stateless workers: the real ``kiosk-central serve --workers 2`` on PostgreSQL (and SQLite).

* The enrollment brake holds across the workers: refused codes sent half through one worker and
  half through the other still trip it, and then a right code is refused by both (with the old
  in-memory brake each worker saw half and let the right code in).
* ``/livez`` and ``/readyz`` answer; SIGTERM drains: ``/readyz`` turns 503 ``draining`` while the
  worker still serves, a request in flight when the listening socket closes is finished, and the
  server exits 0.
* ``--workers`` refuses what cannot be shared (an in-memory SQLite database, more connections
  than PostgreSQL allows) with one line.

Requests are pinned to a worker by keeping one HTTP/1.1 connection per worker open: ``/livez``
says which process answered on it.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from central.app import create_app
from central.cli import main
from central.db import ENV_POOL_SIZE, CentralDb
from central.edge import DeviceRateLimit
from central.enrollment import ENROLL_MAX_REFUSALS
from central.migrate import head_revision
from central.service import CentralService
from tests.central.conftest import FakeClock, _reset_pg
from tests.helpers.central_server import CentralServer, start_central_server

WORKERS = 2
#: Worker processes import the app afresh: on a busy 2-core machine that takes a while.
START_S = 120.0
#: How many connections to open at most while looking for one per worker.
MAX_CONNECTIONS_TRIED = 200


def _call(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, dict[str, Any]]:
    data = json.dumps(body).encode() if body is not None else None
    conn.request(
        method, path, body=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    r = conn.getresponse()
    return r.status, json.loads(r.read())


def _one_connection_per_worker(server: CentralServer) -> dict[int, http.client.HTTPConnection]:
    """Open keep-alive connections until each worker holds one; ``{worker pid: connection}``."""
    found: dict[int, http.client.HTTPConnection] = {}
    spare: list[http.client.HTTPConnection] = []
    try:
        for _ in range(MAX_CONNECTIONS_TRIED):
            conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
            status, body = _call(conn, "GET", "/livez")
            assert status == 200 and body["status"] == "ok"
            if body["worker"] in found:
                spare.append(conn)  # kept open: the next accept may go to the other worker
            else:
                found[body["worker"]] = conn
            if len(found) == WORKERS:
                return found
    finally:
        for conn in spare:
            conn.close()
    for conn in found.values():
        conn.close()
    raise AssertionError(f"{MAX_CONNECTIONS_TRIED} connections all reached {sorted(found)}")


@pytest.fixture
def pg_url(pg_database_url: str) -> str:
    """The session's PostgreSQL database, emptied (created fresh with CREATE DATABASE)."""
    _reset_pg(pg_database_url)
    return pg_database_url


@pytest.fixture(params=["postgresql", "sqlite"])
def workers(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CentralServer]:
    """``serve --workers 2`` on PostgreSQL, or on a SQLite file (WAL locks across processes)."""
    if request.param == "postgresql":
        url: str = request.getfixturevalue("pg_url")
    else:
        url = f"sqlite:///{tmp_path / 'central.db'}"
    server = start_central_server(
        tmp_path / "central",
        db_url=url,
        extra_args=("--workers", str(WORKERS)),
        start_deadline_s=START_S,
    )
    try:
        yield server
    finally:
        server.stop()


def test_the_brake_holds_across_two_workers(workers: CentralServer) -> None:
    code = workers.enroll_code("C001")
    conns = _one_connection_per_worker(workers)
    try:
        (pid_a, a), (pid_b, b) = conns.items()
        assert pid_a != pid_b
        half = ENROLL_MAX_REFUSALS // 2
        for i in range(ENROLL_MAX_REFUSALS):
            conn = a if i < half else b  # half the guesses through each worker
            status, body = _call(conn, "POST", "/v1/enroll", {"code": f"WRONG{i:03d}"})
            assert (status, body["error"]) == (403, "enroll_refused"), body
        # Both workers still answer on their connections (no restart in between)…
        assert _call(a, "GET", "/livez")[1]["worker"] == pid_a
        assert _call(b, "GET", "/livez")[1]["worker"] == pid_b
        # …and both refuse the right code: the count is one, shared.
        for pid, conn in ((pid_a, a), (pid_b, b)):
            status, body = _call(conn, "POST", "/v1/enroll", {"code": code})
            got = (status, body.get("error"))
            assert got == (429, "enroll_throttled"), f"worker {pid} answered {got}"
    finally:
        for conn in conns.values():
            conn.close()
    devices = workers.cli_json("devices", "list")
    assert devices == []  # the right code was never looked at


def _wait_for_log(server: CentralServer, needle: str, deadline_s: float = 30.0) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if needle in server.log_path.read_text(errors="replace"):
            return
        time.sleep(0.05)  # polling a log with a deadline (no fixed sleep)
    raise AssertionError(f"no '{needle}' in the server log:\n{server.log_tail()}")


def test_probes_and_a_graceful_drain_on_sigterm(tmp_path: Path, pg_url: str) -> None:
    server = start_central_server(
        tmp_path / "central",
        db_url=pg_url,
        log_level="info",
        extra_args=("--workers", str(WORKERS), "--drain-seconds", "3"),
        start_deadline_s=START_S,
    )
    try:
        code = server.enroll_code("C001")
        probe = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        assert _call(probe, "GET", "/livez")[0] == 200
        status, body = _call(probe, "GET", "/readyz")
        assert status == 200 and body["status"] == "ok", body
        status, body = _call(probe, "POST", "/v1/enroll", {"code": code, "device_name": "pc"})
        assert status == 200, body
        token = body["token"]
        probe.close()

        # A heartbeat in flight: headers and the start of the body sent, the rest held back.
        beat = json.dumps(
            {
                "app_version": "0.1.0",
                "schema_revision": "0003",
                "queue_depth": 0,
                "oldest_unsent_age_s": None,
                "last_error": None,
                "disk_free_bytes": 10**9,
                "kiosk_time": "2026-12-03T16:10:00+08:00",
            }
        ).encode()
        slow = socket.create_connection(("127.0.0.1", server.port), timeout=30)
        head = (
            "POST /v1/heartbeat HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(beat)}\r\n\r\n"
        ).encode()
        slow.sendall(head + beat[:10])

        server.terminate()
        # Draining: /readyz says 503 at once, while the workers still answer.
        deadline = time.monotonic() + 20
        seen: tuple[int, dict[str, Any]] = (0, {})
        while time.monotonic() < deadline:
            probe = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
            try:
                seen = _call(probe, "GET", "/readyz")
            finally:
                probe.close()
            if seen[0] == 503:
                break
        assert seen[0] == 503 and seen[1]["status"] == "draining", seen

        # The drain is over and the workers stopped accepting; ours waits for its request…
        _wait_for_log(server, "Waiting for connections to close")
        slow.sendall(beat[10:])
        reply = slow.makefile("rb").read().decode("latin-1")
        slow.close()
        assert reply.startswith("HTTP/1.1 200"), reply[:200]
        # …then the server exits 0.
        assert server.wait(timeout=60) == 0
    finally:
        server.stop()
    fleet = {c["center_id"]: c for c in server.cli_json("fleet")}
    assert fleet["C001"]["last_seen"] is not None  # the heartbeat in flight was stored
    log = server.log_path.read_text(errors="replace")
    assert "Traceback" not in log


def _serve(*args: str) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["serve", *args])
    return code, err.getvalue()


def test_workers_need_a_database_processes_can_share() -> None:
    code, err = _serve("--workers", "2", "--db", "sqlite:///:memory:")
    assert code == 2 and "in-memory SQLite" in err and err.count("\n") == 1, err


def test_workers_must_fit_postgresql_max_connections(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_POOL_SIZE, "1000")
    code, err = _serve("--workers", "2", "--db", pg_url)
    assert code == 2 and "max_connections" in err and err.count("\n") == 1, err


# --- in process, on SQLite and PostgreSQL ---------------------------------------------------------


def test_readyz_is_503_until_the_schema_is_at_head(service: CentralService) -> None:
    with TestClient(create_app(service), raise_server_exceptions=False) as http:
        assert http.get("/livez").json()["status"] == "ok"
        assert http.get("/readyz").status_code == 200
        with service.db.write() as s:
            s.execute(text("UPDATE alembic_version SET version_num = '0006'"))
        try:
            r = http.get("/readyz")
        finally:
            with service.db.write() as s:
                s.execute(
                    text("UPDATE alembic_version SET version_num = :v"), {"v": head_revision()}
                )
        assert (r.status_code, r.json()["status"]) == (503, "not_ready")
        assert "0006" in r.json()["reason"]
        assert http.get("/readyz").status_code == 200


def test_two_workers_share_one_bucket_per_device(
    db: CentralDb, clock: FakeClock, db_url: str
) -> None:
    """Two processes' limiters on one database draw on one bucket (burst 3 in all, not 6)."""
    now = [1_000_000.0]
    other_db = CentralDb(db_url)  # the second worker's own pool
    try:
        first = DeviceRateLimit(burst=3, per_second=0.01, clock=lambda: now[0], db=db)
        second = DeviceRateLimit(burst=3, per_second=0.01, clock=lambda: now[0], db=other_db)
        first.take("dev-1")
        second.take("dev-1")
        first.take("dev-1")
        from central.errors import RateLimited

        with pytest.raises(RateLimited):
            second.take("dev-1")
        second.take("dev-2")  # another device has its own share
        now[0] += 100  # one token back after 100 s at 0.01 a second
        second.take("dev-1")
        assert first.tracked() == 2
        now[0] += 10_000  # long idle: the buckets are full again and may go
        assert first.sweep(now[0]) == 2 and second.tracked() == 0
    finally:
        other_db.close()


def test_a_worker_out_of_pooled_connections_answers_503_busy(
    service: CentralService, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every connection of the pool stayed busy for the pool's timeout: busy, not a 500."""
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    def exhausted(*_args: Any) -> None:
        raise PoolTimeout("QueuePool limit of size 8 overflow 8 reached")

    monkeypatch.setattr(service, "catalog_page", exhausted)
    with TestClient(create_app(service), raise_server_exceptions=False) as http:
        code = service.create_enroll_code("C001").code
        token = http.post("/v1/enroll", json={"code": code}).json()["token"]
        r = http.get("/v1/catalog/changes", headers={"Authorization": f"Bearer {token}"})
    assert (r.status_code, r.json()["error"]) == (503, "busy")
    assert r.headers["retry-after"] == "2"

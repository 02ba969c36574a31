"""A streamed (chunked) body is capped at the ASGI edge on every route, and the device token is
checked before a body is read (docs/security.md). Measured on a real uvicorn central process:
its peak resident memory (``VmHWM``) may grow by less than 50 MiB under 256 MiB chunked bodies."""

from __future__ import annotations

import select
import socket
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kiosk.wire import MAX_REQUEST_BYTES
from tests.helpers.central_server import CentralServer, central_server

__all__ = ["central_server"]  # the fixture, imported for pytest

MIB = 1024 * 1024
HOSTILE_BYTES = 256 * MIB
ROUTES = [
    ("POST", "/v1/enroll"),
    ("POST", "/v1/heartbeat"),
    ("POST", "/v1/events"),
    ("GET", "/v1/catalog/changes"),
    ("GET", "/v1/orders/updates"),
    ("POST", "/v1/health"),
    ("POST", "/nowhere"),
]


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def _send_chunked(
    port: int, method: str, path: str, total: int, token: str = ""
) -> tuple[int, int]:
    """Send ``total`` bytes as a chunked body (1 MiB chunks) until central answers or closes.

    Returns (bytes of body sent, HTTP status of the reply, 0 if none came).
    """
    chunk = b"[" * MIB
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    sent = 0
    reply = b""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        if token:
            head += f"Authorization: Bearer {token}\r\n"
        sock.sendall((head + "Transfer-Encoding: chunked\r\n\r\n").encode())
        try:
            while sent < total:
                readable, _, _ = select.select([sock], [], [], 0)
                if readable:
                    break  # central answered (or closed) before the body ended
                sock.sendall(frame)
                sent += len(chunk)
            else:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        try:
            sock.settimeout(120)
            while b"\r\n" not in reply:
                data = sock.recv(4096)
                if not data:
                    break
                reply += data
        except (ConnectionResetError, TimeoutError):
            pass
    status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1 ") else 0
    return sent, status


def test_chunked_bodies_do_not_grow_central_memory(central_server: CentralServer) -> None:
    proc = central_server._proc
    assert proc is not None
    before = _status_kib(proc.pid, "VmRSS")
    statuses = {}
    for method, path in ROUTES:
        sent, status = _send_chunked(central_server.port, method, path, HOSTILE_BYTES)
        statuses[path] = status
        assert status in (401, 404, 405, 413), (path, status)
        assert sent < HOSTILE_BYTES, f"{path}: central read all {sent} bytes before answering"
    grown_mib = (_status_kib(proc.pid, "VmHWM") - before) / 1024
    print(f"\ncentral peak RSS growth under 256 MiB chunked bodies: {grown_mib:.1f} MiB {statuses}")
    assert grown_mib < 50
    assert statuses["/v1/enroll"] == 413 and statuses["/v1/heartbeat"] == 401


def test_authenticated_body_over_the_cap_is_413(central_server: CentralServer) -> None:
    code = central_server.enroll_code("C001")
    import httpx

    token = httpx.post(f"{central_server.url}/v1/enroll", json={"code": code}).json()["token"]
    proc = central_server._proc
    assert proc is not None
    before = _status_kib(proc.pid, "VmRSS")
    for path in ("/v1/events", "/v1/heartbeat"):
        sent, status = _send_chunked(central_server.port, "POST", path, HOSTILE_BYTES, token)
        assert status == 413, (path, status)
        assert sent < HOSTILE_BYTES
    grown_mib = (_status_kib(proc.pid, "VmHWM") - before) / 1024
    print(f"\ncentral peak RSS growth, authenticated 256 MiB bodies: {grown_mib:.1f} MiB")
    assert grown_mib < 50


@pytest.mark.parametrize("path", ["/v1/heartbeat", "/v1/events"])
def test_token_checked_before_the_body(client: TestClient, path: str) -> None:
    """In-process: no token → 401 even for a body over the cap (the body is not looked at)."""
    body = b"x" * (MAX_REQUEST_BYTES + 10)

    def stream():  # type: ignore[no-untyped-def]
        yield body

    r = client.post(path, content=stream())
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"


def test_chunked_enroll_over_the_cap_is_413(client: TestClient) -> None:
    def stream():  # type: ignore[no-untyped-def]
        for _ in range(MAX_REQUEST_BYTES // MIB + 2):
            yield b" " * MIB

    r = client.post("/v1/enroll", content=stream(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["error"] == "too_large"

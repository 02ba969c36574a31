"""The fault proxy on its own, in front of a trivial local HTTP server (stdlib, a thread)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from tests.helpers.fault_proxy import (
    PASS,
    Always,
    Fault,
    FaultKind,
    FaultProxy,
    Link,
    RandomMix,
    Script,
)


class Origin(ThreadingHTTPServer):
    """Counts the requests it really received."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[str] = []
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Origin

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, body: bytes, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        with self.server.lock:
            self.server.received.append(self.path)
        if self.path.startswith("/big"):
            n = int(self.path.split("=")[1])
            self._send(bytes(i % 251 for i in range(n)))
        elif self.path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"hello ", b"chunked ", b"world"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self._send(b"ok")

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.server.lock:
            self.server.received.append(self.path)
        self._send(body[::-1])


@pytest.fixture
def origin() -> Iterator[Origin]:
    server = Origin()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def proxy(origin: Origin) -> Iterator[FaultProxy]:
    with FaultProxy("127.0.0.1", origin.server_address[1]) as p:
        yield p


def _client(proxy: FaultProxy, read: float = 5.0) -> httpx.Client:
    return httpx.Client(base_url=proxy.url, timeout=httpx.Timeout(5.0, read=read))


def test_pass_through_keeps_alive_and_counts_bytes(proxy: FaultProxy, origin: Origin) -> None:
    with _client(proxy) as c:
        big = c.get("/big?n=200000")
        echo = c.post("/echo", content=b"abc" * 1000)
        chunked = c.get("/chunked")
    assert big.content == bytes(i % 251 for i in range(200000))
    assert echo.content == (b"abc" * 1000)[::-1]
    assert chunked.content == b"hello chunked world"
    st = proxy.stats()
    assert st.connections == 1 and st.requests == 3  # one kept-alive connection, per-request
    assert st.bytes_down > 200000 + 3000 and st.bytes_up > 3000
    assert all(e.fault == FaultKind.PASS and e.complete for e in st.exchanges)
    assert sum(st.faults.values()) == 0
    assert origin.received == ["/big?n=200000", "/echo", "/chunked"]


def test_reset_forwards_nothing(proxy: FaultProxy, origin: Origin) -> None:
    proxy.set_plan(Always(Fault.reset()))
    with _client(proxy) as c, pytest.raises(httpx.TransportError):
        c.get("/x")
    assert origin.received == []
    assert proxy.stats().faults[FaultKind.RESET] == 1


def test_cut_delivers_exactly_n_bytes_then_closes(proxy: FaultProxy, origin: Origin) -> None:
    proxy.set_plan(Script([Fault.cut(5000)]))
    with _client(proxy) as c:
        with pytest.raises(httpx.RemoteProtocolError):
            c.get("/big?n=100000")
        assert c.get("/big?n=10").status_code == 200  # the script is used up: passes again
    first = proxy.stats().exchanges[0]
    assert (first.fault, first.bytes_down, first.complete) == (FaultKind.CUT, 5000, False)
    assert origin.received == ["/big?n=100000", "/big?n=10"]


def test_stall_outlasts_the_client_timeout(proxy: FaultProxy, origin: Origin) -> None:
    proxy.set_plan(Always(Fault.stall()))
    with _client(proxy, read=0.3) as c, pytest.raises(httpx.ReadTimeout):
        c.get("/x")
    assert origin.received == []
    # The client gave up and closed: the proxy lets the held connection go.
    assert proxy.wait_for(lambda s: s.held == 0, timeout=5)
    assert proxy.stats().faults[FaultKind.STALL] == 1


def test_canned_503_with_retry_after(proxy: FaultProxy, origin: Origin) -> None:
    proxy.set_plan(Always(Fault.unavailable(retry_after="7")))
    with _client(proxy) as c:
        r = c.post("/echo", content=b"payload")
    assert r.status_code == 503 and r.headers["retry-after"] == "7"
    assert r.json()["error"] == "busy"
    assert origin.received == []


def test_lost_reply_reaches_the_server_but_not_the_client(
    proxy: FaultProxy, origin: Origin
) -> None:
    proxy.set_plan(Script([Fault.lost_reply()]))
    with _client(proxy) as c:
        with pytest.raises(httpx.TransportError):
            c.post("/echo", content=b"commit me")
        assert c.post("/echo", content=b"again").content == b"niaga"
    assert origin.received == ["/echo", "/echo"]
    lost = proxy.stats().exchanges[0]
    assert (lost.fault, lost.status, lost.bytes_down) == (FaultKind.LOST_REPLY, 200, 0)


def test_lost_reply_can_be_held_until_released(proxy: FaultProxy, origin: Origin) -> None:
    proxy.set_plan(Always(Fault.lost_reply(hold=True), only="/echo"))
    errors: list[BaseException] = []

    def call() -> None:
        with _client(proxy, read=30) as c:
            try:
                c.post("/echo", content=b"x")
            except httpx.TransportError as exc:
                errors.append(exc)

    for n in (1, 2):  # a release does not stop later requests from being held
        t = threading.Thread(target=call)
        t.start()
        assert proxy.wait_for(lambda s: s.held == 1, timeout=10)
        assert origin.received == ["/echo"] * n  # committed while the client still waits
        proxy.release_held()
        t.join(10)
        assert len(errors) == n and proxy.stats().held == 0


def test_random_mix_is_seeded_and_limited_to_a_prefix() -> None:
    weights = {Fault.reset(): 0.2, Fault.unavailable(): 0.2}
    a = RandomMix(weights, seed=3, only="/v1/events")
    b = RandomMix(weights, seed=3, only="/v1/events")
    seq_a = [a.choose("POST", "/v1/events").kind for _ in range(500)]
    seq_b = [b.choose("POST", "/v1/events").kind for _ in range(500)]
    assert seq_a == seq_b
    share = seq_a.count(FaultKind.PASS) / 500
    assert 0.5 < share < 0.7  # 60 % pass
    assert {a.choose("GET", "/v1/health") for _ in range(50)} == {PASS}


def test_slow_link_costs_bandwidth_and_round_trips(proxy: FaultProxy) -> None:
    proxy.set_link(Link(bytes_per_s=200_000, rtt_s=0.2))
    with _client(proxy) as c:
        t0 = time.monotonic()
        assert c.get("/x").content == b"ok"
        small = time.monotonic() - t0
        t0 = time.monotonic()
        assert len(c.get("/big?n=100000").content) == 100000
        big = time.monotonic() - t0
    # First request: handshake + one round trip (0.4 s); 100 kB at 200 kB/s: 0.5 s + 0.2 s.
    assert 0.4 <= small < 2.0
    assert 0.7 <= big < 3.0

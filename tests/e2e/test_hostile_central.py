"""A hostile central service against the real kiosk sync engine (docs/sync-engine.md,
"Defences against a hostile central"): feeds that never end, response headers that trickle, a
``NaN`` clock offset, a device credential with CR/LF at enrollment, images whose bytes do not
match their hash and image names that try to leave the media folder.

Each case runs the real engine (or the real ``enroll``) against a small local HTTP server that
answers per path, and checks that the run ENDS, the error is clear (a typed code) and the store
is unchanged (or kept only what a valid page committed).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage.settings import CLOCK_OFFSET_S
from kiosk.storage.store import KioskStore
from kiosk.sync.client import CentralClient, RetryPolicy, Timeouts, make_http_client
from kiosk.sync.credentials import StaticCredentials
from kiosk.sync.engine import SyncEngine, SyncSummary
from kiosk.sync.errors import SyncCode
from tests.e2e.test_hostile import _dump
from tests.helpers.seed import seed_products

#: How long a test waits for a run that must end before calling it hung (a liveness bound,
#: not a speed assertion: the runs below end in a few seconds).
HANG_S = float(os.environ.get("KIOSK_TEST_HANG_S", "120"))

Reply = tuple[int, dict[str, str], bytes]
Route = Callable[[str, dict[str, list[str]], bytes], Reply | None]


class HostileCentral(ThreadingHTTPServer):
    """Answers per path with ``routes[path](method, query, body)``; ``slow_headers`` trickles."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.routes: dict[str, Route] = {}
        self.slow_headers = False
        self.stop = threading.Event()
        self.hits: dict[str, int] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def _json(data: object) -> Reply:
    return 200, {"Content-Type": "application/json"}, json.dumps(data).encode()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: HostileCentral

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self) -> None:
        body = b""
        if "Content-Length" in self.headers:
            body = self.rfile.read(int(self.headers["Content-Length"]))
        parts = urlsplit(self.path)
        path = parts.path.removeprefix("/v1")
        self.server.hits[path] = self.server.hits.get(path, 0) + 1
        if self.server.slow_headers:
            # A status line, then one header byte every 0.2 s: each read is well inside the
            # read timeout, so only a deadline on the whole attempt ends it.
            self.wfile.write(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            self.wfile.flush()
            while not self.server.stop.wait(0.2):
                try:
                    self.wfile.write(b"a")
                    self.wfile.flush()
                except OSError:
                    return
            return
        route = self.server.routes.get(path)
        reply = route(self.command, parse_qs(parts.query), body) if route else None
        status, headers, payload = reply or (
            404,
            {"Content-Type": "application/json"},
            b'{"error": "not_found", "message": "no"}',
        )
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = _answer
    do_POST = _answer


@contextmanager
def hostile() -> Iterator[HostileCentral]:
    server = HostileCentral()
    t = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    t.start()
    try:
        yield server
    finally:
        server.stop.set()
        server.shutdown()
        server.server_close()


def _empty_feeds(server: HostileCentral) -> None:
    """Harmless answers on every route, so each test makes one of them hostile."""
    server.routes["/events"] = lambda m, q, b: _json(
        {"results": [{"id": e["id"], "status": "duplicate"} for e in json.loads(b)["events"]]}
    )
    server.routes["/orders/updates"] = lambda m, q, b: _json(
        {"items": [], "next_cursor": q.get("cursor", [""])[0], "has_more": False}
    )
    server.routes["/catalog/changes"] = lambda m, q, b: _json(
        {"items": [], "categories": [], "next_cursor": q.get("cursor", [""])[0], "has_more": False}
    )
    server.routes["/heartbeat"] = lambda m, q, b: _json(
        {"server_time": "2026-01-01T00:00:00+00:00", "clock_offset_s": 0.0}
    )


def _endless(m: str, q: dict[str, list[str]], b: bytes, *, catalog: bool) -> Reply:
    """A feed that always says it has more, with a cursor that always moves on."""
    cursor = int(q.get("cursor", ["0"])[0] or 0)
    page: dict[str, Any] = {"items": [], "next_cursor": str(cursor + 1), "has_more": True}
    if catalog:
        page["categories"] = []
    return _json(page)


@pytest.fixture
def placed(store: KioskStore) -> KioskStore:
    from kiosk.storage.orders import place_order

    seed_products(store)
    place_order(
        store, Customer.of("张三", "13812345678"), [LineRequest("LY-0001", 2)], Payment.CASH
    )
    return store


def _engine(
    store: KioskStore, server: HostileCentral, timeouts: Timeouts | None = None, **kw: Any
) -> tuple[SyncEngine, CentralClient]:
    t = timeouts or Timeouts(connect=5, read=5)
    client = CentralClient(
        make_http_client(server.url, t), policy=RetryPolicy(max_attempts=1), timeouts=t
    )
    return SyncEngine(store, client, StaticCredentials("t" * 43), media_per_run=0, **kw), client


def _run_bounded(engine: SyncEngine) -> SyncSummary:
    """``run_once`` on a thread; fail (instead of hanging the suite) if it does not end."""
    out: list[SyncSummary] = []
    t = threading.Thread(target=lambda: out.append(engine.run_once()), daemon=True)
    t.start()
    t.join(HANG_S)
    if t.is_alive():
        engine.abort()
        t.join(HANG_S)
        pytest.fail(f"the sync run did not end within {HANG_S:.0f}s")
    return out[0]


@pytest.mark.parametrize("feed", ["/orders/updates", "/catalog/changes"])
def test_a_feed_that_never_ends_stops_at_the_page_cap(placed: KioskStore, feed: str) -> None:
    with hostile() as server:
        _empty_feeds(server)
        catalog = feed == "/catalog/changes"
        server.routes[feed] = lambda m, q, b: _endless(m, q, b, catalog=catalog)
        engine, client = _engine(placed, server, max_pages_per_run=25)
        try:
            summary = _run_bounded(engine)
        finally:
            client.close()
        assert not summary.ok
        assert summary.error_code == SyncCode.RUN_LIMIT
        assert any("still says it has more" in e for e in summary.errors), summary.errors
        assert server.hits[feed] == 25
        # The lock is free again: the next run (e.g. the GUI's order push) is not shut out.
        assert engine.lock.try_acquire()
        engine.lock.release()


def test_a_run_that_goes_on_too_long_stops_at_the_time_cap(placed: KioskStore) -> None:
    ticks = iter(range(1_000_000))
    with hostile() as server:
        _empty_feeds(server)
        server.routes["/catalog/changes"] = lambda m, q, b: _endless(m, q, b, catalog=True)
        # One "second" per look at the clock; the page cap is out of reach.
        engine, client = _engine(
            placed,
            server,
            max_pages_per_run=10**9,
            max_run_s=60.0,
            monotonic=lambda: float(next(ticks)),
        )
        try:
            summary = _run_bounded(engine)
        finally:
            client.close()
    assert summary.error_code == SyncCode.RUN_LIMIT
    assert any("ran longer than 60s" in e for e in summary.errors), summary.errors


def test_slow_response_headers_are_cut_at_the_total_deadline(placed: KioskStore) -> None:
    before = _dump(placed)
    with hostile() as server:
        server.slow_headers = True
        # Each header byte comes well inside the 5 s read timeout; only the total can end it.
        engine, client = _engine(placed, server, Timeouts(connect=5, read=5, total=1.5))
        try:
            started = time.monotonic()
            summary = _run_bounded(engine)
            took = time.monotonic() - started
        finally:
            client.close()
    assert not summary.ok
    assert summary.error_code == SyncCode.TIMEOUT
    assert any("took longer than 2s" in e or "took longer than 1s" in e for e in summary.errors), (
        summary.errors
    )
    assert _dump(placed) == before
    print(f"slow headers: run ended after {took:.1f}s with total=1.5 s per attempt")


@pytest.mark.parametrize("offset", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_non_finite_clock_offset_is_refused_and_status_still_works(
    placed: KioskStore, offset: str
) -> None:
    from kiosk.sync.status import sync_status

    with hostile() as server:
        _empty_feeds(server)
        server.routes["/heartbeat"] = lambda m, q, b: (
            200,
            {"Content-Type": "application/json"},
            b'{"server_time": "2026-01-01T00:00:00+00:00", "clock_offset_s": '
            + offset.encode()
            + b"}",
        )
        engine, client = _engine(placed, server)
        try:
            summary = _run_bounded(engine)
        finally:
            client.close()
    assert not summary.ok
    assert summary.error_code == SyncCode.BAD_RESPONSE
    assert any("clock_offset_s" in e for e in summary.errors), summary.errors
    assert placed.setting(CLOCK_OFFSET_S) in (None, "")
    assert summary.clock_offset_s is None
    # An offset stored by an older kiosk version does not crash `kiosk status` either.
    with placed.write() as s:
        KioskStore.set_setting(s, CLOCK_OFFSET_S, "nan")
    st = sync_status(placed, datetime.now(UTC))
    assert st.clock_offset_s is None
    json.dumps(st.to_dict(), allow_nan=False)


@pytest.mark.parametrize(
    "field,value",
    [
        ("token", "good-token-part\r\nX-Injected: 1"),
        ("token", "tok\x00en-with-a-nul-inside-it-000000000"),
        ("token", ""),
        ("device_id", "dev\r\n1"),
        ("center_id", "C0\x1b[2J21"),
    ],
)
def test_a_hostile_enrollment_reply_is_refused_and_nothing_is_saved(
    store: KioskStore, tmp_path: Path, field: str, value: str
) -> None:
    from kiosk.sync.errors import BadResponse
    from kiosk.sync.factory import enroll
    from tests.helpers.fake_keyring import MemoryKeyring

    reply = {
        "device_id": "d-1",
        "center_id": "C021",
        "center_name": "李家村服务站",
        "token": "k" * 43,
        field: value,
    }
    keyring = MemoryKeyring()
    before = _dump(store)
    with hostile() as server:
        server.routes["/enroll"] = lambda m, q, b: _json(reply)
        with pytest.raises(BadResponse, match="nothing was saved"):
            enroll(store, server.url, "ABCD-1234", backend=keyring)
    assert _dump(store) == before
    assert store.setting("device.id") in (None, "")
    assert not keyring.secrets


def test_a_hostile_center_name_is_stored_without_control_characters(store: KioskStore) -> None:
    from kiosk.sync.factory import enroll
    from tests.helpers.fake_keyring import MemoryKeyring

    reply = {
        "device_id": "d-1",
        "center_id": "C021",
        "center_name": "李家村\x1b[31m服务站\r\n\x07\u202e",
        "token": "k" * 43,
    }
    with hostile() as server:
        server.routes["/enroll"] = lambda m, q, b: _json(reply)
        done = enroll(store, server.url, "ABCD-1234", backend=MemoryKeyring())
    assert done.center_name == "李家村服务站"
    assert store.setting("center.name") == "李家村服务站"


def _product(sku: str, image_hash: str) -> dict[str, Any]:
    return {"sku": sku, "version": 1, "name": "x", "category": "c", "price_fen": 1,
            "unit": "个", "image_hash": image_hash}  # fmt: skip


def test_an_image_whose_bytes_do_not_match_its_hash_is_not_kept(placed: KioskStore) -> None:
    good = b"\x89PNG\r\n\x1a\n" + b"x" * 64
    honest = hashlib.sha256(good).hexdigest()
    liar = hashlib.sha256(b"something else").hexdigest()
    with hostile() as server:
        _empty_feeds(server)
        server.routes["/catalog/changes"] = lambda m, q, b: _json(
            {
                "items": [_product("H-1", honest), _product("H-2", liar)],
                "categories": [{"name": "c"}],
                "next_cursor": "1",
                "has_more": False,
            }
        )
        server.routes.update(
            {f"/media/{h}": (lambda m, q, b: (200, {}, good)) for h in (honest, liar)}
        )
        engine, client = _engine(placed, server)
        engine.media_per_run = 10
        try:
            summary = _run_bounded(engine)
        finally:
            client.close()
    assert engine.media.find(honest) is not None
    assert engine.media.find(liar) is None
    assert server.hits.get(f"/media/{liar}") == 1  # asked for, refused, not kept
    # One bad image is a warning, never a failed run (the other images keep coming).
    assert any(liar[:12] in w for w in summary.warnings), summary.warnings


@pytest.mark.parametrize(
    "trick", ["../../../../tmp/evil", "..%2f..%2fevil", "/etc/passwd", "a" * 63 + "/", "A" * 64]
)
def test_image_names_with_path_tricks_are_refused_and_change_nothing(
    placed: KioskStore, tmp_path: Path, trick: str
) -> None:
    before = _dump(placed)
    with hostile() as server:
        _empty_feeds(server)
        server.routes["/catalog/changes"] = lambda m, q, b: _json(
            {
                "items": [_product("H-1", trick)],
                "categories": [{"name": "c"}],
                "next_cursor": "1",
                "has_more": False,
            }
        )
        engine, client = _engine(placed, server)
        engine.media_per_run = 10
        try:
            summary = _run_bounded(engine)
        finally:
            client.close()
    assert summary.error_code == SyncCode.BAD_RESPONSE
    assert any("image_hash" in e for e in summary.errors), summary.errors
    after = _dump(placed)
    for key in ("products", "categories"):
        assert after[key] == before[key]
    assert after["cursors"][0] == before["cursors"][0]  # the catalog cursor did not move
    assert not any(k.startswith("/media/") for k in server.hits), server.hits
    media = placed.media_dir
    assert not media.exists() or not any(media.rglob("*evil*"))

"""Product images are fetched a few at a time, in the order asked, each verified; abort works."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from kiosk.storage.store import KioskStore
from kiosk.sync import engine as eng
from kiosk.sync.client import CentralClient, Timeouts, make_http_client
from kiosk.sync.credentials import KeyringCredentials
from kiosk.sync.engine import SyncEngine
from kiosk.sync.factory import enroll
from kiosk.sync.media import sniff_suffix
from tests.conftest import DEMO_CATALOG
from tests.helpers.central_server import CentralServer
from tests.helpers.fake_keyring import MemoryKeyring
from tests.sync.fake_central import FakeCentral, reply

EngineFactory = Callable[..., SyncEngine]
PNG = b"\x89PNG\r\n\x1a\n"
WAIT_S = 5.0


def _images(central: FakeCentral, n: int) -> list[str]:
    """``n`` distinct images served by central and referenced by active products."""
    hashes = []
    for i in range(n):
        h = central.add_image(PNG + f"image {i}".encode())
        central.publish(f"IMG-{i:03d}", image_hash=h)
        hashes.append(h)
    return hashes


class Recorder:
    """A media handler that records start order and how many requests are in flight.

    Each request waits (bounded by a deadline, never a sleep) until another one is in flight or
    every request has started, so a fetcher that sends one at a time shows ``max_in_flight`` 1.
    """

    def __init__(self, central: FakeCentral, total: int) -> None:
        self.central = central
        self.total = total
        self.cond = threading.Condition()
        self.in_flight = 0
        self.max_in_flight = 0
        self.started: list[str] = []
        self.on_start: Callable[[int], None] = lambda n: None

    def __call__(self, request: httpx.Request) -> httpx.Response:
        sha = request.url.path.rsplit("/", 1)[1]
        with self.cond:
            self.started.append(sha)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.cond.notify_all()
            n = len(self.started)
        self.on_start(n)
        deadline = time.monotonic() + WAIT_S
        with self.cond:
            while self.in_flight < 2 and len(self.started) < self.total:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self.cond.wait(left)
            self.in_flight -= 1
            self.cond.notify_all()
        data = self.central.media.get(sha)
        return reply(200, data) if data is not None else reply(404, b"{}")


def test_images_are_fetched_in_parallel_bounded_in_order_and_verified(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    hashes = _images(central, 13)
    rec = Recorder(central, len(hashes))
    central.override["/media"] = rec
    engine = make_engine()
    visible = list(reversed(hashes))  # the UI's order, not the catalog's
    assert engine.fetch_media(visible) == len(hashes)
    assert 2 <= rec.max_in_flight <= eng.MEDIA_CONCURRENCY
    assert rec.started == visible  # started in the order asked: visible products first
    for h in hashes:
        path = engine.media.find(h)
        assert path is not None and hashlib.sha256(path.read_bytes()).hexdigest() == h
    assert not [t for t in threading.enumerate() if t.name.startswith("media-fetch")]


def test_the_per_run_cap_holds_and_damaged_images_are_warnings(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    hashes = _images(central, 9)
    central.media[hashes[2]] = b"not the image"  # arrives with the wrong hash
    summary = make_engine(media_per_run=6).run_once()
    assert summary.ok and summary.media_fetched == 5
    assert len([r for r in central.requests if "/media/" in r]) == 6
    assert len(summary.warnings) == 1 and hashes[2][:12] in summary.warnings[0]
    again = make_engine(media_per_run=6).run_once()  # the rest; the damaged one is tried again
    assert again.media_fetched == 3 and len(again.warnings) == 1
    assert make_engine().run_once().media_fetched == 0


def test_abort_stops_starting_images(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    hashes = _images(central, 30)
    rec = Recorder(central, len(hashes))
    engine = make_engine()
    rec.on_start = lambda n: engine.abort() if n == 3 else None
    central.override["/media"] = rec
    summary = engine.run_once()
    assert summary.aborted and not summary.ok
    # At most the requests already started (or being submitted) when abort came.
    assert 3 <= len(rec.started) <= 3 + eng.MEDIA_CONCURRENCY
    assert summary.media_fetched == len(rec.started)
    assert not [t for t in threading.enumerate() if t.name.startswith("media-fetch")]
    started = len(rec.started)
    assert make_engine().run_once().media_fetched == len(hashes) - started


def test_a_lost_connection_fails_the_step_without_leaking_workers(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    hashes = _images(central, 12)
    calls: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if len(calls) >= 5:
            raise httpx.ConnectError("link down", request=request)
        data = central.media[request.url.path.rsplit("/", 1)[1]]
        return reply(200, data)

    central.override["/media"] = flaky
    summary = make_engine().run_once()
    assert not summary.ok and summary.offline
    stored = [h for h in hashes if store.media_dir.joinpath(h[:2]).is_dir()]
    assert 4 <= len(stored) < len(hashes) and summary.media_fetched == len(stored)
    assert not [t for t in threading.enumerate() if t.name.startswith("media-fetch")]


def test_demo_images_from_the_real_central_all_arrive_verified(
    tmp_path: Path, central_server: CentralServer
) -> None:
    central_server.import_catalog(DEMO_CATALOG)
    keyring = MemoryKeyring()
    store = KioskStore.open(tmp_path / "kiosk")
    try:
        code = central_server.enroll_code("C031")
        device = enroll(store, central_server.url, code, backend=keyring).device_id
        timeouts = Timeouts(connect=5, read=10, write=10, pool=5, total=60)
        client = CentralClient(make_http_client(central_server.url, timeouts), timeouts=timeouts)
        engine = SyncEngine(
            store, client, KeyringCredentials(device, backend=keyring), media_per_run=10_000
        )
        summary = engine.run_once()
        assert summary.ok, summary.errors
        from kiosk.storage.sync_state import referenced_image_hashes

        with store.read() as s:
            wanted = set(referenced_image_hashes(s))
        assert len(wanted) >= 20 and summary.media_fetched == len(wanted)
        for h in wanted:
            path = engine.media.find(h)
            assert path is not None, h
            data = path.read_bytes()
            assert hashlib.sha256(data).hexdigest() == h and path.suffix == sniff_suffix(data)
        client.close()
    finally:
        store.close()

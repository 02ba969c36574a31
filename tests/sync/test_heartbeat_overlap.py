"""The heartbeat is sent right after the push, overlapping the pulls, and still fails a run."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import httpx

from kiosk.storage.settings import CATALOG_CURSOR, CLOCK_OFFSET_S, LAST_SUCCESS_AT
from kiosk.storage.store import KioskStore
from kiosk.sync.engine import SyncEngine
from tests.sync.fake_central import FakeCentral, reply

EngineFactory = Callable[..., SyncEngine]
WAIT_S = 5.0


def _heartbeat_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "heartbeat"]


def test_the_heartbeat_is_in_flight_while_the_catalog_downloads(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    for i in range(5):
        central.publish(f"SKU-{i}")
    beat_arrived = threading.Event()
    seen_during_catalog: list[bool] = []
    route = central._route

    def heartbeat(request: httpx.Request) -> httpx.Response:
        beat_arrived.set()
        return route(request)

    def catalog(request: httpx.Request) -> httpx.Response:
        # A heartbeat sent only after the pull would never arrive while this page is held.
        seen_during_catalog.append(beat_arrived.wait(WAIT_S))
        return route(request)

    central.override["/heartbeat"] = heartbeat
    central.override["/catalog"] = catalog
    summary = make_engine().run_once()
    assert summary.ok and summary.pulled_products == 5
    assert seen_during_catalog == [True]
    assert len(central.heartbeats) == 1
    assert not _heartbeat_threads()


def test_the_heartbeat_reports_the_state_after_the_push(
    store: KioskStore,
    central: FakeCentral,
    make_engine: EngineFactory,
    place: Callable[..., str],
) -> None:
    place()
    central.publish("NEW-1")
    summary = make_engine().run_once()
    assert summary.ok and summary.pushed == 1
    beat = central.heartbeats[-1]
    # Queue depth after the push; the catalog cursor before this run's pull (documented).
    assert beat["queue_depth"] == 0 and beat["catalog_cursor"] in (None, "")
    assert store.setting(CATALOG_CURSOR)  # the pull itself did move the cursor
    make_engine().run_once()
    assert central.heartbeats[-1]["catalog_cursor"] == store.setting(CATALOG_CURSOR)


def test_a_failed_heartbeat_still_fails_the_run(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    central.publish("SKU-1")
    body = json.dumps({"error": "bad_request", "message": "heartbeat refused"}).encode()
    central.override["/heartbeat"] = lambda r: reply(422, body)
    summary = make_engine().run_once()
    assert not summary.ok and summary.pulled_products == 1  # the other steps still ran
    assert any(e.startswith("heartbeat:") for e in summary.errors), summary.errors
    assert summary.clock_offset_s is None
    assert store.setting(LAST_SUCCESS_AT) is None
    assert not _heartbeat_threads()


def test_an_abort_during_the_pull_leaves_no_heartbeat_thread(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    central.publish("SKU-1")
    engine = make_engine()
    route = central._route

    def catalog(request: httpx.Request) -> httpx.Response:
        engine.abort()
        return route(request)

    central.override["/catalog"] = catalog
    summary = engine.run_once()
    assert summary.aborted and not summary.ok and summary.clock_offset_s is None
    assert store.setting(CLOCK_OFFSET_S) is None
    assert not _heartbeat_threads()

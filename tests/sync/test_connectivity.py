"""The background runner: sync on reconnect, back off while offline, stop promptly."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import httpx

from kiosk.storage import outbox
from kiosk.storage.store import KioskStore
from kiosk.sync.client import CentralClient, make_http_client
from kiosk.sync.connectivity import ConnectivityMonitor, next_offline_delay
from kiosk.sync.credentials import StaticCredentials
from kiosk.sync.engine import SyncEngine
from tests.helpers.sync_listener import NameRecorder
from tests.sync.fake_central import TOKEN, FakeCentral


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Poll ``condition`` until it holds or the deadline passes (then fail)."""
    deadline = time.monotonic() + timeout
    tick = threading.Event()
    while not condition():
        assert time.monotonic() < deadline, "condition not met before the deadline"
        tick.wait(0.01)


def test_offline_delays_double_up_to_the_cap() -> None:
    delays: list[float] = []
    d: float | None = None
    for _ in range(6):
        d = next_offline_delay(d, 30.0, 200.0)
        delays.append(d)
    assert delays == [30.0, 60.0, 120.0, 200.0, 200.0, 200.0]


def test_sync_runs_as_soon_as_the_connection_comes_back(
    store: KioskStore, central: FakeCentral, place: Callable[..., str]
) -> None:
    link = {"down": True}

    def handler(request: httpx.Request) -> httpx.Response:
        if link["down"]:
            raise httpx.ConnectError("no route to host", request=request)
        return central.handle(request)

    client = CentralClient(
        make_http_client("http://central.test", transport=httpx.MockTransport(handler)),
        sleep=lambda s: None,
    )
    engine = SyncEngine(store, client, StaticCredentials(TOKEN))
    events: list[str] = []

    monitor = ConnectivityMonitor(
        engine,
        sync_interval_s=3600,  # so only the reconnect can trigger the sync below
        probe_interval_s=0.01,
        offline_max_s=0.02,
        listener=NameRecorder(events),
    )
    place()
    monitor.start()
    try:
        wait_until(lambda: monitor.state().online is False and monitor.probes >= 3)
        assert monitor.state().last_summary is None  # nothing tried while offline
        link["down"] = False
        wait_until(lambda: monitor.state().last_summary is not None)
        state = monitor.state()
        assert state.online is True
        assert state.last_summary is not None and state.last_summary.ok
        assert state.last_success_at == state.last_summary.finished_at
        with store.read() as s:
            assert outbox.stats(s).pending == 0
        assert len(central.events) == 1
        assert events[:3] == ["offline", "online", "finished"]
        # "Sync now" runs another cycle without waiting for the hour.
        before = len(central.heartbeats)
        monitor.sync_now()
        wait_until(lambda: len(central.heartbeats) > before)
    finally:
        started = time.monotonic()
        assert monitor.stop(timeout=5)
        assert time.monotonic() - started < 2
    client.close()


def test_stop_is_prompt_even_with_long_intervals(store: KioskStore, central: FakeCentral) -> None:
    client = CentralClient(make_http_client("http://central.test", transport=central.transport()))
    engine = SyncEngine(store, client, StaticCredentials(TOKEN))
    monitor = ConnectivityMonitor(engine, sync_interval_s=3600, probe_interval_s=3600)
    monitor.start()
    wait_until(lambda: monitor.state().last_summary is not None)
    started = time.monotonic()
    assert monitor.stop(timeout=5)
    assert time.monotonic() - started < 1
    client.close()


def test_the_listener_hears_each_thing_once_and_the_engines_progress(
    store: KioskStore, central: FakeCentral, place: Callable[..., str]
) -> None:
    """The monitor is the engine's listener: the caller's listener hears online once (the probe
    and the engine's own requests both saw it), each run's summary once, and the engine's
    progress, with no filter of its own."""
    client = CentralClient(make_http_client("http://central.test", transport=central.transport()))
    engine = SyncEngine(store, client, StaticCredentials(TOKEN))
    names: list[str] = []
    recorder = NameRecorder(names, progress=True)
    monitor = ConnectivityMonitor(engine, sync_interval_s=3600, listener=recorder)
    place()
    monitor.start()
    try:
        wait_until(lambda: monitor.state().last_summary is not None)
        first = monitor.state().last_summary
        monitor.sync_now()
        wait_until(lambda: names.count("finished") == 2)
    finally:
        assert monitor.stop(timeout=5)
        client.close()
    assert first is not None and first.ok and first.pushed == 1
    assert recorder.summaries[0] is first  # the engine's own summary, typed
    assert [n for n in names if n != "progress"] == ["online", "finished", "finished"]
    assert "progress" in names[: names.index("finished")]

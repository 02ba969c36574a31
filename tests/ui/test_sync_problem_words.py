"""The top bar names a sync problem that waiting will not fix, instead of "Internet is down".

A kiosk whose clock is years off sees the platform's certificate as expired or not yet valid: the
connection fails, but the internet is fine. The owner must read "check the PC's date and time".
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from kiosk.storage.settings import LAST_ERROR_CODE, LAST_SUCCESS_AT
from kiosk.storage.store import KioskStore
from kiosk.sync.client import CentralClient, RetryPolicy, make_http_client
from kiosk.sync.credentials import StaticCredentials
from kiosk.sync.engine import SyncEngine, SyncSummary
from kiosk.ui.bridge import SyncBridge, SyncFacts, SyncIndicator
from kiosk.ui.tasks import TaskRunner
from tests.helpers.tls_server import https_server, make_cert

CLOCK_WORDS = "Cannot sync: check the PC's date and time"


def _indicator(store: KioskStore) -> tuple[SyncIndicator, SyncBridge, TaskRunner]:
    runner = TaskRunner()
    bridge = SyncBridge()
    indicator = SyncIndicator(store, runner, bridge, connected=True)
    return indicator, bridge, runner


def test_words_for_each_kind_of_problem(qtbot: Any, kiosk_store: KioskStore) -> None:
    indicator, _bridge, runner = _indicator(kiosk_store)

    def first(problem: str | None, online: bool | None = True, connected: bool = True) -> str:
        """The first part of the indicator's words (what replaces online/offline)."""
        text = indicator.describe(SyncFacts(connected, online, 1, 0, None, problem))
        return text.split(" · ")[0]

    assert first("tls_clock", online=False) == CLOCK_WORDS
    assert first("unauthorized") == "Cannot sync: technician must enroll again"
    assert first("not_enrolled") == "Cannot sync: technician must enroll again"
    # run_limit: a feed that never ends is a broken platform, not a slow line.
    for code in (
        "tls_untrusted",
        "tls_handshake",
        "keyring",
        "damaged",
        "bad_response",
        "run_limit",
    ):
        assert first(code) == "Cannot sync: please call the technician", code
    # Transient outcomes keep the plain online/offline words.
    assert first("offline", online=False) == "Internet is down"
    assert first("timeout", online=False) == "Internet is down"
    assert first("busy") == "Online"
    assert first(None) == "Online"
    # Not enrolled at all: that sentence wins.
    assert first("not_enrolled", online=None, connected=False) == (
        "Not connected to the platform yet"
    )
    # The orders waiting are still counted after the problem.
    assert "1 order" in indicator.describe(SyncFacts(True, False, 1, 0, None, "tls_clock"))
    runner.shutdown()


def test_a_real_run_against_an_expired_certificate_reaches_the_top_bar(
    qtbot: Any, kiosk_store: KioskStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = dt.datetime.now(dt.UTC)
    pem = make_cert(
        tmp_path,
        name="expired",
        valid_from=now - dt.timedelta(days=400),
        valid_until=now - dt.timedelta(days=2),
    )
    # The kiosk trusts the certificate's authority: it is refused for its dates only, as the
    # platform's real certificate is when the PC's clock is years off.
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    indicator, bridge, runner = _indicator(kiosk_store)
    with https_server(pem) as url:
        client = CentralClient(make_http_client(url), policy=RetryPolicy(max_attempts=1))
        try:
            engine = SyncEngine(kiosk_store, client, StaticCredentials("t"), listener=bridge)
            with qtbot.waitSignal(bridge.finished, timeout=20_000):
                summary = engine.run_once()
        finally:
            client.close()
    assert not summary.ok
    qtbot.waitUntil(lambda: indicator.text.startswith(CLOCK_WORDS), timeout=10_000)
    assert "Internet is down" not in indicator.text

    # The next good run clears it.
    with qtbot.waitSignal(indicator.changed, timeout=10_000):
        bridge.on_finished(SyncSummary(ok=True, finished_at=now.isoformat()))
    qtbot.waitUntil(lambda: indicator.text.startswith("Online"), timeout=10_000)
    assert CLOCK_WORDS not in indicator.text
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    runner.shutdown()


def test_a_stored_problem_is_in_the_top_bar_from_the_start(
    qtbot: Any, kiosk_store: KioskStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kiosk restarted after a failed run says the problem before its first sync of the day."""
    # The GUI reads the keys the engine writes (it does not import the engine before the first
    # paint): both take them from kiosk/storage/settings.py.
    from kiosk.sync import engine as engine_mod
    from kiosk.ui import bridge as bridge_mod

    assert bridge_mod.LAST_ERROR_CODE == engine_mod.LAST_ERROR_CODE == LAST_ERROR_CODE
    assert bridge_mod.LAST_SUCCESS_AT == engine_mod.LAST_SUCCESS_AT == LAST_SUCCESS_AT
    now = dt.datetime.now(dt.UTC)
    with kiosk_store.write() as s:  # an earlier good run, then the failed one below
        KioskStore.set_setting(s, LAST_SUCCESS_AT, (now - dt.timedelta(hours=3)).isoformat())
    pem = make_cert(
        tmp_path,
        name="expired",
        valid_from=now - dt.timedelta(days=400),
        valid_until=now - dt.timedelta(days=2),
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))
    with https_server(pem) as url:
        client = CentralClient(make_http_client(url), policy=RetryPolicy(max_attempts=1))
        try:
            summary = SyncEngine(kiosk_store, client, StaticCredentials("t")).run_once()
        finally:
            client.close()
    assert not summary.ok

    # The kiosk starts again: a new indicator, no sync has run since.
    indicator, _bridge, runner = _indicator(kiosk_store)
    indicator.refresh()
    qtbot.waitUntil(lambda: indicator.text.startswith(CLOCK_WORDS), timeout=10_000)
    local = (now - dt.timedelta(hours=3)).astimezone().strftime("%H:%M")
    assert f"last synced {local}" in indicator.text
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    runner.shutdown()

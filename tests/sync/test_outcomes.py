"""Machine-readable sync outcomes: the summary's ``error_code``/``central_code``, the client's typed
TLS refusals and central's codes on 5xx, so screens never read English.

With the fake central (MockTransport) for every outcome, real HTTPS servers with test
certificates for TLS, and the real central app for busy (503 through the fault proxy and from
its own handler) and failing (500 from its own handler).
"""

from __future__ import annotations

import datetime as dt
import json
import ssl
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.exc import OperationalError

from central.db import CentralDb
from central.service import CentralService
from kiosk import wire
from kiosk.storage.settings import LAST_ERROR_CODE
from kiosk.storage.store import KioskStore
from kiosk.sync.client import CentralClient, RetryPolicy, make_http_client
from kiosk.sync.credentials import StaticCredentials
from kiosk.sync.engine import SyncEngine, SyncProgress, SyncSummary
from kiosk.sync.errors import (
    KeyringRefused,
    NotEnrolled,
    Offline,
    ServerError,
    SyncCode,
    TlsRefused,
    sync_code,
)
from kiosk.sync.listener import QuietListener
from kiosk.sync.lock import SyncLock
from kiosk.sync.status import sync_status
from tests.helpers.central_in_thread import CentralInThread
from tests.helpers.fault_proxy import Always, FaultKind, FaultProxy
from tests.helpers.fault_proxy import Fault as ProxyFault
from tests.helpers.tls_server import http_server, https_server, make_cert, trusting
from tests.sync.fake_central import TOKEN, FakeCentral, Fault, reply

EngineFactory = Callable[..., SyncEngine]


def _body(code: str) -> bytes:
    return json.dumps({"error": code, "message": f"injected {code}"}).encode()


def _enqueue(store: KioskStore) -> None:
    from kiosk.storage import outbox

    with store.write() as s:
        outbox.enqueue(s, "cash_entry", "cash-1", {"amount_fen": 100})


class _Credentials:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def token(self) -> str:
        raise self.exc


# --- every outcome, with the fake central ------------------------------------------------------


def _four(fault: Fault) -> list[Fault]:
    return [fault] * 4  # the default policy's attempts: the call fails for good


CASES: dict[str, tuple[Callable[[FakeCentral, KioskStore, SyncEngine], None], str, str | None]] = {
    "offline": (
        lambda c, s, e: c.fail("/orders", *_four(Fault(exc=httpx.ConnectError))),
        SyncCode.OFFLINE,
        None,
    ),
    "timeout": (
        lambda c, s, e: c.fail("/orders", *_four(Fault(exc=httpx.ReadTimeout))),
        SyncCode.TIMEOUT,
        None,
    ),
    "busy": (
        lambda c, s, e: c.fail(
            "/orders", *_four(Fault(status=503, body=_body("busy"), headers={"Retry-After": "1"}))
        ),
        SyncCode.BUSY,
        "busy",
    ),
    "server_error": (
        lambda c, s, e: c.fail("/orders", *_four(Fault(status=500, body=_body("server_error")))),
        SyncCode.SERVER_ERROR,
        "server_error",
    ),
    "gateway": (
        lambda c, s, e: c.fail("/orders", *_four(Fault(status=502, body=b"<html>bad gateway"))),
        SyncCode.SERVER_ERROR,
        "http_502",
    ),
    "unauthorized": (
        lambda c, s, e: setattr(e, "credentials", StaticCredentials("revoked")),
        SyncCode.UNAUTHORIZED,
        "unauthorized",
    ),
    "refused": (
        lambda c, s, e: c.fail("/orders", Fault(status=400, body=_body("bad_cursor"))),
        SyncCode.REFUSED,
        "bad_cursor",
    ),
    "bad_response": (
        lambda c, s, e: c.override.__setitem__("/orders", lambda r: reply(200, b'{"items": "no"}')),
        SyncCode.BAD_RESPONSE,
        None,
    ),
    "not_enrolled": (
        lambda c, s, e: setattr(e, "credentials", _Credentials(NotEnrolled("no token"))),
        SyncCode.NOT_ENROLLED,
        None,
    ),
    "keyring": (
        lambda c, s, e: setattr(e, "credentials", _Credentials(KeyringRefused("no keyring"))),
        SyncCode.KEYRING,
        None,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_failure_is_named_by_its_code(
    case: str, store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    setup, code, central_code = CASES[case]
    engine = make_engine()
    setup(central, store, engine)
    summary = engine.run_once()
    assert not summary.ok
    assert summary.error_code == code, summary.errors
    assert summary.central_code == central_code
    assert summary.errors  # the English lines stay, for logs and the CLI
    data = summary.to_dict()
    assert json.loads(json.dumps(data))["error_code"] == code.value
    # Kept for `kiosk status` until the next run that works.
    assert store.setting(LAST_ERROR_CODE) == code.value
    assert sync_status(store, dt.datetime.now(dt.UTC)).last_error_code == code.value
    central.override.clear()
    central.faults.clear()
    ok = make_engine().run_once()
    assert ok.ok and ok.error_code is None and ok.central_code is None, ok.errors
    assert sync_status(store, dt.datetime.now(dt.UTC)).last_error_code is None


def test_the_error_that_ended_the_run_wins_over_an_earlier_one(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    # The push fails (busy), the run goes on; then the line drops: "offline" is what to fix.
    _enqueue(store)
    central.fail("/events", *_four(Fault(status=503, body=_body("busy"))))
    central.fail("/orders", *_four(Fault(exc=httpx.ConnectError)))
    summary = make_engine().run_once()
    assert summary.error_code == SyncCode.OFFLINE and summary.central_code is None
    assert len(summary.errors) == 2 and summary.errors[0].startswith("push:")


def test_otherwise_the_first_failed_step_is_named(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    central.fail("/orders", *_four(Fault(status=500, body=_body("server_error"))))
    central.fail("/catalog", Fault(status=400, body=_body("bad_cursor")))
    summary = make_engine().run_once()
    assert summary.error_code == SyncCode.SERVER_ERROR and summary.central_code == "server_error"
    assert any("bad_cursor" in e for e in summary.errors)  # the second failure is still listed


def test_another_sync_running_and_a_stop_have_their_codes(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    other = SyncLock.for_data_dir(store.data_dir)
    assert other.try_acquire()
    try:
        locked = make_engine().run_once()
    finally:
        other.release()
    assert locked.busy and locked.error_code == SyncCode.ALREADY_RUNNING

    for i in range(30):
        central.publish(f"SKU-{i:04d}", name=f"商品{i}", price_fen=100 + i)
    holder: list[SyncEngine] = []

    class StopInCatalog(QuietListener):
        def on_progress(self, progress: SyncProgress) -> None:
            if progress.phase == "catalog" and progress.done >= 10:
                holder[0].abort()

    holder.append(make_engine(catalog_page_size=10, listener=StopInCatalog()))
    stopped = holder[0].run_once()
    assert stopped.aborted and stopped.error_code == SyncCode.ABORTED


def test_a_damaged_store_is_named_and_nothing_is_sent(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    from kiosk.storage.recovery import flag_damaged, marker_path

    flag_damaged(store.data_dir, "integrity check failed")
    try:
        summary = make_engine().run_once()
    finally:
        marker_path(store.data_dir).unlink()
    assert summary.error_code == SyncCode.DAMAGED and central.requests == []


def test_the_cli_names_the_code_of_a_run_that_did_not_complete(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from kiosk.cli.sync import _print_summary

    _print_summary(SyncSummary(ok=False, errors=["x"], error_code=SyncCode.BUSY), as_json=False)
    assert capsys.readouterr().out.startswith("Sync NOT COMPLETE (busy):")
    _print_summary(SyncSummary(ok=False, error_code=SyncCode.BUSY), as_json=True)
    assert json.loads(capsys.readouterr().out)["error_code"] == "busy"


# --- the client keeps central's code on 5xx -----------------------------------------------------


def test_5xx_keeps_centrals_code_and_its_wait(
    central: FakeCentral, make_client: Callable[..., CentralClient], sleeps: list[float]
) -> None:
    busy = Fault(status=503, body=_body("busy"), headers={"Retry-After": "2"})
    central.fail("/orders", busy, busy)
    with pytest.raises(ServerError) as info:
        make_client(RetryPolicy(max_attempts=2)).order_updates("", 10)
    assert (info.value.status, info.value.code, info.value.retry_after_s) == (503, "busy", 2.0)
    assert info.value.busy and sync_code(info.value) == SyncCode.BUSY
    assert sleeps == [2.0]

    central.fail("/orders", Fault(status=500, body=_body("server_error")))
    with pytest.raises(ServerError) as failing:
        make_client(RetryPolicy(max_attempts=1)).order_updates("", 10)
    assert failing.value.code == "server_error" and not failing.value.busy
    assert failing.value.retry_after_s is None
    assert sync_code(failing.value) == SyncCode.SERVER_ERROR


def test_enroll_is_not_retried_on_429_and_says_how_long_to_wait(
    central: FakeCentral, make_client: Callable[..., CentralClient], sleeps: list[float]
) -> None:
    central.fail(
        "/enroll",
        Fault(status=429, body=_body("enroll_throttled"), headers={"Retry-After": "60"}),
        Fault(status=429, body=_body("enroll_throttled"), headers={"Retry-After": "60"}),
    )
    with pytest.raises(ServerError) as info:
        make_client().enroll(wire.EnrollRequest(code="ABCD2345", device_name="pc"))
    assert info.value.code == "enroll_throttled" and info.value.retry_after_s == 60.0
    assert central.requests.count("POST /v1/enroll") == 1 and sleeps == []
    # Other calls still wait out a short 429 and retry.
    central.fail("/orders", Fault(status=429, headers={"Retry-After": "3"}))
    make_client().order_updates("", 10)
    assert sleeps == [3.0]


# --- TLS refusals, against real HTTPS servers ---------------------------------------------------


@pytest.fixture
def certs(tmp_path: Path) -> dict[str, Path]:
    pytest.importorskip("cryptography", reason="test certificates need `cryptography`")
    now = dt.datetime.now(dt.UTC)
    return {
        "good": make_cert(tmp_path, name="good"),
        "expired": make_cert(
            tmp_path,
            name="expired",
            valid_from=now - dt.timedelta(days=400),
            valid_until=now - dt.timedelta(days=2),
        ),
        "future": make_cert(tmp_path, name="future", valid_from=now + dt.timedelta(days=2)),
    }


def _health(url: str, verify: ssl.SSLContext | bool) -> BaseException:
    client = CentralClient(httpx.Client(base_url=url, verify=verify))
    try:
        client.health()
    except Offline as exc:
        return exc
    finally:
        client.close()
    raise AssertionError("the TLS handshake was expected to fail")


def test_a_certificate_refused_for_its_dates_points_at_the_clock(certs: dict[str, Path]) -> None:
    for name, verify_code in (("expired", 10), ("future", 9)):
        with https_server(certs[name]) as url:
            err = _health(url, trusting(certs[name]))
        assert isinstance(err, TlsRefused) and err.clock_suspect, name
        assert err.reason == TlsRefused.CLOCK and err.verify_code == verify_code
        assert sync_code(err) == SyncCode.TLS_CLOCK
        assert "check the date and time" in str(err) and "\n" not in str(err)


def test_an_untrusted_certificate_is_not_blamed_on_the_clock(certs: dict[str, Path]) -> None:
    with https_server(certs["good"]) as url:
        err = _health(url, True)
        # The same server, trusted: it answers (so the refusal above was about trust only).
        client = CentralClient(httpx.Client(base_url=url, verify=trusting(certs["good"])))
        try:
            assert client.health()["status"] == "ok"
        finally:
            client.close()
    assert isinstance(err, TlsRefused) and not err.clock_suspect
    assert err.reason == TlsRefused.UNTRUSTED and sync_code(err) == SyncCode.TLS_UNTRUSTED
    assert "date" not in str(err)


def test_https_to_a_plain_http_port_is_a_handshake_failure() -> None:
    with http_server() as url:
        err = _health(url.replace("http://", "https://"), True)
    assert isinstance(err, TlsRefused) and err.reason == TlsRefused.HANDSHAKE
    assert sync_code(err) == SyncCode.TLS_HANDSHAKE


def test_a_plain_connection_failure_is_not_tls() -> None:
    from tests.helpers.central_server import free_port

    err = _health(f"http://127.0.0.1:{free_port()}", True)
    assert type(err) is Offline and sync_code(err) == SyncCode.OFFLINE


def test_a_sync_run_against_an_expired_certificate_says_tls_clock(
    store: KioskStore, certs: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Through the factory's own client: the kiosk trusts the test "authority" by SSL_CERT_FILE,
    # as a private deployment would, and the certificate is refused for its dates only.
    monkeypatch.setenv("SSL_CERT_FILE", str(certs["expired"]))
    with https_server(certs["expired"]) as url:
        client = CentralClient(make_http_client(url), policy=RetryPolicy(max_attempts=1))
        try:
            summary = SyncEngine(store, client, StaticCredentials(TOKEN)).run_once()
        finally:
            client.close()
    assert summary.offline and summary.error_code == SyncCode.TLS_CLOCK
    assert summary.central_code is None


# --- busy and failing, from the real central app ------------------------------------------------


@pytest.fixture
def real_central(tmp_path: Path) -> Iterator[tuple[CentralInThread, str]]:
    """The real central app on a real socket, and a token of an enrolled device of C001."""
    db = CentralDb(f"sqlite:///{tmp_path / 'central.db'}")
    db.migrate()
    service = CentralService(db)
    code = service.create_enroll_code("C001").code
    token = service.enroll(wire.EnrollRequest(code=code, device_name="kiosk")).token
    server = CentralInThread(service).start()
    try:
        yield server, token
    finally:
        server.stop()
        db.close()


def _engine(store: KioskStore, url: str, token: str) -> SyncEngine:
    client = CentralClient(
        make_http_client(url),
        policy=RetryPolicy(max_attempts=1),
    )
    return SyncEngine(store, client, StaticCredentials(token))


def test_central_busy_through_the_fault_proxy_is_busy(
    store: KioskStore, real_central: tuple[CentralInThread, str]
) -> None:
    server, token = real_central
    with FaultProxy("127.0.0.1", server.port) as proxy:
        proxy.set_plan(Always(ProxyFault.unavailable(retry_after="1"), only="/v1/orders"))
        engine = _engine(store, proxy.url, token)
        try:
            summary = engine.run_once()
        finally:
            engine.client.close()
        assert proxy.stats().count(FaultKind.STATUS, "/v1/orders") == 1
    assert summary.error_code == SyncCode.BUSY and summary.central_code == "busy"
    assert summary.pulled_products == 0 and not summary.offline


def test_central_failing_and_central_busy_from_its_own_handlers(
    store: KioskStore, real_central: tuple[CentralInThread, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server, token = real_central

    def crash(*_a: object) -> None:
        raise RuntimeError("a bug in central")

    # The separate calls' order updates and the one round trip's reads (the engine starts using
    # it once central's replies named it).
    monkeypatch.setattr(server.service, "order_updates", crash)
    monkeypatch.setattr(server.service, "sync_state", crash)
    engine = _engine(store, server.url, token)
    try:
        failing = engine.run_once()
    finally:
        engine.client.close()
    assert failing.error_code == SyncCode.SERVER_ERROR
    assert failing.central_code == "server_error"

    def locked(*_a: object) -> None:
        raise OperationalError("UPDATE counters", {}, Exception("database is locked"))

    monkeypatch.setattr(server.service, "order_updates", locked)
    monkeypatch.setattr(server.service, "sync_state", locked)
    engine = _engine(store, server.url, token)
    try:
        busy = engine.run_once()
    finally:
        engine.client.close()
    assert busy.error_code == SyncCode.BUSY and busy.central_code == "busy"
    assert failing.errors != busy.errors

"""The kiosk meets central's enrollment brake: over real HTTP to the real central app (its clock
moved by the test), `enroll` and `kiosk enroll` say how long to wait, in one line, exit non-zero,
send the code once only, and store nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import keyring
import pytest

from central.db import CentralDb
from central.enrollment import ENROLL_HOLD, ENROLL_MAX_REFUSALS
from central.service import CentralService
from kiosk.cli import main
from kiosk.storage.settings import DEVICE_ID
from kiosk.storage.store import KioskStore
from kiosk.sync.errors import Rejected, ServerError
from kiosk.sync.factory import enroll
from tests.central.conftest import FakeClock
from tests.helpers.central_in_thread import CentralInThread
from tests.helpers.fake_keyring import MemoryKeyring

BRAKE_LINE = (
    "kiosk: too many wrong enrollment codes were tried for this center or from this network"
    " address; wait 15 minutes, then try again with a valid code\n"
)


class CountingTransport(httpx.HTTPTransport):
    """The real transport, counting the requests that reach the network."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(f"{request.method} {request.url.path}")
        return super().handle_request(request)


@pytest.fixture
def central(tmp_path: Path) -> Iterator[tuple[CentralInThread, FakeClock]]:
    clock = FakeClock()
    db = CentralDb(f"sqlite:///{tmp_path / 'central.db'}")
    db.migrate()
    server = CentralInThread(CentralService(db, clock=clock)).start()
    try:
        yield server, clock
    finally:
        server.stop()
        db.close()


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def _brake(store: KioskStore, url: str, backend: MemoryKeyring) -> None:
    for i in range(ENROLL_MAX_REFUSALS):
        with pytest.raises(Rejected) as refused:
            enroll(store, url, f"WRONG{i:03d}", backend=backend)
        assert refused.value.code == "enroll_refused"


def test_enroll_during_the_brake_says_how_long_and_stores_nothing(
    store: KioskStore, central: tuple[CentralInThread, FakeClock], memory_keyring: MemoryKeyring
) -> None:
    server, clock = central
    code = server.service.create_enroll_code("C007", "王家村").code
    _brake(store, server.url, memory_keyring)
    wire = CountingTransport()
    with pytest.raises(ServerError) as braked:
        enroll(store, server.url, code, backend=memory_keyring, transport=wire)
    err = braked.value
    assert (err.status, err.code, err.retry_after_s) == (429, "enroll_throttled", 900.0)
    assert str(err) == BRAKE_LINE.removeprefix("kiosk: ").rstrip("\n")
    assert wire.sent == ["POST /v1/enroll"]  # not retried: the brake lasts minutes
    assert store.setting(DEVICE_ID) is None and memory_keyring.secrets == {}
    # Not even when the wait left is short enough for the client's usual Retry-After policy.
    clock.advance(seconds=ENROLL_HOLD.total_seconds() - 1)
    with pytest.raises(ServerError) as almost:
        enroll(store, server.url, code, backend=memory_keyring, transport=wire)
    assert almost.value.retry_after_s == 1.0 and "wait 1 second," in str(almost.value)
    assert wire.sent == ["POST /v1/enroll"] * 2
    clock.advance(seconds=1)
    done = enroll(store, server.url, code, backend=memory_keyring)
    assert done.center_id == "C007" and store.setting(DEVICE_ID) == done.device_id


def test_kiosk_enroll_prints_the_wait_in_one_line_and_exits_non_zero(
    tmp_path: Path,
    store: KioskStore,
    central: tuple[CentralInThread, FakeClock],
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server, clock = central
    code = server.service.create_enroll_code("C007").code
    _brake(store, server.url, memory_keyring)
    data_dir = tmp_path / "cli-kiosk"
    args = ["--data-dir", str(data_dir), "enroll", "--server", server.url, "--code", code]
    capsys.readouterr()
    assert main(args) == 5
    out = capsys.readouterr()
    assert out.err == BRAKE_LINE and out.out == ""
    clock.advance(minutes=14)
    assert main(args) == 5
    assert "wait 60 seconds" in capsys.readouterr().err
    clock.advance(minutes=1)
    assert main(args) == 0
    assert capsys.readouterr().out.startswith("Enrolled: center C007")

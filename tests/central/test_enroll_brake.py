"""The enrollment brake: after 10 refused codes from one client address within 15 minutes, that
address gets 429 ``enroll_throttled`` with ``Retry-After`` for 15 minutes, without its code
being looked at (a right code is refused too, or the brake would say which guess was right).

Through HTTP (the app with the service's injected clock, moved by the test), and the brake's
own bookkeeping (parallel attempts, IPv6 blocks).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from central.app import create_app
from central.enrollment import ENROLL_HOLD, ENROLL_MAX_REFUSALS, ENROLL_WINDOW, EnrollBrake
from central.service import CentralService
from tests.central.conftest import FakeClock

HOLD_S = int(ENROLL_HOLD.total_seconds())


def _client(service: CentralService, address: str) -> TestClient:
    return TestClient(create_app(service), client=(address, 40000), raise_server_exceptions=False)


def _enroll(http: TestClient, code: str) -> tuple[int, dict[str, str], dict[str, str]]:
    r = http.post("/v1/enroll", json={"code": code, "device_name": "pc"})
    return r.status_code, r.json(), dict(r.headers)


def _wrong(http: TestClient, times: int) -> None:
    for i in range(times):
        status, body, _ = _enroll(http, f"WRONG{i:03d}")
        assert (status, body["error"]) == (403, "enroll_refused"), body


def test_ten_refused_codes_brake_that_address_even_for_the_right_code(
    service: CentralService, clock: FakeClock
) -> None:
    code = service.create_enroll_code("C001").code
    with _client(service, "10.0.0.1") as a, _client(service, "10.0.0.2") as b:
        _wrong(a, ENROLL_MAX_REFUSALS)
        status, body, headers = _enroll(a, code)
        assert (status, body["error"]) == (429, "enroll_throttled")
        assert headers["retry-after"] == str(HOLD_S)
        assert "token" not in body and code not in body["message"]
        # Another address is not braked (a wrong code there is refused as usual).
        assert _enroll(b, "WRONG999")[0] == 403
        # The wait shrinks as the service clock moves, and ends.
        clock.advance(minutes=10)
        assert _enroll(a, code)[2]["retry-after"] == str(HOLD_S - 600)
        clock.advance(seconds=HOLD_S - 600 - 1)
        assert _enroll(a, code)[2]["retry-after"] == "1"
        clock.advance(seconds=1)
        status, body, _ = _enroll(a, code)
    # The right code was never looked at during the brake: it still works after it.
    assert status == 200 and body["center_id"] == "C001"


def test_refusals_older_than_the_window_do_not_count(
    service: CentralService, clock: FakeClock
) -> None:
    with _client(service, "10.0.0.1") as a:
        _wrong(a, ENROLL_MAX_REFUSALS - 1)
        clock.advance(seconds=ENROLL_WINDOW.total_seconds())
        _wrong(a, ENROLL_MAX_REFUSALS - 1)  # 18 in all, never 10 within 15 minutes
        _wrong(a, 1)  # the 10th within the window
        assert _enroll(a, "WRONG")[0] == 429


def test_a_successful_enrollment_does_not_clear_the_count(service: CentralService) -> None:
    codes = [service.create_enroll_code("C001").code for _ in range(3)]
    with _client(service, "10.0.0.1") as a:
        _wrong(a, ENROLL_MAX_REFUSALS - 1)
        assert _enroll(a, codes[0])[0] == 200  # right codes are not refusals…
        assert _enroll(a, codes[1])[0] == 200
        _wrong(a, 1)  # …and do not reset the nine before them
        assert _enroll(a, codes[2])[0] == 429


def test_after_the_hold_the_count_starts_again(service: CentralService, clock: FakeClock) -> None:
    with _client(service, "10.0.0.1") as a:
        _wrong(a, ENROLL_MAX_REFUSALS)
        assert _enroll(a, "WRONG")[0] == 429
        clock.advance(seconds=HOLD_S)
        _wrong(a, ENROLL_MAX_REFUSALS - 1)
        assert _enroll(a, "WRONG")[0] == 403
        assert _enroll(a, "WRONG")[0] == 429


def test_the_brake_is_logged_once_per_hold_without_codes(
    service: CentralService, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="central"), _client(service, "10.0.0.1") as a:
        _wrong(a, ENROLL_MAX_REFUSALS)
        for _ in range(5):
            assert _enroll(a, "WRONG")[0] == 429
    braked = [r.getMessage() for r in caplog.records if "enrollment brake" in r.getMessage()]
    assert len(braked) == 1 and "10.0.0.1" in braked[0]
    assert not any("WRONG" in r.getMessage() for r in caplog.records)


def test_openapi_documents_the_429(service: CentralService) -> None:
    with _client(service, "10.0.0.1") as a:
        doc = a.get("/openapi.json").json()
    assert "429" in doc["paths"]["/v1/enroll"]["post"]["responses"]


# --- the brake's bookkeeping ---------------------------------------------------------------------


def test_attempts_in_progress_count_so_a_parallel_burst_cannot_slip_through() -> None:
    clock = FakeClock()
    brake = EnrollBrake(max_refusals=3, window=timedelta(minutes=15), hold=timedelta(minutes=15))
    # Three attempts admitted at once (none settled yet): a fourth must wait for them.
    assert [brake.admit("10.0.0.1", clock()) for _ in range(3)] == [None, None, None]
    assert brake.admit("10.0.0.1", clock()) == 1
    assert brake.admit("10.0.0.2", clock()) is None  # other addresses are not held up
    brake.settle("10.0.0.1", clock(), refused=False)  # one was right: room for one more
    assert brake.admit("10.0.0.1", clock()) is None
    for _ in range(3):
        brake.settle("10.0.0.1", clock(), refused=True)
    assert brake.admit("10.0.0.1", clock()) == 15 * 60


def test_a_hold_shorter_than_the_window_starts_the_count_afresh() -> None:
    clock = FakeClock()
    brake = EnrollBrake(max_refusals=3, window=timedelta(hours=1), hold=timedelta(minutes=5))

    def refuse() -> None:
        assert brake.admit("10.0.0.1", clock()) is None
        brake.settle("10.0.0.1", clock(), refused=True)

    for _ in range(3):
        refuse()
    assert brake.admit("10.0.0.1", clock()) == 300
    clock.advance(minutes=5)  # the hold is over; the three refusals are still in the window
    refuse()
    refuse()
    assert brake.admit("10.0.0.1", clock()) is None  # two since the hold, not five


def test_ipv6_is_counted_per_64_block_and_mapped_ipv4_as_ipv4() -> None:
    key = EnrollBrake.key
    assert key("2001:db8:1:2:aaaa::1") == key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert key("2001:db8:1:3::1") != key("2001:db8:1:2::1")
    assert key("::ffff:10.0.0.1") == key("10.0.0.1") == "10.0.0.1"
    assert key("testclient") == "testclient"  # not an address: counted as given


def test_addresses_whose_refusals_expired_are_forgotten(clock: FakeClock) -> None:
    """Memory stays bounded by the addresses active within the window (about twice that)."""
    brake = EnrollBrake()

    def refuse(prefix: str, n: int) -> None:
        for i in range(n):
            address = f"{prefix}.{i // 256}.{i % 256}"
            assert brake.admit(address, clock()) is None
            brake.settle(address, clock(), refused=True)

    refuse("10.1", 3000)
    assert brake.tracked() == 3000  # all within the window: all kept
    clock.advance(seconds=ENROLL_WINDOW.total_seconds())
    refuse("10.2", 1200)
    assert brake.tracked() < 2000  # the 3000 expired ones were swept

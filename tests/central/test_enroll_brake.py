"""The enrollment brake: after 10 refused codes from one client address within 15 minutes, that
address gets 429 ``enroll_throttled`` with ``Retry-After`` for 15 minutes, without its code
being looked at (a right code is refused too, or the brake would say which guess was right).
Codes that name their center are counted per address and center, per center and per address,
so guessing one center's codes behind a shared (carrier-grade NAT) address does not lock out
the other villages behind it.

Through HTTP (the app with the service's injected clock, moved by the test), and the brake's
own bookkeeping in the database (parallel attempts, lost attempts, expiry), on SQLite and
PostgreSQL. Across real worker processes: tests/central/test_workers.py.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from central.app import create_app
from central.db import CentralDb
from central.enrollment import (
    ENROLL_HOLD,
    ENROLL_IN_FLIGHT_STALE,
    ENROLL_MAX_REFUSALS,
    ENROLL_MAX_REFUSALS_PER_CENTER,
    ENROLL_SWEEP_EVERY,
    ENROLL_WINDOW,
    EnrollBrake,
    center_tag,
    centered_code,
    split_code,
)
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


# --- per center, per address ---------------------------------------------------------------------


def _wrong_for(http: TestClient, center: str, times: int, start: int = 0) -> None:
    for i in range(start, start + times):
        status, body, _ = _enroll(http, f"{center}-WRONG{i:03d}")
        assert (status, body["error"]) == (403, "enroll_refused"), body


def test_guessing_one_centers_codes_does_not_lock_out_the_other_villages_behind_the_address(
    service: CentralService,
) -> None:
    """Carrier-grade NAT: the attacker and many villages share one address."""
    mine = service.create_enroll_code("C001")
    theirs = service.create_enroll_code("C002")
    assert mine.center_code == f"C001-{mine.code}"
    with _client(service, "100.64.0.1") as shared, _client(service, "10.0.0.9") as elsewhere:
        _wrong_for(shared, "C001", ENROLL_MAX_REFUSALS)
        # C001 is braked from this address, even for its right code…
        status, body, _ = _enroll(shared, mine.center_code)
        assert (status, body["error"]) == (429, "enroll_throttled")
        # …but another village behind the same address enrolls at once.
        status, body, _ = _enroll(shared, theirs.center_code)
        assert status == 200 and body["center_id"] == "C002"
        # And C001's technician elsewhere is not held up by the attacker's ten.
        status, body, _ = _enroll(elsewhere, mine.center_code)
        assert status == 200 and body["center_id"] == "C001"


def test_a_center_guessed_from_many_addresses_is_braked_everywhere(
    service: CentralService,
) -> None:
    code = service.create_enroll_code("C001")
    per_address = ENROLL_MAX_REFUSALS - 1  # no address reaches its own limit
    done, n = 0, 0
    while done < ENROLL_MAX_REFUSALS_PER_CENTER:
        times = min(per_address, ENROLL_MAX_REFUSALS_PER_CENTER - done)
        with _client(service, f"10.0.1.{n}") as http:
            _wrong_for(http, "C001", times, start=done)
        done, n = done + times, n + 1
    with _client(service, "10.0.2.1") as fresh:
        status, body, _ = _enroll(fresh, code.center_code)
        assert (status, body["error"]) == (429, "enroll_throttled")
        assert "center" in body["message"]
        # The bare code is counted per address only: the village still has a way in.
        status, body, _ = _enroll(fresh, code.code)
    assert status == 200 and body["center_id"] == "C001"


def test_spraying_guesses_over_many_centers_brakes_the_address(
    db: CentralDb, clock: FakeClock
) -> None:
    brake = EnrollBrake(max_refusals=3, max_per_address=5)
    service = CentralService(db, clock=clock, enroll_brake=brake)
    code = service.create_enroll_code("C009")
    with _client(service, "100.64.0.1") as shared:
        for center in ("C001", "C002"):
            _wrong_for(shared, center, 2)
        _wrong_for(shared, "C003", 1)  # five refusals in all, none at three for one center
        status, body, _ = _enroll(shared, code.center_code)
        assert (status, body["error"]) == (429, "enroll_throttled")
        assert "address" in body["message"]


def test_a_right_code_under_another_centers_name_is_refused_and_not_spent(
    service: CentralService,
) -> None:
    code = service.create_enroll_code("C001").code
    with _client(service, "10.0.0.1") as a:
        assert _enroll(a, f"C002-{code}")[0] == 403
        status, body, _ = _enroll(a, f"c-001 {code.lower()}")  # typed loosely: still C001's
    assert status == 200 and body["center_id"] == "C001"


# --- the brake's bookkeeping ---------------------------------------------------------------------


def test_attempts_in_progress_count_so_a_parallel_burst_cannot_slip_through(
    db: CentralDb,
) -> None:
    clock = FakeClock()
    brake = EnrollBrake(max_refusals=3, window=timedelta(minutes=15), hold=timedelta(minutes=15))
    # Three attempts admitted at once (none settled yet): a fourth must wait for them.
    assert [brake.admit(db, "10.0.0.1", None, clock()) for _ in range(3)] == [None] * 3
    assert brake.admit(db, "10.0.0.1", None, clock()) == (1, "address")
    assert brake.admit(db, "10.0.0.2", None, clock()) is None  # others are not held up
    brake.settle(db, "10.0.0.1", None, clock(), refused=False)  # one was right: room for one
    assert brake.admit(db, "10.0.0.1", None, clock()) is None
    for _ in range(3):
        brake.settle(db, "10.0.0.1", None, clock(), refused=True)
    assert brake.admit(db, "10.0.0.1", None, clock()) == (15 * 60, "address")


def test_an_attempt_lost_with_its_worker_stops_counting(db: CentralDb) -> None:
    clock = FakeClock()
    brake = EnrollBrake(max_refusals=2)
    assert brake.admit(db, "10.0.0.1", None, clock()) is None
    assert brake.admit(db, "10.0.0.1", None, clock()) is None  # neither is ever settled
    assert brake.admit(db, "10.0.0.1", None, clock()) == (1, "address")
    clock.advance(seconds=ENROLL_IN_FLIGHT_STALE.total_seconds())
    assert brake.admit(db, "10.0.0.1", None, clock()) is None


def test_a_hold_shorter_than_the_window_starts_the_count_afresh(db: CentralDb) -> None:
    clock = FakeClock()
    brake = EnrollBrake(max_refusals=3, window=timedelta(hours=1), hold=timedelta(minutes=5))

    def refuse() -> None:
        assert brake.admit(db, "10.0.0.1", None, clock()) is None
        brake.settle(db, "10.0.0.1", None, clock(), refused=True)

    for _ in range(3):
        refuse()
    assert brake.admit(db, "10.0.0.1", None, clock()) == (300, "address")
    clock.advance(minutes=5)  # the hold is over; the three refusals are still in the window
    refuse()
    refuse()
    assert brake.admit(db, "10.0.0.1", None, clock()) is None  # two since the hold, not five


def test_ipv6_is_counted_per_64_block_and_mapped_ipv4_as_ipv4() -> None:
    key = EnrollBrake.key
    assert key("2001:db8:1:2:aaaa::1") == key("2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"
    assert key("2001:db8:1:3::1") != key("2001:db8:1:2::1")
    assert key("::ffff:10.0.0.1") == key("10.0.0.1") == "10.0.0.1"
    assert key("testclient") == "testclient"  # not an address: counted as given


def test_codes_name_their_center_or_not() -> None:
    assert split_code("C017-7kq2-m9xa") == ("C017", "7KQ2M9XA")
    assert split_code("7KQ2 M9XA") == (None, "7KQ2M9XA")
    assert centered_code("C-017", "7KQ2M9XA") == "C-017-7KQ2M9XA"
    assert split_code(centered_code("C-017", "7KQ2M9XA"))[0] == center_tag("C-017")
    assert centered_code("C" * 60, "7KQ2M9XA") == "7KQ2M9XA"  # too long for a kiosk to send


def test_keys_whose_counts_expired_are_swept(db: CentralDb, clock: FakeClock) -> None:
    """The table stays bounded by the keys active within the last window or hold."""
    brake = EnrollBrake()

    def refuse(prefix: str, n: int) -> None:
        for i in range(n):
            address = f"{prefix}.{i // 256}.{i % 256}"
            assert brake.admit(db, address, None, clock()) is None
            brake.settle(db, address, None, clock(), refused=True)

    refuse("10.1", 300)
    assert brake.tracked(db) == 600  # all within the window: all kept (address, address+*)
    clock.advance(seconds=ENROLL_WINDOW.total_seconds())
    refuse("10.2", 2 * ENROLL_SWEEP_EVERY)
    assert brake.tracked(db) <= 2 * 2 * ENROLL_SWEEP_EVERY  # the 300 expired ones were swept


def test_concurrent_attempts_on_separate_pools_never_pass_the_limit(
    db: CentralDb, db_url: str, clock: FakeClock
) -> None:
    """Twelve attempts at once through four pools (four workers): exactly three admitted."""
    brake = EnrollBrake(max_refusals=3)
    pools = [CentralDb(db_url) for _ in range(4)]
    start = threading.Barrier(12)
    results: list[tuple[int, str] | None] = []
    lock = threading.Lock()

    def attempt(i: int) -> None:
        start.wait()
        got = brake.admit(pools[i % 4], "10.0.0.1", "C001", clock())
        with lock:
            results.append(got)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(12)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        for pool in pools:
            pool.close()
    assert len(results) == 12
    assert sum(r is None for r in results) == 3
    assert brake.admit(db, "10.0.0.1", "C001", clock()) == (1, "address")


def test_a_held_address_naming_new_centers_adds_no_rows(db: CentralDb, clock: FakeClock) -> None:
    """Attempts refused by a hold create nothing: the table cannot be flooded through them."""
    brake = EnrollBrake(max_refusals=2, max_per_address=2)
    for _ in range(2):
        assert brake.admit(db, "10.0.0.1", None, clock()) is None
        brake.settle(db, "10.0.0.1", None, clock(), refused=True)
    rows = brake.tracked(db)
    for i in range(50):
        assert brake.admit(db, "10.0.0.1", f"X{i}", clock()) == (15 * 60, "address")
    assert brake.tracked(db) == rows

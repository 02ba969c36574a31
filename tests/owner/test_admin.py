"""Admin PINs (docs/reliability.md, Locked admin; below the GUI): hashing, rules, persisted
back-off."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from kiosk.admin import (
    ARGON2_MEMORY_KIB,
    PIN_BACKOFF,
    BackoffPolicy,
    BackoffState,
    ClockReading,
    Role,
    check_pin_rules,
    credited_elapsed,
    hash_parameters,
    meets_minimums,
    parse_role,
    wait_words,
)
from kiosk.errors import InvalidInput
from kiosk.storage import admin
from kiosk.storage.models import AuditEntry
from kiosk.storage.store import KioskStore
from tests.helpers.raw_files import raw_bytes
from tests.owner.conftest import FakeClock

OWNER_PIN = "2580"
TECH_PIN = "739146"


def test_pin_rules() -> None:
    assert check_pin_rules(" 2580 ") == "2580"
    for bad in ("123", "1234", "9876", "0000", "12a4", "1" * 13, "٣٤٥٦", "8901"):
        with pytest.raises(InvalidInput):
            check_pin_rules(bad)
    assert parse_role("tech") is Role.TECHNICIAN and parse_role("Owner") is Role.OWNER
    with pytest.raises(InvalidInput):
        parse_role("villager")


def test_stored_hash_meets_the_minimums_and_never_holds_the_pin(store: KioskStore) -> None:
    assert admin.pins_configured(store) == {Role.OWNER: False, Role.TECHNICIAN: False}
    admin.set_pin(store, Role.OWNER, OWNER_PIN, actor="technician")
    stored = admin.stored_pin_hash(store, Role.OWNER)
    assert stored is not None and OWNER_PIN not in stored
    params = hash_parameters(stored)
    assert params.algorithm == "argon2id"
    assert params.memory_kib >= 19 * 1024 == ARGON2_MEMORY_KIB
    assert params.time_cost >= 2 and params.parallelism == 1
    assert meets_minimums(params)
    assert admin.pins_configured(store) == {Role.OWNER: True, Role.TECHNICIAN: False}
    assert OWNER_PIN.encode() not in raw_bytes(store.path)
    with store.read() as s:
        actions = [a.action for a in s.scalars(select(AuditEntry))]
    assert actions == ["pin_set"]


def test_owner_and_technician_need_different_pins(store: KioskStore) -> None:
    admin.set_pin(store, Role.OWNER, OWNER_PIN, actor="technician")
    with pytest.raises(InvalidInput, match="different PINs"):
        admin.set_pin(store, Role.TECHNICIAN, OWNER_PIN, actor="technician")
    admin.set_pin(store, Role.TECHNICIAN, TECH_PIN, actor="technician")
    assert admin.verify_pin(store, Role.TECHNICIAN, TECH_PIN).ok
    assert not admin.verify_pin(store, Role.OWNER, TECH_PIN).ok


def test_only_the_technicians_own_change_is_checked_against_the_other_pin(
    store: KioskStore,
) -> None:
    admin.set_pin(store, Role.OWNER, OWNER_PIN, actor="technician")
    admin.set_pin(store, Role.TECHNICIAN, TECH_PIN, actor="technician")
    # The technician (who may reset the owner's PIN anyway) is told.
    with pytest.raises(InvalidInput, match="different PINs"):
        admin.change_pin(store, Role.TECHNICIAN, TECH_PIN, OWNER_PIN)
    assert admin.verify_pin(store, Role.TECHNICIAN, TECH_PIN).ok
    # The owner is not: the answer would give away the technician's PIN.
    assert admin.change_pin(store, Role.OWNER, OWNER_PIN, TECH_PIN).ok
    assert admin.verify_pin(store, Role.OWNER, TECH_PIN).ok
    assert admin.verify_pin(store, Role.TECHNICIAN, TECH_PIN).ok


def test_no_pin_set_means_not_configured(store: KioskStore) -> None:
    check = admin.verify_pin(store, Role.OWNER, "anything")
    assert check.ok and not check.configured


def test_policy_doubles_and_is_capped() -> None:
    waits = [PIN_BACKOFF.wait_after(n) for n in range(1, 12)]
    assert waits[:2] == [0, 0]
    assert waits[2:6] == [30, 60, 120, 240]
    assert all(b == min(2 * a, PIN_BACKOFF.max_s) for a, b in itertools.pairwise(waits[2:]))
    assert waits[-1] == PIN_BACKOFF.max_s
    assert wait_words(30) == "30 seconds" and wait_words(240) == "4 minutes"


def test_credited_time_never_exceeds_the_real_time() -> None:
    a = ClockReading(wall=1000.0, mono=50.0)
    assert credited_elapsed(a, ClockReading(1030.0, 80.0)) == 30  # normal
    assert credited_elapsed(a, ClockReading(1000.0 + 3 * 365 * 86400, 80.0)) == 30  # wall +3y
    assert credited_elapsed(a, ClockReading(-9e8, 80.0)) == 0  # wall set to 2000 or so
    assert credited_elapsed(a, ClockReading(5000.0, 10.0)) == 0  # reboot: mono restarted
    st = BackoffState(3, 30.0, a).advanced(ClockReading(1010.0, 60.0))
    assert st.remaining_s == 20 and st.anchor == ClockReading(1010.0, 60.0)


def _fail(store: KioskStore, clock: FakeClock, times: int) -> admin.PinCheck:
    """``times`` wrong PINs, each after the previous wait has run out."""
    check = admin.PinCheck(False, 0, 0)
    for _ in range(times):
        clock.pass_time(check.wait_s)
        check = admin.verify_pin(store, Role.OWNER, "1357", clock=clock)
        assert not check.ok
    return check


def test_backoff_doubles_and_survives_a_restart(store: KioskStore, clock: FakeClock) -> None:
    admin.set_pin(store, Role.OWNER, OWNER_PIN, actor="technician")
    assert _fail(store, clock, 2).wait_s == 0
    third = _fail(store, clock, 1)
    assert (third.ok, third.wait_s, third.failures) == (False, 30, 3)
    # During the wait even the right PIN is not checked, and the try does not count.
    clock.pass_time(10)
    during = admin.verify_pin(store, Role.OWNER, OWNER_PIN, clock=clock)
    assert (during.ok, during.wait_s, during.failures) == (False, 20, 3)

    # Quit and start again: the wait is still there.
    data_dir = store.data_dir
    store.close()
    with KioskStore.open(data_dir) as again:
        assert admin.verify_pin(again, Role.OWNER, OWNER_PIN, clock=clock).wait_s == 20
        clock.pass_time(20)
        fourth = admin.verify_pin(again, Role.OWNER, "1357", clock=clock)
        assert (fourth.wait_s, fourth.failures) == (60, 4)  # doubled
        clock.pass_time(60)
        ok = admin.verify_pin(again, Role.OWNER, OWNER_PIN, clock=clock)
        assert ok.ok and ok.failures == 0 and ok.wait_s == 0
        with again.read() as s:
            actions = [a.action for a in s.scalars(select(AuditEntry))]
    assert actions.count("pin_wrong") == 4 and actions.count("pin_refused_wait") == 2
    assert actions[-1] == "pin_ok"


@pytest.mark.parametrize(
    "jump_s",
    [
        datetime(2000, 1, 1, tzinfo=UTC).timestamp() - 1_750_000_000.0,  # back to 2000-01-01
        3 * 365 * 86400.0,  # three years ahead
    ],
)
def test_backoff_holds_when_the_clock_jumps(
    store: KioskStore, clock: FakeClock, jump_s: float
) -> None:
    admin.set_pin(store, Role.OWNER, OWNER_PIN, actor="technician")
    assert _fail(store, clock, 4).wait_s == 60
    clock.wall += jump_s  # someone moves the clock; no real time passes
    refused = admin.verify_pin(store, Role.OWNER, OWNER_PIN, clock=clock)
    assert not refused.ok and refused.wait_s == pytest.approx(60)
    clock.pass_time(59)
    assert admin.verify_pin(store, Role.OWNER, OWNER_PIN, clock=clock).wait_s == pytest.approx(1)
    clock.pass_time(1)
    assert admin.verify_pin(store, Role.OWNER, OWNER_PIN, clock=clock).ok


def test_a_reboot_restarts_the_wait_but_never_skips_it(store: KioskStore, clock: FakeClock) -> None:
    admin.set_pin(store, Role.OWNER, OWNER_PIN, actor="technician")
    _fail(store, clock, 5)  # 120 s
    clock.pass_time(30)
    assert admin.verify_pin(store, Role.OWNER, OWNER_PIN, clock=clock).wait_s == 90
    clock.reboot(after_s=3 * 365 * 86400)  # off for "three years" by a wrong clock
    assert admin.verify_pin(store, Role.OWNER, OWNER_PIN, clock=clock).wait_s == 90
    clock.pass_time(90)
    assert admin.verify_pin(store, Role.OWNER, OWNER_PIN, clock=clock).ok


def test_custom_policy_shape() -> None:
    p = BackoffPolicy(free_tries=1, base_s=5, max_s=20)
    assert [p.wait_after(n) for n in range(0, 6)] == [0, 5, 10, 20, 20, 20]

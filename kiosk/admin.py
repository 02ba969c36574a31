"""Owner and technician modes: roles, PIN rules, PIN hashing and the back-off policy.

Pure domain code (no SQL, no Qt). :mod:`kiosk.storage.admin` keeps the hashes and the back-off
state in the store; the GUI's PIN dialog and the CLI both go through it.

PINs are hashed with Argon2id at OWASP's minimum (19 MiB, two passes, one lane): a PIN has few
digits, so what protects it against someone holding the database file is the cost of each guess,
and what protects it at the counter is the back-off.

The back-off must hold across restarts and when someone moves the clock. Waiting time is
therefore *credited* step by step (see :func:`credited_elapsed`): each step counts the smaller of
what the wall clock and the monotonic clock (time since boot) say passed, never less than zero.
Neither a clock set back to 2000 nor one set three years ahead shortens a wait; a reboot only
restarts the remaining wait, it never skips it.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from kiosk.errors import InvalidInput, KioskError
from kiosk.waits import wait_words as wait_words  # the CLI and storage say waits with it


class Role(StrEnum):
    """Who is at the kiosk. Villager mode needs no PIN; the other two do."""

    VILLAGER = "villager"
    OWNER = "owner"
    TECHNICIAN = "technician"


#: Roles that have a PIN.
PIN_ROLES: tuple[Role, ...] = (Role.OWNER, Role.TECHNICIAN)


def parse_role(text: str) -> Role:
    """Parse ``owner`` or ``technician`` (``tech`` accepted) with a clear error."""
    key = text.strip().lower()
    if key == "tech":
        key = Role.TECHNICIAN.value
    try:
        role = Role(key)
    except ValueError:
        role = Role.VILLAGER
    if role not in PIN_ROLES:
        raise InvalidInput(f"unknown role '{text}'; use owner or technician")
    return role


class WrongPin(KioskError):
    """A PIN or pickup code was wrong, or the back-off is still running."""

    exit_code = 5


# --- PIN rules and hashing -----------------------------------------------------------------------

PIN_MIN_DIGITS = 4
PIN_MAX_DIGITS = 12

#: Argon2id parameters (OWASP minimum: m=19 MiB, t=2, p=1). Tests read them back from the hash.
ARGON2_MEMORY_KIB = 19_456
ARGON2_TIME_COST = 2
ARGON2_PARALLELISM = 1

_HASHER = PasswordHasher(
    time_cost=ARGON2_TIME_COST,
    memory_cost=ARGON2_MEMORY_KIB,
    parallelism=ARGON2_PARALLELISM,
    hash_len=32,
    salt_len=16,
    type=Type.ID,
)


def check_pin_rules(pin: str) -> str:
    """Return the PIN if it is acceptable, else raise :class:`InvalidInput` saying why.

    4 to 12 digits; not one digit repeated (0000) nor a straight run (1234, 9876), which are the
    first guesses anybody tries.
    """
    pin = pin.strip()
    if not pin.isdigit() or not pin.isascii():
        raise InvalidInput("a PIN is digits only", code="pin.not_digits")
    if not PIN_MIN_DIGITS <= len(pin) <= PIN_MAX_DIGITS:
        raise InvalidInput(
            f"a PIN has {PIN_MIN_DIGITS} to {PIN_MAX_DIGITS} digits",
            code="pin.length",
            params={"min": PIN_MIN_DIGITS, "max": PIN_MAX_DIGITS},
        )
    if len(set(pin)) == 1:
        raise InvalidInput(
            "a PIN cannot be one digit repeated; choose another", code="pin.repeated"
        )
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {9}):
        raise InvalidInput(
            "a PIN cannot be a run like 1234 or 4321; choose another", code="pin.run"
        )
    return pin


def hash_pin(pin: str) -> str:
    """Argon2id hash (PHC string, with its parameters and salt) of an acceptable PIN."""
    return _HASHER.hash(check_pin_rules(pin))


def verify_pin_hash(pin: str, pin_hash: str) -> bool:
    """True when ``pin`` matches ``pin_hash``; a malformed hash never matches."""
    try:
        return _HASHER.verify(pin_hash, pin.strip())
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True, slots=True)
class HashParameters:
    """What a stored hash says about how it was made."""

    algorithm: str
    memory_kib: int
    time_cost: int
    parallelism: int


def hash_parameters(pin_hash: str) -> HashParameters:
    """Read the parameters back out of a stored hash (for tests and ``kiosk doctor``)."""
    p = extract_parameters(pin_hash)
    return HashParameters(
        algorithm=f"argon2{p.type.name.lower()}",
        memory_kib=p.memory_cost,
        time_cost=p.time_cost,
        parallelism=p.parallelism,
    )


def meets_minimums(params: HashParameters) -> bool:
    """True when a hash is at least as costly as docs/reliability.md (Locked admin) asks."""
    return (
        params.algorithm == "argon2id"
        and params.memory_kib >= ARGON2_MEMORY_KIB
        and params.time_cost >= ARGON2_TIME_COST
    )


# --- back-off ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    """How long to wait after ``failures`` wrong tries in a row.

    The first ``free_tries`` wrong tries cost nothing (typos happen); after that every further
    wrong try doubles the wait, from ``base_s`` up to ``max_s``.
    """

    free_tries: int = 3
    base_s: float = 30.0
    max_s: float = 3600.0

    def wait_after(self, failures: int) -> float:
        """Seconds to wait after ``failures`` wrong tries in a row."""
        if failures < self.free_tries:
            return 0.0
        return float(min(self.max_s, self.base_s * 2 ** (failures - self.free_tries)))


#: PINs: 3 free tries, then 30 s, 60 s, 120 s … at most an hour.
PIN_BACKOFF = BackoffPolicy()
#: Pickup codes per order: same shape (a million codes; 3 free tries and doubling waits mean a
#: guesser gets a few dozen tries a day at most).
PICKUP_BACKOFF = BackoffPolicy()


@dataclass(frozen=True, slots=True)
class ClockReading:
    """Both clocks at one moment: ``wall`` (epoch seconds) and ``mono`` (seconds since boot)."""

    wall: float
    mono: float


class Clock(Protocol):
    """Something that reads both clocks; tests pass a fake one to jump the wall clock."""

    def __call__(self) -> ClockReading: ...


def system_clock() -> ClockReading:
    """The real clocks. ``time.monotonic`` counts from boot on Linux and Windows."""
    return ClockReading(wall=time.time(), mono=time.monotonic())


def credited_elapsed(before: ClockReading, now: ClockReading) -> float:
    """Time that surely passed between two readings: ``max(0, min(Δwall, Δmono))``.

    Never more than the real time: a wall clock moved forward is capped by the monotonic clock; a
    wall clock moved back credits nothing; after a reboot the monotonic difference is at most the
    new uptime (or negative), which is at most the real time.
    """
    return max(0.0, min(now.wall - before.wall, now.mono - before.mono))


@dataclass(frozen=True, slots=True)
class BackoffState:
    """Persisted state of one back-off (a role's PIN, one order's pickup code).

    ``remaining_s`` is the wait still to serve as of ``anchor``.
    """

    failures: int = 0
    remaining_s: float = 0.0
    anchor: ClockReading | None = None

    def advanced(self, now: ClockReading) -> BackoffState:
        """The state at ``now``: the credited time is taken off the wait; re-anchored at ``now``.

        Re-anchoring at every look is what lets a wait finish after a reboot or a clock set back
        (the next steps are credited from the new anchor).
        """
        if self.anchor is None or self.remaining_s <= 0:
            return BackoffState(self.failures, 0.0, now)
        left = max(0.0, self.remaining_s - credited_elapsed(self.anchor, now))
        return BackoffState(self.failures, left, now)

    def after_failure(self, now: ClockReading, policy: BackoffPolicy) -> BackoffState:
        """One more wrong try at ``now`` (the wait restarts from the new, doubled value)."""
        failures = self.failures + 1
        return BackoffState(failures, policy.wait_after(failures), now)

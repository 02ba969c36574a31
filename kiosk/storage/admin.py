"""Admin PINs and back-offs in the store: set, verify, and the persisted back-off state.

No session object here: the GUI keeps its own idle lock and calls :func:`verify_pin` to unlock;
the CLI calls it once per command. Every PIN set, every wrong PIN and every refusal during a
back-off is written to the audit log (never the PIN itself).

The back-off state lives in the ``backoffs`` table so that quitting the program, pulling the plug or
moving the clock does not reset it (docs/reliability.md, Locked admin); see :mod:`kiosk.admin` for
how waiting time is credited.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.admin import (
    PIN_BACKOFF,
    PIN_ROLES,
    BackoffPolicy,
    BackoffState,
    Clock,
    ClockReading,
    Role,
    check_pin_rules,
    hash_pin,
    system_clock,
    verify_pin_hash,
)
from kiosk.errors import InvalidInput
from kiosk.kernel.clock import utc_now_text
from kiosk.storage.models import AdminPin, Backoff
from kiosk.storage.store import KioskStore

log = logging.getLogger(__name__)


# --- persisted back-offs (PINs here, pickup codes in kiosk.storage.owner) -----------------------


def load_backoff(s: Session, key: str) -> BackoffState:
    """The stored back-off state of ``key`` (a fresh one when there is none)."""
    row = s.get(Backoff, key)
    if row is None:
        return BackoffState()
    anchor = None
    if row.anchor_wall is not None and row.anchor_mono is not None:
        anchor = ClockReading(row.anchor_wall, row.anchor_mono)
    return BackoffState(row.failures, row.remaining_s, anchor)


def save_backoff(s: Session, key: str, state: BackoffState) -> None:
    """Store ``state`` for ``key`` inside a write unit of work."""
    row = s.get(Backoff, key)
    if row is None:
        row = Backoff(key=key)
        s.add(row)
    row.failures = state.failures
    row.remaining_s = state.remaining_s
    row.anchor_wall = state.anchor.wall if state.anchor else None
    row.anchor_mono = state.anchor.mono if state.anchor else None


def current_wait(s: Session, key: str, now: ClockReading) -> BackoffState:
    """Advance ``key``'s back-off to ``now`` and store it (write unit of work); returns it."""
    state = load_backoff(s, key).advanced(now)
    if s.get(Backoff, key) is not None:
        save_backoff(s, key, state)
    return state


def record_try(
    s: Session, key: str, ok: bool, now: ClockReading, policy: BackoffPolicy
) -> BackoffState:
    """Record a right (reset) or wrong (one more failure, longer wait) try of ``key``."""
    state = BackoffState(0, 0.0, now) if ok else load_backoff(s, key).after_failure(now, policy)
    save_backoff(s, key, state)
    return state


# --- PINs ---------------------------------------------------------------------------------------


def pin_key(role: Role) -> str:
    """The back-off key of a role's PIN."""
    return f"pin:{role.value}"


@dataclass(frozen=True, slots=True)
class PinCheck:
    """The outcome of one PIN try.

    Attributes:
        ok: the PIN was right (or none is set for this role: ``configured`` is then False).
        wait_s: seconds before the next try is accepted (0 when another try may be made now).
        failures: wrong tries in a row so far.
        configured: a PIN is set for this role.
    """

    ok: bool
    wait_s: float
    failures: int
    configured: bool = True


def _role(role: Role | str) -> Role:
    r = Role(role)
    if r not in PIN_ROLES:
        raise InvalidInput(
            f"the {r.value} role has no PIN", code="pin.no_role", params={"role": r.value}
        )
    return r


def pins_configured(store: KioskStore) -> dict[Role, bool]:
    """Which roles have a PIN set (the first-run wizard asks for the missing ones)."""
    with store.read() as s:
        have = set(s.scalars(select(AdminPin.role)))
    return {role: role.value in have for role in PIN_ROLES}


def stored_pin_hash(store: KioskStore, role: Role | str) -> str | None:
    """The stored hash of a role's PIN (for checks of its parameters), or ``None``."""
    with store.read() as s:
        row = s.get(AdminPin, _role(role).value)
        return row.pin_hash if row else None


def set_pin(
    store: KioskStore,
    role: Role | str,
    pin: str,
    actor: str,
    *,
    how: str = "",
    distinct: bool = True,
) -> None:
    """Set or change a role's PIN (hashed with Argon2id); clears that role's back-off.

    The caller must already have checked that ``actor`` may do this (the current PIN, or the
    technician's PIN, or first run); :func:`change_pin` and :func:`reset_pin` are the GUI's two
    ways. With ``distinct`` the PIN must differ from the other role's, so that one PIN never
    opens both modes; that refusal tells whoever gets it the other role's PIN, so it is only for
    callers entitled to know it (first run, the technician). ``how`` goes to the audit entry's
    detail (never the PIN).

    Raises:
        InvalidInput: the PIN breaks the rules or (``distinct``) equals the other role's PIN.
    """
    r = _role(role)
    pin = check_pin_rules(pin)
    new_hash = hash_pin(pin)  # slow by design: before BEGIN IMMEDIATE, to keep the lock short
    if distinct:
        with store.read() as s:
            others = [
                p.pin_hash for p in s.scalars(select(AdminPin).where(AdminPin.role != r.value))
            ]
        if any(verify_pin_hash(pin, h) for h in others):
            raise InvalidInput(
                "the owner and the technician need different PINs", code="pin.same_as_other"
            )
    with store.write() as s:
        row = s.get(AdminPin, r.value)
        now = utc_now_text()
        if row is None:
            s.add(AdminPin(role=r.value, pin_hash=new_hash, set_at=now, set_by=actor))
        else:
            row.pin_hash, row.set_at, row.set_by = new_hash, now, actor
        save_backoff(s, pin_key(r), BackoffState())
        KioskStore.audit(s, actor, "pin_set", r.value, how)
    log.info("PIN of %s set by %s", r.value, actor)


def verify_pin(
    store: KioskStore, role: Role | str, pin: str, *, clock: Clock = system_clock
) -> PinCheck:
    """Try a PIN for ``role``, honouring and updating the persisted back-off.

    During a back-off the PIN is not even checked (and the try does not count); the answer says
    how long to wait. A right PIN resets the back-off, a wrong one lengthens it.
    """
    r = _role(role)
    key = pin_key(r)
    now = clock()
    with store.write() as s:
        row = s.get(AdminPin, r.value)
        if row is None:
            return PinCheck(ok=True, wait_s=0.0, failures=0, configured=False)
        pin_hash = row.pin_hash
        state = current_wait(s, key, now)
        if state.remaining_s > 0:
            KioskStore.audit(s, "someone", "pin_refused_wait", r.value, f"{state.remaining_s:.0f}s")
            return PinCheck(ok=False, wait_s=state.remaining_s, failures=state.failures)
    ok = verify_pin_hash(pin, pin_hash)  # outside the write lock: Argon2id is slow by design
    now = clock()
    with store.write() as s:
        state = current_wait(s, key, now)
        if state.remaining_s > 0:  # another try failed meanwhile
            return PinCheck(ok=False, wait_s=state.remaining_s, failures=state.failures)
        state = record_try(s, key, ok, now, PIN_BACKOFF)
        KioskStore.audit(
            s,
            r.value if ok else "someone",
            "pin_ok" if ok else "pin_wrong",
            r.value,
            "" if ok else f"failures {state.failures}",
        )
    if not ok:
        log.warning("wrong %s PIN (%d in a row)", r.value, state.failures)
    return PinCheck(ok=ok, wait_s=state.remaining_s, failures=state.failures)


def change_pin(
    store: KioskStore,
    role: Role | str,
    current_pin: str,
    new_pin: str,
    *,
    clock: Clock = system_clock,
) -> PinCheck:
    """Change a role's own PIN: the current PIN first, then the new one.

    The current PIN is tried through :func:`verify_pin`, so a wrong one counts toward the same
    persisted back-off as the unlock screen (and during a back-off it is not even checked). The
    new PIN's rules are checked before that, so a slip in the new PIN costs no try.

    The owner's new PIN is not compared with the technician's: a refusal "same as the
    technician's" would tell the owner the technician's PIN, one try at a time and without any
    back-off. (An owner PIN that happens to equal it opens only what typing it on the
    technician's unlock screen would, under that screen's back-off.) The technician, who may
    reset the owner's PIN anyway, still gets the refusal.

    Returns:
        The check of the current PIN. Only when ``ok`` was the PIN changed (audited as done by
        the role itself); ``configured`` is False (and nothing changed) when the role has no PIN.

    Raises:
        InvalidInput: the new PIN breaks the rules, or the technician's equals the owner's.
    """
    r = _role(role)
    new_pin = check_pin_rules(new_pin)
    check = verify_pin(store, r, current_pin, clock=clock)
    if not check.configured:
        return PinCheck(ok=False, wait_s=0.0, failures=0, configured=False)
    if check.ok:
        set_pin(
            store,
            r,
            new_pin,
            r.value,
            how="changed with the current PIN",
            distinct=r is not Role.OWNER,
        )
    return check


def reset_pin(store: KioskStore, role: Role | str, new_pin: str, actor: Role | str) -> None:
    """The technician gives the owner a new PIN without knowing the old one (the owner forgot it).

    Only that way round: the owner cannot reset the technician's PIN, and nobody resets their
    own this way (that is :func:`change_pin`). Clears the owner's back-off; audited as done by
    the technician.

    Raises:
        InvalidInput: not the technician resetting the owner's PIN, or the new PIN is refused.
    """
    r = _role(role)
    who = Role(actor)
    if who is not Role.TECHNICIAN or r is not Role.OWNER:
        raise InvalidInput(
            "only the technician can reset a PIN, and only the owner's",
            code="pin.reset_not_allowed",
        )
    set_pin(store, r, new_pin, who.value, how="reset by the technician")

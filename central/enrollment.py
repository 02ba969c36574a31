"""Enrollment and devices: one-time codes, device tokens, revocation, and the enrollment brake.

A center's PC enrolls once with a one-time code an operator issued (``kiosk-central enroll-code``)
and gets a device token; central keeps only the token's hash. :class:`EnrollBrake` slows down
guessing of codes per client address (see docs/central.md).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select, text, update

from central.clock import Clock, aware, iso
from central.db import CentralDb
from central.errors import BadRequest, EnrollRefused, EnrollThrottled, NotFoundError, Unauthorized
from central.models import Center, Device, EnrollCode, HeartbeatRecord
from kiosk.wire import EnrollRequest, EnrollResponse

log = logging.getLogger("central")

#: Enrollment codes: 8 characters without look-alikes (no 0/O, 1/I/L), easy to read aloud.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
DEFAULT_CODE_TTL_HOURS = 24.0
MAX_CODE_TTL_HOURS = 24.0 * 30
#: The token lookup of every authenticated request, as one plain statement (PostgreSQL: run
#: outside a transaction, one round trip; see :meth:`Enrollment.authenticate`).
TOKEN_LOOKUP = text("SELECT id, center_id, revoked_at FROM devices WHERE token_hash = :token_hash")
#: The enrollment brake: this many refused codes from one client address within the window…
ENROLL_MAX_REFUSALS = 10
ENROLL_WINDOW = timedelta(minutes=15)
#: …and that address's enrollments are answered 429 for this long.
ENROLL_HOLD = timedelta(minutes=15)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalize_code(code: str) -> str:
    """Codes are typed by people: ignore case, spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch not in " -")


@dataclass(frozen=True, slots=True)
class EnrollCodeIssued:
    """A one-time enrollment code just issued (the code itself is shown once, never stored)."""

    code: str
    expires_at: str
    center_id: str


@dataclass(frozen=True, slots=True)
class DeviceInfo:
    """One enrolled device as the operators see it (times ISO 8601 UTC)."""

    device_id: str
    center_id: str
    pc_no: int | None
    name: str
    app_version: str
    enrolled_at: str
    revoked_at: str | None
    last_seen: str | None


@dataclass(frozen=True, slots=True)
class DeviceRevoked:
    """A device revoked (or already revoked: ``revoked_at`` is when it first was)."""

    device_id: str
    center_id: str
    revoked_at: str


@dataclass(frozen=True, slots=True)
class DeviceAuth:
    """Who is calling: an enrolled device and its center."""

    device_id: str
    center_id: str


@dataclass
class _Attempts:
    """One client address's recent enrollment attempts (see :class:`EnrollBrake`)."""

    refusals: list[datetime] = field(default_factory=list)
    in_flight: int = 0
    held_until: datetime | None = None


class EnrollBrake:
    """Slows down guessing of enrollment codes, per client address.

    After ``max_refusals`` refused codes from one address within ``window``, every enrollment
    from that address is answered 429 for ``hold``, *before* its code is looked at: a right
    code is refused too while the brake is on, or the brake would tell an attacker which guess
    was right. Attempts still in progress count as refusals when a new one is admitted, so a burst
    of parallel requests cannot slip more than ``max_refusals`` guesses past the check.

    A successful enrollment does not clear the count (it spends a one-time code; a technician
    enrolling many kiosks from one place makes no refusals). IPv6 clients are counted per /64,
    the block one subscriber usually gets, so rotating addresses inside it does not help.

    State is in memory, per process (see docs/central.md: a restart clears it; N processes let
    through N × ``max_refusals`` guesses per window, still hopeless against 31^8 codes). Time is
    the service's injected clock. Thread-safe: FastAPI runs ``enroll`` on a thread pool.
    """

    def __init__(
        self,
        max_refusals: int = ENROLL_MAX_REFUSALS,
        window: timedelta = ENROLL_WINDOW,
        hold: timedelta = ENROLL_HOLD,
    ) -> None:
        self.max_refusals = max_refusals
        self.window = window
        self.hold = hold
        self._lock = threading.Lock()
        self._by_key: dict[str, _Attempts] = {}
        self._sweep_at = 1024

    @staticmethod
    def key(address: str) -> str:
        """The address the brake counts for: an IPv4 address, an IPv6 /64, or the raw text."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return address
        if isinstance(ip, ipaddress.IPv6Address):
            if ip.ipv4_mapped is not None:
                return str(ip.ipv4_mapped)
            return str(ipaddress.IPv6Network((ip, 64), strict=False))
        return str(ip)

    def _prune(self, a: _Attempts, now: datetime) -> None:
        a.refusals = [t for t in a.refusals if now - t < self.window]
        if a.held_until is not None and now >= a.held_until:
            a.held_until = None

    def admit(self, address: str, now: datetime) -> int | None:
        """Seconds to wait when the brake is on for ``address``; else ``None``, and the attempt
        is counted as in progress until :meth:`settle`."""
        key = self.key(address)
        with self._lock:
            a = self._by_key.setdefault(key, _Attempts())
            self._prune(a, now)
            if a.held_until is not None:
                left = min(a.held_until - now, self.hold).total_seconds()
                return max(1, math.ceil(left))
            if len(a.refusals) + a.in_flight >= self.max_refusals:
                # The attempts in progress may all be refused: wait for their outcome.
                return 1
            a.in_flight += 1
            return None

    def settle(self, address: str, now: datetime, *, refused: bool) -> None:
        """The attempt :meth:`admit` let through has ended; ``refused``: its code was refused."""
        key = self.key(address)
        with self._lock:
            a = self._by_key.setdefault(key, _Attempts())
            a.in_flight = max(0, a.in_flight - 1)
            self._prune(a, now)
            if refused:
                a.refusals.append(now)
                if len(a.refusals) >= self.max_refusals:
                    a.held_until = now + self.hold
                    a.refusals.clear()
                    # Once per hold, not per throttled attempt: an attack must not flood the log.
                    log.warning(
                        "enrollment brake on for %s: %d refused codes within %s; held for %s",
                        key,
                        self.max_refusals,
                        self.window,
                        self.hold,
                    )
            if len(self._by_key) > self._sweep_at:
                self._sweep(now)

    def tracked(self) -> int:
        """How many addresses the brake holds state for (memory use; tests)."""
        with self._lock:
            return len(self._by_key)

    def _sweep(self, now: datetime) -> None:
        for key in list(self._by_key):
            a = self._by_key[key]
            self._prune(a, now)
            if not a.refusals and a.held_until is None and a.in_flight == 0:
                del self._by_key[key]
        self._sweep_at = max(1024, 2 * len(self._by_key))


class Enrollment:
    """Enrollment codes, enrolling, authenticating devices, listing and revoking them.

    Args:
        db: the opened (and migrated) database.
        clock: the server clock (code expiry, the brake's window).
        brake: the brake on refused enrollment codes.
    """

    def __init__(self, db: CentralDb, clock: Clock, brake: EnrollBrake) -> None:
        self.db = db
        self.clock = clock
        self.enroll_brake = brake

    def create_enroll_code(
        self,
        center_id: str,
        center_name: str | None = None,
        ttl_hours: float = DEFAULT_CODE_TTL_HOURS,
        replaces: str | None = None,
    ) -> EnrollCodeIssued:
        """Issue a one-time enrollment code for ``center_id`` (creating the center if new).

        ``replaces``: a device of that center the enrolling PC replaces; it is revoked when the
        code is used. Without it the enrolling PC is one more PC of the center.
        """
        center_id = center_id.strip()
        if (
            not center_id
            or len(center_id) > 64
            or not all(c.isalnum() or c in "._-" for c in center_id)
        ):
            raise BadRequest(
                "a center id is 1-64 letters, digits, dots, dashes or underscores (e.g. C017)"
            )
        if not 0 < ttl_hours <= MAX_CODE_TTL_HOURS:
            raise BadRequest(f"--ttl-hours must be more than 0 and at most {MAX_CODE_TTL_HOURS:g}")
        now = self.clock()
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        expires = now + timedelta(hours=ttl_hours)
        with self.db.write() as s:
            center = s.get(Center, center_id)
            if center is None:
                s.add(Center(id=center_id, name=center_name or center_id, created_at=now))
            elif center_name:
                center.name = center_name
            s.flush()
            if replaces is not None:
                old = s.get(Device, replaces.strip())
                if old is None or old.center_id != center_id:
                    raise NotFoundError(f"center {center_id} has no device {replaces}")
            s.add(
                EnrollCode(
                    code_hash=sha256_hex(code.encode()),
                    center_id=center_id,
                    created_at=now,
                    expires_at=expires,
                    replaces=replaces.strip() if replaces else None,
                )
            )
        return EnrollCodeIssued(code=code, expires_at=iso(expires), center_id=center_id)

    def enroll(self, req: EnrollRequest, address: str = "") -> EnrollResponse:
        """Exchange a one-time code for a device token (only its hash is kept here).

        ``address`` is the client's network address, for the :class:`EnrollBrake`.

        Raises:
            EnrollThrottled: the brake is on for ``address``; the code was not looked at.
            EnrollRefused: the code is unknown, used or expired (counted by the brake).
        """
        wait = self.enroll_brake.admit(address, self.clock())
        if wait is not None:
            raise EnrollThrottled(
                f"too many refused enrollment codes from this address; try again in {wait} seconds",
                retry_after_s=wait,
            )
        refused = False
        try:
            return self._enroll(req)
        except EnrollRefused:
            refused = True
            raise
        finally:
            self.enroll_brake.settle(address, self.clock(), refused=refused)

    def _enroll(self, req: EnrollRequest) -> EnrollResponse:
        code_hash = sha256_hex(normalize_code(req.code).encode())
        now = self.clock()
        token = secrets.token_urlsafe(32)
        device_id = str(uuid.uuid4())
        refused = EnrollRefused("this enrollment code is unknown, already used or expired")
        with self.db.write() as s:
            row = s.get(EnrollCode, code_hash)
            if row is None or row.used_at is not None or aware(row.expires_at) <= now:
                raise refused
            # Conditional update: of two devices racing with the same code, exactly one wins.
            won = s.execute(
                update(EnrollCode)
                .where(EnrollCode.code_hash == code_hash, EnrollCode.used_at.is_(None))
                .values(used_at=now, device_id=device_id)
            )
            if getattr(won, "rowcount", 0) != 1:
                raise refused
            # The center row is locked so two PCs enrolling at once get different numbers.
            center = s.execute(
                select(Center).where(Center.id == row.center_id).with_for_update()
            ).scalar_one()
            top = s.scalar(select(func.max(Device.pc_no)).where(Device.center_id == center.id))
            pc_no = int(top or 0) + 1
            s.add(
                Device(
                    id=device_id,
                    center_id=center.id,
                    name=req.device_name,
                    app_version=req.app_version,
                    token_hash=sha256_hex(token.encode()),
                    created_at=now,
                    pc_no=pc_no,
                )
            )
            replaced = None
            if row.replaces is not None:
                old = s.get(Device, row.replaces)
                if old is not None and old.revoked_at is None:
                    old.revoked_at = now
                replaced = row.replaces
            return EnrollResponse(
                device_id=device_id,
                center_id=center.id,
                center_name=center.name,
                token=token,
                pc_no=pc_no,
                replaced_device_id=replaced,
            )

    def authenticate(self, token: str) -> DeviceAuth:
        """The device holding ``token``, or :class:`Unauthorized`."""
        if not token or len(token) > 200:
            raise Unauthorized("a device token is needed; enroll this kiosk first")
        params = {"token_hash": sha256_hex(token.encode())}
        if self.db.is_sqlite:
            with self.db.read() as s:
                row = s.execute(TOKEN_LOOKUP, params).first()
        else:
            # Every request of every kiosk comes here first: one statement, no BEGIN/COMMIT.
            with self.db.autocommit() as conn:
                row = conn.execute(TOKEN_LOOKUP, params).first()
        if row is None:
            raise Unauthorized("this device token is not known here; enroll the kiosk again")
        if row[2] is not None:
            raise Unauthorized(
                "this PC was revoked by the platform; enroll it again with a new code"
            )
        return DeviceAuth(device_id=row[0], center_id=row[1])

    def list_devices(self, center_id: str | None = None) -> list[DeviceInfo]:
        """Every enrolled device (of one center), revoked ones included, by center and PC."""
        with self.db.read() as s:
            stmt = select(Device).order_by(Device.center_id, Device.pc_no, Device.created_at)
            if center_id:
                stmt = stmt.where(Device.center_id == center_id)
            devices = list(s.scalars(stmt))
            seen = dict(
                s.execute(
                    select(
                        HeartbeatRecord.device_id, func.max(HeartbeatRecord.received_at)
                    ).group_by(HeartbeatRecord.device_id)
                ).all()
            )
        return [
            DeviceInfo(
                device_id=d.id,
                center_id=d.center_id,
                pc_no=d.pc_no,
                name=d.name,
                app_version=d.app_version,
                enrolled_at=iso(d.created_at),
                revoked_at=iso(d.revoked_at) if d.revoked_at else None,
                last_seen=iso(seen[d.id]) if seen.get(d.id) else None,
            )
            for d in devices
        ]

    def revoke_device(self, device_id: str) -> DeviceRevoked:
        """Revoke a device: its token stops working at once; its events and orders stay."""
        with self.db.write() as s:
            device = s.get(Device, device_id.strip())
            if device is None:
                raise NotFoundError(f"no device {device_id} on the central service")
            if device.revoked_at is None:
                device.revoked_at = self.clock()
            center_id, revoked_at = device.center_id, device.revoked_at
        return DeviceRevoked(
            device_id=device_id.strip(), center_id=center_id, revoked_at=iso(revoked_at)
        )

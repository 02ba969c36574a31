"""Enrollment and devices: one-time codes, device tokens, revocation, and the enrollment brake.

A center's PC enrolls once with a one-time code an operator issued (``kiosk-central enroll-code``)
and gets a device token; central keeps only the token's hash. :class:`EnrollBrake` slows down
guessing of codes per client address and per center, in the database, so every worker process
shares it (see docs/central.md).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import secrets
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from central.clock import Clock, aware, iso
from central.db import CentralDb
from central.edge import PG_SPEND, DeviceRateLimit
from central.errors import BadRequest, EnrollRefused, EnrollThrottled, NotFoundError, Unauthorized
from central.models import Center, Device, EnrollBrakeRecord, EnrollCode, HeartbeatRecord
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
#: PostgreSQL: the token lookup and the device's rate-limit spend (:data:`central.edge.PG_SPEND`)
#: in one statement, outside a transaction: one round trip for both. The last column is true when
#: the spend went through.
TOKEN_LOOKUP_AND_SPEND = text(
    "WITH device AS (SELECT id, center_id, revoked_at FROM devices"
    f" WHERE token_hash = :token_hash), {PG_SPEND}"
    " SELECT id, center_id, revoked_at, EXISTS (SELECT 1 FROM spent) FROM device"
)
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
    #: The code under its center's name (``C017-7KQ2M9XA``): the brake counts per center.
    center_code: str
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


#: The brake per address for all centers together: sized for carrier-grade NAT, where many
#: villages share one address and each may mistype a code now and then.
ENROLL_MAX_REFUSALS_PER_ADDRESS = 100
#: The brake per center for all addresses together (codes that name their center).
ENROLL_MAX_REFUSALS_PER_CENTER = 30
#: An attempt admitted but not settled after this long is taken as lost (its worker died).
ENROLL_IN_FLIGHT_STALE = timedelta(seconds=60)
#: The brake sweeps rows that expired once every this many attempts (per worker process).
ENROLL_SWEEP_EVERY = 64
#: Stands for "no center named" in the brake's keys (a code typed without its center).
NO_CENTER = "*"


def split_code(code: str) -> tuple[str | None, str]:
    """``(center tag, secret)`` of a typed code: ``C017-7KQ2M9XA`` → ``("C017", "7KQ2M9XA")``;
    a bare ``7KQ2M9XA`` → ``(None, "7KQ2M9XA")``. The tag is the center id as
    :func:`normalize_code` leaves it (upper case, no spaces or dashes)."""
    text = normalize_code(code)
    if len(text) > CODE_LENGTH:
        return text[:-CODE_LENGTH], text[-CODE_LENGTH:]
    return None, text


def center_tag(center_id: str) -> str:
    """How a center's id appears at the front of its codes, normalised."""
    return normalize_code(center_id)


def centered_code(center_id: str, code: str) -> str:
    """The code as handed to a technician: ``C017-7KQ2M9XA``, naming its center so the brake
    can count guesses per center (:class:`EnrollBrake`); the bare code when the center's id is
    too long for the 64 characters a kiosk sends."""
    text = f"{center_id}-{code}"
    return text if len(text) <= 64 and center_tag(center_id) else code


@dataclass(frozen=True, slots=True)
class BrakeKey:
    """One count the brake keeps: its row key, its limit, and what it is about (for words)."""

    key: str
    limit: int
    about: str  # "address" or "center"


class EnrollBrake:
    """Slows down guessing of enrollment codes, per address, per center, and both.

    A code may name its center (``C017-7KQ2M9XA``, as ``kiosk-central enroll-code`` prints it)
    or not (``7KQ2M9XA``). Every attempt counts under several keys (see docs/central.md):

    * the address and the center named (or :data:`NO_CENTER`): ``max_refusals`` (10);
    * the address, all centers: ``max_per_address`` (100, room for carrier-grade NAT);
    * the center named, all addresses: ``max_per_center`` (30; only codes that name one).

    After ``limit`` refused codes under one key within ``window``, every attempt under that key
    is answered 429 for ``hold``, *before* its code is looked at: a right code is refused too
    while the brake is on, or the brake would tell an attacker which guess was right. So someone
    guessing codes of one center from an address shared by many villages brakes that center from
    that address (and bare codes from it), not the other villages' enrollments. Attempts still in
    progress count as refusals when a new one is admitted, so a burst of parallel requests cannot
    slip more than ``limit`` guesses past the check.

    A successful enrollment does not clear the counts (it spends a one-time code; a technician
    enrolling many kiosks from one place makes no refusals). IPv6 clients are counted per /64,
    the block one subscriber usually gets, so rotating addresses inside it does not help.

    The counts are rows of ``enroll_brake``, shared by every worker process; each attempt locks
    its rows (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so
    concurrent attempts on any worker never read-modify-write past each other. Expired rows
    are swept, so the table holds only the keys active within the last window or hold. Time is
    the service's injected clock.
    """

    def __init__(
        self,
        max_refusals: int = ENROLL_MAX_REFUSALS,
        window: timedelta = ENROLL_WINDOW,
        hold: timedelta = ENROLL_HOLD,
        *,
        max_per_address: int = ENROLL_MAX_REFUSALS_PER_ADDRESS,
        max_per_center: int = ENROLL_MAX_REFUSALS_PER_CENTER,
    ) -> None:
        self.max_refusals = max_refusals
        self.window = window
        self.hold = hold
        self.max_per_address = max_per_address
        self.max_per_center = max_per_center
        self._lock = threading.Lock()
        self._attempts = 0

    @staticmethod
    def key(address: str) -> str:
        """The address the brake counts for: an IPv4 address, an IPv6 /64, or the raw text."""
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return address[:64]
        if isinstance(ip, ipaddress.IPv6Address):
            if ip.ipv4_mapped is not None:
                return str(ip.ipv4_mapped)
            return str(ipaddress.IPv6Network((ip, 64), strict=False))
        return str(ip)

    def keys(self, address: str, center: str | None) -> list[BrakeKey]:
        """The counts an attempt from ``address`` with a code naming ``center`` falls under."""
        where = self.key(address)
        tag = center[:120] if center else None
        out = [
            BrakeKey(f"a:{where}|c:{tag or NO_CENTER}", self.max_refusals, "address"),
            BrakeKey(f"a:{where}", self.max_per_address, "address"),
        ]
        if tag is not None:
            out.append(BrakeKey(f"c:{tag}", self.max_per_center, "center"))
        return sorted(out, key=lambda k: k.key)

    def _expires(self, row: EnrollBrakeRecord) -> datetime:
        ends = [aware(row.window_start) + self.window]
        if row.held_until is not None:
            ends.append(aware(row.held_until))
        if row.in_flight and row.in_flight_at is not None:
            ends.append(aware(row.in_flight_at) + ENROLL_IN_FLIGHT_STALE)
        return max(ends)

    def _rows(self, s: Session, keys: list[BrakeKey], now: datetime) -> list[EnrollBrakeRecord]:
        """The rows of ``keys``, created if missing, locked until commit, in key order."""
        names = [k.key for k in keys]
        insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
        for _ in range(3):
            stmt = insert(EnrollBrakeRecord).values(
                [
                    {
                        "key": name,
                        "window_start": now,
                        "refusals": 0,
                        "in_flight": 0,
                        "expires_at": now + self.window,
                    }
                    for name in names
                ]
            )
            s.execute(stmt.on_conflict_do_nothing(index_elements=["key"]))
            rows = list(
                s.scalars(
                    select(EnrollBrakeRecord)
                    .where(EnrollBrakeRecord.key.in_(names))
                    .order_by(EnrollBrakeRecord.key)
                    .with_for_update()
                )
            )
            if len(rows) == len(names):
                return rows
            # A sweep on another worker deleted a row between the insert and the lock: again.
        raise RuntimeError("enrollment brake rows vanished three times")

    def _refresh(self, row: EnrollBrakeRecord, now: datetime) -> None:
        """Forget what is over: an ended hold, a past window, attempts lost with their worker."""
        if row.held_until is not None and now >= aware(row.held_until):
            row.held_until = None
        if now >= aware(row.window_start) + self.window or now < aware(row.window_start):
            row.window_start = now
            row.refusals = 0
        if row.in_flight and (
            row.in_flight_at is None or now - aware(row.in_flight_at) >= ENROLL_IN_FLIGHT_STALE
        ):
            row.in_flight = 0

    def admit(
        self, db: CentralDb, address: str, center: str | None, now: datetime
    ) -> tuple[int, str] | None:
        """``(seconds to wait, "address" or "center")`` when the brake is on for this attempt;
        else ``None``, and the attempt is counted as in progress until :meth:`settle`."""
        keys = self.keys(address, center)
        held = self._held(db, keys, now)
        if held is not None:
            return held
        with db.write() as s:
            rows = self._rows(s, keys, now)
            waits: list[tuple[int, str]] = []
            for k, row in zip(keys, rows, strict=True):
                self._refresh(row, now)
                if row.held_until is not None:
                    left = min(aware(row.held_until) - now, self.hold).total_seconds()
                    waits.append((max(1, math.ceil(left)), k.about))
                elif row.refusals + row.in_flight >= k.limit:
                    # The attempts in progress may all be refused: wait for their outcome.
                    waits.append((1, k.about))
            if not waits:
                for row in rows:
                    row.in_flight += 1
                    row.in_flight_at = now
            for row in rows:
                row.expires_at = self._expires(row)
        return max(waits) if waits else None

    def _held(self, db: CentralDb, keys: list[BrakeKey], now: datetime) -> tuple[int, str] | None:
        """A hold already on for one of ``keys``, read without locking or creating rows.

        A hold ends only by time, so a hold seen here is a sound refusal even if the read is a
        moment old; and a flood of attempts from a held address, each naming a new center,
        creates no rows."""
        about = {k.key: k.about for k in keys}
        with db.read() as s:
            rows = s.execute(
                select(EnrollBrakeRecord.key, EnrollBrakeRecord.held_until).where(
                    EnrollBrakeRecord.key.in_(list(about)),
                    EnrollBrakeRecord.held_until.is_not(None),
                )
            ).all()
        waits = [
            (max(1, math.ceil(min(aware(until) - now, self.hold).total_seconds())), about[key])
            for key, until in rows
            if until is not None and aware(until) > now
        ]
        return max(waits) if waits else None

    def settle(
        self, db: CentralDb, address: str, center: str | None, now: datetime, *, refused: bool
    ) -> None:
        """The attempt :meth:`admit` let through has ended; ``refused``: its code was refused."""
        keys = self.keys(address, center)
        with db.write() as s:
            rows = self._rows(s, keys, now)
            for k, row in zip(keys, rows, strict=True):
                row.in_flight = max(0, row.in_flight - 1)
                self._refresh(row, now)
                if refused:
                    row.refusals += 1
                    if row.refusals >= k.limit and row.held_until is None:
                        row.held_until = now + self.hold
                        row.refusals = 0
                        row.window_start = now
                        # Once per hold, not per throttled attempt: an attack must not flood
                        # the log.
                        log.warning(
                            "enrollment brake on for %s: %d refused codes within %s; held for %s",
                            k.key,
                            k.limit,
                            self.window,
                            self.hold,
                        )
                row.expires_at = self._expires(row)
        with self._lock:
            self._attempts += 1
            sweep = self._attempts % ENROLL_SWEEP_EVERY == 0
        if sweep:
            self.sweep(db, now)

    def sweep(self, db: CentralDb, now: datetime) -> int:
        """Delete the rows nothing depends on any more; returns how many."""
        with db.write() as s:
            done = s.execute(delete(EnrollBrakeRecord).where(EnrollBrakeRecord.expires_at <= now))
        return int(getattr(done, "rowcount", 0) or 0)

    def tracked(self, db: CentralDb) -> int:
        """How many keys the brake holds rows for (table size; tests)."""
        with db.read() as s:
            return int(s.scalar(select(func.count()).select_from(EnrollBrakeRecord)) or 0)


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
        return EnrollCodeIssued(
            code=code,
            center_code=centered_code(center_id, code),
            expires_at=iso(expires),
            center_id=center_id,
        )

    def enroll(self, req: EnrollRequest, address: str = "") -> EnrollResponse:
        """Exchange a one-time code for a device token (only its hash is kept here).

        ``address`` is the client's network address, for the :class:`EnrollBrake`. The code may
        name its center in front (``C017-7KQ2M9XA``); then it must be that center's.

        Raises:
            EnrollThrottled: the brake is on for this attempt; the code was not looked at.
            EnrollRefused: the code is unknown, used, expired or of another center (counted by
                the brake).
        """
        center, secret = split_code(req.code)
        braked = self.enroll_brake.admit(self.db, address, center, self.clock())
        if braked is not None:
            wait, about = braked
            whom = "for this center" if about == "center" else "from this address"
            raise EnrollThrottled(
                f"too many refused enrollment codes {whom}; try again in {wait} seconds",
                retry_after_s=wait,
            )
        refused = False
        try:
            return self._enroll(req, center, secret)
        except EnrollRefused:
            refused = True
            raise
        finally:
            self.enroll_brake.settle(self.db, address, center, self.clock(), refused=refused)

    def _enroll(self, req: EnrollRequest, center_named: str | None, secret: str) -> EnrollResponse:
        code_hash = sha256_hex(secret.encode())
        now = self.clock()
        token = secrets.token_urlsafe(32)
        device_id = str(uuid.uuid4())
        refused = EnrollRefused("this enrollment code is unknown, already used or expired")
        with self.db.write() as s:
            row = s.get(EnrollCode, code_hash)
            if row is None or row.used_at is not None or aware(row.expires_at) <= now:
                raise refused
            if center_named is not None and center_tag(row.center_id) != center_named:
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

    def authenticate(self, token: str, rate: DeviceRateLimit | None = None) -> DeviceAuth:
        """The device holding ``token``, or :class:`Unauthorized`.

        ``rate``: spend one request of the device's rate limit too (or raise
        :class:`~central.errors.RateLimited`); on PostgreSQL in the same statement as the lookup.
        """
        if not token or len(token) > 200:
            raise Unauthorized("a device token is needed; enroll this kiosk first")
        params: dict[str, object] = {"token_hash": sha256_hex(token.encode())}
        spend = rate.spend_params() if rate is not None else None
        spent = True
        if self.db.is_sqlite:
            with self.db.read() as s:
                row = s.execute(TOKEN_LOOKUP, params).first()
        else:
            # Every request of every kiosk comes here first: one statement, no BEGIN/COMMIT.
            statement = TOKEN_LOOKUP
            if spend is not None:
                params.update(spend)
                statement = TOKEN_LOOKUP_AND_SPEND
            with self.db.autocommit() as conn:
                row = conn.execute(statement, params).first()
            if spend is not None and row is not None:
                spent = bool(row[3])
        if row is None:
            raise Unauthorized("this device token is not known here; enroll the kiosk again")
        if row[2] is not None:
            raise Unauthorized(
                "this PC was revoked by the platform; enroll it again with a new code"
            )
        if rate is not None and spend is not None:
            if self.db.is_sqlite:
                rate.take(row[0])
            elif not spent:
                raise rate.refusal(row[0], spend["rate_now"])
            else:
                rate.spent(spend["rate_now"])
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

"""The central service's logic, independent of HTTP: enrollment, catalog, events, orders, fleet.

:class:`CentralService` is used by the FastAPI app (:mod:`central.app`) and by the operator CLI
(:mod:`central.cli`). Every method is one short unit of work on :class:`~central.db.CentralDb`.

Sequence numbers come from :class:`~central.models.Counter` rows locked inside the transaction
that uses them (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite writers are serialised by
``BEGIN IMMEDIATE``). So a change numbered N+1 can only commit after the change numbered N, and a
reader paging ``WHERE seq > cursor`` can never step over a change that commits late.
"""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import json
import logging
import math
import os
import secrets
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from central.db import CentralDb
from central.demand import fold as fold_demand
from central.errors import BadRequest, EnrollRefused, EnrollThrottled, NotFoundError, Unauthorized
from central.fleet import heartbeat_fields, record_heartbeat
from central.models import (
    CashEntryRecord,
    Category,
    Center,
    Counter,
    DayCloseRecord,
    Device,
    EnrollCode,
    EventRecord,
    HeartbeatRecord,
    Media,
    Order,
    OrderLine,
    OrderUpdateRecord,
    PriceHistory,
    Product,
)
from kiosk.catalog import (
    CONTENT_TYPES,
    CatalogProduct,
    ImageProblem,
    locate_image,
    picture_type,
    read_catalog_file,
)
from kiosk.customers import mask_phone
from kiosk.errors import IllegalTransition, InvalidInput
from kiosk.orders import TRANSITIONS, OrderStatus, check_transition, parse_status
from kiosk.wire import (
    CATALOG_PAGE_DEFAULT,
    CATALOG_PAGE_MAX,
    MESSAGE_MAX,
    OWNER_PAYLOADS,
    ArrivalCheckedInPayload,
    CashEntryPayload,
    DayClosedPayload,
    DemandCountsPayload,
    EnrollRequest,
    EnrollResponse,
    Event,
    EventBatch,
    EventBatchResult,
    EventKind,
    EventResult,
    EventStatus,
    Heartbeat,
    HeartbeatAck,
    OrderPlacedPayload,
    clean_text,
)

Clock = Callable[[], datetime]

#: Moves only the shop makes, in front of the villager (the pickup code, the returned parcel);
#: central never makes them (``orders advance`` refuses), it learns them from the kiosk's events.
SHOP_ONLY: frozenset[OrderStatus] = frozenset({OrderStatus.PICKED_UP, OrderStatus.RETURNED})

log = logging.getLogger("central")

#: Default and largest order-updates page.
UPDATES_PAGE_DEFAULT = 500
UPDATES_PAGE_MAX = 2000
#: Enrollment codes: 8 characters without look-alikes (no 0/O, 1/I/L), easy to read aloud.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
DEFAULT_CODE_TTL_HOURS = 24.0
MAX_CODE_TTL_HOURS = 24.0 * 30
#: The enrollment brake: this many refused codes from one client address within the window…
ENROLL_MAX_REFUSALS = 10
ENROLL_WINDOW = timedelta(minutes=15)
#: …and that address's enrollments are answered 429 for this long.
ENROLL_HOLD = timedelta(minutes=15)
#: Largest image ``catalog import`` stores.
MAX_IMAGE_BYTES = 5 * 1024 * 1024

#: Event kinds that move an order, and the status each one moves it to.
STATUS_EVENTS: dict[EventKind, OrderStatus] = {
    EventKind.ORDER_CANCELLED: OrderStatus.CANCELLED,
    EventKind.ARRIVAL_CHECKED_IN: OrderStatus.ARRIVED,
    EventKind.PICKUP_CONFIRMED: OrderStatus.PICKED_UP,
    EventKind.ORDER_RETURNED: OrderStatus.RETURNED,
}
#: Errors by which the database refuses one event's values (not the database being unwell):
#: ``DataError`` (PostgreSQL: NUL in text, a number past its column), ``OverflowError`` (SQLite:
#: an integer past 64 bits), ``UnicodeEncodeError`` (a lone surrogate the driver cannot encode).
UNSTORABLE: tuple[type[Exception], ...] = (DataError, OverflowError, UnicodeEncodeError)

#: Event kinds whose payload names its center (``center_id``).
CENTER_EVENTS = frozenset({EventKind.ORDER_PLACED, EventKind.DAY_CLOSED})

#: Event kinds that touch no order and take no sequence number (no counters to lock).
STORED_EVENTS = frozenset({EventKind.CASH_ENTRY, EventKind.DAY_CLOSED, EventKind.DEMAND_COUNTS})


def status_path(current: OrderStatus, target: OrderStatus) -> list[OrderStatus] | None:
    """The shortest chain of legal moves from ``current`` to ``target`` (``None``: no way).

    A parcel checked in at the shop proves it shipped even if the operator has not said so yet,
    so a complete check-in moves an ``accepted`` order through ``shipped`` to ``arrived``.
    """
    from collections import deque

    back: dict[OrderStatus, OrderStatus] = {}
    todo = deque([current])
    while todo:
        here = todo.popleft()
        for nxt in sorted(TRANSITIONS[here]):
            if nxt in back or nxt == current:
                continue
            back[nxt] = here
            if nxt == target:
                path = [nxt]
                while path[-1] != current and back[path[-1]] != current:
                    path.append(back[path[-1]])
                return list(reversed(path))
            todo.append(nxt)
    return None


def utc_now() -> datetime:
    """The server clock, timezone-aware UTC."""
    return datetime.now(UTC)


def _aware(dt: datetime) -> datetime:
    # SQLite hands datetimes back naive; everything we store is UTC.
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def iso(dt: datetime) -> str:
    """ISO 8601 UTC with a ``Z``, to the second."""
    return _aware(dt).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalize_code(code: str) -> str:
    """Codes are typed by people: ignore case, spaces and dashes."""
    return "".join(ch for ch in code.upper() if ch not in " -")


def payload_hash(event: Event) -> str:
    """sha256 of the canonical JSON of what the event says (kind, subject, payload)."""
    canonical = json.dumps(
        {"kind": event.kind.value, "subject_id": event.subject_id, "payload": event.payload},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    # surrogatepass: a lone surrogate (refused later) must not make the hash itself fail; every
    # valid text encodes exactly as plain UTF-8, so no stored hash changes.
    return sha256_hex(canonical.encode("utf-8", "surrogatepass"))


def parse_cursor(text: str | None) -> int:
    """A cursor is a server sequence number as a string; ``""`` and ``"0"`` mean the start."""
    text = (text or "").strip()
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise BadRequest(f"'{text[:40]}' is not a cursor from this server", code="bad_cursor")
    return int(text)


def _storable(text: str) -> str:
    """``text`` without NUL and lone surrogates (for keeping a rejected event's own fields)."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _limit(value: int | None, default: int, maximum: int) -> int:
    if value is None:
        return default
    if value < 1:
        raise BadRequest("limit must be at least 1", code="bad_limit")
    return min(value, maximum)


def _short(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid"))


@dataclass(frozen=True, slots=True)
class DeviceAuth:
    """Who is calling: an enrolled device and its center."""

    device_id: str
    center_id: str


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What ``catalog import`` changed."""

    added: int
    updated: int
    unchanged: int
    images: int
    first_version: int | None
    last_version: int | None


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What ``catalog export`` wrote."""

    products: int
    images: int
    #: Products written without their picture (a stored image that is not a picture).
    images_left_out: int
    #: The highest version among the exported products (``None`` for an empty catalog).
    last_version: int | None


#: File suffix of each picture type in an exported catalog's ``images/`` folder.
EXPORT_SUFFIXES = {"png": ".png", "jpeg": ".jpg", "gif": ".gif", "webp": ".webp"}


def _write_file_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``path`` through a flushed temporary file and a rename: whole or not at all."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


#: The columns :func:`wire_from_columns` takes, in its order.
WIRE_COLUMNS = (
    Product.sku,
    Product.version,
    Product.deleted,
    Product.name,
    Product.category,
    Product.price_fen,
    Product.unit,
    Product.description,
    Product.image_hash,
    Product.stock,
    Product.barcode,
    Product.active,
)


def product_wire(p: Product) -> dict[str, Any]:
    """A product as a ``ProductWire`` JSON object (see :func:`wire_from_columns`)."""
    return wire_from_columns(
        p.sku,
        p.version,
        p.deleted,
        p.name,
        p.category,
        p.price_fen,
        p.unit,
        p.description,
        p.image_hash,
        p.stock,
        p.barcode,
        p.active,
    )


def wire_from_columns(
    sku: str,
    version: int,
    deleted: bool,
    name: str,
    category: str,
    price_fen: int,
    unit: str,
    description: str,
    image_hash: str | None,
    stock: str,
    barcode: str | None,
    active: bool,
) -> dict[str, Any]:
    """A product as a ``ProductWire`` JSON object, leaving out fields at their default value.

    Defaults are left out because they are most of a catalog page's bytes and the kiosk's pydantic
    model fills them back in; a tombstone is only ``sku``, ``version`` and ``deleted``. Takes
    plain values (the :data:`WIRE_COLUMNS` of a row): a catalog page builds 5,000 of these, and
    attribute access on ORM objects or rows was most of its server time.
    """
    if deleted:
        return {"sku": sku, "version": version, "deleted": True}
    out: dict[str, Any] = {
        "sku": sku,
        "version": version,
        "name": name,
        "category": category,
        "price_fen": price_fen,
        "unit": unit,
    }
    if description:
        out["description"] = description
    if image_hash:
        out["image_hash"] = image_hash
    if stock != "in_stock":
        out["stock"] = stock
    if barcode:
        out["barcode"] = barcode
    if not active:
        out["active"] = False
    return out


def _content_fields(p: Product) -> tuple[Any, ...]:
    return (
        p.deleted,
        p.name,
        p.category,
        p.price_fen,
        p.unit,
        p.description,
        p.image_hash,
        p.stock,
        p.barcode,
        p.active,
    )


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


class CentralService:
    """The central service's operations.

    Args:
        db: the opened (and migrated) database.
        clock: the server clock; tests inject one to move time (enrollment expiry, heartbeats,
            the enrollment brake).
        enroll_brake: the brake on refused enrollment codes (default: 10 in 15 minutes from one
            address hold that address for 15 minutes).

    Attributes:
        on_sequence: test hook, called as ``on_sequence(counter_name, first_value)`` inside the
            writing transaction right after a block of sequence numbers was taken. The
            concurrent-writer tests use it to hold one transaction open before its commit.
    """

    def __init__(
        self, db: CentralDb, clock: Clock = utc_now, enroll_brake: EnrollBrake | None = None
    ) -> None:
        self.db = db
        self.clock = clock
        self.enroll_brake = enroll_brake or EnrollBrake()
        self.on_sequence: Callable[[str, int], None] | None = None

    # --- sequences --------------------------------------------------------------------------

    def next_sequence(self, s: Session, name: str, count: int = 1) -> int:
        """Take ``count`` numbers from counter ``name``; returns the first. Locks until commit."""
        row = s.execute(select(Counter).where(Counter.name == name).with_for_update()).scalar_one()
        first = row.value + 1
        row.value = row.value + count
        s.flush()
        if self.on_sequence is not None:
            self.on_sequence(name, first)
        return first

    def _lock_counters(self, s: Session, names: Iterable[str]) -> None:
        # Always in the same order, so two transactions never wait on each other in a circle.
        for name in sorted(names):
            s.execute(select(Counter.value).where(Counter.name == name).with_for_update())

    # --- centers and enrollment --------------------------------------------------------------

    def create_enroll_code(
        self,
        center_id: str,
        center_name: str | None = None,
        ttl_hours: float = DEFAULT_CODE_TTL_HOURS,
        replaces: str | None = None,
    ) -> dict[str, str]:
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
            raise InvalidInput(
                "a center id is 1-64 letters, digits, dots, dashes or underscores (e.g. C017)"
            )
        if not 0 < ttl_hours <= MAX_CODE_TTL_HOURS:
            raise InvalidInput(
                f"--ttl-hours must be more than 0 and at most {MAX_CODE_TTL_HOURS:g}"
            )
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
        return {"code": code, "expires_at": iso(expires), "center_id": center_id}

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
            if row is None or row.used_at is not None or _aware(row.expires_at) <= now:
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
        with self.db.read() as s:
            row = s.execute(
                select(Device.id, Device.center_id, Device.revoked_at).where(
                    Device.token_hash == sha256_hex(token.encode())
                )
            ).first()
        if row is None:
            raise Unauthorized("this device token is not known here; enroll the kiosk again")
        if row[2] is not None:
            raise Unauthorized(
                "this PC was revoked by the platform; enroll it again with a new code"
            )
        return DeviceAuth(device_id=row[0], center_id=row[1])

    def list_devices(self, center_id: str | None = None) -> list[dict[str, Any]]:
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
            {
                "device_id": d.id,
                "center_id": d.center_id,
                "pc_no": d.pc_no,
                "name": d.name,
                "app_version": d.app_version,
                "enrolled_at": iso(d.created_at),
                "revoked_at": iso(d.revoked_at) if d.revoked_at else None,
                "last_seen": iso(seen[d.id]) if seen.get(d.id) else None,
            }
            for d in devices
        ]

    def revoke_device(self, device_id: str) -> dict[str, Any]:
        """Revoke a device: its token stops working at once; its events and orders stay."""
        with self.db.write() as s:
            device = s.get(Device, device_id.strip())
            if device is None:
                raise NotFoundError(f"no device {device_id} on the central service")
            if device.revoked_at is None:
                device.revoked_at = self.clock()
            center_id, revoked_at = device.center_id, device.revoked_at
        return {
            "device_id": device_id.strip(),
            "center_id": center_id,
            "revoked_at": iso(revoked_at),
        }

    # --- catalog ---------------------------------------------------------------------------

    def import_catalog(self, path: Path) -> ImportSummary:
        """Add or update every product of a catalog file (all or nothing); images by hash.

        Products not in the file are left as they are (use :meth:`delete_product`). A product
        whose content did not change keeps its version, so kiosks download nothing for it. A
        ``version`` field (a file written by :meth:`export_catalog`) is ignored: central numbers
        its own changes. Pictures are read only from inside the file's folder (see
        :func:`kiosk.catalog.locate_image`).
        """
        products = read_catalog_file(path)
        images: dict[str, tuple[str, bytes]] = {}  # sha256 -> (content type, bytes)
        image_of: dict[str, str | None] = {}
        problems: list[str] = []
        for p in products:
            if p.image is None:
                image_of[p.sku] = None
                continue
            # Inside the catalog's folder only, a picture by suffix and by its first bytes: a
            # catalog line must never make central read (and serve to every kiosk) another file.
            try:
                img_path, kind = locate_image(path.parent, p.image)
                data = img_path.read_bytes()
            except ImageProblem as exc:
                problems.append(
                    f"{p.sku}: image {p.image} not found"
                    if exc.missing
                    else f"{p.sku}: {exc}: {p.image}"
                )
                continue
            except OSError:
                problems.append(f"{p.sku}: image not found: {p.image}")
                continue
            if len(data) > MAX_IMAGE_BYTES:
                problems.append(f"{p.sku}: image {p.image} is over {MAX_IMAGE_BYTES // 1024} KB")
                continue
            if picture_type(data[:16]) != kind:
                problems.append(f"{p.sku}: image changed while it was read: {p.image}")
                continue
            digest = sha256_hex(data)
            images[digest] = (CONTENT_TYPES[kind], data)
            image_of[p.sku] = digest
        if problems:
            more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
            raise InvalidInput(
                f"catalog file not imported, nothing changed: {'; '.join(problems[:5])}{more}"
            )

        with self.db.write() as s:
            existing = {p.sku: p for p in s.scalars(select(Product))}
            changed: list[tuple[Product | None, dict[str, Any]]] = []
            unchanged = 0
            for p in products:
                fields: dict[str, Any] = {
                    "deleted": False,
                    "name": p.name,
                    "category": p.category,
                    "price_fen": p.price_fen,
                    "unit": p.unit,
                    "description": p.description,
                    "image_hash": image_of[p.sku],
                    "stock": p.stock.value,
                    "barcode": p.barcode,
                    "active": p.active,
                }
                old = existing.get(p.sku)
                if old is not None and _content_fields(old) == tuple(fields.values()):
                    unchanged += 1
                    continue
                changed.append((old, {"sku": p.sku, **fields}))
            first = last = None
            if changed:
                first = self.next_sequence(s, "catalog", len(changed))
                last = first + len(changed) - 1
                new_rows: list[dict[str, Any]] = []
                upd_rows: list[dict[str, Any]] = []
                history: list[dict[str, Any]] = []
                for offset, (old, row) in enumerate(changed):
                    row["version"] = first + offset
                    (new_rows if old is None else upd_rows).append(row)
                    history.append(
                        {
                            "sku": row["sku"],
                            "version": row["version"],
                            "price_fen": row["price_fen"],
                        }
                    )
                # Core bulk statements: importing 100,000 products must take seconds, not minutes.
                if new_rows:
                    s.execute(insert(Product), new_rows)
                if upd_rows:
                    s.execute(update(Product), upd_rows)
                s.execute(insert(PriceHistory), history)
            self._ensure_categories(s, [p.category for p in products])
            known_media = set(s.scalars(select(Media.sha256).where(Media.sha256.in_(list(images)))))
            for digest, (ctype, data) in images.items():
                if digest not in known_media:
                    s.add(Media(sha256=digest, content_type=ctype, size=len(data), data=data))
        added = sum(1 for old, _ in changed if old is None)
        return ImportSummary(
            added=added,
            updated=len(changed) - added,
            unchanged=unchanged,
            images=len(images),
            first_version=first,
            last_version=last,
        )

    def _ensure_categories(self, s: Session, names: Iterable[str]) -> None:
        known = {c.name: c for c in s.scalars(select(Category))}
        next_order = max((c.sort_order for c in known.values()), default=-1) + 1
        for name in dict.fromkeys(names):
            if name not in known:
                known[name] = Category(name=name, sort_order=next_order, active=True)
                s.add(known[name])
                next_order += 1

    def publish_product(self, s: Session, sku: str, **changes: Any) -> Product:
        """Change one product inside the caller's write unit of work, under a new version."""
        product = s.get(Product, sku)
        if product is None:
            raise NotFoundError(f"no product with SKU {sku} on the central service")
        version = self.next_sequence(s, "catalog")
        for key, value in changes.items():
            setattr(product, key, value)
        product.version = version
        s.add(PriceHistory(sku=sku, version=version, price_fen=product.price_fen))
        s.flush()
        return product

    def add_product(self, s: Session, sku: str, **fields: Any) -> Product:
        """Create one product inside the caller's write unit of work (used by tests and tools)."""
        version = self.next_sequence(s, "catalog")
        product = Product(sku=sku, version=version, **fields)
        s.add(product)
        s.add(PriceHistory(sku=sku, version=version, price_fen=product.price_fen or 0))
        if product.category:
            self._ensure_categories(s, [product.category])
        s.flush()
        return product

    def set_price(self, sku: str, price_fen: int) -> dict[str, Any]:
        """Publish a new price for ``sku``."""
        if (
            isinstance(price_fen, bool)
            or not isinstance(price_fen, int)
            or not (0 <= price_fen <= 100_000_000)
        ):
            raise InvalidInput("a price is a whole number of fen from 0 to 100000000 (¥1,000,000)")
        with self.db.write() as s:
            product = s.get(Product, sku)
            if product is not None and product.deleted:
                raise InvalidInput(f"product {sku} was deleted; import it again to bring it back")
            return product_wire(self.publish_product(s, sku, price_fen=price_fen))

    def deactivate_product(self, sku: str) -> dict[str, Any]:
        """Hide ``sku`` from villagers (it stays known to kiosks)."""
        with self.db.write() as s:
            return product_wire(self.publish_product(s, sku, active=False))

    def delete_product(self, sku: str) -> dict[str, Any]:
        """Delete ``sku``: a tombstone kept forever so every kiosk learns of it."""
        with self.db.write() as s:
            return product_wire(self.publish_product(s, sku, deleted=True, active=False))

    @staticmethod
    def price_problem(s: Session, sku: str, version: int, price_fen: int) -> str | None:
        """Why an order line's price is not one central published, or ``None`` if it is.

        A line with a version (the kiosk had central's copy, from a sync or from a catalog file
        written by :meth:`export_catalog`) must match the price of that version. A line with
        version 0 comes from a catalog file made by hand, imported before the kiosk had central's
        copy: it is judged by SKU and price, and accepted when central published that price for
        that SKU at any version (see ``docs/sync-protocol.md``).
        """
        if version == 0:
            hit = s.scalar(
                select(PriceHistory.version)
                .where(PriceHistory.sku == sku, PriceHistory.price_fen == price_fen)
                .limit(1)
            )
            if hit is None:
                return f"product {sku} was never published at {price_fen} fen"
            return None
        published = s.get(PriceHistory, (sku, version))
        if published is None or published.price_fen != price_fen:
            return f"product {sku} never cost {price_fen} fen at version {version}"
        return None

    def export_catalog(self, path: Path) -> ExportSummary:
        """Write the live catalog as a catalog file with central's versions and its pictures.

        ``path`` gets one JSON line per product that is not deleted (inactive ones included), in
        version order, each with its ``version``; pictures go to ``images/<sha256><suffix>`` next
        to it. A kiosk that imports the file keeps these versions (see
        ``docs/catalog-format.md``). Pictures are written first, the catalog file last through a
        temporary file and a rename, so a stick pulled out early never holds a half catalog.
        """
        folder = path.parent
        if not folder.is_dir():
            raise InvalidInput(f"folder not found: {folder}")
        if path.is_dir():
            raise InvalidInput(f"{path} is a folder; give a file name, e.g. catalog.jsonl")
        lines: list[bytes] = []
        problems: list[str] = []
        image_name: dict[str, str | None] = {}
        last: int | None = None
        with self.db.read() as s:
            rows = list(
                s.execute(
                    select(*WIRE_COLUMNS)
                    .where(Product.deleted.is_(False))
                    .order_by(Product.version)
                )
            )
            hashes = sorted({r[8] for r in rows if r[8]})
            images_dir = folder / "images"
            for start in range(0, len(hashes), 100):
                chunk = hashes[start : start + 100]
                for digest, data in s.execute(
                    select(Media.sha256, Media.data).where(Media.sha256.in_(chunk))
                ):
                    kind = picture_type(bytes(data[:16]))
                    if kind is None:
                        image_name[digest] = None
                        continue
                    file_name = f"images/{digest}{EXPORT_SUFFIXES[kind]}"
                    target = folder / file_name
                    if not (target.is_file() and target.stat().st_size == len(data)):
                        images_dir.mkdir(exist_ok=True)
                        _write_file_atomically(target, [bytes(data)])
                    image_name[digest] = file_name
        left_out = 0
        for row in rows:
            sku, version, _, name, category, price, unit, desc, sha, stock, barcode, active = row
            line: dict[str, Any] = {
                "sku": sku,
                "name": name,
                "category": category,
                "price_fen": price,
                "unit": unit,
            }
            if desc:
                line["description"] = desc
            if sha:
                if image_name.get(sha):
                    line["image"] = image_name[sha]
                else:
                    left_out += 1
            if stock != "in_stock":
                line["stock"] = stock
            if barcode:
                line["barcode"] = barcode
            if not active:
                line["active"] = False
            line["version"] = version
            try:
                CatalogProduct.model_validate(line)
            except ValidationError as exc:
                problems.append(f"{sku}: {_short(exc)}")
                continue
            lines.append(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
            last = version
        if problems:
            more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
            raise InvalidInput(
                f"catalog not exported, no catalog file written: {'; '.join(problems[:5])}{more}"
            )
        _write_file_atomically(path, lines)
        return ExportSummary(
            products=len(lines),
            images=sum(1 for v in image_name.values() if v),
            images_left_out=left_out,
            last_version=last,
        )

    def catalog_page(self, cursor: str | None, limit: int | None) -> dict[str, Any]:
        """One ``CatalogPage`` (JSON-ready) of the changes after ``cursor``, in version order."""
        after = parse_cursor(cursor)
        n = _limit(limit, CATALOG_PAGE_DEFAULT, CATALOG_PAGE_MAX)
        with self.db.read() as s:
            # Plain rows unpacked as tuples, not ORM objects: building 5,000 Product instances and
            # reading their attributes was most of a page's server time.
            rows: list[Any] = list(
                s.execute(
                    select(*WIRE_COLUMNS)
                    .where(Product.version > after)
                    .order_by(Product.version)
                    .limit(n + 1)
                )
            )
            cats = list(s.scalars(select(Category).order_by(Category.sort_order, Category.name)))
        has_more = len(rows) > n
        rows = rows[:n]
        return {
            "items": [wire_from_columns(*r) for r in rows],
            "categories": [
                {"name": c.name, "sort_order": c.sort_order, "active": c.active} for c in cats
            ],
            "next_cursor": str(rows[-1][1]) if rows else str(after),  # the version column
            "has_more": has_more,
        }

    def media(self, sha256: str) -> Media:
        """The stored image with this hash, or :class:`NotFoundError`."""
        with self.db.read() as s:
            row = s.get(Media, sha256)
        if row is None:
            raise NotFoundError("no image with this hash on the central service")
        return row

    # --- events ----------------------------------------------------------------------------

    def push_events(self, auth: DeviceAuth, batch: EventBatch) -> EventBatchResult:
        """Apply a batch of outbox events; one result per event, in order.

        The whole batch is one transaction (one fsync on SQLite) with a savepoint per event, so a
        rejected or duplicate event never undoes its neighbours.
        """
        results: list[EventResult] = []
        with self.db.write() as s:
            if any(e.kind not in STORED_EVENTS for e in batch.events):
                self._lock_counters(s, ("order_no", "order_update"))
            for event in batch.events:
                results.append(self._one_event(s, auth, event))
        return EventBatchResult(results=results)

    def _one_event(self, s: Session, auth: DeviceAuth, event: Event) -> EventResult:
        claimed = event.payload.get("center_id")
        if event.kind in CENTER_EVENTS and isinstance(claimed, str) and claimed != auth.center_id:
            # Refused before anything is stored: no record under this id, so the event id of
            # another center's event can never be taken over.
            return EventResult(
                id=event.id,
                status=EventStatus.REJECTED,
                reason="wrong_center",
                message=f"this device belongs to center {auth.center_id}",
            )
        phash = payload_hash(event)
        for _attempt in range(2):
            existing = self._known_event(s, auth, event.id, phash)
            if existing is not None:
                return self._repeat(existing, phash)
            try:
                with s.begin_nested():
                    result = self._apply(s, auth, event)
                    s.add(
                        EventRecord(
                            id=event.id,
                            device_id=auth.device_id,
                            center_id=auth.center_id,
                            kind=event.kind.value,
                            subject_id=event.subject_id,
                            payload_hash=phash,
                            payload=json.dumps(event.payload, ensure_ascii=False, sort_keys=True),
                            status=result.status.value,
                            reason=result.reason,
                            message=result.message,
                            result=json.dumps(result.result, ensure_ascii=False, sort_keys=True),
                            created_at=event.created_at[:64],
                            received_at=self.clock(),
                        )
                    )
                    s.flush()
                return result
            except IntegrityError:
                # A concurrent request committed the same event (or order) first: look again.
                continue
            except UNSTORABLE as exc:
                # The database refused a value of this event alone (a NUL in a name on
                # PostgreSQL, a number past the column's range): its savepoint is rolled back,
                # it becomes its own rejection and its neighbours go on. Only the error's type
                # is logged: the database's message carries the values (names, phones).
                log.warning(
                    "event %s (%s) could not be stored: %s",
                    event.id,
                    event.kind.value,
                    type(exc).__name__,
                )
                return self._unstorable(s, auth, event, phash)
        raise RuntimeError(f"event {event.id} conflicts with concurrent writes")

    def _unstorable(self, s: Session, auth: DeviceAuth, event: Event, phash: str) -> EventResult:
        """Reject an event the database could not store; keep the rejection when possible."""
        result = EventResult(
            id=event.id,
            status=EventStatus.REJECTED,
            reason="invalid_payload",
            message="a value in this event cannot be stored by the central service",
        )
        try:
            with s.begin_nested():
                s.add(
                    EventRecord(
                        id=event.id,
                        device_id=auth.device_id,
                        center_id=auth.center_id,
                        kind=event.kind.value,
                        subject_id=_storable(event.subject_id),
                        payload_hash=phash,
                        # ASCII JSON: NUL and lone surrogates become \u escapes any database keeps.
                        payload=json.dumps(event.payload, ensure_ascii=True, sort_keys=True),
                        status=result.status.value,
                        reason=result.reason,
                        message=result.message,
                        result="{}",
                        created_at=_storable(event.created_at[:64]),
                        received_at=self.clock(),
                    )
                )
                s.flush()
        except (IntegrityError, DataError, OverflowError, UnicodeEncodeError):
            # Not even the rejection can be kept (or a twin raced it in): the answer stands,
            # a resend is judged again and gets the same answer.
            pass
        return result

    @staticmethod
    def _known_event(s: Session, auth: DeviceAuth, event_id: str, phash: str) -> EventRecord | None:
        """The record of this event id from this device; else the very same event (same
        content) sent by another PC of the same center (a restored backup or a replacement PC
        resending the shop's own events). Never another center's."""
        own = s.get(
            EventRecord, {"device_id": auth.device_id, "id": event_id}, populate_existing=True
        )
        if own is not None:
            return own
        return s.execute(
            select(EventRecord)
            .where(
                EventRecord.id == event_id,
                EventRecord.center_id == auth.center_id,
                EventRecord.payload_hash == phash,
            )
            .limit(1)
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()

    @staticmethod
    def _repeat(existing: EventRecord, phash: str) -> EventResult:
        if existing.payload_hash != phash:
            return EventResult(
                id=existing.id,
                status=EventStatus.REJECTED,
                reason="payload_mismatch",
                message="this event id was already used for different content",
            )
        if existing.status == EventStatus.REJECTED.value:
            # A resent rejected event gets the same rejection, never a "duplicate" success.
            return EventResult(
                id=existing.id,
                status=EventStatus.REJECTED,
                reason=existing.reason,
                message=existing.message,
                result=json.loads(existing.result or "{}"),
            )
        return EventResult(
            id=existing.id, status=EventStatus.DUPLICATE, result=json.loads(existing.result)
        )

    def _apply(self, s: Session, auth: DeviceAuth, event: Event) -> EventResult:
        def reject(reason: str, message: str) -> EventResult:
            # Cut to what the wire (and the events table) holds: a message may quote input.
            return EventResult(
                id=event.id,
                status=EventStatus.REJECTED,
                reason=reason,
                message=clean_text(message)[:MESSAGE_MAX],
            )

        if event.kind == EventKind.ORDER_PLACED:
            try:
                order = OrderPlacedPayload.model_validate(event.payload)
            except ValidationError as exc:
                return reject("invalid_payload", f"order payload: {_short(exc)}"[:300])
            return self._place_order(s, auth, event, order, reject)
        model = OWNER_PAYLOADS.get(event.kind)
        payload: Any = None
        if model is not None:
            try:
                payload = model.model_validate(event.payload)
            except ValidationError as exc:
                return reject("invalid_payload", f"{event.kind.value} payload: {_short(exc)}"[:300])
            subject = getattr(payload, "order_id", None)
            if event.kind == EventKind.CASH_ENTRY:
                subject = payload.entry_id
            elif event.kind == EventKind.DAY_CLOSED:
                subject = payload.business_day
            if subject != event.subject_id:
                return reject("invalid_payload", "subject_id does not match the payload")
        if event.kind == EventKind.ARRIVAL_CHECKED_IN:
            return self._arrival(s, auth, event, payload, reject)
        if event.kind in STATUS_EVENTS:
            return self._kiosk_status(s, auth, event, STATUS_EVENTS[event.kind], reject)
        if event.kind == EventKind.CASH_ENTRY:
            return self._cash_entry(s, auth, event, payload, reject)
        if event.kind == EventKind.DAY_CLOSED:
            return self._day_closed(s, auth, event, payload, reject)
        # demand_counts: validated, folded into per-center daily counts (central/demand.py).
        try:
            demand = DemandCountsPayload.model_validate(event.payload)
        except ValidationError as exc:
            return reject("invalid_payload", f"demand_counts payload: {_short(exc)}"[:300])
        fold_demand(s, auth.center_id, demand, self.clock())
        return EventResult(id=event.id, status=EventStatus.ACCEPTED, result={})

    def _arrival(
        self,
        s: Session,
        auth: DeviceAuth,
        event: Event,
        payload: ArrivalCheckedInPayload,
        reject: Callable[[str, str], EventResult],
    ) -> EventResult:
        """A check-in at the shop: arrived quantities per line; ``arrived`` once complete."""
        order = s.get(Order, payload.order_id)
        if order is None or order.center_id != auth.center_id:
            return reject("unknown_order", "the central service has no such order of this center")
        current = OrderStatus(order.status)
        path = [] if current == OrderStatus.ARRIVED else status_path(current, OrderStatus.ARRIVED)
        lines = {
            ln.line_no: ln
            for ln in s.scalars(select(OrderLine).where(OrderLine.order_id == order.id))
        }
        for wl in payload.lines:
            line = lines.get(wl.line_no)
            if line is None or line.sku != wl.sku or wl.arrived_qty > line.qty:
                return reject("invalid_payload", f"line {wl.line_no} does not match the order")
            # A fact the shop witnessed: kept even when the status below is refused.
            line.arrived_qty = max(line.arrived_qty, wl.arrived_qty)
        if path is None:
            s.flush()
            return self._overruled(event, order, OrderStatus.ARRIVED)
        if payload.complete:
            # Central keeps its own count too: "complete" must agree with the lines it knows.
            missing = [n for n, ln in lines.items() if ln.arrived_qty < ln.qty]
            if missing:
                return reject("invalid_payload", f"complete, but line {missing[0]} is short")
            for step in path:
                self._set_status(s, order, step, None)
        s.flush()
        return EventResult(
            id=event.id,
            status=EventStatus.ACCEPTED,
            result={
                "status": order.status,
                "server_no": order.server_no,
                "complete": payload.complete,
            },
        )

    def _cash_entry(
        self,
        s: Session,
        auth: DeviceAuth,
        event: Event,
        payload: CashEntryPayload,
        reject: Callable[[str, str], EventResult],
    ) -> EventResult:
        if s.get(CashEntryRecord, payload.entry_id) is not None:
            return reject("entry_exists", "a cash entry with this id came in another event")
        if payload.order_id is not None:
            named = s.get(Order, payload.order_id)
            if named is not None and named.center_id != auth.center_id:
                return reject("wrong_center", "the order of this cash entry is another center's")
        s.add(
            CashEntryRecord(
                entry_id=payload.entry_id,
                center_id=auth.center_id,
                device_id=auth.device_id,
                event_id=event.id,
                kind=payload.kind,
                order_id=payload.order_id,
                amount_fen=payload.amount_fen,
                at=payload.at,
                received_at=self.clock(),
            )
        )
        s.flush()
        return EventResult(id=event.id, status=EventStatus.ACCEPTED, result={})

    def _day_closed(
        self,
        s: Session,
        auth: DeviceAuth,
        event: Event,
        payload: DayClosedPayload,
        reject: Callable[[str, str], EventResult],
    ) -> EventResult:
        if payload.center_id != auth.center_id:
            return reject("wrong_center", f"this device belongs to center {auth.center_id}")
        key = {
            "center_id": auth.center_id,
            "device_id": auth.device_id,
            "business_day": payload.business_day,
        }
        if s.get(DayCloseRecord, key) is not None:
            return reject(
                "day_already_closed", f"{payload.business_day} was already closed on this PC"
            )
        s.add(
            DayCloseRecord(
                center_id=auth.center_id,
                business_day=payload.business_day,
                event_id=event.id,
                device_id=auth.device_id,
                closed_at=payload.closed_at,
                totals=json.dumps(
                    {k: v.model_dump() for k, v in payload.totals.items()}, sort_keys=True
                ),
                expected_cash_fen=payload.expected_cash_fen,
                entries=payload.entries,
                received_at=self.clock(),
            )
        )
        s.flush()
        return EventResult(id=event.id, status=EventStatus.ACCEPTED, result={})

    def _place_order(
        self,
        s: Session,
        auth: DeviceAuth,
        event: Event,
        order: OrderPlacedPayload,
        reject: Callable[[str, str], EventResult],
    ) -> EventResult:
        if event.subject_id != order.order_id:
            return reject("invalid_payload", "subject_id must be the order id")
        if order.center_id != auth.center_id:
            return reject("wrong_center", f"this device belongs to center {auth.center_id}")
        if s.get(Order, order.order_id) is not None:
            return reject("order_exists", "an order with this id came in another event")
        price_changed = False
        total = 0
        for line in order.lines:
            product = s.get(Product, line.sku)
            if product is None:
                return reject("unknown_sku", f"product {line.sku} is not in the central catalog")
            unknown = self.price_problem(s, line.sku, line.product_version, line.unit_price_fen)
            if unknown is not None:
                return reject("price_unknown", unknown)
            if line.line_total_fen != line.unit_price_fen * line.qty:
                return reject("bad_totals", f"line {line.sku}: price × quantity ≠ line total")
            price_changed = price_changed or product.price_fen != line.unit_price_fen
            total += line.line_total_fen
        if total != order.total_fen:
            return reject("bad_totals", "the line totals do not add up to the order total")
        now = self.clock()
        server_no = f"S{self.next_sequence(s, 'order_no'):08d}"
        s.add(
            Order(
                id=order.order_id,
                server_no=server_no,
                center_id=auth.center_id,
                device_id=auth.device_id,
                local_no=order.local_no[:32],
                customer_name=order.customer_name[:100],
                customer_phone=order.customer_phone[:32],
                payment=order.payment,
                total_fen=order.total_fen,
                status=OrderStatus.SUBMITTED.value,
                placed_at=order.placed_at[:64],
                received_at=now,
                updated_at=now,
                pickup_salt=order.pickup_salt,
                pickup_hash=order.pickup_hash,
            )
        )
        s.flush()
        current_price: dict[str, int] = {}
        for line in order.lines:
            p = s.get(Product, line.sku)
            assert p is not None
            current_price[line.sku] = p.price_fen
        s.add_all(
            OrderLine(
                order_id=order.order_id,
                line_no=i,
                sku=line.sku,
                name=line.name[:200],
                unit=line.unit[:10],
                unit_price_fen=line.unit_price_fen,
                product_version=line.product_version,
                qty=line.qty,
                line_total_fen=line.line_total_fen,
                price_changed=current_price[line.sku] != line.unit_price_fen,
            )
            for i, line in enumerate(order.lines, start=1)
        )
        self._record_update(s, order.order_id, auth.center_id, OrderStatus.SUBMITTED, server_no)
        if order.payment == "cash" and order.total_fen > 0:
            # The kiosk sends no separate cash_entry for cash taken at order time: this is it.
            s.add(
                CashEntryRecord(
                    entry_id=order.order_id,
                    center_id=auth.center_id,
                    device_id=auth.device_id,
                    event_id=event.id,
                    kind="order_cash",
                    order_id=order.order_id,
                    amount_fen=order.total_fen,
                    at=order.placed_at[:64],
                    received_at=now,
                )
            )
        return EventResult(
            id=event.id,
            status=EventStatus.ACCEPTED,
            result={
                "server_no": server_no,
                "status": OrderStatus.SUBMITTED.value,
                "price_changed": price_changed,
            },
        )

    def _kiosk_status(
        self,
        s: Session,
        auth: DeviceAuth,
        event: Event,
        target: OrderStatus,
        reject: Callable[[str, str], EventResult],
    ) -> EventResult:
        order = s.get(Order, event.subject_id)
        if order is None or order.center_id != auth.center_id:
            return reject("unknown_order", "the central service has no such order of this center")
        current = OrderStatus(order.status)
        done = {"status": target.value, "server_no": order.server_no}
        if current == target:
            # Both sides already agree (e.g. the operator cancelled too): nothing to change.
            return EventResult(id=event.id, status=EventStatus.ACCEPTED, result=done)
        try:
            check_transition(current, target)
        except IllegalTransition:
            return self._overruled(event, order, target)
        reason = event.payload.get("reason")
        self._set_status(s, order, target, reason if isinstance(reason, str) else None)
        return EventResult(id=event.id, status=EventStatus.ACCEPTED, result=done)

    @staticmethod
    def _overruled(event: Event, order: Order, target: OrderStatus) -> EventResult:
        """A shop move central's status does not allow: central's status stands (it is the
        authority), the event is kept as the record of what the shop did (with its cash, which
        comes in its own entries and is always kept), and the kiosk is told central's status so
        it rolls the order back and tells the owner (docs/sync-protocol.md, conflict table)."""
        return EventResult(
            id=event.id,
            status=EventStatus.REJECTED,
            reason="overruled",
            message=f"the platform had already moved this order to {order.status}; "
            f"the shop's move to {target.value} is recorded, the order stays {order.status}",
            result={"status": order.status, "server_no": order.server_no, "move": target.value},
        )

    def _set_status(
        self, s: Session, order: Order, target: OrderStatus, reason: str | None
    ) -> None:
        order.status = target.value
        order.status_reason = reason[:200] if reason else None
        order.updated_at = self.clock()
        self._record_update(s, order.id, order.center_id, target, order.server_no, reason)

    def _record_update(
        self,
        s: Session,
        order_id: str,
        center_id: str,
        status: OrderStatus,
        server_no: str | None,
        reason: str | None = None,
    ) -> None:
        seq = self.next_sequence(s, "order_update")
        s.add(
            OrderUpdateRecord(
                seq=seq,
                order_id=order_id,
                center_id=center_id,
                status=status.value,
                server_no=server_no,
                reason=reason[:200] if reason else None,
                created_at=self.clock(),
            )
        )
        s.flush()

    # --- order updates, heartbeat ---------------------------------------------------------

    def order_updates(
        self, auth: DeviceAuth, cursor: str | None, limit: int | None
    ) -> dict[str, Any]:
        """One ``OrderUpdatesPage`` (JSON-ready) of this center's order changes after ``cursor``."""
        after = parse_cursor(cursor)
        n = _limit(limit, UPDATES_PAGE_DEFAULT, UPDATES_PAGE_MAX)
        with self.db.read() as s:
            rows = list(
                s.scalars(
                    select(OrderUpdateRecord)
                    .where(
                        OrderUpdateRecord.center_id == auth.center_id,
                        OrderUpdateRecord.seq > after,
                    )
                    .order_by(OrderUpdateRecord.seq)
                    .limit(n + 1)
                )
            )
        has_more = len(rows) > n
        rows = rows[:n]
        return {
            "items": [
                {
                    "order_id": r.order_id,
                    "status": r.status,
                    "server_no": r.server_no,
                    "reason": r.reason,
                    "seq": r.seq,
                }
                for r in rows
            ],
            "next_cursor": str(rows[-1].seq) if rows else str(after),
            "has_more": has_more,
        }

    def heartbeat(self, auth: DeviceAuth, hb: Heartbeat) -> HeartbeatAck:
        """Keep the latest heartbeat of this device; measure its clock offset."""
        try:
            kiosk_time = datetime.fromisoformat(hb.kiosk_time.strip())
        except ValueError:
            raise BadRequest(
                "kiosk_time is not an ISO 8601 time, e.g. 2024-05-01T10:42:00+08:00",
                code="invalid_payload",
            ) from None
        now = self.clock()
        offset = round((_aware(kiosk_time) - now).total_seconds(), 3)
        fields = {
            "center_id": auth.center_id,
            "app_version": hb.app_version[:64],
            "schema_revision": (hb.schema_revision or None) and hb.schema_revision[:64],
            "queue_depth": hb.queue_depth,
            "quarantined": hb.quarantined,
            "oldest_unsent_age_s": hb.oldest_unsent_age_s,
            "last_error": hb.last_error,
            "error_code": hb.error_code,
            "disk_free_bytes": hb.disk_free_bytes,
            "kiosk_time": hb.kiosk_time[:64],
            "clock_offset_s": offset,
            "catalog_cursor": (hb.catalog_cursor or None) and hb.catalog_cursor[:64],
            "received_at": now,
        }
        with self.db.write() as s:
            row = s.get(HeartbeatRecord, auth.device_id)
            if row is None:
                s.add(HeartbeatRecord(device_id=auth.device_id, **fields))
            else:
                for key, value in fields.items():
                    setattr(row, key, value)
            record_heartbeat(
                s, auth.center_id, auth.device_id, hb.app_version[:64], hb.error_code, now
            )
        return HeartbeatAck(server_time=iso(now), clock_offset_s=offset)

    # --- operators -------------------------------------------------------------------------

    def list_orders(self, center_id: str | None = None) -> list[dict[str, Any]]:
        """Every order (of one center), oldest first, with its lines. Phones are masked."""
        with self.db.read() as s:
            stmt = select(Order).order_by(Order.server_no)
            if center_id:
                stmt = stmt.where(Order.center_id == center_id)
            orders = list(s.scalars(stmt))
            lines: dict[str, list[OrderLine]] = {}
            for line in s.scalars(
                select(OrderLine).order_by(OrderLine.order_id, OrderLine.line_no)
            ):
                lines.setdefault(line.order_id, []).append(line)
        return [
            {
                "order_id": o.id,
                "server_no": o.server_no,
                "local_no": o.local_no,
                "center": o.center_id,
                "status": o.status,
                "status_reason": o.status_reason,
                "payment": o.payment,
                "total_fen": o.total_fen,
                "customer_name": o.customer_name,
                "customer_phone": mask_phone(o.customer_phone),
                "placed_at": o.placed_at,
                "received_at": iso(o.received_at),
                "lines": [
                    {
                        "sku": ln.sku,
                        "name": ln.name,
                        "unit": ln.unit,
                        "unit_price_fen": ln.unit_price_fen,
                        "product_version": ln.product_version,
                        "qty": ln.qty,
                        "line_total_fen": ln.line_total_fen,
                        "price_changed": ln.price_changed,
                        "arrived_qty": ln.arrived_qty,
                    }
                    for ln in lines.get(o.id, [])
                ],
            }
            for o in orders
        ]

    def advance_order(self, order_id: str, to: str, reason: str | None = None) -> dict[str, Any]:
        """Move an order (logistics: accepted, shipped, arrived…), checked by the state machine.

        Raises:
            BadRequest: ``shop_only``: the move is one only the shop makes (:data:`SHOP_ONLY`).
        """
        target = parse_status(to)
        if target in SHOP_ONLY:
            raise BadRequest(
                f"only the shop can make an order {target.value} (it needs the villager there); "
                "the kiosk reports it",
                code="shop_only",
            )
        with self.db.write() as s:
            self._lock_counters(s, ("order_no", "order_update"))
            order = s.get(Order, order_id.strip())
            if order is None:
                raise NotFoundError(f"no order {order_id} on the central service")
            check_transition(OrderStatus(order.status), target)
            self._set_status(s, order, target, reason)
            return {"order_id": order.id, "server_no": order.server_no, "status": order.status}

    def list_cash(self, center_id: str | None = None) -> list[dict[str, Any]]:
        """Cash entries reported by kiosks (of one center), in the order they arrived."""
        with self.db.read() as s:
            stmt = select(CashEntryRecord).order_by(
                CashEntryRecord.received_at, CashEntryRecord.entry_id
            )
            if center_id:
                stmt = stmt.where(CashEntryRecord.center_id == center_id)
            rows = list(s.scalars(stmt))
        return [
            {
                "entry_id": r.entry_id,
                "center": r.center_id,
                "kind": r.kind,
                "order_id": r.order_id,
                "amount_fen": r.amount_fen,
                "at": r.at,
                "received_at": iso(r.received_at),
            }
            for r in rows
        ]

    def list_day_closes(self, center_id: str | None = None) -> list[dict[str, Any]]:
        """Day closes reported by kiosks (of one center), by center, day and PC."""
        with self.db.read() as s:
            stmt = select(DayCloseRecord).order_by(
                DayCloseRecord.center_id,
                DayCloseRecord.business_day,
                DayCloseRecord.received_at,
                DayCloseRecord.device_id,
            )
            if center_id:
                stmt = stmt.where(DayCloseRecord.center_id == center_id)
            rows = list(s.scalars(stmt))
        return [
            {
                "center": r.center_id,
                "business_day": r.business_day,
                "device": r.device_id,
                "event_id": r.event_id,
                "closed_at": r.closed_at,
                "totals": json.loads(r.totals),
                "expected_cash_fen": r.expected_cash_fen,
                "entries": r.entries,
                "received_at": iso(r.received_at),
            }
            for r in rows
        ]

    def center_days(self, center_id: str | None = None) -> list[dict[str, Any]]:
        """Each center's business days: its PCs' closes summed (entries, cash, totals)."""
        days: dict[tuple[str, str], dict[str, Any]] = {}
        for close in self.list_day_closes(center_id):
            day = days.setdefault(
                (close["center"], close["business_day"]),
                {
                    "center": close["center"],
                    "business_day": close["business_day"],
                    "pcs": 0,
                    "entries": 0,
                    "expected_cash_fen": 0,
                    "totals": {},
                },
            )
            day["pcs"] += 1
            day["entries"] += close["entries"]
            day["expected_cash_fen"] += close["expected_cash_fen"]
            for kind, total in close["totals"].items():
                into = day["totals"].setdefault(kind, {"count": 0, "fen": 0})
                into["count"] += total["count"]
                into["fen"] += total["fen"]
        return list(days.values())

    def fleet(self) -> list[dict[str, Any]]:
        """One object per center with its most recent heartbeat (``null`` fields if none yet)."""
        with self.db.read() as s:
            centers = list(s.scalars(select(Center).order_by(Center.id)))
            devices = dict(
                s.execute(
                    select(Device.center_id, func.count())
                    .where(Device.revoked_at.is_(None))
                    .group_by(Device.center_id)
                ).all()
            )
            revoked = dict(
                s.execute(
                    select(Device.center_id, func.count())
                    .where(Device.revoked_at.is_not(None))
                    .group_by(Device.center_id)
                ).all()
            )
            beats: dict[str, HeartbeatRecord] = {}
            for beat in s.scalars(select(HeartbeatRecord).order_by(HeartbeatRecord.received_at)):
                beats[beat.center_id] = beat  # the latest wins
            orders = dict(
                s.execute(select(Order.center_id, func.count()).group_by(Order.center_id)).all()
            )
        out = []
        for c in centers:
            hb = beats.get(c.id)
            out.append(
                {
                    "center_id": c.id,
                    "center_name": c.name,
                    "devices": int(devices.get(c.id, 0)),
                    "revoked_devices": int(revoked.get(c.id, 0)),
                    "orders": int(orders.get(c.id, 0)),
                    **heartbeat_fields(hb, iso),
                }
            )
        return out

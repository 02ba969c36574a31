"""The sync protocol's wire schema (``/v1``), shared by the kiosk's sync engine and ``central/``.

Plain pydantic models, no HTTP here. ``docs/sync-protocol.md`` explains the protocol for people;
this module is its machine-checked form. Every model forbids unknown fields on the way in so a
malformed or hostile body is refused as a whole rather than half-understood.
"""

from __future__ import annotations

import datetime as _dt
import re
from enum import StrEnum
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictInt,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from kiosk.catalog import StockState
from kiosk.text import clean_network_text

API_PREFIX = "/v1"

#: Largest decompressed response body the kiosk accepts (a gzip bomb is cut off here).
MAX_BODY_BYTES = 32 * 1024 * 1024
#: Largest request body central accepts, decompressed.
MAX_REQUEST_BYTES = 8 * 1024 * 1024
#: Most events in one push batch.
MAX_EVENTS_PER_BATCH = 200
#: Longest message central stores or sends for one event (longer ones are cut).
MESSAGE_MAX = 300
#: Default and largest catalog page.
CATALOG_PAGE_DEFAULT = 2000
CATALOG_PAGE_MAX = 5000
#: Default and largest order-updates page.
ORDER_UPDATES_PAGE_DEFAULT = 500
ORDER_UPDATES_PAGE_MAX = 2000

#: Reply header in which central names the optional calls it offers (comma-separated), on every
#: ``/v1`` reply. A client uses an optional call only once central named it (docs/sync-protocol.md).
FEATURES_HEADER = "X-Central-Features"
#: The feature of ``POST /v1/sync``: one round trip for a whole sync cycle.
FEATURE_SYNC = "sync_v2"
#: The feature of ``GET /v1/catalog/snapshots/latest``: a first sync downloads one immutable,
#: content-addressed snapshot of the whole catalog, then the changes after it.
FEATURE_SNAPSHOT = "catalog_snapshot"
#: ``format`` of a catalog snapshot's first line (docs/sync-protocol.md, "Catalog snapshots").
SNAPSHOT_FORMAT = "village-kiosk-catalog-snapshot"
#: Largest catalog snapshot, as sent (gzip), and once inflated: 100,000 products are ~4 MB and
#: ~25 MB; the caps leave room for ten times that and stop a bomb long before a disk fills.
MAX_SNAPSHOT_BYTES = 64 * 1024 * 1024
MAX_SNAPSHOT_INFLATED_BYTES = 512 * 1024 * 1024
#: Longest line of a snapshot (one product; the header with every category).
MAX_SNAPSHOT_LINE_BYTES = 256 * 1024

#: Most categories in one catalog page (the full list travels on every page).
MAX_CATEGORIES = 1000
#: Most order lines in all the events of one push batch (each line is a row to write).
MAX_LINES_PER_BATCH = 2000
#: Largest value of a 32-bit and a 64-bit signed database integer.
INT4_MAX = 2**31 - 1
INT8_MAX = 2**63 - 1
#: Longest SKU (the catalog's own limit; central's error messages quote SKUs).
SKU_MAX = 64
#: Longest free-form payload (``demand_counts`` and friends): nesting depth and string length.
PAYLOAD_MAX_DEPTH = 8

#: Code of a text field refused for a control character or a lone surrogate.
BAD_TEXT = "bad_text"
# Any C0/C1 control character, DEL, or a lone UTF-16 surrogate (unstorable as UTF-8).
_BAD_SINGLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
# The same, but newline is allowed (multi-line fields: a product description, an error report).
_BAD_MULTI = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def bad_char(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` that no text field on the wire may hold, else ``None``.

    Refused: NUL and every other C0/C1 control character (newline only in multi-line fields)
    and lone surrogates (they cannot be stored as UTF-8, and PostgreSQL refuses NUL).
    """
    m = (_BAD_MULTI if multiline else _BAD_SINGLE).search(text)
    return m.group() if m else None


def clean_text(text: str, *, multiline: bool = False) -> str:
    """``text`` with every character :func:`bad_char` refuses replaced by ``?`` (for a sender
    that must put a message of unknown origin on the wire, e.g. the last sync error)."""
    return (_BAD_MULTI if multiline else _BAD_SINGLE).sub("?", text)


def _check_text(value: Any, multiline: bool, depth: int = 0) -> None:
    """Refuse a bad character in ``value`` or, for lists and dicts, anywhere inside (keys too)."""
    if isinstance(value, str):
        ch = bad_char(value, multiline=multiline)
        if ch is not None:
            raise PydanticCustomError(
                BAD_TEXT,
                "text holds a control character or lone surrogate (U+{cp}), which is not allowed",
                {"cp": f"{ord(ch):04X}"},
            )
    elif isinstance(value, dict):
        if depth >= PAYLOAD_MAX_DEPTH:
            raise PydanticCustomError("too_deep", "nested more than {n} levels", {"n": depth})
        for k, v in value.items():
            _check_text(k, False, depth + 1)
            _check_text(v, multiline, depth + 1)
    elif isinstance(value, list | tuple):
        if depth >= PAYLOAD_MAX_DEPTH:
            raise PydanticCustomError("too_deep", "nested more than {n} levels", {"n": depth})
        for v in value:
            _check_text(v, multiline, depth + 1)
    elif isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        raise PydanticCustomError("not_finite", "NaN and Infinity are not JSON numbers")


def _display_text(value: Any) -> Any:
    return clean_network_text(value) if isinstance(value, str) else value


def _ascii_digits(value: str) -> str:
    if value and not (value.isascii() and value.isdigit()):
        raise PydanticCustomError("bad_cursor", "a cursor is ASCII digits 0-9")
    return value


def _real_day(value: str) -> str:
    try:
        _dt.date.fromisoformat(value)
    except ValueError:
        raise PydanticCustomError("bad_date", "not a calendar date (YYYY-MM-DD)") from None
    return value


_UUID_RE = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
Uuid = Annotated[str, Field(pattern=_UUID_RE)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Cursor = Annotated[str, Field(max_length=19), AfterValidator(_ascii_digits)]
Fen = Annotated[StrictInt, Field(ge=0, le=10_000_000_000)]
Int4 = Annotated[StrictInt, Field(ge=0, le=INT4_MAX)]
Int8 = Annotated[StrictInt, Field(ge=0, le=INT8_MAX)]
Sku = Annotated[str, Field(min_length=1, max_length=SKU_MAX)]
ShortText = Annotated[str, Field(max_length=200)]
#: ``pickup_salt`` of kiosk/pickup.py: scheme 2 (``s2:`` + 24 hex) or scheme 1 (32 hex).
PickupSalt = Annotated[str, Field(pattern=r"^(s2:[0-9a-f]{24}|[0-9a-f]{32})$")]


class Wire(BaseModel):
    """Base of every wire model: strict about unknown fields, immutable, and no text field (nor
    any string inside a free-form dict) holds a control character or a lone surrogate; the
    fields named in ``multiline`` may hold newlines. Floats are finite (strict JSON)."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
    multiline: ClassVar[frozenset[str]] = frozenset()

    @field_validator("*", mode="after")
    @classmethod
    def _no_bad_text(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, BaseModel):
            _check_text(value, info.field_name in cls.multiline)
        return value


# --- enrollment -------------------------------------------------------------------------------


class EnrollRequest(Wire):
    """``POST /v1/enroll``: exchange a one-time enrollment code for a device credential."""

    code: Annotated[str, Field(min_length=4, max_length=64)]
    device_name: Annotated[str, Field(max_length=100)] = ""
    app_version: Annotated[str, Field(max_length=32)] = ""


class EnrollResponse(Wire):
    """The device credential (``token``) goes to the OS keyring and nowhere else."""

    device_id: str
    center_id: str
    #: Display text typed by a platform operator: kept printable (kiosk.text.clean_network_text)
    #: rather than refusing the whole credential over a stray control character.
    center_name: Annotated[str, BeforeValidator(_display_text)]
    token: str
    #: This PC's number within its center (1, 2, 3…): part of its order numbers.
    pc_no: Annotated[StrictInt, Field(ge=1, le=9999)] | None = None
    #: The device this enrollment replaced (its credential was revoked), if any.
    replaced_device_id: Annotated[str, Field(max_length=36)] | None = None


# --- catalog ----------------------------------------------------------------------------------


class CategoryWire(Wire):
    name: Annotated[str, Field(min_length=1, max_length=40)]
    sort_order: Annotated[StrictInt, Field(ge=-INT4_MAX, le=INT4_MAX)] = 0
    active: bool = True


class ProductWire(Wire):
    """One product as of server version ``version``. ``deleted`` removes it from the kiosk."""

    multiline: ClassVar[frozenset[str]] = frozenset({"description"})

    sku: Sku
    version: Int8
    deleted: bool = False
    name: Annotated[str, Field(max_length=200)] = ""
    category: Annotated[str, Field(max_length=40)] = ""
    price_fen: Fen = 0
    unit: Annotated[str, Field(max_length=10)] = ""
    description: Annotated[str, Field(max_length=2000)] = ""
    image_hash: Sha256 | None = None
    stock: StockState = StockState.IN_STOCK
    barcode: Annotated[str, Field(max_length=14)] | None = None
    active: bool = True


class CatalogPage(Wire):
    """``GET /v1/catalog/changes?cursor=C&limit=N`` (gzip).

    ``items`` are the products changed after ``cursor``, in server order. Pass ``next_cursor``
    back to get the next page; stop when ``has_more`` is false. ``categories`` is the full list
    (it is small) on every page.
    """

    items: Annotated[list[ProductWire], Field(max_length=CATALOG_PAGE_MAX)]
    categories: Annotated[list[CategoryWire], Field(max_length=MAX_CATEGORIES)]
    next_cursor: Cursor
    has_more: bool


class SnapshotInfo(Wire):
    """``GET /v1/catalog/snapshots/latest``: the newest catalog snapshot.

    ``sha256`` names the gzip bytes served at ``url`` (``/v1/catalog/snapshots/{sha256}``),
    ``size`` is their length; ``cursor`` is the catalog feed position the snapshot holds
    everything up to, ``items`` its number of products (tombstones included).
    """

    sha256: Sha256
    size: Annotated[StrictInt, Field(ge=1, le=MAX_SNAPSHOT_BYTES)]
    cursor: Cursor
    items: Int8
    url: Annotated[str, Field(max_length=200)]


class SnapshotHeader(Wire):
    """The first line of a catalog snapshot (inflated): what follows is ``items`` lines, one
    ``ProductWire`` each, in version order, tombstones included."""

    format: Literal["village-kiosk-catalog-snapshot"]
    format_version: Literal[1]
    cursor: Cursor
    items: Int8
    categories: Annotated[list[CategoryWire], Field(max_length=MAX_CATEGORIES)]


# --- events (outbox push) ----------------------------------------------------------------------


class EventKind(StrEnum):
    ORDER_PLACED = "order_placed"
    ORDER_CANCELLED = "order_cancelled"
    ARRIVAL_CHECKED_IN = "arrival_checked_in"
    PICKUP_CONFIRMED = "pickup_confirmed"
    ORDER_RETURNED = "order_returned"
    CASH_ENTRY = "cash_entry"
    DAY_CLOSED = "day_closed"
    DEMAND_COUNTS = "demand_counts"


class OrderLineWire(Wire):
    sku: Sku
    name: Annotated[str, Field(max_length=200)]
    unit: Annotated[str, Field(max_length=10)]
    unit_price_fen: Fen
    product_version: Int8
    qty: Annotated[StrictInt, Field(ge=1, le=999)]
    line_total_fen: Fen


class OrderPlacedPayload(Wire):
    """Payload of an ``order_placed`` event: the immutable order as authored on the kiosk."""

    order_id: Uuid
    local_no: Annotated[str, Field(max_length=64)]
    center_id: Annotated[str, Field(max_length=64)]
    customer_name: Annotated[str, Field(max_length=100)]
    customer_phone: Annotated[str, Field(max_length=32)]
    payment: Literal["cash", "on_pickup"]
    total_fen: Fen
    lines: Annotated[list[OrderLineWire], Field(min_length=1, max_length=100)]
    placed_at: Annotated[str, Field(max_length=64)]  # kiosk clock, informational only
    # The salted pickup-code hash (never the code; kiosk/pickup.py), kept at central so a
    # pulled-back order can still be handed over. Absent from older kiosks' events.
    pickup_salt: PickupSalt | None = None
    pickup_hash: Sha256 | None = None


# --- owner events: what the shop did with an order, and its cash -------------------------------

Reason = Annotated[str, Field(min_length=1, max_length=200)]
KioskTime = Annotated[str, Field(max_length=64)]  # kiosk clock, informational only
BusinessDay = Annotated[
    str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"), AfterValidator(_real_day)
]


class ArrivalLineWire(Wire):
    """One line of a check-in: ``qty`` arrived now, ``arrived_qty`` in all, of ``ordered_qty``."""

    line_no: Annotated[StrictInt, Field(ge=1, le=100)]
    sku: Sku
    qty: Annotated[StrictInt, Field(ge=1, le=999)]
    arrived_qty: Annotated[StrictInt, Field(ge=1, le=999)]
    ordered_qty: Annotated[StrictInt, Field(ge=1, le=999)]


class ArrivalCheckedInPayload(Wire):
    """``arrival_checked_in``: parcels of an order checked in at the shop.

    ``complete`` is true when every line has fully arrived; only then does the order become
    ``arrived`` (a partial check-in is recorded and leaves the status as it is).
    """

    order_id: Uuid
    lines: Annotated[list[ArrivalLineWire], Field(min_length=1, max_length=100)]
    complete: bool
    checked_in_at: KioskTime


class PickupConfirmedPayload(Wire):
    """``pickup_confirmed``: handed over against the pickup code (the code itself never travels).

    ``paid_how``: ``cash`` (paid in cash now, ``cash_fen``), ``already_paid`` (paid at order
    time), ``mobile`` (paid now by phone to the shop's account, no cash in the drawer).
    """

    order_id: Uuid
    paid_how: Literal["cash", "already_paid", "mobile"]
    cash_fen: Fen
    picked_up_at: KioskTime


class OrderCancelledPayload(Wire):
    """``order_cancelled``: cancelled at the shop before it shipped; ``refund_fen`` paid back."""

    order_id: Uuid
    reason: Reason
    refund_fen: Fen
    cancelled_at: KioskTime


class OrderReturnedPayload(Wire):
    """``order_returned``: the villager brought it back; ``refund_fen`` cash returned."""

    order_id: Uuid
    reason: Reason
    refund_fen: Fen
    returned_at: KioskTime


class CashEntryPayload(Wire):
    """``cash_entry``: cash into (``order_cash``, ``pickup_cash``) or out of (``refund``) the till.

    ``amount_fen`` is never negative; ``kind`` gives the direction.
    """

    entry_id: Uuid
    kind: Literal["order_cash", "pickup_cash", "refund"]
    order_id: Uuid | None = None
    amount_fen: Annotated[StrictInt, Field(ge=1, le=10_000_000_000)]
    at: KioskTime


class CashTotalWire(Wire):
    count: Int4
    fen: Fen


class DayClosedPayload(Wire):
    """``day_closed``: the close of one business day. Its event id is derived from center and
    day, so closing the same day again can never count twice."""

    center_id: Annotated[str, Field(min_length=1, max_length=64)]
    business_day: BusinessDay
    closed_at: KioskTime
    totals: dict[Literal["order_cash", "pickup_cash", "refund"], CashTotalWire]
    expected_cash_fen: Annotated[StrictInt, Field(ge=-10_000_000_000, le=10_000_000_000)]
    entries: Int4


#: The payload model of each owner event kind (central validates with these).
#: Most distinct products, categories or searches one ``demand_counts`` event may carry (the
#: kiosk folds at most 20,000 browse events into one: kiosk/storage/browsing.py).
MAX_DEMAND_KEYS = 20_000
DemandCount = Annotated[StrictInt, Field(ge=0, le=1_000_000)]


class DemandSearchWire(Wire):
    query: Annotated[str, Field(min_length=1, max_length=100)]
    count: Annotated[StrictInt, Field(ge=1, le=1_000_000)]
    no_result_count: DemandCount


class DemandCountsPayload(Wire):
    """``demand_counts``: what villagers looked at and searched for since the last such event.

    Counts only: no customer, no time of each event (``period_*`` is the kiosk clock,
    informational). Central folds it into per-center, per-day counts (central/demand.py).
    """

    from_event: Annotated[StrictInt, Field(ge=0)]
    to_event: Annotated[StrictInt, Field(ge=0)]
    events: Annotated[StrictInt, Field(ge=0, le=1_000_000)]
    period_start: KioskTime | None = None
    period_end: KioskTime | None = None
    product_views: Annotated[
        dict[Annotated[str, Field(min_length=1, max_length=200)], DemandCount],
        Field(max_length=MAX_DEMAND_KEYS),
    ] = Field(default_factory=dict)
    category_visits: Annotated[
        dict[Annotated[str, Field(min_length=1, max_length=200)], DemandCount],
        Field(max_length=MAX_DEMAND_KEYS),
    ] = Field(default_factory=dict)
    searches: Annotated[list[DemandSearchWire], Field(max_length=MAX_DEMAND_KEYS)] = Field(
        default_factory=list
    )


OWNER_PAYLOADS: dict[EventKind, type[Wire]] = {
    EventKind.ARRIVAL_CHECKED_IN: ArrivalCheckedInPayload,
    EventKind.PICKUP_CONFIRMED: PickupConfirmedPayload,
    EventKind.ORDER_CANCELLED: OrderCancelledPayload,
    EventKind.ORDER_RETURNED: OrderReturnedPayload,
    EventKind.CASH_ENTRY: CashEntryPayload,
    EventKind.DAY_CLOSED: DayClosedPayload,
}


class Event(Wire):
    """One outbox event. ``id`` is permanent: the server deduplicates on it forever."""

    id: Uuid
    kind: EventKind
    subject_id: Annotated[str, Field(max_length=64)]
    created_at: Annotated[str, Field(max_length=64)]  # kiosk clock, informational only
    payload: dict[str, Any]


class EventBatch(Wire):
    """``POST /v1/events``."""

    events: Annotated[list[Event], Field(min_length=1, max_length=MAX_EVENTS_PER_BATCH)]


class EventStatus(StrEnum):
    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # seen before with the same payload; ``result`` is the original one
    REJECTED = "rejected"  # quarantine on the kiosk; never retried automatically


class EventResult(Wire):
    id: Uuid
    status: EventStatus
    reason: Annotated[str, Field(max_length=64)] | None = None  # code when rejected
    message: Annotated[str, Field(max_length=MESSAGE_MAX)] | None = None  # one line for people
    result: dict[str, Any] = Field(default_factory=dict)  # e.g. {"server_no": "..."}


class EventBatchResult(Wire):
    results: list[EventResult]


# --- order updates -----------------------------------------------------------------------------


class OrderUpdate(Wire):
    """A change the central side made to one of this center's orders."""

    order_id: Uuid
    status: Annotated[str, Field(max_length=32)]
    server_no: Annotated[str, Field(max_length=64)] | None = None
    reason: ShortText | None = None
    seq: Int8


class OrderUpdatesPage(Wire):
    """``GET /v1/orders/updates?cursor=C&limit=N``."""

    items: list[OrderUpdate]
    next_cursor: Cursor
    has_more: bool


# --- pull-back: central as the shop's backup of record ----------------------------------------


class RecoveredLine(Wire):
    """One line of a pulled-back order, as central holds it."""

    line_no: Annotated[StrictInt, Field(ge=1, le=100)]
    sku: Sku
    name: Annotated[str, Field(max_length=200)]
    unit: Annotated[str, Field(max_length=10)]
    unit_price_fen: Fen
    product_version: Int8
    qty: Annotated[StrictInt, Field(ge=1, le=999)]
    line_total_fen: Fen
    arrived_qty: Annotated[StrictInt, Field(ge=0, le=999)]


class RecoveredCash(Wire):
    """A cash entry of a pulled-back order (only this PC's own and those of PCs it replaced)."""

    entry_id: Annotated[str, Field(min_length=1, max_length=36)]
    kind: Literal["order_cash", "pickup_cash", "refund"]
    amount_fen: Annotated[StrictInt, Field(ge=1, le=10_000_000_000)]
    at: Annotated[str, Field(max_length=64)]


class RecoveredOrder(Wire):
    """An order central holds for the center: everything the shop needs to hand it over."""

    order_id: Uuid
    local_no: Annotated[str, Field(min_length=1, max_length=32)]
    server_no: Annotated[str, Field(max_length=16)]
    status: Annotated[str, Field(max_length=32)]
    status_reason: ShortText | None = None
    customer_name: Annotated[str, Field(max_length=100)]
    customer_phone: Annotated[str, Field(max_length=32)]
    payment: Literal["cash", "on_pickup"]
    total_fen: Fen
    placed_at: Annotated[str, Field(max_length=64)]
    pickup_salt: PickupSalt | None = None
    pickup_hash: Sha256 | None = None
    lines: Annotated[list[RecoveredLine], Field(min_length=1, max_length=100)]
    cash: Annotated[list[RecoveredCash], Field(max_length=20)] = []


class RecoveryPage(Wire):
    """``GET /v1/orders/recovery?cursor=C&limit=N``: the center's orders in server order."""

    items: list[RecoveredOrder]
    next_cursor: Cursor
    has_more: bool


# --- heartbeat ---------------------------------------------------------------------------------


class Heartbeat(Wire):
    """``POST /v1/heartbeat``: the center's health as the central operators see it."""

    multiline: ClassVar[frozenset[str]] = frozenset({"last_error"})

    app_version: Annotated[str, Field(max_length=32)]
    schema_revision: Annotated[str, Field(max_length=64)] | None
    queue_depth: Int4
    quarantined: Int4 = 0
    oldest_unsent_age_s: Annotated[float, Field(ge=0, le=1e10)] | None
    last_error: Annotated[str, Field(max_length=500)] | None
    #: The last sync's outcome code (``kiosk.sync`` ``SyncCode``), for the fleet views.
    error_code: Annotated[str, Field(pattern=r"^[a-z0-9_]{1,64}$")] | None = None
    disk_free_bytes: Int8
    kiosk_time: Annotated[str, Field(max_length=64)]  # the kiosk clock, for the offset
    catalog_cursor: Cursor | None = None


class HeartbeatAck(Wire):
    server_time: Annotated[str, Field(max_length=64)]
    # Kiosk clock minus server clock, as central measured it (finite: strict JSON).
    clock_offset_s: Annotated[float, Field(ge=-1e10, le=1e10)]


class ErrorBody(Wire):
    """Every non-2xx response body."""

    error: str  # machine-readable code
    message: str  # one line for people


# --- one round trip: POST /v1/sync ---------------------------------------------------------------


class SyncRequest(Wire):
    """``POST /v1/sync``: a whole sync cycle in one request (offered as :data:`FEATURE_SYNC`).

    ``events`` are pushed exactly as by ``POST /v1/events`` (same validation, same per-event
    results, same limits; may be empty); then the order updates after ``orders_cursor`` and the
    catalog changes after ``catalog_cursor`` are read (one page each); ``heartbeat`` is stored as
    by ``POST /v1/heartbeat``.
    """

    events: Annotated[list[Event], Field(max_length=MAX_EVENTS_PER_BATCH)] = Field(
        default_factory=list
    )
    orders_cursor: Cursor = ""
    orders_limit: Annotated[StrictInt, Field(ge=1, le=ORDER_UPDATES_PAGE_MAX)] | None = None
    catalog_cursor: Cursor = ""
    catalog_limit: Annotated[StrictInt, Field(ge=1, le=CATALOG_PAGE_MAX)] | None = None
    heartbeat: Heartbeat | None = None


class SyncResponse(Wire):
    """The answer to ``POST /v1/sync``: one result per distinct event (in order), the first page
    of order updates and of catalog changes, the heartbeat's acknowledgement (when one was sent)
    and the server's clock."""

    results: Annotated[list[EventResult], Field(max_length=MAX_EVENTS_PER_BATCH)]
    order_updates: OrderUpdatesPage
    catalog: CatalogPage
    heartbeat: HeartbeatAck | None = None
    server_time: Annotated[str, Field(max_length=64)]

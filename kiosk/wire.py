"""The sync protocol's wire schema (``/v1``), shared by the kiosk's sync engine and ``central/``.

Plain pydantic models, no HTTP here. ``docs/sync-protocol.md`` explains the protocol for people;
this module is its machine-checked form. Every model forbids unknown fields on the way in so a
malformed or hostile body is refused as a whole rather than half-understood.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from kiosk.catalog import StockState

PROTOCOL_VERSION = 1
API_PREFIX = "/v1"

#: Largest decompressed response body the kiosk accepts (a gzip bomb is cut off here).
MAX_BODY_BYTES = 32 * 1024 * 1024
#: Largest request body central accepts, decompressed.
MAX_REQUEST_BYTES = 8 * 1024 * 1024
#: Most events in one push batch.
MAX_EVENTS_PER_BATCH = 200
#: Default and largest catalog page.
CATALOG_PAGE_DEFAULT = 2000
CATALOG_PAGE_MAX = 5000

_UUID_RE = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
Uuid = Annotated[str, Field(pattern=_UUID_RE)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
Cursor = Annotated[str, Field(max_length=64)]
Fen = Annotated[StrictInt, Field(ge=0, le=10_000_000_000)]


class Wire(BaseModel):
    """Base of every wire model: strict about unknown fields, immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


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
    center_name: str
    token: str
    #: This PC's number within its center (1, 2, 3…): part of its order numbers.
    pc_no: Annotated[StrictInt, Field(ge=1, le=9999)] | None = None
    #: The device this enrollment replaced (its credential was revoked), if any.
    replaced_device_id: Annotated[str, Field(max_length=36)] | None = None


# --- catalog ----------------------------------------------------------------------------------


class CategoryWire(Wire):
    name: Annotated[str, Field(min_length=1, max_length=40)]
    sort_order: int = 0
    active: bool = True


class ProductWire(Wire):
    """One product as of server version ``version``. ``deleted`` removes it from the kiosk."""

    sku: Annotated[str, Field(min_length=1, max_length=64)]
    version: StrictInt
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

    items: list[ProductWire]
    categories: list[CategoryWire]
    next_cursor: Cursor
    has_more: bool


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
    sku: str
    name: str
    unit: str
    unit_price_fen: Fen
    product_version: StrictInt
    qty: Annotated[StrictInt, Field(ge=1, le=999)]
    line_total_fen: Fen


class OrderPlacedPayload(Wire):
    """Payload of an ``order_placed`` event: the immutable order as authored on the kiosk."""

    order_id: Uuid
    local_no: str
    center_id: str
    customer_name: str
    customer_phone: str
    payment: Literal["cash", "on_pickup"]
    total_fen: Fen
    lines: Annotated[list[OrderLineWire], Field(min_length=1, max_length=100)]
    placed_at: str  # kiosk clock, informational only


# --- owner events (issue 5): what the shop did with an order, and its cash ----------------------

Reason = Annotated[str, Field(min_length=1, max_length=200)]
KioskTime = Annotated[str, Field(max_length=64)]  # kiosk clock, informational only
BusinessDay = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class ArrivalLineWire(Wire):
    """One line of a check-in: ``qty`` arrived now, ``arrived_qty`` in all, of ``ordered_qty``."""

    line_no: Annotated[StrictInt, Field(ge=1, le=100)]
    sku: Annotated[str, Field(min_length=1, max_length=64)]
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
    count: Annotated[StrictInt, Field(ge=0)]
    fen: Fen


class DayClosedPayload(Wire):
    """``day_closed``: the close of one business day. Its event id is derived from center and
    day, so closing the same day again can never count twice."""

    center_id: Annotated[str, Field(min_length=1, max_length=64)]
    business_day: BusinessDay
    closed_at: KioskTime
    totals: dict[Literal["order_cash", "pickup_cash", "refund"], CashTotalWire]
    expected_cash_fen: Annotated[StrictInt, Field(ge=-10_000_000_000, le=10_000_000_000)]
    entries: Annotated[StrictInt, Field(ge=0)]


#: The payload model of each owner event kind (central validates with these).
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
    created_at: str  # kiosk clock, informational only
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
    reason: str | None = None  # machine-readable code when rejected, e.g. "payload_mismatch"
    message: str | None = None  # one line for people
    result: dict[str, Any] = Field(default_factory=dict)  # e.g. {"server_no": "..."}


class EventBatchResult(Wire):
    results: list[EventResult]


# --- order updates -----------------------------------------------------------------------------


class OrderUpdate(Wire):
    """A change the central side made to one of this center's orders."""

    order_id: Uuid
    status: str
    server_no: str | None = None
    reason: str | None = None
    seq: StrictInt


class OrderUpdatesPage(Wire):
    """``GET /v1/orders/updates?cursor=C&limit=N``."""

    items: list[OrderUpdate]
    next_cursor: Cursor
    has_more: bool


# --- heartbeat ---------------------------------------------------------------------------------


class Heartbeat(Wire):
    """``POST /v1/heartbeat``: the center's health as the central operators see it."""

    app_version: str
    schema_revision: str | None
    queue_depth: int
    quarantined: int = 0
    oldest_unsent_age_s: float | None
    last_error: Annotated[str, Field(max_length=500)] | None
    disk_free_bytes: int
    kiosk_time: str  # the kiosk clock, so central can see and report the offset
    catalog_cursor: str | None = None


class HeartbeatAck(Wire):
    server_time: str
    clock_offset_s: float  # kiosk clock minus server clock, as central measured it


class ErrorBody(Wire):
    """Every non-2xx response body."""

    error: str  # machine-readable code
    message: str  # one line for people

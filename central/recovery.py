"""Pull-back: central as the shop's backup of record (docs/sync-protocol.md, "Pull-back").

A kiosk restored from an older backup, or a new PC enrolled for a center that already has
orders, asks ``GET /v1/orders/recovery`` for every order central holds for its center: lines
(with the arrived quantities), status, payment, customer, amounts, the salted pickup-code hash
(never a code) and the order's cash entries. The kiosk keeps those it does not have, so a parcel
arriving later can still be checked in and handed over there.

Paged in server order by the number in ``server_no`` (``S00000042`` is cursor 42), at most
:data:`RECOVERY_PAGE_MAX` orders a page. Only the asking device's center is ever read. Cash
entries come only when they were taken on the asking PC or on a PC it replaced (``enroll-code
--replace``, followed back through earlier replacements): a second PC keeps its own drawer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.db import CentralDb
from central.errors import BadRequest
from central.models import CashEntryRecord, EnrollCode, Order, OrderLine

RECOVERY_PAGE_DEFAULT = 100
RECOVERY_PAGE_MAX = 200
#: ``server_no`` is ``S`` and eight digits (central/service.py ``_place_order``).
_SERVER_NO = "S{:08d}"


def parse_recovery_cursor(text: str | None) -> int:
    """``""``/``"0"`` is the start; else the number of the last ``server_no`` received."""
    text = (text or "").strip()
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()) or len(text) > 8:
        raise BadRequest(f"'{text[:40]}' is not a recovery cursor", code="bad_cursor")
    return int(text)


def recovery_limit(limit: int | None) -> int:
    if limit is None:
        return RECOVERY_PAGE_DEFAULT
    if limit < 1:
        raise BadRequest("limit must be at least 1", code="bad_limit")
    return min(limit, RECOVERY_PAGE_MAX)


def _drawers(s: Session, device_id: str, center_id: str) -> set[str]:
    """The asking device and the devices it replaced, and those they replaced, … (their cash
    came with the shop to this PC). A second PC still in use is never among them."""
    drawers = {device_id}
    todo = [device_id]
    while todo and len(drawers) < 1000:
        replaced = s.scalars(
            select(EnrollCode.replaces).where(
                EnrollCode.device_id == todo.pop(),
                EnrollCode.center_id == center_id,
                EnrollCode.replaces.is_not(None),
            )
        )
        for old in replaced:
            if old and old not in drawers:
                drawers.add(old)
                todo.append(old)
    return drawers


def recovery_page(
    db: CentralDb, device_id: str, center_id: str, cursor: str | None, limit: int | None
) -> dict[str, Any]:
    """One ``RecoveryPage`` (JSON-ready) of ``center_id``'s orders after ``cursor``."""
    after = parse_recovery_cursor(cursor)
    n = recovery_limit(limit)
    with db.read() as s:
        orders = list(
            s.scalars(
                select(Order)
                .where(Order.center_id == center_id, Order.server_no > _SERVER_NO.format(after))
                .order_by(Order.server_no)
                .limit(n + 1)
            )
        )
        has_more = len(orders) > n
        orders = orders[:n]
        ids = [o.id for o in orders]
        lines: dict[str, list[OrderLine]] = {}
        for ln in s.scalars(
            select(OrderLine).where(OrderLine.order_id.in_(ids)).order_by(OrderLine.line_no)
        ):
            lines.setdefault(ln.order_id, []).append(ln)
        drawers = _drawers(s, device_id, center_id)
        cash: dict[str, list[CashEntryRecord]] = {}
        for c in s.scalars(
            select(CashEntryRecord)
            .where(CashEntryRecord.order_id.in_(ids), CashEntryRecord.center_id == center_id)
            .order_by(CashEntryRecord.received_at, CashEntryRecord.entry_id)
        ):
            if c.device_id in drawers:
                cash.setdefault(c.order_id or "", []).append(c)
        items = [
            {
                "order_id": o.id,
                "local_no": o.local_no,
                "server_no": o.server_no,
                "status": o.status,
                "status_reason": o.status_reason,
                "customer_name": o.customer_name,
                "customer_phone": o.customer_phone,
                "payment": o.payment,
                "total_fen": o.total_fen,
                "placed_at": o.placed_at,
                "pickup_salt": o.pickup_salt,
                "pickup_hash": o.pickup_hash,
                "lines": [
                    {
                        "line_no": ln.line_no,
                        "sku": ln.sku,
                        "name": ln.name,
                        "unit": ln.unit,
                        "unit_price_fen": ln.unit_price_fen,
                        "product_version": ln.product_version,
                        "qty": ln.qty,
                        "line_total_fen": ln.line_total_fen,
                        "arrived_qty": ln.arrived_qty,
                    }
                    for ln in lines.get(o.id, [])
                ],
                "cash": [
                    {"entry_id": c.entry_id, "kind": c.kind, "amount_fen": c.amount_fen, "at": c.at}
                    for c in cash.get(o.id, [])[:20]
                ],
            }
            for o in orders
        ]
    last = int(orders[-1].server_no[1:]) if orders else after
    return {"items": items, "next_cursor": str(last), "has_more": has_more}

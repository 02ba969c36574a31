"""Pull-back: orders central holds for this center, kept here after a restore or on a new PC.

Central is the shop's backup of record (docs/sync-protocol.md, "Pull-back"). ``kiosk tech
restore`` and ``kiosk enroll`` set :data:`PULLBACK` (``restore`` or ``enroll``); the sync
engine then pages ``GET /v1/orders/recovery`` and hands each page to :func:`apply_page`, which
keeps every order this kiosk does not have (lines, arrived quantities, status, payment, customer,
amounts, the salted pickup-code hash, its cash entries) and saves the page's cursor in the same
unit of work. A crash between pages resumes at the saved cursor; a page applied twice changes
nothing (orders and cash entries are keyed by their ids). The last page clears the flag.

Order numbers: every number central holds with this PC's own prefix moves the local counter
past it, so a restored PC never gives a number twice. While a pull-back after a restore is
pending, :func:`check_may_order` refuses new orders (the counter is not known yet).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.errors import IllegalTransition, NotFound
from kiosk.kernel.clock import utc_now_text
from kiosk.orders import OrderStatus
from kiosk.storage import models as m
from kiosk.storage.models import CashEntry, OrderArrival
from kiosk.storage.orders import apply_remote_status
from kiosk.storage.pullback_flag import (
    ENROLL as ENROLL,
)
from kiosk.storage.pullback_flag import (
    RESTORE as RESTORE,
)
from kiosk.storage.pullback_flag import (
    check_may_order as check_may_order,
)
from kiosk.storage.pullback_flag import (
    finish as finish,
)
from kiosk.storage.pullback_flag import (
    mark_needed as mark_needed,
)
from kiosk.storage.pullback_flag import (
    pending as pending,
)
from kiosk.storage.settings import (
    CENTER_ID,
    DEFAULT_CENTER_ID,
    ORDER_SEQUENCE_KEY,
    PC_NO,
    PULLBACK_CURSOR,
)
from kiosk.storage.store import KioskStore
from kiosk.wire import RecoveryPage

log = logging.getLogger(__name__)


@dataclass
class PageOutcome:
    kept: int = 0
    updated: int = 0
    cash: int = 0


def _own_prefix(s: Session) -> str:
    center = KioskStore.get_setting(s, CENTER_ID) or DEFAULT_CENTER_ID
    pc_no = KioskStore.get_setting(s, PC_NO) or ""
    n = int(pc_no) if pc_no.isdecimal() else 1
    return f"{center}-{n}-" if n > 1 else f"{center}-"


def _reseed(s: Session, local_no: str, prefix: str) -> None:
    rest = local_no[len(prefix) :] if local_no.startswith(prefix) else ""
    if not (rest.isascii() and rest.isdecimal()) or len(rest) > 9:
        return
    current = KioskStore.get_setting(s, ORDER_SEQUENCE_KEY) or "0"
    if int(rest) > int(current if current.isdecimal() else "0"):
        KioskStore.set_setting(s, ORDER_SEQUENCE_KEY, str(int(rest)))


def apply_page(s: Session, page: RecoveryPage, outcome: PageOutcome) -> list[str]:
    """Keep one page (write unit of work); return warnings (English, for logs)."""
    warnings: list[str] = []
    prefix = _own_prefix(s)
    now = utc_now_text()
    for o in page.items:
        _reseed(s, o.local_no, prefix)
        try:
            status = OrderStatus(o.status)
        except ValueError:
            warnings.append(f"order {o.order_id}: unknown status '{o.status}'")
            continue
        if len({ln.line_no for ln in o.lines}) != len(o.lines):
            warnings.append(f"order {o.order_id}: repeated line numbers; not kept")
            continue
        existing = s.get(m.Order, o.order_id)
        if existing is not None:
            try:
                if apply_remote_status(s, o.order_id, status, o.server_no, o.status_reason):
                    outcome.updated += 1
            except (IllegalTransition, NotFound) as exc:
                warnings.append(f"order {o.order_id}: {exc}")
        else:
            taken = s.scalar(select(m.Order.id).where(m.Order.local_no == o.local_no))
            if taken is not None:
                warnings.append(f"order {o.order_id}: number {o.local_no} is taken here; not kept")
                KioskStore.audit(s, "sync", "recovery_refused", o.order_id, o.local_no)
                continue
            phone = o.customer_phone if len(o.customer_phone) == 11 else ""
            customer_id = None
            if phone.isascii() and phone.isdecimal():
                customer_id = s.scalar(select(m.Customer.id).where(m.Customer.phone == phone))
                if customer_id is None:
                    row = m.Customer(phone=phone, name=o.customer_name[:40], created_at=now)
                    s.add(row)
                    s.flush()
                    customer_id = row.id
            s.add(
                m.Order(
                    id=o.order_id,
                    local_no=o.local_no,
                    center_id=KioskStore.get_setting(s, CENTER_ID) or "",
                    status=status.value,
                    customer_id=customer_id,
                    customer_name=o.customer_name[:40],
                    customer_phone=o.customer_phone[:11],
                    payment=o.payment,
                    total_fen=o.total_fen,
                    # No hash at central (an order from an older kiosk): no code can match; the
                    # owner hands it over by phone number and order number (docs/owner.md).
                    pickup_salt=o.pickup_salt or "",
                    pickup_hash=o.pickup_hash or "",
                    created_at=o.placed_at[:32],
                    updated_at=now,
                    server_no=o.server_no,
                    status_reason=o.status_reason,
                    lines=[
                        m.OrderLine(
                            line_no=ln.line_no,
                            sku=ln.sku,
                            name=ln.name,
                            unit=ln.unit,
                            unit_price_fen=ln.unit_price_fen,
                            product_version=ln.product_version,
                            qty=ln.qty,
                            line_total_fen=ln.line_total_fen,
                        )
                        for ln in o.lines
                    ],
                )
            )
            s.flush()
            for ln in o.lines:
                if ln.arrived_qty > 0:
                    s.add(
                        OrderArrival(
                            order_id=o.order_id,
                            line_no=ln.line_no,
                            arrived_qty=min(ln.arrived_qty, ln.qty),
                        )
                    )
            KioskStore.audit(s, "central", "order_recovered", o.order_id, o.local_no)
            outcome.kept += 1
        for c in o.cash:
            if s.scalar(select(CashEntry.id).where(CashEntry.entry_id == c.entry_id)) is None:
                s.add(
                    CashEntry(
                        entry_id=c.entry_id,
                        kind=c.kind,
                        order_id=o.order_id,
                        amount_fen=c.amount_fen,
                        at=c.at[:32],
                        actor="central",
                    )
                )
                outcome.cash += 1
    s.flush()
    KioskStore.set_setting(s, PULLBACK_CURSOR, page.next_cursor)
    return warnings

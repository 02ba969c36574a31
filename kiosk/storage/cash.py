"""The cash ledger and the day close.

Cash comes into the drawer when a villager pays at order time (``order_cash``, written by
:func:`kiosk.storage.orders.place_order`) or at pickup (``pickup_cash``), and goes out as refunds
(``refund``). Each entry is written in the same transaction as the move that caused it, with a
``cash_entry`` outbox event (except cash at order time: the ``order_placed`` event carries it).

A day close counts every entry not yet counted by an earlier close, whatever the kiosk clock said
when it was written (the clock is often wrong), and queues one ``day_closed`` event with a fresh
random id (never derived from guessable data such as the center and the day: another device could
claim it). Closing the same day twice on this PC returns the first close and queues nothing new;
central keeps one close per PC and day and sums a center's PCs (docs/sync-protocol.md).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kiosk.errors import InvalidInput
from kiosk.ids import uuid7
from kiosk.kernel.clock import utc_now_text
from kiosk.storage.center import get_center
from kiosk.storage.models import CashEntry, DayClose, OrderMove
from kiosk.storage.outbox import enqueue
from kiosk.storage.store import KioskStore
from kiosk.wire import CashEntryPayload, CashTotalWire, DayClosedPayload, EventKind

log = logging.getLogger(__name__)


class CashKind(StrEnum):
    """Why cash moved."""

    ORDER_CASH = "order_cash"  # paid at order time (payment=cash)
    PICKUP_CASH = "pickup_cash"  # paid at pickup (payment=on_pickup, paid in cash)
    REFUND = "refund"  # paid back (cancellation, return, rejected order)


#: +1 into the drawer, -1 out of it.
SIGN: dict[CashKind, int] = {CashKind.ORDER_CASH: 1, CashKind.PICKUP_CASH: 1, CashKind.REFUND: -1}


def record_cash(
    s: Session,
    kind: CashKind,
    amount_fen: int,
    order_id: str | None,
    actor: str,
    *,
    send: bool = True,
    entry_id: str | None = None,
) -> str:
    """Write one cash entry (and its ``cash_entry`` event) inside the caller's write unit of work.

    Args:
        send: queue a ``cash_entry`` event. Cash paid at order time is not sent on its own: the
            ``order_placed`` event already says it (payment ``cash``, the total), and a second
            event for every order would double the queue on a slow link. Central derives that
            entry from the order, with the order id as its entry id.
        entry_id: the entry's id (default: a new UUIDv7).

    Returns:
        The entry id.
    """
    if isinstance(amount_fen, bool) or not isinstance(amount_fen, int) or amount_fen <= 0:
        raise InvalidInput(
            "a cash amount is a positive whole number of fen", code="cash.bad_amount"
        )
    entry_id = entry_id or uuid7()
    now = utc_now_text()
    s.add(
        CashEntry(
            entry_id=entry_id,
            kind=kind.value,
            order_id=order_id,
            amount_fen=amount_fen,
            at=now,
            actor=actor,
        )
    )
    if not send:
        return entry_id
    payload = CashEntryPayload(
        entry_id=entry_id, kind=kind.value, order_id=order_id, amount_fen=amount_fen, at=now
    )
    enqueue(s, EventKind.CASH_ENTRY.value, entry_id, payload.model_dump(mode="json"))
    return entry_id


def paid_for_order(s: Session, order_id: str) -> int:
    """Cash the villager has paid for an order so far, less what was refunded (fen)."""
    rows = s.execute(
        select(CashEntry.kind, func.sum(CashEntry.amount_fen))
        .where(CashEntry.order_id == order_id)
        .group_by(CashEntry.kind)
    ).all()
    return sum(SIGN[CashKind(kind)] * int(total) for kind, total in rows)


@dataclass(frozen=True, slots=True)
class CashTotal:
    """How many entries of one kind, and their sum in fen."""

    count: int
    fen: int


@dataclass(frozen=True, slots=True)
class DaySummary:
    """Cash since the last close (what the screen shows before closing)."""

    totals: dict[str, CashTotal]
    expected_cash_fen: int
    entries: int


@dataclass(frozen=True, slots=True)
class DayCloseResult:
    """A day close.

    Attributes:
        already_closed: this day had been closed before; this is that first close, unchanged.
    """

    business_day: str
    closed_at: str
    actor: str
    event_id: str
    totals: dict[str, CashTotal]
    expected_cash_fen: int
    entries: int
    already_closed: bool = False

    def to_dict(self) -> dict[str, object]:
        """JSON-ready."""
        return {
            "business_day": self.business_day,
            "closed_at": self.closed_at,
            "actor": self.actor,
            "event_id": self.event_id,
            "totals": {k: {"count": v.count, "fen": v.fen} for k, v in self.totals.items()},
            "expected_cash_fen": self.expected_cash_fen,
            "entries": self.entries,
            "already_closed": self.already_closed,
        }


def _summarise(s: Session) -> DaySummary:
    rows = s.execute(
        select(CashEntry.kind, func.count(), func.sum(CashEntry.amount_fen))
        .where(CashEntry.close_day.is_(None))
        .group_by(CashEntry.kind)
    ).all()
    found = {kind: CashTotal(int(n), int(total or 0)) for kind, n, total in rows}
    totals = {k.value: found.get(k.value, CashTotal(0, 0)) for k in CashKind}
    expected = sum(SIGN[CashKind(k)] * t.fen for k, t in totals.items())
    return DaySummary(totals, expected, sum(t.count for t in totals.values()))


def open_day_summary(store: KioskStore) -> DaySummary:
    """Cash entries not yet counted by a close: totals by kind and the cash expected."""
    with store.read() as s:
        return _summarise(s)


def _result(row: DayClose, already: bool) -> DayCloseResult:
    totals = {k: CashTotal(v["count"], v["fen"]) for k, v in json.loads(row.totals).items()}
    return DayCloseResult(
        business_day=row.business_day,
        closed_at=row.closed_at,
        actor=row.actor,
        event_id=row.event_id,
        totals=totals,
        expected_cash_fen=row.expected_cash_fen,
        entries=row.entries,
        already_closed=already,
    )


def check_business_day(text: str) -> str:
    """``YYYY-MM-DD`` or :class:`InvalidInput`."""
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        raise InvalidInput(
            f"'{text}' is not a day; write it as 2025-06-01", code="day.bad", params={"text": text}
        ) from None


def today_local(now: Callable[[], datetime] = datetime.now) -> str:
    """Today's date by the kiosk's local clock (the owner can name another day)."""
    return now().astimezone().date().isoformat()


def close_day(store: KioskStore, actor: str, business_day: str | None = None) -> DayCloseResult:
    """Close a business day (default: today by the kiosk clock); idempotent.

    Counts every cash entry not yet counted, records the close and queues one ``day_closed``
    event with a deterministic id. Closing a day that is already closed returns that close.
    """
    day = check_business_day(business_day) if business_day else today_local()
    with store.write() as s:
        existing = s.get(DayClose, day)
        if existing is not None:
            return _result(existing, already=True)
        center = get_center(s)
        summary = _summarise(s)
        now = utc_now_text()
        through = s.scalar(select(func.max(OrderMove.id))) or 0
        totals_json = {k: {"count": t.count, "fen": t.fen} for k, t in summary.totals.items()}
        row = DayClose(
            business_day=day,
            closed_at=now,
            actor=actor,
            event_id="",
            totals=json.dumps(totals_json, sort_keys=True),
            expected_cash_fen=summary.expected_cash_fen,
            entries=summary.entries,
            through_move_id=int(through),
        )
        s.add(row)
        s.execute(update(CashEntry).where(CashEntry.close_day.is_(None)).values(close_day=day))
        payload = DayClosedPayload(
            center_id=center.id,
            business_day=day,
            closed_at=now,
            totals={k: CashTotalWire(count=t.count, fen=t.fen) for k, t in summary.totals.items()},
            expected_cash_fen=summary.expected_cash_fen,
            entries=summary.entries,
        )
        # The outbox's own random id: unguessable, so no other device can claim it.
        event = enqueue(s, EventKind.DAY_CLOSED.value, day, payload.model_dump(mode="json"))
        row.event_id = event.id
        s.flush()
        KioskStore.audit(
            s, actor, "day_closed", day, f"{summary.entries} entries, {summary.expected_cash_fen}"
        )
    log.info("day %s closed: %d cash entries", day, summary.entries)
    return _result(row, already=False)


def list_closes(store: KioskStore, limit: int = 30) -> list[DayCloseResult]:
    """The most recent day closes, newest first."""
    with store.read() as s:
        rows = s.scalars(select(DayClose).order_by(DayClose.business_day.desc()).limit(limit))
        return [_result(r, already=True) for r in rows]

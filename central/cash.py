"""Cash and day closes as the kiosks reported them (``cash_entry`` and ``day_closed`` events).

Read by the operators (``kiosk-central cash``, ``kiosk-central days``). The events that bring them
in are handled in :mod:`central.events`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlalchemy import select

from central.clock import iso
from central.db import CentralDb
from central.models import CashEntryRecord, DayCloseRecord

#: Per kind of cash entry: ``{"count": n, "fen": amount}``, as the day close reported them.
Totals = dict[str, dict[str, int]]


@dataclass(frozen=True, slots=True)
class CashEntry:
    """One cash entry a kiosk reported (an order's cash, a refund, a payout…)."""

    entry_id: str
    center: str
    kind: str
    order_id: str | None
    amount_fen: int
    at: str
    received_at: str


@dataclass(frozen=True, slots=True)
class DayClose:
    """One PC's close of one business day."""

    center: str
    business_day: str
    device: str
    event_id: str
    closed_at: str
    totals: Totals
    expected_cash_fen: int
    entries: int
    received_at: str


@dataclass(slots=True)
class CenterDay:
    """One center's business day: its PCs' closes summed."""

    center: str
    business_day: str
    pcs: int = 0
    entries: int = 0
    expected_cash_fen: int = 0
    totals: Totals = field(default_factory=dict)


def list_cash(db: CentralDb, center_id: str | None = None) -> list[CashEntry]:
    """Cash entries reported by kiosks (of one center), in the order they arrived."""
    with db.read() as s:
        stmt = select(CashEntryRecord).order_by(
            CashEntryRecord.received_at, CashEntryRecord.entry_id
        )
        if center_id:
            stmt = stmt.where(CashEntryRecord.center_id == center_id)
        rows = list(s.scalars(stmt))
    return [
        CashEntry(
            entry_id=r.entry_id,
            center=r.center_id,
            kind=r.kind,
            order_id=r.order_id,
            amount_fen=r.amount_fen,
            at=r.at,
            received_at=iso(r.received_at),
        )
        for r in rows
    ]


def list_day_closes(db: CentralDb, center_id: str | None = None) -> list[DayClose]:
    """Day closes reported by kiosks (of one center), by center, day and PC."""
    with db.read() as s:
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
        DayClose(
            center=r.center_id,
            business_day=r.business_day,
            device=r.device_id,
            event_id=r.event_id,
            closed_at=r.closed_at,
            totals=json.loads(r.totals),
            expected_cash_fen=r.expected_cash_fen,
            entries=r.entries,
            received_at=iso(r.received_at),
        )
        for r in rows
    ]


def center_days(db: CentralDb, center_id: str | None = None) -> list[CenterDay]:
    """Each center's business days: its PCs' closes summed (entries, cash, totals)."""
    days: dict[tuple[str, str], CenterDay] = {}
    for close in list_day_closes(db, center_id):
        day = days.setdefault(
            (close.center, close.business_day),
            CenterDay(center=close.center, business_day=close.business_day),
        )
        day.pcs += 1
        day.entries += close.entries
        day.expected_cash_fen += close.expected_cash_fen
        for kind, total in close.totals.items():
            into = day.totals.setdefault(kind, {"count": 0, "fen": 0})
            into["count"] += total["count"]
            into["fen"] += total["fen"]
    return list(days.values())

"""What villagers want, for the platform: demand counts folded per center and server day.

Kiosks send aggregated browsing counts (``demand_counts`` events: product views, category visits,
searches and how many of them found nothing; never who, never when exactly). Central folds each
accepted event into :class:`~central.models.DemandDaily` (day, center, kind, key) -> count inside
the transaction that stores the event, so a resent event, deduplicated by its id, never counts
twice. The day is the server's (the kiosk clock is not trusted). Reports read only the folded
table, with one grouped query per question, never the raw events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from central.db import CentralDb
from central.models import DemandDaily, Order, OrderLine, Product
from kiosk.wire import DemandCountsPayload

VIEW, VISIT, SEARCH, SEARCH_EMPTY = "view", "visit", "search", "search_empty"
#: Rows written per statement when folding one event.
_CHUNK = 1_000


def fold_rows(payload: DemandCountsPayload) -> list[tuple[str, str, int]]:
    """``(kind, key, count)`` rows of one event, zero counts left out."""
    rows = [(VIEW, k, n) for k, n in payload.product_views.items()]
    rows += [(VISIT, k, n) for k, n in payload.category_visits.items()]
    for q in payload.searches:
        rows.append((SEARCH, q.query, q.count))
        rows.append((SEARCH_EMPTY, q.query, q.no_result_count))
    return [r for r in rows if r[2] > 0]


def fold(s: Session, center_id: str, payload: DemandCountsPayload, now: datetime) -> int:
    """Add one event's counts to the center's row of the server day; returns rows touched."""
    day = now.date()
    rows = [
        {"day": day, "center_id": center_id, "kind": kind, "key": key, "count": n}
        for kind, key, n in fold_rows(payload)
    ]
    insert = pg_insert if s.get_bind().dialect.name == "postgresql" else sqlite_insert
    for i in range(0, len(rows), _CHUNK):
        stmt = insert(DemandDaily).values(rows[i : i + _CHUNK])
        stmt = stmt.on_conflict_do_update(
            index_elements=["day", "center_id", "kind", "key"],
            set_={"count": DemandDaily.count + stmt.excluded.count},
        )
        s.execute(stmt)
    return len(rows)


@dataclass(frozen=True)
class Demand:
    """One line of a demand report: a search text or a product, and its counts."""

    key: str
    count: int
    name: str | None = None
    orders: int | None = None


@dataclass(frozen=True)
class DemandReport:
    """What villagers wanted over ``days`` days, for one center or (``center_id`` None) all."""

    center_id: str | None
    days: int
    since: date
    centers_reporting: int
    no_result_searches: list[Demand]
    most_viewed: list[Demand]
    viewed_not_ordered: list[Demand]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        doc = asdict(self)
        doc["since"] = self.since.isoformat()
        return doc


def _top(
    s: Session, kind: str, since: date, center_id: str | None, limit: int
) -> list[tuple[str, int]]:
    total = func.sum(DemandDaily.count).label("n")
    q = (
        select(DemandDaily.key, total)
        .where(DemandDaily.kind == kind, DemandDaily.day >= since)
        .group_by(DemandDaily.key)
        .order_by(total.desc(), DemandDaily.key)
        .limit(limit)
    )
    if center_id is not None:
        q = q.where(DemandDaily.center_id == center_id)
    return [(k, int(n)) for k, n in s.execute(q)]


def _orders_by_sku(
    s: Session, skus: Iterable[str], since: date, center_id: str | None
) -> dict[str, int]:
    skus = list(skus)
    if not skus:
        return {}
    start = datetime.combine(since, time.min, tzinfo=UTC)
    q = (
        select(OrderLine.sku, func.count(func.distinct(OrderLine.order_id)))
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.sku.in_(skus), Order.received_at >= start)
        .group_by(OrderLine.sku)
    )
    if center_id is not None:
        q = q.where(Order.center_id == center_id)
    return {sku: int(n) for sku, n in s.execute(q)}


def demand_report(
    db: CentralDb,
    *,
    center_id: str | None = None,
    days: int = 30,
    limit: int = 20,
    today: date | None = None,
) -> DemandReport:
    """The most searched words that found nothing, the most viewed products, and views that
    never became orders, over the last ``days`` server days."""
    since = (today or datetime.now(UTC).date()) - timedelta(days=max(1, days) - 1)
    with db.read() as s:
        empty = _top(s, SEARCH_EMPTY, since, center_id, limit)
        # Enough of the most viewed to find ``limit`` that were never ordered.
        viewed = _top(s, VIEW, since, center_id, max(limit * 10, 200))
        orders = _orders_by_sku(s, (k for k, _ in viewed), since, center_id)
        wanted = [k for k, _ in viewed]
        named = select(Product.sku, Product.name).where(Product.sku.in_(wanted))
        names = {sku: name for sku, name in s.execute(named)}
        reporting = select(func.count(func.distinct(DemandDaily.center_id))).where(
            DemandDaily.day >= since
        )
        if center_id is not None:
            reporting = reporting.where(DemandDaily.center_id == center_id)
        centers = int(s.scalar(reporting) or 0)

    def line(k: str, n: int) -> Demand:
        return Demand(key=k, count=n, name=names.get(k), orders=orders.get(k, 0))

    return DemandReport(
        center_id=center_id,
        days=days,
        since=since,
        centers_reporting=centers,
        no_result_searches=[Demand(key=k, count=n) for k, n in empty],
        most_viewed=[line(k, n) for k, n in viewed[:limit]],
        viewed_not_ordered=[line(k, n) for k, n in viewed if not orders.get(k)][:limit],
    )

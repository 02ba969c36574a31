"""Browsing the catalog on the kiosk, and recording what villagers look at and look for.

Two jobs live here because they feed each other:

* Reads the villager screens need that are not a text search: category tiles, featured products
  and a category's products sorted by popularity or price (:func:`list_products`).
* Recording of product views, category visits and searches — including searches that found
  nothing — with **no personal data**: no name, phone, order or session id is stored, and search
  texts are scrubbed (:func:`scrub_query`) because a villager may type a phone number or a pickup
  code into the search box. Product views also bump ``Product.views`` (the "popular" sort).

The platform learns what villages look for through aggregated counts, never raw events:
:func:`demand_counts_since` folds every event after a cursor into one payload and
:func:`enqueue_demand_counts` queues it as one ``demand_counts`` outbox event *and* advances the
cursor in the same transaction, so each event is counted exactly once by construction.
"""

from __future__ import annotations

import re
from collections import Counter
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kiosk.kernel.clock import utc_now_text
from kiosk.storage import outbox
from kiosk.storage.cards import CategoryTile as CategoryTile
from kiosk.storage.cards import ProductCard as ProductCard
from kiosk.storage.cards import pick_featured
from kiosk.storage.models import BrowseEvent, Category, Product
from kiosk.storage.settings import DEMAND_CURSOR
from kiosk.storage.store import KioskStore

#: Outbox event kind (matches ``kiosk.wire.EventKind.DEMAND_COUNTS``).
DEMAND_EVENT_KIND = "demand_counts"
#: Most browse events folded into one demand_counts event, to keep one push body small.
DEMAND_MAX_EVENTS = 20_000
#: Longest search text kept.
MAX_QUERY_LEN = 100

# Runs of 6+ digits are phone numbers, pickup codes or ID numbers far more often than product
# searches; barcodes (8, 12, 13 or 14 digits, not starting with 1) are the exception worth keeping.
_LONG_DIGITS = re.compile(r"\d{6,}")
_BARCODE = re.compile(r"^[02-9]\d{7}$|^[02-9]\d{11,13}$")


class BrowseKind(StrEnum):
    """What a browse event records."""

    PRODUCT_VIEW = "product_view"
    CATEGORY_VISIT = "category_visit"
    SEARCH = "search"


class ProductSort(StrEnum):
    """Orders for a category's product list."""

    POPULAR = "popular"
    PRICE_ASC = "price_asc"
    PRICE_DESC = "price_desc"


def _card(p: Product) -> ProductCard:
    return ProductCard(
        sku=p.sku,
        name=p.name,
        price_fen=p.price_fen,
        unit=p.unit,
        category=p.category.name,
        image_hash=p.image_hash,
        stock=p.stock,
    )


# --- reads for the villager screens ------------------------------------------------------------


def category_tiles(s: Session) -> list[CategoryTile]:
    """Active categories that have active products, in their sort order, each with a picture."""
    # On the home screen's path at start-up: answered from the covering index
    # ix_products_category_tiles (category_id, active, image_hash) without touching product rows
    # (about three times faster than scanning the table; docs/benchmarks.md).
    counts = (
        select(
            Product.category_id.label("category_id"),
            func.count().label("n"),
            func.min(Product.image_hash).label("img"),
        )
        .where(Product.active.is_(True))
        .group_by(Product.category_id)
        .subquery()
    )
    rows = s.execute(
        select(Category.name, counts.c.n, counts.c.img)
        .join(counts, counts.c.category_id == Category.id)
        .where(Category.active.is_(True))
        .order_by(Category.sort_order, Category.id)
    ).all()
    return [CategoryTile(name=r[0], product_count=int(r[1]), image_hash=r[2]) for r in rows]


def featured_products(s: Session, limit: int = 8) -> list[ProductCard]:
    """The most viewed products that can be ordered, at most two per category at first so the
    home screen shows variety (catalog order breaks ties on a new kiosk with no views yet)."""
    stmt = (
        select(Product)
        .where(Product.active.is_(True), Product.stock != "out_of_stock")
        .order_by(Product.views.desc(), Product.id)  # ix_products_views_id
        .limit(limit * 10)
    )
    return pick_featured([_card(p) for p in s.scalars(stmt)], limit)


def list_products(
    s: Session,
    category: str,
    sort: ProductSort = ProductSort.POPULAR,
    *,
    limit: int = 200,
    offset: int = 0,
) -> list[ProductCard]:
    """One page of a category's active products in the given order (SKU breaks ties)."""
    order = {
        ProductSort.POPULAR: (Product.views.desc(), Product.sku),
        ProductSort.PRICE_ASC: (Product.price_fen.asc(), Product.sku),
        ProductSort.PRICE_DESC: (Product.price_fen.desc(), Product.sku),
    }[ProductSort(sort)]
    stmt = (
        select(Product)
        .join(Category, Product.category_id == Category.id)
        .where(Product.active.is_(True), Category.name == category)
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    return [_card(p) for p in s.scalars(stmt)]


# --- recording ---------------------------------------------------------------------------------


def scrub_query(text: str) -> str | None:
    """The search text as it may be stored, or ``None`` when nothing storable is left.

    Whitespace is collapsed, Latin letters lower-cased, the text cut to :data:`MAX_QUERY_LEN`,
    and every run of six or more digits that is not barcode-shaped is replaced by ``#``: that is
    where phone numbers (11 digits) and pickup codes (6 digits) would hide.
    """
    q = " ".join((text or "").split()).lower()[:MAX_QUERY_LEN]

    def _keep_barcodes(m: re.Match[str]) -> str:
        return m.group(0) if _BARCODE.match(m.group(0)) else "#"

    q = _LONG_DIGITS.sub(_keep_barcodes, q).strip()
    return q if q and q.strip("# ") else None


def _record(s: Session, kind: BrowseKind, subject: str, result_count: int | None = None) -> None:
    s.add(
        BrowseEvent(at=utc_now_text(), kind=kind.value, subject=subject, result_count=result_count)
    )


def record_product_view(store: KioskStore, sku: str) -> None:
    """A villager opened a product: record it and count it for the popular sort."""
    with store.write() as s:
        _record(s, BrowseKind.PRODUCT_VIEW, sku[:200])
        s.execute(update(Product).where(Product.sku == sku).values(views=Product.views + 1))


def record_category_visit(store: KioskStore, category: str) -> None:
    """A villager opened a category."""
    with store.write() as s:
        _record(s, BrowseKind.CATEGORY_VISIT, category[:200])


def record_search(store: KioskStore, query: str, result_count: int) -> bool:
    """A villager searched; returns ``False`` when the scrubbed text was empty (not recorded)."""
    subject = scrub_query(query)
    if subject is None:
        return False
    with store.write() as s:
        _record(s, BrowseKind.SEARCH, subject, max(0, int(result_count)))
    return True


# --- aggregated demand counts for the central service -------------------------------------------


def demand_counts_since(
    s: Session, cursor: int, *, max_events: int = DEMAND_MAX_EVENTS
) -> tuple[dict[str, Any], int]:
    """Fold the browse events after ``cursor`` into one aggregated payload.

    Returns:
        ``(payload, new_cursor)``; ``new_cursor == cursor`` and an empty payload's ``events`` of
        0 when nothing happened since. The payload is JSON-ready::

            {"from_event": 41, "to_event": 97, "events": 57,
             "period_start": "...", "period_end": "...",      # kiosk clock, informational
             "product_views": {"LY-0001": 3},
             "category_visits": {"粮油食品": 2},
             "searches": [{"query": "xyj", "count": 4, "no_result_count": 0}]}
    """
    rows = s.execute(
        select(
            BrowseEvent.id,
            BrowseEvent.at,
            BrowseEvent.kind,
            BrowseEvent.subject,
            BrowseEvent.result_count,
        )
        .where(BrowseEvent.id > cursor)
        .order_by(BrowseEvent.id)
        .limit(max_events)
    ).all()
    views: Counter[str] = Counter()
    visits: Counter[str] = Counter()
    searches: Counter[str] = Counter()
    empty: Counter[str] = Counter()
    for _id, _at, kind, subject, result_count in rows:
        if kind == BrowseKind.PRODUCT_VIEW:
            views[subject] += 1
        elif kind == BrowseKind.CATEGORY_VISIT:
            visits[subject] += 1
        elif kind == BrowseKind.SEARCH:
            searches[subject] += 1
            if not result_count:
                empty[subject] += 1
    new_cursor = rows[-1][0] if rows else cursor
    payload: dict[str, Any] = {
        "from_event": cursor + 1,
        "to_event": new_cursor,
        "events": len(rows),
        "period_start": rows[0][1] if rows else None,
        "period_end": rows[-1][1] if rows else None,
        "product_views": dict(sorted(views.items())),
        "category_visits": dict(sorted(visits.items())),
        "searches": [
            {"query": q, "count": n, "no_result_count": empty[q]}
            for q, n in sorted(searches.items())
        ],
    }
    return payload, new_cursor


def enqueue_demand_counts(store: KioskStore) -> str | None:
    """Queue one ``demand_counts`` event for everything since the last one.

    The event and the advanced cursor are written in the same transaction: an event is either
    counted in exactly one queued payload or in none yet. Returns the outbox event id, or
    ``None`` when there was nothing new to report.
    """
    with store.write() as s:
        cursor = int(KioskStore.get_setting(s, DEMAND_CURSOR, "0") or "0")
        payload, new_cursor = demand_counts_since(s, cursor)
        if new_cursor == cursor:
            return None
        event = outbox.enqueue(
            s, DEMAND_EVENT_KIND, f"demand-{payload['from_event']}-{new_cursor}", payload
        )
        KioskStore.set_setting(s, DEMAND_CURSOR, str(new_cursor))
        return event.id

"""Sequence numbers and the change feeds' cursors.

Sequence numbers come from :class:`~central.models.Counter` rows locked inside the transaction
that uses them (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite writers are serialised by
``BEGIN IMMEDIATE``). So a change numbered N+1 can only commit after the change numbered N, and a
reader paging ``WHERE seq > cursor`` can never step over a change that commits late. The catalog
feed (:meth:`central.catalog.Catalog.catalog_page`) and the order-updates feed
(:meth:`central.orders.Orders.order_updates`) both page this way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from central.errors import BadRequest
from central.models import Counter


class Sequences:
    """Gap-free numbers from the counter rows, taken inside the caller's write transaction.

    Attributes:
        on_sequence: test hook, called as ``on_sequence(counter_name, first_value)`` inside the
            writing transaction right after a block of numbers was taken. The concurrent-writer
            tests use it to hold one transaction open before its commit.
    """

    def __init__(self) -> None:
        self.on_sequence: Callable[[str, int], None] | None = None

    def take(self, s: Session, name: str, count: int = 1) -> int:
        """Take ``count`` numbers from counter ``name``; returns the first. Locks until commit."""
        row = s.execute(select(Counter).where(Counter.name == name).with_for_update()).scalar_one()
        first = row.value + 1
        row.value = row.value + count
        s.flush()
        if self.on_sequence is not None:
            self.on_sequence(name, first)
        return first

    def lock(self, s: Session, names: Iterable[str]) -> None:
        """Lock the counters ``names`` until commit (before taking numbers from several)."""
        # Always in the same order, so two transactions never wait on each other in a circle.
        for name in sorted(names):
            s.execute(select(Counter.value).where(Counter.name == name).with_for_update())


def parse_cursor(text: str | None) -> int:
    """A cursor is a server sequence number as a string; ``""`` and ``"0"`` mean the start."""
    text = (text or "").strip()
    if not text:
        return 0
    if not (text.isascii() and text.isdigit()) or len(text) > 18:
        raise BadRequest(f"'{text[:40]}' is not a cursor from this server", code="bad_cursor")
    return int(text)


def page_limit(value: int | None, default: int, maximum: int) -> int:
    """A page size asked for (``None``: ``default``), at most ``maximum``."""
    if value is None:
        return default
    if value < 1:
        raise BadRequest("limit must be at least 1", code="bad_limit")
    return min(value, maximum)

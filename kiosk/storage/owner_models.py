"""Tables of the owner's and technician's modes: PINs, back-offs, arrivals, moves, cash.

Imported at the end of :mod:`kiosk.storage.models` so Alembic and ``Base.metadata`` see them.
None of these tables holds a phone number, a pickup code or a PIN in clear.
"""

from __future__ import annotations

from sqlalchemy import Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.storage.model_base import Base


class AdminPin(Base):
    """The Argon2id hash of one role's PIN (PHC string: parameters and salt included)."""

    __tablename__ = "admin_pins"

    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    pin_hash: Mapped[str] = mapped_column(Text)
    set_at: Mapped[str] = mapped_column(String(32))
    set_by: Mapped[str] = mapped_column(String(32))


class Backoff(Base):
    """A persisted back-off: ``pin:owner``, ``pin:technician`` or ``pickup:<order id>``.

    ``remaining_s`` is the wait still to serve as of the anchor (both clocks at the last look);
    see :func:`kiosk.admin.credited_elapsed` for why both clocks are kept.
    """

    __tablename__ = "backoffs"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    remaining_s: Mapped[float] = mapped_column(Float, default=0.0)
    anchor_wall: Mapped[float | None] = mapped_column(Float)
    anchor_mono: Mapped[float | None] = mapped_column(Float)


class OrderArrival(Base):
    """How much of one order line has been checked in at the shop (partial arrivals)."""

    __tablename__ = "order_arrivals"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    line_no: Mapped[int] = mapped_column(Integer, primary_key=True)
    arrived_qty: Mapped[int] = mapped_column(Integer, default=0)


class OrderMove(Base):
    """One owner move on an order: ``check_in``, ``pickup``, ``cancel`` or ``return``.

    Records who and when (kiosk clock), how a pickup was paid, cash taken and refunded.
    """

    __tablename__ = "order_moves"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(32))
    paid_how: Mapped[str | None] = mapped_column(String(16))
    cash_fen: Mapped[int] = mapped_column(Integer, default=0)
    refund_fen: Mapped[int] = mapped_column(Integer, default=0)
    reason: Mapped[str | None] = mapped_column(Text)


class CashEntry(Base):
    """Cash into or out of the drawer. ``amount_fen`` is positive; ``kind`` gives the direction.

    ``close_day`` is the business day of the day close that counted it (``NULL`` until closed):
    an entry belongs to the first close after it, whatever the clock said.
    """

    __tablename__ = "cash_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[str | None] = mapped_column(String(36), index=True)
    amount_fen: Mapped[int] = mapped_column(Integer)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(32))
    close_day: Mapped[str | None] = mapped_column(String(10), index=True)


class DayClose(Base):
    """The close of one business day: totals by kind and the cash expected in the drawer."""

    __tablename__ = "day_closes"

    business_day: Mapped[str] = mapped_column(String(10), primary_key=True)
    closed_at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(32))
    event_id: Mapped[str] = mapped_column(String(36), unique=True)
    totals: Mapped[str] = mapped_column(Text)  # JSON {kind: {"count": n, "fen": n}}
    expected_cash_fen: Mapped[int] = mapped_column(Integer)
    entries: Mapped[int] = mapped_column(Integer)
    through_move_id: Mapped[int] = mapped_column(Integer, default=0)

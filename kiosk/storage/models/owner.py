"""Tables of the owner's moves on orders: arrivals at the shop and moves (check-in, pickup...).

None of these tables holds a phone number or a pickup code in clear.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.storage.model_base import Base


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

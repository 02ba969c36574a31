"""Tables of the cash drawer: cash entries and the close of each business day."""

from __future__ import annotations

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.storage.model_base import Base


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

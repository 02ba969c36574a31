"""The outbox table: changes the central service must learn about (see docs/sync-protocol.md)."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.storage.model_base import Base


class OutboxEvent(Base):
    """A change the central service must learn about, written in the same transaction as it.

    ``id`` is the event's permanent UUID; the central service deduplicates on it forever.
    ``seq`` keeps send order. ``state`` is ``pending``, ``sent`` or ``quarantined``.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_state_seq", "state", "seq"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    id: Mapped[str] = mapped_column(String(36), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(64), index=True)
    payload: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    created_at: Mapped[str] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: Times central failed (5xx) on this event sent alone while others went through.
    server_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    last_attempt_at: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[str | None] = mapped_column(String(32))
    result: Mapped[str | None] = mapped_column(Text)

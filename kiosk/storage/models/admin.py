"""Tables of the kiosk itself: its settings, the audit log, PINs and back-offs.

None of these tables holds a phone number, a pickup code or a PIN in clear. Every settings key
is named in :mod:`kiosk.storage.settings`.
"""

from __future__ import annotations

from sqlalchemy import Float, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.storage.model_base import Base


class Setting(Base):
    """Small key/value facts about this kiosk (center code, sequence counters, cursors)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class AuditEntry(Base):
    """Who did what, when: an append-only log of actions on this kiosk (no personal data)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(Text, default="")


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

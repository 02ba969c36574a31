"""Tables that record what villagers look at and look for (no personal data, ever)."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kiosk.storage.model_base import Base


class BrowseEvent(Base):
    """One thing a villager did on the kiosk: a product view, a category visit or a search.

    ``subject`` is a SKU, a category name or a scrubbed search text; ``result_count`` is only set
    for searches (0 for a search that found nothing). There is no column that could identify a
    person, and search texts are scrubbed of phone numbers and codes before they are written.
    """

    __tablename__ = "browse_events"
    __table_args__ = (Index("ix_browse_events_kind_subject", "kind", "subject"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[str] = mapped_column(String(32))
    kind: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(200))
    result_count: Mapped[int | None] = mapped_column(Integer)

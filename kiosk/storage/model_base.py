"""The declarative base every table of the kiosk's local store registers on.

It lives apart from :mod:`kiosk.storage.models` so the modules holding other areas' tables
(:mod:`kiosk.storage.models`, :mod:`kiosk.storage.models`) import it without
importing ``models``, which imports them.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    """Declarative base of the kiosk's local store."""

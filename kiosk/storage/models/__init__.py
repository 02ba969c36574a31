"""The kiosk's tables, in SQLAlchemy 2 typed style, one module per area.

Money columns are integer fen. Timestamps are UTC ISO-8601 text from the kiosk clock: shown to
people, never used to order or reconcile anything with the central service (server cursors do).

Importing this package registers every table on :class:`Base` (Alembic's autogenerate and the
migration tests compare ``Base.metadata`` with the migrations), and re-exports each model so
callers write ``from kiosk.storage.models import Order``.
"""

from __future__ import annotations

from kiosk.storage.model_base import Base
from kiosk.storage.models.admin import AdminPin, AuditEntry, Backoff, Setting
from kiosk.storage.models.browsing import BrowseEvent
from kiosk.storage.models.cash import CashEntry, DayClose
from kiosk.storage.models.catalog import Category, Product
from kiosk.storage.models.orders import Customer, Order, OrderLine
from kiosk.storage.models.outbox import OutboxEvent
from kiosk.storage.models.owner import OrderArrival, OrderMove

__all__ = [
    "AdminPin",
    "AuditEntry",
    "Backoff",
    "Base",
    "BrowseEvent",
    "CashEntry",
    "Category",
    "Customer",
    "DayClose",
    "Order",
    "OrderArrival",
    "OrderLine",
    "OrderMove",
    "OutboxEvent",
    "Product",
    "Setting",
]

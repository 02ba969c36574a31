"""Schema migrations of the central database (Alembic scripts shipped inside the package).

The same one-transaction upgrade as the kiosk's local store (:mod:`kiosk.kernel.migrate`).
"""

from __future__ import annotations

from pathlib import Path

from kiosk.kernel.migrate import AlembicScripts, current_revision

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

CENTRAL = AlembicScripts(MIGRATIONS_DIR)
alembic_config = CENTRAL.config
head_revision = CENTRAL.head
upgrade_to_head = CENTRAL.upgrade_to_head

__all__ = [
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "head_revision",
    "upgrade_to_head",
]

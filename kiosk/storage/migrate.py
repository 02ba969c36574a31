"""Schema migrations of the kiosk's local store (Alembic scripts in this package's ``migrations``),
upgraded in one transaction by the shared helper :class:`kiosk.kernel.migrate.AlembicScripts`.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.kernel.migrate import AlembicScripts, current_revision

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

LOCAL_STORE = AlembicScripts(MIGRATIONS_DIR)
alembic_config = LOCAL_STORE.config
head_revision = LOCAL_STORE.head
upgrade_to_head = LOCAL_STORE.upgrade_to_head

__all__ = [
    "LOCAL_STORE",
    "MIGRATIONS_DIR",
    "alembic_config",
    "current_revision",
    "head_revision",
    "upgrade_to_head",
]

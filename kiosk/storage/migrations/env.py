"""Alembic environment for the kiosk's local store.

Migrations always run through :func:`kiosk.storage.migrate.upgrade_to_head`, which passes an open
connection in ``config.attributes["connection"]``; there is no alembic.ini to carry around.
"""

from __future__ import annotations

from typing import Any

from alembic import context

from kiosk.storage.models import Base

#: Tables that live outside the ORM (FTS5 virtual tables and their shadow tables).
UNMAPPED_PREFIXES = ("product_search",)


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Leave FTS5 tables (created by hand in migrations) out of autogenerate comparisons."""
    return not (type_ == "table" and name is not None and name.startswith(UNMAPPED_PREFIXES))


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("kiosk migrations must be run through kiosk.storage.migrate")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        include_object=include_object,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

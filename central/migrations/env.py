"""Alembic environment of the central database.

Migrations always run through :func:`central.migrate.upgrade_to_head`, which passes an open
connection in ``config.attributes["connection"]``; there is no alembic.ini to carry around.
"""

from __future__ import annotations

from alembic import context

from central.models import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("central migrations must be run through central.migrate")
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()

"""Kiosk local store: SQLite through SQLAlchemy 2, migrated by Alembic. The only place that writes SQL."""

"""Kiosk local store: SQLite via SQLAlchemy 2, migrated by Alembic. The only place writing SQL."""

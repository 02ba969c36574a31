"""The shared kernel: plain, Qt-free pieces that the kiosk's local store and the central service
both stand on (the SQLite engine and its pragmas, the live-database-files guard, the Alembic helper,
the clock). It imports nothing from the rest of the project; see docs/architecture.md.

Nothing is imported here so that, say, the clock never pulls in Alembic.
"""

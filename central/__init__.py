"""Reference central service (FastAPI + SQLAlchemy)."""

"""The fast start-up path trusts SCHEMA_HEAD: it must equal Alembic's real head."""

from __future__ import annotations

from kiosk.storage.migrate import head_revision
from kiosk.storage.store import SCHEMA_HEAD, KioskStore


def test_schema_head_constant_matches_alembic_head() -> None:
    assert head_revision() == SCHEMA_HEAD


def test_reopened_store_reports_head(store: KioskStore) -> None:
    path = store.data_dir
    store.close()
    with KioskStore.open(path) as again:
        assert again.schema_revision() == SCHEMA_HEAD

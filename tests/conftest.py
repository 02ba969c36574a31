"""Shared fixtures. Qt runs offscreen; every test gets its own data directory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_CATALOG = REPO_ROOT / "assets" / "demo" / "catalog.jsonl"


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """A fresh, empty kiosk data directory."""
    d = tmp_path / "kiosk-data"
    d.mkdir()
    return d


@pytest.fixture
def store(data_dir: Path) -> Iterator[object]:
    """An opened, migrated local store in a fresh data directory."""
    from kiosk.storage.store import KioskStore

    s = KioskStore.open(data_dir)
    try:
        yield s
    finally:
        s.close()

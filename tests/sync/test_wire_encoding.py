"""zstd catalog replies, negotiated with ``Accept-Encoding`` (docs/sync-protocol.md,
"Compression"): the real engine and kiosk store against the real central app on 127.0.0.1.

A kiosk that asks gets zstd and the same catalog in fewer bytes; a kiosk from before (gzip only)
gets gzip; a central from before answers gzip to the new kiosk, which syncs as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from central.db import CentralDb
from central.edge import DeviceRateLimit
from central.encoding import accepts_zstd
from central.service import CentralService
from kiosk.storage.models import Product
from tests.helpers.central_in_thread import CentralInThread
from tests.helpers.conv_rig import Central, Kiosk, open_kiosk

PRODUCTS = 300


@contextmanager
def _central(tmp_path: Path, *, zstd: bool) -> Iterator[Central]:
    url = f"sqlite:///{tmp_path / 'central.db'}"
    CentralDb(url).migrate()
    db = CentralDb(url)
    server = CentralInThread(
        CentralService(db), DeviceRateLimit(burst=10_000, per_second=10_000), zstd=zstd
    ).start()
    try:
        central = Central(server.service, server)
        central.add_products(PRODUCTS)
        yield central
    finally:
        server.stop()
        db.close()


def _first_sync(
    central: Central, tmp_path: Path, name: str, accept: str | None
) -> tuple[Kiosk, list[str], int]:
    """A new kiosk's first sync; the content encodings of central's replies, bytes received."""
    kiosk = open_kiosk(tmp_path / name)
    kiosk.enroll(central.url, central.code())
    # The paged feed, whose pages are what zstd is for (a snapshot is a gzip file of its own).
    engine = kiosk.engine(central.url, media_per_run=0, snapshots=False)
    if accept is not None:
        engine.client.http.headers["Accept-Encoding"] = accept
    encodings: list[str] = []

    def seen(response: httpx.Response) -> None:
        if response.url.path in ("/v1/catalog/changes", "/v1/sync"):
            encodings.append(response.headers.get("content-encoding", ""))

    engine.client.http.event_hooks["response"] = [seen]
    summary = engine.run_once()
    assert summary.ok, summary.errors
    assert summary.pulled_products == PRODUCTS
    return kiosk, encodings, engine.client.stats.wire_bytes_in


def _catalog(kiosk: Kiosk) -> list[tuple[str, str, int]]:
    with kiosk.store.read() as s:
        return [
            (p.sku, p.name, p.price_fen) for p in s.scalars(select(Product).order_by(Product.sku))
        ]


@pytest.fixture(autouse=True)
def _keyring(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIOSK_ALLOW_INSECURE_KEYRING", "1")


def test_a_kiosk_that_asks_gets_zstd_and_the_same_catalog_in_fewer_bytes(tmp_path: Path) -> None:
    with _central(tmp_path, zstd=True) as central:
        new, new_enc, new_bytes = _first_sync(central, tmp_path, "new", None)
        old, old_enc, old_bytes = _first_sync(central, tmp_path, "old", "gzip")
        try:
            assert new_enc and set(new_enc) == {"zstd"}
            assert old_enc and set(old_enc) == {"gzip"}
            assert _catalog(new) == _catalog(old) and len(_catalog(new)) == PRODUCTS
            assert new_bytes < old_bytes
        finally:
            new.close()
            old.close()


def test_an_older_central_answers_gzip_and_the_kiosk_syncs(tmp_path: Path) -> None:
    with _central(tmp_path, zstd=False) as central:
        kiosk, encodings, _ = _first_sync(central, tmp_path, "new", None)
        try:
            assert encodings and set(encodings) == {"gzip"}
            assert len(_catalog(kiosk)) == PRODUCTS
        finally:
            kiosk.close()


@pytest.mark.parametrize(
    ("header", "zstd"),
    [
        ("zstd, gzip", True),
        ("gzip, ZSTD;q=0.5", True),
        ("gzip", False),
        ("zstd;q=0", False),
        ("zstd;q=0.0, gzip", False),
        ("zstd;q=x", False),
        ("xzstd", False),
        ("", False),
    ],
)
def test_accept_encoding_names_zstd(header: str, zstd: bool) -> None:
    assert accepts_zstd(header) is zstd

"""The convergence rig: the REAL central app (uvicorn on 127.0.0.1, in a thread) on SQLite or on
PostgreSQL, and real kiosk stores enrolled to it through the real enrollment, synced by the real
engine.

``central_url(kind, tmp_path)`` gives a central database URL: a SQLite file, or a fresh
PostgreSQL database under ``KIOSK_TEST_PG_URL`` (dropped by :func:`drop_database`). Each kiosk
keeps its credential in an in-memory keyring (the rig sets ``KIOSK_ALLOW_INSECURE_KEYRING``).
"""

from __future__ import annotations

import functools
import os
import shutil
import ssl
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from central.db import CentralDb
from central.edge import DeviceRateLimit
from central.service import CentralService
from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage.store import DB_FILENAME, KioskStore
from kiosk.sync.client import (
    CentralClient,
    DeadlineTransport,
    RetryPolicy,
    Timeouts,
    make_http_client,
)
from kiosk.sync.credentials import KeyringCredentials
from kiosk.sync.engine import SyncEngine
from kiosk.sync.factory import enroll
from tests.helpers.central_in_thread import CentralInThread
from tests.helpers.fake_keyring import MemoryKeyring

PG_ENV = "KIOSK_TEST_PG_URL"
PG_SKIP = f"PostgreSQL runs need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
FAST_TIMEOUTS = Timeouts(connect=5.0, read=30.0, write=30.0, pool=5.0, total=60.0)
FAST_RETRY = RetryPolicy(max_attempts=2, base_delay_s=0.01, max_delay_s=0.02, max_retry_after_s=1)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every client of the rig: building one loads the CA bundle
    (a tenth of a second), and a model history makes dozens of clients. Central runs on plain
    HTTP here, so it is never used for a handshake."""
    import httpx

    return httpx.create_ssl_context()


def transport() -> DeadlineTransport:
    """The kiosk's own transport (deadline-bounded), on the shared TLS context."""
    return DeadlineTransport(verify=_tls_context())


def pg_available() -> bool:
    return bool(os.environ.get(PG_ENV))


@contextmanager
def central_database(kind: str, folder: Path) -> Iterator[str]:
    """A migrated central database: ``sqlite`` (a file in ``folder``) or ``postgresql``."""
    if kind == "sqlite":
        url = f"sqlite:///{folder / f'central-{uuid.uuid4().hex[:8]}.db'}"
        CentralDb(url).migrate()
        yield url
        return
    base = os.environ[PG_ENV]
    name = f"kiosk_conv_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        db = CentralDb(url)
        db.migrate()
        db.close()
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass
class Kiosk:
    """One kiosk PC: its data folder, store and keyring."""

    data_dir: Path
    store: KioskStore
    keyring: MemoryKeyring = field(default_factory=MemoryKeyring)
    device_id: str = ""
    engines: list[SyncEngine] = field(default_factory=list)

    def enroll(self, central_url: str, code: str) -> None:
        self.device_id = enroll(
            self.store, central_url, code, backend=self.keyring, transport=transport()
        ).device_id

    def engine(self, url: str, **kw: Any) -> SyncEngine:
        client = CentralClient(
            make_http_client(url, FAST_TIMEOUTS, transport=transport()),
            policy=FAST_RETRY,
            timeouts=FAST_TIMEOUTS,
        )
        engine = SyncEngine(
            self.store, client, KeyringCredentials(self.device_id, backend=self.keyring), **kw
        )
        self.engines.append(engine)
        return engine

    def place(self, sku: str, qty: int = 1, name: str = "王大妈") -> str:
        from kiosk.storage.orders import place_order

        placed = place_order(
            self.store,
            Customer.of(name, "13912345678"),
            [LineRequest(sku=sku, qty=qty)],
            Payment.CASH,
        )
        return placed.order_id

    def close(self) -> None:
        for e in self.engines:
            e.client.close()
        self.engines.clear()
        self.store.close()


@dataclass
class Central:
    """The real central service and its app on a socket."""

    service: CentralService
    server: CentralInThread

    @property
    def url(self) -> str:
        return self.server.url

    def code(self, center: str = "C001") -> str:
        return str(self.service.create_enroll_code(center).code)

    def add_products(self, count: int, price: int = 100) -> list[str]:
        skus = [f"P{i:05d}" for i in range(count)]
        with self.service.db.write() as s:
            for i, sku in enumerate(skus):
                self.service.add_product(
                    s, sku, name=f"商品{i}", category="日用", price_fen=price + i, unit="个"
                )
        return skus


@contextmanager
def running_central(url: str, *, round_trip: bool = True) -> Iterator[Central]:
    """Central on ``url`` in a thread. Its per-device rate limit is widened: these rigs test how
    the engine and central converge, bisect and refuse, not the brake (tests/central has those);
    at the default 2 requests a second a bisecting run ends early as "busy". ``round_trip``:
    ``False`` plays a central from before ``POST /v1/sync``."""
    db = CentralDb(url)
    server = CentralInThread(
        CentralService(db),
        DeviceRateLimit(burst=10_000, per_second=10_000),
        round_trip=round_trip,
    ).start()
    try:
        yield Central(server.service, server)
    finally:
        server.stop()
        db.close()


def kiosk_template(folder: Path) -> Path:
    """An empty kiosk database made by the real migrations once, for :func:`open_kiosk` to copy
    (migrating a new store takes half a second; the model test opens thousands)."""
    folder.mkdir(parents=True, exist_ok=True)
    KioskStore.open(folder).close()
    return folder / DB_FILENAME


def open_kiosk(data_dir: Path, template: Path | None = None) -> Kiosk:
    data_dir.mkdir(parents=True, exist_ok=True)
    if template is not None and not (data_dir / DB_FILENAME).exists():
        shutil.copyfile(template, data_dir / DB_FILENAME)
    return Kiosk(data_dir, KioskStore.open(data_dir))


@contextmanager
def enrolled_rig(
    request: Any, tmp_path: Path, monkeypatch: Any, products: int
) -> Iterator[tuple[Central, Kiosk]]:
    """The body of a ``rig`` fixture parametrised over ``sqlite``/``postgresql``: central with
    ``products`` products, a kiosk enrolled with it and synced once."""
    if request.param == "postgresql" and not pg_available():
        print(f"\nSKIP: {PG_SKIP}")
        pytest.skip(PG_SKIP)
    monkeypatch.setenv("KIOSK_ALLOW_INSECURE_KEYRING", "1")
    with central_database(request.param, tmp_path) as url, running_central(url) as central:
        central.add_products(products)
        kiosk = open_kiosk(tmp_path / "kiosk")
        try:
            kiosk.enroll(central.url, central.code())
            assert kiosk.engine(central.url).run_once().ok
            yield central, kiosk
        finally:
            kiosk.close()

"""The end-to-end sync rig: the REAL central service (uvicorn on 127.0.0.1), the fault proxy in
front of it, and real kiosk stores driven by the real sync engine.

The device credential goes through the real enrollment into a test-rig keyring
(``keyrings.alt`` plaintext file under a temporary ``XDG_DATA_HOME``, allowed by
``KIOSK_ALLOW_INSECURE_KEYRING=1``), so child ``kiosk`` processes given :meth:`KioskRig.env`
find it too. Engines get short timeouts and fast backoff: tests wait on conditions, never sleep.

Scale with ``KIOSK_E2E_ORDERS`` (default 200) and ``KIOSK_E2E_PRODUCTS`` (default 20000).
"""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url

from central.db import CentralDb
from central.models import Product as CentralProduct
from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage.store import KioskStore
from kiosk.sync.client import CentralClient, RetryPolicy, Timeouts, make_http_client
from kiosk.sync.credentials import KeyringCredentials
from kiosk.sync.engine import SyncEngine
from kiosk.sync.factory import enroll
from tests.helpers.central_server import CentralServer, start_central_server
from tests.helpers.fake_keyring import plaintext_keyring
from tests.helpers.fault_proxy import FaultProxy

PG_ENV = "KIOSK_TEST_PG_URL"
ORDERS = int(os.environ.get("KIOSK_E2E_ORDERS", "200"))
PRODUCTS = int(os.environ.get("KIOSK_E2E_PRODUCTS", "20000"))

#: Short enough that a stall costs little, long enough for a 200-event batch on a busy machine.
FAST_TIMEOUTS = Timeouts(connect=2.0, read=2.5, write=2.5, pool=2.0, total=30.0)
FAST_RETRY = RetryPolicy(max_attempts=4, base_delay_s=0.01, max_delay_s=0.05, max_retry_after_s=2)


@dataclass
class KioskRig:
    """One kiosk: a data directory, its store and its test-rig keyring."""

    root: Path
    store: KioskStore
    device_id: str = ""
    engines: list[SyncEngine] = field(default_factory=list)

    @property
    def data_dir(self) -> Path:
        return self.store.data_dir

    @property
    def xdg(self) -> Path:
        return self.root / "xdg"

    def env(self) -> dict[str, str]:
        """Environment for a child ``kiosk`` process that finds this kiosk's credential."""
        return {
            **os.environ,
            "KIOSK_DATA_DIR": str(self.data_dir),
            "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            "XDG_DATA_HOME": str(self.xdg),
            "KIOSK_ALLOW_INSECURE_KEYRING": "1",
            "KIOSK_SYNC_TIMEOUT": "2.5",
            "KIOSK_SYNC_RETRIES": "3",
            "KIOSK_SYNC_BACKOFF": "0.02",
        }

    def keyring(self) -> Any:
        return plaintext_keyring(self.xdg / "python_keyring")

    def enroll(self, server_url: str, code: str) -> None:
        """The real enrollment (``kiosk enroll`` does the same) into the test-rig keyring."""
        self.device_id = enroll(self.store, server_url, code, backend=self.keyring()).device_id

    def engine(
        self,
        url: str,
        *,
        clock: Callable[[], datetime] | None = None,
        timeouts: Timeouts = FAST_TIMEOUTS,
        policy: RetryPolicy = FAST_RETRY,
        seed: int = 0,
        **kw: Any,
    ) -> SyncEngine:
        """The real engine, pointed at ``url`` (usually the proxy), with fast test settings."""
        client = CentralClient(
            make_http_client(url, timeouts),
            policy=policy,
            timeouts=timeouts,
            rand=random.Random(seed).random,
        )
        extra: dict[str, Any] = {"clock": clock} if clock is not None else {}
        eng = SyncEngine(
            self.store,
            client,
            KeyringCredentials(self.device_id, backend=self.keyring()),
            **extra,
            **kw,
        )
        self.engines.append(eng)
        return eng

    def place(self, rng: random.Random, skus: list[str]) -> str:
        """Place one order of 1-3 random lines through ``place_order``; its id once committed."""
        from kiosk.storage.orders import place_order

        lines = [LineRequest(sku=s, qty=rng.randint(1, 3)) for s in rng.sample(skus, 3)]
        placed = place_order(
            self.store,
            Customer.of("王大妈", f"139{rng.randrange(10**8):08d}"),
            lines[: rng.randint(1, 3)],
            Payment.CASH,
        )
        return placed.order_id

    def orderable_skus(self) -> list[str]:
        from kiosk.storage.models import Product

        with self.store.read() as s:
            return sorted(
                s.scalars(
                    select(Product.sku).where(Product.active, Product.stock != "out_of_stock")
                )
            )

    def catalog(self) -> dict[str, tuple[str, int, int, bool]]:
        """SKU → (name, price_fen, version, active) as the kiosk has it."""
        from kiosk.storage.models import Product

        with self.store.read() as s:
            return {
                p.sku: (p.name, p.price_fen, p.server_version, p.active)
                for p in s.scalars(select(Product))
            }

    def close(self) -> None:
        for e in self.engines:
            e.client.close()
        self.store.close()


@pytest.fixture
def make_kiosk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[str], KioskRig]]:
    """Build kiosks (``make_kiosk("a")``) in fresh folders; closed after the test."""
    monkeypatch.setenv("KIOSK_ALLOW_INSECURE_KEYRING", "1")
    made: list[KioskRig] = []

    def build(name: str = "kiosk") -> KioskRig:
        root = tmp_path / name
        (root / "data").mkdir(parents=True)
        rig = KioskRig(root, KioskStore.open(root / "data"))
        made.append(rig)
        return rig

    yield build
    for rig in made:
        rig.close()


def central_catalog(db_url: str) -> dict[str, tuple[str, int, int, bool]]:
    """SKU → (name, price_fen, version, active) of central's live (not deleted) products."""
    db = CentralDb(db_url)
    try:
        with db.read() as s:
            return {
                p.sku: (p.name, p.price_fen, p.version, p.active)
                for p in s.scalars(select(CentralProduct).where(CentralProduct.deleted.is_(False)))
            }
    finally:
        db.close()


@pytest.fixture
def central(tmp_path: Path) -> Iterator[CentralServer]:
    """The real central service on a fresh SQLite file."""
    server = start_central_server(tmp_path / "central")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def proxy(central: CentralServer) -> Iterator[FaultProxy]:
    """The fault proxy in front of :func:`central` (passing everything until told otherwise)."""
    with FaultProxy("127.0.0.1", central.port) as p:
        yield p


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database (dropped afterwards), or a skip with the reason."""
    base = os.environ.get(PG_ENV)
    if not base:
        reason = (
            f"PostgreSQL run needs {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"
        )
        print(f"\nSKIP: {reason}")
        pytest.skip(reason)
    name = f"kiosk_e2e_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        reason = f"PostgreSQL at {PG_ENV} is not usable: {type(exc).__name__}: {exc}"
        print(f"\nSKIP: {reason}")
        pytest.skip(reason)
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

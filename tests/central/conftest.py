"""Fixtures of the central-service suite: every test runs on SQLite, and on PostgreSQL too when
``KIOSK_TEST_PG_URL`` is set (a fresh database per test session, dropped afterwards)."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from central.app import create_app
from central.db import CentralDb
from central.models import COUNTERS, Base
from central.service import CentralService

PG_ENV = "KIOSK_TEST_PG_URL"
PG_SKIP = f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://postgres@127.0.0.1/test)"


@dataclass
class FakeClock:
    """A server clock the test moves by hand."""

    now: datetime = field(default_factory=lambda: datetime(2025, 6, 1, 8, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this session (migrated), dropped at the end."""
    base = os.environ.get(PG_ENV)
    if not base:
        print(f"\nSKIP: {PG_SKIP}")
        pytest.skip(PG_SKIP)
    name = f"kiosk_central_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL at {PG_ENV} is not usable: {type(exc).__name__}: {exc}")
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    db = CentralDb(url)
    db.migrate()
    db.close()
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _reset_pg(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} CASCADE"))
        for name in COUNTERS:
            conn.execute(text("INSERT INTO counters (name, value) VALUES (:n, 0)"), {"n": name})
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """The database of one test: a fresh SQLite file, or the session's emptied PG database."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'central.db'}"
    url: str = request.getfixturevalue("pg_database_url")
    _reset_pg(url)
    return url


@pytest.fixture
def db(db_url: str) -> Iterator[CentralDb]:
    d = CentralDb(db_url)
    d.migrate()
    try:
        yield d
    finally:
        d.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def service(db: CentralDb, clock: FakeClock) -> CentralService:
    return CentralService(db, clock=clock)


@pytest.fixture
def client(service: CentralService) -> Iterator[TestClient]:
    with TestClient(create_app(service), raise_server_exceptions=False) as c:
        yield c


def enroll(client: TestClient, service: CentralService, center: str = "C001") -> dict[str, str]:
    """Enroll a device of ``center``; returns its Authorization header."""
    code = service.create_enroll_code(center).code
    r = client.post("/v1/enroll", json={"code": code, "device_name": "test"})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


@pytest.fixture
def auth(client: TestClient, service: CentralService) -> dict[str, str]:
    """Authorization header of an enrolled device of center C001."""
    return enroll(client, service, "C001")


def add_products(service: CentralService, count: int, prefix: str = "P", price: int = 100) -> None:
    """Publish ``count`` products ``P00000``… one version each."""
    with service.db.write() as s:
        for i in range(count):
            service.add_product(
                s,
                f"{prefix}{i:05d}",
                name=f"商品{i}",
                category="日用",
                price_fen=price + i,
                unit="个",
            )


def order_event(
    *,
    center: str = "C001",
    lines: list[dict[str, Any]] | None = None,
    event_id: str | None = None,
    order_id: str | None = None,
    total: int | None = None,
) -> dict[str, Any]:
    """An ``order_placed`` event as the kiosk sends it (defaults: 2 × P00000 at 100 fen, v1)."""
    order_id = order_id or str(uuid.uuid4())
    lines = lines or [
        {
            "sku": "P00000",
            "name": "商品0",
            "unit": "个",
            "unit_price_fen": 100,
            "product_version": 1,
            "qty": 2,
            "line_total_fen": 200,
        }
    ]
    payload = {
        "order_id": order_id,
        "local_no": f"{center}-0001",
        "center_id": center,
        "customer_name": "王大妈",
        "customer_phone": "13800138000",
        "payment": "cash",
        "total_fen": total if total is not None else sum(ln["line_total_fen"] for ln in lines),
        "lines": lines,
        "placed_at": "2025-06-01T09:00:00+08:00",
    }
    return {
        "id": event_id or str(uuid.uuid4()),
        "kind": "order_placed",
        "subject_id": order_id,
        "created_at": "2025-06-01T09:00:00+08:00",
        "payload": payload,
    }


#: A line of the default order_event, fully checked in.
ARRIVED_LINE = {"line_no": 1, "sku": "P00000", "qty": 2, "arrived_qty": 2, "ordered_qty": 2}
KIOSK_TIME = "2025-06-01T10:00:00+08:00"


def owner_payload(kind: str, subject: str) -> dict[str, Any]:
    """A valid payload of an owner event about ``subject`` (an order id, entry id or day)."""
    if kind == "arrival_checked_in":
        return {
            "order_id": subject,
            "lines": [ARRIVED_LINE],
            "complete": True,
            "checked_in_at": KIOSK_TIME,
        }
    if kind == "pickup_confirmed":
        return {
            "order_id": subject,
            "paid_how": "already_paid",
            "cash_fen": 0,
            "picked_up_at": KIOSK_TIME,
        }
    if kind == "order_cancelled":
        return {
            "order_id": subject,
            "reason": "店主取消",
            "refund_fen": 0,
            "cancelled_at": KIOSK_TIME,
        }
    if kind == "order_returned":
        return {"order_id": subject, "reason": "坏了", "refund_fen": 0, "returned_at": KIOSK_TIME}
    if kind == "cash_entry":
        return {
            "entry_id": subject,
            "kind": "pickup_cash",
            "order_id": None,
            "amount_fen": 500,
            "at": KIOSK_TIME,
        }
    if kind == "day_closed":
        return {
            "center_id": "C001",
            "business_day": subject,
            "closed_at": KIOSK_TIME,
            "totals": {"order_cash": {"count": 1, "fen": 200}},
            "expected_cash_fen": 200,
            "entries": 1,
        }
    return {}


def status_event(kind: str, order_id: str, /, **payload: Any) -> dict[str, Any]:
    """An owner event about ``order_id`` (or entry id, or day): a valid payload, overridden by
    ``payload``; a value of ``None`` in ``payload`` removes that field."""
    body = {**owner_payload(kind, order_id), **payload}
    return {
        "id": str(uuid.uuid4()),
        "kind": kind,
        "subject_id": order_id,
        "created_at": KIOSK_TIME,
        "payload": {k: v for k, v in body.items() if v is not None or k == "order_id"},
    }


def push(client: TestClient, auth: dict[str, str], *events: dict[str, Any]) -> list[dict[str, Any]]:
    r = client.post("/v1/events", headers=auth, json={"events": list(events)})
    assert r.status_code == 200, r.text
    results: list[dict[str, Any]] = r.json()["results"]
    return results


def row_counts(service: CentralService) -> dict[str, int]:
    """Rows in every table that events can touch (to prove "nothing stored")."""
    out: dict[str, int] = {}
    with service.db.read() as s:
        for table in ("events", "orders", "order_lines", "order_updates"):
            out[table] = int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    return out


def dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")

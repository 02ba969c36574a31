"""What an idle ``POST /v1/sync`` costs and what it still guarantees (docs/central.md, "An idle
sync cycle"): the statements it sends, the heartbeat written once a minute when nothing in it
changed, and the per-device rate limit spent inside the token lookup, through the real app on
SQLite and on PostgreSQL when ``KIOSK_TEST_PG_URL`` is set."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event, select

from central.app import create_app
from central.clock import aware
from central.db import CentralDb
from central.edge import DeviceRateLimit
from central.fleet import FleetFilter, fleet_page
from central.models import Center, HeartbeatRecord
from central.service import CentralService
from central.sync import HEARTBEAT_REFRESH
from tests.central.conftest import FakeClock, add_products, enroll
from tests.central.test_sync_call import beat, sync


def last_seen(db: CentralDb, center: str = "C001") -> tuple[datetime, datetime]:
    """``(heartbeats.received_at, centers.last_seen_at)`` of the center's one device."""
    with db.read() as s:
        received = s.scalars(
            select(HeartbeatRecord.received_at).where(HeartbeatRecord.center_id == center)
        ).one()
        seen = s.scalars(select(Center.last_seen_at).where(Center.id == center)).one()
    assert seen is not None
    return aware(received), aware(seen)


def queue_depth(db: CentralDb) -> int:
    with db.read() as s:
        return int(s.scalars(select(HeartbeatRecord.queue_depth)).one())


@contextmanager
def statements(db: CentralDb) -> Iterator[list[tuple[str, bool]]]:
    """The SQL statements ``db`` sends meanwhile (SQLite's BEGINs included), each with whether
    its connection was in autocommit (PostgreSQL: no implicit BEGIN, no COMMIT round trip)."""
    seen: list[tuple[str, bool]] = []
    engines = {db.write_engine, db.read_engine}

    def count(conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        dbapi = conn.connection.dbapi_connection
        seen.append((sql, bool(getattr(dbapi, "autocommit", False))))

    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


def test_an_unchanged_heartbeat_is_written_once_a_minute(
    client: TestClient, service: CentralService, clock: FakeClock, db: CentralDb
) -> None:
    auth = enroll(client, service)
    t0 = clock.now
    first = sync(client, auth, heartbeat=beat())
    assert last_seen(db) == (t0, t0)
    clock.advance(seconds=59)
    again = sync(client, auth, heartbeat=beat(kiosk_time="2025-06-01T16:01:04+08:00"))
    # The kiosk's answer is always measured now…
    assert first["heartbeat"]["server_time"] != again["heartbeat"]["server_time"]
    assert again["heartbeat"]["clock_offset_s"] == 5.0
    # …but nothing worth a write changed and the stored one is less than a minute old.
    assert last_seen(db) == (t0, t0)
    clock.advance(seconds=1)
    sync(client, auth, heartbeat=beat())
    assert last_seen(db) == (t0 + HEARTBEAT_REFRESH,) * 2
    # A change the operators see is written at once.
    clock.advance(seconds=5)
    sync(client, auth, heartbeat=beat(queue_depth=3))
    assert queue_depth(db) == 3 and last_seen(db) == (clock.now, clock.now)


def test_a_syncing_kiosk_never_looks_stale_to_the_fleet_view(
    service: CentralService, clock: FakeClock, db: CentralDb
) -> None:
    """Idle syncs every 7 s for ten minutes: the stored last-seen time is always less than
    HEARTBEAT_REFRESH old, so ``kiosk-central fleet --stale-hours`` (here a minute) never lists
    the center; and most syncs write nothing."""
    # The rate limit runs on the real clock; these 86 syncs take a moment of it.
    limiter = DeviceRateLimit(burst=1000, per_second=100)
    with TestClient(create_app(service, rate_limit=limiter)) as client:
        _sync_every_7_s(client, service, clock, db)


def _sync_every_7_s(
    client: TestClient, service: CentralService, clock: FakeClock, db: CentralDb
) -> None:
    auth = enroll(client, service)
    writes = 0
    previous = None
    for _ in range(86):
        kiosk_time = (clock.now + timedelta(seconds=5)).isoformat()
        sync(client, auth, heartbeat=beat(kiosk_time=kiosk_time))
        stored = last_seen(db)
        assert clock.now - stored[0] < HEARTBEAT_REFRESH
        assert clock.now - stored[1] < HEARTBEAT_REFRESH
        stale = fleet_page(db, FleetFilter(stale_hours=HEARTBEAT_REFRESH.seconds / 3600), clock())
        assert stale == []
        writes += stored != previous
        previous = stored
        clock.advance(seconds=7)
    assert 10 <= writes <= 12  # 600 s / 63 s (9 syncs of 7 s), plus the first


def test_a_clock_stepping_back_writes_the_heartbeat(
    client: TestClient, service: CentralService, clock: FakeClock, db: CentralDb
) -> None:
    auth = enroll(client, service)
    sync(client, auth, heartbeat=beat())
    clock.advance(seconds=-30)
    sync(client, auth, heartbeat=beat())
    assert last_seen(db) == (clock.now, clock.now)


def test_an_idle_sync_is_two_statements_on_postgresql(
    client: TestClient, service: CentralService, clock: FakeClock, db: CentralDb
) -> None:
    """The token lookup with the rate-limit spend, then the "anything new?" probe (with the
    heartbeat when it is written): no BEGIN, no COMMIT, nothing else. On SQLite the lookup,
    the spend and the probe are separate units of work."""
    add_products(service, 2)
    auth = enroll(client, service)
    cursor = sync(client, auth, heartbeat=beat())["catalog"]["next_cursor"]
    clock.advance(seconds=10)
    idle = {"catalog_cursor": cursor, "orders_cursor": "0", "heartbeat": beat()}
    with statements(db) as sent:
        reply = sync(client, auth, **idle)
    assert reply["catalog"]["items"] == [] and reply["order_updates"]["items"] == []
    if db.is_sqlite:
        # BEGIN + lookup; BEGIN IMMEDIATE + spend; BEGIN + probe
        assert len(sent) == 6, sent
    else:
        assert len(sent) == 2 and all(autocommit for _sql, autocommit in sent), sent
        assert "device_rate" in sent[0][0] and "heartbeats" not in sent[1][0]
    clock.advance(seconds=60)  # the heartbeat is due: still two statements on PostgreSQL
    with statements(db) as sent:
        sync(client, auth, **idle)
    if db.is_sqlite:
        # BEGIN + lookup; BEGIN IMMEDIATE + spend; BEGIN IMMEDIATE + heartbeat, center, probe
        assert len(sent) == 8, sent
    else:
        assert len(sent) == 2 and all(autocommit for _sql, autocommit in sent), sent
        assert "heartbeats" in sent[1][0]


def test_two_workers_spend_one_bucket_through_the_token_lookup(
    service: CentralService, clock: FakeClock, db_url: str
) -> None:
    """Two apps, each with its own pool and limiter, as two worker processes: burst 3 in all."""
    other = CentralService(CentralDb(db_url), clock=clock)
    now = [1_000_000.0]
    first = DeviceRateLimit(burst=3, per_second=0.01, clock=lambda: now[0])
    second = DeviceRateLimit(burst=3, per_second=0.01, clock=lambda: now[0])
    try:
        with (
            TestClient(create_app(service, rate_limit=first)) as a,
            TestClient(create_app(other, rate_limit=second)) as b,
        ):
            auth = enroll(a, service)
            codes = [c.post("/v1/sync", headers=auth, json={}).status_code for c in (a, b, a, b, a)]
            assert codes == [200, 200, 200, 429, 429]
            r = b.post("/v1/heartbeat", headers=auth, json=beat())
            assert r.json()["error"] == "rate_limited"
            assert int(r.headers["Retry-After"]) == 100  # one token at 0.01 a second
            # Reads outside the limit still go through, and spend nothing.
            assert a.get("/v1/catalog/changes", headers=auth).status_code == 200
            now[0] += 100
            assert b.post("/v1/sync", headers=auth, json={}).status_code == 200
            assert a.post("/v1/sync", headers=auth, json={}).status_code == 429
            # A revoked device is refused as such, not as out of tokens.
            service.revoke_device(service.authenticate(auth["Authorization"][7:]).device_id)
            r = b.post("/v1/sync", headers=auth, json={})
            assert (r.status_code, r.json()["error"]) == (401, "unauthorized")
    finally:
        other.db.close()


def test_the_memo_of_written_heartbeats_is_bounded() -> None:
    from central.sync import HeartbeatMemo

    memo = HeartbeatMemo(size=3)
    now = datetime(2025, 6, 1)
    for i in range(3):
        memo.wrote(f"d{i}", now, ("g",))
    assert memo.fresh("d0", now + timedelta(seconds=1), ("g",))
    memo.wrote("d3", now, ("g",))  # over the size: it forgets the others
    assert not memo.fresh("d0", now + timedelta(seconds=1), ("g",))
    assert memo.fresh("d3", now + timedelta(seconds=1), ("g",))
    assert not memo.fresh("d3", now + timedelta(seconds=1), ("other",))

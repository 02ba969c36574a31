"""Fleet operations at scale: the heartbeat keeps an indexed summary per center; the fleet is
paged and filtered by staleness, error code and version, and summarised (SQLite and PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from central.cli import main as central_main
from central.fleet import FleetFilter, fleet_page, fleet_summary, seed_fleet
from central.models import Center
from central.service import CentralService
from tests.central.conftest import FakeClock, enroll


def _beat(version: str, code: str | None, kiosk_time: str = "2025-06-01T08:00:00Z") -> dict:
    return {
        "app_version": version, "schema_revision": "0005", "queue_depth": 2, "quarantined": 0,
        "oldest_unsent_age_s": None, "last_error": None, "error_code": code,
        "disk_free_bytes": 10**9, "kiosk_time": kiosk_time, "catalog_cursor": None,
    }  # fmt: skip


def test_heartbeats_feed_the_paged_filtered_fleet(
    client: TestClient, service: CentralService, clock: FakeClock
) -> None:
    a = enroll(client, service, "C001")
    b = enroll(client, service, "C002")
    enroll(client, service, "C003")  # enrolled, never heard from
    assert (
        client.post("/v1/heartbeat", json=_beat("0.1.0", "offline"), headers=a).status_code == 200
    )
    clock.advance(hours=50)
    r = client.post("/v1/heartbeat", json=_beat("0.2.0", None), headers=b)
    assert r.status_code == 200, r.text
    now = clock()

    every = fleet_page(service.db, FleetFilter(), now, limit=2)
    assert [c["center_id"] for c in every] == ["C001", "C002"]
    rest = fleet_page(service.db, FleetFilter(), now, limit=2, after="C002")
    assert [c["center_id"] for c in rest] == ["C003"] and rest[0]["last_seen"] is None
    stale = fleet_page(service.db, FleetFilter(stale_hours=24), now)
    assert [c["center_id"] for c in stale] == ["C001", "C003"]
    assert [
        c["center_id"] for c in fleet_page(service.db, FleetFilter(error_code="offline"), now)
    ] == ["C001"]
    old = fleet_page(service.db, FleetFilter(version="0.1.0"), now)
    assert [(c["center_id"], c["error_code"], c["queue_depth"]) for c in old] == [
        ("C001", "offline", 2)
    ]

    summary = fleet_summary(service.db, FleetFilter(), now)
    assert summary["centers"] == 3 and summary["never_seen"] == 1
    assert summary["by_version"] == {"0.1.0": 1, "0.2.0": 1, "-": 1}
    assert summary["by_error_code"] == {"-": 2, "offline": 1}
    # The legacy full list still answers the same centers.
    assert [c["center_id"] for c in service.fleet()] == ["C001", "C002", "C003"]


@pytest.mark.parametrize("code", ["Offline", "x" * 65, "a b", "\x00"])
def test_a_bad_error_code_is_refused(client: TestClient, auth: dict[str, str], code: str) -> None:
    r = client.post("/v1/heartbeat", json=_beat("0.1.0", code), headers=auth)
    assert r.status_code == 422 and r.json()["error"] == "invalid_payload"


def test_seed_fleet_and_the_fleet_command(db_url: str, capsys: Any) -> None:
    assert central_main(["dev", "seed-fleet", "--centers", "300", "--db", db_url, "--json"]) == 0
    assert '"centers":300' in capsys.readouterr().out
    assert central_main(["fleet", "--summary", "--db", db_url, "--json"]) == 0
    out = capsys.readouterr().out
    assert '"centers":300' in out and '"by_version"' in out
    assert central_main(["fleet", "--limit", "5", "--after", "S000010", "--db", db_url,
                         "--json"]) == 0  # fmt: skip
    assert '"center_id":"S000011"' in capsys.readouterr().out
    assert central_main(["fleet", "--stale-hours", "48", "--db", db_url, "--json"]) == 0
    stale = capsys.readouterr().out
    assert stale.count('"center_id"') > 0


def test_seed_fleet_spreads_last_seen(db: Any, clock: FakeClock) -> None:
    seed_fleet(db, 200, clock())
    with db.read() as s:
        seen = [c.last_seen_at for c in s.scalars(select(Center))]
    assert len(seen) == 200 and 0 < seen.count(None) < 40

"""What villagers want, for the platform: demand counts folded at central, reported and charted.

The payloads come from a real kiosk store (browse events recorded by the kiosk's own code, folded
by ``demand_counts_since``) and go through central's HTTP API, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from central.cli import main as central_main
from central.demand import demand_report
from central.models import DemandDaily
from central.report import fleet_health, render_html
from central.service import CentralService
from kiosk.storage.browsing import demand_counts_since, record_product_view, record_search
from kiosk.storage.store import KioskStore
from tests.central.conftest import FakeClock, add_products, enroll, order_event, push, row_counts
from tests.conftest import REPO_ROOT

SCREENSHOT = REPO_ROOT / "docs" / "screenshots" / "central-report.png"


def _demand_event(
    data_dir: Path, views: dict[str, int], searches: list[tuple[str, int]]
) -> dict[str, Any]:
    """Browse on a real kiosk store, then fold the events as the kiosk does before a push."""
    with KioskStore.open(data_dir) as store:
        for sku, n in views.items():
            for _ in range(n):
                record_product_view(store, sku)
        for query, found in searches:
            record_search(store, query, found)
        with store.read() as s:
            cursor = int(KioskStore.get_setting(s, "demand.cursor", "0") or "0")
            payload, new_cursor = demand_counts_since(s, cursor)
        with store.write() as s:
            KioskStore.set_setting(s, "demand.cursor", str(new_cursor))
    return {
        "id": str(uuid.uuid4()),
        "kind": "demand_counts",
        "subject_id": f"demand-{payload['from_event']}-{new_cursor}",
        "created_at": "2026-12-03T08:00:00+08:00",
        "payload": payload,
    }


def test_demand_is_folded_once_and_reported(
    client: TestClient, service: CentralService, clock: FakeClock, tmp_path: Path
) -> None:
    add_products(service, 3)
    auth = enroll(client, service, "C001")
    other = enroll(client, service, "C002")
    shop = tmp_path / "kiosk"
    shop.mkdir()
    first = _demand_event(shop, {"P00000": 3, "P00001": 2}, [("xyj", 0), ("dami", 4), ("xyj ", 0)])
    assert [r["status"] for r in push(client, auth, first)] == ["accepted"]
    # A resend (the reply was lost) is deduplicated by its id: it must not count twice.
    assert [r["status"] for r in push(client, auth, first)] == ["duplicate"]
    second = _demand_event(shop, {"P00002": 5}, [("xyj", 0)])
    assert [r["status"] for r in push(client, auth, second)] == ["accepted"]
    other_shop = tmp_path / "kiosk2"
    other_shop.mkdir()
    push(client, other, _demand_event(other_shop, {"P00002": 1}, [("洗衣机", 0)]))
    # P00000 was viewed and ordered; P00001 and P00002 only viewed.
    assert [r["status"] for r in push(client, auth, order_event())] == ["accepted"]

    one = demand_report(service.db, center_id="C001", today=clock().date())
    assert one.centers_reporting == 1
    assert [(d.key, d.count) for d in one.no_result_searches] == [("xyj", 3)]
    assert [(d.key, d.count, d.orders) for d in one.most_viewed] == [
        ("P00002", 5, 0),
        ("P00000", 3, 1),
        ("P00001", 2, 0),
    ]
    assert one.most_viewed[0].name == "商品2"
    assert [d.key for d in one.viewed_not_ordered] == ["P00002", "P00001"]

    every = demand_report(service.db, today=clock().date())
    assert every.centers_reporting == 2
    assert [(d.key, d.count) for d in every.no_result_searches] == [("xyj", 3), ("洗衣机", 1)]
    assert every.most_viewed[0].key == "P00002" and every.most_viewed[0].count == 6

    # Counts are per server day: 40 days later a 30-day report is empty again.
    clock.advance(days=40)
    assert demand_report(service.db, today=clock().date()).most_viewed == []


@pytest.mark.parametrize(
    "payload",
    [
        {"from_event": 1, "to_event": 1, "events": 1, "product_views": {"P1": -5}},
        {"from_event": 1, "to_event": 1, "events": 1, "searches": [{"query": "", "count": 1,
                                                                    "no_result_count": 0}]},
        {"from_event": 1, "to_event": 1, "events": 1, "product_views": {"x" * 201: 1}},
        {"from_event": 1, "to_event": 1, "events": 1, "surprise": True},
        {"from_event": "1", "to_event": 1, "events": 1},
    ],
)  # fmt: skip
def test_hostile_demand_payloads_are_refused_and_nothing_is_counted(
    client: TestClient, service: CentralService, auth: dict[str, str], payload: dict[str, Any]
) -> None:
    before = row_counts(service)
    event = {
        "id": str(uuid.uuid4()), "kind": "demand_counts", "subject_id": "demand-1-1",
        "created_at": "x", "payload": payload,
    }  # fmt: skip
    [result] = push(client, auth, event)
    assert result["status"] == "rejected" and result["reason"] == "invalid_payload"
    with service.db.read() as s:
        assert s.scalars(select(DemandDaily)).all() == []
    assert row_counts(service)["orders"] == before["orders"]


def test_demand_and_report_commands(db_url: str, tmp_path: Path, capsys: Any) -> None:
    code = central_main(["demand", "--db", db_url, "--json", "--days", "7"])
    out = capsys.readouterr().out
    assert code == 0 and '"no_result_searches":[]' in out
    with pytest.raises(SystemExit) as refused:
        central_main(["demand", "--db", db_url, "--days", "0"])
    assert refused.value.code == 2
    assert "not a whole number from 1 to 3650" in capsys.readouterr().err
    code = central_main(["report", "--db", db_url, "--out", str(tmp_path / "r"), "--json"])
    assert code == 0
    page = (tmp_path / "r" / "report.html").read_text(encoding="utf-8")
    assert "<svg" in page and "村站平台报告" in page and "<script" not in page


def _fleet_rows(now: Any) -> list[dict[str, Any]]:
    rows = []
    for i in range(40):
        seen = None if i % 10 == 9 else (now - timedelta(hours=i * 7)).isoformat()
        rows.append(
            {
                "center_id": f"C{i:03d}",
                "center_name": f"第{i}村服务站",
                "last_seen": seen,
                "queue_depth": i % 13 * (i % 4),
                "app_version": f"0.{i % 3 + 1}.0",
            }
        )
    return rows


def test_report_page_renders_in_a_browser(
    client: TestClient, service: CentralService, clock: FakeClock, tmp_path: Path
) -> None:
    """The page a platform manager opens, rendered by headless Chromium (Debian's package)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (scripts/system-deps.sh installs it)")
    add_products(service, 12)
    auth = enroll(client, service, "C001")
    shop = tmp_path / "kiosk"
    shop.mkdir()
    views = {f"P{i:05d}": 12 - i for i in range(12)}
    wanted = {"xyj": 9, "洗衣机": 7, "电动车电瓶": 5, "化肥": 4, "种子": 2, "dami": 0}
    searches = [(q, 0) for q, n in wanted.items() for _ in range(n)] + [("dami", 3)]
    push(client, auth, _demand_event(shop, views, searches))
    push(client, auth, order_event())
    now = clock()
    health = fleet_health(_fleet_rows(now), now)
    assert health.centers == 40 and health.never_seen == 4
    assert sum(health.last_seen.values()) == 36
    page = render_html(health, demand_report(service.db, today=now.date()), now)
    html_path = tmp_path / "report.html"
    html_path.write_text(page, encoding="utf-8")
    keep = os.environ.get("KIOSK_UPDATE_SCREENSHOTS") == "1"
    shot = SCREENSHOT if keep else tmp_path / "report.png"
    subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", f"--user-data-dir={tmp_path / 'chrome'}", "--hide-scrollbars",
         "--window-size=1366,2700", f"--screenshot={shot}", html_path.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000  # charts drawn, not a blank page

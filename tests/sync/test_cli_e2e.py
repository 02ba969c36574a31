"""The sync CLI end to end: the real central service (uvicorn) and `kiosk` in subprocesses.

central catalog import → kiosk enroll → sync (products arrive) → place an order → sync →
central lists it exactly once → advance on central → sync → the kiosk shows the status.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.sync.engine import MEDIA_PER_RUN
from kiosk.sync.status import clock_warning
from tests.conftest import DEMO_CATALOG, REPO_ROOT
from tests.helpers.central_server import CentralServer

PHONE = "13912345678"


class Kiosk:
    """Runs `kiosk` commands for one data directory with a test-rig keyring."""

    def __init__(self, tmp: Path, *, allow_insecure: bool = True) -> None:
        self.data_dir = tmp / "kiosk"
        self.env = {
            **os.environ,
            "KIOSK_DATA_DIR": str(self.data_dir),
            "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            "XDG_DATA_HOME": str(tmp / "xdg"),
            "KIOSK_SYNC_TIMEOUT": "15",
            "KIOSK_SYNC_RETRIES": "2",
            "KIOSK_SYNC_BACKOFF": "0.05",
        }
        self.env.pop("KIOSK_ALLOW_INSECURE_KEYRING", None)
        if allow_insecure:
            self.env["KIOSK_ALLOW_INSECURE_KEYRING"] = "1"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kiosk", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def json(self, *args: str, ok: bool = True) -> Any:
        proc = self.run(*args, "--json")
        if ok:
            assert proc.returncode == 0, proc.stderr
        return json.loads(proc.stdout.strip().splitlines()[-1])


def test_clock_warning_in_plain_words() -> None:
    assert clock_warning(3 * 3600) == "The computer's clock is 3 hours fast: please fix the clock"
    slow = clock_warning(-10 * 60)
    assert slow == "The computer's clock is 10 minutes slow: please fix the clock"
    assert (clock_warning(-3 * 365 * 86400) or "").startswith(
        "The computer's clock is 1095 days slow"
    )
    assert clock_warning(299) is None and clock_warning(None) is None


def test_status_of_a_fresh_kiosk(tmp_path: Path) -> None:
    st = Kiosk(tmp_path).json("status")
    assert st["enrolled"] is False and st["queue_depth"] == 0
    assert st["last_success_at"] is None and st["clock_warning"] is None
    proc = Kiosk(tmp_path).run("sync", "--once", "--json")
    assert proc.returncode != 0 and "not enrolled" in proc.stderr


@pytest.mark.slow
def test_enroll_sync_order_roundtrip(tmp_path: Path, central_server: CentralServer) -> None:
    kiosk = Kiosk(tmp_path)
    central_server.import_catalog(DEMO_CATALOG)

    # Without the test-rig variable the plaintext keyring is refused, before the code is spent.
    code = central_server.enroll_code("C017", "王家村服务站")
    refused = Kiosk(tmp_path, allow_insecure=False).run(
        "enroll", "--server", central_server.url, "--code", code
    )
    assert refused.returncode != 0
    assert "KIOSK_ALLOW_INSECURE_KEYRING" in refused.stderr
    assert len(refused.stderr.strip().splitlines()) == 1

    bad = kiosk.run("enroll", "--server", central_server.url, "--code", "WRONG-CODE")
    assert bad.returncode != 0 and "enrollment code was refused" in bad.stderr

    enrolled = kiosk.json("enroll", "--server", central_server.url, "--code", code)
    assert enrolled["center_id"] == "C017" and enrolled["server_url"] == central_server.url
    again = kiosk.run("enroll", "--server", central_server.url, "--code", code)
    assert again.returncode != 0  # one-time code

    first = kiosk.json("sync", "--once")
    assert first["ok"] is True, first["errors"]
    assert first["pulled_products"] >= 300 and first["outbox_remaining"] == 0
    # Images come from central by content hash, a bounded number per run, verified on arrival.
    assert 0 < first["media_fetched"] <= MEDIA_PER_RUN
    images = [p for p in (kiosk.data_dir / "media").rglob("*.png")]
    assert len(images) == first["media_fetched"]
    assert all(hashlib.sha256(p.read_bytes()).hexdigest() == p.stem for p in images[:20])

    placed = kiosk.json(
        "orders", "place", "--name", "李四", "--phone", PHONE, "--item", "LY-0001:2"
    )
    order_id = placed["order_id"]
    st = kiosk.json("status")
    assert st["queue_depth"] == 1 and st["enrolled"] is True and st["center_id"] == "C017"

    second = kiosk.json("sync", "--once")
    assert second["ok"] is True and second["pushed"] == 1 and second["outbox_remaining"] == 0
    listed = central_server.cli_json("orders", "list")
    mine = [o for o in listed if o["order_id"] == order_id]
    assert len(mine) == 1 and mine[0]["center"] == "C017"
    assert len(listed) == 1

    for status in ("accepted", "shipped", "arrived"):
        central_server.cli_json("orders", "advance", order_id, "--to", status)
    third = kiosk.json("sync", "--once")
    assert third["ok"] is True and third["order_updates"] >= 1
    shown = kiosk.json("orders", "list")
    rows = shown if isinstance(shown, list) else [shown]
    assert any(r["order_id"] == order_id and r["status"] == "arrived" for r in rows)

    st = kiosk.json("status")
    assert st["queue_depth"] == 0 and st["last_error"] is None
    assert st["catalog_cursor"] and st["orders_cursor"]
    # The token is in the (test-rig) keyring file only: not in the database, output or logs.
    keyring_file = tmp_path / "xdg" / "python_keyring" / "keyring_pass.cfg"
    assert keyring_file.exists()
    db_bytes = (kiosk.data_dir / "kiosk.db").read_bytes()
    assert b"device:" not in db_bytes
    fleet = central_server.cli_json("fleet")
    assert any(c.get("center") == "C017" or c.get("center_id") == "C017" for c in fleet)


@pytest.mark.parametrize("url", ["ftp://example.cn", "not a url"])
def test_enroll_rejects_a_bad_server_address(tmp_path: Path, url: str) -> None:
    proc = Kiosk(tmp_path).run("enroll", "--server", url, "--code", "ABCD1234")
    assert proc.returncode == 2 and "is not a server address" in proc.stderr

"""The owner's day end to end (docs/reliability.md, Private): the real central service, `kiosk` in
subprocesses.

enroll → PINs → orders → sync → central ships → check-in (partial, then the rest) → pickups
(one wrong code) → cancel → return → close the day (twice) → sync → every owner event is at
central exactly once, cash and day close in central's tables → support bundle → no phone
number, pickup code, PIN or device token in any log file, nor in the bundle.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import DEMO_CATALOG, REPO_ROOT
from tests.helpers.central_server import CentralServer

PHONES = ("13912345678", "15887654321", "18600001111", "13700002222")
OWNER_PIN = "25807913"
TECH_PIN = "73914628"
DAY = "2025-06-01"


class Kiosk:
    """Runs `kiosk` for one data directory with a test-rig keyring."""

    def __init__(self, tmp: Path) -> None:
        self.data_dir = tmp / "kiosk"
        self.xdg = tmp / "xdg"
        self.env = {
            **os.environ,
            "KIOSK_DATA_DIR": str(self.data_dir),
            "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            "XDG_DATA_HOME": str(self.xdg),
            "KIOSK_ALLOW_INSECURE_KEYRING": "1",
            "KIOSK_SYNC_TIMEOUT": "15",
            "KIOSK_SYNC_RETRIES": "2",
            "KIOSK_SYNC_BACKOFF": "0.05",
        }
        for key in ("KIOSK_PIN", "KIOSK_NEW_PIN"):
            self.env.pop(key, None)

    def run(self, *args: str, pin: str | None = None, new_pin: str | None = None) -> Any:
        env = dict(self.env)
        if pin is not None:
            env["KIOSK_PIN"] = pin
        if new_pin is not None:
            env["KIOSK_NEW_PIN"] = new_pin
        return subprocess.run(
            [sys.executable, "-m", "kiosk", *args],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
        )

    def json(self, *args: str, pin: str | None = None, new_pin: str | None = None) -> Any:
        proc = self.run(*args, "--json", pin=pin, new_pin=new_pin)
        assert proc.returncode == 0, f"kiosk {' '.join(args)}: {proc.stderr}"
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def owner(self, *args: str) -> Any:
        return self.json("owner", *args, pin=OWNER_PIN)

    def device_token(self) -> str:
        from keyrings.alt.file import PlaintextKeyring

        old = os.environ.get("XDG_DATA_HOME")
        os.environ["XDG_DATA_HOME"] = str(self.xdg)
        try:
            ring = PlaintextKeyring()
            device_id = self.json("status")["device_id"]
            token = ring.get_password("village-kiosk", f"device:{device_id}")
        finally:
            if old is None:
                os.environ.pop("XDG_DATA_HOME", None)
            else:
                os.environ["XDG_DATA_HOME"] = old
        assert token
        return str(token)


def _central_rows(server: CentralServer, sql: str) -> list[Any]:
    engine = create_engine(server.db_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(text(sql)).all())
    finally:
        engine.dispose()


@pytest.mark.slow
def test_owner_day_reaches_central_once_and_logs_stay_private(
    tmp_path: Path, central_server: CentralServer
) -> None:
    kiosk = Kiosk(tmp_path)
    central_server.import_catalog(DEMO_CATALOG)
    code = central_server.enroll_code("C017", "王家村服务站")
    kiosk.json("enroll", "--server", central_server.url, "--code", code)
    assert kiosk.json("sync", "--once")["ok"]

    # PINs: the technician's first (first run), then the owner's (needs the technician's).
    kiosk.json("tech", "set-pin", "--role", "technician", new_pin=TECH_PIN)
    refused = kiosk.run("tech", "set-pin", "--role", "owner", new_pin=OWNER_PIN)
    assert refused.returncode != 0 and "PIN" in refused.stderr
    kiosk.json("tech", "set-pin", "--role", "owner", pin=TECH_PIN, new_pin=OWNER_PIN)
    wrong = kiosk.run("owner", "queue", pin="11335577")
    assert wrong.returncode != 0 and "wrong owner PIN" in wrong.stderr

    def place(phone: str, payment: str, *items: str) -> dict[str, Any]:
        args = ["orders", "place", "--name", "李四", "--phone", phone, "--payment", payment]
        for item in items:
            args += ["--item", item]
        result: dict[str, Any] = kiosk.json(*args)
        return result

    a = place(PHONES[0], "cash", "LY-0001:2", "LY-0002:1")  # partial arrival, already paid
    b = place(PHONES[1], "on_pickup", "LY-0001:1")  # paid in cash at pickup
    c = place(PHONES[2], "cash", "LY-0002:1")  # cancelled, refunded
    d = place(PHONES[3], "on_pickup", "LY-0001:1")  # picked up, then returned
    codes = [o["pickup_code"] for o in (a, b, c, d)]
    assert kiosk.json("sync", "--once")["pushed"] == 4
    for o in (a, b, d):
        for to in ("accepted", "shipped"):
            central_server.cli_json("orders", "advance", o["order_id"], "--to", to)
    assert kiosk.json("sync", "--once")["order_updates"] >= 6

    queue = kiosk.owner("queue")
    assert queue["counts"]["to_check_in"] == 3
    assert all(p not in json.dumps(queue) for p in PHONES)
    part = kiosk.owner("check-in", a["local_no"], "--line", "LY-0001:1")
    assert part["complete"] is False
    assert kiosk.owner("check-in", a["local_no"])["status"] == "arrived"
    for o in (b, d):
        kiosk.owner("check-in", o["local_no"])
    bad = kiosk.run(
        "owner",
        "pickup",
        d["local_no"],
        "--code",
        "000000" if codes[3] != "000000" else "111111",
        pin=OWNER_PIN,
    )
    assert bad.returncode != 0 and "wrong pickup code" in bad.stderr
    assert kiosk.owner("pickup", a["local_no"], "--code", codes[0])["cash_fen"] == 0
    assert (
        kiosk.owner("pickup", b["local_no"], "--code", codes[1], "--paid", "cash")["cash_fen"]
        == 5990
    )
    kiosk.owner("pickup", d["local_no"], "--code", codes[3], "--paid", "cash")
    kiosk.owner("return", d["local_no"], "--reason", "包装破损", "--refund", "5990")
    kiosk.owner("cancel", c["local_no"], "--reason", "村民不要了")
    first = kiosk.owner("close-day", "--day", DAY)
    again = kiosk.owner("close-day", "--day", DAY)
    assert not first["already_closed"] and again["already_closed"]
    assert again["event_id"] == first["event_id"]
    # cash: a 2×5990+4990 and c 4990 at order time, b and d 5990 at pickup; c and d refunded.
    assert first["expected_cash_fen"] == (2 * 5990 + 4990) + 4990 + 5990 + 5990 - 4990 - 5990

    pushed = kiosk.json("sync", "--once")
    assert pushed["ok"] and pushed["outbox_remaining"] == 0 and pushed["quarantined"] == 0
    assert kiosk.json("sync", "--once")["pushed"] == 0

    # Exactly once: every kiosk event is at central once, and central has nothing else.
    kiosk_events = _central_rows_kiosk(kiosk.data_dir)
    central_events = _central_rows(central_server, "SELECT id, kind, status FROM events")
    assert sorted(e[0] for e in central_events) == sorted(e[0] for e in kiosk_events)
    assert {e[2] for e in central_events} == {"accepted"}
    kinds = sorted(e[1] for e in central_events)
    assert kinds.count("arrival_checked_in") == 4 and kinds.count("pickup_confirmed") == 3
    assert kinds.count("order_cancelled") == 1 and kinds.count("order_returned") == 1
    assert kinds.count("day_closed") == 1 and kinds.count("cash_entry") == 4
    statuses = {o["order_id"]: o["status"] for o in central_server.cli_json("orders", "list")}
    assert statuses == {
        a["order_id"]: "picked_up",
        b["order_id"]: "picked_up",
        c["order_id"]: "cancelled",
        d["order_id"]: "returned",
    }
    cash = central_server.cli_json("cash", "list", "--center", "C017")
    assert sorted((e["kind"], e["amount_fen"]) for e in cash) == sorted(
        [
            ("order_cash", 2 * 5990 + 4990),
            ("order_cash", 4990),
            ("pickup_cash", 5990),
            ("pickup_cash", 5990),
            ("refund", 4990),
            ("refund", 5990),
        ]
    )
    [day] = central_server.cli_json("cash", "days")
    assert (day["business_day"], day["expected_cash_fen"]) == (DAY, first["expected_cash_fen"])

    bundle_dir = tmp_path / "usb"
    bundle_dir.mkdir()
    bundle = Path(kiosk.json("tech", "support-bundle", str(bundle_dir), pin=TECH_PIN)["path"])
    from kiosk.storage.support_bundle import bundle_member_names, bundle_text

    names = bundle_member_names(bundle)
    assert {"doctor.json", "status.json", "settings.json", "outbox.json"} <= set(names)
    assert any(n.startswith("logs/") for n in names)

    # Private: search every log file (and the bundle) for what must never be there.
    secrets = [*PHONES, *codes, OWNER_PIN, TECH_PIN, kiosk.device_token()]
    logs = [*sorted((kiosk.data_dir / "logs").glob("*")), central_server.log_path]
    kiosk_log = (kiosk.data_dir / "logs" / "kiosk.log").read_text(encoding="utf-8")
    assert "checked in" in kiosk_log and "picked up" in kiosk_log  # logging really ran
    texts = {str(p): p.read_text(encoding="utf-8", errors="replace") for p in logs}
    texts["bundle"] = bundle_text(bundle)
    for where, body in texts.items():
        for secret in secrets:
            assert not re.search(rf"(?<![0-9A-Za-z]){re.escape(secret)}(?![0-9A-Za-z])", body), (
                f"{secret[:3]}… found in {where}"
            )


def _central_rows_kiosk(data_dir: Path) -> list[Any]:
    import sqlite3

    conn = sqlite3.connect(data_dir / "kiosk.db")
    try:
        rows = conn.execute("SELECT id, kind, state FROM outbox").fetchall()
    finally:
        conn.close()
    assert {r[2] for r in rows} == {"sent"}
    return rows

"""``make demo``: the whole loop on this machine, with the demo catalog.

1. Starts a local central service (SQLite file under ``.demo/``) and publishes the demo catalog.
2. Issues an enrollment code and enrolls a kiosk whose data lives in ``.demo/kiosk``.
3. Syncs, so the kiosk has the catalog and its images.
4. With a display: opens the villager GUI (windowed); the GUI keeps syncing in the background.
   Without a display (a server, CI): runs a guided tour through the real command lines instead —
   searches, an order placed while central is stopped, a sync, logistics advanced on central, a
   sync bringing the status back.

The demo keeps its device credential in a demo-only plaintext keyring under ``.demo/``
(enabled with ``KIOSK_ALLOW_INSECURE_KEYRING=1``), so it never touches your real keyring. A real
kiosk refuses that backend. Run it again at any time: it starts from a fresh ``.demo/``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / ".demo"
CATALOG = ROOT / "assets" / "demo" / "catalog.jsonl"
BIN = Path(sys.executable).parent
CENTER_ID = "C001"
CENTER_NAME = "青山村服务站"
# Demo-only PINs (a real technician chooses them in the first-run wizard).
TECH_PIN = "482916"
OWNER_PIN = "735204"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        KIOSK_DATA_DIR=str(DEMO / "kiosk"),
        KIOSK_CENTRAL_DB=f"sqlite:///{DEMO / 'central.db'}",
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        XDG_DATA_HOME=str(DEMO / "xdg"),
        KIOSK_ALLOW_INSECURE_KEYRING="1",
    )
    return env


def _say(text: str) -> None:
    print(f"\n\033[1m== {text}\033[0m", flush=True)


def _run(*cmd: str, check: bool = True, pin: str | None = None, new_pin: str | None = None) -> str:
    shown = " ".join(cmd)
    env = _env()
    if pin is not None:  # how scripts give a PIN; at the keyboard it is asked for, hidden
        env["KIOSK_PIN"] = pin
        shown = f"KIOSK_PIN=**** {shown}"
    if new_pin is not None:
        env["KIOSK_NEW_PIN"] = new_pin
        shown = f"KIOSK_NEW_PIN=**** {shown}"
    print("$ " + shown, flush=True)
    proc = subprocess.run(
        [str(BIN / cmd[0]), *cmd[1:]], env=env, text=True, capture_output=True, check=False
    )
    if proc.stdout:
        print(proc.stdout.rstrip(), flush=True)
    if proc.returncode != 0:
        print(proc.stderr.rstrip(), file=sys.stderr, flush=True)
        if check:
            raise SystemExit(f"demo: '{' '.join(cmd)}' failed (exit {proc.returncode})")
    return proc.stdout


def _json(*cmd: str) -> Any:
    return json.loads(_run(*cmd))


class Central:
    """The demo's central service process."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (DEMO / "central.log").open("ab")
        self.proc = subprocess.Popen(
            [str(BIN / "kiosk-central"), "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            env=_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"demo: central service exited; see {DEMO / 'central.log'}")
            try:
                if httpx.get(f"{self.url}/v1/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        raise SystemExit("demo: central service did not start within 30 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def _has_display() -> bool:
    if sys.platform.startswith("win") or sys.platform == "darwin":
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform and platform != "xcb" and platform != "wayland":
        return False
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def tour(central: Central) -> None:
    """The headless walk through the whole loop, with real commands."""
    for query in ("米", "空调", "xiyiji", "xyj", "海尔xyj"):
        _say(f"Search the kiosk catalog for {query!r}")
        _run("kiosk", "catalog", "search", query, "--limit", "5")

    _say("The village connection drops: central service stopped")
    central.stop()
    _say("A villager orders anyway (committed locally, pickup code shown)")
    placed = _json(
        "kiosk", "orders", "place", "--name", "王秀英", "--phone", "13812345678",
        "--item", "LY-0001:2", "--item", "RY-0007:1", "--payment", "on_pickup", "--json",
    )  # fmt: skip
    print(f"   order {placed['local_no']}  pickup code {placed['pickup_code']}")
    _run("kiosk", "status")
    _say("The connection comes back: sync")
    central.start()
    _run("kiosk", "sync", "--once")
    _say("Central sees the order exactly once")
    orders = _json("kiosk-central", "orders", "list", "--center", CENTER_ID, "--json")
    mine = [o for o in orders if o["order_id"] == placed["order_id"]]
    print(f"   {len(mine)} copy at central, server number {mine[0]['server_no']}")
    _say("Logistics on central: accepted → shipped")
    for state in ("accepted", "shipped"):
        _run("kiosk-central", "orders", "advance", placed["order_id"], "--to", state)
    _say("Sync again: the kiosk learns the parcel is on the van")
    _run("kiosk", "sync", "--once")
    _run("kiosk", "orders", "list")

    _say("The technician sets the PINs (first run); the owner's work queue")
    _run("kiosk", "tech", "set-pin", "--role", "technician", new_pin=TECH_PIN)
    _run("kiosk", "tech", "set-pin", "--role", "owner", pin=TECH_PIN, new_pin=OWNER_PIN)
    _run("kiosk", "owner", "queue", pin=OWNER_PIN)
    _say("The van arrives: the owner checks the parcel in")
    _run("kiosk", "owner", "check-in", placed["local_no"], pin=OWNER_PIN)
    _say("A wrong pickup code is refused; the right one hands the parcel over")
    wrong = f"{(int(placed['pickup_code']) + 1) % 1_000_000:06d}"
    _run("kiosk", "owner", "pickup", placed["local_no"], "--code", wrong, pin=OWNER_PIN,
         check=False)  # fmt: skip
    _run("kiosk", "owner", "pickup", placed["local_no"], "--code", placed["pickup_code"],
         "--paid", "cash", pin=OWNER_PIN)  # fmt: skip
    _say("Closing time: the owner closes the day (twice — it is safe to repeat)")
    _run("kiosk", "owner", "close-day", pin=OWNER_PIN)
    _run("kiosk", "owner", "close-day", pin=OWNER_PIN)
    _say("Sync: central sees each step exactly once")
    _run("kiosk", "sync", "--once")
    final = _json("kiosk-central", "orders", "list", "--center", CENTER_ID, "--json")
    mine = [o for o in final if o["order_id"] == placed["order_id"]]
    print(f"   {len(mine)} copy at central, status {mine[0]['status']}")
    _run("kiosk-central", "cash", "list", "--center", CENTER_ID)
    _run("kiosk-central", "cash", "days", "--center", CENTER_ID)
    _say("Health check")
    _run("kiosk", "doctor", check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tour", action="store_true", help="run the command-line tour")
    parser.add_argument("--gui", action="store_true", help="open the GUI even without $DISPLAY")
    args = parser.parse_args()

    shutil.rmtree(DEMO, ignore_errors=True)
    (DEMO / "kiosk").mkdir(parents=True)
    central = Central(_free_port())
    try:
        _say(f"Starting the central service on {central.url}")
        central.start()
        _say("Publishing the demo catalog on central")
        _run("kiosk-central", "catalog", "import", str(CATALOG))
        code = _json("kiosk-central", "enroll-code", "--center", CENTER_ID,
                     "--center-name", CENTER_NAME, "--json")["code"]  # fmt: skip
        _say(f"Enrolling the kiosk with code {code}")
        _run("kiosk", "enroll", "--server", central.url, "--code", code)
        _say("First sync: catalog and images")
        _run("kiosk", "sync", "--once")
        if (args.gui or _has_display()) and not args.tour:
            _say("Opening the kiosk (close the window to end the demo)")
            subprocess.run([str(BIN / "kiosk"), "gui", "--windowed"], env=_env(), check=False)
        else:
            print("\n(no display: running the command-line tour; on a desktop the GUI opens)")
            tour(central)
        _say("Demo finished. Data is in .demo/ (delete it freely).")
        return 0
    finally:
        central.stop()


if __name__ == "__main__":
    sys.exit(main())

"""Commands run beside a running kiosk never cost it an acknowledged order.

A kiosk child process (``tests.helpers.running_kiosk_child``) starts as the GUI does: it opens the
store, runs the after-start store check in the same process, then places orders and prints
``ACK`` after each commit. Beside it the technician's and the owner's commands run as separate
processes (status, backup, doctor, sync against the real central service, orders place and list,
the owner's queue and day close, the technician's outbox and support bundle). The child is then
killed with SIGKILL at a random moment and started again, round after round. At the end every
acknowledged order (the child's and the command line's) is in the database with all its lines,
and ``PRAGMA integrity_check`` says ok.

Before ``kiosk/kernel/dbfiles.py`` existed this lost orders: the after-start check read the database
file with plain ``open()``/``close()``, which drops every SQLite lock the process holds on it; the
next command to close its connection then believed it was the last one, checkpointed and deleted
the ``-wal``, and the kiosk went on committing into a deleted file.

``KIOSK_BESIDE_ROUNDS`` sets the number of kill rounds (default 6).
"""

from __future__ import annotations

import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from kiosk.storage import models as m
from kiosk.storage.backup import integrity_check
from kiosk.storage.store import KioskStore
from tests.conftest import DEMO_CATALOG, REPO_ROOT
from tests.helpers.central_server import CentralServer, start_central_server

pytestmark = [
    pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX SIGKILL and POSIX locks"),
    pytest.mark.slow,
]

ROUNDS = int(os.environ.get("KIOSK_BESIDE_ROUNDS", "6"))
STALL_S = 60.0


class Shop:
    """One data folder, the environment its processes share, and what was acknowledged."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.data_dir = tmp / "kiosk"
        self.env = {
            **os.environ,
            "KIOSK_DATA_DIR": str(self.data_dir),
            "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
            "KIOSK_ALLOW_INSECURE_KEYRING": "1",
            "XDG_DATA_HOME": str(tmp / "xdg"),
            "KIOSK_SYNC_TIMEOUT": "15",
            "KIOSK_SYNC_RETRIES": "1",
            "KIOSK_SYNC_BACKOFF": "0.05",
        }
        self.acked: dict[str, int] = {}

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "kiosk", *args],
            cwd=REPO_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert "Traceback" not in proc.stderr, f"kiosk {' '.join(args)}:\n{proc.stderr}"
        return proc

    def json(self, *args: str) -> Any:
        proc = self.run(*args, "--json")
        assert proc.returncode == 0, f"kiosk {' '.join(args)}: {proc.stderr}"
        return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture
def shop(tmp_path: Path) -> Iterator[tuple[Shop, CentralServer]]:
    server = start_central_server(tmp_path / "central")
    try:
        server.import_catalog(DEMO_CATALOG)
        shop = Shop(tmp_path)
        code = server.enroll_code("C001", "测试村服务站")
        shop.json("enroll", "--server", server.url, "--code", code)
        assert shop.json("sync", "--once")["ok"] is True
        yield shop, server
    finally:
        server.stop()


def _reader(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def _commands(shop: Shop, sku: str) -> list[tuple[str, ...]]:
    usb = shop.tmp / "usb"
    usb.mkdir(exist_ok=True)
    return [
        ("status", "--json"),
        ("backup", "--json"),
        ("doctor",),
        ("sync", "--once", "--json"),
        ("orders", "place", "--name", "王五", "--phone", "13800001111", "--item", sku, "--json"),
        ("orders", "list", "--json"),
        ("owner", "queue", "--json"),
        ("owner", "close-day", "--json"),
        ("tech", "outbox", "--json"),
        ("tech", "support-bundle", str(usb)),
    ]


def _round(shop: Shop, rng: random.Random, commands: list[tuple[str, ...]]) -> list[str]:
    """One life of the kiosk: start, commands beside it, SIGKILL. Returns the commands run."""
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.running_kiosk_child", str(shop.data_dir),
         str(rng.randrange(1 << 30))],
        cwd=REPO_ROOT, env=shop.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_reader, args=(child.stdout, lines), daemon=True).start()

    def next_line() -> str:
        try:
            line = lines.get(timeout=STALL_S)
        except queue.Empty:
            child.kill()
            pytest.fail(f"the kiosk said nothing for {STALL_S} s")
        if line is None:
            child.wait()
            err = child.stderr.read() if child.stderr else ""
            pytest.fail(f"the kiosk stopped (exit {child.returncode}):\n{err}")
        return line

    def drain(at_least: int) -> None:
        seen = 0
        while seen < at_least or not lines.empty():
            line = next_line()
            if line.startswith("ACK "):
                _, order_id, nlines = line.split()
                shop.acked[order_id] = int(nlines)
                seen += 1

    ready = next_line()
    assert ready == "READY ok\n", ready
    ran = []
    try:
        for cmd in rng.sample(commands, rng.randint(2, 4)):
            proc = shop.run(*cmd)
            ran.append(cmd[0] + ("" if cmd[0] in ("status", "backup", "doctor") else " " + cmd[1]))
            if cmd[:2] == ("orders", "place"):
                assert proc.returncode == 0, proc.stderr
                placed = json.loads(proc.stdout.strip().splitlines()[-1])
                shop.acked[placed["order_id"]] = 1
            drain(3)  # the kiosk commits after the command closed its connection
        threading.Event().wait(rng.uniform(0, 0.15))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    while (line := lines.get(timeout=STALL_S)) is not None:
        if line.startswith("ACK "):
            _, order_id, nlines = line.split()
            shop.acked[order_id] = int(nlines)
    return ran


def test_commands_beside_the_running_kiosk_lose_no_order(
    shop: tuple[Shop, CentralServer],
) -> None:
    kiosk, _server = shop
    with KioskStore.open(kiosk.data_dir) as store, store.read() as s:
        sku = s.scalars(select(m.Product.sku).where(m.Product.active.is_(True))).first()
    assert sku
    rng = random.Random(int(os.environ.get("KIOSK_BESIDE_SEED", "0")) or None)
    commands = _commands(kiosk, sku)
    history = [_round(kiosk, rng, commands) for _ in range(ROUNDS)]

    assert kiosk.acked, "the kiosk acknowledged no order"
    db = kiosk.data_dir / "kiosk.db"
    assert integrity_check(db) == "ok"
    with KioskStore.open(kiosk.data_dir) as store, store.read() as s:
        lines = dict(
            s.execute(
                select(m.OrderLine.order_id, func.count())
                .where(m.OrderLine.order_id.in_(list(kiosk.acked)))
                .group_by(m.OrderLine.order_id)
            ).all()
        )
    missing = [o for o in kiosk.acked if o not in lines]
    assert not missing, (
        f"{len(missing)} of {len(kiosk.acked)} acknowledged orders lost; commands per round: "
        f"{history}"
    )
    short = {o: (n, lines[o]) for o, n in kiosk.acked.items() if lines[o] != n}
    assert not short, f"orders missing lines: {short}"

"""Kill during commit (docs/reliability.md, Durable orders): SIGKILL the kiosk while it places
orders; no acknowledged order may be lost.

A child process (``tests.helpers.order_child``) places orders through the real ``place_order``
and prints ``ACK <order id> <nlines>`` after each commit. The parent kills it with SIGKILL at
random moments — after a random number of acknowledgements and then a random extra wait, so the
kill lands anywhere in a transaction — and restarts it. At the end every acknowledged order must
be in the database with all its lines and its outbox event, no order may be half-written, and
``PRAGMA integrity_check`` must say ok.

50 kills by default; set ``KIOSK_R1_KILLS=1000`` for the long run.
"""

from __future__ import annotations

import contextlib
import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from kiosk.storage.backup import integrity_check
from kiosk.storage.store import KioskStore
from tests.conftest import REPO_ROOT
from tests.helpers.seed import seed_products, synthetic_products

pytestmark = [
    pytest.mark.skipif(
        sys.platform == "win32", reason="the kill-during-commit test needs POSIX SIGKILL"
    ),
    pytest.mark.slow,  # about 40 s for 50 kills: each restart pays Python's start-up
]

KILLS = int(os.environ.get("KIOSK_R1_KILLS", "50"))
#: The child module; a mutation check can point this at a child that acknowledges too early.
CHILD = os.environ.get("KIOSK_R1_CHILD", "tests.helpers.order_child")
#: Longest we wait for the child to say anything before calling it hung.
STALL_S = 30.0
_EOF = None


def _reader(stream: object, lines: queue.Queue[str | None]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        lines.put(line)
    lines.put(_EOF)


def _next_line(lines: queue.Queue[str | None], proc: subprocess.Popen[str]) -> str | None:
    try:
        return lines.get(timeout=STALL_S)
    except queue.Empty:
        proc.kill()
        pytest.fail(f"child {proc.pid} said nothing for {STALL_S} s")


def _run_once(
    data_dir: Path, rng: random.Random, acked: dict[str, int], seed: int
) -> tuple[int, int]:
    """Start a child, let it acknowledge a few orders, SIGKILL it; return (acks, exit code)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", CHILD, str(data_dir), str(seed)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    reader = threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True)
    reader.start()
    n_acks = 0
    first = _next_line(lines, proc)
    if first != "READY\n":
        proc.kill()
        proc.wait()
        pytest.fail(f"child did not start: {first!r}\n{proc.stderr.read() if proc.stderr else ''}")
    wanted = rng.randint(0, 6)
    while n_acks < wanted:
        line = _next_line(lines, proc)
        if line is _EOF:
            break
        n_acks += 1
        _, oid, nlines = line.split()
        acked[oid] = int(nlines)
    # A random extra moment so the kill lands inside a transaction, not only between them.
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=rng.uniform(0, 0.008))
    proc.send_signal(signal.SIGKILL)
    code = proc.wait(timeout=STALL_S)
    reader.join(timeout=STALL_S)
    # Acknowledgements already in the pipe when the child died still count: they were printed
    # after a commit returned.
    while True:
        line = lines.get_nowait() if not lines.empty() else _EOF
        if line is _EOF:
            break
        if line.startswith("ACK "):
            _, oid, nlines = line.split()
            acked[oid] = int(nlines)
            n_acks += 1
    if proc.stderr is not None:
        err = proc.stderr.read()
        proc.stderr.close()
        assert "Traceback" not in err, err
    return n_acks, code


def test_acknowledged_orders_survive_sigkill(data_dir: Path) -> None:
    with KioskStore.open(data_dir) as store:
        seed_products(store, synthetic_products(50))
    rng = random.Random(int(os.environ.get("KIOSK_R1_SEED", "20261127")))
    acked: dict[str, int] = {}
    kills = 0
    started = time.monotonic()
    for i in range(KILLS):
        _, code = _run_once(data_dir, rng, acked, seed=i)
        assert code == -signal.SIGKILL, f"child ended by itself with {code}"
        kills += 1
    elapsed = time.monotonic() - started
    assert kills >= KILLS >= 1
    assert len(acked) >= KILLS, "too few orders were acknowledged to mean anything"

    db = data_dir / "kiosk.db"
    assert integrity_check(db) == "ok"
    # A writer opens the file so a hot WAL left by the last kill is recovered first.
    with KioskStore.open(data_dir):
        pass
    assert integrity_check(db) == "ok"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        found = dict(
            conn.execute(
                "SELECT o.id, (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id)"
                " FROM orders o"
            ).fetchall()
        )
        events = {
            r[0] for r in conn.execute("SELECT subject_id FROM outbox WHERE kind = 'order_placed'")
        }
        numbers = [r[0] for r in conn.execute("SELECT local_no FROM orders")]
    finally:
        conn.close()

    lost = [oid for oid in acked if oid not in found]
    assert not lost, f"{len(lost)} acknowledged orders lost after {kills} kills: {lost[:5]}"
    short = {oid: (n, found[oid]) for oid, n in acked.items() if found[oid] != n}
    assert not short, f"acknowledged orders missing lines: {short}"
    missing_events = [oid for oid in acked if oid not in events]
    assert not missing_events, f"acknowledged orders without outbox event: {missing_events[:5]}"
    # No half-written order at all, acknowledged or not: every order has lines and its event.
    assert all(n >= 1 for n in found.values())
    assert set(found) == events
    assert len(numbers) == len(set(numbers))
    print(
        f"kill during commit: {kills} SIGKILLs, {len(acked)} acknowledged orders, "
        f"{len(found)} in the database "
        f"({len(found) - len(acked)} committed but not yet acknowledged), {elapsed:.1f} s"
    )

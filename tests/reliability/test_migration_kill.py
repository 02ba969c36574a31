"""Migration kill (docs/reliability.md): SIGKILL the schema migration at random points; the store is
old or new, never between.

A template store with a catalog and orders is taken down to revision 0001. Each run copies it,
starts ``tests.helpers.migrate_child`` (which opens the store: backup, then upgrade to head) and
SIGKILLs it after a random wait measured from its ``READY`` line, over a window a little longer
than a whole migration takes. After each kill the file must be at 0001 or at head, pass
``integrity_check``, keep every product and order, hold a pre-migration backup whenever the
upgrade had started, and the next start must finish the migration.

20 kills by default (``KIOSK_R3_KILLS`` for more; ``KIOSK_R3_SEED`` to replay).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory

from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage import migrate
from kiosk.storage.backup import integrity_check
from kiosk.storage.orders import place_order
from kiosk.storage.store import KioskStore
from tests.conftest import REPO_ROOT
from tests.helpers.seed import seed_products, synthetic_products

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="the migration kill test needs POSIX SIGKILL"
)

KILLS = int(os.environ.get("KIOSK_R3_KILLS", "20"))
OLD = "0001"


def _template(folder: Path) -> tuple[int, int]:
    """A store at revision 0001 with products and orders; returns (products, orders)."""
    with KioskStore.open(folder) as store:
        seed_products(store, synthetic_products(5000))
        for i in range(20):
            place_order(
                store,
                Customer.of(f"村民{i}", f"139{i:08d}"),
                [LineRequest(f"SY-{1 + i:06d}", 2)],
                Payment.CASH,
            )
        cfg = migrate.alembic_config()
        with store._writer.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, OLD)
        assert store.schema_revision() == OLD
    return 5000, 20


def _state(db: Path) -> tuple[str, int, int]:
    # A read-write open replays a hot journal first, as the next kiosk start would.
    conn = sqlite3.connect(str(db))
    try:
        rev = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        products = conn.execute("SELECT count(*) FROM products").fetchone()[0]
        orders = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
    finally:
        conn.close()
    return rev, products, orders


def _run(
    data_dir: Path, wait_s: float | None, pause_at: str | None = None
) -> tuple[list[str], float]:
    """Start the child; kill it ``wait_s`` after READY (None: let it finish). Lines and time.

    With ``pause_at``, kill it as soon as it says it paused at that revision's stamp.
    """
    env = os.environ | ({"KIOSK_R3_PAUSE_AT": pause_at} if pause_at else {})
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.migrate_child", str(data_dir)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()
    started = time.monotonic()
    assert first == "READY\n", proc.stderr.read()
    if pause_at is not None:
        seen = [proc.stdout.readline().strip() for _ in range(2)]
        assert seen == ["MIGRATING", "PAUSED"], seen
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    elif wait_s is None:
        assert proc.wait(timeout=60) == 0, proc.stderr.read()
    else:
        try:
            proc.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=60)
    took = time.monotonic() - started
    lines = [first.strip(), *proc.stdout.read().split()]
    err = proc.stderr.read()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    assert "Traceback" not in err, err
    return lines, took


def test_migration_killed_at_random_points(tmp_path: Path) -> None:
    template = tmp_path / "template"
    n_products, n_orders = _template(template)
    head = migrate.head_revision()

    # One undisturbed run tells how long backup + migration take on this machine.
    calib = tmp_path / "calibrate"
    shutil.copytree(template, calib)
    lines, whole = _run(calib, None)
    assert lines[-1] == "DONE" and _state(calib / "kiosk.db")[0] == head

    rng = random.Random(int(os.environ.get("KIOSK_R3_SEED", "20261127")))
    outcomes = {OLD: 0, head: 0}
    started_runs = 0
    for i in range(KILLS):
        data_dir = tmp_path / f"run{i}"
        shutil.copytree(template, data_dir)
        lines, _ = _run(data_dir, rng.uniform(0, whole * 1.2))
        db = data_dir / "kiosk.db"
        rev, products, orders = _state(db)
        assert rev in outcomes, f"run {i}: stopped in between, at revision {rev}"
        outcomes[rev] += 1
        assert integrity_check(db) == "ok", f"run {i}"
        assert (products, orders) == (n_products, n_orders), f"run {i}: data changed"
        backups = list((data_dir / "backups").glob("kiosk-before-*.db"))
        if "MIGRATING" in lines or rev == head:
            started_runs += 1
            assert backups, f"run {i}: the migration started without a backup"
            assert integrity_check(backups[0]) == "ok"
            assert _state(backups[0]) == (OLD, n_products, n_orders)
        # The next start finishes the job.
        with KioskStore.open(data_dir) as store:
            assert store.schema_revision() == head
        shutil.rmtree(data_dir)
    print(
        f"migration kill: {KILLS} kills, outcomes {outcomes}, migration started in {started_runs}"
    )
    # Kills must land on both sides, or the test is not testing the window.
    assert outcomes[OLD] >= 1 and outcomes[head] + started_runs >= 1


def test_migration_killed_between_revisions(tmp_path: Path) -> None:
    """Killed right when a later revision's stamp is written: earlier revisions must not stick.

    Random kills mostly land in the long search-index step; this aims at the seams. With
    Alembic's default of one commit per revision on SQLite, this ends at a revision in between.
    """
    template = tmp_path / "template"
    n_products, n_orders = _template(template)
    head = migrate.head_revision()
    later = [
        s.revision
        for s in ScriptDirectory.from_config(migrate.alembic_config()).walk_revisions()
        if s.down_revision not in (None, OLD)
    ]
    assert later, "needs at least three revisions"
    for rev in later:
        data_dir = tmp_path / f"at{rev}"
        shutil.copytree(template, data_dir)
        _run(data_dir, None, pause_at=rev)
        db = data_dir / "kiosk.db"
        assert _state(db) == (OLD, n_products, n_orders), f"killed at {rev}: not rolled back"
        assert integrity_check(db) == "ok"
        with KioskStore.open(data_dir) as store:
            assert store.schema_revision() == head

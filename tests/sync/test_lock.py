"""The single-sender lock: exclusive across processes and threads, released when a holder dies."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from kiosk.sync.lock import SyncLock
from tests.conftest import REPO_ROOT

HOLDER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from kiosk.sync.lock import SyncLock
    lock = SyncLock.for_data_dir(Path(sys.argv[1]))
    print("LOCKED" if lock.try_acquire() else "BUSY", flush=True)
    sys.stdin.read()  # hold it until killed
    """
)


def test_two_lock_objects_exclude_each_other_in_one_process(tmp_path: Path) -> None:
    a, b = SyncLock.for_data_dir(tmp_path), SyncLock.for_data_dir(tmp_path)
    assert a.try_acquire()
    assert not b.try_acquire()
    a.release()
    assert b.try_acquire()
    b.release()


@pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL (POSIX only)")
def test_a_killed_holder_does_not_leave_the_lock_held(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path)],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "LOCKED"
        mine = SyncLock.for_data_dir(tmp_path)
        assert not mine.try_acquire()  # held by the other process
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        assert mine.try_acquire()  # the OS released it with the dead process
        mine.release()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)

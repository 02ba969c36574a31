"""``make soak``: the model-based convergence test (tests/sync/test_convergence_model.py) for a
long run, in parallel jobs (docs/testing.md, "The soak").

Usage::

    python -m tests.helpers.soak          # what `make soak` runs

Settings (environment): ``KIOSK_SOAK_HISTORIES`` (default 10,000, split between the jobs),
``SOAK_JOBS`` (default 2), ``SOAK_SEED`` (first seed; default: drawn at random and printed so a
run can be repeated), ``SOAK_BACKEND`` (``sqlite``, the default, or ``postgresql``, which needs
``KIOSK_TEST_PG_URL``), ``SOAK_DIR`` (the folder for the jobs' stores and centrals; default a
fresh folder in ``/dev/shm`` when there is one, see docs/testing.md).

Each job is one pytest process with its own central, its own fault proxy and a range of seeds no
other job uses (job ``j`` seeds its ``k``-th hypothesis run ``SOAK_SEED + j * 1,000,000 + k``).
Each job's output is printed with a ``[job j]`` prefix as it comes. At the end (or on Ctrl-C /
SIGTERM, which stop the jobs) it prints the number of histories that ran and were checked, summed
from what each job counted inside the state machine (not the number asked for), the time, the load
average, and the failure report of every failed job: hypothesis prints the steps of the failing
history there. Exit status 1 when a job failed.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO

REPO_ROOT = Path(__file__).resolve().parents[2]
TEST = "tests/sync/test_convergence_model.py"
SEEDS_PER_JOB = 1_000_000


@dataclass
class Job:
    index: int
    histories: int
    seed: int
    folder: Path
    proc: subprocess.Popen[str] | None = None
    lines: list[str] = field(default_factory=list)

    @property
    def result_path(self) -> Path:
        return self.folder / "result.json"

    def result(self) -> dict[str, object]:
        try:
            return dict(json.loads(self.result_path.read_text()))
        except (OSError, ValueError):
            return {}


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def split(total: int, jobs: int) -> list[int]:
    """``total`` histories shared between ``jobs`` as evenly as whole numbers allow."""
    return [total // jobs + (1 if j < total % jobs else 0) for j in range(jobs)]


def _pump(job: Job, stream: IO[str]) -> None:
    for line in stream:
        job.lines.append(line)
        sys.stdout.write(f"[job {job.index}] {line}")
        sys.stdout.flush()


def _start(job: Job, backend: str) -> threading.Thread:
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONUNBUFFERED": "1",
        "KIOSK_SOAK_HISTORIES": str(job.histories),
        "KIOSK_SOAK_SEED": str(job.seed),
        "KIOSK_SOAK_RESULT": str(job.result_path),
    }
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-s",
        "--timeout=0",
        "-p",
        "no:cacheprovider",
        f"--basetemp={job.folder / 'tmp'}",
        TEST,
        "-k",
        backend,
    ]
    job.proc = subprocess.Popen(
        cmd,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # Its own process group: Ctrl-C reaches the jobs through this runner only.
        start_new_session=True,
    )
    assert job.proc.stdout is not None
    pump = threading.Thread(target=_pump, args=(job, job.proc.stdout), daemon=True)
    pump.start()
    return pump


def _failure_report(job: Job) -> str:
    """The part of a failed job's output from pytest's FAILURES section on (the steps of the
    failing history), or its last lines when there is none."""
    for i, line in enumerate(job.lines):
        if "= FAILURES =" in line or "= ERRORS =" in line:
            return "".join(job.lines[i:])
    return "".join(job.lines[-60:])


def main() -> int:
    total = int(os.environ.get("KIOSK_SOAK_HISTORIES", "10000"))
    jobs = int(os.environ.get("SOAK_JOBS", "2"))
    backend = os.environ.get("SOAK_BACKEND", "sqlite")
    if backend not in ("sqlite", "postgresql"):
        print(f"SOAK_BACKEND must be sqlite or postgresql, not {backend!r}", file=sys.stderr)
        return 2
    if total < 1 or jobs < 1:
        print("KIOSK_SOAK_HISTORIES and SOAK_JOBS must be at least 1", file=sys.stderr)
        return 2
    first_seed = int(os.environ.get("SOAK_SEED") or random.randrange(10**9))
    shm = Path("/dev/shm")
    parent = os.environ.get("SOAK_DIR") or (str(shm) if shm.is_dir() else None)
    root = Path(tempfile.mkdtemp(prefix="kiosk-soak-", dir=parent))
    plan = [
        Job(j, n, first_seed + j * SEEDS_PER_JOB, root / f"job{j}")
        for j, n in enumerate(split(total, jobs))
        if n
    ]
    print(
        f"soak: {total} histories ({backend}) in {len(plan)} jobs, seed {first_seed}, "
        f"folder {root}, load {_load()}",
        flush=True,
    )
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()
        for job in plan:
            if job.proc is not None and job.proc.poll() is None:
                os.killpg(job.proc.pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    began = time.monotonic()
    pumps = []
    for job in plan:
        job.folder.mkdir(parents=True)
        pumps.append(_start(job, backend))
    codes = []
    for job, pump in zip(plan, pumps, strict=True):
        assert job.proc is not None
        codes.append(job.proc.wait())
        pump.join()
    seconds = time.monotonic() - began
    checked = started = flaky = 0
    for job in plan:
        r = job.result()
        checked += int(str(r.get("checked", 0)))
        started += int(str(r.get("started", 0)))
        flaky += int(str(r.get("flaky_runs", 0)))
    # A job this runner stopped (SIGTERM) did not fail: its count is in its result file.
    failed = [
        job
        for job, code in zip(plan, codes, strict=True)
        if code != 0 and not (stopping.is_set() and code == -signal.SIGTERM)
    ]
    for job in failed:
        print(f"\n===== job {job.index} failed (seed range from {job.seed}) =====")
        print(_failure_report(job), end="")
    outcome = (
        "stopped early"
        if stopping.is_set()
        else "FAILED (counterexample above)"
        if failed
        else "no divergence"
    )
    print(
        f"\nsoak result: {checked} histories checked ({started} started) of {total} asked, "
        f"{len(plan)} jobs, {seconds:.0f} s ({seconds / max(checked, 1):.2f} s a history), "
        f"load {_load()}; {flaky} runs stopped by hypothesis as inconsistent: {outcome}",
        flush=True,
    )
    if not failed:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed or stopping.is_set() else 0


if __name__ == "__main__":
    sys.exit(main())

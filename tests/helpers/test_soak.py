"""The soak runner's bookkeeping (tests/helpers/soak.py); the soak itself is `make soak`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers.soak import SEEDS_PER_JOB, Job, _failure_report, split


@pytest.mark.parametrize(("total", "jobs"), [(10_000, 2), (7, 3), (1, 2), (5, 5)])
def test_split_shares_every_history_once(total: int, jobs: int) -> None:
    shares = split(total, jobs)
    assert sum(shares) == total
    assert len(shares) == jobs
    assert max(shares) - min(shares) <= 1


def test_a_job_counts_what_its_result_file_says(tmp_path: Path) -> None:
    job = Job(0, 100, 5, tmp_path)
    assert job.result() == {}  # no file yet (a job killed before its first history)
    job.result_path.write_text(json.dumps({"started": 41, "checked": 40}))
    assert job.result() == {"started": 41, "checked": 40}
    job.result_path.write_text("{half a fi")
    assert job.result() == {}


def test_the_seed_ranges_of_jobs_do_not_meet() -> None:
    # Job j's k-th hypothesis run is seeded first + j * SEEDS_PER_JOB + k: 10,000 histories in
    # runs of 250 use 40 seeds per job, far below the gap.
    from tests.sync.test_convergence_model import SOAK_CHUNK

    assert 10_000 // SOAK_CHUNK < SEEDS_PER_JOB


def test_the_failure_report_starts_at_pytests_failures_section() -> None:
    job = Job(1, 10, 0, Path("."))
    job.lines = [
        "soak (sqlite): 25 histories checked\n",
        "=================== FAILURES ===================\n",
        "state = ConvergenceRun()\n",
        "state.place(pc=0, qty=1, sku='P00000')\n",
    ]
    report = _failure_report(job)
    assert report.startswith("=================== FAILURES")
    assert "state.place(pc=0" in report
    assert "25 histories" not in report
    job.lines = [f"line {i}\n" for i in range(100)]
    assert _failure_report(job).startswith("line 40\n")

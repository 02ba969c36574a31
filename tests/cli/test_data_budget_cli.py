"""``kiosk tech data-budget`` and the data lines of ``kiosk status`` (docs/cli.md)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.storage.data_usage import add_usage, data_usage
from kiosk.storage.store import KioskStore


def _today() -> date:
    return datetime.now(UTC).astimezone().date()


def test_the_budget_is_set_and_status_shows_bytes_today_and_this_month(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with KioskStore.open(tmp_path) as store:
        add_usage(store, _today(), 1_500_000)
    assert main(["--data-dir", str(tmp_path), "tech", "data-budget", "5", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"daily_budget_bytes": 5_000_000}
    assert main(["--data-dir", str(tmp_path), "status", "--json"]) == 0
    st = json.loads(capsys.readouterr().out)
    assert st["data_today_bytes"] == st["data_month_bytes"] == 1_500_000
    assert st["data_daily_budget_bytes"] == 5_000_000
    assert main(["--data-dir", str(tmp_path), "status"]) == 0
    out = capsys.readouterr().out
    assert "Data used: today 1.50 MB, this month 1.50 MB; budget: 5.00 MB a day" in out


@pytest.mark.parametrize("bad", ["-1", "nan", "inf", "2000000"])
def test_a_bad_budget_is_refused_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str
) -> None:
    assert main(["--data-dir", str(tmp_path), "tech", "data-budget", "3"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", str(tmp_path), "tech", "data-budget", bad]) != 0
    err = capsys.readouterr().err
    assert "daily data budget" in err and "Traceback" not in err
    with KioskStore.open(tmp_path) as store:
        assert data_usage(store, _today()).daily_budget_bytes == 3_000_000

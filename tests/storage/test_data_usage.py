"""Bytes per day and month and the daily budget (kiosk/storage/data_usage.py), on a real store."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.errors import InvalidInput
from kiosk.storage.data_usage import add_usage, data_usage, set_daily_budget
from kiosk.storage.settings import DATA_DAY_BYTES
from kiosk.storage.store import KioskStore


def test_days_and_months_roll_over_and_the_budget_is_reached(tmp_path: Path) -> None:
    with KioskStore.open(tmp_path) as store:
        add_usage(store, date(2026, 3, 31), 700)
        assert add_usage(store, date(2026, 3, 31), 300).today_bytes == 1000
        after = add_usage(store, date(2026, 4, 1), 50)  # a new day and a new month
        assert (after.today_bytes, after.month_bytes) == (50, 50)
        add_usage(store, date(2026, 4, 2), 25)
        usage = data_usage(store, date(2026, 4, 2))
        assert (usage.today_bytes, usage.month_bytes, usage.over_budget) == (25, 75, False)
        set_daily_budget(store, 25, "technician")
        assert data_usage(store, date(2026, 4, 2)).over_budget
        assert not data_usage(store, date(2026, 4, 3)).over_budget  # tomorrow: whole again
        assert add_usage(store, date(2026, 4, 2), 0).today_bytes == 25


def test_an_unreadable_total_counts_as_zero(tmp_path: Path) -> None:
    with KioskStore.open(tmp_path) as store:
        add_usage(store, date(2026, 3, 31), 10)
        with store.write() as s:
            KioskStore.set_setting(s, DATA_DAY_BYTES, "lots")
        assert data_usage(store, date(2026, 3, 31)).today_bytes == 0
        assert add_usage(store, date(2026, 3, 31), 5).today_bytes == 5


@pytest.mark.parametrize("bad", [-1, True, 1.5, 1 << 41])
def test_a_bad_budget_is_refused(tmp_path: Path, bad: object) -> None:
    with KioskStore.open(tmp_path) as store:
        with pytest.raises(InvalidInput):
            set_daily_budget(store, bad, "technician")  # type: ignore[arg-type]
        assert data_usage(store, date(2026, 1, 1)).daily_budget_bytes == 0

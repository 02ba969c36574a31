"""The technician's Checks tab in zh_CN: doctor's verdicts as codes, said in Chinese.

``kiosk doctor`` at the terminal keeps its English sentences (tests/cli/test_maintenance_cli.py);
the screen says each verdict's code and params through the translation catalog.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest

from kiosk.admin import Role
from kiosk.storage.backup import backup_database
from kiosk.storage.doctor import ENGLISH, run_doctor
from kiosk.storage.store import BACKUP_DIRNAME, KioskStore
from kiosk.ui.admin.check_words import known_codes
from tests.ui.admin.conftest import unlock
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

HAN = re.compile(r"[\u4e00-\u9fff]")
ASCII_LETTER = re.compile(r"[A-Za-z]")
#: Technical names a technician reads as they are, in any language.
TECHNICAL = ("WAL", "FULL", "KB", "MB", "GB", "Python", "SQLite")


@pytest.fixture
def zh_window(admin_window: Any) -> Iterator[Any]:
    from kiosk.ui.app import make_app

    try:
        yield admin_window(lang="zh_CN")
    finally:
        make_app(lang="en")


def test_every_doctor_code_has_chinese_words() -> None:
    assert known_codes() == set(ENGLISH)


def test_doctor_json_carries_codes_and_params(admin_store: KioskStore) -> None:
    report = run_doctor(admin_store.data_dir).to_json()
    checks = json.loads(json.dumps(report))["checks"]
    assert checks and all(c["code"] in ENGLISH for c in checks), checks
    by_name = {c["name"]: c for c in checks}
    assert by_name["orders"]["params"]["count"] == sum(
        by_name["orders"]["params"]["statuses"].values()
    )
    assert by_name["backup"]["code"] == "backup_none" and by_name["backup"]["ok"] is False


def test_the_checks_tab_is_chinese(qtbot: Any, zh_window: Any, enrolled_store: KioskStore) -> None:
    backup_database(enrolled_store.path, enrolled_store.data_dir / BACKUP_DIRNAME / "t.db")
    window = zh_window
    unlock(qtbot, window, Role.TECHNICIAN)
    tech = window.admin.technician
    qtbot.waitUntil(lambda: tech.checks_tab.report is not None, timeout=20_000)
    qtbot.waitUntil(
        lambda: tech.checks_tab.checks_table.rowCount() == len(tech.checks_tab.report.checks),
        timeout=5_000,
    )
    table = tech.checks_tab.checks_table
    heading = table.horizontalHeaderItem(2).text()
    assert HAN.search(heading) and not ASCII_LETTER.search(heading), heading
    codes = set()
    for i, check in enumerate(tech.checks_tab.report.checks):
        codes.add(check.code)
        shown = table.item(i, 2).text()
        rest = shown
        values = [str(v) for v in check.params.values() if isinstance(v, str)]
        for allowed in sorted([*values, *TECHNICAL], key=len, reverse=True):
            rest = rest.replace(allowed, "")
        assert HAN.search(shown) and not ASCII_LETTER.search(rest), (check.code, shown)
        for column in (0, 1):
            cell = table.item(i, column).text()
            assert HAN.search(cell) and not ASCII_LETTER.search(cell), cell
    # The enrolled kiosk's own checks are among them, each said in its own words.
    assert {"enrolled", "never_synced", "queue", "set_aside", "backup", "orders"} <= codes
    assert "kiosk doctor" not in " ".join(table.item(i, 2).text() for i in range(table.rowCount()))


def test_a_check_on_a_damaged_file_is_chinese_too(zh_window: Any, tmp_path: Any) -> None:
    """The verdicts of a data folder whose database file is not a database."""
    from kiosk.ui.admin.check_words import check_detail_words

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "kiosk.db").write_bytes(b"not a database" * 100)
    report = run_doctor(broken)
    said = {c.code: check_detail_words(c) for c in report.checks}
    assert "db_unreadable" in said and "not_checked" in said, said
    for c in report.checks:
        text = rest = check_detail_words(c)
        values = [str(v) for v in c.params.values() if isinstance(v, str)]
        for allowed in sorted([*values, *TECHNICAL], key=len, reverse=True):
            rest = rest.replace(allowed, "")
        assert HAN.search(text) and not ASCII_LETTER.search(rest), (c.code, text)

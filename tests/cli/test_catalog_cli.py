"""`kiosk catalog import` and `kiosk catalog search`, through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.cli import main
from kiosk.synthetic import generate_catalog, write_catalog_jsonl
from tests.conftest import REPO_ROOT


def run(capsys: pytest.CaptureFixture[str], data_dir: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(data_dir), *args])
    out, err = capsys.readouterr()
    return code, out, err


def write_lines(path: Path, rows: list[dict[str, Any] | str]) -> Path:
    path.write_text(
        "\n".join(r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in rows),
        encoding="utf-8",
    )
    return path


ROWS: list[dict[str, Any] | str] = [
    {"sku": "DQ-4", "name": "洗衣机", "category": "家用电器", "price_fen": 89900, "unit": "台"},
    {
        "sku": "DQ-1",
        "name": "海尔滚筒洗衣机",
        "category": "家用电器",
        "price_fen": 199900,
        "unit": "台",
    },
    {"sku": "LY-1", "name": "五常大米", "category": "粮油食品", "price_fen": 1250, "unit": "袋"},
]


def test_import_json_summary_then_unchanged(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    path = write_lines(tmp_path / "c.jsonl", ROWS)
    code, out, _ = run(capsys, data_dir, "catalog", "import", str(path), "--json")
    assert code == 0
    assert json.loads(out) == {"created": 3, "updated": 0, "unchanged": 0, "images_copied": 0}
    code, out, _ = run(capsys, data_dir, "catalog", "import", str(path), "--json")
    assert json.loads(out) == {"created": 0, "updated": 0, "unchanged": 3, "images_copied": 0}
    code, out, _ = run(capsys, data_dir, "catalog", "import", str(path))
    assert code == 0 and "0 new, 0 updated, 3 unchanged" in out


def test_search_json_best_first_and_human_output(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    run(capsys, data_dir, "catalog", "import", str(write_lines(tmp_path / "c.jsonl", ROWS)))
    code, out, _ = run(capsys, data_dir, "catalog", "search", "xyj", "--json")
    assert code == 0
    hits = json.loads(out)
    assert [h["sku"] for h in hits] == ["DQ-4", "DQ-1"]  # exact whole-name initials first
    assert hits[0]["name"] == "洗衣机" and hits[0]["price_fen"] == 89900
    code, out, _ = run(capsys, data_dir, "catalog", "search", "xyj", "--limit", "1", "--json")
    assert [h["sku"] for h in json.loads(out)] == ["DQ-4"]
    code, out, _ = run(capsys, data_dir, "catalog", "search", "大米")
    assert code == 0 and "¥12.50/袋" in out and "五常大米" in out
    code, out, err = run(capsys, data_dir, "catalog", "search", '"*NEAR(')
    assert code == 0 and out == "" and "nothing found" in err
    code, out, _ = run(capsys, data_dir, "catalog", "search", "米", "--json")
    assert json.loads(out)[0]["sku"] == "LY-1"


def test_bad_file_one_line_error_nonzero_nothing_imported(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    bad = [*ROWS, {"sku": "X-1", "name": "坏", "category": "x", "price_fen": -5, "unit": "个"}]
    code, out, err = run(
        capsys, data_dir, "catalog", "import", str(write_lines(tmp_path / "c.jsonl", bad))
    )
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("kiosk: catalog file not imported")
    assert "line 4: price_fen" in err
    code, out, _ = run(capsys, data_dir, "catalog", "search", "洗衣机", "--json")
    assert code == 0 and json.loads(out) == []


def test_missing_file_does_not_create_a_data_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    data_dir = tmp_path / "never-created"
    code, _, err = run(capsys, data_dir, "catalog", "import", str(tmp_path / "nope.jsonl"))
    assert code == 2 and "catalog file not found" in err
    assert not data_dir.exists()


def test_missing_image_is_reported(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    rows: list[dict[str, Any] | str] = [{**ROWS[0], "image": "images/x.png"}]
    code, _, err = run(
        capsys, data_dir, "catalog", "import", str(write_lines(tmp_path / "c.jsonl", rows))
    )
    assert code == 2 and "line 1: image not found: images/x.png" in err


@pytest.mark.parametrize("limit", ["0", "abc", "100000"])
def test_bad_limit_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], data_dir: Path, limit: str
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--data-dir", str(data_dir), "catalog", "search", "米", "--limit", limit])
    assert exc.value.code == 2
    assert "--limit" in capsys.readouterr().err


def test_python_dash_m_kiosk_end_to_end(tmp_path: Path) -> None:
    catalog = tmp_path / "c.jsonl"
    write_catalog_jsonl(generate_catalog(200, seed=2), catalog)
    data_dir = tmp_path / "data"

    def kiosk(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), *args],
            cwd=REPO_ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )

    imported = kiosk("catalog", "import", str(catalog), "--json")
    assert imported.returncode == 0, imported.stderr
    assert json.loads(imported.stdout)["created"] == 200
    found = kiosk("catalog", "search", "LY-000011", "--json")
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)[0]["sku"] == "LY-000011"


def test_an_image_from_outside_the_stick_is_one_line_and_exit_2(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    (tmp_path / "secret").mkdir()
    (tmp_path / "secret" / "x.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"private" * 5)
    (tmp_path / "usb").mkdir()
    row = {**ROWS[2], "image": "../secret/x.png"}
    path = write_lines(tmp_path / "usb" / "c.jsonl", [ROWS[0], row])
    code, out, err = run(capsys, data_dir, "catalog", "import", str(path))
    assert code == 2 and out == ""
    assert err == (
        "kiosk: catalog file not imported, nothing changed: line 2: image path must not leave "
        "the catalog folder ('..'): ../secret/x.png\n"
    )
    code, out, _ = run(capsys, data_dir, "catalog", "search", "大米", "--json")
    assert code == 0 and json.loads(out) == []


def test_an_import_on_a_synced_kiosk_says_the_next_sync_fetches_the_catalog_again(
    capsys: pytest.CaptureFixture[str], data_dir: Path, tmp_path: Path
) -> None:
    from kiosk.storage.settings import CATALOG_CURSOR
    from kiosk.storage.store import KioskStore

    path = write_lines(tmp_path / "c.jsonl", ROWS)
    assert run(capsys, data_dir, "catalog", "import", str(path))[0] == 0
    store = KioskStore.open(data_dir)
    with store.write() as s:
        KioskStore.set_setting(s, CATALOG_CURSOR, "1041")  # as after a sync
    store.close()
    code, out, _ = run(capsys, data_dir, "catalog", "import", str(path))
    assert code == 0 and "fetches the platform's whole catalog again" not in out
    changed = write_lines(tmp_path / "d.jsonl", [{**ROWS[2], "price_fen": 1300}])
    code, out, _ = run(capsys, data_dir, "catalog", "import", str(changed))
    assert code == 0 and out.splitlines()[1] == (
        "the next sync fetches the platform's whole catalog again to replace what this file changed"
    )

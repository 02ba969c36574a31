"""The project stands alone: its code and docs cite its own files, and the reliability page names
tests that exist."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import REPO_ROOT

#: References to things outside the repository: issue numbers, numbered promises and recipes, and
#: the shared notes the project was started from.
OUTSIDE = re.compile(
    r"(?i:\bissue #?\d|\bpromises? \d|\brecipes? R\d)"
    r"|\bR\d{1,2}\b(?!-)"
    r"|\.\./shared|RELIABILITY\.md|FIELD\.md|STYLE\.md"
)
SCANNED = ("kiosk", "central", "tests", "docs", "benchmarks", "scripts", "installers")
SUFFIXES = {".py", ".md", ".spec", ".sh", ".toml"}


def _project_text_files() -> list[Path]:
    files = [REPO_ROOT / "README.md", REPO_ROOT / "Makefile", REPO_ROOT / "pyproject.toml"]
    for top in SCANNED:
        files += [p for p in (REPO_ROOT / top).rglob("*") if p.suffix in SUFFIXES and p.is_file()]
    return files


def test_code_and_docs_cite_only_the_project() -> None:
    found = []
    for path in _project_text_files():
        if path == REPO_ROOT / "tests" / "test_docs_stand_alone.py":
            continue
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(REPO_ROOT)}:{no}: {line.strip()}")
    assert found == [], "\n".join(found)


def test_the_pattern_catches_outside_references() -> None:
    """The check above must be able to fail."""
    for text in (
        "see issue 5",
        "Issue #4",
        "Promise 7",
        "recipe R5",
        "(R11)",
        "../shared/x",
        "FIELD.md",
    ):
        assert OUTSIDE.search(text), text
    for text in ("issued a code", "KIOSK_R1_KILLS", "R2-0001", "docs/reliability.md"):
        assert not OUTSIDE.search(text), text


def test_every_test_the_reliability_page_names_exists() -> None:
    page = (REPO_ROOT / "docs" / "reliability.md").read_text(encoding="utf-8")
    named = sorted(set(re.findall(r"`(tests/[\w/.-]+\.py)`", page)))
    assert len(named) >= 20
    missing = [p for p in named if not (REPO_ROOT / p).is_file()]
    assert missing == []


#: Folders whose every module docs/architecture.md names in one of its layout tables.
MAPPED_FOLDERS = ("central", "kiosk/storage", "kiosk/ui/admin/tech")


def _architecture_gaps(doc: str) -> list[str]:
    gaps = [
        f"kiosk/{d.name}/"
        for d in sorted((REPO_ROOT / "kiosk").iterdir())
        if d.is_dir() and (d / "__init__.py").is_file() and f"`kiosk/{d.name}/`" not in doc
    ]
    for folder in MAPPED_FOLDERS:
        for module in sorted((REPO_ROOT / folder).glob("*.py")):
            if module.name != "__init__.py" and f"{module.name}`" not in doc:
                gaps.append(f"{folder}/{module.name}")
    return gaps


def test_the_architecture_tables_match_the_tree() -> None:
    doc = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert _architecture_gaps(doc) == [], "docs/architecture.md does not name these"


def test_the_architecture_check_sees_a_missing_module() -> None:
    doc = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    assert "central/feed.py" in _architecture_gaps(doc.replace("feed.py`", "gone`"))
    assert "kiosk/sync/" in _architecture_gaps(doc.replace("`kiosk/sync/`", "`elsewhere`"))

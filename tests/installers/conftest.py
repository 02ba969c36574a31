"""Fixtures for the installer tests: one bundle and two packages per session, built for real.

The tests marked ``installers`` build a ~200 MB PyInstaller bundle and two .deb files (about three
minutes on two cores), so they run through ``make test-installers`` (``pytest -m installers``),
not in the everyday ``make test``: unless ``-m installers`` selects them (or
``KIOSK_INSTALLER_TESTS=1``), they are skipped with that reason. Set ``KIOSK_TEST_BUNDLE`` to a
built ``dist/village-kiosk`` folder to reuse it while iterating.

Measurements (sizes, build and start-up times) are collected in :data:`METRICS` and printed at
the end of the run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
PYTHON = Path(sys.executable)
SPEC = REPO_ROOT / "installers" / "kiosk.spec"
BUILD_DEB = REPO_ROOT / "scripts" / "build_deb.py"
APP = "village-kiosk"

#: Name -> measured value, printed in the terminal summary.
METRICS: dict[str, str] = {}

_SELFTEST_SHOWN = re.compile(r"^KIOSK_SELFTEST shown_ms=(\d+) shown_at=([\d.]+)$", re.MULTILINE)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "installers: builds and runs the real bundle/packages")


def _installers_selected(config: pytest.Config) -> bool:
    markexpr = str(config.getoption("markexpr", "") or "")
    wanted = re.search(r"(?<!not )\binstallers\b", markexpr) is not None
    return wanted or os.environ.get("KIOSK_INSTALLER_TESTS") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _installers_selected(config):
        return
    skip = pytest.mark.skip(
        reason="installer tests build a 200 MB bundle: run `make test-installers` "
        "(pytest -m installers)"
    )
    for item in items:
        if item.get_closest_marker("installers") is not None:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if METRICS:
        terminalreporter.section("installer measurements")
        for name, value in METRICS.items():
            terminalreporter.write_line(f"{name}: {value}")


def clean_env(home: Path, data_dir: Path, **extra: str) -> dict[str, str]:
    """A bare environment like a fresh login: no Python, no .venv, no PYTHONPATH.

    ``LANG`` is set because display managers set one; Qt warns on a bare C locale.
    """
    env = {
        "HOME": str(home),
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "KIOSK_DATA_DIR": str(data_dir),
    }
    env.update(extra)
    return env


def run_app(
    exe: Path, *args: str, env: dict[str, str], timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run the bundled program to completion from a neutral working directory."""
    return subprocess.run(
        [str(exe), *args],
        env=env,
        cwd=env["HOME"],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_gui_selftest(
    exe: Path, shot: Path, env: dict[str, str], quit_after_s: float = 1.0
) -> tuple[subprocess.CompletedProcess[str], float]:
    """Start the GUI offscreen with the launcher's self-test hook; wait for it to quit.

    Returns the finished process and the seconds from launch until the kiosk window was shown.
    """
    gui_env = dict(
        env,
        QT_QPA_PLATFORM="offscreen",
        KIOSK_SELFTEST_SCREENSHOT=str(shot),
        KIOSK_SELFTEST_QUIT_AFTER=str(quit_after_s),
    )
    launched = time.time()
    done = run_app(exe, "gui", env=gui_env, timeout=120)
    match = _SELFTEST_SHOWN.search(done.stdout)
    assert match is not None, f"no window shown:\n{done.stdout}\n{done.stderr}"
    return done, float(match.group(2)) - launched


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The one-folder app built from this checkout (or ``$KIOSK_TEST_BUNDLE``)."""
    given = os.environ.get("KIOSK_TEST_BUNDLE")
    if given:
        path = Path(given).resolve()
        assert (path / APP).is_file(), f"KIOSK_TEST_BUNDLE={given} has no {APP} executable"
        return path
    work = tmp_path_factory.mktemp("pyinstaller")
    started = time.monotonic()
    done = subprocess.run(
        [
            str(PYTHON),
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(work / "dist"),
            "--workpath",
            str(work / "build"),
            str(SPEC),
        ],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"PyInstaller failed:\n{done.stderr[-4000:]}"
    METRICS["bundle build time"] = f"{time.monotonic() - started:.0f} s"
    return work / "dist" / APP


def build_package(bundle: Path, out: Path, version: str, compression: str) -> Path:
    """Run scripts/build_deb.py as `make deb` does; returns the .deb path."""
    done = subprocess.run(
        [
            str(PYTHON),
            str(BUILD_DEB),
            "--bundle",
            str(bundle),
            "--out",
            str(out),
            "--version",
            version,
            "--compression",
            compression,
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"build_deb failed:\n{done.stderr}"
    debs = sorted(out.glob(f"{APP}_{version}_*.deb"))
    assert len(debs) == 1, f"expected one package in {out}: {debs}"
    return debs[0]


@pytest.fixture(scope="session")
def deb_v1(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The package as `make deb` ships it (xz), at a first version."""
    started = time.monotonic()
    deb = build_package(bundle, tmp_path_factory.mktemp("deb-v1"), "0.1.0+t1", "xz")
    METRICS["deb build time (xz)"] = f"{time.monotonic() - started:.0f} s"
    return deb


@pytest.fixture(scope="session")
def deb_v2(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A later version of the same package (zstd: only the upgrade path is under test)."""
    return build_package(bundle, tmp_path_factory.mktemp("deb-v2"), "0.1.0+t2", "zstd")

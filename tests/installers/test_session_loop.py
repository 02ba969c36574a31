"""The session loop that keeps the kiosk on screen (installers/linux/village-kiosk-session).

A fake kiosk (a shell script that records each start and exits with a chosen code) stands in for
the real one; back-off waits are set to zero so the loop's logic is tested, not the clock. These
tests are quick and run in the everyday suite.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests.installers.conftest import REPO_ROOT

LINUX = REPO_ROOT / "installers" / "linux"
SESSION = LINUX / "village-kiosk-session"
MAINTAINER_SCRIPTS = [LINUX / s for s in ("postinst", "prerm", "postrm")]


def _fake_kiosk(tmp_path: Path, body: str) -> Path:
    fake = tmp_path / "fake-kiosk"
    fake.write_text(f'#!/bin/sh\necho "$@" >>"{tmp_path}/starts"\n{body}\n', encoding="utf-8")
    fake.chmod(0o755)
    return fake


def _run_session(tmp_path: Path, fake: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "KIOSK_SESSION_BIN": str(fake),
        "KIOSK_SESSION_BACKOFF": "0",
        "KIOSK_SESSION_MIN_UPTIME": "30",
        "KIOSK_SESSION_MAX_QUICK": "4",
        **extra,
    }
    return subprocess.run(
        ["/bin/sh", str(SESSION)], env=env, capture_output=True, text=True, timeout=60
    )


def _starts(tmp_path: Path) -> list[str]:
    return (tmp_path / "starts").read_text(encoding="utf-8").splitlines()


def test_gives_up_after_repeated_quick_crashes(tmp_path: Path) -> None:
    done = _run_session(tmp_path, _fake_kiosk(tmp_path, "exit 3"))
    assert done.returncode == 1
    assert _starts(tmp_path) == ["gui"] * 4
    log = (tmp_path / ".local/state/village-kiosk/session.log").read_text(encoding="utf-8")
    assert "giving up" in log and "last exit code 3" in log


def test_restarts_after_exit_until_stop_file(tmp_path: Path) -> None:
    stop = tmp_path / "stop"
    # The third run asks to stop (as a technician would): the loop must not start a fourth.
    body = f'[ "$(wc -l <"{tmp_path}/starts")" -ge 3 ] && touch "{stop}"\nexit 0'
    done = _run_session(tmp_path, _fake_kiosk(tmp_path, body), KIOSK_SESSION_STOP_FILE=str(stop))
    assert done.returncode == 0, done.stderr
    assert len(_starts(tmp_path)) == 3
    assert not stop.exists(), "the stop file is used once"


def test_long_runs_reset_the_crash_count(tmp_path: Path) -> None:
    # With MIN_UPTIME=0 every run counts as long: 6 crashes never reach MAX_QUICK=4.
    stop = tmp_path / "stop"
    body = f'[ "$(wc -l <"{tmp_path}/starts")" -ge 6 ] && touch "{stop}"\nexit 1'
    done = _run_session(
        tmp_path,
        _fake_kiosk(tmp_path, body),
        KIOSK_SESSION_MIN_UPTIME="0",
        KIOSK_SESSION_STOP_FILE=str(stop),
    )
    assert done.returncode == 0, done.stderr
    assert len(_starts(tmp_path)) == 6


def test_maintainer_scripts_parse_and_purge_keeps_data(tmp_path: Path) -> None:
    for script in [SESSION, *MAINTAINER_SCRIPTS]:
        assert os.access(script, os.X_OK), f"{script.name} is not executable"
        syntax = subprocess.run(["/bin/sh", "-n", str(script)], capture_output=True, text=True)
        assert syntax.returncode == 0, f"{script.name}: {syntax.stderr}"
    data = tmp_path / ".local/share/village-kiosk"
    data.mkdir(parents=True)
    (data / "kiosk.db").write_bytes(b"orders")
    # An empty PATH: the script finds no desktop tools and touches nothing outside itself.
    done = subprocess.run(
        ["/bin/sh", str(LINUX / "postrm"), "purge"],
        env={"HOME": str(tmp_path), "PATH": str(tmp_path / "empty")},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "village-kiosk backup" in done.stdout
    assert (data / "kiosk.db").read_bytes() == b"orders"

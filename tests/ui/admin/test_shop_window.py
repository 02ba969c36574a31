"""The running kiosk as ``kiosk gui`` composes it (:func:`kiosk.ui.app.run_gui`): enrolling in
the first-run wizard or on the technician's Sync tab starts the background sync at once; the
window writes its log (wrong PINs included, phone numbers masked); one kiosk per data folder.

Every test drives the real window inside run_gui's own event loop, against the real store and,
for enrollment, the real central service.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kiosk.admin import Role
from kiosk.logs import LOG_FILENAME, log_dir
from kiosk.storage.store import KioskStore
from kiosk.ui.app import ALREADY_RUNNING_LINE, EXIT_ALREADY_RUNNING, run_gui
from kiosk.ui.window import KioskWindow
from tests.helpers.central_server import CentralServer, central_server  # noqa: F401
from tests.helpers.fake_keyring import MemoryKeyring
from tests.ui.admin.conftest import click, type_pin, unlock
from tests.ui.admin.test_wizard import next_step, type_into
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

REPO_ROOT = Path(__file__).resolve().parents[3]


def sync_threads() -> list[threading.Thread]:
    """The connectivity monitor's threads still alive."""
    return [t for t in threading.enumerate() if t.name == "kiosk-sync" and t.is_alive()]


def run_gui_with(data_dir: Path, drive: Callable[[KioskWindow], None]) -> dict[str, Any]:
    """Run the kiosk (English, windowed) and call ``drive(window)`` once it shows, inside its
    event loop; the window is closed afterwards (which ends run_gui). Returns what happened."""
    seen: dict[str, Any] = {}

    def watch() -> None:
        shown = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, KioskWindow) and w.isVisible()
        ]
        if not shown or "window" in seen:
            return
        poll.stop()
        window = seen["window"] = shown[0]
        try:
            drive(window)
        except BaseException as exc:  # reported below, after the loop ended
            seen["error"] = exc
        finally:
            runner = window.services.runner
            deadline = time.monotonic() + 20
            while runner.busy and time.monotonic() < deadline:
                QApplication.processEvents()
                time.sleep(0.01)
            window.close()

    def give_up() -> None:
        seen["gave_up"] = True
        for w in QApplication.topLevelWidgets():
            if isinstance(w, KioskWindow):
                w.close()

    hang_guard = QTimer()
    hang_guard.setSingleShot(True)
    hang_guard.timeout.connect(give_up)
    hang_guard.start(120_000)
    poll = QTimer()
    poll.setInterval(20)
    poll.timeout.connect(watch)
    poll.start()
    try:
        seen["code"] = run_gui(data_dir, windowed=True, lang="en", idle_timeout_s=600)
    finally:
        poll.stop()
        hang_guard.stop()
        if "window" in seen:
            seen["window"].deleteLater()
    if "error" in seen:
        raise seen["error"]
    assert "gave_up" not in seen, "the kiosk did not close"
    assert seen["code"] == 0
    assert not sync_threads(), "run_gui left the sync thread running"
    return seen


def background_started(qtbot: Any, window: KioskWindow) -> None:
    """Wait until run_gui's background start ran (it builds the other screens last), i.e. the
    kiosk has decided it had no sync to start: enrolling comes after, as in a real shop."""
    qtbot.waitUntil(lambda: all(window._built(n) for n in window.LAZY_SCREENS), timeout=60_000)


def wait_for_sync(qtbot: Any, window: KioskWindow) -> str:
    """Wait until the background sync ran once (the top bar says when); its words."""
    qtbot.waitUntil(lambda: "last synced" in window.top.sync.text(), timeout=60_000)
    return str(window.top.sync.text())


@pytest.fixture
def pinned_dir(pinned_template: Path, tmp_path: Path) -> Path:
    """A data folder with the small catalog and both PINs (not enrolled), not opened."""
    data = tmp_path / "pinned"
    shutil.copytree(pinned_template, data)
    return data


def test_enrolling_in_the_wizard_starts_the_background_sync(
    qtbot: Any,
    tmp_path: Path,
    central_server: CentralServer,  # noqa: F811
    device_keyring: MemoryKeyring,
) -> None:
    code = central_server.enroll_code("C031", name="东山村服务站")
    seen: dict[str, Any] = {}

    def drive(window: KioskWindow) -> None:
        wizard = window.admin.wizard
        assert window.admin.current() is wizard  # a new kiosk opens the wizard
        background_started(qtbot, window)
        assert not sync_threads()  # not enrolled: no sync yet
        next_step(qtbot, wizard, "center")
        wizard.center_name.setText("临时")
        type_into(qtbot, wizard.center_id, "C999")
        next_step(qtbot, wizard, "server")
        type_into(qtbot, wizard.server_url, central_server.url)
        type_into(qtbot, wizard.enroll_code, code)
        with qtbot.waitSignal(window.enrolled, timeout=30_000):
            click(qtbot, wizard.enroll_button)
        # Never silently: the id typed before is said to be replaced by the platform's.
        seen["wizard_words"] = wizard.message.text()
        seen["sync_words"] = wait_for_sync(qtbot, window)  # no restart needed
        seen["threads"] = len(sync_threads())

    run_gui_with(tmp_path / "new-kiosk", drive)
    assert seen["threads"] == 1
    assert "last synced" in seen["sync_words"]
    assert "Not connected" not in seen["sync_words"]
    assert "C999" in seen["wizard_words"] and "C031" in seen["wizard_words"]


def test_technician_enrolls_on_the_sync_tab_and_the_sync_starts(
    qtbot: Any,
    pinned_dir: Path,
    central_server: CentralServer,  # noqa: F811
    device_keyring: MemoryKeyring,
) -> None:
    code = central_server.enroll_code("C032", name="西河村服务站")
    seen: dict[str, Any] = {}

    def drive(window: KioskWindow) -> None:
        assert window.current() is window.home  # PINs set: no wizard, "enroll later" case
        unlock(qtbot, window, Role.TECHNICIAN)
        tech = window.admin.technician
        qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=20_000)
        tech.tabs.setCurrentIndex(1)
        assert "Not enrolled yet" in tech.sync_tab.server_label.text()
        background_started(qtbot, window)
        seen["threads_before"] = len(sync_threads())
        # The scheme left out: https:// is added, and the TLS failure is said in words.
        type_into(qtbot, tech.sync_tab.server_field, central_server.url.removeprefix("http://"))
        with qtbot.waitSignal(tech.done, timeout=30_000):
            click(qtbot, tech.sync_tab.test_button)
        seen["test_without_scheme"] = (tech.sync_tab.server_field.text(), tech.message.text())
        type_into(qtbot, tech.sync_tab.server_field, central_server.url)
        with qtbot.waitSignal(tech.done, timeout=30_000):
            click(qtbot, tech.sync_tab.test_button)
        seen["test_words"] = tech.message.text()
        type_into(qtbot, tech.sync_tab.code_field, code)
        with qtbot.waitSignal(window.enrolled, timeout=30_000):
            click(qtbot, tech.sync_tab.enroll_button)
        seen["enrolled_words"] = tech.message.text()
        seen["label"] = tech.sync_tab.server_label.text()
        seen["code_left"] = tech.sync_tab.code_field.text()
        seen["sync_words"] = wait_for_sync(qtbot, window)
        seen["threads"] = len(sync_threads())
        seen["center"] = window.top.center.text()

    run_gui_with(pinned_dir, drive)
    assert seen["threads_before"] == 0
    typed, words = seen["test_without_scheme"]
    assert typed == "https://" + central_server.url.removeprefix("http://")
    assert "answers" not in words and words
    assert "answers" in seen["test_words"]
    assert "Enrolled as 西河村服务站 (C032)" in seen["enrolled_words"]
    assert central_server.url in seen["label"] and seen["code_left"] == ""
    assert seen["threads"] == 1 and "last synced" in seen["sync_words"]
    assert seen["center"] == "西河村服务站"
    with KioskStore.open(pinned_dir) as store:
        assert store.setting("sync.server_url") == central_server.url


def test_the_running_kiosk_writes_its_log_with_wrong_pins_and_no_phone_numbers(
    qtbot: Any, pinned_dir: Path
) -> None:
    def drive(window: KioskWindow) -> None:
        click(qtbot, window.admin_button)
        assert not type_pin(qtbot, window, "9999", Role.OWNER)
        # A mistake elsewhere quoting a villager's phone number: the filter masks it.
        logging.getLogger("kiosk.test").warning("could not notify 13812345678")

    run_gui_with(pinned_dir, drive)
    text = (log_dir(pinned_dir) / LOG_FILENAME).read_text(encoding="utf-8")
    assert "kiosk window starting" in text and "kiosk window closed" in text
    assert "wrong owner PIN (1 in a row)" in text
    assert "138****5678" in text and "13812345678" not in text
    assert "9999" not in text


def _gui_command(data_dir: Path) -> list[str]:
    return [sys.executable, "-m", "kiosk", "--data-dir", str(data_dir), "gui", "--windowed"]


def _gui_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO_ROOT), **extra})
    return env


def _wait_ready(proc: subprocess.Popen[str], timeout_s: float = 120) -> None:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line.startswith("KIOSK_READY"):
            return
        if not line and proc.poll() is not None:
            break
    raise AssertionError(f"the first kiosk never showed its home screen (exit {proc.poll()})")


def test_a_second_kiosk_on_the_same_folder_raises_the_first_and_exits(pinned_dir: Path) -> None:
    first = subprocess.Popen(
        _gui_command(pinned_dir),
        env=_gui_env(KIOSK_REPORT_READY="1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        _wait_ready(first)
        second = subprocess.run(
            _gui_command(pinned_dir),
            env=_gui_env(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert second.returncode == EXIT_ALREADY_RUNNING, second.stderr
        assert second.stderr.strip() == ALREADY_RUNNING_LINE
        assert "Traceback" not in second.stderr
        log_file = log_dir(pinned_dir) / LOG_FILENAME
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if "another kiosk was started" in log_file.read_text(encoding="utf-8"):
                break
            time.sleep(0.2)
        else:
            raise AssertionError("the first kiosk was not asked to come to the front")
        assert first.poll() is None  # the first one keeps running
        # A crash leaves the lock file behind: the next kiosk still starts.
        first.send_signal(signal.SIGKILL)
        first.wait(30)
        third = subprocess.run(
            _gui_command(pinned_dir),
            env=_gui_env(KIOSK_REPORT_READY="exit"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert third.returncode == 0, third.stderr
        assert "KIOSK_READY" in third.stdout
    finally:
        if first.poll() is None:
            first.kill()
            first.wait(30)


def test_one_lock_per_folder_in_process(qtbot: Any, tmp_path: Path) -> None:
    """The lock and the raise request themselves (another folder is not affected)."""
    from kiosk.ui.single import SingleInstance

    first = SingleInstance(tmp_path / "a")
    assert first.acquire()
    first.listen()
    try:
        other = SingleInstance(tmp_path / "b")
        assert other.acquire()
        other.release()
        with qtbot.waitSignal(first.raise_requested, timeout=10_000):
            assert not SingleInstance(tmp_path / "a").acquire()
    finally:
        first.release()
    again = SingleInstance(tmp_path / "a")
    assert again.acquire()  # released: free again
    again.release()

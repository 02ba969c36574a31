"""The owner turns read aloud on from the owner's queue; the villager screens follow at once."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QCheckBox

from kiosk.speech.sound import WavFileOutput
from kiosk.storage.read_aloud import ReadAloudSettings, load_read_aloud
from kiosk.storage.store import KioskStore
from tests.helpers.wav_measure import measure
from tests.ui.admin.conftest import click, unlock
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def tick(qtbot: Any, box: QCheckBox) -> None:
    # On the box itself: the check box is wider than its words in the form's layout.
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(12, box.height() // 2))


def test_owner_turns_read_aloud_on_with_volume_and_speed(
    qtbot: Any, admin_window: Any, admin_store: KioskStore, tmp_path: Path
) -> None:
    window = admin_window(lang="zh_CN")
    voice = window.services.read_aloud
    out = WavFileOutput(tmp_path / "try.wav")
    voice.use_output(out)
    unlock(qtbot, window)
    owner = window.admin.owner
    click(qtbot, owner.read_aloud_button)
    form = owner.read_aloud_form
    assert owner.stack.currentWidget() is form
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
    assert not form.enabled.isChecked() and not form.auto_code.isEnabled()  # off by default

    tick(qtbot, form.enabled)
    assert form.auto_code.isEnabled()
    tick(qtbot, form.auto_code)
    form.volume.setValue(150)
    form.rate.setValue(80)
    assert form.volume_value.text() == "150 %"
    # Try it reads a sample with the values chosen, before anything is saved.
    with qtbot.waitSignal(voice.finished, timeout=20_000):
        click(qtbot, form.try_button)
    assert out.played == 1 and measure(out.path, pitch=False).voiced_fraction > 0.5
    assert load_read_aloud(admin_store) == ReadAloudSettings()

    with qtbot.waitSignal(voice.settings_changed, timeout=10_000):
        click(qtbot, form.save_button)
    wanted = ReadAloudSettings(enabled=True, auto_pickup_code=True, volume=150, rate=80)
    assert load_read_aloud(admin_store) == wanted
    assert voice.settings == wanted
    assert owner.stack.currentWidget() is owner.home
    assert owner.message.text() == "朗读设置已保存。"


def test_try_it_without_a_loudspeaker_says_so(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    from kiosk.speech.espeak import Pcm, SpeechUnavailable

    class NoDevice:
        def play(self, pcm: Pcm, stopped: object) -> None:
            raise SpeechUnavailable("no_sound", "no default output device")

    window = admin_window(lang="zh_CN")
    window.services.read_aloud.use_output(NoDevice())
    unlock(qtbot, window)
    owner = window.admin.owner
    click(qtbot, owner.read_aloud_button)
    form = owner.read_aloud_form
    with qtbot.waitSignal(window.services.read_aloud.failed, timeout=20_000) as failed:
        click(qtbot, form.try_button)
    assert failed.args[1] == "no_sound"
    assert form.message.text() == "没有找到喇叭：请检查音箱是否插好并打开。"

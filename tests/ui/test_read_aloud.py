"""Read aloud in the GUI, by clicks on a real store, through the real engine (to WAV files).

The confirmation screen's reading is also copied to build/speech/confirmation-zh_CN.wav (the
repository's build folder, ignored by git) so a person can play it after the tests.
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.speech import words
from kiosk.speech.espeak import EspeakEngine, Pcm
from kiosk.speech.sound import WavFileOutput
from kiosk.storage.read_aloud import ReadAloudSettings, save_read_aloud
from kiosk.ui.models import CardRole
from tests.conftest import REPO_ROOT
from tests.helpers.wav_measure import measure
from tests.ui.conftest import NAME, PHONE, QT_OFFSCREEN_NOISE
from tests.ui.test_kiosk_flow import click, open_product, press_digits, search, type_with_ime

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

#: Where the confirmation screen's reading is left for people to listen to.
LISTEN_COPY = REPO_ROOT / "build" / "speech" / "confirmation-zh_CN.wav"


class ThreadNotingOutput(WavFileOutput):
    """Writes the WAV and notes which thread played it."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.threads: list[str] = []

    def play(self, pcm: Pcm, stopped: Callable[[], bool]) -> None:
        self.threads.append(threading.current_thread().name)
        super().play(pcm, stopped)


def _voice_on(qtbot: Any, window: Any, tmp_path: Path) -> ThreadNotingOutput:
    """Send readings to a WAV file, note what is said (``out.said``), wait for the settings."""
    out = ThreadNotingOutput(tmp_path / "reading.wav")
    voice = window.services.read_aloud
    voice.use_output(out)
    out.said = []  # type: ignore[attr-defined]
    real_say = voice.say

    def noting_say(utterance: Any) -> int:
        out.said.append(utterance)  # type: ignore[attr-defined]
        return real_say(utterance)

    voice.say = noting_say
    qtbot.waitUntil(lambda: voice.enabled, timeout=5000)
    return out


def _about_as_long(path: Path, expected: Pcm) -> None:
    """eSpeak NG varies a reading by a few samples; the same words last the same to 2 %."""
    seconds = measure(path, pitch=False).seconds
    assert abs(seconds - expected.seconds) < 0.02 * expected.seconds, (seconds, expected.seconds)


def test_speaker_buttons_hidden_while_read_aloud_is_off(qtbot: Any, make_window: Any) -> None:
    window = make_window()
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    assert not window.services.read_aloud.enabled
    assert not window.detail.speak_button.isVisible()
    click(qtbot, window.detail.add_button)
    click(qtbot, window.top.cart)
    assert not window.checkout.speak_button.isVisible()


def test_detail_speaker_reads_name_price_unit_off_the_gui_thread(
    qtbot: Any, make_window: Any, kiosk_store: Any, tmp_path: Path
) -> None:
    save_read_aloud(kiosk_store, ReadAloudSettings(enabled=True), "owner")
    window = make_window(lang="zh_CN")
    out = _voice_on(qtbot, window, tmp_path)
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    assert window.detail.speak_button.isVisible()
    with qtbot.waitSignal(window.services.read_aloud.finished, timeout=20_000) as done:
        click(qtbot, window.detail.speak_button)
    _request, seconds, interrupted = done.args
    assert not interrupted and out.played == 1
    assert out.threads == ["read-aloud"] and threading.current_thread().name != "read-aloud"
    m = measure(out.path, pitch=False)
    assert 2.5 < m.seconds < 12 and m.voiced_fraction > 0.5, m
    assert abs(m.seconds - seconds) < 0.01
    said = words.product("金龙鱼 东北大米 10kg", 5990, "袋", "zh_CN")
    assert out.said == [said]  # type: ignore[attr-defined]
    assert said[0].text == "金龙鱼 东北大米 十公斤，五十九块九一袋。"
    _about_as_long(out.path, EspeakEngine().render(said))


def test_cart_total_speaker(qtbot: Any, make_window: Any, kiosk_store: Any, tmp_path: Path) -> None:
    save_read_aloud(kiosk_store, ReadAloudSettings(enabled=True, rate=150), "owner")
    window = make_window(lang="zh_CN")
    out = _voice_on(qtbot, window, tmp_path)
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    click(qtbot, window.detail.stepper.plus)
    click(qtbot, window.detail.add_button)
    click(qtbot, window.top.cart)
    assert window.checkout.speak_button.isVisible()
    with qtbot.waitSignal(window.services.read_aloud.finished, timeout=20_000):
        click(qtbot, window.checkout.speak_button)
    said = words.cart_total(2 * 5990, 2, "zh_CN")
    assert out.said == [said]  # type: ignore[attr-defined]
    assert said[0].text == "一共两件，一百一十九块八。"
    _about_as_long(out.path, EspeakEngine().render(said, rate=150))


def test_confirmation_reads_the_pickup_code_by_itself_and_leaves_a_wav(
    qtbot: Any, make_window: Any, kiosk_store: Any, tmp_path: Path
) -> None:
    settings = ReadAloudSettings(enabled=True, auto_pickup_code=True)
    save_read_aloud(kiosk_store, settings, "owner")
    window = make_window(lang="zh_CN")
    out = _voice_on(qtbot, window, tmp_path)
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    click(qtbot, window.detail.order_button)
    type_with_ime(window.checkout.name_field, NAME)
    press_digits(qtbot, window.checkout.keypad, PHONE)
    with qtbot.waitSignal(window.checkout.placed, timeout=10_000) as placed:
        click(qtbot, window.checkout.confirm)
    code = placed.args[0].placed.pickup_code
    qtbot.waitUntil(lambda: out.played == 1, timeout=30_000)  # nobody pressed a button
    m = measure(out.path, pitch=False)
    assert 6 < m.seconds < 30 and m.pauses >= 10, m
    said = words.pickup_code(code, "zh_CN")
    assert out.said == [said]  # type: ignore[attr-defined]
    _about_as_long(out.path, EspeakEngine().render(said))
    LISTEN_COPY.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(out.path, LISTEN_COPY)
    print(f"confirmation reading: {LISTEN_COPY} ({m.seconds:.1f} s)")

    # The speaker button reads it again; the idle reset stops a reading under way.
    with qtbot.waitSignal(window.services.read_aloud.finished, timeout=30_000):
        click(qtbot, window.confirmation.speak_button)
    assert out.played == 2


def test_a_new_press_interrupts_the_reading(
    qtbot: Any, make_window: Any, kiosk_store: Any, tmp_path: Path
) -> None:
    save_read_aloud(kiosk_store, ReadAloudSettings(enabled=True), "owner")
    window = make_window(lang="zh_CN")
    voice = window.services.read_aloud
    gate = threading.Event()

    class HeldOutput(WavFileOutput):
        def play(self, pcm: Pcm, stopped: Callable[[], bool]) -> None:
            gate.set()
            while not stopped():  # "speaking" until something newer arrives
                threading.Event().wait(0.02)

    voice.use_output(HeldOutput(tmp_path / "held.wav"))
    qtbot.waitUntil(lambda: voice.enabled, timeout=5000)
    search(qtbot, window, "LY-0001")
    open_product(qtbot, window, window.search.grid, 0)
    seen: list[tuple[int, bool]] = []
    voice.finished.connect(lambda r, _s, cut: seen.append((r, cut)))
    click(qtbot, window.detail.speak_button)
    qtbot.waitUntil(gate.is_set, timeout=20_000)
    with qtbot.waitSignal(voice.finished, timeout=20_000):
        window.reset_session()  # the idle reset: stops the reading
    assert seen == [(1, True)]


def test_product_tile_speaker_reads_the_product_and_does_not_open_it(
    qtbot: Any, make_window: Any, kiosk_store: Any, tmp_path: Path
) -> None:
    from PySide6.QtCore import Qt

    from kiosk.ui.speech import tile_speaker_rect

    window = make_window(lang="zh_CN")
    grid = window.home.grid
    assert not grid.speaker_shown  # off by default: tiles carry no speaker
    save_read_aloud(kiosk_store, ReadAloudSettings(enabled=True), "owner")
    window.services.read_aloud.load()
    out = _voice_on(qtbot, window, tmp_path)
    assert grid.speaker_shown
    index = grid.model().index(0, 0)
    card = index.data(CardRole)
    tile = grid.visualRect(index).adjusted(6, 6, -6, -6)
    with qtbot.waitSignal(window.services.read_aloud.finished, timeout=20_000):
        qtbot.mouseClick(
            grid.viewport(), Qt.MouseButton.LeftButton, pos=tile_speaker_rect(tile).center()
        )
    assert window.current() is window.home  # the speaker reads; it does not open the product
    assert out.said == [words.product(card.name, card.price_fen, card.unit, "zh_CN")]  # type: ignore[attr-defined]
    assert out.played == 1
    # A tap elsewhere on the tile still opens the product.
    with qtbot.waitSignal(window.detail.shown, timeout=5000):
        qtbot.mouseClick(grid.viewport(), Qt.MouseButton.LeftButton, pos=tile.center())

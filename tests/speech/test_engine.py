"""Real speech through eSpeak NG, rendered to WAV files and measured (not just "no error")."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from kiosk.speech import words
from kiosk.speech.espeak import EspeakEngine, Pcm, SpeechUnavailable
from kiosk.speech.sound import WavFileOutput, write_wav
from kiosk.speech.speaker import Speaker
from tests.helpers.wav_measure import measure


@pytest.fixture(scope="module")
def engine() -> EspeakEngine:
    e = EspeakEngine()
    e.check()  # the wheel's library and both voices load
    return e


def test_product_reading_is_speech_of_a_plausible_length(
    engine: EspeakEngine, tmp_path: Path
) -> None:
    pcm = engine.render(words.product("金龙鱼东北大米10kg", 5990, "袋", "zh_CN"))
    write_wav(tmp_path / "product.wav", pcm)
    m = measure(tmp_path / "product.wav", pitch=False)
    # 19 syllables at ~4 per second: 2.5 to 10 s, mostly sound, clearly audible, not clipped flat.
    assert 2.5 < m.seconds < 10, m
    assert m.voiced_fraction > 0.5, m
    assert m.rms_dbfs > -30 and m.peak > 3000, m


def test_pickup_code_is_slow_with_a_pause_between_digits(
    engine: EspeakEngine, tmp_path: Path
) -> None:
    code = engine.render(words.pickup_code("372815", "zh_CN"))
    write_wav(tmp_path / "code.wav", code)
    m = measure(tmp_path / "code.wav", pitch=False)
    assert 6 < m.seconds < 30, m
    # Twice six digits, each set apart: at least 5 gaps per reading.
    assert m.pauses >= 10, m
    fast = engine.render(
        tuple(words.Segment(s.text, s.voice) for s in words.pickup_code("372815", "zh_CN"))
    )
    assert code.seconds > 1.2 * fast.seconds, "the code must be read slower than normal speech"


def test_english_voice_renders_too(engine: EspeakEngine, tmp_path: Path) -> None:
    pcm = engine.render(words.cart_total(5990, 1, "en"))
    write_wav(tmp_path / "total-en.wav", pcm)
    m = measure(tmp_path / "total-en.wav", pitch=False)
    assert 1 < m.seconds < 8 and m.voiced_fraction > 0.5, m


def test_volume_and_rate_settings_change_the_sound(engine: EspeakEngine) -> None:
    utt = words.cart_total(12050, 3, "zh_CN")
    normal = engine.render(utt)
    slow = engine.render(utt, rate=60)
    quiet = engine.render(utt, volume=30)
    assert slow.seconds > 1.3 * normal.seconds

    def peak(p: Pcm) -> int:
        return max(
            abs(int.from_bytes(p.samples[i : i + 2], "little", signed=True))
            for i in range(0, len(p.samples), 2)
        )

    assert peak(quiet) < 0.6 * peak(normal)


def test_missing_library_is_a_clear_refusal(tmp_path: Path) -> None:
    e = EspeakEngine(library=str(tmp_path / "no-such-libespeak.so"), data=str(tmp_path))
    with pytest.raises(SpeechUnavailable) as info:
        e.render(words.cart_total(100, 1, "zh_CN"))
    assert info.value.kind == "engine_missing"


class _Recorder:
    def __init__(self) -> None:
        self.finished: list[tuple[int, float, bool]] = []
        self.failed: list[tuple[int, str]] = []
        self.done = threading.Event()

    def on_started(self, request: int) -> None:
        pass

    def on_finished(self, request: int, seconds: float, interrupted: bool) -> None:
        self.finished.append((request, seconds, interrupted))
        self.done.set()

    def on_failed(self, request: int, kind: str) -> None:
        self.failed.append((request, kind))
        self.done.set()


class _SlowOutput(WavFileOutput):
    """Plays in real time-ish steps (like speakers), so a newer request can cut in."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.playing = threading.Event()
        self.cut_short: list[bool] = []

    def play(self, pcm: Pcm, stopped: object) -> None:
        self.playing.set()
        for _ in range(40):  # up to 2 s, in 50 ms steps
            if stopped():  # type: ignore[operator]
                self.cut_short.append(True)
                return
            threading.Event().wait(0.05)
        self.cut_short.append(False)
        super().play(pcm, stopped)  # type: ignore[arg-type]


def test_a_new_request_interrupts_the_one_still_speaking(
    engine: EspeakEngine, tmp_path: Path
) -> None:
    out = _SlowOutput(tmp_path / "last.wav")
    rec = _Recorder()
    speaker = Speaker(engine, out, rec)
    try:
        first = speaker.say(words.pickup_code("372815", "zh_CN"))
        assert out.playing.wait(10), "the first reading never reached the output"
        second = speaker.say(words.cart_total(5990, 1, "zh_CN"), rate=200)
        assert second == first + 1
        deadline = threading.Event()
        for _ in range(400):
            if len(rec.finished) == 2:
                break
            deadline.wait(0.05)
        assert [(r, cut) for r, _, cut in rec.finished] == [(first, True), (second, False)]
        assert out.cut_short == [True, False]
        assert out.played == 1 and measure(out.path, pitch=False).seconds < 4
    finally:
        speaker.close()


def test_a_broken_output_is_logged_without_words_or_traceback(
    engine: EspeakEngine, caplog: pytest.LogCaptureFixture
) -> None:
    class Broken:
        def play(self, pcm: Pcm, stopped: object) -> None:
            raise RuntimeError("device said no while reading 三七二八幺五")

    rec = _Recorder()
    speaker = Speaker(engine, Broken(), rec)
    try:
        with caplog.at_level("DEBUG"):
            speaker.say(words.pickup_code("372815", "zh_CN"))
            assert rec.done.wait(20)
    finally:
        speaker.close()
    assert rec.failed == [(1, "engine_failed")]
    assert [r.getMessage() for r in caplog.records] == ["read aloud failed: RuntimeError"]
    assert all(r.exc_info is None for r in caplog.records)

"""``kiosk tech speech-test``: the technician hears (or records) the kiosk's voice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk.cli import main
from kiosk.speech.espeak import Pcm, SpeechUnavailable
from tests.helpers.wav_measure import measure


def test_speech_test_to_a_wav_file(
    data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wav = tmp_path / "voice.wav"
    code = main(["--data-dir", str(data_dir), "tech", "speech-test", "--wav", str(wav), "--json"])
    assert code == 0
    said = json.loads(capsys.readouterr().out)
    m = measure(wav, pitch=False)
    # The product (≈4.6 s) and the code twice, slowly (≈11 s).
    assert 10 < m.seconds < 40 and m.voiced_fraction > 0.5 and m.pauses >= 10, m
    assert abs(said["seconds"] - m.seconds) < 0.01


def test_no_loudspeaker_is_one_clear_line(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def no_device(self: object, pcm: Pcm, stopped: object) -> None:
        raise SpeechUnavailable("no_sound", "Error querying device -1")

    monkeypatch.setattr("kiosk.speech.sound.SpeakerOutput.play", no_device)
    code = main(["--data-dir", str(data_dir), "tech", "speech-test"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == "kiosk: read aloud does not work here: no_sound"

"""Where rendered speech goes: the PC's speakers, or a WAV file (tests, the lead's listening).

An output's ``play`` blocks its (background) thread until the sound is done or ``stopped()``
says to stop; it checks that at least every 50 ms, which is how a new request interrupts.
"""

from __future__ import annotations

import threading
import wave
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from kiosk.speech.espeak import Pcm, SpeechUnavailable

_CHUNK_SECONDS = 0.05


class SoundOutput(Protocol):
    """Plays PCM; blocks until done or stopped."""

    def play(self, pcm: Pcm, stopped: Callable[[], bool]) -> None:
        """Play ``pcm``; return early when ``stopped()`` turns true."""


def write_wav(path: Path, pcm: Pcm) -> None:
    """Write ``pcm`` as a 16-bit mono WAV file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(pcm.rate)
        out.writeframes(pcm.samples)


class WavFileOutput:
    """Writes each reading to a WAV file instead of the speakers (tests; listening later).

    Attributes:
        path: where the latest reading is written (replaced each time).
        played: how many readings were written.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.played = 0
        self._lock = threading.Lock()

    def play(self, pcm: Pcm, stopped: Callable[[], bool]) -> None:
        """Write the reading (an interrupted one is not written)."""
        if stopped():
            return
        with self._lock:
            write_wav(self.path, pcm)
            self.played += 1


class SpeakerOutput:
    """The PC's default sound device through PortAudio (``sounddevice``)."""

    def play(self, pcm: Pcm, stopped: Callable[[], bool]) -> None:
        """Stream ``pcm`` to the default output device in 50 ms chunks."""
        try:
            import sounddevice
        except (ImportError, OSError) as exc:  # OSError: the PortAudio library is missing
            raise SpeechUnavailable("no_sound", str(exc)) from exc
        chunk = int(pcm.rate * _CHUNK_SECONDS) * 2
        try:
            with sounddevice.RawOutputStream(samplerate=pcm.rate, channels=1, dtype="int16") as out:
                for start in range(0, len(pcm.samples), chunk):
                    if stopped():
                        out.abort()
                        return
                    out.write(pcm.samples[start : start + chunk])
        except sounddevice.PortAudioError as exc:
            raise SpeechUnavailable("no_sound", str(exc)) from exc

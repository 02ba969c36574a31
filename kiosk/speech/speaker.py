"""One background thread that reads aloud; the newest request wins.

:meth:`Speaker.say` returns at once. The reading is rendered and played on the speaker's own
thread (never the GUI's, never the shared task pool: a long reading must not hold up searches).
A new request cancels the render or playback still under way, within about 50 ms, and a request
overtaken before it started is dropped. Outcomes go to a :class:`SpeakerListener` — called on
the speaker's thread; the GUI's adapter (``kiosk.ui.speech``) re-emits them as Qt signals.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Protocol

from kiosk.speech.espeak import EspeakEngine, Pcm, SpeechUnavailable
from kiosk.speech.sound import SoundOutput
from kiosk.speech.words import Utterance

log = logging.getLogger(__name__)


class SpeakerListener(Protocol):
    """What a speaker reports, on the speaker's thread. No widget calls in here."""

    def on_started(self, request: int) -> None:
        """Request ``request`` is being rendered."""

    def on_finished(self, request: int, seconds: float, interrupted: bool) -> None:
        """Request ``request`` played ``seconds`` of speech (or was cut short by a newer one)."""

    def on_failed(self, request: int, kind: str) -> None:
        """Request ``request`` could not be read (``SpeechUnavailable.kind``)."""


@dataclass(frozen=True, slots=True)
class _Request:
    number: int
    utterance: Utterance
    volume: int
    rate: int


class Speaker:
    """Reads utterances aloud on a background thread.

    Args:
        engine: renders text to PCM.
        output: plays PCM (speakers, or a WAV file in tests).
        listener: told of each request's outcome, on the speaker's thread.
    """

    def __init__(
        self, engine: EspeakEngine, output: SoundOutput, listener: SpeakerListener | None = None
    ) -> None:
        self._engine = engine
        self._output = output
        self._listener = listener
        self._cond = threading.Condition()
        self._pending: _Request | None = None
        self._latest = 0
        self._closed = False
        self._thread: threading.Thread | None = None

    def say(self, utterance: Utterance, *, volume: int = 100, rate: int = 100) -> int:
        """Read ``utterance``, interrupting whatever is being read; returns the request number."""
        with self._cond:
            if self._closed:
                return 0
            self._latest += 1
            self._pending = _Request(self._latest, utterance, volume, rate)
            self._engine.cancel()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="read-aloud", daemon=True)
                self._thread.start()
            self._cond.notify()
            return self._latest

    def stop(self) -> None:
        """Stop reading (leaving a screen, the idle reset)."""
        with self._cond:
            self._latest += 1
            self._pending = None
            self._engine.cancel()

    def close(self, timeout: float = 5.0) -> None:
        """Stop and end the thread (application exit)."""
        with self._cond:
            self._closed = True
            self._latest += 1
            self._pending = None
            self._engine.cancel()
            self._cond.notify()
        if self._thread is not None:
            self._thread.join(timeout)

    def _superseded(self, number: int) -> bool:
        return self._closed or self._latest != number

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._pending is None and not self._closed:
                    self._cond.wait()
                if self._closed:
                    return
                req, self._pending = self._pending, None
            assert req is not None
            self._read(req)

    def _read(self, req: _Request) -> None:
        listener = self._listener
        if listener is not None:
            listener.on_started(req.number)
        try:
            pcm: Pcm = self._engine.render(req.utterance, volume=req.volume, rate=req.rate)
            if not self._superseded(req.number):
                self._output.play(pcm, lambda: self._superseded(req.number))
        except SpeechUnavailable as exc:
            log.warning("read aloud unavailable: %s", exc.kind)
            if listener is not None:
                listener.on_failed(req.number, exc.kind)
            return
        except Exception as exc:  # a reading must never take the kiosk down
            # The type only: no traceback in the log (its frames hold the words being read).
            log.error("read aloud failed: %s", type(exc).__name__)
            if listener is not None:
                listener.on_failed(req.number, "engine_failed")
            return
        if listener is not None:
            listener.on_finished(req.number, pcm.seconds, self._superseded(req.number))

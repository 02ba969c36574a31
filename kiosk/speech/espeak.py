"""eSpeak NG through its C library: text → 16-bit mono PCM, in-process, offline.

The library and its data (with the Mandarin voice ``cmn`` and its dictionary) come from the
``espeakng-loader`` wheel on Linux and Windows alike, so ``pip install`` (and the PyInstaller
bundle, installers/kiosk.spec) carries the engine with its voice: no system package, no
download. eSpeak NG keeps global state, so one lock serialises every call into it; a render
can be cancelled from another thread (the synthesis callback then returns 1, which stops it).
"""

from __future__ import annotations

import ctypes
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.speech.words import Segment

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_ESPEAK_CHARS_UTF8 = 1
_ESPEAK_RATE = 1
_ESPEAK_VOLUME = 2
_POS_CHARACTER = 1
#: eSpeak NG's words per minute at "normal" speed, and its bounds.
NORMAL_WPM = 175
_MIN_WPM, _MAX_WPM = 80, 450

_Callback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class SpeechUnavailable(Exception):
    """The engine or the sound device cannot be used here.

    Attributes:
        kind: ``"engine_missing"``, ``"voice_missing"``, ``"engine_failed"`` or ``"no_sound"``
            (the UI says it in words).
    """

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Pcm:
    """Rendered speech: 16-bit little-endian mono samples."""

    samples: bytes
    rate: int

    @property
    def seconds(self) -> float:
        """How long it plays."""
        return len(self.samples) / 2 / self.rate if self.rate else 0.0


class _Library:
    """One loaded ``libespeak-ng``: its global state, its lock and its one synthesis callback."""

    def __init__(self, library: str, data: str) -> None:
        try:
            lib = ctypes.CDLL(library)
        except OSError as exc:
            raise SpeechUnavailable("engine_missing", str(exc)) from exc
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetSynthCallback.argtypes = [_Callback]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data.encode(), 0)
        if rate <= 0:
            raise SpeechUnavailable("engine_failed", "espeak_Initialize failed")
        self.lib = lib
        self.rate = rate
        self.lock = threading.Lock()
        self.buffer = bytearray()
        self.cancel: threading.Event = threading.Event()
        self._callback = _Callback(self._on_samples)  # kept alive as long as the library
        lib.espeak_SetSynthCallback(self._callback)

    def _on_samples(self, wav: ctypes._Pointer[ctypes.c_short], count: int, _events: int) -> int:
        if self.cancel.is_set():
            return 1
        if count > 0:
            self.buffer.extend(ctypes.string_at(wav, count * 2))
        return 0


# eSpeak NG's state is per process: every engine on the same library shares one _Library.
_LIBRARIES: dict[str, _Library] = {}
_LOADING = threading.Lock()


def _library(library: str | None, data: str | None) -> _Library:
    if library is None or data is None:
        try:
            import espeakng_loader
        except ImportError as exc:
            raise SpeechUnavailable("engine_missing", "espeakng-loader missing") from exc
        library = library or espeakng_loader.get_library_path()
        data = data or espeakng_loader.get_data_path()
    with _LOADING:
        loaded = _LIBRARIES.get(library)
        if loaded is None:
            loaded = _LIBRARIES[library] = _Library(library, data)
        return loaded


class EspeakEngine:
    """Renders :class:`~kiosk.speech.words.Segment` sequences with eSpeak NG.

    Engines on the same library take turns (eSpeak NG has one global state per process).

    Args:
        library: path of ``libespeak-ng`` (default: the wheel's).
        data: path of ``espeak-ng-data`` (default: the wheel's).
    """

    def __init__(self, library: str | None = None, data: str | None = None) -> None:
        self._library_path = library
        self._data_path = data
        self._cancel = threading.Event()

    def check(self) -> None:
        """Load the engine and both voices, or raise :class:`SpeechUnavailable`."""
        lib = _library(self._library_path, self._data_path)
        with lib.lock:
            for voice in ("cmn", "en"):
                if lib.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                    raise SpeechUnavailable("voice_missing", voice)

    def cancel(self) -> None:
        """Stop this engine's render under way (from any thread); it returns what it had."""
        self._cancel.set()

    def render(self, segments: Sequence[Segment], *, volume: int = 100, rate: int = 100) -> Pcm:
        """Render ``segments`` one after another.

        Args:
            segments: what to say, each in its voice.
            volume: loudness in percent of the engine's normal (0-200).
            rate: speed in percent of normal (50-200); each segment's own percentage applies on top.
        """
        shared = _library(self._library_path, self._data_path)
        with shared.lock:
            lib = shared.lib
            self._cancel.clear()
            shared.cancel = self._cancel
            shared.buffer = bytearray()
            lib.espeak_SetParameter(_ESPEAK_VOLUME, max(0, min(200, volume)), 0)
            for seg in segments:
                if self._cancel.is_set():
                    break
                if lib.espeak_SetVoiceByName(seg.voice.value.encode()) != 0:
                    raise SpeechUnavailable("voice_missing", seg.voice.value)
                wpm = NORMAL_WPM * rate * seg.rate_percent // 10_000
                lib.espeak_SetParameter(_ESPEAK_RATE, max(_MIN_WPM, min(_MAX_WPM, wpm)), 0)
                text = seg.text.encode("utf-8") + b"\0"
                status = lib.espeak_Synth(
                    text, len(text), 0, _POS_CHARACTER, 0, _ESPEAK_CHARS_UTF8, None, None
                )
                if status != 0 and not self._cancel.is_set():
                    raise SpeechUnavailable("engine_failed", f"espeak_Synth returned {status}")
            return Pcm(bytes(shared.buffer), shared.rate)

"""Listening by measurement: loudness, voiced time, pauses and pitch of a speech WAV file.

Pure Python (no numpy): 20 ms frames; a frame is voiced when its RMS is above 1/30 of the
loudest frame's; pitch is the autocorrelation peak between 70 and 400 Hz of voiced frames.
"""

from __future__ import annotations

import array
import math
import wave
from dataclasses import dataclass
from pathlib import Path

_FRAME_S = 0.02


@dataclass(frozen=True)
class WavMeasure:
    """What a speech recording measures.

    Attributes:
        seconds: duration.
        rate: samples per second.
        peak: largest absolute sample (of 32767).
        rms_dbfs: loudness of the voiced frames, in dB below full scale.
        voiced_fraction: share of 20 ms frames that carry sound.
        pauses: silences of 150 ms or more between sounds (word and digit breaks).
        pitch_hz: (lowest, median, highest) pitch over voiced frames.
    """

    seconds: float
    rate: int
    peak: int
    rms_dbfs: float
    voiced_fraction: float
    pauses: int
    pitch_hz: tuple[float, float, float]


def _pitch(frame: array.array[int], rate: int) -> float | None:
    lo, hi = rate // 400, rate // 70
    energy = sum(x * x for x in frame)
    if energy == 0 or len(frame) <= hi:
        return None
    best_lag, best = 0, 0.0
    for lag in range(lo, hi):
        c = sum(frame[i] * frame[i + lag] for i in range(0, len(frame) - lag, 2))
        if c > best:
            best, best_lag = c, lag
    if best_lag == 0 or best < 0.3 * energy / 2:
        return None
    return rate / best_lag


def measure(path: Path, *, pitch: bool = True) -> WavMeasure:
    """Measure the WAV file at ``path`` (16-bit mono)."""
    with wave.open(str(path), "rb") as w:
        assert w.getsampwidth() == 2 and w.getnchannels() == 1, "16-bit mono expected"
        rate = w.getframerate()
        samples = array.array("h", w.readframes(w.getnframes()))
    n = int(rate * _FRAME_S)
    frames = [samples[i : i + n] for i in range(0, len(samples) - n + 1, n)]
    rms = [math.sqrt(sum(x * x for x in f) / n) for f in frames] or [0.0]
    loudest = max(rms)
    voiced = [r > loudest / 30 and r > 50 for r in rms]
    pauses, quiet, seen_sound = 0, 0, False
    for v in voiced:
        if v:
            if seen_sound and quiet * _FRAME_S >= 0.15:
                pauses += 1
            quiet, seen_sound = 0, True
        else:
            quiet += 1
    voiced_rms = [r for r, v in zip(rms, voiced, strict=True) if v]
    level = math.sqrt(sum(r * r for r in voiced_rms) / len(voiced_rms)) if voiced_rms else 0.0
    pitches: list[float] = []
    if pitch:
        for f, v in zip(frames, voiced, strict=True):
            if v:
                p = _pitch(f, rate)
                if p is not None:
                    pitches.append(p)
    pitches.sort()
    spread = (pitches[0], pitches[len(pitches) // 2], pitches[-1]) if pitches else (0.0, 0.0, 0.0)
    return WavMeasure(
        seconds=len(samples) / rate,
        rate=rate,
        peak=max((abs(x) for x in samples), default=0),
        rms_dbfs=20 * math.log10(level / 32767) if level else -math.inf,
        voiced_fraction=sum(voiced) / len(voiced) if voiced else 0.0,
        pauses=pauses,
        pitch_hz=spread,
    )

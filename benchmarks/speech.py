"""Benchmark: read aloud — how long eSpeak NG takes to render what the kiosk says.

Renders the product sentence, the cart total and the pickup code (twice, slowly) in Mandarin
through the real engine (``kiosk.speech.espeak``), ``--runs`` times each, and reports the
render time next to the length of the speech it made (the real-time factor: render time divided
by speech length; far below 1 means the first word plays at once).

Usage::

    python benchmarks/speech.py [--runs 20] [--json]

Prints one JSON object ``{"product_p50_ms", "product_seconds", ..., "worst_real_time_factor"}``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from kiosk.speech import words
from kiosk.speech.espeak import EspeakEngine


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    engine = EspeakEngine()
    engine.check()
    cases = {
        "product": words.product("金龙鱼 东北大米 10kg", 5990, "袋", "zh_CN"),
        "cart_total": words.cart_total(12050, 3, "zh_CN"),
        "pickup_code": words.pickup_code("372815", "zh_CN"),
    }
    result: dict[str, float] = {}
    worst = 0.0
    for name, utterance in cases.items():
        engine.render(utterance)  # warm: loads the voice and its dictionary
        times, seconds = [], 0.0
        for _ in range(args.runs):
            started = time.perf_counter()
            pcm = engine.render(utterance)
            times.append(time.perf_counter() - started)
            seconds = pcm.seconds
        p50 = statistics.median(times)
        result[f"{name}_p50_ms"] = round(p50 * 1000, 1)
        result[f"{name}_max_ms"] = round(max(times) * 1000, 1)
        result[f"{name}_seconds"] = round(seconds, 2)
        worst = max(worst, max(times) / seconds)
    result["worst_real_time_factor"] = round(worst, 4)
    result["load_average"] = round(os.getloadavg()[0], 2)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

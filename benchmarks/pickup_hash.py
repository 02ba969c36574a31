"""Pickup-code hash: the cost of one hash for the shop, and of the whole code space for a thief.

    python benchmarks/pickup_hash.py --json

Measures, on one core of this machine, the median time of one hash in the current scheme
(scrypt, see kiosk/pickup.py) and in the first one (PBKDF2-HMAC-SHA256, 2,000 iterations), then
estimates what it costs to try every one of the 10^6 codes against one stolen order (the
expected cost of finding a code is half of that). The owner's hand-over checks one code (one
hash); placing an order makes one; a villager's "my orders" lookup checks each of their recent
orders (at most ``kiosk.storage.lookup.LOOKUP_LIMIT``).

Prints one JSON object with ``--json``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time

from kiosk.pickup import CODE_DIGITS, hash_pickup_code, hash_pickup_code_v1, verify_pickup_code


def _median_ms(fn: object, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    salt = os.urandom(12)
    salt_v1 = os.urandom(16)
    salt_field, digest = hash_pickup_code("042917", salt)
    new_ms = _median_ms(lambda: hash_pickup_code("042917", salt), args.runs)
    old_ms = _median_ms(lambda: hash_pickup_code_v1("042917", salt_v1), args.runs * 10)
    verify_ms = _median_ms(lambda: verify_pickup_code("042917", salt_field, digest), args.runs)
    space = 10**CODE_DIGITS
    result = {
        "scrypt_hash_ms": round(new_ms, 2),
        "hand_over_verify_ms": round(verify_ms, 2),
        "pbkdf2_2000_hash_ms": round(old_ms, 3),
        "whole_space_core_hours": round(space * new_ms / 1000 / 3600, 1),
        "whole_space_core_hours_pbkdf2": round(space * old_ms / 1000 / 3600, 3),
        "slowdown": round(new_ms / old_ms),
        "load_avg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }
    if args.json:
        print(json.dumps(result))
    else:
        for k, v in result.items():
            print(f"{k}: {v}")


if __name__ == "__main__":
    main()

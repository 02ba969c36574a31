"""Benchmark: the command line's first acknowledgement of an order.

``kiosk orders place --json`` run as a subprocess against a real store (a file with a small
catalog, at the schema head): the time from just before the process is started to its first
stdout line (the order's JSON, printed after its COMMIT). In the same run, alternating with it,
the floors: ``python -c "print()"`` (the interpreter's start) and ``python -c "import sqlite3;
print()"``. One untimed warm-up run of each first (page cache); the kiosk's bytecode is compiled
first, as an installed kiosk has it.

Usage::

    python benchmarks/cli.py [--runs 20] [--before-pythonpath DIR] [--json]

``--before-pythonpath DIR`` also times the CLI with ``PYTHONPATH=DIR`` (an export of an older
commit's ``kiosk`` package, ``git archive OLD kiosk | tar -x -C DIR``) in the same alternation,
as ``before_*``. Prints one JSON object ``{"runs", "first_ack_p50_ms", "first_ack_p95_ms",
"python_p50_ms", "sqlite3_p50_ms", "load_avg_1m", ...}``; each ``*_cpu_p50_ms`` is the CPU time
(user + system) of the whole process, a figure the machine's load disturbs much less.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_MS = 300.0
PRODUCTS = 200


def _seed(data_dir: Path) -> None:
    from kiosk.storage.models import Category, Product
    from kiosk.storage.store import KioskStore

    with KioskStore.open(data_dir) as store, store.write() as s:
        cat = Category(name="粮油食品", sort_order=0, active=True)
        s.add(cat)
        s.flush()
        s.add_all(
            Product(
                sku=f"BM-{i:06d}",
                name=f"基准商品 {i}",
                category_id=cat.id,
                price_fen=100 + i,
                unit="袋",
                description="",
                stock="in_stock",
                active=True,
                server_version=1,
                views=0,
            )
            for i in range(PRODUCTS)
        )


def _children_cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def _first_line_ms(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Milliseconds from starting ``cmd`` to its first stdout line, and the CPU time the whole
    process used (user + system: what a quiet machine's wall time would be close to)."""
    cpu0 = _children_cpu_ms()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    elapsed = (time.perf_counter() - t0) * 1000
    _out, err = proc.communicate(timeout=60)
    if proc.returncode != 0 or not line:
        raise SystemExit(f"{cmd[1:]} failed ({proc.returncode}): {err.decode(errors='replace')}")
    return elapsed, _children_cpu_ms() - cpu0


def _pct(values: list[float], q: int) -> float:
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the result."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--before-pythonpath", type=Path, default=None)
    parser.add_argument("--json", action="store_true", help="print only the JSON object")
    args = parser.parse_args(argv)

    # Bytecode as an installed kiosk has it, even under PYTHONDONTWRITEBYTECODE (startup.py).
    compileall.compile_dir(str(REPO / "kiosk"), quiet=1)
    if args.before_pythonpath is not None:
        compileall.compile_dir(str(args.before_pythonpath / "kiosk"), quiet=1)
    with tempfile.TemporaryDirectory(prefix="kiosk-bench-cli-") as tmp:
        data_dir = Path(tmp) / "data"
        _seed(data_dir)
        env = {**os.environ, "KIOSK_DATA_DIR": str(data_dir)}
        env.pop("PYTHONPATH", None)
        place = [sys.executable, "-m", "kiosk", "orders", "place", "--name", "张三"]
        place += ["--phone", "13800138000", "--item", "BM-000007:2", "--json"]
        cases: dict[str, tuple[list[str], dict[str, str]]] = {
            "python": ([sys.executable, "-c", "print()"], env),
            "sqlite3": ([sys.executable, "-c", "import sqlite3; print()"], env),
            "first_ack": (place, env),
        }
        if args.before_pythonpath is not None:
            before_env = {**env, "PYTHONPATH": str(args.before_pythonpath.resolve())}
            cases["before_first_ack"] = (place, before_env)
        times: dict[str, list[float]] = {name: [] for name in cases}
        cpu: dict[str, list[float]] = {name: [] for name in cases}
        for cmd, case_env in cases.values():
            _first_line_ms(cmd, case_env, Path(tmp))  # warm-up
        for _ in range(args.runs):
            for name, (cmd, case_env) in cases.items():
                wall, used = _first_line_ms(cmd, case_env, Path(tmp))
                times[name].append(wall)
                cpu[name].append(used)
    result: dict[str, object] = {"runs": args.runs}
    for name, values in times.items():
        result[f"{name}_p50_ms"] = round(statistics.median(values), 1)
        if name.endswith("first_ack"):
            result[f"{name}_p95_ms"] = _pct(values, 95)
        result[f"{name}_cpu_p50_ms"] = round(statistics.median(cpu[name]), 1)
    result["load_avg_1m"] = round(os.getloadavg()[0], 2)
    if args.json:
        print(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))
        p95 = _pct(times["first_ack"], 95)
        verdict = "meets" if p95 <= TARGET_MS else "MISSES"
        print(f"first acknowledgement p95 {p95} ms {verdict} the {TARGET_MS:.0f} ms target")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Fleet views at 100,000 centers: p95 of each operator query on PostgreSQL.

    python benchmarks/fleet_ops.py --centers 100000 --json

Seeds a fresh database with ``kiosk-central dev seed-fleet`` (central/fleet.py), then runs each
query of ``kiosk-central fleet`` ``--repeat`` times: the summary by version and error code, the
first page of stale centers (48 h), of one error code, of one version, and a page deep in the
id order. Prints one JSON object: ``centers``, ``seed_s`` and ``<query>_p95_ms`` / ``_p50_ms``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import create_engine, text  # noqa: E402

from central.clock import utc_now  # noqa: E402
from central.db import CentralDb  # noqa: E402
from central.fleet import FleetFilter, fleet_page, fleet_summary, seed_fleet  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--centers", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"fleet_ops_{os.getpid()}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    db = CentralDb(f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}")
    out: dict[str, Any] = {"centers": args.centers}
    try:
        db.migrate()
        now = utc_now()
        t0 = time.perf_counter()
        seed_fleet(db, args.centers, now)
        out["seed_s"] = round(time.perf_counter() - t0, 1)
        with db.write() as s:
            s.execute(text("ANALYZE"))
        deep = f"S{max(1, args.centers - 150):06d}"
        queries: dict[str, Callable[[], object]] = {
            "summary": lambda: fleet_summary(db, FleetFilter(), now),
            "stale_48h_page": lambda: fleet_page(db, FleetFilter(stale_hours=48), now),
            "error_code_page": lambda: fleet_page(db, FleetFilter(error_code="clock_wrong"), now),
            "version_page": lambda: fleet_page(db, FleetFilter(version="0.1.0"), now),
            "deep_page": lambda: fleet_page(db, FleetFilter(), now, after=deep),
            "stale_summary": lambda: fleet_summary(db, FleetFilter(stale_hours=48), now),
        }
        for label, query in queries.items():
            query()  # warm
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                query()
                times.append((time.perf_counter() - t) * 1000)
            out[f"{label}_p50_ms"] = round(statistics.median(times), 2)
            out[f"{label}_p95_ms"] = round(statistics.quantiles(times, n=20)[-1], 2)
    finally:
        db.close()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(json.dumps(out) if args.json else "\n".join(f"{k}: {v}" for k, v in out.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

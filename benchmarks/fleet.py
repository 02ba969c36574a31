"""Fleet benchmark: N simulated kiosks against the REAL central service on PostgreSQL.

    python benchmarks/fleet.py --kiosks 2000 --json
    python benchmarks/fleet.py --kiosks 200 --minutes 0.5 --workers 2 --json
    python benchmarks/fleet.py --kiosks 2000 --separate --json     # the protocol before /v1/sync

Each simulated kiosk is enrolled with its own one-time code and speaks the real protocol over
HTTP (asyncio + httpx; the wire objects are built with ``kiosk.wire``). A sync cycle is what the
kiosk's engine does with a central that offers it: ONE ``POST /v1/sync`` (pending events, both
cursors, the heartbeat), then separate calls only for more pages. With ``--separate`` it is the
protocol before that call: push pending events, pull order updates, pull catalog changes,
heartbeat, one request each.

Phases, one run:

1. set-up: a fresh PostgreSQL database (unless ``--db``), the synthetic catalog
   (``--products``), N enrollment codes; ``--workers`` central processes on that database
   (kiosks spread over them); every kiosk enrolls.
2. first syncs: a wave of ``--first-sync`` of the kiosks pages the whole catalog from the start;
   the database's rows read (``pg_stat_database`` tuples returned + fetched) are divided by them.
   Then the same wave again from the catalog snapshot (the pointer, the snapshot, the changes
   after its cursor), built beforehand: ``snapshot_first_sync_db_rows_read`` per kiosk, and the
   build's own rows once (``snapshot_build_db_rows_read``).
3. idle: every kiosk runs back-to-back idle cycles for a third of ``--minutes``; central's CPU
   (its worker processes plus the PostgreSQL backends of this database, from /proc) per cycle.
   Unless ``--separate`` or ``--no-before``, the same idle phase is first run with the separate
   calls, so one run measures before and after on the same machine, database and load:
   ``before_requests_per_idle_cycle``, ``before_server_cpu_ms_per_idle_cycle``.
4. mixed: the rest of the time, a cycle carries a new order (with its cash entry) with
   probability ``--order-rate`` and a cancellation of an earlier order with half of that; the CPU
   above the idle cost, per order.

Prints one JSON object: ``kiosks``, ``workers``, ``cycles``, ``cycles_per_s``, ``p50_ms``,
``p95_ms`` (one cycle, kiosk side, idle and mixed phases), ``protocol`` (``sync`` or
``separate``), ``errors`` (non-2xx answers or
failed requests, every phase), ``requests_per_idle_cycle``, ``server_cpu_ms_per_idle_cycle``,
``server_cpu_ms_per_order``, ``orders``, ``first_sync_kiosks``, ``first_sync_db_rows_read``,
``snapshot_first_sync_db_rows_read``, ``snapshot_build_db_rows_read``, ``snapshot_bytes``
(per kiosk), ``products``, ``seconds``. Run it on an otherwise quiet machine; see
docs/benchmarks.md for the latest figures and docs/central.md for the capacity arithmetic.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from central.db import CentralDb  # noqa: E402
from central.service import CentralService  # noqa: E402
from central.snapshots import Snapshots  # noqa: E402
from kiosk import wire  # noqa: E402
from kiosk.synthetic import generate_catalog, write_catalog_jsonl  # noqa: E402

PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
V1 = "/v1"


@dataclass
class Stats:
    """What the simulated kiosks measured."""

    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)
    cycle_ms: list[float] = field(default_factory=list)
    cycles: int = 0
    orders: int = 0
    requests: int = 0

    def error(self, kind: str) -> None:
        self.errors += 1
        self.error_kinds[kind] = self.error_kinds.get(kind, 0) + 1


@dataclass
class SimKiosk:
    """One enrolled kiosk's protocol state."""

    n: int
    base: str
    center_id: str = ""
    token: str = ""
    order_cursor: str = ""
    catalog_cursor: str = ""
    placed: list[tuple[str, int]] = field(default_factory=list)  # (order id, total fen)
    pending: list[dict[str, Any]] = field(default_factory=list)
    orders_placed: int = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _event(kind: str, subject: str, payload: dict[str, Any]) -> dict[str, Any]:
    return wire.Event(
        id=str(uuid.uuid4()), kind=wire.EventKind(kind), subject_id=subject,
        created_at=_now(), payload=payload,
    ).model_dump(mode="json")  # fmt: skip


def _order_events(k: SimKiosk, products: list[dict[str, Any]], rng: random.Random) -> int:
    order_id = str(uuid.uuid4())
    lines = []
    for p in rng.sample(products, rng.randint(1, 3)):
        qty = rng.randint(1, 3)
        lines.append(
            wire.OrderLineWire(
                sku=p["sku"], name=p["name"], unit=p["unit"], unit_price_fen=p["price_fen"],
                product_version=p["version"], qty=qty, line_total_fen=qty * p["price_fen"],
            )
        )  # fmt: skip
    total = sum(line.line_total_fen for line in lines)
    k.orders_placed += 1
    placed = wire.OrderPlacedPayload(
        order_id=order_id, local_no=f"{k.center_id}-{k.orders_placed:04d}", center_id=k.center_id,
        customer_name="村民", customer_phone="13900000000", payment="cash", total_fen=total,
        lines=lines, placed_at=_now(),
    )  # fmt: skip
    cash = wire.CashEntryPayload(
        entry_id=str(uuid.uuid4()), kind="order_cash", order_id=order_id, amount_fen=total,
        at=_now(),
    )  # fmt: skip
    k.pending.append(_event("order_placed", order_id, placed.model_dump(mode="json")))
    k.pending.append(_event("cash_entry", cash.entry_id, cash.model_dump(mode="json")))
    k.placed.append((order_id, total))
    return 1


def _cancel_event(k: SimKiosk) -> None:
    order_id, total = k.placed.pop(0)
    cancel = wire.OrderCancelledPayload(
        order_id=order_id, reason="村民不要了", refund_fen=total, cancelled_at=_now()
    )
    k.pending.append(_event("order_cancelled", order_id, cancel.model_dump(mode="json")))


async def _call(
    client: httpx.AsyncClient, stats: Stats, method: str, url: str, **kw: Any
) -> dict[str, Any] | None:
    stats.requests += 1
    try:
        resp = await client.request(method, url, **kw)
    except httpx.HTTPError as exc:
        stats.error(type(exc).__name__)
        return None
    if resp.status_code >= 300:
        stats.error(f"{resp.status_code} {url.rsplit('/', 1)[-1].split('?')[0]}")
        return None
    body: dict[str, Any] = resp.json()
    return body


async def _catalog_pages(
    client: httpx.AsyncClient, stats: Stats, k: SimKiosk, all_pages: bool
) -> None:
    while True:
        page = await _call(
            client, stats, "GET", f"{k.base}{V1}/catalog/changes",
            params={"cursor": k.catalog_cursor}, headers=k.headers,
        )  # fmt: skip
        if page is None:
            return
        k.catalog_cursor = page["next_cursor"]
        if not (all_pages and page["has_more"]):
            return


async def _snapshot_first_sync(
    client: httpx.AsyncClient, stats: Stats, k: SimKiosk, separate: bool
) -> None:
    """A first sync as the engine makes it with a central that offers snapshots: the pointer,
    the snapshot (no device token), then a cycle from its cursor."""
    info = await _call(
        client, stats, "GET", f"{k.base}{V1}/catalog/snapshots/latest", headers=k.headers
    )  # fmt: skip
    if info is None:
        return
    stats.requests += 1
    try:
        resp = await client.get(f"{k.base}{info['url']}")
    except httpx.HTTPError as exc:
        stats.error(type(exc).__name__)
        return
    if resp.status_code != 200 or hashlib.sha256(resp.content).hexdigest() != info["sha256"]:
        stats.error(f"{resp.status_code} snapshot")
        return
    k.catalog_cursor = info["cursor"]
    await _cycle(client, stats, k, first_sync=True, separate=separate)


def _beat(k: SimKiosk) -> dict[str, Any]:
    return wire.Heartbeat(
        app_version="fleet-bench", schema_revision=None, queue_depth=len(k.pending),
        oldest_unsent_age_s=None, last_error=None, disk_free_bytes=50 << 30, kiosk_time=_now(),
        catalog_cursor=k.catalog_cursor or None,
    ).model_dump(mode="json")  # fmt: skip


def _refused(stats: Stats, results: list[dict[str, Any]]) -> None:
    for r in results:
        if r["status"] == "rejected":
            stats.error(f"rejected {r.get('reason')}")


async def _order_pages(client: httpx.AsyncClient, stats: Stats, k: SimKiosk) -> None:
    while True:
        page = await _call(
            client, stats, "GET", f"{k.base}{V1}/orders/updates",
            params={"cursor": k.order_cursor}, headers=k.headers,
        )  # fmt: skip
        if page is None:
            return
        k.order_cursor = page["next_cursor"]
        if not page["has_more"]:
            return


async def _sync_cycle(
    client: httpx.AsyncClient, stats: Stats, k: SimKiosk, *, first_sync: bool = False
) -> None:
    """One sync cycle as the engine runs it with a central that offers ``POST /v1/sync``: one
    request, then separate calls only for what its reply did not hold."""
    batch = k.pending[: wire.MAX_EVENTS_PER_BATCH]
    body = {
        "events": batch,
        "orders_cursor": k.order_cursor,
        "catalog_cursor": k.catalog_cursor,
        "catalog_limit": wire.CATALOG_PAGE_MAX if first_sync else None,
        "heartbeat": _beat(k),
    }
    reply = await _call(
        client, stats, "POST", f"{k.base}{V1}/sync", json=body, headers=k.headers
    )  # fmt: skip
    if reply is None:
        return
    del k.pending[: len(batch)]
    _refused(stats, reply["results"])
    k.order_cursor = reply["order_updates"]["next_cursor"]
    k.catalog_cursor = reply["catalog"]["next_cursor"]
    if reply["order_updates"]["has_more"]:
        await _order_pages(client, stats, k)
    if reply["catalog"]["has_more"]:
        await _catalog_pages(client, stats, k, all_pages=True)


async def _cycle(
    client: httpx.AsyncClient, stats: Stats, k: SimKiosk, *, first_sync: bool = False,
    separate: bool = False,
) -> None:  # fmt: skip
    """One sync cycle: :func:`_sync_cycle`, or with ``separate`` the calls before it: push,
    order updates, catalog, heartbeat."""
    if not separate:
        await _sync_cycle(client, stats, k, first_sync=first_sync)
        return
    if k.pending:
        batch = k.pending[: wire.MAX_EVENTS_PER_BATCH]
        result = await _call(
            client, stats, "POST", f"{k.base}{V1}/events", json={"events": batch},
            headers=k.headers,
        )  # fmt: skip
        if result is not None:
            del k.pending[: len(batch)]
            _refused(stats, result["results"])
    updates = await _call(
        client, stats, "GET", f"{k.base}{V1}/orders/updates", params={"cursor": k.order_cursor},
        headers=k.headers,
    )  # fmt: skip
    if updates is not None:
        k.order_cursor = updates["next_cursor"]
    await _catalog_pages(client, stats, k, all_pages=first_sync)
    await _call(
        client, stats, "POST", f"{k.base}{V1}/heartbeat", json=_beat(k), headers=k.headers
    )  # fmt: skip


# --- central processes and their CPU -----------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_workers(
    db_url: str, count: int, log_dir: Path
) -> list[tuple[subprocess.Popen[bytes], str]]:
    procs = []
    for i in range(count):
        port = _free_port()
        log = (log_dir / f"central-{i}.log").open("wb")
        proc = subprocess.Popen(
            [sys.executable, "-m", "central.cli", "serve", "--db", db_url, "--port", str(port),
             "--log-level", "warning"],
            cwd=REPO, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        procs.append((proc, f"http://127.0.0.1:{port}"))
    deadline = time.monotonic() + 60
    for proc, base in procs:
        while True:
            try:
                if httpx.get(f"{base}{V1}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"central worker on {base} did not start (see {log_dir})")
            time.sleep(0.2)
    return procs


def _cpu_ms(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total * TICK_MS


def _backend_pids(admin: Any, dbname: str) -> list[int]:
    with admin.connect() as conn:
        rows = conn.execute(
            text("SELECT pid FROM pg_stat_activity WHERE datname = :d"), {"d": dbname}
        )
        return [int(r[0]) for r in rows]


def _rows_read(admin: Any, dbname: str) -> int:
    time.sleep(1.5)  # backends flush their statistics about once a second
    with admin.connect() as conn:
        conn.execute(text("SELECT pg_stat_clear_snapshot()"))
        row = conn.execute(
            text("SELECT tup_returned + tup_fetched FROM pg_stat_database WHERE datname = :d"),
            {"d": dbname},
        ).one()
    return int(row[0])


class ServerCpu:
    """CPU of central's workers plus the PostgreSQL backends of the benchmark's database."""

    def __init__(self, workers: list[int], admin: Any, dbname: str) -> None:
        self.workers, self.admin, self.dbname = workers, admin, dbname

    def sample(self) -> tuple[list[int], float]:
        pids = self.workers + _backend_pids(self.admin, self.dbname)
        return pids, _cpu_ms(pids)

    def since(self, start: tuple[list[int], float]) -> float:
        pids, before = start
        # Backends that appeared meanwhile count from zero; the pool keeps most of them alive.
        now_pids = self.workers + _backend_pids(self.admin, self.dbname)
        new = [p for p in now_pids if p not in pids]
        return _cpu_ms(pids) - before + _cpu_ms(new)


# --- the run -----------------------------------------------------------------------------------


async def _phase(
    kiosks: list[SimKiosk], client: httpx.AsyncClient, stats: Stats, seconds: float,
    products: list[dict[str, Any]], order_rate: float, seed: int, separate: bool,
) -> None:  # fmt: skip
    stop = time.monotonic() + seconds

    async def run(k: SimKiosk) -> None:
        rng = random.Random(seed * 100_003 + k.n)
        await asyncio.sleep(rng.uniform(0, 0.5))  # no thundering start
        while time.monotonic() < stop:
            if order_rate and rng.random() < order_rate:
                stats.orders += _order_events(k, products, rng)
            if order_rate and k.placed and rng.random() < order_rate / 2:
                _cancel_event(k)
            t0 = time.perf_counter()
            await _cycle(client, stats, k, separate=separate)
            stats.cycle_ms.append((time.perf_counter() - t0) * 1000)
            stats.cycles += 1

    await asyncio.gather(*(run(k) for k in kiosks))


async def _enroll_all(
    kiosks: list[SimKiosk], codes: list[str], client: httpx.AsyncClient, stats: Stats
) -> None:
    # The enrollment brake counts attempts in flight per address: a technician's burst from one
    # address is answered 429 + Retry-After, which the kiosk honours (as kiosk/sync does).
    sem = asyncio.Semaphore(8)

    async def one(k: SimKiosk, code: str) -> None:
        body = wire.EnrollRequest(code=code, device_name=f"bench-{k.n}", app_version="bench")
        for _ in range(30):
            async with sem:
                stats.requests += 1
                resp = await client.post(f"{k.base}{V1}/enroll", json=body.model_dump(mode="json"))
            if resp.status_code == 429:
                await asyncio.sleep(float(resp.headers.get("retry-after", "1")))
                continue
            if resp.status_code != 200:
                raise SystemExit(f"kiosk {k.n} could not enroll: {resp.status_code} {resp.text}")
            got = resp.json()
            k.token, k.center_id = got["token"], got["center_id"]
            return
        raise SystemExit(f"kiosk {k.n} could not enroll: throttled 30 times")

    await asyncio.gather(*(one(k, c) for k, c in zip(kiosks, codes, strict=True)))


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Set up, run the phases, tear down; returns the figures."""
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    dbname = ""
    db_url = args.db
    if db_url is None:
        dbname = f"fleet_bench_{os.getpid()}"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{dbname}"'))
        db_url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{dbname}"
    else:
        dbname = db_url.rsplit("/", 1)[-1]
    workdir = Path(tempfile.mkdtemp(prefix="fleet-bench-"))
    procs: list[tuple[subprocess.Popen[bytes], str]] = []
    try:
        central = CentralDb(db_url)
        central.migrate()
        service = CentralService(central)
        catalog = workdir / "catalog.jsonl"
        write_catalog_jsonl(generate_catalog(args.products, seed=7), catalog)
        service.import_catalog(catalog)
        codes = [service.create_enroll_code(f"F{i:06d}").code for i in range(args.kiosks)]
        first = service.catalog_page("", None)
        products = first.items[:200]
        central.close()

        procs = _start_workers(db_url, args.workers, workdir)
        cpu = ServerCpu([p.pid for p, _ in procs], admin, dbname)
        kiosks = [SimKiosk(n=i, base=procs[i % len(procs)][1]) for i in range(args.kiosks)]
        limits = httpx.Limits(
            max_connections=args.connections, max_keepalive_connections=args.connections
        )
        setup_stats, first_stats, stats = Stats(), Stats(), Stats()
        result: dict[str, Any] = {}

        async def main() -> None:
            async with httpx.AsyncClient(limits=limits, timeout=60) as client:
                await _enroll_all(kiosks, codes, client, setup_stats)
                # The latest cursor, for the kiosks whose catalog is already current.
                up_to_date = SimKiosk(n=-1, base=kiosks[0].base, token=kiosks[0].token)
                await _catalog_pages(client, setup_stats, up_to_date, all_pages=True)
                for k in kiosks:
                    k.catalog_cursor = up_to_date.catalog_cursor
                wave = kiosks[: max(1, int(len(kiosks) * args.first_sync))]
                before = _rows_read(admin, dbname)
                for k in wave:
                    k.catalog_cursor = ""
                await asyncio.gather(
                    *(
                        _cycle(client, first_stats, k, first_sync=True, separate=args.separate)
                        for k in wave
                    )
                )
                result["first_sync_kiosks"] = len(wave)
                result["first_sync_db_rows_read"] = round(
                    (_rows_read(admin, dbname) - before) / len(wave)
                )
                # The same wave from the catalog snapshot, built first (once, not per kiosk).
                before = _rows_read(admin, dbname)
                snap_db = CentralDb(db_url)
                built = Snapshots(snap_db, CentralService(snap_db).clock).build()
                snap_db.close()
                result["snapshot_build_db_rows_read"] = _rows_read(admin, dbname) - before
                result["snapshot_bytes"] = built.size
                before = _rows_read(admin, dbname)
                for k in wave:
                    k.catalog_cursor = ""
                await asyncio.gather(
                    *(_snapshot_first_sync(client, first_stats, k, args.separate) for k in wave)
                )
                result["snapshot_first_sync_db_rows_read"] = round(
                    (_rows_read(admin, dbname) - before) / len(wave)
                )

                idle_s = args.minutes * 60 / 3
                sep = Stats()
                if not (args.separate or args.no_before):
                    # The same idle phase with the calls of before /v1/sync: before and after
                    # measured in one run, on the same database and the same machine load.
                    start = cpu.sample()
                    await _phase(kiosks, client, sep, idle_s, products, 0.0, args.seed, True)
                    before_cpu = cpu.since(start)
                    result["before_requests_per_idle_cycle"] = round(
                        sep.requests / max(1, sep.cycles), 2
                    )
                    result["before_server_cpu_ms_per_idle_cycle"] = round(
                        before_cpu / max(1, sep.cycles), 2
                    )
                    result["before_idle_cycles"] = sep.cycles
                idle = Stats()
                start = cpu.sample()
                t0 = time.monotonic()
                await _phase(
                    kiosks, client, idle, idle_s, products, 0.0, args.seed, args.separate
                )  # fmt: skip
                idle_wall = time.monotonic() - t0
                idle_cpu = cpu.since(start)
                per_idle = idle_cpu / max(1, idle.cycles)
                result["requests_per_idle_cycle"] = round(idle.requests / max(1, idle.cycles), 2)
                result["server_cpu_ms_per_idle_cycle"] = round(per_idle, 2)
                result["idle_cycles"] = idle.cycles

                start = cpu.sample()
                t0 = time.monotonic()
                await _phase(
                    kiosks, client, stats, args.minutes * 60 - idle_s, products,
                    args.order_rate, args.seed + 1, args.separate,
                )  # fmt: skip
                mixed_wall = time.monotonic() - t0
                mixed_cpu = cpu.since(start)
                # Flush what is still queued so every order reaches central.
                await asyncio.gather(
                    *(_cycle(client, stats, k, separate=args.separate) for k in kiosks if k.pending)
                )
                result["orders"] = stats.orders
                result["server_cpu_ms_per_order"] = (
                    round((mixed_cpu - per_idle * stats.cycles) / stats.orders, 2)
                    if stats.orders
                    else None
                )
                cycle_ms = idle.cycle_ms + stats.cycle_ms
                cycles = idle.cycles + stats.cycles
                result["cycles"] = cycles
                result["cycles_per_s"] = round(cycles / (idle_wall + mixed_wall), 1)
                result["p50_ms"] = round(statistics.median(cycle_ms), 1) if cycle_ms else None
                result["p95_ms"] = (
                    round(statistics.quantiles(cycle_ms, n=20)[-1], 1)
                    if len(cycle_ms) >= 20
                    else None
                )
                every = (setup_stats, first_stats, sep, idle, stats)
                result["errors"] = sum(s.errors for s in every)
                kinds: dict[str, int] = {}
                for s in every:
                    for kind, n in s.error_kinds.items():
                        kinds[kind] = kinds.get(kind, 0) + n
                result["error_kinds"] = kinds

        t_start = time.monotonic()
        asyncio.run(main())
        return {
            "kiosks": args.kiosks,
            "workers": args.workers,
            "protocol": "separate" if args.separate else "sync",
            "products": args.products,
            **result,
            "seconds": round(time.monotonic() - t_start, 1),
        }
    finally:
        for proc, _ in procs:
            proc.terminate()
        for proc, _ in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        if args.db is None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)'))
        admin.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=2000)
    parser.add_argument("--minutes", type=float, default=1.5, help="idle + mixed phases")
    parser.add_argument("--workers", type=int, default=1, help="central processes")
    parser.add_argument("--db", help="a PostgreSQL URL (default: a fresh database, dropped after)")
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--first-sync", type=float, default=0.05, help="share of kiosks")
    parser.add_argument("--order-rate", type=float, default=0.05, help="orders per cycle")
    parser.add_argument("--connections", type=int, default=64, help="HTTP connections in all")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--separate", action="store_true", help="the calls of before POST /v1/sync, one each"
    )
    parser.add_argument(
        "--no-before", action="store_true", help="skip the idle phase with the separate calls"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    figures = run(args)
    if args.json:
        print(json.dumps(figures))
    else:
        for key, value in figures.items():
            print(f"{key}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

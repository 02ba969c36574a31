"""Sync benchmark: a first catalog sync from a REAL central service, through a byte-counting proxy.

    python benchmarks/sync.py --products 100000 --json
    python benchmarks/sync.py --products 10000 --link 2g --json

Prints one JSON object:

* ``wire_bytes``: bytes on the wire of the catalog **responses** of the first sync (status line,
  headers and compressed body, as counted by the proxy), the reply of ``POST /v1/sync`` (which
  carries the first page) included; ``wire_bytes_total`` adds every request and
  every other call of the cycle (push, order updates, heartbeat), both directions.
* ``gzip_floor_bytes``: ``gzip -6`` (zlib level 6) of the canonical JSON Lines of the same products
  as the kiosk receives them (central's ``product_wire`` objects, compact, UTF-8), same run.
* ``seconds`` / ``products_per_s``: the first ``run_once()`` end to end, applying to the store.
  Central runs on the same machine, so this shares the CPU with central's pages and the fetcher
  thread's search keys. ``store_products_per_s`` is the kiosk-side write throughput alone: products
  over the wall time spent inside the page-apply transactions (``SyncEngine._apply_catalog_page``,
  commit included); ``store_cpu_s`` is the applying thread's CPU time in them (less sensitive to
  the shared machine's load).
* ``delta_wire_bytes``: catalog response bytes of the next sync after 1 % of prices changed.
* ``resume_waste_bytes``: a second kiosk's first sync is cut by the proxy at about 90 % (in the
  middle of a page, no retry: the link is gone), then resumed; waste = its catalog bytes minus
  the clean first sync's.
* ``target_ok``: each target of docs/benchmarks.md (``--link 2g``: only the time target applies).
* ``snapshot``: first syncs of fresh kiosks from the catalog snapshot against first syncs paging
  the feed (the figures above page it too), alternated in the same run (paged, snapshot, paged,
  snapshot): ``paged_seconds`` / ``snapshot_seconds`` (each run), ``paged_wire_bytes`` /
  ``snapshot_wire_bytes`` (every ``/v1/catalog/`` response: pointer, snapshot, pages) and
  ``build_seconds`` (``kiosk-central catalog snapshot``, before the first of them).

``--link 2g`` makes the proxy emulate 256 kbit/s and 400 ms round trips. ``--accept-encoding
gzip`` plays a kiosk that does not ask for zstd (the baseline of docs/benchmarks.md: run both,
alternating, and compare).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from sqlalchemy import select  # noqa: E402

from central.catalog import product_wire  # noqa: E402
from central.db import CentralDb  # noqa: E402
from central.models import Product as CentralProduct  # noqa: E402
from central.service import CentralService  # noqa: E402
from kiosk.storage.store import KioskStore  # noqa: E402
from kiosk.sync.client import (  # noqa: E402
    ACCEPT_ENCODING,
    CentralClient,
    RetryPolicy,
    Timeouts,
    make_http_client,
)
from kiosk.sync.credentials import KeyringCredentials  # noqa: E402
from kiosk.sync.engine import SyncEngine  # noqa: E402
from kiosk.sync.factory import enroll  # noqa: E402
from kiosk.synthetic import generate_catalog, write_catalog_jsonl  # noqa: E402
from tests.helpers.central_server import start_central_server  # noqa: E402
from tests.helpers.fake_keyring import MemoryKeyring  # noqa: E402
from tests.helpers.fault_proxy import PASS, Fault, FaultProxy, Link, Script  # noqa: E402

CATALOG = "/v1/catalog/changes"
#: Replies that carry catalog pages: the first page travels in ``POST /v1/sync``'s reply.
CATALOG_REPLIES = (CATALOG, "/v1/sync")


def _catalog_down(exchanges: Any) -> int:
    return sum(e.bytes_down for e in exchanges if e.target.startswith(CATALOG_REPLIES))


#: Every catalog response: the feed, the snapshot pointer and the snapshot.
CATALOG_ANY = "/v1/catalog/"


def _gzip_floor(db_url: str) -> tuple[int, int]:
    """(gzip -6 size, raw size) of central's catalog as canonical JSON Lines."""
    db = CentralDb(db_url)
    try:
        with db.read() as s:
            lines = [
                json.dumps(product_wire(p), ensure_ascii=False, separators=(",", ":")) + "\n"
                for p in s.scalars(select(CentralProduct).order_by(CentralProduct.version))
            ]
    finally:
        db.close()
    raw = "".join(lines).encode("utf-8")
    return len(gzip.compress(raw, compresslevel=6)), len(raw)


def _change_prices(db_url: str, share: float, seed: int) -> int:
    """Publish a new price for ``share`` of the products, in one transaction (operator batch)."""
    db = CentralDb(db_url)
    service = CentralService(db)
    rng = random.Random(seed)
    try:
        with db.write() as s:
            skus = list(
                s.scalars(select(CentralProduct.sku).where(CentralProduct.deleted.is_(False)))
            )
            chosen = rng.sample(skus, max(1, int(len(skus) * share)))
            for sku in chosen:
                service.publish_product(s, sku, price_fen=rng.randrange(100, 100_000))
    finally:
        db.close()
    return len(chosen)


class _Kiosk:
    def __init__(self, root: Path, url: str, code: str, keyring: MemoryKeyring) -> None:
        self.store = KioskStore.open(root)
        self.device_id = enroll(self.store, url, code, backend=keyring).device_id
        self.keyring = keyring

    def engine(
        self,
        url: str,
        timeouts: Timeouts,
        policy: RetryPolicy,
        accept: str | None = None,
        *,
        snapshots: bool = False,
    ) -> SyncEngine:
        http = make_http_client(url, timeouts)
        if accept is not None:
            http.headers["Accept-Encoding"] = accept
        client = CentralClient(http, policy=policy, timeouts=timeouts)
        creds = KeyringCredentials(self.device_id, backend=self.keyring)
        return SyncEngine(self.store, client, creds, media_per_run=0, snapshots=snapshots)


def _snapshot_vs_paged(
    tmp: Path, server: Any, proxy: FaultProxy, keyring: MemoryKeyring, products: int,
    timeouts: Timeouts, policy: RetryPolicy,
) -> dict[str, Any]:  # fmt: skip
    """Fresh kiosks' first syncs, alternating paged and snapshot (see the module docstring)."""
    t0 = time.perf_counter()
    server.cli_json("catalog", "snapshot")
    out: dict[str, Any] = {"build_seconds": round(time.perf_counter() - t0, 3)}
    for key in ("paged_seconds", "snapshot_seconds", "paged_wire_bytes", "snapshot_wire_bytes"):
        out[key] = []
    for i, snapshots in enumerate((False, True, False, True)):
        kind = "snapshot" if snapshots else "paged"
        k = _Kiosk(tmp / f"s{i}", proxy.url, server.enroll_code(f"S{i:03d}"), keyring)
        engine = k.engine(proxy.url, timeouts, policy, snapshots=snapshots)
        mark = len(proxy.stats().exchanges)
        t1 = time.perf_counter()
        summary = engine.run_once()
        out[f"{kind}_seconds"].append(round(time.perf_counter() - t1, 3))
        assert summary.ok and summary.pulled_products == products, summary.errors
        out[f"{kind}_wire_bytes"].append(proxy.stats().down_bytes(CATALOG_ANY, since=mark))
        engine.client.close()
        k.store.close()
    out["load_avg_1m_after"] = round(os.getloadavg()[0], 2)
    return out


def _time_page_applies(engine: SyncEngine) -> list[tuple[float, float]]:
    """Record (wall, thread CPU) seconds of each catalog page applied by ``engine``."""
    spent: list[tuple[float, float]] = []
    real = engine._apply_catalog_page

    def timed(*args: Any, **kwargs: Any) -> bool:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append((time.perf_counter() - wall, time.thread_time() - cpu))

    engine._apply_catalog_page = timed  # type: ignore[method-assign]
    return spent


def run(
    products: int, link: Link | None, page_size: int | None, accept: str | None = None
) -> dict[str, Any]:
    """Run the whole benchmark in a temporary folder; return the result object."""
    with tempfile.TemporaryDirectory(prefix="sync-bench-") as tmp_name:
        tmp = Path(tmp_name)
        catalog_file = tmp / "catalog.jsonl"
        write_catalog_jsonl(generate_catalog(products, seed=0), catalog_file)
        server = start_central_server(tmp / "central")
        keyring = MemoryKeyring()
        timeouts = Timeouts(connect=30, read=120, write=120, pool=30, total=3600)
        policy = RetryPolicy(max_attempts=4, base_delay_s=0.2)
        try:
            server.import_catalog(catalog_file)
            floor, raw = _gzip_floor(server.db_url)
            with FaultProxy("127.0.0.1", server.port, link=link) as proxy:
                kiosk = _Kiosk(tmp / "k1", proxy.url, server.enroll_code("C001"), keyring)
                engine = kiosk.engine(proxy.url, timeouts, policy, accept)
                engine.catalog_page_size = page_size
                mark = len(proxy.stats().exchanges)
                load_before = os.getloadavg()[0]
                applying = _time_page_applies(engine)
                t0 = time.perf_counter()
                first = engine.run_once()
                seconds = time.perf_counter() - t0
                del engine._apply_catalog_page  # back to the class's method
                assert first.ok and first.pulled_products == products, first.errors
                store_s = sum(wall for wall, _cpu in applying)
                store_cpu_s = sum(cpu for _wall, cpu in applying)
                ex = proxy.stats().exchanges[mark:]
                wire_bytes = _catalog_down(ex)
                wire_total = sum(e.bytes_down + e.bytes_up for e in ex)
                pages = sum(1 for e in ex if e.target.startswith(CATALOG_REPLIES))
                largest_page = max(e.bytes_down for e in ex if e.target.startswith(CATALOG_REPLIES))

                # Resume: a second kiosk, cut in the middle of the page at about 90 %.
                k2 = _Kiosk(tmp / "k2", proxy.url, server.enroll_code("C002"), keyring)
                full_pages = max(0, int(pages * 0.9) - 1)
                proxy.set_plan(
                    Script([PASS] * full_pages + [Fault.cut(largest_page // 2)], only=CATALOG)
                )
                e2 = k2.engine(proxy.url, timeouts, RetryPolicy(max_attempts=1), accept)
                e2.catalog_page_size = page_size
                mark = len(proxy.stats().exchanges)
                cut_run = e2.run_once()
                proxy.heal()
                proxy.set_link(link)  # heal() restores full speed; the link stays as it was
                resumed = e2.run_once()
                assert not cut_run.ok and resumed.ok, (cut_run.errors, resumed.errors)
                k2_bytes = _catalog_down(proxy.stats().exchanges[mark:])
                resume_waste = k2_bytes - wire_bytes

                # Delta: 1 % of prices change on central; the next sync of the first kiosk.
                changed = _change_prices(server.db_url, 0.01, seed=1)
                mark = len(proxy.stats().exchanges)
                t1 = time.perf_counter()
                delta = engine.run_once()
                delta_seconds = time.perf_counter() - t1
                assert delta.ok and delta.pulled_products == changed, delta.errors
                delta_bytes = _catalog_down(proxy.stats().exchanges[mark:])
                snapshot = _snapshot_vs_paged(
                    tmp, server, proxy, keyring, products, timeouts, policy
                )
                engine.client.close()
                e2.client.close()
                kiosk.store.close()
                k2.store.close()
        finally:
            server.stop()
    result: dict[str, Any] = {
        "products": products,
        "wire_bytes": wire_bytes,
        "gzip_floor_bytes": floor,
        "seconds": round(seconds, 3),
        "products_per_s": round(products / seconds, 1),
        "store_s": round(store_s, 3),
        "store_products_per_s": round(products / store_s, 1),
        "store_cpu_s": round(store_cpu_s, 3),
        "delta_wire_bytes": delta_bytes,
        "resume_waste_bytes": resume_waste,
        "wire_bytes_total": wire_total,
        "jsonl_bytes": raw,
        "wire_over_floor": round(wire_bytes / floor, 4),
        "pages": pages,
        "page_size": page_size or "auto",
        "largest_page_bytes": largest_page,
        "delta_products": changed,
        "delta_seconds": round(delta_seconds, 3),
        "link": "2g" if link else "loopback",
        "accept_encoding": accept or ACCEPT_ENCODING,
        # The dev box is shared: the 1-minute load average before the first sync, for context.
        "load_avg_1m": round(load_before, 2),
        "snapshot": snapshot,
    }
    if link is None:
        result["target_ok"] = {
            "wire_bytes": wire_bytes <= 0.90 * floor,
            "products_per_s": products / seconds >= 30_000,
            "delta_wire_bytes": delta_bytes <= 0.02 * wire_bytes,
            "resume_waste_bytes": resume_waste <= largest_page,
        }
    else:
        budget = 1.1 * wire_bytes * 8 / 256_000
        result["seconds_budget"] = round(budget, 3)
        result["target_ok"] = {"seconds": seconds <= budget}
    return result


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--link", choices=["2g"], default=None, help="emulate a slow link")
    parser.add_argument(
        "--page-size",
        type=int,
        default=None,
        help="products per catalog page (default: the engine's own choice)",
    )
    parser.add_argument(
        "--accept-encoding",
        default=None,
        help="the kiosk's Accept-Encoding (default: the client's own, zstd first)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    link = Link.two_g() if args.link == "2g" else None
    result = run(args.products, link, args.page_size, args.accept_encoding)
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>20}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""USB catalog benchmark: central's export, the kiosk's import of it, and the cost of the full
catalog walk that a hand-made file import on a synced kiosk causes (docs/sync-protocol.md,
"Catalogs from a USB stick").

    python benchmarks/usb_catalog.py --products 20000 --json

Uses a real central on a SQLite file served by uvicorn on 127.0.0.1 (in a thread), a real kiosk
store and the real sync engine; synthetic products (``kiosk.synthetic``), without pictures.
Prints one JSON object:

* ``export_s``: ``CentralService.export_catalog`` of every product;
* ``kiosk_import_s``: the kiosk's import of that file into an empty store;
* ``first_sync_s`` / ``first_sync_pulled``: the first sync of that seeded kiosk (every product
  comes again, none is written: they are central's already);
* ``delta_sync_s``: a sync after 1 price change at central (the ordinary case);
* ``walk_sync_s`` / ``walk_sync_pulled``: the sync after a hand-made file changed 1 product on
  the synced kiosk (the whole feed is walked again).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from central.db import CentralDb  # noqa: E402
from central.service import CentralService  # noqa: E402
from kiosk.storage.catalog import import_catalog_file  # noqa: E402
from kiosk.storage.store import KioskStore  # noqa: E402
from kiosk.sync.client import CentralClient, RetryPolicy, Timeouts, make_http_client  # noqa: E402
from kiosk.sync.credentials import KeyringCredentials  # noqa: E402
from kiosk.sync.engine import SyncEngine  # noqa: E402
from kiosk.sync.factory import enroll  # noqa: E402
from kiosk.synthetic import generate_catalog, write_catalog_jsonl  # noqa: E402
from tests.helpers.central_in_thread import CentralInThread  # noqa: E402
from tests.helpers.fake_keyring import MemoryKeyring  # noqa: E402


def _timed(fn: Any) -> tuple[Any, float]:
    t0 = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t0


def run(products: int) -> dict[str, Any]:
    """Run the benchmark in a temporary folder; return the result object."""
    with tempfile.TemporaryDirectory(prefix="usb-bench-") as tmp_name:
        tmp = Path(tmp_name)
        source = tmp / "source.jsonl"
        write_catalog_jsonl(generate_catalog(products, seed=0), source)
        db = CentralDb(f"sqlite:///{tmp / 'central.db'}")
        db.migrate()
        service = CentralService(db)
        service.import_catalog(source)
        (tmp / "usb").mkdir()
        exported, export_s = _timed(lambda: service.export_catalog(tmp / "usb" / "catalog.jsonl"))
        store = KioskStore.open(tmp / "kiosk")
        _, import_s = _timed(lambda: import_catalog_file(store, tmp / "usb" / "catalog.jsonl"))
        timeouts = Timeouts(connect=30, read=120, write=120, pool=30, total=3600)
        keyring = MemoryKeyring()
        with CentralInThread(service) as central:
            code = service.create_enroll_code("C001").code
            device = enroll(store, central.url, code, backend=keyring).device_id
            client = CentralClient(
                make_http_client(central.url, timeouts),
                policy=RetryPolicy(max_attempts=4, base_delay_s=0.2),
                timeouts=timeouts,
            )
            engine = SyncEngine(
                store, client, KeyringCredentials(device, backend=keyring), media_per_run=0
            )
            first, first_s = _timed(engine.run_once)
            assert first.ok, first.errors
            sku = generate_catalog(1, seed=0)[0].sku
            service.set_price(sku, 12345)
            delta, delta_s = _timed(engine.run_once)
            assert delta.ok and delta.pulled_products == 1, delta.errors
            (tmp / "usb" / "hand.jsonl").write_text(
                json.dumps(
                    {"sku": sku, "name": "手写", "category": "x", "price_fen": 1, "unit": "个"},
                    ensure_ascii=False,
                )
                + "\n",
                encoding="utf-8",
            )
            import_catalog_file(store, tmp / "usb" / "hand.jsonl")
            walk, walk_s = _timed(engine.run_once)
            assert walk.ok, walk.errors
            client.close()
        store.close()
        db.close()
    return {
        "products": products,
        "export_s": round(export_s, 3),
        "exported": exported.products,
        "kiosk_import_s": round(import_s, 3),
        "first_sync_s": round(first_s, 3),
        "first_sync_pulled": first.pulled_products,
        "delta_sync_s": round(delta_s, 3),
        "walk_sync_s": round(walk_s, 3),
        "walk_sync_pulled": walk.pulled_products,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=20000)
    parser.add_argument("--json", action="store_true", help="print JSON (the default output)")
    args = parser.parse_args()
    print(json.dumps(run(args.products)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Child process of the kill-during-commit test: place orders forever, acknowledging each one after
its commit.

Run as ``python -m tests.helpers.order_child DATA_DIR [SEED]``. The data directory must already
hold a migrated store with orderable products. After each ``place_order`` returns (its COMMIT
returned) the child prints ``ACK <order_id> <nlines>`` and flushes, so every line the parent reads
is a promise that the order is durable. Printing ``READY`` first lets the parent tell start-up
apart from work.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path

from sqlalchemy import select

from kiosk.customers import Customer
from kiosk.orders import LineRequest, Payment
from kiosk.storage.models import Product
from kiosk.storage.orders import place_order
from kiosk.storage.store import KioskStore


def main(argv: list[str]) -> int:
    """Place orders until killed."""
    data_dir = Path(argv[0])
    rng = random.Random(int(argv[1]) if len(argv) > 1 else os.getpid())
    store = KioskStore.open(data_dir)
    with store.read() as s:
        skus = list(s.scalars(select(Product.sku).where(Product.active.is_(True))))
    customers = [Customer.of(f"村民{i}", f"139{i:08d}") for i in range(20)]
    out = sys.stdout
    out.write("READY\n")
    out.flush()
    while True:
        lines = [LineRequest(sku, rng.randint(1, 9)) for sku in rng.sample(skus, rng.randint(1, 5))]
        placed = place_order(store, rng.choice(customers), lines, Payment.CASH)
        out.write(f"ACK {placed.order_id} {len(lines)}\n")
        out.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

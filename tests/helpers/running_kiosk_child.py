"""Child process: a kiosk that has started as the GUI does, then places orders until killed.

Run as ``python -m tests.helpers.running_kiosk_child DATA_DIR [SEED]``. It opens the store the
way the GUI's start-up does (:func:`kiosk.storage.recovery.open_or_recover`), runs the GUI's
after-start store check (:func:`kiosk.storage.recovery.verify_store`) in the same process, prints
``READY <verdict>``, then places orders one after another, printing ``ACK <order id>
<nlines>`` after each commit returned. Every ACK is a promise that the order is durable.
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
from kiosk.storage.recovery import open_or_recover, verify_store


def main(argv: list[str]) -> int:
    """Start like the GUI, then place orders until killed."""
    data_dir = Path(argv[0])
    rng = random.Random(int(argv[1]) if len(argv) > 1 else os.getpid())
    store, _report = open_or_recover(data_dir, refresh_search=False)
    verdict = verify_store(data_dir)
    with store.read() as s:
        skus = list(s.scalars(select(Product.sku).where(Product.active.is_(True)).limit(50)))
    customers = [Customer.of(f"村民{i}", f"139{i:08d}") for i in range(20)]
    out = sys.stdout
    out.write(f"READY {verdict}\n")
    out.flush()
    while True:
        lines = [LineRequest(sku, rng.randint(1, 3)) for sku in rng.sample(skus, rng.randint(1, 3))]
        placed = place_order(store, rng.choice(customers), lines, Payment.CASH)
        out.write(f"ACK {placed.order_id} {len(lines)}\n")
        out.flush()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

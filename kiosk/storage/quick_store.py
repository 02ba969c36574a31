"""The store opened with ``sqlite3`` alone, for the command line's order path.

``kiosk orders place`` should answer about as fast as Python starts. Opening the store through
:class:`~kiosk.storage.store.KioskStore` imports SQLAlchemy and the models, which is most of a
second on a shop PC (docs/benchmarks.md, "Command line"). When the store is ready as it is, this
module opens it with the same pragmas (WAL, ``synchronous=FULL``, :mod:`kiosk.kernel.sqlite`) and
places orders with the same statements as :func:`kiosk.storage.orders.place_order`
(:mod:`kiosk.storage.order_rows`), in one ``BEGIN IMMEDIATE`` … ``COMMIT`` each.

"Ready" means: the database exists, its files pass the cheap damage probe, its schema is at
:data:`SCHEMA_HEAD` and its search index has this code's key format. Otherwise
:func:`open_ready` returns ``None`` and the caller opens :class:`KioskStore`, which backs up and
migrates, rebuilds, or refuses a damaged file exactly as it always does.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable, Sequence
from pathlib import Path

from kiosk.customers import Customer
from kiosk.ids import uuid7
from kiosk.kernel.clock import utc_now_text
from kiosk.kernel.dbfiles import register_engine
from kiosk.kernel.sqlite import raw_connect
from kiosk.orders import LineRequest, Payment, merge_lines
from kiosk.pickup import PickupSecret, hash_pickup_code, new_pickup_code
from kiosk.storage.backup import BACKUP_DIRNAME
from kiosk.storage.damage import probe_files
from kiosk.storage.order_rows import PlacedOrder, orderable_rows, write_audit, write_order
from kiosk.storage.permissions import private_dir, secure_data_dir
from kiosk.storage.settings import SEARCH_KEYS_VERSION

log = logging.getLogger("kiosk.storage.orders")

DB_FILENAME = "kiosk.db"
#: The newest schema revision this code knows; ``tests/storage/test_schema_head.py`` checks it
#: against Alembic's head so it cannot drift. Lets start-up skip importing Alembic when current.
SCHEMA_HEAD = "0006"


def open_ready(data_dir: Path) -> QuickStore | None:
    """The store in ``data_dir`` on a plain connection, or ``None`` when it needs the full open."""
    path = data_dir / DB_FILENAME
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return None  # a new kiosk: KioskStore creates the schema
        private_dir(data_dir)  # the same permission rules as KioskStore.open
        if probe_files(path) is not None:
            return None
        secure_data_dir(data_dir, DB_FILENAME, BACKUP_DIRNAME)
    except OSError:
        return None
    from kiosk.search_keys import KEYS_VERSION

    try:
        conn = raw_connect(path)
    except sqlite3.Error:
        return None
    try:
        revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        keys = conn.execute(
            "SELECT value FROM settings WHERE key = ?", (SEARCH_KEYS_VERSION,)
        ).fetchone()
    except sqlite3.Error:
        conn.close()
        return None
    if revision != (SCHEMA_HEAD,) or keys != (str(KEYS_VERSION),):
        conn.close()
        return None
    store = QuickStore(data_dir, conn)
    # The live database files rule holds here too: no plain file I/O on them while open.
    register_engine(path, store)
    return store


class _OneConnection:
    """What :mod:`kiosk.kernel.dbfiles` asks of an engine's pool: how many connections are open."""

    def __init__(self) -> None:
        self.open = 1

    def checkedin(self) -> int:
        return self.open

    def checkedout(self) -> int:
        return 0


class QuickStore:
    """An open store on one plain ``sqlite3`` connection (autocommit; explicit transactions).

    Attributes:
        data_dir: the kiosk's data directory.
    """

    def __init__(self, data_dir: Path, conn: sqlite3.Connection) -> None:
        self.data_dir = data_dir
        self._conn = conn
        self._pool = _OneConnection()

    @property
    def pool(self) -> _OneConnection:
        """For :func:`kiosk.kernel.dbfiles.register_engine`: one connection, open or closed."""
        return self._pool

    def check_orderable(self, skus: Iterable[str]) -> None:
        """Check every SKU can be ordered now (one read transaction).

        Raises:
            InvalidInput: naming the first SKU that is unknown, inactive or out of stock.
        """
        cur = self._conn.cursor()
        cur.execute("BEGIN")
        try:
            orderable_rows(cur, skus)
        finally:
            cur.execute("ROLLBACK")
            cur.close()

    def place_order(
        self,
        customer: Customer,
        lines: Sequence[LineRequest],
        payment: Payment,
        *,
        actor: str = "villager",
    ) -> PlacedOrder:
        """:func:`kiosk.storage.orders.place_order` on this connection: the same rows, one
        ``BEGIN IMMEDIATE`` … ``COMMIT``; returns only after the COMMIT returned."""
        merged = merge_lines(list(lines))
        payment = Payment(payment)
        code = new_pickup_code()
        secret = PickupSecret(code, *hash_pickup_code(code))  # before the write lock
        order_id = uuid7()
        now = utc_now_text()
        cur = self._conn.cursor()
        try:
            cur.execute("BEGIN IMMEDIATE")
            try:
                placed = write_order(
                    cur,
                    order_id=order_id,
                    now=now,
                    customer=customer,
                    lines=merged,
                    payment=payment,
                    secret=secret,
                    actor=actor,
                )
                write_audit(cur, now, actor, "order_placed", order_id, placed.local_no)
                cur.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.rollback()
                raise
        finally:
            cur.close()
        log.info("order %s placed as %s (%d lines)", order_id, placed.local_no, len(merged))
        return placed

    def close(self) -> None:
        """Close the connection (the last one to close checkpoints the WAL)."""
        self._conn.close()
        self._pool.open = 0

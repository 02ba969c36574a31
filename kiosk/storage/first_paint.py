"""The kiosk's first screen read with ``sqlite3`` alone, and the store opened after it is painted.

Opening :class:`~kiosk.storage.store.KioskStore` imports SQLAlchemy and the models: on the shop's
PC that is most of the time between starting the kiosk and seeing its home screen
(docs/benchmarks.md, "GUI start-up"). When the store is ready as it is, :func:`read_first_paint`
reads what the home screen shows (the language, the center's name, the category tiles and the
featured products) on one plain connection, the window paints it, and only then does
:class:`DeferredStore` open the real store.

"Ready" is :func:`kiosk.storage.quick_store.open_ready`'s rule without the search-key check (the
home screen does not search; an old index is rebuilt after the first paint as always), plus: not
flagged damaged. Anything else (a new kiosk, a schema to migrate, a damaged or unreadable file)
returns ``None`` and the kiosk opens the store first, as it always did, which migrates, repairs
or refuses.

The reads below are :func:`kiosk.storage.browsing.category_tiles`, ``featured_products`` and
:func:`kiosk.storage.admin.pins_configured` in SQL; ``tests/storage/test_first_paint.py`` checks
they answer the same on the same stores.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk.admin import PIN_ROLES
from kiosk.kernel.sqlite import raw_connect
from kiosk.storage.cards import CategoryTile, ProductCard, pick_featured
from kiosk.storage.damage import marker_path, probe_files
from kiosk.storage.quick_store import DB_FILENAME, SCHEMA_HEAD
from kiosk.storage.settings import CENTER_NAME, LANGUAGE, SERVER_URL

if TYPE_CHECKING:
    from kiosk.storage.store import KioskStore


@dataclass(frozen=True)
class FirstPaint:
    """What the kiosk's first screen needs from the store.

    Attributes:
        language: the language chosen at first run (``None``: not chosen).
        center_name: the center's name for the top bar ("" when not set).
        connected: a central server is configured (enrolled).
        pins_set: every role that needs a PIN has one (else the first-run wizard opens).
        tiles: the home screen's category tiles.
        featured: the home screen's featured products.
    """

    language: str | None
    center_name: str
    connected: bool
    pins_set: bool
    tiles: list[CategoryTile]
    featured: list[ProductCard]


_TILES_SQL = """
SELECT c.name, t.n, t.img
FROM categories AS c
JOIN (SELECT category_id, count(*) AS n, min(image_hash) AS img
      FROM products WHERE active IS 1 GROUP BY category_id) AS t
  ON t.category_id = c.id
WHERE c.active IS 1
ORDER BY c.sort_order, c.id
"""

_FEATURED_SQL = """
SELECT p.sku, p.name, p.price_fen, p.unit, c.name, p.image_hash, p.stock
FROM products AS p JOIN categories AS c ON c.id = p.category_id
WHERE p.active IS 1 AND p.stock != 'out_of_stock'
ORDER BY p.views DESC, p.id
LIMIT ?
"""


def read_first_paint(data_dir: Path, featured_count: int) -> FirstPaint | None:
    """What the home screen shows, or ``None`` when the store must be opened first."""
    path = data_dir / DB_FILENAME
    try:
        if marker_path(data_dir).exists() or not path.is_file() or path.stat().st_size == 0:
            return None
        if probe_files(path) is not None:
            return None
    except OSError:
        return None
    try:
        conn = raw_connect(path)
    except sqlite3.Error:
        return None
    try:
        return _read(conn, featured_count)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, featured_count: int) -> FirstPaint | None:
    conn.execute("BEGIN")  # one snapshot for every read below
    try:
        if conn.execute("SELECT version_num FROM alembic_version").fetchall() != [(SCHEMA_HEAD,)]:
            return None
        wanted = (LANGUAGE, CENTER_NAME, SERVER_URL)
        settings = dict(
            conn.execute("SELECT key, value FROM settings WHERE key IN (?, ?, ?)", wanted)
        )
        have = {r[0] for r in conn.execute("SELECT role FROM admin_pins")}
        tiles = [CategoryTile(str(r[0]), int(r[1]), r[2]) for r in conn.execute(_TILES_SQL)]
        rows = conn.execute(_FEATURED_SQL, (featured_count * 10,)).fetchall()
    finally:
        conn.execute("ROLLBACK")
    return FirstPaint(
        language=settings.get(LANGUAGE),
        center_name=settings.get(CENTER_NAME) or "",
        connected=bool(settings.get(SERVER_URL)),
        pins_set=all(role.value in have for role in PIN_ROLES),
        tiles=tiles,
        featured=pick_featured([ProductCard(*r) for r in rows], featured_count),
    )


class DeferredStore:
    """Stands for the kiosk's :class:`KioskStore` until it is opened.

    The window is built and painted with this in the store's place; :meth:`open` (called after
    the first paint) opens the real store with ``opener``, and every other attribute is the real
    store's, opening it first if nobody has yet (whichever thread asks first; the others wait).
    ``data_dir``, ``path`` and ``media_dir`` are known without opening.
    """

    def __init__(self, data_dir: Path, opener: Callable[[], KioskStore]) -> None:
        self.data_dir = data_dir
        self.path = data_dir / DB_FILENAME
        self._opener = opener
        self._store: KioskStore | None = None
        self._lock = threading.Lock()

    @property
    def media_dir(self) -> Path:
        """As :attr:`KioskStore.media_dir` (the folder needs no open store)."""
        return self.data_dir / "media"

    @property
    def opened(self) -> bool:
        """The real store is open."""
        return self._store is not None

    def open(self) -> KioskStore:
        """The real store, opened now if it is not yet."""
        store = self._store
        if store is not None:
            return store
        with self._lock:
            if self._store is None:
                self._store = self._opener()
            return self._store

    def close(self) -> None:
        """Close the real store if it was opened (a kiosk closed before that opens nothing)."""
        with self._lock:
            if self._store is not None:
                self._store.close()

    def __enter__(self) -> DeferredStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        # Only called for what this class does not have itself: the real store's attributes.
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.open(), name)

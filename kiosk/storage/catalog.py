"""The local catalog: categories and products, kept in step with the search index.

Used by ``kiosk catalog import`` (a catalog file, e.g. from a technician's USB stick) and by the
sync engine when it applies central's catalog pages. Every function that takes a ``Session``
works inside the caller's write unit of work, so a whole file or page lands in one transaction or
not at all. Product images live in the media cache, addressed by the SHA-256 of their content.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from kiosk.catalog import (
    MAX_REPORTED_ERRORS,
    CatalogProduct,
    ImageProblem,
    locate_image,
    read_catalog_file,
)
from kiosk.errors import InvalidInput
from kiosk.search_keys import SearchKeys
from kiosk.storage import search
from kiosk.storage.media_files import IMAGE_SUFFIXES as IMAGE_SUFFIXES
from kiosk.storage.media_files import find_media as find_media
from kiosk.storage.models import Category, Product
from kiosk.storage.settings import CATALOG_CURSOR
from kiosk.storage.store import KioskStore

#: Products compared and written per batch (also the SQLite IN-list size).
BATCH = 500

_FIELDS = (
    "name",
    "category_id",
    "price_fen",
    "unit",
    "description",
    "stock",
    "barcode",
    "image_hash",
    "active",
    "server_version",
)


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """One product as the catalog service stores it (from a file or from central)."""

    sku: str
    name: str
    category: str
    price_fen: int
    unit: str
    description: str = ""
    stock: str = "in_stock"
    barcode: str | None = None
    image_hash: str | None = None
    active: bool = True
    #: Central's version; 0 for a product central did not send. ``None`` (a line of a catalog
    #: file made by hand): keep the stored version when the content is the same, else 0.
    server_version: int | None = 0
    #: Its search keys (``product_keys(name, sku, barcode)``) when the caller computed them
    #: already, e.g. the sync engine's fetcher thread while the previous page is written.
    keys: SearchKeys | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    """What :func:`upsert_products` did."""

    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What :func:`import_catalog_file` did."""

    created: int
    updated: int
    unchanged: int
    images_copied: int
    #: The import changed products of a kiosk that has synced: the next sync walks central's
    #: whole catalog again to replace them by central's copy.
    resync: bool = False


# --- categories --------------------------------------------------------------------------------


def upsert_categories(s: Session, categories: Iterable[tuple[str, int, bool]]) -> None:
    """Create or update categories given as ``(name, sort_order, active)``."""
    existing = {c.name: c for c in s.scalars(select(Category))}
    for name, sort_order, active in categories:
        cat = existing.get(name)
        if cat is None:
            cat = Category(name=name, sort_order=sort_order, active=active)
            s.add(cat)
            existing[name] = cat
        elif (cat.sort_order, cat.active) != (sort_order, active):
            cat.sort_order, cat.active = sort_order, active
    s.flush()


def _category_ids(s: Session, names: set[str]) -> dict[str, int]:
    """Ids of these categories, creating the missing ones (active, sorted after the others)."""
    ids = {name: id_ for name, id_ in s.execute(select(Category.name, Category.id))}
    missing = sorted(names - ids.keys())
    if missing:
        top = max((c for c in s.scalars(select(Category.sort_order))), default=0)
        for offset, name in enumerate(missing, start=1):
            cat = Category(name=name, sort_order=top + offset, active=True)
            s.add(cat)
            s.flush()
            ids[name] = cat.id
    return ids


def list_categories(s: Session) -> list[Category]:
    """All categories in display order."""
    return list(s.scalars(select(Category).order_by(Category.sort_order, Category.name)))


# --- products ----------------------------------------------------------------------------------


def get_product(s: Session, sku: str) -> Product | None:
    """The product with this SKU, if any."""
    return s.scalar(select(Product).where(Product.sku == sku))


_STORED_SQL = "SELECT id, sku, {} FROM products WHERE sku IN ({{}})".format(", ".join(_FIELDS))
_INSERT_SQL = "INSERT INTO products (id, sku, views, {}) VALUES (?, ?, 0, {})".format(
    ", ".join(_FIELDS), ", ".join("?" for _ in _FIELDS)
)
_UPDATE_SQL = "UPDATE products SET {} WHERE id = ?".format(", ".join(f"{f} = ?" for f in _FIELDS))
#: Positions in a stored/new value tuple (see ``_FIELDS``) that the search keys depend on.
_KEYED = tuple(_FIELDS.index(f) for f in ("name", "barcode", "active", "category_id"))


def upsert_products(s: Session, records: Iterable[ProductRecord]) -> UpsertCounts:
    """Create or update products, keeping the search index in step in the same transaction.

    Missing categories are created by name. A record equal to what is stored writes nothing.
    Inactive products are kept but have no search row, so search never returns them. A record
    whose ``server_version`` is ``None`` keeps the stored version if its content is the same,
    and otherwise gets version 0 (it is no longer central's copy).
    """
    recs = list(records)
    cat_ids = _category_ids(s, {r.category for r in recs})
    # Plain DB-API statements with tuples: a first sync writes 100,000 rows, and building ORM
    # parameter dicts cost as much as SQLite's own work (docs/benchmarks.md). Still inside the
    # session's transaction, so the caller's unit of work stays all-or-nothing.
    conn = s.connection()
    next_id: int | None = None
    created = updated = unchanged = 0
    for start in range(0, len(recs), BATCH):
        chunk = recs[start : start + BATCH]
        skus = [r.sku for r in chunk]
        sql = _STORED_SQL.format(",".join("?" * len(skus)))
        stored = {row[1]: row for row in conn.exec_driver_sql(sql, tuple(skus))}
        inserts: list[tuple[Any, ...]] = []
        updates: list[tuple[Any, ...]] = []
        fresh: list[search.IndexEntry] = []
        reindex: list[search.IndexEntry] = []
        unindex: list[int] = []
        for r in chunk:
            cat = cat_ids[r.category]
            values = (
                r.name,
                cat,
                r.price_fen,
                r.unit,
                r.description,
                r.stock,
                r.barcode,
                r.image_hash,
                int(r.active),
                r.server_version or 0,
            )
            old = stored.get(r.sku)
            if old is not None and r.server_version is None and tuple(old)[2:-1] == values[:-1]:
                values = (*values[:-1], old[-1])
            if old is None:
                if next_id is None:
                    # Ids chosen here, not by SQLite, so the index rows need no lookup afterwards;
                    # max + 1 is what SQLite would pick, and the write lock is ours meanwhile.
                    top = conn.exec_driver_sql("SELECT max(id) FROM products").scalar()
                    next_id = int(top or 0) + 1
                inserts.append((next_id, r.sku, *values))
                if r.active:
                    fresh.append(search.IndexEntry(next_id, r.name, r.sku, r.barcode, cat, r.keys))
                next_id += 1
                continue
            now = tuple(old)[2:]
            if now == values:
                unchanged += 1
                continue
            updates.append((*values, old[0]))
            if any(now[i] != values[i] for i in _KEYED):
                if r.active:
                    reindex.append(search.IndexEntry(old[0], r.name, r.sku, r.barcode, cat, r.keys))
                else:
                    unindex.append(old[0])
        if inserts:
            conn.exec_driver_sql(_INSERT_SQL, inserts)
            search.index_products(s, fresh, replace=False)
            created += len(inserts)
        if updates:
            conn.exec_driver_sql(_UPDATE_SQL, updates)
            search.index_products(s, reindex)
            search.unindex_products(s, unindex)
            updated += len(updates)
    return UpsertCounts(created=created, updated=updated, unchanged=unchanged)


def delete_products(s: Session, skus: Iterable[str]) -> int:
    """Remove products and their search rows; order lines keep their own snapshots.

    Returns:
        How many products were removed (unknown SKUs are ignored).
    """
    removed = 0
    sku_list = list(skus)
    for start in range(0, len(sku_list), BATCH):
        chunk = sku_list[start : start + BATCH]
        ids = list(s.scalars(select(Product.id).where(Product.sku.in_(chunk))))
        if not ids:
            continue
        search.unindex_products(s, ids)
        s.execute(delete(Product).where(Product.id.in_(ids)))
        removed += len(ids)
    return removed


# --- images ------------------------------------------------------------------------------------


def media_path(media_dir: Path, image_hash: str, suffix: str) -> Path:
    """Where an image with this content hash and file suffix lives in the media cache."""
    return media_dir / image_hash[:2] / f"{image_hash}{suffix.lower()}"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def store_image(media_dir: Path, source: Path) -> tuple[str, bool]:
    """Copy an image into the media cache by content hash.

    The copy goes to a temporary file in the target folder, is flushed to disk and then renamed,
    so a power cut never leaves a truncated image under a valid name.

    Returns:
        ``(sha256 hex, copied)``; ``copied`` is ``False`` when the image was already cached.
    """
    digest = _sha256(source)
    dest = media_path(media_dir, digest, source.suffix)
    if dest.is_file():
        return digest, False
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as out, source.open("rb") as src:
            for block in iter(lambda: src.read(1 << 16), b""):
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp_name, dest)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    return digest, True


def _nonblank_line_numbers(path: Path) -> list[int]:
    """Line numbers of the non-blank lines, read the same way as kiosk.catalog reads them."""
    with path.open(encoding="utf-8-sig") as fh:
        return [n for n, raw in enumerate(fh, start=1) if raw.strip()]


def _check_images(path: Path, products: list[CatalogProduct]) -> tuple[dict[str, Path], list[str]]:
    """The checked picture of every ``image`` named, and one error per unusable one.

    See :func:`kiosk.catalog.locate_image`: nothing outside the catalog's folder is ever read.
    """
    numbers = _nonblank_line_numbers(path)
    errors: list[str] = []
    found: dict[str, Path] = {}
    for number, p in zip(numbers, products, strict=True):
        if p.image is None or p.image in found:
            continue
        try:
            found[p.image] = locate_image(path.parent, p.image)[0]
        except ImageProblem as exc:
            errors.append(f"line {number}: {exc}: {p.image}")
    return found, errors


def import_catalog_file(
    store: KioskStore, path: Path, progress: Callable[[int, int], None] | None = None
) -> ImportSummary:
    """Import a catalog file fully or not at all (see ``docs/catalog-format.md``).

    Every line is validated and every referenced image checked before anything is written; the
    images are copied into the media cache; then all products are written in one transaction.
    Importing the same file twice changes nothing the second time. A line exported by central
    (with ``version``) keeps central's version, so orders placed on it before the first sync carry
    it; a line older than the kiosk's copy is left alone. A line without ``version`` that changes a
    product, or creates one, gives it version 0: it is not central's copy. When anything changed
    on a kiosk that has synced, the catalog cursor is cleared so the next sync replaces those
    products by central's copy (see ``docs/sync-protocol.md``).

    Args:
        store: the local store.
        path: the JSON Lines catalog file.
        progress: called as ``progress(done, total)`` while products are written.

    Raises:
        InvalidInput: naming the bad lines; nothing was changed.
    """
    products = read_catalog_file(path)
    pictures, errors = _check_images(path, products)
    if errors:
        more = len(errors) - MAX_REPORTED_ERRORS
        shown = "; ".join(errors[:MAX_REPORTED_ERRORS])
        suffix = f"; and {more} more bad lines" if more > 0 else ""
        raise InvalidInput(f"catalog file not imported, nothing changed: {shown}{suffix}")

    # Images first: they are content-addressed, so a later failure leaves only harmless extras.
    hashes: dict[str, str] = {}
    copied = 0
    for p in products:
        if p.image is not None and p.image not in hashes:
            digest, was_copied = store_image(store.media_dir, pictures[p.image])
            hashes[p.image] = digest
            copied += was_copied

    created = updated = unchanged = 0
    resync = False
    with store.write() as s:
        versions = {
            sku: version for sku, version in s.execute(select(Product.sku, Product.server_version))
        }
        # A line exported by central older than the copy the kiosk has is left alone.
        older = [
            p for p in products if p.version is not None and versions.get(p.sku, 0) > p.version
        ]
        if older:
            stale = {p.sku for p in older}
            products = [p for p in products if p.sku not in stale]
            unchanged += len(older)
        total = len(products)
        for start in range(0, total, BATCH * 4):
            chunk = products[start : start + BATCH * 4]
            counts = upsert_products(
                s,
                (
                    ProductRecord(
                        sku=p.sku,
                        name=p.name,
                        category=p.category,
                        price_fen=p.price_fen,
                        unit=p.unit,
                        description=p.description,
                        stock=str(p.stock),
                        barcode=p.barcode,
                        image_hash=hashes[p.image] if p.image is not None else None,
                        active=p.active,
                        server_version=p.version,
                    )
                    for p in chunk
                ),
            )
            created += counts.created
            updated += counts.updated
            unchanged += counts.unchanged
            if progress is not None:
                progress(start + len(chunk), total)
        if created or updated:  # a repeated import must write nothing at all
            if store.get_setting(s, CATALOG_CURSOR):
                # The feed never resends a product central did not change: walk it again from the
                # start so the next sync replaces what this file changed by central's copy.
                store.set_setting(s, CATALOG_CURSOR, "")
                resync = True
            store.audit(
                s,
                "catalog-file",
                "catalog.import",
                subject=path.name[:64],
                detail=f"created={created} updated={updated} unchanged={unchanged}",
            )
    return ImportSummary(
        created=created,
        updated=updated,
        unchanged=unchanged,
        images_copied=copied,
        resync=resync,
    )

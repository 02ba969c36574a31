"""The catalog and its pictures: import and export of catalog files, price changes, the feed.

Every change to a product takes the next ``catalog`` sequence number as its version
(:class:`central.feed.Sequences`), and kiosks page the changes after their cursor
(:meth:`Catalog.catalog_page`). Pictures are stored once, by the sha256 of their bytes.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from central.clock import Clock
from central.db import CentralDb
from central.errors import BadRequest, NotFoundError, first_problem
from central.feed import Sequences, page_limit, parse_cursor
from central.models import Category, Media, PriceHistory, Product
from kiosk.catalog import (
    CONTENT_TYPES,
    CatalogProduct,
    ImageProblem,
    locate_image,
    picture_type,
    read_catalog_file,
)
from kiosk.wire import CATALOG_PAGE_DEFAULT, CATALOG_PAGE_MAX

#: Largest image ``catalog import`` stores.
MAX_IMAGE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What ``catalog import`` changed."""

    added: int
    updated: int
    unchanged: int
    images: int
    first_version: int | None
    last_version: int | None


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What ``catalog export`` wrote."""

    products: int
    images: int
    #: Products written without their picture (a stored image that is not a picture).
    images_left_out: int
    #: The highest version among the exported products (``None`` for an empty catalog).
    last_version: int | None


#: One product as a compact ``ProductWire`` JSON object (see :func:`wire_from_columns`).
WireProduct = dict[str, Any]


@dataclass(frozen=True, slots=True)
class ProductPublished:
    """A product change just published under a new version."""

    sku: str
    version: int
    price_fen: int
    active: bool
    deleted: bool
    #: The product as kiosks receive it (what ``--json`` prints).
    wire: WireProduct


@dataclass(frozen=True, slots=True)
class CategoryRow:
    """One category of the catalog (the wire's ``CategoryWire``)."""

    name: str
    sort_order: int
    active: bool


@dataclass(frozen=True, slots=True)
class CatalogChanges:
    """One page of the catalog feed (the wire's ``CatalogPage``).

    ``items`` are already compact ``ProductWire`` objects: a page holds up to 5,000 of them and
    building them straight from plain row values is most of what keeps a page fast.
    """

    items: list[WireProduct]
    categories: list[CategoryRow]
    next_cursor: str
    has_more: bool


def published(p: Product) -> ProductPublished:
    """What :meth:`Catalog.set_price` and its siblings answer for the product just changed."""
    return ProductPublished(
        sku=p.sku,
        version=p.version,
        price_fen=p.price_fen,
        active=p.active,
        deleted=p.deleted,
        wire=product_wire(p),
    )


#: File suffix of each picture type in an exported catalog's ``images/`` folder.
EXPORT_SUFFIXES = {"png": ".png", "jpeg": ".jpg", "gif": ".gif", "webp": ".webp"}


def _write_file_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``path`` through a flushed temporary file and a rename: whole or not at all."""
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


#: The columns :func:`wire_from_columns` takes, in its order.
WIRE_COLUMNS = (
    Product.sku,
    Product.version,
    Product.deleted,
    Product.name,
    Product.category,
    Product.price_fen,
    Product.unit,
    Product.description,
    Product.image_hash,
    Product.stock,
    Product.barcode,
    Product.active,
)


def product_wire(p: Product) -> WireProduct:
    """A product as a ``ProductWire`` JSON object (see :func:`wire_from_columns`)."""
    return wire_from_columns(
        p.sku,
        p.version,
        p.deleted,
        p.name,
        p.category,
        p.price_fen,
        p.unit,
        p.description,
        p.image_hash,
        p.stock,
        p.barcode,
        p.active,
    )


def wire_from_columns(
    sku: str,
    version: int,
    deleted: bool,
    name: str,
    category: str,
    price_fen: int,
    unit: str,
    description: str,
    image_hash: str | None,
    stock: str,
    barcode: str | None,
    active: bool,
) -> WireProduct:
    """A product as a ``ProductWire`` JSON object, leaving out fields at their default value.

    Defaults are left out because they are most of a catalog page's bytes and the kiosk's pydantic
    model fills them back in; a tombstone is only ``sku``, ``version`` and ``deleted``. Takes
    plain values (the :data:`WIRE_COLUMNS` of a row): a catalog page builds 5,000 of these, and
    attribute access on ORM objects or rows was most of its server time.
    """
    if deleted:
        return {"sku": sku, "version": version, "deleted": True}
    out: dict[str, Any] = {
        "sku": sku,
        "version": version,
        "name": name,
        "category": category,
        "price_fen": price_fen,
        "unit": unit,
    }
    if description:
        out["description"] = description
    if image_hash:
        out["image_hash"] = image_hash
    if stock != "in_stock":
        out["stock"] = stock
    if barcode:
        out["barcode"] = barcode
    if not active:
        out["active"] = False
    return out


def _content_fields(p: Product) -> tuple[Any, ...]:
    return (
        p.deleted,
        p.name,
        p.category,
        p.price_fen,
        p.unit,
        p.description,
        p.image_hash,
        p.stock,
        p.barcode,
        p.active,
    )


def price_problem(s: Session, sku: str, version: int, price_fen: int) -> str | None:
    """Why an order line's price is not one central published, or ``None`` if it is.

    A line with a version (the kiosk had central's copy, from a sync or from a catalog file
    written by :meth:`Catalog.export_catalog`) must match the price of that version. A line with
    version 0 comes from a catalog file made by hand, imported before the kiosk had central's
    copy: it is judged by SKU and price, and accepted when central published that price for
    that SKU at any version (see ``docs/sync-protocol.md``).
    """
    if version == 0:
        hit = s.scalar(
            select(PriceHistory.version)
            .where(PriceHistory.sku == sku, PriceHistory.price_fen == price_fen)
            .limit(1)
        )
        if hit is None:
            return f"product {sku} was never published at {price_fen} fen"
        return None
    published = s.get(PriceHistory, (sku, version))
    if published is None or published.price_fen != price_fen:
        return f"product {sku} never cost {price_fen} fen at version {version}"
    return None


class Catalog:
    """The catalog's operations.

    Args:
        db: the opened (and migrated) database.
        clock: the server clock.
        sequences: where product versions come from.
    """

    def __init__(self, db: CentralDb, clock: Clock, sequences: Sequences) -> None:
        self.db = db
        self.clock = clock
        self.sequences = sequences

    def import_catalog(self, path: Path) -> ImportSummary:
        """Add or update every product of a catalog file (all or nothing); images by hash.

        Products not in the file are left as they are (use :meth:`delete_product`). A product
        whose content did not change keeps its version, so kiosks download nothing for it. A
        ``version`` field (a file written by :meth:`export_catalog`) is ignored: central numbers
        its own changes. Pictures are read only from inside the file's folder (see
        :func:`kiosk.catalog.locate_image`).
        """
        products = read_catalog_file(path)
        images: dict[str, tuple[str, bytes]] = {}  # sha256 -> (content type, bytes)
        image_of: dict[str, str | None] = {}
        problems: list[str] = []
        for p in products:
            if p.image is None:
                image_of[p.sku] = None
                continue
            # Inside the catalog's folder only, a picture by suffix and by its first bytes: a
            # catalog line must never make central read (and serve to every kiosk) another file.
            try:
                img_path, kind = locate_image(path.parent, p.image)
                data = img_path.read_bytes()
            except ImageProblem as exc:
                problems.append(
                    f"{p.sku}: image {p.image} not found"
                    if exc.missing
                    else f"{p.sku}: {exc}: {p.image}"
                )
                continue
            except OSError:
                problems.append(f"{p.sku}: image not found: {p.image}")
                continue
            if len(data) > MAX_IMAGE_BYTES:
                problems.append(f"{p.sku}: image {p.image} is over {MAX_IMAGE_BYTES // 1024} KB")
                continue
            if picture_type(data[:16]) != kind:
                problems.append(f"{p.sku}: image changed while it was read: {p.image}")
                continue
            digest = hashlib.sha256(data).hexdigest()
            images[digest] = (CONTENT_TYPES[kind], data)
            image_of[p.sku] = digest
        if problems:
            more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
            raise BadRequest(
                f"catalog file not imported, nothing changed: {'; '.join(problems[:5])}{more}"
            )

        with self.db.write() as s:
            existing = {p.sku: p for p in s.scalars(select(Product))}
            changed: list[tuple[Product | None, dict[str, Any]]] = []
            unchanged = 0
            for p in products:
                fields: dict[str, Any] = {
                    "deleted": False,
                    "name": p.name,
                    "category": p.category,
                    "price_fen": p.price_fen,
                    "unit": p.unit,
                    "description": p.description,
                    "image_hash": image_of[p.sku],
                    "stock": p.stock.value,
                    "barcode": p.barcode,
                    "active": p.active,
                }
                old = existing.get(p.sku)
                if old is not None and _content_fields(old) == tuple(fields.values()):
                    unchanged += 1
                    continue
                changed.append((old, {"sku": p.sku, **fields}))
            first = last = None
            if changed:
                first = self.sequences.take(s, "catalog", len(changed))
                last = first + len(changed) - 1
                new_rows: list[dict[str, Any]] = []
                upd_rows: list[dict[str, Any]] = []
                history: list[dict[str, Any]] = []
                for offset, (old, row) in enumerate(changed):
                    row["version"] = first + offset
                    (new_rows if old is None else upd_rows).append(row)
                    history.append(
                        {
                            "sku": row["sku"],
                            "version": row["version"],
                            "price_fen": row["price_fen"],
                        }
                    )
                # Core bulk statements: importing 100,000 products must take seconds, not minutes.
                if new_rows:
                    s.execute(insert(Product), new_rows)
                if upd_rows:
                    s.execute(update(Product), upd_rows)
                s.execute(insert(PriceHistory), history)
            self._ensure_categories(s, [p.category for p in products])
            known_media = set(s.scalars(select(Media.sha256).where(Media.sha256.in_(list(images)))))
            for digest, (ctype, data) in images.items():
                if digest not in known_media:
                    s.add(Media(sha256=digest, content_type=ctype, size=len(data), data=data))
        added = sum(1 for old, _ in changed if old is None)
        return ImportSummary(
            added=added,
            updated=len(changed) - added,
            unchanged=unchanged,
            images=len(images),
            first_version=first,
            last_version=last,
        )

    def _ensure_categories(self, s: Session, names: Iterable[str]) -> None:
        known = {c.name: c for c in s.scalars(select(Category))}
        next_order = max((c.sort_order for c in known.values()), default=-1) + 1
        for name in dict.fromkeys(names):
            if name not in known:
                known[name] = Category(name=name, sort_order=next_order, active=True)
                s.add(known[name])
                next_order += 1

    def publish_product(self, s: Session, sku: str, **changes: Any) -> Product:
        """Change one product inside the caller's write unit of work, under a new version."""
        product = s.get(Product, sku)
        if product is None:
            raise NotFoundError(f"no product with SKU {sku} on the central service")
        version = self.sequences.take(s, "catalog")
        for key, value in changes.items():
            setattr(product, key, value)
        product.version = version
        s.add(PriceHistory(sku=sku, version=version, price_fen=product.price_fen))
        s.flush()
        return product

    def add_product(self, s: Session, sku: str, **fields: Any) -> Product:
        """Create one product inside the caller's write unit of work (used by tests and tools)."""
        version = self.sequences.take(s, "catalog")
        product = Product(sku=sku, version=version, **fields)
        s.add(product)
        s.add(PriceHistory(sku=sku, version=version, price_fen=product.price_fen or 0))
        if product.category:
            self._ensure_categories(s, [product.category])
        s.flush()
        return product

    def set_price(self, sku: str, price_fen: int) -> ProductPublished:
        """Publish a new price for ``sku``."""
        if (
            isinstance(price_fen, bool)
            or not isinstance(price_fen, int)
            or not (0 <= price_fen <= 100_000_000)
        ):
            raise BadRequest("a price is a whole number of fen from 0 to 100000000 (¥1,000,000)")
        with self.db.write() as s:
            product = s.get(Product, sku)
            if product is not None and product.deleted:
                raise BadRequest(f"product {sku} was deleted; import it again to bring it back")
            return published(self.publish_product(s, sku, price_fen=price_fen))

    def deactivate_product(self, sku: str) -> ProductPublished:
        """Hide ``sku`` from villagers (it stays known to kiosks)."""
        with self.db.write() as s:
            return published(self.publish_product(s, sku, active=False))

    def delete_product(self, sku: str) -> ProductPublished:
        """Delete ``sku``: a tombstone kept forever so every kiosk learns of it."""
        with self.db.write() as s:
            return published(self.publish_product(s, sku, deleted=True, active=False))

    def export_catalog(self, path: Path) -> ExportSummary:
        """Write the live catalog as a catalog file with central's versions and its pictures.

        ``path`` gets one JSON line per product that is not deleted (inactive ones included), in
        version order, each with its ``version``; pictures go to ``images/<sha256><suffix>`` next
        to it. A kiosk that imports the file keeps these versions (see
        ``docs/catalog-format.md``). Pictures are written first, the catalog file last through a
        temporary file and a rename, so a stick pulled out early never holds a half catalog.
        """
        folder = path.parent
        if not folder.is_dir():
            raise BadRequest(f"folder not found: {folder}")
        if path.is_dir():
            raise BadRequest(f"{path} is a folder; give a file name, e.g. catalog.jsonl")
        lines: list[bytes] = []
        problems: list[str] = []
        image_name: dict[str, str | None] = {}
        last: int | None = None
        with self.db.read() as s:
            rows = list(
                s.execute(
                    select(*WIRE_COLUMNS)
                    .where(Product.deleted.is_(False))
                    .order_by(Product.version)
                )
            )
            hashes = sorted({r[8] for r in rows if r[8]})
            images_dir = folder / "images"
            for start in range(0, len(hashes), 100):
                chunk = hashes[start : start + 100]
                for digest, data in s.execute(
                    select(Media.sha256, Media.data).where(Media.sha256.in_(chunk))
                ):
                    kind = picture_type(bytes(data[:16]))
                    if kind is None:
                        image_name[digest] = None
                        continue
                    file_name = f"images/{digest}{EXPORT_SUFFIXES[kind]}"
                    target = folder / file_name
                    if not (target.is_file() and target.stat().st_size == len(data)):
                        images_dir.mkdir(exist_ok=True)
                        _write_file_atomically(target, [bytes(data)])
                    image_name[digest] = file_name
        left_out = 0
        for row in rows:
            sku, version, _, name, category, price, unit, desc, sha, stock, barcode, active = row
            line: dict[str, Any] = {
                "sku": sku,
                "name": name,
                "category": category,
                "price_fen": price,
                "unit": unit,
            }
            if desc:
                line["description"] = desc
            if sha:
                if image_name.get(sha):
                    line["image"] = image_name[sha]
                else:
                    left_out += 1
            if stock != "in_stock":
                line["stock"] = stock
            if barcode:
                line["barcode"] = barcode
            if not active:
                line["active"] = False
            line["version"] = version
            try:
                CatalogProduct.model_validate(line)
            except ValidationError as exc:
                problems.append(f"{sku}: {first_problem(exc)}")
                continue
            lines.append(json.dumps(line, ensure_ascii=False).encode("utf-8") + b"\n")
            last = version
        if problems:
            more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
            raise BadRequest(
                f"catalog not exported, no catalog file written: {'; '.join(problems[:5])}{more}"
            )
        _write_file_atomically(path, lines)
        return ExportSummary(
            products=len(lines),
            images=sum(1 for v in image_name.values() if v),
            images_left_out=left_out,
            last_version=last,
        )

    def catalog_page(self, cursor: str | None, limit: int | None) -> CatalogChanges:
        """One page of the changes after ``cursor``, in version order (``CatalogPage``)."""
        after = parse_cursor(cursor)
        n = page_limit(limit, CATALOG_PAGE_DEFAULT, CATALOG_PAGE_MAX)
        with self.db.read() as s:
            # Plain rows unpacked as tuples, not ORM objects: building 5,000 Product instances and
            # reading their attributes was most of a page's server time.
            rows: list[Any] = list(
                s.execute(
                    select(*WIRE_COLUMNS)
                    .where(Product.version > after)
                    .order_by(Product.version)
                    .limit(n + 1)
                )
            )
            cats = list(s.scalars(select(Category).order_by(Category.sort_order, Category.name)))
        has_more = len(rows) > n
        rows = rows[:n]
        return CatalogChanges(
            items=[wire_from_columns(*r) for r in rows],
            categories=[
                CategoryRow(name=c.name, sort_order=c.sort_order, active=c.active) for c in cats
            ],
            next_cursor=str(rows[-1][1]) if rows else str(after),  # the version column
            has_more=has_more,
        )

    def media(self, sha256: str) -> Media:
        """The stored image with this hash, or :class:`NotFoundError`."""
        with self.db.read() as s:
            row = s.get(Media, sha256)
        if row is None:
            raise NotFoundError("no image with this hash on the central service")
        return row

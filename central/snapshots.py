"""Catalog snapshots: the whole catalog feed up to one cursor, as one immutable gzip file.

A kiosk's first sync downloads the newest snapshot (a reverse proxy or CDN may serve it: its
address is the sha256 of its bytes, so it never changes) and then pages only the changes after
its cursor. Without it every first sync paged every product out of the database.

Format (``docs/sync-protocol.md``, "Catalog snapshots"): gzip of UTF-8 JSON Lines; the first
line is a ``kiosk.wire.SnapshotHeader`` (format, cursor, item count, every category), then one
``ProductWire`` object per product in version order, tombstones included: exactly what paging
the feed from the start up to ``cursor`` would deliver, so the kiosk applies it the same way.
Not the catalog file format of ``catalog export`` (docs/catalog-format.md): that one has no
tombstones, no category order and names pictures by file, not by hash.

Invariants:

* Immutable: a snapshot's bytes never change; a new catalog state is a new snapshot (a new
  sha256). Building twice from the same catalog gives the same bytes (gzip ``mtime`` 0).
* Built when asked for (:meth:`Snapshots.ensure_latest`) and the catalog changed since the newest
  one, but at most once per ``max_age_s``: between builds, kiosks page the few changes after the
  newest snapshot's cursor. One worker process builds at a time: it holds the lease row
  (``catalog_snapshot_lease``), taken by an INSERT that only one writer can win, on SQLite and
  PostgreSQL alike; a lease whose worker died expires after :data:`LEASE_S`.
* The newest :data:`KEEP` are kept (a kiosk resuming a download after a cut still finds its
  snapshot); older ones are deleted after each build.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
import os
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from central.catalog import WIRE_COLUMNS, wire_from_columns
from central.clock import Clock
from central.db import CentralDb
from central.errors import BadRequest, NotFoundError
from central.models import CatalogSnapshotRecord, Category, Product, SnapshotLeaseRecord
from kiosk import wire

log = logging.getLogger("central")

#: A changed catalog gets a new snapshot at most this often (seconds).
MAX_AGE_S = 600.0
#: Snapshots kept (the newest ones).
KEEP = 3
#: Seconds a build may hold the lease before another worker may take it over.
LEASE_S = 300.0
#: Snapshot bytes each worker keeps in memory (they are immutable, so no invalidation).
CACHED = 2
#: ``Cache-Control`` of a content-addressed, public reply (a snapshot).
IMMUTABLE_PUBLIC = "public, max-age=31536000, immutable"
#: ``Cache-Control`` of the latest-snapshot pointer: it changes, so caches keep it briefly.
POINTER_CACHE_CONTROL = "private, max-age=60"
#: Media type of a snapshot (GZipMiddleware leaves it alone).
MEDIA_TYPE = "application/gzip"

_LEASE = "catalog_snapshot"
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_RANGE = re.compile(r"^bytes=(\d{0,18})-(\d{0,18})$")


@dataclass(frozen=True, slots=True)
class SnapshotMeta:
    """One stored snapshot, without its bytes."""

    sha256: str
    cursor: int
    items: int
    size: int
    created_at: datetime

    def info(self) -> dict[str, Any]:
        """The ``kiosk.wire.SnapshotInfo`` of ``GET /v1/catalog/snapshots/latest``."""
        return {
            "sha256": self.sha256,
            "size": self.size,
            "cursor": str(self.cursor),
            "items": self.items,
            "url": snapshot_path(self.sha256),
        }


def snapshot_path(sha256: str) -> str:
    """Where a snapshot is served."""
    return f"{wire.API_PREFIX}/catalog/snapshots/{sha256}"


def is_sha256(text: str) -> bool:
    """64 lowercase hex digits."""
    return bool(_SHA256.match(text))


def _clean_row(row: dict[str, Any]) -> dict[str, Any]:
    # The feed's own cleaning (a product stored before central refused control characters).
    from central.app import _clean_text_fields

    return _clean_text_fields(row)


def encode_snapshot(
    cursor: int, categories: list[dict[str, Any]], items: list[dict[str, Any]]
) -> bytes:
    """The snapshot's gzip bytes (level 9: built once, served many times)."""
    header = {
        "format": wire.SNAPSHOT_FORMAT,
        "format_version": 1,
        "cursor": str(cursor),
        "items": len(items),
        "categories": categories,
    }
    lines = [_dumps(header)]
    lines.extend(_dumps(_clean_row(item)) for item in items)
    return gzip.compress(b"\n".join(lines) + b"\n", compresslevel=9, mtime=0)


def _dumps(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


class Snapshots:
    """Build, find, serve and prune catalog snapshots (see the module docstring).

    Args:
        db: the central database.
        clock: the server clock (snapshot ages, lease expiry).
        max_age_s: a changed catalog gets a new snapshot at most this often.
        keep: snapshots kept.
    """

    def __init__(
        self, db: CentralDb, clock: Clock, max_age_s: float = MAX_AGE_S, keep: int = KEEP
    ) -> None:
        self.db = db
        self.clock = clock
        self.max_age_s = max_age_s
        self.keep = max(1, keep)
        self._cache: OrderedDict[str, bytes] = OrderedDict()
        self._cache_lock = threading.Lock()

    # --- finding ------------------------------------------------------------------------------

    def latest(self) -> SnapshotMeta | None:
        """The newest stored snapshot, or ``None``."""
        with self.db.read() as s:
            row = s.execute(
                select(
                    CatalogSnapshotRecord.sha256,
                    CatalogSnapshotRecord.cursor,
                    CatalogSnapshotRecord.items,
                    CatalogSnapshotRecord.size,
                    CatalogSnapshotRecord.created_at,
                )
                .order_by(CatalogSnapshotRecord.cursor.desc())
                .limit(1)
            ).first()
        return SnapshotMeta(*row) if row is not None else None

    def ensure_latest(self) -> SnapshotMeta | None:
        """The snapshot a first sync should take: the newest one, built anew first when the
        catalog changed since and it is older than ``max_age_s`` (or there is none).

        ``None`` when the catalog is empty.

        Raises:
            SnapshotBusy: there is no snapshot yet and another worker is building the first.
        """
        newest = self.latest()
        head = self.head()
        if head == 0:
            return newest
        fresh = newest is not None and (
            newest.cursor >= head or self._age_s(newest) < self.max_age_s
        )
        if fresh:
            return newest
        holder = self._take_lease()
        if holder is None:
            if newest is None:
                raise SnapshotBusy
            return newest
        try:
            return self.build()
        finally:
            self._release_lease(holder)

    def head(self) -> int:
        """The catalog feed's newest version (0: empty catalog); one index lookup."""
        with self.db.read() as s:
            return int(s.scalar(select(func.max(Product.version))) or 0)

    def _age_s(self, meta: SnapshotMeta) -> float:
        created = meta.created_at
        now = self.clock()
        if created.tzinfo is None:  # SQLite hands back naive datetimes
            now = now.replace(tzinfo=None)
        return (now - created).total_seconds()

    # --- building -----------------------------------------------------------------------------

    def build(self) -> SnapshotMeta:
        """Build a snapshot of the catalog as it is now (kept if one with its bytes exists),
        then prune to the newest ``keep``."""
        with self.db.read() as s:
            rows: list[Any] = list(s.execute(select(*WIRE_COLUMNS).order_by(Product.version)))
            cats = list(s.scalars(select(Category).order_by(Category.sort_order, Category.name)))
        items = [wire_from_columns(*r) for r in rows]
        cursor = int(rows[-1][1]) if rows else 0
        categories = [
            _clean_row({"name": c.name, "sort_order": c.sort_order, "active": c.active})
            for c in cats
        ]
        data = encode_snapshot(cursor, categories, items)
        if len(data) > wire.MAX_SNAPSHOT_BYTES:
            raise BadRequest(
                f"the catalog snapshot would be {len(data)} bytes, over the protocol's "
                f"{wire.MAX_SNAPSHOT_BYTES}; kiosks keep paging the feed",
                code="snapshot_too_large",
            )
        sha = hashlib.sha256(data).hexdigest()
        meta = SnapshotMeta(sha, cursor, len(items), len(data), self.clock())
        try:
            with self.db.write() as s:
                if s.get(CatalogSnapshotRecord, sha) is None:
                    s.add(
                        CatalogSnapshotRecord(
                            sha256=sha,
                            cursor=cursor,
                            items=len(items),
                            size=len(data),
                            created_at=meta.created_at,
                            data=data,
                        )
                    )
        except IntegrityError:
            pass  # built at the same moment by another worker: same bytes, same name
        self._remember(sha, data)
        self.prune()
        log.info("catalog snapshot %s: %d products up to %d", sha[:12], len(items), cursor)
        return self.latest() or meta

    def prune(self) -> int:
        """Delete all but the newest ``keep`` snapshots; returns how many went."""
        with self.db.write() as s:
            keep = list(
                s.scalars(
                    select(CatalogSnapshotRecord.sha256)
                    .order_by(CatalogSnapshotRecord.cursor.desc())
                    .limit(self.keep)
                )
            )
            if not keep:
                return 0
            gone = s.execute(
                delete(CatalogSnapshotRecord).where(CatalogSnapshotRecord.sha256.not_in(keep))
            )
            return int(getattr(gone, "rowcount", 0) or 0)

    def _take_lease(self) -> str | None:
        """This worker's holder id when it took the build lease, else ``None``."""
        holder = f"{os.getpid()}-{threading.get_ident()}"[:64]
        now = self.clock()
        try:
            with self.db.write() as s:
                row = s.get(SnapshotLeaseRecord, _LEASE, with_for_update=True)
                if row is not None:
                    expires = row.expires_at
                    if expires.tzinfo is None:
                        expires = expires.replace(tzinfo=now.tzinfo)
                    if expires > now:
                        return None
                    s.delete(row)
                    s.flush()
                s.add(
                    SnapshotLeaseRecord(
                        name=_LEASE, holder=holder, expires_at=now + timedelta(seconds=LEASE_S)
                    )
                )
        except IntegrityError:
            return None  # another worker inserted it first
        return holder

    def _release_lease(self, holder: str) -> None:
        with self.db.write() as s:
            s.execute(
                delete(SnapshotLeaseRecord).where(
                    SnapshotLeaseRecord.name == _LEASE, SnapshotLeaseRecord.holder == holder
                )
            )

    # --- serving ------------------------------------------------------------------------------

    def data(self, sha256: str) -> bytes:
        """The snapshot's bytes, or :class:`NotFoundError` (pruned, or never built)."""
        with self._cache_lock:
            cached = self._cache.get(sha256)
            if cached is not None:
                self._cache.move_to_end(sha256)
                return cached
        with self.db.read() as s:
            found = s.scalar(
                select(CatalogSnapshotRecord.data).where(CatalogSnapshotRecord.sha256 == sha256)
            )
        if found is None:
            raise NotFoundError("no catalog snapshot with this hash (it may have been replaced)")
        data = bytes(found)
        self._remember(sha256, data)
        return data

    def _remember(self, sha256: str, data: bytes) -> None:
        with self._cache_lock:
            self._cache[sha256] = data
            self._cache.move_to_end(sha256)
            while len(self._cache) > CACHED:
                self._cache.popitem(last=False)


# --- HTTP caching and ranges, shared with the media route ---------------------------------------


class SnapshotBusy(Exception):
    """No snapshot yet, and another worker holds the lease to build the first one."""


class RangeNotSatisfiable(Exception):
    """A well-formed byte range that starts past the end (416)."""


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` / ``If-Range`` value names ``etag`` (weak or strong
    comparison as RFC 9110 asks of ``If-None-Match``; ``*`` matches any)."""
    if not header:
        return False
    for part in header.split(","):
        tag = part.strip()
        if tag == "*":
            return True
        if tag.startswith("W/"):
            tag = tag[2:]
        if tag == etag:
            return True
    return False


def parse_range(header: str, size: int) -> tuple[int, int]:
    """``(first, last)`` byte positions of a ``Range: bytes=…`` header against ``size`` bytes.

    One range only: ``a-b``, ``a-`` or ``-n`` (the last ``n`` bytes).

    Raises:
        BadRequest: ``bad_range`` for anything else (several ranges, another unit, garbage).
        RangeNotSatisfiable: a range that starts at or past the end, or an empty suffix.
    """
    m = _RANGE.match(header.strip())
    if m is None:
        raise BadRequest("Range must be one 'bytes=first-last' range", code="bad_range")
    first_s, last_s = m.groups()
    if not first_s and not last_s:
        raise BadRequest("Range must be one 'bytes=first-last' range", code="bad_range")
    if not first_s:
        n = int(last_s)
        if n == 0:
            raise RangeNotSatisfiable
        return max(0, size - n), size - 1
    first = int(first_s)
    if last_s and int(last_s) < first:
        raise BadRequest("Range ends before it starts", code="bad_range")
    if first >= size:
        raise RangeNotSatisfiable
    last = int(last_s) if last_s else size - 1
    return first, min(last, size - 1)


@dataclass(frozen=True, slots=True)
class Reply:
    """What to answer for an immutable resource: status, body and headers."""

    status: int
    body: bytes
    headers: dict[str, str]


def immutable_reply(
    data: bytes, sha256: str, request_headers: Mapping[str, str], cache_control: str
) -> Reply:
    """The reply to a GET of immutable bytes named by ``sha256``: 304 on a matching
    ``If-None-Match``, 206 for a satisfiable ``Range`` (unless ``If-Range`` names another
    version), 416 past the end, else 200; ``BadRequest`` (400) for a malformed range."""
    etag = f'"{sha256}"'
    headers = {"ETag": etag, "Cache-Control": cache_control, "Accept-Ranges": "bytes"}
    if etag_matches(request_headers.get("if-none-match"), etag):
        return Reply(304, b"", headers)
    wanted = request_headers.get("range")
    if wanted is not None:
        if_range = request_headers.get("if-range")
        # If-Range with a strong validator: a weak or other tag means "send it all".
        if if_range is None or if_range.strip() == etag:
            try:
                first, last = parse_range(wanted, len(data))
            except RangeNotSatisfiable:
                return Reply(416, b"", {**headers, "Content-Range": f"bytes */{len(data)}"})
            return Reply(
                206,
                data[first : last + 1],
                {**headers, "Content-Range": f"bytes {first}-{last}/{len(data)}"},
            )
    return Reply(200, data, headers)

"""A first sync from a catalog snapshot: download (resumable), verify, read.

Central names :data:`kiosk.wire.FEATURE_SNAPSHOT` when it serves catalog snapshots
(docs/sync-protocol.md, "Catalog snapshots"). The download goes to ``<sha256>.part`` in
``folder`` (the data dir's ``catalog-snapshot/``); after a cut the next attempt, or the next
sync, asks only for the bytes after what the file holds (``Range`` with ``If-Range``), so a
2G link that breaks every minute still finishes. Once the bytes are all there, their SHA-256 must
be the snapshot's name, else the file is deleted and the download refused; the verified file is
renamed ``<sha256>.gz`` and kept until the catalog holds it.

:func:`read_snapshot` then checks EVERY line before the caller writes anything (inflated size
capped, one header, ``items`` product lines of the wire's ``ProductWire``, versions rising and
none past the snapshot's cursor), and :func:`snapshot_batches` reads it again in batches for the
writes. A hostile or damaged snapshot is refused with one line and nothing written.

Qt-free; runs on the sync thread. No widget calls in here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
from pydantic import ValidationError

from kiosk import wire
from kiosk.sync.client import CentralClient, attempt_deadline
from kiosk.sync.errors import BadResponse, Offline, Rejected, ServerError, Unknown

#: Bytes read from the network or the file at a time.
CHUNK = 64 * 1024
#: Products written per transaction when a snapshot is applied.
APPLY_BATCH = 5000
#: Attempts at one download in one run (each resumes where the last one stopped).
DOWNLOAD_ATTEMPTS = 4


class SnapshotGone(Exception):
    """Central no longer has this snapshot (replaced and pruned): ask for the latest again."""


@dataclass(frozen=True, slots=True)
class Downloaded:
    """A verified snapshot file and what this run fetched for it."""

    path: Path
    info: wire.SnapshotInfo
    #: Bytes received in this run (0: the verified file was already there).
    fetched: int
    #: Bytes already on disk when this run started (from a cut download).
    resumed_from: int


class SnapshotDownloader:
    """Downloads snapshots into ``folder`` through ``client``'s ``httpx.Client``.

    Args:
        client: the central client (base URL, timeouts, stats).
        folder: where partial and verified files live (created when needed).
        attempts: tries per download in one call (each resumes).
        sleep: between tries (tests pass a no-op).
        max_inflated: cap on a snapshot's inflated bytes (``read_snapshot`` stops there).
    """

    def __init__(
        self,
        client: CentralClient,
        folder: Path,
        *,
        attempts: int = DOWNLOAD_ATTEMPTS,
        sleep: Callable[[float], None] = time.sleep,
        max_inflated: int = wire.MAX_SNAPSHOT_INFLATED_BYTES,
    ) -> None:
        self.client = client
        self.max_inflated = max_inflated
        self.folder = folder
        self.attempts = max(1, attempts)
        self._sleep = sleep

    def latest(self) -> wire.SnapshotInfo | None:
        """The newest snapshot, or ``None`` when central has none (an empty catalog)."""
        try:
            return self.client.latest_snapshot()
        except Rejected as exc:
            if exc.status == 404 and not exc.needs_enrollment:
                return None
            raise

    def download(self, info: wire.SnapshotInfo) -> Downloaded:
        """The verified snapshot file of ``info``, downloading (or resuming) it first.

        Raises:
            SnapshotGone: central answered 404 (it was replaced); the partial file is deleted.
            BadResponse: wrong size or hash (the partial file is deleted).
            Offline, ServerError, Unknown: the download stopped; what arrived is kept for the
                next try.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / f"{info.sha256}.gz"
        part = self.folder / f"{info.sha256}.part"
        self._forget_others(info.sha256)
        if final.is_file():
            if final.stat().st_size == info.size and _sha256_of(final) == info.sha256:
                return Downloaded(final, info, 0, info.size)
            final.unlink()
        resumed_from = part.stat().st_size if part.is_file() else 0
        fetched = 0
        attempt = 0
        while True:
            attempt += 1
            try:
                fetched += self._fetch_rest(info, part)
                break
            except (Unknown, ServerError) as exc:
                if attempt >= self.attempts:
                    raise
                wait = exc.retry_after_s if isinstance(exc, ServerError) else None
                self._sleep(min(wait or 0.2 * attempt, 5.0))
        if _sha256_of(part) != info.sha256:
            part.unlink()
            raise BadResponse(
                "the catalog snapshot arrived damaged (its SHA-256 is not its name); refused,"
                " nothing was changed"
            )
        os.replace(part, final)
        return Downloaded(final, info, fetched, resumed_from)

    def discard(self, info: wire.SnapshotInfo | None = None) -> None:
        """Delete the files of ``info`` (all snapshot files when ``None``)."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if info is None or path.name.startswith(info.sha256):
                with contextlib.suppress(OSError):
                    path.unlink()

    def _forget_others(self, sha256: str) -> None:
        """Delete files of other snapshots (a newer one replaced them)."""
        for path in self.folder.iterdir():
            if not path.name.startswith(sha256):
                with contextlib.suppress(OSError):
                    path.unlink()

    def _fetch_rest(self, info: wire.SnapshotInfo, part: Path) -> int:
        """One attempt: fetch the bytes ``part`` lacks; returns how many arrived."""
        have = part.stat().st_size if part.is_file() else 0
        if have > info.size:
            part.unlink()
            have = 0
        if have == info.size:
            return 0
        etag = f'"{info.sha256}"'
        headers = {"Range": f"bytes={have}-", "If-Range": etag} if have else {}
        url = f"{wire.API_PREFIX}/catalog/snapshots/{info.sha256}"
        got = 0
        deadline = time.monotonic() + self.client.timeouts.total
        self.client.stats.add(requests=1)
        try:
            with (
                attempt_deadline(deadline),
                self.client.http.stream("GET", url, headers=headers) as resp,
            ):
                status = resp.status_code
                if status == 404:
                    part.unlink(missing_ok=True)
                    raise SnapshotGone
                if status == 416:
                    part.unlink(missing_ok=True)  # our partial file is not a prefix of it
                    raise Unknown("the snapshot download must start again")
                if status >= 500 or status in (408, 429):
                    raise ServerError(
                        f"the central service is busy or failing ({status})", status, "busy"
                    )
                if status not in (200, 206):
                    raise Rejected(
                        f"the central service refused the catalog snapshot ({status})",
                        status,
                        "refused",
                    )
                if resp.headers.get("content-encoding", "identity") not in ("", "identity"):
                    raise BadResponse("the catalog snapshot came re-encoded; refused")
                if status == 206:
                    expected = f"bytes {have}-{info.size - 1}/{info.size}"
                    if resp.headers.get("content-range", "") != expected:
                        raise BadResponse(
                            "the catalog snapshot's range reply does not continue the download"
                        )
                    mode = "ab"
                else:
                    have, mode = 0, "wb"
                with part.open(mode) as out:
                    # No chunk size: httpx would hold back a partial chunk, lost in a cut.
                    for chunk in resp.iter_raw():
                        self.client.stats.add(wire_bytes_in=len(chunk))
                        got += len(chunk)
                        if have + got > info.size:
                            out.close()
                            part.unlink(missing_ok=True)
                            raise BadResponse(
                                f"the catalog snapshot is longer than its {info.size} bytes;"
                                " refused, nothing was changed"
                            )
                        out.write(chunk)
                    out.flush()
                    os.fsync(out.fileno())
        except httpx.ConnectError as exc:
            raise Offline(f"cannot reach the central service: {exc}") from None
        except (httpx.TimeoutException, httpx.TransportError) as exc:
            raise Unknown(
                f"the catalog snapshot download broke after {got} bytes ({type(exc).__name__});"
                " it resumes where it stopped"
            ) from None
        if have + got < info.size:
            raise Unknown("the catalog snapshot download ended early; it resumes where it stopped")
        return got


def _sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(CHUNK), b""):
            h.update(block)
    return h.hexdigest()


# --- reading ------------------------------------------------------------------------------------


def _lines(path: Path, max_inflated: int) -> Iterator[bytes]:
    """The inflated lines of a gzip file; refuses more than ``max_inflated`` bytes, a line over
    :data:`kiosk.wire.MAX_SNAPSHOT_LINE_BYTES`, a damaged stream and bytes after it."""
    z = zlib.decompressobj(16 + zlib.MAX_WBITS)
    total = 0
    pending = b""
    with path.open("rb") as fh:
        for raw in iter(lambda: fh.read(CHUNK), b""):
            if z.eof:
                raise BadResponse("the catalog snapshot has bytes after its end; refused")
            buf = raw
            while True:
                try:
                    out = z.decompress(buf, CHUNK)
                except zlib.error as exc:
                    raise BadResponse(f"the catalog snapshot is not valid gzip ({exc})") from None
                buf = z.unconsumed_tail
                total += len(out)
                if total > max_inflated:
                    raise BadResponse(
                        f"the catalog snapshot inflates to over {max_inflated} bytes; refused"
                    )
                pending += out
                if b"\n" in out:
                    *whole, pending = pending.split(b"\n")
                    yield from whole
                if len(pending) > wire.MAX_SNAPSHOT_LINE_BYTES:
                    raise BadResponse("the catalog snapshot has an overlong line; refused")
                if z.eof:
                    if buf or z.unused_data:
                        raise BadResponse("the catalog snapshot has bytes after its end; refused")
                    break
                if not buf and not out:
                    break
    if not z.eof:
        raise BadResponse("the catalog snapshot ends too early; refused")
    if z.unused_data:
        raise BadResponse("the catalog snapshot has bytes after its end; refused")
    if pending:
        yield pending


@dataclass(frozen=True, slots=True)
class SnapshotBatch:
    """Up to :data:`APPLY_BATCH` products of a snapshot, validated."""

    items: list[wire.ProductWire]
    last: bool


def read_snapshot(
    path: Path, info: wire.SnapshotInfo, max_inflated: int = wire.MAX_SNAPSHOT_INFLATED_BYTES
) -> wire.SnapshotHeader:
    """Check every line of a verified snapshot file; its header when all is well.

    Raises:
        BadResponse: one line saying what is wrong (nothing was written).
    """
    header: wire.SnapshotHeader | None = None
    for header_or_batch in _parse(path, info, max_inflated, APPLY_BATCH):
        if isinstance(header_or_batch, wire.SnapshotHeader):
            header = header_or_batch
    if header is None:  # pragma: no cover - _parse raises first
        raise BadResponse("the catalog snapshot is empty; refused")
    return header


def snapshot_batches(
    path: Path,
    info: wire.SnapshotInfo,
    batch: int = APPLY_BATCH,
    max_inflated: int = wire.MAX_SNAPSHOT_INFLATED_BYTES,
) -> Iterator[SnapshotBatch]:
    """The products of a snapshot file that :func:`read_snapshot` accepted, in batches."""
    for item in _parse(path, info, max_inflated, batch):
        if isinstance(item, SnapshotBatch):
            yield item


def _parse(
    path: Path, info: wire.SnapshotInfo, max_inflated: int, batch: int
) -> Iterator[wire.SnapshotHeader | SnapshotBatch]:
    lines = _lines(path, max_inflated)
    first = next(lines, None)
    if first is None:
        raise BadResponse("the catalog snapshot is empty; refused")
    try:
        head = json.loads(first)
        if not isinstance(head, dict) or head.get("format") != wire.SNAPSHOT_FORMAT:
            raise BadResponse("the file is not a catalog snapshot; refused")
        header = wire.SnapshotHeader.model_validate(head)
    except (ValueError, ValidationError) as exc:
        raise BadResponse(
            f"the catalog snapshot's header is invalid ({_why(exc)}); refused"
        ) from None
    if header.cursor != info.cursor or header.items != info.items:
        raise BadResponse("the catalog snapshot does not match its description; refused")
    yield header
    limit = int(header.cursor or "0")
    previous = -1
    count = 0
    items: list[wire.ProductWire] = []
    for raw in lines:
        if not raw.strip():
            continue
        count += 1
        if count > header.items:
            raise BadResponse("the catalog snapshot holds more products than it says; refused")
        try:
            product = wire.ProductWire.model_validate_json(raw)
        except ValidationError as exc:
            raise BadResponse(
                f"the catalog snapshot's product {count} is invalid ({_why(exc)}); refused"
            ) from None
        if not previous < product.version <= limit:
            raise BadResponse(
                f"the catalog snapshot's product {count} is out of order or past its cursor;"
                " refused"
            )
        previous = product.version
        items.append(product)
        if len(items) >= batch and count < header.items:
            yield SnapshotBatch(items, last=False)
            items = []
    if count != header.items:
        raise BadResponse(
            f"the catalog snapshot holds {count} products, not the {header.items} it says; refused"
        )
    yield SnapshotBatch(items, last=True)


def _why(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        errors = exc.errors()
        if errors:
            where = ".".join(str(p) for p in errors[0]["loc"])
            return f"{where}: {errors[0]['msg']}" if where else str(errors[0]["msg"])
    return str(exc).splitlines()[0][:120] if str(exc) else type(exc).__name__

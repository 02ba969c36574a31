"""The product image cache: content-addressed files under a size cap, least recently used evicted.

Layout (shared with :mod:`kiosk.storage.catalog`'s file import): ``media_dir/ab/abcdef….png`` —
the sha256 of the content, its first two hex digits as a sub-folder, and a suffix sniffed from the
content (none when unknown). A file is only ever kept after its hash was verified, and is written
to a temporary name and renamed, so a power cut never leaves a half image under a real name.

"Recently used" is the file's modification time: :meth:`MediaCache.touch` (called when the UI
shows an image) refreshes it, because access times are often switched off on the PC.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

#: Default cap on the whole cache.
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
#: Largest single image accepted.
MAX_IMAGE_BYTES = 8 * 1024 * 1024

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


class MediaMismatch(Exception):
    """The downloaded bytes do not have the hash they were asked for."""


def sniff_suffix(data: bytes) -> str:
    """A file suffix from the content's magic bytes (``""`` when unknown)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return ".jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return ".gif"
    return ""


def is_sha256(text: str) -> bool:
    """True for a lowercase hex sha256."""
    return bool(_HEX64.match(text))


class MediaCache:
    """Images on disk, addressed by sha256, kept under ``max_bytes``.

    Args:
        media_dir: the store's media folder.
        max_bytes: cap on the total size; the least recently used files are removed past it.
    """

    def __init__(self, media_dir: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.media_dir = media_dir
        self.max_bytes = max_bytes
        self._total: int | None = None
        # The sync thread and the UI's ``fetch_media`` may store images at the same time.
        self._lock = threading.Lock()

    def find(self, sha256: str) -> Path | None:
        """The cached file of ``sha256``, whatever its suffix, or ``None``."""
        if not is_sha256(sha256):
            return None
        folder = self.media_dir / sha256[:2]
        try:
            for entry in os.scandir(folder):
                name = entry.name
                if name == sha256 or (name.startswith(sha256) and name[64:65] == "."):
                    return Path(entry.path)
        except FileNotFoundError:
            return None
        return None

    def missing(self, hashes: Iterable[str]) -> list[str]:
        """The valid hashes among ``hashes`` that are not cached, in the given order."""
        return [h for h in dict.fromkeys(hashes) if is_sha256(h) and self.find(h) is None]

    def touch(self, sha256: str) -> Path | None:
        """Mark an image as just used (LRU) and return its path."""
        path = self.find(sha256)
        if path is not None:
            with contextlib.suppress(OSError):
                os.utime(path)
        return path

    def put(self, sha256: str, data: bytes) -> Path:
        """Verify and store an image, then evict old ones past the cap.

        Raises:
            MediaMismatch: ``data`` does not hash to ``sha256``.
        """
        actual = hashlib.sha256(data).hexdigest()
        if actual != sha256:
            raise MediaMismatch(f"image {sha256[:12]}… arrived with a different hash")
        with self._lock:
            return self._store(sha256, data)

    def _store(self, sha256: str, data: bytes) -> Path:
        existing = self.find(sha256)
        if existing is not None:
            return existing
        folder = self.media_dir / sha256[:2]
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / f"{sha256}{sniff_suffix(data)}"
        tmp = folder / f".{sha256}.part"
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, dest)
        if self._total is not None:
            self._total += len(data)
        self._evict(keep={dest})
        return dest

    def _files(self) -> list[os.DirEntry[str]]:
        out: list[os.DirEntry[str]] = []
        if not self.media_dir.is_dir():
            return out
        for sub in os.scandir(self.media_dir):
            if not sub.is_dir():
                continue
            for entry in os.scandir(sub.path):
                if entry.is_file() and not entry.name.startswith("."):
                    out.append(entry)
        return out

    def total_bytes(self) -> int:
        """The cache's size on disk (computed once, then kept up to date by this object)."""
        if self._total is None:
            self._total = sum(e.stat().st_size for e in self._files())
        return self._total

    def evict(self, keep: set[Path] | None = None) -> int:
        """Remove least recently used files until the cache fits ``max_bytes``; count removed."""
        with self._lock:
            return self._evict(keep)

    def _evict(self, keep: set[Path] | None = None) -> int:
        if self.total_bytes() <= self.max_bytes:
            return 0
        keep = keep or set()
        entries = sorted(self._files(), key=lambda e: e.stat().st_mtime)
        total = sum(e.stat().st_size for e in entries)
        removed = 0
        for entry in entries:
            if total <= self.max_bytes:
                break
            if Path(entry.path) in keep:
                continue
            size = entry.stat().st_size
            try:
                os.unlink(entry.path)
            except OSError as exc:
                log.warning("could not evict %s: %s", entry.name, exc)
                continue
            total -= size
            removed += 1
        self._total = total
        return removed

"""Finding a product picture in the kiosk's media folder (plain file-system work).

Kept apart from :mod:`kiosk.storage.catalog`, which writes pictures along with the catalog and
imports SQLAlchemy and the catalog importer: the home screen's pictures are looked up while it
is first painted, before the store is opened (:mod:`kiosk.storage.first_paint`).
"""

from __future__ import annotations

from pathlib import Path

#: Image file types a catalog may reference: the keys of ``kiosk.catalog.IMAGE_TYPES``
#: (tests/storage/test_first_paint.py checks they agree).
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".webp", ".gif"})


def find_media(media_dir: Path, image_hash: str) -> Path | None:
    """The cached image file of ``image_hash`` (any suffix), or ``None`` if it is not there."""
    folder = media_dir / image_hash[:2]
    for suffix in sorted(IMAGE_SUFFIXES):
        candidate = folder / f"{image_hash}{suffix}"
        if candidate.is_file():
            return candidate
    return None

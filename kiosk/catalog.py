"""The catalog file format (JSON Lines, one product a line) and its validation.

The same format is read by ``kiosk catalog import`` (a technician seeding a kiosk from a USB stick)
and ``kiosk-central catalog import``. The format is documented in ``docs/catalog-format.md``.
Parsing is all-or-nothing: :func:`read_catalog_file` either returns every product of the file or
raises :class:`~kiosk.errors.InvalidInput` naming the bad lines, so nothing is half-imported.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from kiosk.errors import InvalidInput
from kiosk.textfiles import parse_text_file

#: How many bad lines an error message lists before it says "and N more".
MAX_REPORTED_ERRORS = 5
#: Largest picture a catalog file may reference.
MAX_IMAGE_BYTES = 10 * 1024 * 1024
#: Picture file suffixes a catalog may reference, and the picture type each one must hold.
IMAGE_TYPES = {".png": "png", ".jpg": "jpeg", ".jpeg": "jpeg", ".webp": "webp", ".gif": "gif"}
#: MIME type of each picture type (what central serves the picture as).
CONTENT_TYPES = {
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "gif": "image/gif",
}
#: The largest central version a catalog line may carry (a PostgreSQL bigint).
MAX_VERSION = 2**63 - 1


class StockState(StrEnum):
    """What the villager is told about availability."""

    IN_STOCK = "in_stock"
    LOW = "low"
    OUT = "out_of_stock"


Sku = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")]
Text = Annotated[str, Field(min_length=1, max_length=200)]


class CatalogProduct(BaseModel):
    """One product as written in a catalog file."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    sku: Sku
    name: Text
    category: Annotated[str, Field(min_length=1, max_length=40)]
    price_fen: Annotated[StrictInt, Field(ge=0, le=100_000_000)]
    unit: Annotated[str, Field(min_length=1, max_length=10)]
    description: Annotated[str, Field(max_length=2000)] = ""
    image: Annotated[str, Field(max_length=500)] | None = None
    stock: StockState = StockState.IN_STOCK
    barcode: Annotated[str, Field(pattern=r"^\d{8,14}$")] | None = None
    active: StrictBool = True
    #: Central's version of this product, written by ``kiosk-central catalog export``; absent in
    #: a file made by hand. A kiosk keeps it so orders placed before the first sync carry it.
    version: Annotated[StrictInt, Field(ge=1, le=MAX_VERSION)] | None = None


def _explain(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    msg = first.get("msg", "invalid")
    if first.get("type") == "extra_forbidden":
        return f"unknown field '{where}'"
    if first.get("type") == "missing":
        return f"missing field '{where}'"
    return f"{where}: {msg}" if where else msg


def parse_catalog_lines(lines: Iterable[str]) -> list[CatalogProduct]:
    """Parse catalog JSON Lines; blank lines are skipped.

    Raises:
        InvalidInput: naming each bad line (number and reason), or a SKU given twice.
    """
    products: list[CatalogProduct] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text:
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            errors.append(f"line {number}: not valid JSON ({exc.msg})")
            continue
        if not isinstance(data, dict):
            errors.append(f"line {number}: expected a JSON object")
            continue
        try:
            product = CatalogProduct.model_validate(data)
        except ValidationError as exc:
            errors.append(f"line {number}: {_explain(exc)}")
            continue
        if product.sku in seen:
            errors.append(f"line {number}: SKU {product.sku} already on line {seen[product.sku]}")
            continue
        seen[product.sku] = number
        products.append(product)
    if errors:
        more = len(errors) - MAX_REPORTED_ERRORS
        shown = "; ".join(errors[:MAX_REPORTED_ERRORS])
        suffix = f"; and {more} more bad lines" if more > 0 else ""
        raise InvalidInput(f"catalog file not imported, nothing changed: {shown}{suffix}")
    return products


def read_catalog_file(path: Path) -> list[CatalogProduct]:
    """Read and validate a whole catalog file (UTF-8, optional BOM)."""
    return parse_text_file(path, parse_catalog_lines, "catalog file")


# --- pictures ----------------------------------------------------------------------------------


class ImageProblem(ValueError):
    """A catalog line's picture cannot be used; the message is a short reason without the path.

    ``missing`` is true when the picture is simply not there (as opposed to refused).
    """

    def __init__(self, reason: str, *, missing: bool = False) -> None:
        super().__init__(reason)
        self.missing = missing


def picture_type(head: bytes) -> str | None:
    """The picture type (``png``, ``jpeg``, ``gif``, ``webp``) its first bytes say, or ``None``."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    return None


def locate_image(folder: Path, relative: str) -> tuple[Path, str]:
    """Find and check the picture a catalog line names, relative to the catalog's folder.

    The path must be relative (no drive, no leading slash), must not use ``..``, must stay inside
    ``folder`` once symbolic links are followed, must end in a picture suffix, must be a regular
    file of at most :data:`MAX_IMAGE_BYTES`, and its first bytes must be a picture of the type its
    suffix says. Both importers (the kiosk's and central's) use this, so a catalog file can never
    make either read a file outside its folder (``/etc/passwd``, ``../secret/x.png``).

    Returns:
        ``(path, picture type)``; the path is inside ``folder`` and keeps the line's suffix.

    Raises:
        ImageProblem: with a short reason.
    """
    parts = [p for p in re.split(r"[\\/]", relative) if p not in ("", ".")]
    if (
        relative.startswith(("/", "\\"))
        or PurePosixPath(relative).is_absolute()
        or PureWindowsPath(relative).drive
        or ":" in relative
    ):
        raise ImageProblem("image path must be relative to the catalog file")
    if ".." in parts:
        raise ImageProblem("image path must not leave the catalog folder ('..')")
    if not parts:
        raise ImageProblem("image path is empty")
    suffix = PurePosixPath(parts[-1]).suffix.lower()
    expected = IMAGE_TYPES.get(suffix)
    if expected is None:
        allowed = "/".join(sorted(s.lstrip(".") for s in IMAGE_TYPES))
        raise ImageProblem(f"image must be a {allowed} file")
    path = folder.joinpath(*parts)
    try:
        real = path.resolve(strict=True)
        base = folder.resolve(strict=True)
    except (OSError, RuntimeError):
        raise ImageProblem("image not found", missing=True) from None
    if not real.is_relative_to(base):
        raise ImageProblem("image is outside the catalog folder (a link leads out of it)")
    try:
        with open(path, "rb", opener=_open_no_block) as fh:
            info = os.fstat(fh.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise ImageProblem("image not found", missing=True)
            if info.st_size > MAX_IMAGE_BYTES:
                raise ImageProblem("image larger than 10 MB")
            head = fh.read(16)
    except OSError:
        raise ImageProblem("image not found", missing=True) from None
    found = picture_type(head)
    if found is None:
        raise ImageProblem("image is not a picture (its first bytes are no PNG/JPEG/GIF/WebP)")
    if found != expected:
        raise ImageProblem(f"image is a {found.upper()} picture, not the {suffix} its name says")
    return path, found


def _open_no_block(path: str, flags: int) -> int:
    # O_NONBLOCK: a FIFO named as an image must not hang the import (it is refused as not a file).
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))

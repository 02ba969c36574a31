"""The catalog file format (JSON Lines, one product a line) and its validation.

The same format is read by ``kiosk catalog import`` (a technician seeding a kiosk from a USB stick)
and ``kiosk-central catalog import``. The format is documented in ``docs/catalog-format.md``.
Parsing is all-or-nothing: :func:`read_catalog_file` either returns every product of the file or
raises :class:`~kiosk.errors.InvalidInput` naming the bad lines, so nothing is half-imported.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, ValidationError

from kiosk.errors import InvalidInput
from kiosk.textfiles import parse_text_file

#: How many bad lines an error message lists before it says "and N more".
MAX_REPORTED_ERRORS = 5


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

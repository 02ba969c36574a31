"""`kiosk catalog` sub-commands: import a catalog file, search the catalog.

``kiosk catalog import FILE [--json]`` imports a JSON Lines catalog file fully or not at all
(``docs/catalog-format.md``). ``kiosk catalog search QUERY [--limit N] [--json]`` searches like
the villager screen does.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from kiosk.cli import CliContext, print_json
from kiosk.errors import InvalidInput
from kiosk.money import format_yuan

#: Most results ``kiosk catalog search`` accepts to return.
MAX_LIMIT = 1000


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_LIMIT}")
    return value


def register(sub: Any) -> None:
    """Register this group's sub-commands."""
    group = sub.add_parser("catalog", help="import and search the product catalog")
    commands = group.add_subparsers(dest="catalog_command", metavar="COMMAND")
    group.set_defaults(func=_help(group))

    imp = commands.add_parser(
        "import", help="import a catalog file (JSON Lines); nothing changes if any line is bad"
    )
    imp.add_argument("file", type=Path, help="the catalog file, e.g. /media/usb/catalog.jsonl")
    imp.add_argument("--json", action="store_true", help="print the summary as JSON")
    imp.set_defaults(func=cmd_import)

    find = commands.add_parser("search", help="search the catalog as villagers do")
    find.add_argument("query", help="Chinese, pinyin (xiyiji), initials (xyj), SKU or barcode")
    find.add_argument("--limit", type=_limit, default=20, help="most results (default 20)")
    find.add_argument("--category", default=None, help="only this category (by name)")
    find.add_argument("--json", action="store_true", help="print results as a JSON array")
    find.set_defaults(func=cmd_search)


def _help(parser: argparse.ArgumentParser) -> Any:
    def show(_args: argparse.Namespace, _ctx: CliContext) -> int:
        parser.print_help()
        return 2

    return show


def cmd_import(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk catalog import FILE``."""
    from kiosk.storage.catalog import import_catalog_file

    path: Path = args.file
    if not path.exists():
        # Checked before opening the store so a typo does not create an empty data folder.
        raise InvalidInput(f"catalog file not found: {path}")
    summary = import_catalog_file(ctx.store(), path)
    if args.json:
        print_json(
            {
                "created": summary.created,
                "updated": summary.updated,
                "unchanged": summary.unchanged,
                "images_copied": summary.images_copied,
            }
        )
    else:
        print(
            f"catalog imported from {path.name}: {summary.created} new, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.images_copied} images copied"
        )
        if summary.resync:
            print(
                "the next sync fetches the platform's whole catalog again "
                "to replace what this file changed"
            )
    return 0


def cmd_search(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk catalog search QUERY``."""
    from kiosk.storage.search import search_products

    with ctx.store().read() as s:
        hits = search_products(s, args.query, limit=args.limit, category=args.category)
    if args.json:
        print_json(
            [
                {
                    "sku": h.sku,
                    "name": h.name,
                    "price_fen": h.price_fen,
                    "unit": h.unit,
                    "category": h.category,
                    "stock": h.stock,
                    "image_hash": h.image_hash,
                    "rank_tier": h.rank_tier,
                }
                for h in hits
            ]
        )
        return 0
    if not hits:
        print(f"nothing found for '{args.query}'", file=sys.stderr)
        return 0
    for h in hits:
        print(f"{h.sku:<14} {format_yuan(h.price_fen):>12}/{h.unit}  {h.name}  [{h.category}]")
    return 0

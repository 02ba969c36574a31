"""`kiosk gui [--windowed] [--lang zh_CN|en] [--idle-timeout S]`; also what plain `kiosk` runs."""

from __future__ import annotations

import argparse
from typing import Any

from kiosk.cli import CliContext


def preload_storage() -> None:
    """Import the storage modules the GUI's start-up uses, before Qt is imported.

    PySide6 installs an import hook that inspects every module imported after it; SQLAlchemy and
    the store's modules load faster before it (docs/benchmarks.md). The import order is the only
    thing this changes.
    """
    import sqlalchemy.dialects.sqlite  # noqa: F401  (create_engine would load it after Qt)

    import kiosk.storage.admin
    import kiosk.storage.autobackup
    import kiosk.storage.browsing
    import kiosk.storage.lookup
    import kiosk.storage.orders
    import kiosk.storage.recovery
    import kiosk.storage.store  # noqa: F401


def cmd_gui(args: argparse.Namespace, ctx: CliContext) -> int:
    """Open the villager's kiosk."""
    from kiosk.storage.cards import HOME_FEATURED
    from kiosk.storage.first_paint import read_first_paint

    # A store ready as it is paints its home screen from a plain sqlite3 read and is opened
    # after that paint; otherwise it is opened (migrated, repaired) first, as always.
    first = read_first_paint(ctx.data_dir, HOME_FEATURED)
    if first is None:
        preload_storage()
    # Imported here so other commands never load Qt.
    from kiosk.ui.app import run_gui

    return run_gui(
        ctx.data_dir,
        windowed=bool(getattr(args, "windowed", False)),
        lang=getattr(args, "lang", None),
        idle_timeout_s=float(getattr(args, "idle_timeout", None) or 120.0),
        first=first,
    )


def register(sub: Any) -> None:
    """Register ``kiosk gui`` (``kiosk.cli.build_parser`` also makes it the default command)."""
    p = sub.add_parser("gui", help="open the villager's kiosk (the default when no command)")
    p.add_argument("--windowed", action="store_true", help="a normal window, for development")
    p.add_argument(
        "--lang",
        choices=["zh_CN", "en"],
        default=None,
        help="screen language (default: the one chosen at first run, else zh_CN)",
    )
    p.add_argument(
        "--idle-timeout",
        type=float,
        default=120.0,
        metavar="S",
        help="seconds without a touch before the kiosk returns home and clears the cart",
    )
    p.set_defaults(func=cmd_gui)

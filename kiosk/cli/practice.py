"""``kiosk practice start|reset|end``: the practice store for training a representative.

The practice store is ``DATA_DIR/practice`` (``kiosk/storage/practice.py``): a copy of the
catalog with its own orders and cash, never synced. The other commands work on it with
``--data-dir DATA_DIR/practice`` (``kiosk --data-dir …/practice owner queue``); the GUI's practice
mode opens the same store.

No PIN is asked here: these commands never write to the real store, and a PIN try is itself a
write (its back-off and the audit log), which would leave the real database different from
before. The owner's screen asks for the PIN before the GUI's practice mode.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from kiosk.cli import CliContext, print_json
from kiosk.errors import KioskError

#: The running kiosk window's lock file in the data folder (``kiosk/ui/single.py``).
GUI_LOCK_FILENAME = "kiosk-gui.lock"


class KioskWindowOpen(KioskError):
    """The kiosk window is open on this data folder (it may have the practice store open)."""


def _refuse_beside_open_window(data_dir: Path) -> None:
    """Refuse ``reset``/``end`` while a kiosk window holds the folder's lock (POSIX only).

    The window may have the practice store open; deleting its files under SQLite loses data
    (docs/architecture.md, the live database files rule). The lock file (a ``QLockFile``) starts
    with the holder's process id. On Windows the check is skipped: there, SQLite's open files
    cannot be deleted anyway.
    """
    if os.name != "posix":
        return
    try:
        pid = int((data_dir / GUI_LOCK_FILENAME).read_text(encoding="utf-8").splitlines()[0])
    except (OSError, ValueError, IndexError, UnicodeError):
        return
    if pid <= 0 or pid == os.getpid():
        return
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return  # a lock left by a kiosk that died
    except PermissionError:
        pass  # it exists, under another user
    raise KioskWindowOpen(
        "the kiosk window is open on this data folder: close it (or leave practice mode on "
        "its screen) first"
    )


def cmd_start(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk practice start``: make the practice store (or keep the one there)."""
    from kiosk.storage.practice import (
        count_products,
        practice_dir,
        practice_exists,
        start_practice,
    )

    existed = practice_exists(ctx.data_dir)
    store = start_practice(ctx.data_dir)
    try:
        products = count_products(store)
    finally:
        store.close()
    folder = practice_dir(ctx.data_dir)
    if args.json:
        print_json({"practice_dir": str(folder), "products": products, "new": not existed})
    else:
        what = "kept the practice store that was there" if existed else "practice store made"
        print(f"{what}: {folder} ({products} products; it never syncs)")
        print(f"use it with: kiosk --data-dir {folder} …   end it with: kiosk practice end")
    return 0


def cmd_reset(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk practice reset``: throw the practice orders away and start again."""
    from kiosk.storage.practice import practice_dir, reset_practice

    _refuse_beside_open_window(ctx.data_dir)
    reset_practice(ctx.data_dir).close()
    folder = practice_dir(ctx.data_dir)
    if args.json:
        print_json({"practice_dir": str(folder), "reset": True})
    else:
        print(f"practice store made again: {folder}")
    return 0


def cmd_end(args: argparse.Namespace, ctx: CliContext) -> int:
    """``kiosk practice end``: delete the practice store (the real kiosk is as before)."""
    from kiosk.storage.practice import end_practice

    _refuse_beside_open_window(ctx.data_dir)
    existed = end_practice(ctx.data_dir)
    if args.json:
        print_json({"deleted": existed})
    else:
        print("practice store deleted" if existed else "there was no practice store")
    return 0


def register(sub: Any) -> None:
    """Register ``kiosk practice``."""
    practice = sub.add_parser(
        "practice",
        help="practice mode for training: a throw-away copy of the catalog, never synced",
        description=(
            "Make, remake or delete the practice store (DATA_DIR/practice). Close the kiosk "
            "window before `reset` or `end`."
        ),
    )
    psub = practice.add_subparsers(dest="practice_command", metavar="COMMAND")
    for name, func, text in (
        ("start", cmd_start, "make the practice store with a copy of the catalog"),
        ("reset", cmd_reset, "delete the practice orders and cash and start again"),
        ("end", cmd_end, "delete the practice store; the real kiosk is exactly as before"),
    ):
        p = psub.add_parser(name, help=text, description=text)
        p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=func)

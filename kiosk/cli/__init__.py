"""The ``kiosk`` command line (also ``python -m kiosk``).

Each sub-command group lives in its own module and registers itself in :data:`GROUPS`. Commands
receive parsed arguments and a :class:`CliContext`; they return an exit code. Any
:class:`~kiosk.errors.KioskError` becomes one clear line on stderr and a non-zero exit, and so do
input nested too deeply to parse (``RecursionError``), text that cannot be encoded (lone
surrogates) and a closed stdout (``kiosk orders list | head``: exit 141, silently). Everything
written to stdout and stderr goes through :class:`TerminalSafe`: escape sequences and control
characters in data (a hostile center or product name) never reach the terminal raw.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from kiosk import __version__
from kiosk.errors import KioskError
from kiosk.text import json_escape_unsafe, terminal_safe

ENV_DATA_DIR = "KIOSK_DATA_DIR"


def default_data_dir() -> Path:
    """The data directory: ``$KIOSK_DATA_DIR`` or the platform's per-user data directory."""
    env = os.environ.get(ENV_DATA_DIR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("village-kiosk", appauthor=False))


@dataclass
class CliContext:
    """What every command gets besides its arguments. The store is opened on first use."""

    data_dir: Path
    _store: Any = field(default=None, repr=False)
    _quick: Any = field(default=None, repr=False)

    def store(self) -> Any:
        """The local store, opened (and migrated) lazily; closed by :func:`main`."""
        if self._store is None:
            from kiosk.storage.store import KioskStore

            self._store = KioskStore.open(self.data_dir)
            # Rotating files, redacted (docs/reliability.md, Private).
            from kiosk.logs import setup_logging

            setup_logging(self.data_dir)
        return self._store

    def quick_store(self) -> Any:
        """The store on a plain ``sqlite3`` connection when it is ready as it is, else ``None``
        (then use :meth:`store`, which migrates or repairs): see :mod:`kiosk.storage.quick_store`.
        Without SQLAlchemy, a command answers about as fast as Python starts."""
        if self._quick is None and self._store is None:
            from kiosk.storage.quick_store import open_ready

            self._quick = open_ready(self.data_dir)
            if self._quick is not None:
                from kiosk.logs import setup_logging

                setup_logging(self.data_dir)
        return self._quick

    def close(self) -> None:
        if self._quick is not None:
            self._quick.close()
            self._quick = None
        if self._store is not None:
            self._store.close()
            self._store = None


Command = Callable[[argparse.Namespace, CliContext], int]


def print_json(obj: Any) -> None:
    """Print one JSON document on one line (UTF-8, Chinese kept readable) and flush.

    Strict JSON (no NaN/Infinity); control, format and surrogate characters inside strings
    are written as ``\\uXXXX`` escapes, so the document is the same data and safe on a terminal.
    """
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    sys.stdout.write(json_escape_unsafe(text) + "\n")
    sys.stdout.flush()


#: Sub-command groups, one module each under ``kiosk/cli/``; each has ``register(subparsers)``.
GROUPS = ("catalog", "orders", "maintenance", "sync", "gui", "owner", "tech", "practice")
#: Which group registers each top-level command (``tests/cli`` checks it against the parser), so
#: a command imports only its own group's module.
COMMANDS = {
    "catalog": "catalog",
    "orders": "orders",
    "backup": "maintenance",
    "doctor": "maintenance",
    "enroll": "sync",
    "sync": "sync",
    "status": "sync",
    "gui": "gui",
    "owner": "owner",
    "tech": "tech",
    "practice": "practice",
}


def groups_for(argv: Sequence[str] | None) -> tuple[str, ...]:
    """The groups to register for ``argv``: only the command's own group when it names one
    (``kiosk orders place …``: its first answer should not wait for every other command's
    imports), ``gui`` for no command at all, and every group for help or anything else."""
    args = list(sys.argv[1:] if argv is None else argv)
    if any(arg in ("-h", "--help") for arg in args) and not any(a in COMMANDS for a in args):
        return GROUPS
    words = iter(args)
    for arg in words:
        if arg == "--data-dir":
            next(words, None)
        elif not arg.startswith("-"):
            return (COMMANDS[arg],) if arg in COMMANDS else GROUPS
    return ("gui",)


def _groups(names: Sequence[str] = GROUPS) -> list[Callable[[Any], None]]:
    # Imported here, not at module import time, so `kiosk --help` stays fast and side-effect free.
    import importlib

    return [importlib.import_module(f"kiosk.cli.{name}").register for name in names]


def build_parser(groups: Sequence[str] = GROUPS) -> argparse.ArgumentParser:
    """The argument parser with the commands of ``groups`` (default: all)."""
    parser = argparse.ArgumentParser(
        prog="kiosk",
        description="Village Kiosk (村站): the shop's offline-first ordering kiosk.",
    )
    parser.add_argument("--version", action="version", version=f"village-kiosk {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=None,
        help=f"where the kiosk keeps its data (env {ENV_DATA_DIR}; default: per-user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for register in _groups(groups):
        register(sub)
    # `kiosk` with no command opens the villager's kiosk (Qt is only imported when it runs).
    from kiosk.cli.gui import cmd_gui

    parser.set_defaults(default_func=cmd_gui)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``kiosk`` console script."""
    parser = build_parser(groups_for(argv))
    args = parser.parse_args(argv)
    func: Command | None = getattr(args, "func", None)
    if func is None:
        gui = getattr(args, "default_func", None)
        if gui is None:
            parser.print_help()
            return 2
        func = gui
    ctx = CliContext(data_dir=args.data_dir or default_data_dir())
    out, err = sys.stdout, sys.stderr
    # Names, center names and central's messages are data: no escape sequence or control
    # character in them reaches the terminal (kiosk/text.py printable).
    sys.stdout, sys.stderr = TerminalSafe(out), TerminalSafe(err)
    try:
        return func(args, ctx)
    except KioskError as exc:
        if _full_disk(exc, ctx.data_dir):
            return _say_full_disk()
        print(f"kiosk: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("kiosk: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `kiosk orders list | head`: the reader left; say nothing more on a closed pipe.
        _silence_stdout()
        return 141
    except RecursionError:
        print("kiosk: the input is nested too deeply to read; nothing was changed", file=sys.stderr)
        return 2
    except UnicodeError:
        print(
            "kiosk: the input holds text that cannot be stored (a broken character); nothing"
            " was changed",
            file=sys.stderr,
        )
        return 2
    except Exception as exc:
        # A full disk is the shop's problem to fix, not a bug: one line, no traceback. SQLite
        # rolled the write back, so nothing was half-saved (docs/operating.md).
        if not _full_disk(exc, ctx.data_dir):
            raise
        return _say_full_disk()
    finally:
        try:
            ctx.close()
        except Exception as exc:  # closing on a full disk may fail the same way
            if not _full_disk(exc, ctx.data_dir):
                raise
        finally:
            sys.stdout, sys.stderr = out, err


class TerminalSafe:
    """A text stream that drops escape sequences and control characters from what is written.

    Line breaks and tabs stay. JSON output escapes such characters itself (:func:`print_json`),
    so nothing of its data is lost here.
    """

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        self._inner.write(terminal_safe(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
    except (OSError, ValueError):
        pass


def _full_disk(exc: BaseException, data_dir: Path) -> bool:
    from kiosk.storage.diskspace import failed_on_full_disk

    return failed_on_full_disk(exc, data_dir)


def _say_full_disk() -> int:
    from kiosk.storage.diskspace import DiskFull

    print(f"kiosk: {DiskFull()}", file=sys.stderr)
    return DiskFull.exit_code

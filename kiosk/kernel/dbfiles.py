"""Database files that SQLite holds open in this process: plain file I/O on them is refused.

POSIX advisory locks belong to a process and a file, not to a descriptor. Closing *any* descriptor
of a database file (an ``open()``/``close()`` to read its header, a ``shutil.copyfile``) drops every
lock this process holds on that file, SQLite's included ("How To Corrupt An SQLite Database File",
section 2.2, on sqlite.org). Another process that then closes its last connection believes it is
the only one, checkpoints and deletes the ``-wal`` journal, and this process goes on writing into
a deleted file: orders it acknowledged vanish at the next start.

The rule this module enforces: while an engine of this process has a connection to a database,
nothing in the process may open, remove or rename that database, its ``-wal``, ``-shm`` or
``-journal`` except SQLite itself. Reading a file's bytes is allowed only *before* the first
connection (the probe at open) or *after* the last one is closed (recovery, restore).

Enforcement is an audit hook (:func:`sys.addaudithook`, Python's own mechanism for observing
``open``, ``os.remove`` and ``os.rename``), installed when the first engine registers. It raises
:class:`LiveDatabaseFileIO` instead of letting the call run, so the mistake is a loud error in
development and in the field, never silent data loss. SQLite's own file access is C code and does
not pass through the hook. The hook costs one set lookup per audit event.

This module is plain Python so both the kiosk's store and the central service can use it.
"""

from __future__ import annotations

import os
import sys
import threading
import weakref
from typing import Any, Protocol

#: Files that belong to one SQLite database besides the main file.
SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
#: Audit events that open, remove or rename a file, and which of their arguments are paths.
_WATCHED_EVENTS = {"open": (0,), "os.remove": (0,), "os.rename": (0, 1)}


class LiveDatabaseFileIO(RuntimeError):
    """Plain file I/O on a database file while this process has it open through SQLite."""


class _Engine(Protocol):
    @property
    def pool(self) -> Any: ...


_lock = threading.Lock()
#: Real path of a main database file -> weak references to the engines opened on it.
_engines: dict[str, list[weakref.ref[Any]]] = {}
#: Base names (main file and side files) of every registered database: the hook's fast filter.
_names: set[str] = set()
_hook_installed = False


def _real(path: str | os.PathLike[str]) -> str:
    return os.path.realpath(os.fspath(path))


def _connected(engine: Any) -> bool:
    pool = engine.pool
    try:
        return bool(pool.checkedin() + pool.checkedout())
    except AttributeError:  # a pool kind without counters: assume connected while it lives
        return True


def register_engine(path: str | os.PathLike[str], engine: _Engine) -> None:
    """Note that ``engine`` opens the database file at ``path`` (for the life of the engine).

    The file counts as live while the engine is alive and its pool holds a connection; a
    disposed or garbage-collected engine no longer counts.
    """
    global _hook_installed
    real = _real(path)
    base = os.path.basename(real)
    with _lock:
        refs = [r for r in _engines.get(real, []) if r() is not None]
        refs.append(weakref.ref(engine))
        _engines[real] = refs
        _names.add(base)
        _names.update(base + s for s in SIDE_SUFFIXES)
        if not _hook_installed:
            sys.addaudithook(_audit)
            _hook_installed = True


def is_live(path: str | os.PathLike[str]) -> bool:
    """Whether an engine of this process has a connection open to the database at ``path``."""
    real = _real(path)
    with _lock:
        refs = list(_engines.get(real, ()))
    return any((e := r()) is not None and _connected(e) for r in refs)


def _main_file(path: str) -> str:
    for suffix in SIDE_SUFFIXES:
        if path.endswith(suffix):
            return path[: -len(suffix)]
    return path


def check_path(path: object) -> None:
    """Raise :class:`LiveDatabaseFileIO` when ``path`` is a file of a database live here."""
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    if not isinstance(path, str | os.PathLike):
        return  # a file descriptor, or nothing we can name
    name = os.path.basename(os.fspath(path))
    if name not in _names:
        return
    real = _real(path)
    if is_live(_main_file(real)):
        raise LiveDatabaseFileIO(
            f"{real} is open through SQLite in this process; reading or moving it with plain file "
            "I/O would drop SQLite's locks (see kiosk/kernel/dbfiles.py)"
        )


def _audit(event: str, args: tuple[Any, ...]) -> None:
    positions = _WATCHED_EVENTS.get(event)
    if positions is None or not _names:
        return
    for i in positions:
        if i < len(args):
            check_path(args[i])

"""Guard against PySide6 6.12's reference-count bug on Python 3.11.

PySide6 6.12.0 (abi3 wheels, declared for Python ≥ 3.10) returns ``None`` from every void method
and ``True`` from ``Signal.emit`` without taking a reference, as if they were immortal — which they
are only from Python 3.12 on. On Python 3.11 each such call drops the reference count of ``None``
or ``True`` by one; after a few thousand calls the interpreter aborts with "Fatal Python error:
none_dealloc" (measured here: 50 ``QLabel.setText`` calls lower ``sys.getrefcount(None)`` by 50).

:func:`guard_singletons` measures the bug and, only if present, gives ``None``, ``True`` and
``False`` a huge reference count — what Python 3.12 does for them anyway (PEP 683). It must run
before Qt is used (``kiosk.ui.app.make_app`` and the UI tests' conftest call it). The real fix
is PySide6 < 6.12 (6.11.3 measured clean) or Python ≥ 3.12; with either, this guard measures no
bug and does nothing.
"""

from __future__ import annotations

import ctypes
import sys

#: Added to the reference counts: more than a kiosk can ever drop in its lifetime.
_IMMORTAL_BOOST = 1 << 40

_applied = False


def pyside_drops_references() -> bool:
    """True when calling a void PySide6 method lowers the reference count of ``None``."""
    from PySide6.QtCore import QObject

    probe = QObject()
    before = sys.getrefcount(None)
    for _ in range(20):
        probe.setObjectName("probe")
    return sys.getrefcount(None) < before - 10


def guard_singletons() -> bool:
    """Make ``None``/``True``/``False`` effectively immortal if PySide6 needs it; True if done."""
    global _applied
    if _applied:
        return True
    if sys.version_info >= (3, 12) or not pyside_drops_references():
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython object.
        ctypes.c_ssize_t.from_address(id(obj)).value += _IMMORTAL_BOOST
    _applied = True
    return True

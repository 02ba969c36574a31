"""Errors the shop can read.

Every error raised on purpose by Village Kiosk derives from :class:`KioskError`. Its message is a
single line that a shop owner or technician understands; the CLI prints it and exits non-zero.
"""

from __future__ import annotations


class KioskError(Exception):
    """Base of all expected errors. ``str(err)`` is the one-line message for people."""

    exit_code: int = 1


class InvalidInput(KioskError):
    """Input from a person or a file is not acceptable (bad phone, unknown SKU, bad line…)."""

    exit_code = 2


class IllegalTransition(KioskError):
    """An order was asked to move to a status its current status does not allow."""


class NotFound(KioskError):
    """The thing asked for does not exist in the local store."""

    exit_code = 3


class StoreProblem(KioskError):
    """The local database is missing, damaged or cannot be migrated."""

    exit_code = 4

"""Errors the shop can read.

Every error raised on purpose by Village Kiosk derives from :class:`KioskError`. Its message is a
single line that a shop owner or technician understands; the CLI prints it and exits non-zero.

That line is English (for technicians and the CLI). Where a screen may show the error, the raise
site also passes a machine-readable ``code`` and its ``params`` so the GUI can say it in the
screen's language (``kiosk.ui.errors.error_words``) without parsing English text.
"""

from __future__ import annotations

from collections.abc import Mapping


class KioskError(Exception):
    """Base of all expected errors. ``str(err)`` is the one-line message for people.

    Attributes:
        code: stable dotted name of the situation (e.g. ``order.not_found``), or ``None``.
        params: the values the message is built from (order numbers, SKUs, counts…).
    """

    exit_code: int = 1
    #: A class attribute, so subclasses that already name their own ``code`` (the central
    #: service's wire codes, ``sync.errors.Rejected``) keep theirs when none is passed here.
    code: str | None = None

    def __init__(
        self,
        message: str = "",
        *,
        code: str | None = None,
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.params: dict[str, object] = dict(params or {})


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

"""Typed sync errors: what went wrong, and therefore what the engine does next.

Each class is a :class:`~kiosk.errors.KioskError`, so the CLI prints its one-line message:

* :class:`Offline` — the central service could not be reached; nothing was sent. Keep queued.
* :class:`ServerError` — the server answered 5xx (or kept saying "later") after every retry.
* :class:`Rejected` — a 4xx with an :class:`~kiosk.wire.ErrorBody`; e.g. ``unauthorized`` means
  the kiosk must be enrolled again. Retrying the same request will not help.
* :class:`Unknown` — a timeout or a reply cut off *after* the request may have been processed.
  The outcome is unknown: never treated as success nor failure. Events stay pending and are resent
  later with the same ids (the server deduplicates them).
* :class:`BadResponse` — the reply failed validation or exceeded the size cap; nothing changed.
"""

from __future__ import annotations

from kiosk.errors import KioskError


class SyncError(KioskError):
    """Base of every sync failure."""

    exit_code = 5


class Offline(SyncError):
    """The central service cannot be reached (no connection, DNS, refused)."""


class ServerError(SyncError):
    """The central service kept failing (5xx, 429, 408) through every retry: try again later."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class Rejected(SyncError):
    """The central service refused the request (4xx with an error code)."""

    code: str

    def __init__(self, message: str, status: int, code: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code

    @property
    def needs_enrollment(self) -> bool:
        """True when the device credential is missing, wrong or revoked."""
        return self.status in (401, 403) and self.code != "enroll_code_invalid"


class Unknown(SyncError):
    """A timeout or cut reply: the server may or may not have processed the request."""


class BadResponse(SyncError):
    """The reply was malformed, failed schema validation or was larger than allowed."""


class NotEnrolled(SyncError):
    """This kiosk has no device credential yet."""


class KeyringRefused(KioskError):
    """The OS keyring is missing or insecure, so the device credential cannot be stored."""

    exit_code = 6

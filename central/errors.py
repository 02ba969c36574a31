"""Errors of the central service: each one maps to an HTTP status and an ``ErrorBody`` code.

Every refusal the central service makes on purpose is a :class:`CentralError`. Bad input of any
kind (a malformed cursor or limit, a bad center id, a catalog file that cannot be imported, a price
out of range) is one family, :class:`BadRequest`: HTTP 400 and exit code 2 at the command line.
It is also a :class:`kiosk.errors.InvalidInput`, the same kind of error the kiosk's own input
checks raise, so a caller handles both alike.
"""

from __future__ import annotations

from pydantic import ValidationError

from kiosk.errors import InvalidInput, KioskError


class CentralError(KioskError):
    """An expected refusal. ``str(err)`` is the one-line message for people."""

    status_code: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class BadRequest(CentralError, InvalidInput):
    """Bad input: a malformed request (bad cursor, bad limit, unsupported encoding…) or an
    operator's value or file the service cannot take."""

    exit_code = 2


class Unauthorized(CentralError):
    """No valid device token."""

    status_code = 401
    code = "unauthorized"


class EnrollRefused(CentralError):
    """The enrollment code is unknown, used or expired."""

    status_code = 403
    code = "enroll_refused"


class EnrollThrottled(CentralError):
    """Too many refused enrollment codes from one client address: the enrollment brake is on.

    Answered 429 with ``Retry-After: retry_after_s`` before the code is even looked at.
    """

    status_code = 429
    code = "enroll_throttled"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class NotFoundError(CentralError):
    """The thing asked for does not exist on the central service."""

    status_code = 404
    code = "not_found"
    exit_code = 3


class PayloadTooLarge(CentralError):
    """The request body (raw or decompressed) is over the limit."""

    status_code = 413
    code = "too_large"


class InvalidPayload(CentralError):
    """The request body does not match the protocol's schema."""

    status_code = 422
    code = "invalid_payload"


class RateLimited(CentralError):
    """This device sent more requests than its share (see :class:`central.edge.DeviceRateLimit`).

    Answered 429 with ``Retry-After: retry_after_s``; nothing of the request was done.
    """

    status_code = 429
    code = "rate_limited"

    def __init__(self, message: str, *, retry_after_s: int) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


def first_problem(err: ValidationError) -> str:
    """The first problem of a pydantic validation error, on one line (``field: message``)."""
    first = err.errors()[0]
    where = ".".join(str(p) for p in first.get("loc", ()))
    return f"{where}: {first.get('msg', 'invalid')}" if where else str(first.get("msg", "invalid"))

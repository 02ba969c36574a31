"""Errors of the central service: each one maps to an HTTP status and an ``ErrorBody`` code."""

from __future__ import annotations

from kiosk.errors import KioskError


class CentralError(KioskError):
    """An expected refusal. ``str(err)`` is the one-line message for people."""

    status_code: int = 400
    code: str = "bad_request"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code


class BadRequest(CentralError):
    """The request is malformed (bad cursor, bad limit, unsupported encoding…)."""

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

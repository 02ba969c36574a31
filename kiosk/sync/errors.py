"""Typed sync errors: what went wrong, and therefore what the engine does next.

Each class is a :class:`~kiosk.errors.KioskError`, so the CLI prints its one-line message:

* :class:`Offline` — the central service could not be reached; nothing was sent. Keep queued.
* :class:`TlsRefused` — an :class:`Offline` whose TLS handshake failed: the certificate dates
  were refused (most often the kiosk's clock is wrong), the certificate is not trusted, or the
  address does not speak TLS. Never "fixed" by turning checks off.
* :class:`ServerError` — the server answered 5xx (or kept saying "later") after every retry. It
  keeps central's error code (``busy``, ``server_error``, ``enroll_throttled``…) and the wait it
  asked for (``Retry-After``).
* :class:`Rejected` — a 4xx with an :class:`~kiosk.wire.ErrorBody`; e.g. ``unauthorized`` means
  the kiosk must be enrolled again. Retrying the same request will not help.
* :class:`Unknown` — a timeout or a reply cut off *after* the request may have been processed.
  The outcome is unknown: never treated as success nor failure. Events stay pending and are resent
  later with the same ids (the server deduplicates them).
* :class:`BadResponse` — the reply failed validation or exceeded the size cap; nothing changed.
* :class:`RunLimit` — one run fetched more pages, or ran longer, than a run may: it stopped
  (what was committed is kept) and the next run goes on from the saved cursors.

:class:`SyncCode` names what stopped a sync run, for screens (``SyncSummary.error_code``), and
:func:`sync_code` derives it from an error, so no one has to read the English messages.
"""

from __future__ import annotations

from enum import StrEnum

from kiosk.errors import KioskError


class SyncCode(StrEnum):
    """What stopped (or spoiled) a sync run: ``SyncSummary.error_code``; ``None`` when it worked.

    The values are part of ``kiosk sync --json`` and ``kiosk status --json``: add, never rename.
    """

    #: The central service could not be reached (no connection, DNS, refused).
    OFFLINE = "offline"
    #: TLS refused the certificate's dates (expired or not yet valid): check the kiosk's clock.
    TLS_CLOCK = "tls_clock"
    #: TLS refused the certificate: self-signed, unknown authority, or made for another address.
    TLS_UNTRUSTED = "tls_untrusted"
    #: No TLS connection could be set up at all (e.g. https spoken to a plain-http port).
    TLS_HANDSHAKE = "tls_handshake"
    #: A timeout or a cut reply: whether central got the data is unknown (it is resent).
    TIMEOUT = "timeout"
    #: Central said "busy, later" (503 ``busy``, 429, 408) through every retry.
    BUSY = "busy"
    #: Central failed (500 ``server_error``, or another 5xx) through every retry.
    SERVER_ERROR = "server_error"
    #: Central does not recognise the device credential: enroll the kiosk again.
    UNAUTHORIZED = "unauthorized"
    #: Central refused a request for another reason; ``SyncSummary.central_code`` says which.
    REFUSED = "refused"
    #: Central's reply was damaged, invalid or too large; nothing was changed.
    BAD_RESPONSE = "bad_response"
    #: The kiosk has no device credential yet.
    NOT_ENROLLED = "not_enrolled"
    #: The OS keyring is missing or insecure, so the credential cannot be read.
    KEYRING = "keyring"
    #: Another sync held the lock on this kiosk; this one did nothing (``SyncSummary.busy``).
    ALREADY_RUNNING = "already_running"
    #: :meth:`SyncEngine.abort` stopped the run between pages/batches.
    ABORTED = "aborted"
    #: The local database is damaged: nothing is read from it until it is repaired.
    DAMAGED = "damaged"
    #: The run hit its page or time cap (a feed that never ends): it stopped, the next one resumes.
    RUN_LIMIT = "run_limit"
    #: Anything else (the English ``errors`` say what).
    OTHER = "other"


class SyncError(KioskError):
    """Base of every sync failure."""

    exit_code = 5


class Offline(SyncError):
    """The central service cannot be reached (no connection, DNS, refused)."""


class TlsRefused(Offline):
    """The TLS handshake with the central service failed; nothing was sent.

    Attributes:
        reason: ``clock`` (the certificate is expired or not yet valid *by this kiosk's clock*),
            ``untrusted`` (self-signed, unknown authority, wrong host name) or ``handshake``
            (no TLS at all, e.g. https to a plain-http port).
        verify_code: OpenSSL's verification code when a certificate was refused, else ``None``.
    """

    CLOCK = "clock"
    UNTRUSTED = "untrusted"
    HANDSHAKE = "handshake"

    def __init__(self, message: str, reason: str, verify_code: int | None = None) -> None:
        super().__init__(message)
        self.reason = reason
        self.verify_code = verify_code

    @property
    def clock_suspect(self) -> bool:
        """True when the refusal is about the certificate's dates: check the date and time."""
        return self.reason == self.CLOCK


class ServerError(SyncError):
    """The central service kept failing (5xx, 429, 408) through every retry: try again later.

    Attributes:
        status: the last HTTP status (``None`` when unknown).
        code: central's ``ErrorBody.error`` (``busy``, ``server_error``, ``enroll_throttled``…),
            or ``http_<status>`` when the reply was not central's.
        retry_after_s: the wait the reply asked for (``Retry-After``), in seconds, if any.
    """

    code: str

    def __init__(
        self,
        message: str,
        status: int | None = None,
        code: str | None = None,
        retry_after_s: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code or (f"http_{status}" if status else "server_error")
        self.retry_after_s = retry_after_s

    @property
    def busy(self) -> bool:
        """True when central said "later" (busy, throttled) rather than "I failed"."""
        return self.code == "busy" or self.status in (408, 429, 503)


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


class RunLimit(SyncError):
    """One sync run fetched too many pages or ran too long; it stopped at a page boundary.

    Everything committed is kept and the next run resumes on the saved cursors. A feed whose
    ``has_more`` never turns false (a broken or hostile central) therefore cannot hold the sync
    lock for ever.

    Attributes:
        limit: ``pages`` or ``time``.
    """

    PAGES = "pages"
    TIME = "time"

    def __init__(self, message: str, limit: str) -> None:
        super().__init__(message)
        self.limit = limit


class NotEnrolled(SyncError):
    """This kiosk has no device credential yet."""


class KeyringRefused(KioskError):
    """The OS keyring is missing or insecure, so the device credential cannot be stored."""

    exit_code = 6


_TLS_CODES = {
    TlsRefused.CLOCK: SyncCode.TLS_CLOCK,
    TlsRefused.UNTRUSTED: SyncCode.TLS_UNTRUSTED,
    TlsRefused.HANDSHAKE: SyncCode.TLS_HANDSHAKE,
}


def sync_code(exc: BaseException) -> SyncCode:
    """The :class:`SyncCode` that says what ``exc`` means for a sync run."""
    if isinstance(exc, TlsRefused):
        return _TLS_CODES.get(exc.reason, SyncCode.TLS_HANDSHAKE)
    if isinstance(exc, Offline):
        return SyncCode.OFFLINE
    if isinstance(exc, Unknown):
        return SyncCode.TIMEOUT
    if isinstance(exc, ServerError):
        return SyncCode.BUSY if exc.busy else SyncCode.SERVER_ERROR
    if isinstance(exc, Rejected):
        return SyncCode.UNAUTHORIZED if exc.needs_enrollment else SyncCode.REFUSED
    if isinstance(exc, BadResponse):
        return SyncCode.BAD_RESPONSE
    if isinstance(exc, NotEnrolled):
        return SyncCode.NOT_ENROLLED
    if isinstance(exc, RunLimit):
        return SyncCode.RUN_LIMIT
    if isinstance(exc, KeyringRefused):
        return SyncCode.KEYRING
    return SyncCode.OTHER


def central_code(exc: BaseException) -> str | None:
    """Central's own error code carried by ``exc`` (a refusal or a 5xx), else ``None``."""
    if isinstance(exc, Rejected | ServerError):
        return exc.code
    return None

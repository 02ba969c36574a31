"""A thin, typed client of the central service's ``/v1`` API over one injected ``httpx.Client``.

Why not let httpx do more: httpx retries only connection failures and inflates gzip without a
size limit. Here every call has

* explicit timeouts (set on the injected ``httpx.Client``; see :func:`make_http_client`) and an
  overall deadline per attempt (``Timeouts.total``), so a link that trickles one byte a minute
  still ends. The deadline is enforced at the socket, headers included: the client made by
  :func:`make_http_client` gives every connect, TLS handshake, read and write of an attempt at
  most the time the attempt has left, and none once it is spent (:class:`_DeadlineBackend`). A
  server that sends its status line and then one header byte every few seconds (each read well
  inside the read timeout) is cut at ``total``;
* our own retry policy: 408/429/5xx, connection failures and (for requests that are safe to
  repeat) timeouts are retried with capped exponential backoff and full jitter, honouring
  ``Retry-After`` (seconds or an HTTP date). Event pushes are safe to repeat because the request
  body is built once and carries the same event UUIDs on every attempt;
* streaming reads with the *decompressed* size capped at :data:`kiosk.wire.MAX_BODY_BYTES`: the
  gzip or zstd stream is inflated by us in bounded steps so a bomb stops at the cap, not in memory;
* pydantic validation of every payload with the :mod:`kiosk.wire` models.

Errors are the typed classes of :mod:`kiosk.sync.errors`. A 4xx or 5xx keeps central's error
code and its ``Retry-After``; a failed TLS handshake is a :class:`~kiosk.sync.errors.TlsRefused`
that says whether the certificate's dates were refused (the kiosk's clock) or the certificate
itself (not trusted, wrong host), read from the ``ssl`` error httpx chains to its own.
"""

from __future__ import annotations

import email.utils
import gzip
import json
import logging
import math
import random
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpcore
import httpx
from pydantic import BaseModel, ValidationError

from kiosk import __version__, wire
from kiosk.sync.errors import (
    BadResponse,
    NotEnrolled,
    Offline,
    Rejected,
    ServerError,
    SyncError,
    TlsRefused,
    Unknown,
)
from kiosk.sync.meter import WireMeter
from kiosk.sync.zstd_body import ZstdDamaged, ZstdInflate

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

#: Error bodies are small; anything bigger is not an ErrorBody worth reading.
ERROR_BODY_CAP = 64 * 1024
#: Request bodies larger than this are sent gzip-compressed (when enabled).
GZIP_REQUEST_MIN_BYTES = 1024
USER_AGENT = f"village-kiosk/{__version__}"
#: zstd first (smaller catalog pages, docs/sync-protocol.md "Compression"); a central that does
#: not know it answers gzip.
ACCEPT_ENCODING = "zstd, gzip"
#: OpenSSL verification codes that refuse a certificate's dates: X509_V_ERR_CERT_NOT_YET_VALID,
#: X509_V_ERR_CERT_HAS_EXPIRED. With a kiosk clock years off, every certificate fails this way.
TLS_DATE_CODES = frozenset({9, 10})


@dataclass(frozen=True, slots=True)
class Timeouts:
    """Network timeouts in seconds. ``total`` bounds one attempt from start to last byte."""

    connect: float = 10.0
    read: float = 30.0
    write: float = 30.0
    pool: float = 10.0
    total: float = 300.0

    def for_httpx(self) -> httpx.Timeout:
        """The httpx form (``total`` is enforced by the client itself)."""
        return httpx.Timeout(connect=self.connect, read=self.read, write=self.write, pool=self.pool)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently one call is retried.

    Attributes:
        max_attempts: attempts per call, including the first.
        base_delay_s: backoff before the 2nd attempt is drawn from ``[0, base_delay_s]``, doubling.
        max_delay_s: cap on one backoff delay.
        max_retry_after_s: a ``Retry-After`` longer than this is not waited for in the call; the
            call fails (``ServerError``) and the next sync cycle tries again.
    """

    max_attempts: int = 4
    base_delay_s: float = 0.5
    max_delay_s: float = 30.0
    max_retry_after_s: float = 120.0

    def backoff(self, retry_no: int, rand: Callable[[], float]) -> float:
        """Full-jitter delay before retry number ``retry_no`` (1-based)."""
        ceiling = min(self.max_delay_s, self.base_delay_s * (2 ** (retry_no - 1)))
        return rand() * ceiling


@dataclass(slots=True)
class ClientStats:
    """Counters for diagnostics, tests and benchmarks.

    Thread-safe: the engine's image workers share one client, so every change goes through
    :meth:`add`, which holds a lock (``+=`` on an attribute is a read then a write).
    """

    requests: int = 0
    retries: int = 0
    wire_bytes_in: int = 0
    body_bytes_in: int = 0
    wire_bytes_out: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, **counts: int) -> None:
        """Add to counters by name, e.g. ``add(requests=1)``."""
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)


class _TooLarge(Exception):
    pass


class _Inflater:
    """Collects a response body, inflating gzip or zstd ourselves so the decompressed size is
    capped."""

    def __init__(self, encoding: str, cap: int) -> None:
        self.cap = cap
        self.parts: list[bytes] = []
        self.size = 0
        enc = encoding.strip().lower()
        self._new: Callable[[], Any] = ZstdInflate
        if enc in ("", "identity"):
            self._z: Any = None
        elif enc in ("gzip", "x-gzip"):
            self._new = lambda: zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._z = self._new()
        elif enc == "zstd":
            self._z = self._new()
        else:
            raise BadResponse(f"the server used an unsupported content encoding '{encoding}'")

    def _add(self, data: bytes) -> None:
        self.size += len(data)
        if self.size > self.cap:
            raise _TooLarge
        self.parts.append(data)

    def feed(self, data: bytes) -> None:
        if self._z is None:
            self._add(data)
            return
        buf = data
        while buf:
            if self._z.eof:
                # A second gzip member (RFC 1952) or zstd frame follows the first.
                buf = self._z.unused_data + buf if self._z.unused_data else buf
                self._z = self._new()
            try:
                out = self._z.decompress(buf, self.cap - self.size + 1)
            except (zlib.error, ZstdDamaged) as exc:
                raise BadResponse(f"the server sent a damaged compressed reply ({exc})") from None
            self._add(out)
            buf = self._z.unconsumed_tail
            if self._z.eof and self._z.unused_data:
                buf = self._z.unused_data + buf
                self._z = self._new()

    def finish(self) -> bytes:
        if self._z is not None:
            try:
                self._add(self._z.flush())
            except zlib.error as exc:
                raise BadResponse(f"the server sent a damaged compressed reply ({exc})") from None
            if not self._z.eof:
                raise BadResponse("the server's compressed reply ended too early")
        return b"".join(self.parts)


# --- the per-attempt deadline, at the socket ------------------------------------------------------

_deadline = threading.local()


@contextmanager
def attempt_deadline(at: float) -> Iterator[None]:
    """Within the block, socket operations of this thread end by ``at`` (``time.monotonic``)."""
    previous = getattr(_deadline, "at", None)
    _deadline.at = at
    try:
        yield
    finally:
        _deadline.at = previous


def _time_left(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to what this thread's attempt has left; ``expired`` once nothing is."""
    at: float | None = getattr(_deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise expired("the attempt's total deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every operation ends by the attempt's deadline, and whose bytes
    are counted on ``meter``."""

    def __init__(self, inner: httpcore.NetworkStream, meter: WireMeter) -> None:
        self._inner = inner
        self._meter = meter

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = self._inner.read(max_bytes, _time_left(timeout, httpcore.ReadTimeout))
        self._meter.add(received=len(data))
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _time_left(timeout, httpcore.WriteTimeout))
        self._meter.add(sent=len(buffer))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        # Counted above TLS: the handshake and record framing (a few KB per connection) are not.
        return _DeadlineStream(
            self._inner.start_tls(
                ssl_context, server_hostname, _time_left(timeout, httpcore.ConnectTimeout)
            ),
            self._meter,
        )

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own socket backend, with every stream a :class:`_DeadlineStream`."""

    def __init__(self, meter: WireMeter) -> None:
        self._inner = httpcore.SyncBackend()
        self._meter = meter

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = _DeadlineStream(
            self._inner.connect_tcp(
                host,
                port,
                _time_left(timeout, httpcore.ConnectTimeout),
                local_address,
                socket_options,
            ),
            self._meter,
        )
        self._meter.add(connections=1)
        return stream

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.connect_unix_socket(
                path, _time_left(timeout, httpcore.ConnectTimeout), socket_options
            ),
            self._meter,
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx's transport on :class:`_DeadlineBackend`: a deadline set with
    :func:`attempt_deadline` bounds the whole exchange, response headers included (httpx's
    own timeouts bound each socket operation, never their sum). Every byte it reads or writes
    is counted on :attr:`meter` (:mod:`kiosk.sync.meter`)."""

    def __init__(self, verify: bool | ssl.SSLContext = True) -> None:
        super().__init__(verify=verify)
        self.meter = WireMeter()
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's own
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(self.meter),
        )


def make_http_client(
    base_url: str,
    timeouts: Timeouts | None = None,
    *,
    transport: httpx.BaseTransport | None = None,
    verify: bool = True,
) -> httpx.Client:
    """The one ``httpx.Client`` a :class:`CentralClient` wraps.

    TLS certificates are always verified unless ``verify`` is false (test rigs only): a wrong
    kiosk clock is reported to people, never "fixed" by disabling checks. Without an injected
    ``transport`` it is a :class:`DeadlineTransport`, so ``Timeouts.total`` holds at the socket.
    """
    return httpx.Client(
        base_url=base_url.rstrip("/"),
        timeout=(timeouts or Timeouts()).for_httpx(),
        transport=transport or DeadlineTransport(verify=verify),
        verify=verify,
        headers={"User-Agent": USER_AGENT, "Accept-Encoding": ACCEPT_ENCODING},
        follow_redirects=False,
    )


def parse_retry_after(
    value: str | None, server_date: str | None, now: Callable[[], datetime]
) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date), or ``None``.

    An HTTP date is measured against the reply's own ``Date`` header when there is one, because
    the kiosk clock is often wrong; only without it is the kiosk clock used.
    """
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    ref: datetime | None = None
    if server_date:
        try:
            ref = email.utils.parsedate_to_datetime(server_date)
        except (TypeError, ValueError, IndexError):
            ref = None
    if ref is None:
        ref = now()
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if ref.tzinfo is None:
        ref = ref.replace(tzinfo=UTC)
    return max(0.0, (when - ref).total_seconds())


def _error_from_body(status: int, body: bytes) -> tuple[str, str]:
    try:
        err = wire.ErrorBody.model_validate_json(body)
        return err.error, err.message
    except ValidationError:
        return f"http_{status}", f"the central service answered HTTP {status}"


class CentralClient:
    """Typed calls to the central service, with retries. One instance per sync engine.

    Args:
        http: the injected client (base URL and timeouts set on it; tests pass a MockTransport).
        policy: retry policy.
        timeouts: used only for the overall per-attempt deadline (``Timeouts.total``).
        sleep: how to wait between retries (tests inject a recorder); by default an interruptible
            wait that :meth:`interrupt` cuts short.
        rand: uniform ``[0, 1)`` source for jitter.
        clock: the kiosk clock (aware UTC), used only for ``Retry-After`` dates without ``Date``.
        gzip_requests: compress request bodies over 1 KB.
        max_body_bytes: cap on a decompressed response body.
    """

    def __init__(
        self,
        http: httpx.Client,
        *,
        policy: RetryPolicy | None = None,
        timeouts: Timeouts | None = None,
        sleep: Callable[[float], None] | None = None,
        rand: Callable[[], float] = random.random,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        gzip_requests: bool = True,
        max_body_bytes: int = wire.MAX_BODY_BYTES,
    ) -> None:
        self.http = http
        self.policy = policy or RetryPolicy()
        self.timeouts = timeouts or Timeouts()
        self._interrupted = threading.Event()
        self._sleep = sleep or self._interruptible_sleep
        self._rand = rand
        self._clock = clock
        self.gzip_requests = gzip_requests
        self.max_body_bytes = max_body_bytes
        self.stats = ClientStats()
        transport = getattr(http, "_transport", None)
        #: Bytes on the wire (the transport's own meter; an injected test transport: none).
        self.meter = transport.meter if isinstance(transport, DeadlineTransport) else WireMeter()
        self._token: str | None = None
        #: The optional calls central named in the ``X-Central-Features`` header of its latest
        #: reply (``kiosk.wire.FEATURE_SYNC``…); ``None`` until a reply arrived.
        self.server_features: frozenset[str] | None = None

    # --- control --------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The central service's base URL."""
        return str(self.http.base_url)

    def authorize(self, token: str | None) -> None:
        """Use ``token`` as the device credential on authenticated calls (never logged)."""
        self._token = token

    def interrupt(self) -> None:
        """Cut short any backoff wait in progress; the waiting call then fails with its error."""
        self._interrupted.set()

    def clear_interrupt(self) -> None:
        """Allow waits again (the engine calls this at the start of each run)."""
        self._interrupted.clear()

    def close(self) -> None:
        """Close the underlying HTTP client."""
        self.http.close()

    def _interruptible_sleep(self, seconds: float) -> None:
        self._interrupted.wait(seconds)

    # --- the API ----------------------------------------------------------------------------------

    def health(self) -> dict[str, Any]:
        """``GET /v1/health`` once, no retries (a connectivity probe)."""
        body = self._request("GET", "/health", auth=False, attempts=1)
        try:
            data = json.loads(body)
        except ValueError:
            raise BadResponse("the central service's health reply is not JSON") from None
        if not isinstance(data, dict):
            raise BadResponse("the central service's health reply is not an object")
        return data

    def enroll(self, request: wire.EnrollRequest) -> wire.EnrollResponse:
        """``POST /v1/enroll``. Not repeated after a timeout: the code is one-time.

        Nor after a 429 (central's enrollment brake, ``enroll_throttled``): the brake lasts
        minutes, so the :class:`ServerError` (with ``retry_after_s``) goes to the person at once.
        """
        body = self._request(
            "POST",
            "/enroll",
            json_body=request,
            auth=False,
            retry_unknown=False,
            retry_throttled=False,
        )
        try:
            response = self._parse(wire.EnrollResponse, body)
        except BadResponse as exc:
            # Enrollment stores what it receives: say so in the words of the other refusals.
            raise BadResponse(
                str(exc).replace("nothing was changed", "nothing was saved")
            ) from None
        for name in ("token", "device_id", "center_id"):
            if not _is_credential_text(getattr(response, name)):
                # A CR/LF in the token would be sent back in every Authorization header.
                raise BadResponse(
                    f"the central service sent an unusable {name} (empty, too long, or with"
                    " spaces or control characters); nothing was saved"
                )
        return response

    def catalog_changes(self, cursor: str, limit: int) -> wire.CatalogPage:
        """``GET /v1/catalog/changes``: one page of catalog changes after ``cursor``."""
        body = self._request("GET", "/catalog/changes", params={"cursor": cursor, "limit": limit})
        return self._parse(wire.CatalogPage, body)

    def latest_snapshot(self) -> wire.SnapshotInfo:
        """``GET /v1/catalog/snapshots/latest`` (downloaded by :mod:`kiosk.sync.snapshot`)."""
        body = self._request("GET", "/catalog/snapshots/latest")
        return self._parse(wire.SnapshotInfo, body)

    def media(self, sha256: str, max_bytes: int | None = None) -> bytes:
        """``GET /v1/media/{sha256}``: the raw image bytes (the caller verifies the hash)."""
        return self._request("GET", f"/media/{sha256}", max_bytes=max_bytes)

    def push_events(self, batch: wire.EventBatch) -> wire.EventBatchResult:
        """``POST /v1/events``. Retried after timeouts too: every event keeps its UUID."""
        body = self._request("POST", "/events", json_body=batch)
        result = self._parse(wire.EventBatchResult, body)
        sent = {e.id for e in batch.events}
        stray = [r.id for r in result.results if r.id not in sent]
        if stray:
            raise BadResponse(f"the server answered for {len(stray)} events that were not sent")
        return result

    def order_updates(self, cursor: str, limit: int) -> wire.OrderUpdatesPage:
        """``GET /v1/orders/updates``: changes central made to this center's orders."""
        body = self._request("GET", "/orders/updates", params={"cursor": cursor, "limit": limit})
        return self._parse(wire.OrderUpdatesPage, body)

    def order_recovery(self, cursor: str, limit: int) -> wire.RecoveryPage:
        """``GET /v1/orders/recovery``: every order central holds for this center (pull-back)."""
        body = self._request("GET", "/orders/recovery", params={"cursor": cursor, "limit": limit})
        return self._parse(wire.RecoveryPage, body)

    def heartbeat(self, beat: wire.Heartbeat) -> wire.HeartbeatAck:
        """``POST /v1/heartbeat``."""
        body = self._request("POST", "/heartbeat", json_body=beat)
        ack = self._parse(wire.HeartbeatAck, body)
        if not math.isfinite(ack.clock_offset_s):
            # JSON parsers accept NaN/Infinity; stored, they broke `kiosk status`.
            raise BadResponse(
                "the central service sent an invalid HeartbeatAck (clock_offset_s: not a finite"
                " number); nothing was changed"
            )
        return ack

    def sync(self, request: wire.SyncRequest) -> wire.SyncResponse:
        """``POST /v1/sync``: a whole sync cycle in one round trip. Retried after timeouts too,
        as the events push: every event keeps its UUID, and a heartbeat stored twice is one."""
        body = self._request("POST", "/sync", json_body=request)
        reply = self._parse(wire.SyncResponse, body)
        sent = {e.id for e in request.events}
        stray = [r.id for r in reply.results if r.id not in sent]
        if stray:
            raise BadResponse(f"the server answered for {len(stray)} events that were not sent")
        if reply.heartbeat is not None and not math.isfinite(reply.heartbeat.clock_offset_s):
            raise BadResponse(
                "the central service sent an invalid SyncResponse (heartbeat.clock_offset_s: not"
                " a finite number); nothing was changed"
            )
        return reply

    # --- machinery --------------------------------------------------------------------------------

    @staticmethod
    def _parse(model: type[M], body: bytes) -> M:
        try:
            return model.model_validate_json(body)
        except ValidationError as exc:
            errors = exc.errors()
            where = ".".join(str(p) for p in errors[0]["loc"]) if errors else ""
            what = errors[0]["msg"] if errors else "invalid"

            raise BadResponse(
                f"the central service sent an invalid {model.__name__}"
                f" ({where + ': ' if where else ''}{what}); nothing was changed"
            ) from None

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str | int] | None = None,
        json_body: BaseModel | None = None,
        auth: bool = True,
        retry_unknown: bool = True,
        retry_throttled: bool = True,
        attempts: int | None = None,
        max_bytes: int | None = None,
    ) -> bytes:
        """Send one logical request with retries; return the (decompressed) 2xx body."""
        headers: dict[str, str] = {}
        content: bytes | None = None
        if json_body is not None:
            # Built once: every retry sends the very same bytes (and so the same event UUIDs).
            content = json_body.model_dump_json().encode("utf-8")
            headers["Content-Type"] = "application/json"
            if self.gzip_requests and len(content) >= GZIP_REQUEST_MIN_BYTES:
                content = gzip.compress(content, compresslevel=6)
                headers["Content-Encoding"] = "gzip"
        if auth:
            if not self._token:
                raise NotEnrolled("this kiosk is not enrolled: run `kiosk enroll` first")
            headers["Authorization"] = f"Bearer {self._token}"
        url = wire.API_PREFIX + path
        max_attempts = attempts or self.policy.max_attempts
        attempt = 0
        while True:
            attempt += 1
            retry_after: float | None = None
            self.stats.add(requests=1)
            try:
                return self._attempt(method, url, params, content, headers, max_bytes)
            except _RetryableStatus as exc:
                err: SyncError = exc.error
                retry_after = exc.error.retry_after_s
                if exc.error.status == 429 and not retry_throttled:
                    raise err from None
            except (Offline, ServerError) as exc:
                err = exc
            except Unknown as exc:
                if not retry_unknown:
                    raise
                err = exc
            if attempt >= max_attempts or self._interrupted.is_set():
                raise err
            if retry_after is not None and retry_after > self.policy.max_retry_after_s:
                raise err
            delay = (
                retry_after if retry_after is not None else self.policy.backoff(attempt, self._rand)
            )
            log.info("%s %s failed (%s); retry %d in %.2fs", method, url, err, attempt, delay)
            self.stats.add(retries=1)
            self._sleep(delay)
            if self._interrupted.is_set():
                raise err

    def _attempt(
        self,
        method: str,
        url: str,
        params: Mapping[str, str | int] | None,
        content: bytes | None,
        headers: dict[str, str],
        max_bytes: int | None,
    ) -> bytes:
        cap = min(max_bytes or self.max_body_bytes, self.max_body_bytes)
        deadline = time.monotonic() + self.timeouts.total
        if content is not None:
            self.stats.add(wire_bytes_out=len(content))
        try:
            with (
                attempt_deadline(deadline),
                self.http.stream(
                    method, url, params=params, content=content, headers=headers
                ) as resp,
            ):
                status = resp.status_code
                ok = 200 <= status < 300
                named = resp.headers.get(wire.FEATURES_HEADER, "")
                self.server_features = frozenset(f.strip() for f in named.split(",") if f.strip())
                inflater = _Inflater(
                    resp.headers.get("content-encoding", ""), cap if ok else ERROR_BODY_CAP
                )
                try:
                    for chunk in resp.iter_raw():
                        self.stats.add(wire_bytes_in=len(chunk))
                        inflater.feed(chunk)
                        if time.monotonic() > deadline:
                            raise Unknown(
                                f"the reply from {url} took longer than "
                                f"{self.timeouts.total:.0f}s; the outcome is unknown"
                            )
                    body = inflater.finish()
                except _TooLarge:
                    if not ok:
                        body = b""
                    else:
                        raise BadResponse(
                            f"the reply from {url} is larger than {cap} bytes once unpacked;"
                            " refused, nothing was changed"
                        ) from None
                except BadResponse:
                    if ok:
                        raise
                    body = b""
                self.stats.add(body_bytes_in=len(body))
                if ok:
                    return body
                code, message = _error_from_body(status, body)
                if status in (408, 429) or status >= 500:
                    raise _RetryableStatus(
                        ServerError(
                            f"the central service is busy or failing: {message}",
                            status,
                            code,
                            parse_retry_after(
                                resp.headers.get("retry-after"),
                                resp.headers.get("date"),
                                self._clock,
                            ),
                        )
                    )
                raise Rejected(f"the central service refused: {message}", status, code)
        except httpx.ConnectError as exc:
            raise self._connect_error(exc) from None
        except (httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise Offline(f"cannot reach the central service at {self.base_url}: {exc}") from None
        except (httpx.ProxyError, httpx.UnsupportedProtocol) as exc:
            raise Offline(f"cannot reach the central service at {self.base_url}: {exc}") from None
        except httpx.TimeoutException:
            if time.monotonic() >= deadline:
                raise Unknown(
                    f"the reply from {url} took longer than {self.timeouts.total:.0f}s (the"
                    " deadline of one attempt); the outcome is unknown"
                ) from None
            raise Unknown(
                f"the central service did not answer {url} in time; the outcome is unknown"
            ) from None
        except httpx.TransportError as exc:
            raise Unknown(
                f"the connection broke during {url} ({type(exc).__name__}); the outcome is unknown"
            ) from None

    def _connect_error(self, exc: httpx.ConnectError) -> Offline:
        """:class:`TlsRefused` when the ``ssl`` module refused the handshake, else Offline."""
        tls = _ssl_cause(exc)
        if tls is None:
            return Offline(f"cannot reach the central service at {self.base_url}: {exc}")
        if isinstance(tls, ssl.SSLCertVerificationError):
            # OpenSSL's own words stay in the line, for the technician and for searching.
            why = f"{tls.reason or 'SSL'}: {tls.verify_message or 'verification failed'}"
            if tls.verify_code in TLS_DATE_CODES:
                now = self._clock().strftime("%Y-%m-%d %H:%M UTC")
                return TlsRefused(
                    f"the certificate of {self.base_url} was refused ({why}) by this computer's"
                    f" clock ({now}); check the date and time",
                    TlsRefused.CLOCK,
                    tls.verify_code,
                )
            return TlsRefused(
                f"the certificate of {self.base_url} is not trusted ({why}); check the server"
                " address (never turn certificate checks off)",
                TlsRefused.UNTRUSTED,
                tls.verify_code,
            )
        return TlsRefused(
            f"no secure connection to {self.base_url} ({tls.reason or tls}); check that the"
            " address (https/http, port) is the central service's",
            TlsRefused.HANDSHAKE,
        )


def _is_credential_text(value: str) -> bool:
    """A token or id from central: 1-512 printable ASCII characters, no spaces."""
    return 0 < len(value) <= 512 and value.isascii() and value.isprintable() and " " not in value


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    """The ``ssl`` error behind an httpx connection error (httpx → httpcore → ssl), if any."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, ssl.SSLError):
            return cur
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return None


class _RetryableStatus(Exception):
    def __init__(self, error: ServerError) -> None:
        super().__init__(str(error))
        self.error = error

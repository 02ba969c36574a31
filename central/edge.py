"""The ASGI edge of the central service: what runs before any route reads a byte of the body.

:class:`Edge` is plain ASGI middleware (no request object, no buffering). For every HTTP request:

1. a declared ``Content-Length`` over the cap is answered 413 at once;
2. on an authenticated route (every ``/v1/…`` path but the public ones) the device token is
   checked before the body is read: no token or an unknown one is answered 401 and the body is
   never read; the device found is left in ``scope["state"]["device"]`` for the route;
3. the body is counted as it streams in (chunked bodies too): at ``cap + 1`` bytes the app is cut
   off and the client gets 413 (``Connection: close``), so no route can buffer more than the cap;
4. an exception that no handler took is answered 500 with an error id, and logged as one line
   with that id (no traceback): the reply and the log can be matched without the log holding
   the request.

See docs/security.md for the threat model and docs/central.md for the codes.
"""

from __future__ import annotations

import json
import logging
import math
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from typing import Any

import anyio.to_thread

from central.errors import CentralError, Unauthorized
from kiosk.wire import ErrorBody, clean_text

log = logging.getLogger("central")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Header carrying the error id of a 500 (also in the message, and in the log line).
ERROR_ID_HEADER = "x-error-id"


class _BodyTooLarge(Exception):
    """Raised into the app by the capped ``receive`` once the body passes the cap."""


def new_error_id() -> str:
    """A short random id joining a 500 reply to its log line."""
    return uuid.uuid4().hex[:12]


def error_body(code: str, message: str) -> bytes:
    """An ``ErrorBody`` as strict JSON bytes (the message cleaned and cut to one line)."""
    clean = clean_text(message.replace("\n", " "))[:300]
    return json.dumps(
        ErrorBody(error=code, message=clean).model_dump(), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


async def send_error(
    send: Send,
    status: int,
    code: str,
    message: str,
    headers: Iterable[tuple[str, str]] = (),
    *,
    close: bool = False,
) -> None:
    body = error_body(code, message)
    raw = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        *((k.encode("latin-1"), v.encode("latin-1")) for k, v in headers),
    ]
    if close:
        raw.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


class Edge:
    """See the module docstring.

    Args:
        app: the FastAPI application (inside it, exception handlers answer expected errors).
        cap: the largest body accepted, in bytes, as sent (before any decompression).
        authenticate: ``token -> device`` (blocking; run on a worker thread), raising
            :class:`~central.errors.CentralError` (401, 503…) to refuse.
        protected_prefix: paths under it need a token…
        public: …except these.
        on_crash: maps an exception no handler took to ``(status, code, message, headers)``
            when it is an expected one (e.g. a busy database), else ``None`` for a 500.
        headers: added to every reply, errors included (the features central offers,
            ``kiosk.wire.FEATURES_HEADER``).
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        cap: int,
        authenticate: Callable[[str], Any],
        protected_prefix: str,
        public: Iterable[str],
        on_crash: Callable[[BaseException], tuple[int, str, str, dict[str, str]] | None]
        | None = None,
        headers: Iterable[tuple[str, str]] = (),
    ) -> None:
        self.app = app
        self.headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        self.cap = cap
        self.authenticate = authenticate
        self.protected_prefix = protected_prefix.rstrip("/") + "/"
        self.public = frozenset(public)
        self.on_crash = on_crash

    def _with_headers(self, send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), *self.headers]}
            await send(message)

        return sending

    def _protected(self, path: str) -> bool:
        return path.startswith(self.protected_prefix) and path.rstrip("/") not in self.public

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.headers:
            send = self._with_headers(send)
        length = _header(scope, b"content-length")
        declared = int(length) if length and length.isascii() and length.isdigit() else 0
        if declared > self.cap:
            await send_error(
                send, 413, "too_large", f"request body is over {self.cap} bytes", close=True
            )
            return
        if self._protected(scope.get("path", "")) and not await self._authenticated(scope, send):
            return

        received = 0
        exceeded = False
        started = False

        async def capped_receive() -> Message:
            nonlocal received, exceeded
            if exceeded:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.cap:
                    exceeded = True
                    raise _BodyTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal started
            if exceeded:
                return  # whatever the app answers to a cut-off body, the client gets the 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, capped_receive, guarded_send)
        except _BodyTooLarge:
            pass
        except Exception as exc:
            if exceeded:
                pass  # the app choked on the cut-off body: the 413 below says why
            elif started:
                log.error("internal error after the reply started: %s", type(exc).__name__)
                return
            else:
                await self._crash(send, exc)
                return
        if exceeded and not started:
            await send_error(
                send,
                413,
                "too_large",
                f"request body is over {self.cap} bytes; send fewer events per batch",
                close=True,
            )

    async def _authenticated(self, scope: Scope, send: Send) -> bool:
        header = _header(scope, b"authorization") or ""
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            await send_error(
                send,
                401,
                "unauthorized",
                "a device token is needed: Authorization: Bearer <token>",
                [("WWW-Authenticate", "Bearer")],
            )
            return False
        try:
            device = await anyio.to_thread.run_sync(self.authenticate, token)
        except CentralError as exc:
            headers = [("WWW-Authenticate", "Bearer")] if isinstance(exc, Unauthorized) else []
            await send_error(send, exc.status_code, exc.code, str(exc), headers)
            return False
        except Exception as exc:
            await self._crash(send, exc)
            return False
        scope.setdefault("state", {})["device"] = device
        return True

    async def _crash(self, send: Send, exc: BaseException) -> None:
        expected = self.on_crash(exc) if self.on_crash is not None else None
        if expected is not None:
            status, code, message, headers = expected
            await send_error(send, status, code, message, headers.items())
            return
        error_id = new_error_id()
        # One line, the exception's type only: its text may quote a request (names, phones).
        log.error("internal error %s: %s", error_id, type(exc).__name__)
        await send_error(
            send,
            500,
            "server_error",
            f"the central service hit an internal error (error id {error_id})",
            [(ERROR_ID_HEADER, error_id)],
        )


class DeviceRateLimit:
    """A token bucket per device: ``burst`` requests at once, then ``per_second`` on average.

    In memory, per process (a restart refills every bucket). Thread-safe. ``clock`` is a
    monotonic clock in seconds (tests inject one).
    """

    def __init__(
        self,
        burst: float = 20,
        per_second: float = 2.0,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self.clock = clock or time.monotonic
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # device → (tokens, at)

    def take(self, device_id: str, cost: float = 1.0) -> None:
        """Spend ``cost`` of ``device_id``'s bucket, or raise :class:`RateLimited`."""
        from central.errors import RateLimited

        now = self.clock()
        with self._lock:
            tokens, at = self._buckets.get(device_id, (self.burst, now))
            tokens = min(self.burst, tokens + (now - at) * self.per_second)
            if tokens < cost:
                self._buckets[device_id] = (tokens, now)
                wait = max(1, math.ceil((cost - tokens) / self.per_second))
                raise RateLimited(
                    f"too many requests from this device; try again in {wait} seconds",
                    retry_after_s=wait,
                )
            self._buckets[device_id] = (tokens - cost, now)
            if len(self._buckets) > 100_000:
                # Forget full buckets (idle devices): they would start full anyway.
                self._buckets = {
                    k: v
                    for k, v in self._buckets.items()
                    if v[0] + (now - v[1]) * self.per_second < self.burst
                }

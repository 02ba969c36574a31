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
from typing import Any, cast

import anyio.to_thread
from sqlalchemy import Table, case, delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from central.db import CentralDb
from central.errors import CentralError, Unauthorized
from central.models import DeviceRateRecord
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
        public: …except these…
        public_prefixes: …and the paths that start with one of these.
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
        public_prefixes: Iterable[str] = (),
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
        self.public_prefixes = tuple(public_prefixes)
        self.on_crash = on_crash

    def _with_headers(self, send: Send) -> Send:
        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", ()), *self.headers]}
            await send(message)

        return sending

    def _protected(self, path: str) -> bool:
        return (
            path.startswith(self.protected_prefix)
            and path.rstrip("/") not in self.public
            and not path.startswith(self.public_prefixes)
        )

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


#: The rate limit sweeps refilled buckets once every this many requests (per worker process).
RATE_SWEEP_EVERY = 256


class DeviceRateLimit:
    """A token bucket per device: ``burst`` requests at once, then ``per_second`` on average.

    The buckets are rows of ``device_rate`` in the central database (``db``; :func:`create_app`
    gives it the service's), so every worker process draws on the same bucket: each request
    locks its device's row (``SELECT … FOR UPDATE`` on PostgreSQL, ``BEGIN IMMEDIATE`` on
    SQLite) and no two workers can both spend the last token. A missing row is a full bucket;
    rows that have refilled are swept, so the table holds only recently busy devices.
    ``clock`` is seconds since the epoch (shared by the workers; tests inject one); a clock
    that steps back refills nothing.
    """

    def __init__(
        self,
        burst: float = 20,
        per_second: float = 2.0,
        clock: Callable[[], float] | None = None,
        db: CentralDb | None = None,
    ) -> None:
        self.burst = burst
        self.per_second = per_second
        self.clock = clock or time.time
        self.db = db
        self._lock = threading.Lock()
        self._requests = 0

    def take(self, device_id: str, cost: float = 1.0) -> None:
        """Spend ``cost`` of ``device_id``'s bucket, or raise :class:`RateLimited`.

        One statement, atomic on both databases: an upsert that creates a full bucket less
        ``cost``, or refills the stored one and spends ``cost`` only ``WHERE`` enough is there
        (PostgreSQL locks the row for the update; SQLite holds its write lock). No row back
        means refused.
        """
        from central.errors import RateLimited

        if self.db is None:
            raise RuntimeError("DeviceRateLimit has no database (create_app gives it one)")
        now = self.clock()
        table = cast(Table, DeviceRateRecord.__table__)
        elapsed = case((table.c.at < now, now - table.c.at), else_=0.0)
        grown = table.c.tokens + elapsed * self.per_second
        refilled = case((grown > self.burst, self.burst), else_=grown)
        with self.db.write_engine.begin() as conn:
            insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            fresh = insert(table).values(device_id=device_id, tokens=self.burst - cost, at=now)
            stmt = fresh.on_conflict_do_update(
                index_elements=["device_id"],
                set_={
                    "tokens": refilled - cost,
                    "at": case((table.c.at < now, now), else_=table.c.at),
                },
                where=refilled >= cost,
            ).returning(table.c.tokens)
            spent = conn.execute(stmt).first()
            if spent is None:
                left = conn.execute(
                    select(refilled).where(table.c.device_id == device_id)
                ).scalar_one()
        if spent is None:
            wait = max(1, math.ceil((cost - float(left)) / self.per_second))
            raise RateLimited(
                f"too many requests from this device; try again in {wait} seconds",
                retry_after_s=wait,
            )
        with self._lock:
            self._requests += 1
            sweep = self._requests % RATE_SWEEP_EVERY == 0
        if sweep:
            self.sweep(now)

    def sweep(self, now: float) -> int:
        """Delete the buckets that have refilled (a missing row is a full bucket)."""
        assert self.db is not None
        full_after = self.burst / self.per_second if self.per_second > 0 else math.inf
        if not math.isfinite(full_after):
            return 0
        with self.db.write() as s:
            done = s.execute(delete(DeviceRateRecord).where(DeviceRateRecord.at < now - full_after))
        return int(getattr(done, "rowcount", 0) or 0)

    def tracked(self) -> int:
        """How many buckets are stored (table size; tests)."""
        assert self.db is not None
        with self.db.read() as s:
            return int(s.scalar(select(func.count()).select_from(DeviceRateRecord)) or 0)

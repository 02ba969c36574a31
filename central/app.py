"""The HTTP face of the central service (FastAPI), protocol ``/v1``.

Every endpoint maps to one :class:`~central.service.CentralService` call. Every non-2xx body is a
``kiosk.wire.ErrorBody``; stack traces, tokens, phone numbers and pickup codes never leave the
process nor reach the log. ``docs/sync-protocol.md`` describes the protocol for people.
"""

# No `from __future__ import annotations` here: FastAPI reads the endpoint annotations at
# run time, and they name dependencies local to create_app().

import asyncio
import json
import logging
import os
import signal
import threading
import zlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from central.catalog import CatalogChanges
from central.clock import iso
from central.db import ENV_DB, CentralDb
from central.edge import ERROR_ID_HEADER, DeviceRateLimit, Edge, new_error_id
from central.encoding import ZstdMiddleware
from central.enrollment import DeviceAuth
from central.errors import (
    BadRequest,
    CentralError,
    EnrollThrottled,
    InvalidPayload,
    PayloadTooLarge,
    RateLimited,
    Unauthorized,
)
from central.orders import OrderChanges
from central.service import CentralService
from central.snapshots import (
    IMMUTABLE_PUBLIC,
    MEDIA_TYPE,
    POINTER_CACHE_CONTROL,
    SnapshotBusy,
    Snapshots,
    etag_matches,
    immutable_reply,
    is_sha256,
)
from kiosk import __version__
from kiosk.errors import KioskError
from kiosk.wire import (
    API_PREFIX,
    BAD_TEXT,
    FEATURE_SNAPSHOT,
    FEATURE_SYNC,
    FEATURES_HEADER,
    MAX_LINES_PER_BATCH,
    MAX_REQUEST_BYTES,
    CatalogPage,
    EnrollRequest,
    EnrollResponse,
    ErrorBody,
    EventBatch,
    EventBatchResult,
    Heartbeat,
    HeartbeatAck,
    OrderUpdatesPage,
    RecoveryPage,
    SnapshotInfo,
    SyncRequest,
    SyncResponse,
    bad_char,
    clean_text,
)

log = logging.getLogger("central")

#: Media never change (the URL is their hash), so caches may keep them for a year.
MEDIA_CACHE_CONTROL = "private, max-age=31536000, immutable"
#: Seconds a client should wait when the database is busy.
RETRY_AFTER_BUSY_S = 2
#: Paths under API_PREFIX anyone may call; every other one needs a device token first.
PUBLIC_PATHS = (f"{API_PREFIX}/health", f"{API_PREFIX}/enroll")
#: …and the paths under these: catalog snapshots are published prices, served to a CDN without
#: a device token (docs/central.md, "Catalog snapshots"); the pointer to the latest one is not.
PUBLIC_PREFIXES = (f"{API_PREFIX}/catalog/snapshots/",)
#: Paths that spend from the device's rate limit (:class:`~central.edge.DeviceRateLimit`): the
#: writes and the recovery pull-back. The Edge spends in the token lookup, before the body is read.
RATE_LIMITED_PATHS = frozenset(
    f"{API_PREFIX}/{p}" for p in ("events", "heartbeat", "sync", "orders/recovery")
)
#: Order lines written in one transaction of a push (a batch of more commits in steps, so a
#: big batch never holds a SQLite central's write lock for long).
LINES_PER_COMMIT = 250
#: Status codes any route may answer (besides its own), all with an ``ErrorBody``.
COMMON_ERRORS = {
    "400": "a malformed request (bad_body: not UTF-8 JSON; bad_cursor, bad_limit, bad_encoding…)",
    "413": "request body over the limit (too_large)",
    "422": "the request does not match the protocol (invalid_payload, bad_text)",
    "500": "internal error (server_error; the message and X-Error-Id carry an error id)",
    "503": "the database is busy (busy; Retry-After)",
}
#: …and the routes that need a device token.
AUTH_ERRORS = {
    "401": "no device token, or an unknown one (unauthorized)",
    "429": "this device sent too many requests (rate_limited; Retry-After)",
}


class Health(BaseModel):
    """``GET /v1/health``."""

    status: str
    version: str
    server_time: str


class Probe(BaseModel):
    """``GET /livez`` and ``GET /readyz``: ``status`` ``ok`` (200), or ``draining`` /
    ``not_ready`` with a one-line ``reason`` (503); ``worker``: the answering process's id
    (which worker of ``serve --workers N`` this connection reached). The probes are for load
    balancers and supervisors, outside the kiosk protocol: no ``ErrorBody``."""

    status: str
    worker: int
    reason: str | None = None


#: Environment of a worker process started by ``kiosk-central serve --workers N`` (besides
#: ``KIOSK_CENTRAL_DB``): the seconds to keep serving after SIGTERM with ``/readyz`` at 503.
ENV_DRAIN_S = "KIOSK_CENTRAL_DRAIN_SECONDS"
#: Seconds between SIGTERM and closing the listening socket, unless ``serve --drain-seconds``.
DEFAULT_DRAIN_S = 5.0


class Drain:
    """This process's shutdown state: set on SIGTERM, after which ``/readyz`` answers 503 while
    the process keeps serving for ``seconds`` (so a load balancer stops sending it new work),
    then hands the signal to uvicorn, which stops accepting, finishes the requests in flight
    (within its graceful timeout) and exits. A second SIGTERM skips the wait.

    Process state about the process itself, not about requests: it is right for it to be per
    worker.
    """

    def __init__(self, seconds: float = DEFAULT_DRAIN_S) -> None:
        self.seconds = seconds
        self.draining = threading.Event()

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Chain in front of the SIGTERM handler the server installed (main thread only)."""
        if threading.current_thread() is not threading.main_thread():
            return
        previous = signal.getsignal(signal.SIGTERM)
        if not callable(previous):
            return

        def on_term(sig: int, frame: Any) -> None:
            if self.draining.is_set() or self.seconds <= 0:
                self.draining.set()
                previous(sig, frame)
                return
            self.draining.set()
            log.warning("SIGTERM: draining for %g s before shutting down", self.seconds)
            loop.call_soon_threadsafe(loop.call_later, self.seconds, previous, sig, frame)

        signal.signal(signal.SIGTERM, on_term)


def _error(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    clean = clean_text(message.replace("\n", " "))[:300]
    body = ErrorBody(error=code, message=clean).model_dump()
    return JSONResponse(body, status_code=status, headers=headers)


def _error_code(errors: Any) -> str:
    """``bad_text`` when the first problem is a control character or lone surrogate."""
    try:
        kind = str(errors[0].get("type", ""))
    except (IndexError, TypeError, AttributeError):
        return "invalid_payload"
    # string_unicode: pydantic's own refusal of a lone surrogate.
    return BAD_TEXT if kind in (BAD_TEXT, "string_unicode") else "invalid_payload"


def _dumps(obj: Any) -> bytes:
    """Strict JSON (NaN and Infinity refused), UTF-8."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def _first_error(errors: Any) -> str:
    try:
        first = errors[0]
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        msg = str(first.get("msg", "invalid"))
        return f"{where}: {msg}" if where else msg
    except (IndexError, TypeError, AttributeError):
        return "the request does not match the protocol"


async def read_capped_body(request: Request, cap: int = MAX_REQUEST_BYTES) -> bytes:
    """The request body, gunzipped if sent with ``Content-Encoding: gzip``, at most ``cap`` bytes.

    Both the raw and the decompressed size are capped, and decompression stops at the cap, so a
    few kilobytes of gzip that inflate to gigabytes cost no more than ``cap`` bytes of memory.
    """
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding not in ("", "identity", "gzip"):
        raise BadRequest(
            f"unsupported Content-Encoding {encoding[:20]}; use gzip", code="bad_encoding"
        )
    raw = bytearray()
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > cap:
            raise PayloadTooLarge(f"request body is over {cap} bytes; send fewer events per batch")
    if encoding != "gzip":
        return bytes(raw)
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(bytes(raw), cap + 1)
    except zlib.error:
        raise BadRequest("request body is not valid gzip", code="bad_encoding") from None
    if len(out) > cap or inflater.unconsumed_tail:
        raise PayloadTooLarge(f"request body inflates to over {cap} bytes")
    if not inflater.eof:
        raise BadRequest("request body is a cut-off gzip stream", code="bad_encoding")
    return out


def _busy_reply(exc: BaseException) -> tuple[int, str, str, dict[str, str]] | None:
    if isinstance(exc, OperationalError | PoolTimeout):
        # PoolTimeout: every connection of this worker's pool stayed busy (docs/central.md).
        cause = exc.orig if isinstance(exc, OperationalError) else exc
        log.warning("database problem: %s", type(cause).__name__)
        code = "busy"
        message = "the central database is busy; try again shortly"
        return 503, code, message, {"Retry-After": str(RETRY_AFTER_BUSY_S)}
    return None


def _chunks(batch: EventBatch) -> list[EventBatch]:
    """``batch`` without repeated ids (the first one stands), cut into batches of at most
    :data:`LINES_PER_COMMIT` order lines (an event without lines counts as one)."""
    seen: set[str] = set()
    out: list[EventBatch] = []
    current: list[Any] = []
    lines = 0
    for event in batch.events:
        if event.id in seen:
            continue
        seen.add(event.id)
        n = _event_lines(event)
        if current and lines + n > LINES_PER_COMMIT:
            out.append(EventBatch(events=current))
            current, lines = [], 0
        current.append(event)
        lines += n
    if current:
        out.append(EventBatch(events=current))
    return out


def _event_lines(event: Any) -> int:
    lines = event.payload.get("lines") if isinstance(event.payload, dict) else None
    return max(1, len(lines)) if isinstance(lines, list) else 1


def _clean_text_fields(row: dict[str, Any]) -> dict[str, Any]:
    out = row
    for key, value in row.items():
        multiline = key == "description"
        if isinstance(value, str) and bad_char(value, multiline=multiline) is not None:
            if out is row:
                out = dict(row)
            out[key] = clean_text(value.replace("\r\n", "\n"), multiline=multiline)
    return out


def _catalog_page_wire(page: CatalogChanges) -> dict[str, Any]:
    """A ``CatalogPage`` (JSON-ready) whose text the wire accepts: a product imported before
    central refused control characters (a Windows line end in a description, say) must not stop
    every kiosk's catalog sync. Cheap when clean (one regex search per string)."""
    categories = [
        {"name": c.name, "sort_order": c.sort_order, "active": c.active} for c in page.categories
    ]
    return {
        "items": [_clean_text_fields(row) for row in page.items],
        "categories": [_clean_text_fields(row) for row in categories],
        "next_cursor": page.next_cursor,
        "has_more": page.has_more,
    }


def _order_updates_wire(page: OrderChanges) -> dict[str, Any]:
    """An ``OrderUpdatesPage`` (JSON-ready)."""
    return {
        "items": [
            {
                "order_id": u.order_id,
                "status": u.status,
                "server_no": u.server_no,
                "reason": u.reason,
                "seq": u.seq,
            }
            for u in page.items
        ],
        "next_cursor": page.next_cursor,
        "has_more": page.has_more,
    }


async def _known_query(request: Request) -> None:
    """Refuse a query parameter the route does not declare (like unknown fields in a body).

    ``async`` (it never blocks): FastAPI runs a plain ``def`` dependency on its thread pool, a
    thread hop per request that cost more than the check itself."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    allowed: set[str] = set()
    todo = [dependant]
    while todo:
        d = todo.pop()
        allowed.update(str(p.alias) for p in d.query_params)
        todo.extend(d.dependencies)
    unknown = sorted(set(request.query_params.keys()) - allowed)
    if unknown:
        raise InvalidPayload(f"unknown query parameter '{unknown[0][:40]}'")


def create_app(
    service: CentralService,
    rate_limit: DeviceRateLimit | None = None,
    drain: Drain | None = None,
    close_db_on_shutdown: bool = False,
    round_trip: bool = True,
    zstd: bool = True,
    snapshots: Snapshots | None = None,
    offer_snapshots: bool = True,
) -> FastAPI:
    """The FastAPI application serving ``service``.

    ``rate_limit``: the per-device brake on pushes, heartbeats and syncs (default:
    :class:`~central.edge.DeviceRateLimit` ``()``; it keeps its buckets in ``service.db``).
    ``drain``: the SIGTERM behaviour, installed at startup when the app runs in a server's main
    thread (``serve`` passes one; default: none, uvicorn's own handling).
    ``close_db_on_shutdown``: dispose of the database's pool at shutdown (a worker process's
    app owns its database).
    ``round_trip``: offer ``POST /v1/sync`` and name it in the ``X-Central-Features`` header of
    every reply; ``False`` serves the protocol as central did before it (the negotiation's tests
    play an older central).
    ``zstd``: answer zstd to kiosks that accept it (central/encoding.py); ``False``: gzip only,
    as central did before (the tests of that negotiation play an older central).
    ``snapshots``: the catalog snapshots (default: :class:`~central.snapshots.Snapshots` on
    ``service.db``); ``offer_snapshots=False`` serves no snapshot routes and does not name
    ``FEATURE_SNAPSHOT`` (a central from before them).
    """
    limiter = rate_limit or DeviceRateLimit()
    if limiter.db is None:
        limiter.db = service.db
    probe = drain or Drain()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if drain is not None:
            drain.install(asyncio.get_running_loop())
        try:
            yield
        finally:
            if close_db_on_shutdown:
                service.db.close()

    app = FastAPI(
        title="Village Kiosk central service",
        version=__version__,
        description="Sync protocol v1 between village kiosks and the central service. "
        "See docs/sync-protocol.md.",
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(_known_query)],
        lifespan=lifespan,
    )
    # Level 9 sends fewer bytes than level 6 on a first sync at no measurable cost in products per
    # second (docs/benchmarks.md).
    if zstd:
        app.add_middleware(ZstdMiddleware)  # inside gzip: kiosks that ask get zstd (its module)
    app.add_middleware(GZipMiddleware, minimum_size=1000, compresslevel=9)
    bearer = HTTPBearer(auto_error=False, description="the device token from POST /v1/enroll")
    err = {"model": ErrorBody}
    auth_errors: dict[int | str, dict[str, Any]] = {401: err, 422: err, 503: err}

    # Outermost: caps every body as it streams and checks the token before any body is read.
    app.add_middleware(
        Edge,
        cap=MAX_REQUEST_BYTES,
        authenticate=lambda token, path: service.authenticate(
            token, limiter if path.rstrip("/") in RATE_LIMITED_PATHS else None
        ),
        protected_prefix=API_PREFIX,
        public=PUBLIC_PATHS,
        public_prefixes=PUBLIC_PREFIXES if offer_snapshots else (),
        on_crash=_busy_reply,
        headers=_features_header(round_trip, offer_snapshots),
    )

    @app.exception_handler(CentralError)
    async def _central_error(_req: Request, exc: CentralError) -> JSONResponse:
        headers: dict[str, str] | None = None
        if isinstance(exc, Unauthorized):
            headers = {"WWW-Authenticate": "Bearer"}
        elif isinstance(exc, EnrollThrottled | RateLimited):
            headers = {"Retry-After": str(exc.retry_after_s)}
        return _error(exc.status_code, exc.code, str(exc), headers)

    @app.exception_handler(KioskError)
    async def _kiosk_error(_req: Request, exc: KioskError) -> JSONResponse:
        return _error(400, "bad_request", str(exc))

    @app.exception_handler(RequestValidationError)
    async def _invalid(_req: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(422, _error_code(exc.errors()), _first_error(exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_req: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {400: "bad_body", 404: "not_found", 405: "method_not_allowed"}.get(
            exc.status_code, "http_error"
        )
        return _error(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeout)
    async def _busy(_req: Request, exc: OperationalError) -> JSONResponse:
        status, code, message, headers = _busy_reply(exc) or (503, "busy", "busy", {})
        return _error(status, code, message, headers)

    @app.exception_handler(Exception)
    async def _crash(_req: Request, exc: Exception) -> JSONResponse:
        # Normally the Edge answers these first; this is the last net (same reply, same log).
        error_id = new_error_id()
        log.error("internal error %s: %s", error_id, type(exc).__name__)
        return _error(
            500,
            "server_error",
            f"the central service hit an internal error (error id {error_id})",
            {ERROR_ID_HEADER: error_id},
        )

    async def device(
        request: Request,
        cred: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> DeviceAuth:
        # The Edge has checked the token before the body was read; reuse what it found (on the
        # event loop: no thread hop for a dependency that only reads the request's state).
        found = getattr(request.state, "device", None)
        if isinstance(found, DeviceAuth):
            return found
        if cred is None or cred.scheme.lower() != "bearer":
            raise Unauthorized("a device token is needed: Authorization: Bearer <token>")
        rate = limiter if request.url.path.rstrip("/") in RATE_LIMITED_PATHS else None
        auth: DeviceAuth = await run_in_threadpool(service.authenticate, cred.credentials, rate)
        return auth

    Device = Annotated[DeviceAuth, Depends(device)]
    CursorQ = Annotated[str, Query(max_length=64, description="next_cursor of the previous page")]
    LimitQ = Annotated[int | None, Query(ge=1, le=100_000)]

    @app.get(f"{API_PREFIX}/health", response_model=Health, tags=["health"])
    def health() -> Health:
        """Liveness and the server clock (no authentication)."""
        return Health(status="ok", version=__version__, server_time=iso(service.clock()))

    @app.get("/livez", response_model=Probe, tags=["health"])
    def livez() -> Probe:
        """Liveness: this process answers (no database call; no authentication)."""
        return Probe(status="ok", worker=os.getpid())

    @app.get(
        "/readyz",
        response_model=Probe,
        responses={503: {"model": Probe, "description": "draining or not ready"}},
        tags=["health"],
    )
    def readyz() -> Any:
        """Readiness: not draining, the database answers and its schema is at the newest
        migration. 503 ``draining`` after SIGTERM, 503 ``not_ready`` otherwise."""
        if probe.draining.is_set():
            state, reason = "draining", "this worker is shutting down"
        else:
            problem = _not_ready(service.db)
            if problem is None:
                return Probe(status="ok", worker=os.getpid())
            state, reason = "not_ready", problem
        body = Probe(status=state, worker=os.getpid(), reason=reason)
        return JSONResponse(body.model_dump(), status_code=503)

    @app.post(
        f"{API_PREFIX}/enroll",
        response_model=EnrollResponse,
        responses={403: err, 422: err, 429: err},
        tags=["enrollment"],
    )
    def enroll(req: EnrollRequest, request: Request) -> EnrollResponse:
        """Exchange a one-time enrollment code for a device token.

        429 ``enroll_throttled`` (with ``Retry-After``): too many refused codes came from this
        client address; the code was not looked at.
        """
        # The peer address, or the one a trusted reverse proxy forwarded (uvicorn's
        # --forwarded-allow-ips / FORWARDED_ALLOW_IPS decides whom to believe).
        address = request.client.host if request.client else ""
        return service.enroll(req, address)

    @app.get(
        f"{API_PREFIX}/catalog/changes",
        response_model=CatalogPage,
        responses={**auth_errors, 400: err},
        tags=["catalog"],
    )
    def catalog_changes(_auth: Device, cursor: CursorQ = "", limit: LimitQ = None) -> Response:
        """Products changed after ``cursor``, in server version order (gzip if accepted)."""
        page = _catalog_page_wire(service.catalog_page(cursor, limit))
        # Serialised here, not through the response model: a 5,000-product page stays fast.
        return Response(_dumps(page), media_type="application/json")

    @app.get(
        f"{API_PREFIX}/media/{{sha256}}",
        responses={**auth_errors, 400: err, 404: err, 200: {"content": {"image/*": {}}}},
        response_class=Response,
        tags=["catalog"],
    )
    def media(_auth: Device, sha256: str, request: Request) -> Response:
        """An image by the sha256 of its bytes; immutable."""
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise BadRequest("a media address is 64 lowercase hex digits", code="bad_hash")
        etag = f'"{sha256}"'
        headers = {"ETag": etag, "Cache-Control": MEDIA_CACHE_CONTROL}
        if etag_matches(request.headers.get("if-none-match"), etag):
            service.media(sha256)  # still 404 for an unknown hash
            return Response(status_code=304, headers=headers)
        row = service.media(sha256)
        return Response(row.data, media_type=row.content_type, headers=headers)

    if offer_snapshots:
        catalog_snapshots = snapshots or Snapshots(service.db, service.clock)

        @app.get(
            f"{API_PREFIX}/catalog/snapshots/latest",
            response_model=SnapshotInfo,
            responses={**auth_errors, 404: err},
            tags=["catalog"],
        )
        def latest_snapshot(_auth: Device) -> Response:
            """The newest catalog snapshot (built first if the catalog changed and the newest
            is old): 404 ``not_found`` for an empty catalog, 503 ``busy`` while another worker
            builds the first one."""
            try:
                meta = catalog_snapshots.ensure_latest()
            except SnapshotBusy:
                return _error(
                    503,
                    "busy",
                    "the first catalog snapshot is being built; try again shortly",
                    {"Retry-After": str(RETRY_AFTER_BUSY_S)},
                )
            if meta is None:
                return _error(404, "not_found", "no catalog snapshot: the catalog is empty")
            return Response(
                _dumps(meta.info()),
                media_type="application/json",
                headers={"Cache-Control": POINTER_CACHE_CONTROL},
            )

        @app.get(
            f"{API_PREFIX}/catalog/snapshots/{{sha256}}",
            responses={
                400: err,
                404: err,
                416: err,
                200: {"content": {MEDIA_TYPE: {}}},
                206: {"content": {MEDIA_TYPE: {}}},
                304: {"description": "If-None-Match named it"},
            },
            response_class=Response,
            tags=["catalog"],
        )
        def catalog_snapshot(sha256: str, request: Request) -> Response:
            """A catalog snapshot by the sha256 of its bytes: immutable and public (no device
            token), with ``ETag``, ``Range`` / ``If-Range`` (206, 416) and ``If-None-Match``
            (304)."""
            if not is_sha256(sha256):
                raise BadRequest("a snapshot address is 64 lowercase hex digits", code="bad_hash")
            data = catalog_snapshots.data(sha256)
            reply = immutable_reply(data, sha256, request.headers, IMMUTABLE_PUBLIC)
            if reply.status == 416:
                return _error(
                    416, "bad_range", "the range starts past the end of the snapshot", reply.headers
                )
            if reply.status == 304:
                return Response(status_code=304, headers=reply.headers)
            return Response(
                reply.body, status_code=reply.status, media_type=MEDIA_TYPE, headers=reply.headers
            )

    @app.post(
        f"{API_PREFIX}/events",
        response_model=EventBatchResult,
        responses={**auth_errors, 400: err, 413: err},
        tags=["events"],
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/EventBatch"}}
                },
            }
        },
    )
    async def events(request: Request, auth: Device) -> EventBatchResult:
        """Push outbox events (gzip bodies accepted); one result per event, in order."""
        body = await read_capped_body(request)
        try:
            batch = EventBatch.model_validate_json(body)
        except ValidationError as exc:
            raise InvalidPayload(
                _first_error(exc.errors()), code=_error_code(exc.errors())
            ) from None
        lines = sum(_event_lines(e) for e in batch.events)
        if lines > MAX_LINES_PER_BATCH:
            raise PayloadTooLarge(
                f"the batch holds {lines} order lines, over {MAX_LINES_PER_BATCH}; "
                "send fewer events per batch",
                code="too_many_lines",
            )
        # One result per distinct event id, in order; committed in steps of LINES_PER_COMMIT.
        results = []
        for part in _chunks(batch):
            done = await run_in_threadpool(service.push_events, auth, part)
            results.extend(done.results)
        return EventBatchResult(results=results)

    @app.get(
        f"{API_PREFIX}/orders/updates",
        response_model=OrderUpdatesPage,
        responses={**auth_errors, 400: err},
        tags=["orders"],
    )
    def order_updates(auth: Device, cursor: CursorQ = "", limit: LimitQ = None) -> Response:
        """Changes to this center's orders after ``cursor``, in server order."""
        page = _order_updates_wire(service.order_updates(auth, cursor, limit))
        return Response(_dumps(page), media_type="application/json")

    @app.get(
        f"{API_PREFIX}/orders/recovery",
        response_model=RecoveryPage,
        responses={**auth_errors, 400: err},
        tags=["orders"],
    )
    def order_recovery(auth: Device, cursor: CursorQ = "", limit: LimitQ = None) -> Response:
        """Every order central holds for this center, in server order (pull-back after a
        restore or on a replacement PC: central/recovery.py)."""
        from central.recovery import recovery_page

        page = recovery_page(service.db, auth.device_id, auth.center_id, cursor, limit)
        return Response(_dumps(page), media_type="application/json")

    @app.post(
        f"{API_PREFIX}/heartbeat",
        response_model=HeartbeatAck,
        responses={**auth_errors, 400: err},
        tags=["fleet"],
    )
    def heartbeat(auth: Device, hb: Heartbeat) -> HeartbeatAck:
        """The center's health; the answer carries the measured clock offset."""
        return service.heartbeat(auth, hb)

    if round_trip:

        @app.post(
            f"{API_PREFIX}/sync",
            response_model=SyncResponse,
            responses={**auth_errors, 400: err, 413: err},
            tags=["sync"],
            openapi_extra={
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/SyncRequest"}}
                    },
                }
            },
        )
        async def sync(request: Request, auth: Device) -> Response:
            """A whole sync cycle in one round trip (gzip bodies accepted): push ``events``
            (as ``POST /v1/events``), store ``heartbeat``, and answer the events' results, the
            first page of order updates and of catalog changes after the cursors, and the
            server's time."""
            body = await read_capped_body(request)
            try:
                req = SyncRequest.model_validate_json(body)
            except ValidationError as exc:
                raise InvalidPayload(
                    _first_error(exc.errors()), code=_error_code(exc.errors())
                ) from None
            lines = sum(_event_lines(e) for e in req.events)
            if lines > MAX_LINES_PER_BATCH:
                raise PayloadTooLarge(
                    f"the events hold {lines} order lines, over {MAX_LINES_PER_BATCH}; "
                    "send fewer events per sync",
                    code="too_many_lines",
                )
            # Everything refusable is refused before the first event is stored.
            service.check_sync(req)
            results: list[dict[str, Any]] = []
            if req.events:
                for part in _chunks(EventBatch(events=req.events)):
                    done = await run_in_threadpool(service.push_events, auth, part)
                    results.extend(r.model_dump(mode="json") for r in done.results)
            state = await run_in_threadpool(service.sync_state, auth, req)
            reply = {
                "results": results,
                "order_updates": _order_updates_wire(state.order_updates),
                "catalog": _catalog_page_wire(state.catalog),
                "heartbeat": state.heartbeat.model_dump() if state.heartbeat else None,
                "server_time": state.server_time,
            }
            return Response(_dumps(reply), media_type="application/json")

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            # /v1/events and /v1/sync read their (maybe gzipped) bodies themselves; publish
            # their schemas by hand.
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in (EventBatch, SyncRequest) if round_trip else (EventBatch,):
                defs = model.model_json_schema(ref_template="#/components/schemas/{model}")
                for name, sub in defs.pop("$defs", {}).items():
                    components.setdefault(name, sub)
                components[model.__name__] = defs
            _document_errors(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
    return app


def _features_header(round_trip: bool, snapshots: bool) -> list[tuple[str, str]]:
    """The ``X-Central-Features`` header every reply carries (nothing when none is offered)."""
    named = [f for f, on in ((FEATURE_SYNC, round_trip), (FEATURE_SNAPSHOT, snapshots)) if on]
    return [(FEATURES_HEADER, ",".join(named))] if named else []


def _not_ready(db: CentralDb) -> str | None:
    """Why the database cannot serve (one line), or ``None`` when it can."""
    from central.migrate import current_revision, head_revision

    try:
        with db.read_engine.connect() as conn:
            conn.execute(text("SELECT 1"))
            revision = current_revision(conn)
    except Exception as exc:
        return f"the central database does not answer ({type(exc).__name__})"
    if revision != head_revision():
        return f"the central database is at migration {revision}, not {head_revision()}"
    return None


def worker_app() -> FastAPI:
    """The app of one worker process of ``kiosk-central serve --workers N`` (a uvicorn factory).

    Reads the database URL from ``KIOSK_CENTRAL_DB`` and the drain time from
    ``KIOSK_CENTRAL_DRAIN_SECONDS``; ``serve`` has migrated the database before starting the
    workers, so a worker only opens it.
    """
    from central.logs import install_redaction

    install_redaction()  # uvicorn configured this worker's logging just before
    db = CentralDb(os.environ[ENV_DB])
    drain = Drain(float(os.environ.get(ENV_DRAIN_S, DEFAULT_DRAIN_S)))
    return create_app(CentralService(db), drain=drain, close_db_on_shutdown=True)


def _document_errors(schema: dict[str, Any]) -> None:
    """Add the status codes every route may answer (the Edge's, the handlers') to the schema."""
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    for path, ops in schema.get("paths", {}).items():
        protected = path.startswith(f"{API_PREFIX}/") and path not in PUBLIC_PATHS
        for op in ops.values():
            responses = op.setdefault("responses", {})
            codes = {**COMMON_ERRORS, **(AUTH_ERRORS if protected else {})}
            for code, what in codes.items():
                responses.setdefault(code, {"description": what, "content": ref})
            for code, entry in responses.items():
                if code != "200" and not entry.get("content"):
                    entry["content"] = ref

"""zstd replies for kiosks that ask for them; gzip (Starlette's middleware) for the rest.

A kiosk that sends ``Accept-Encoding: zstd`` (kiosk/sync/client.py does, before ``gzip``) gets its
JSON replies zstd-compressed: on a first catalog sync about a quarter fewer bytes than gzip -9
(docs/benchmarks.md). An older kiosk never names zstd and keeps getting gzip, and an older
central ignores the token, so both sides negotiate with plain HTTP (docs/sync-protocol.md,
"Compression"). Images (already compressed) and replies under ``minimum_size`` go as they are.

:class:`ZstdMiddleware` sits inside ``GZipMiddleware``: a reply it encoded carries
``Content-Encoding``, which the gzip middleware leaves alone. It compresses on a worker thread,
never on the event loop.
"""

from __future__ import annotations

import zstandard
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Level 12: about 0.72x the bytes of gzip -6 on catalog pages, at the CPU cost of gzip -9;
#: levels from 13 up cost three times as much for a few percent (docs/benchmarks.md).
ZSTD_LEVEL = 12
#: Replies smaller than this go uncompressed (as with the gzip middleware).
MINIMUM_SIZE = 1000


def accepts_zstd(accept_encoding: str) -> bool:
    """Whether an ``Accept-Encoding`` value names ``zstd`` with a non-zero quality."""
    for item in accept_encoding.split(","):
        name, _, params = item.strip().partition(";")
        if name.strip().lower() != "zstd":
            continue
        q = params.strip().lower()
        if q.startswith("q="):
            try:
                return float(q[2:]) > 0
            except ValueError:
                return False
        return True
    return False


def zstd_compress(body: bytes, level: int = ZSTD_LEVEL) -> bytes:
    """One zstd frame holding ``body`` (its size written in the frame header)."""
    return zstandard.ZstdCompressor(level=level).compress(body)


class ZstdMiddleware:
    """Compress JSON replies with zstd when the request accepts it (see the module docstring)."""

    def __init__(
        self, app: ASGIApp, minimum_size: int = MINIMUM_SIZE, level: int = ZSTD_LEVEL
    ) -> None:
        self.app = app
        self.minimum_size = minimum_size
        self.level = level

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not accepts_zstd(
            Headers(scope=scope).get("accept-encoding", "")
        ):
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        parts: list[bytes] = []
        passthrough = False

        async def wrapped(message: Message) -> None:
            nonlocal start, passthrough
            if message["type"] == "http.response.start":
                headers = Headers(raw=message["headers"])
                passthrough = "content-encoding" in headers or not headers.get(
                    "content-type", ""
                ).startswith("application/json")
                if passthrough:
                    await send(message)
                else:
                    start = message
                return
            if passthrough or message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            parts.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            await self._send(start, b"".join(parts), send)

        await self.app(scope, receive, wrapped)

    async def _send(self, start: Message, body: bytes, send: Send) -> None:
        headers = MutableHeaders(raw=list(start["headers"]))
        if len(body) >= self.minimum_size:
            body = await run_in_threadpool(zstd_compress, body, self.level)
            headers["Content-Encoding"] = "zstd"
            headers.add_vary_header("Accept-Encoding")
        headers["Content-Length"] = str(len(body))
        await send({**start, "headers": headers.raw})
        await send({"type": "http.response.body", "body": body, "more_body": False})

"""An in-memory central service behind ``httpx.MockTransport``, with fault injection.

It implements just enough of ``/v1`` (docs/sync-protocol.md) for unit tests of the sync engine:
events deduplicated forever on their UUID (same id + different payload → rejected), a paged
catalog change feed on a sequence cursor, order updates, media by sha256, heartbeat. Faults are
queued per path prefix and consumed one per request: an HTTP status (with headers), an httpx
exception raised before the request is handled, or ``"commit_then_timeout"`` (handled, then the
reply is lost).
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from kiosk import wire

TOKEN = "test-token-abcdef"


class Chunks(httpx.SyncByteStream):
    """A response body delivered in chunks, not read up front (as from a real socket)."""

    def __init__(self, data: bytes, size: int = 64 * 1024) -> None:
        self.data = data
        self.size = size

    def __iter__(self) -> Iterator[bytes]:
        for i in range(0, len(self.data), self.size):
            yield self.data[i : i + self.size]


def reply(status: int, content: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    """A streamed response. ``httpx.Response(content=...)`` would be read (and un-gzipped,
    without any cap) while it is built, which is not what a socket does."""
    hdrs = {"content-length": str(len(content)), **(headers or {})}
    return httpx.Response(status, headers=hdrs, stream=Chunks(content))


@dataclass
class Fault:
    """One injected fault. Exactly one of ``status``, ``exc`` or ``commit_then`` is used."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    exc: type[httpx.TransportError] | None = None
    commit_then: type[httpx.TransportError] | None = None


@dataclass
class FakeCentral:
    """State and behaviour of the fake central service."""

    products: dict[str, dict[str, Any]] = field(default_factory=dict)
    categories: list[dict[str, Any]] = field(default_factory=list)
    version: int = 0
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    event_requests: list[list[str]] = field(default_factory=list)
    reject_kinds: dict[str, str] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    media: dict[str, bytes] = field(default_factory=dict)
    heartbeats: list[dict[str, Any]] = field(default_factory=list)
    clock_offset_s: float = 0.0
    faults: dict[str, list[Fault]] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    catalog_requests: list[str] = field(default_factory=list)
    override: dict[str, Callable[[httpx.Request], httpx.Response]] = field(default_factory=dict)
    server_no_seq: int = 0

    # --- operator side -----------------------------------------------------------------------

    def publish(self, sku: str, **fields: Any) -> None:
        """Create or change a product (new version)."""
        self.version += 1
        base = self.products.get(sku, {"sku": sku})
        base = {**base, **fields, "sku": sku, "version": self.version, "deleted": False}
        base.setdefault("name", f"商品 {sku}")
        base.setdefault("category", "粮油食品")
        base.setdefault("price_fen", 100)
        base.setdefault("unit", "袋")
        self.products[sku] = base
        if not any(c["name"] == base["category"] for c in self.categories):
            self.categories.append({"name": base["category"], "sort_order": 0, "active": True})

    def delete(self, sku: str) -> None:
        """Tombstone a product."""
        self.version += 1
        self.products[sku] = {"sku": sku, "version": self.version, "deleted": True}

    def advance(self, order_id: str, status: str, server_no: str | None = None) -> None:
        """An order update for the kiosk."""
        self.updates.append(
            {
                "order_id": order_id,
                "status": status,
                "server_no": server_no,
                "seq": len(self.updates) + 1,
            }
        )

    def add_image(self, data: bytes) -> str:
        """Serve ``data`` as media; returns its sha256."""
        h = hashlib.sha256(data).hexdigest()
        self.media[h] = data
        return h

    def fail(self, prefix: str, *faults: Fault) -> None:
        """Queue faults for requests whose path starts with ``/v1`` + ``prefix``."""
        self.faults.setdefault(prefix, []).extend(faults)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # --- HTTP side ----------------------------------------------------------------------------

    def _take_fault(self, path: str) -> Fault | None:
        for prefix, queue in self.faults.items():
            if path.startswith(wire.API_PREFIX + prefix) and queue:
                return queue.pop(0)
        return None

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        self.requests.append(f"{request.method} {path}")
        fault = self._take_fault(path)
        if fault is not None and fault.exc is not None:
            raise fault.exc("injected", request=request)
        if fault is not None and fault.status is not None:
            body = fault.body
            if body is None:
                body = json.dumps({"error": "injected", "message": "injected failure"}).encode()
            return reply(fault.status, body, fault.headers)
        for prefix, fn in self.override.items():
            if path.startswith(wire.API_PREFIX + prefix):
                return fn(request)
        response = self._route(request)
        if fault is not None and fault.commit_then is not None:
            raise fault.commit_then("reply lost after commit", request=request)
        return response

    def _route(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(wire.API_PREFIX)
        if path == "/health":
            return self._json({"status": "ok"})
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            return self._json({"error": "unauthorized", "message": "bad token"}, 401)
        if path == "/catalog/changes":
            return self._catalog(request)
        if path == "/events":
            return self._events(request)
        if path == "/orders/updates":
            return self._updates(request)
        if path.startswith("/media/"):
            data = self.media.get(path.removeprefix("/media/"))
            if data is None:
                return self._json({"error": "not_found", "message": "no such image"}, 404)
            return reply(200, data)
        if path == "/heartbeat":
            self.heartbeats.append(json.loads(self._body(request)))
            return self._json(
                {"server_time": "2026-01-01T00:00:00+00:00", "clock_offset_s": self.clock_offset_s}
            )
        return self._json({"error": "not_found", "message": path}, 404)

    @staticmethod
    def _body(request: httpx.Request) -> bytes:
        raw = request.content
        if request.headers.get("content-encoding") == "gzip":
            raw = gzip.decompress(raw)
        return raw

    @staticmethod
    def _json(obj: Any, status: int = 200, *, compress: bool = False) -> httpx.Response:
        data = json.dumps(obj, ensure_ascii=False).encode()
        if compress:
            return reply(status, gzip.compress(data), {"content-encoding": "gzip"})
        return reply(status, data, {"content-type": "application/json"})

    def _catalog(self, request: httpx.Request) -> httpx.Response:
        cursor_text = request.url.params.get("cursor", "")
        self.catalog_requests.append(cursor_text)
        cursor = int(cursor_text or 0)
        limit = int(request.url.params.get("limit", wire.CATALOG_PAGE_DEFAULT))
        changed = sorted(
            (p for p in self.products.values() if p["version"] > cursor),
            key=lambda p: p["version"],
        )
        page = changed[:limit]
        next_cursor = page[-1]["version"] if page else cursor
        return self._json(
            {
                "items": page,
                "categories": self.categories,
                "next_cursor": str(next_cursor),
                "has_more": len(changed) > limit,
            },
            compress=True,
        )

    def _events(self, request: httpx.Request) -> httpx.Response:
        batch = json.loads(self._body(request))
        self.event_requests.append([e["id"] for e in batch["events"]])
        results = []
        for e in batch["events"]:
            seen = self.events.get(e["id"])
            if seen is not None:
                if seen["event"] != e:
                    results.append(
                        {
                            "id": e["id"],
                            "status": "rejected",
                            "reason": "payload_mismatch",
                            "message": "changed",
                        }
                    )
                else:
                    results.append({"id": e["id"], "status": "duplicate", "result": seen["result"]})
                continue
            if e["kind"] in self.reject_kinds or e["subject_id"] in self.reject_kinds:
                reason = self.reject_kinds.get(e["kind"]) or self.reject_kinds[e["subject_id"]]
                results.append(
                    {
                        "id": e["id"],
                        "status": "rejected",
                        "reason": reason,
                        "message": "refused by test",
                    }
                )
                continue
            self.server_no_seq += 1
            result = {"server_no": f"S{self.server_no_seq:05d}"}
            self.events[e["id"]] = {"event": e, "result": result}
            results.append({"id": e["id"], "status": "accepted", "result": result})
        return self._json({"results": results})

    def _updates(self, request: httpx.Request) -> httpx.Response:
        cursor = int(request.url.params.get("cursor") or 0)
        limit = int(request.url.params.get("limit", 500))
        todo = [u for u in self.updates if u["seq"] > cursor]
        page = todo[:limit]
        return self._json(
            {
                "items": page,
                "next_cursor": str(page[-1]["seq"] if page else cursor),
                "has_more": len(todo) > limit,
            }
        )

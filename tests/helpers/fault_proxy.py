"""A small fault-injecting HTTP/1.1 proxy for the end-to-end sync tests.

Toxiproxy is not installable here, so this is our own: an asyncio TCP proxy on its own thread and
event loop, listening on 127.0.0.1, forwarding to one upstream (the real central service). It
frames HTTP/1.1 messages (Content-Length, chunked, or close-delimited) so a fault is chosen **per
request**, even on a kept-alive connection, and so "the server committed, then the reply was
lost" is exact: the whole reply was read from the server before the client is dropped.

Faults (:class:`FaultKind`): pass-through, reset (RST via ``SO_LINGER 0``), cut the reply after N
bytes, stall (hold the request, never answer), a canned ``503`` (optionally with
``Retry-After``), and reply lost after commit (dropped, or held so a test can SIGKILL the client
meanwhile). A :class:`Link` adds bandwidth and round-trip latency to everything that passes.
Which fault a request gets comes from a plan: :class:`Always`, :class:`Script` (a list, then a
fallback) or :class:`RandomMix` (seeded weights), each optionally limited to a path prefix.

Usage::

    with FaultProxy("127.0.0.1", central.port) as proxy:
        proxy.set_plan(RandomMix({Fault.reset(): 1, Fault.lost_reply(): 1}, seed=7))
        ...  # point the engine at proxy.url
        proxy.heal()
        assert proxy.stats().faults[FaultKind.LOST_REPLY] >= 1

Everything the proxy did is counted (:meth:`FaultProxy.stats`) and each request is logged as an
:class:`Exchange` (method, target, fault, bytes each way, status), so tests can prove that faults
and retries really happened.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import struct
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Protocol

#: Largest header block we accept (request or response).
MAX_HEAD_BYTES = 64 * 1024
READ_CHUNK = 16 * 1024


class FaultKind(StrEnum):
    """What the proxy does with one request."""

    PASS = "pass"
    RESET = "reset"  # read the request, forward nothing, RST the client
    CUT = "cut"  # forward the request, forward N bytes of the reply, close
    STALL = "stall"  # read the request, forward nothing, never answer
    STATUS = "status"  # answer a canned status (503 by default) without forwarding
    LOST_REPLY = "lost_reply"  # forward, read the whole reply, drop (or hold) the client


@dataclass(frozen=True)
class Fault:
    """One fault and its parameters. Build with the class methods."""

    kind: FaultKind = FaultKind.PASS
    cut_after: int = 0
    status: int = 503
    retry_after: str | None = None
    hold: bool = False

    @classmethod
    def passthrough(cls) -> Fault:
        """Forward untouched."""
        return cls()

    @classmethod
    def reset(cls) -> Fault:
        """RST the connection instead of forwarding the request."""
        return cls(FaultKind.RESET)

    @classmethod
    def cut(cls, after_bytes: int) -> Fault:
        """Forward the request; send the first ``after_bytes`` of the reply, then close."""
        return cls(FaultKind.CUT, cut_after=after_bytes)

    @classmethod
    def stall(cls) -> Fault:
        """Swallow the request and never answer (the client must time out)."""
        return cls(FaultKind.STALL)

    @classmethod
    def unavailable(cls, retry_after: str | None = None, status: int = 503) -> Fault:
        """Answer ``503`` (or ``status``) at once, with ``Retry-After`` if given."""
        return cls(FaultKind.STATUS, status=status, retry_after=retry_after)

    @classmethod
    def lost_reply(cls, *, hold: bool = False) -> Fault:
        """The server commits and answers; the client gets nothing (RST, or held if ``hold``)."""
        return cls(FaultKind.LOST_REPLY, hold=hold)


PASS = Fault()


@dataclass(frozen=True)
class Link:
    """A slow link: ``bytes_per_s`` each way (0 = unlimited) and ``rtt_s`` per round trip."""

    bytes_per_s: float = 0.0
    rtt_s: float = 0.0

    @classmethod
    def two_g(cls) -> Link:
        """The field's worst case: 256 kbit/s and 400 ms round trips."""
        return cls(bytes_per_s=256_000 / 8, rtt_s=0.4)


class FaultPlan(Protocol):
    """Chooses the fault for each request (called on the proxy's loop thread)."""

    def choose(self, method: str, target: str) -> Fault:
        """The fault for this request."""
        ...


@dataclass
class Always:
    """The same fault for every request (matching ``only``, a path prefix; others pass)."""

    fault: Fault
    only: str = ""

    def choose(self, method: str, target: str) -> Fault:
        """See class docstring."""
        return self.fault if target.startswith(self.only) else PASS


@dataclass
class Script:
    """The given faults, one per matching request, in order; then ``then``'s choice."""

    faults: Sequence[Fault]
    then: FaultPlan = field(default_factory=lambda: Always(PASS))
    only: str | tuple[str, ...] = ""  # a path prefix, or several
    _next: int = 0

    def choose(self, method: str, target: str) -> Fault:
        """See class docstring."""
        if target.startswith(self.only) and self._next < len(self.faults):
            self._next += 1
            return self.faults[self._next - 1]
        return self.then.choose(method, target)


@dataclass
class RandomMix:
    """Each matching request gets a fault with probability ``weight / max(total, 1)``.

    ``weights`` maps faults to weights; the rest of the probability mass (when the weights sum
    below 1) passes. Seeded, so a run mixes faults the same way every time it sends the same
    requests.
    """

    weights: Mapping[Fault, float]
    seed: int = 0
    only: str = ""
    _rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def choose(self, method: str, target: str) -> Fault:
        """See class docstring."""
        if not target.startswith(self.only):
            return PASS
        total = max(1.0, sum(self.weights.values()))
        x = self._rng.random() * total
        for fault, weight in self.weights.items():
            if x < weight:
                return fault
            x -= weight
        return PASS


@dataclass(frozen=True)
class Exchange:
    """One request as the proxy handled it."""

    method: str
    target: str
    fault: FaultKind
    bytes_up: int  # request bytes forwarded to the server
    bytes_down: int  # reply bytes delivered to the client
    status: int | None  # the server's status (None: not forwarded / not read)
    complete: bool  # the client got the whole reply


@dataclass(frozen=True)
class ProxyStats:
    """A snapshot of the proxy's counters."""

    connections: int
    requests: int
    faults: Counter[FaultKind]
    bytes_up: int
    bytes_down: int
    held: int  # requests held open right now (stall, lost_reply with hold)
    exchanges: tuple[Exchange, ...]

    def count(self, kind: FaultKind, prefix: str = "") -> int:
        """Requests that got ``kind`` and whose target starts with ``prefix``."""
        return sum(1 for e in self.exchanges if e.fault == kind and e.target.startswith(prefix))

    def down_bytes(self, prefix: str = "", since: int = 0) -> int:
        """Reply bytes delivered for targets starting with ``prefix`` (exchanges from ``since``)."""
        return sum(e.bytes_down for e in self.exchanges[since:] if e.target.startswith(prefix))


class _Closed(Exception):
    """The peer closed the connection before a whole message was read."""


@dataclass
class _Head:
    first_line: str
    headers: dict[str, str]
    raw: bytes


async def _read_head(reader: asyncio.StreamReader) -> _Head | None:
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as exc:
        if not exc.partial:
            return None
        raise _Closed from None
    except asyncio.LimitOverrunError:
        raise _Closed from None
    lines = raw.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return _Head(lines[0], headers, raw)


async def _body(
    reader: asyncio.StreamReader, head: _Head, *, no_body: bool, until_eof: bool
) -> AsyncIterator[bytes]:
    """The raw body bytes of one message, as they arrive (framing kept as on the wire)."""
    if no_body:
        return
    te = head.headers.get("transfer-encoding", "").lower()
    if "chunked" in te:
        while True:
            try:
                size_line = await reader.readuntil(b"\r\n")
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                raise _Closed from None
            yield size_line
            size = int(size_line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                # Trailers, then the empty line.
                while True:
                    try:
                        line = await reader.readuntil(b"\r\n")
                    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError):
                        raise _Closed from None
                    yield line
                    if line == b"\r\n":
                        return
            left = size + 2
            while left:
                data = await reader.read(min(left, READ_CHUNK))
                if not data:
                    raise _Closed
                left -= len(data)
                yield data
    elif "content-length" in head.headers:
        left = int(head.headers["content-length"])
        while left:
            data = await reader.read(min(left, READ_CHUNK))
            if not data:
                raise _Closed
            left -= len(data)
            yield data
    elif until_eof:
        while data := await reader.read(READ_CHUNK):
            yield data


class _Line:
    """One direction of the emulated link: a delay line with a bandwidth limit.

    ``put`` never blocks: it stamps the chunk with when it would finish crossing the link
    (serialised at ``bytes_per_s`` after whatever is ahead of it, plus half the round trip)
    and a writer task delivers it then. So latency is paid once per round trip, not per chunk.
    """

    def __init__(self, writer: asyncio.StreamWriter, link: Link | None) -> None:
        self.writer = writer
        self.link = link
        self._free_at = 0.0
        self._queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self.delivered = 0

    def put(self, data: bytes, extra_delay: float = 0.0) -> None:
        if self.link is None or (self.link.bytes_per_s <= 0 and self.link.rtt_s <= 0):
            self.writer.write(data)
            self.delivered += len(data)
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        bw = self.link.bytes_per_s
        start = max(now + extra_delay, self._free_at)
        self._free_at = start + (len(data) / bw if bw > 0 else 0.0)
        self._queue.put_nowait((self._free_at + self.link.rtt_s / 2, data))
        if self._task is None:
            self._task = asyncio.ensure_future(self._pump())

    async def _pump(self) -> None:
        loop = asyncio.get_running_loop()
        while (item := await self._queue.get()) is not None:
            due, data = item
            delay = due - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            self.writer.write(data)
            self.delivered += len(data)
            await self.writer.drain()

    async def flush(self) -> None:
        """Wait until everything put so far was delivered."""
        if self._task is not None:
            self._queue.put_nowait(None)
            await self._task
            self._task = None
        else:
            await self.writer.drain()

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None


def _abort(writer: asyncio.StreamWriter) -> None:
    """Close with RST: ``SO_LINGER`` on with a zero timeout."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


def _canned(fault: Fault) -> bytes:
    body = b'{"error":"busy","message":"injected by the fault proxy"}'
    head = [
        f"HTTP/1.1 {fault.status} Injected",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    if fault.retry_after is not None:
        head.append(f"Retry-After: {fault.retry_after}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


class FaultProxy:
    """The proxy. Start with :meth:`start` (or ``with``); all methods are thread-safe.

    Args:
        upstream_host: where to forward (the central service).
        upstream_port: its port.
        plan: the initial fault plan (default: pass everything).
        link: the initial link emulation (default: none).
    """

    def __init__(
        self,
        upstream_host: str,
        upstream_port: int,
        plan: FaultPlan | None = None,
        link: Link | None = None,
    ) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._plan: FaultPlan = plan or Always(PASS)
        self._link = link
        self._lock = threading.Lock()
        self._connections = 0
        self._faults: Counter[FaultKind] = Counter()
        self._exchanges: list[Exchange] = []
        self._held = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._release: asyncio.Event | None = None
        self.port = 0

    # --- control (any thread) -----------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT`` of the proxy."""
        return f"http://127.0.0.1:{self.port}"

    def set_plan(self, plan: FaultPlan) -> None:
        """Use ``plan`` for the following requests."""
        with self._lock:
            self._plan = plan

    def set_link(self, link: Link | None) -> None:
        """Emulate ``link`` on connections opened from now on (``None``: full speed)."""
        with self._lock:
            self._link = link

    def heal(self) -> None:
        """Pass everything from now on, at full speed, and let held requests go (closed)."""
        with self._lock:
            self._plan = Always(PASS)
            self._link = None
        self.release_held()

    def release_held(self) -> None:
        """Close every stalled or held connection now."""
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self._release_all)

    def _release_all(self) -> None:
        # Wake every current holder, and give later holds a fresh event to wait on.
        if self._release is not None:
            self._release.set()
        self._release = asyncio.Event()

    def stats(self) -> ProxyStats:
        """A consistent snapshot of the counters and the exchange log."""
        with self._lock:
            ex = tuple(self._exchanges)
            return ProxyStats(
                connections=self._connections,
                requests=len(ex),
                faults=Counter(self._faults),
                bytes_up=sum(e.bytes_up for e in ex),
                bytes_down=sum(e.bytes_down for e in ex),
                held=self._held,
                exchanges=ex,
            )

    def wait_for(self, predicate: Callable[[ProxyStats], bool], timeout: float = 30.0) -> bool:
        """Poll the counters until ``predicate`` holds or ``timeout`` passes (a deadline)."""
        deadline = time.monotonic() + timeout
        done = threading.Event()
        while time.monotonic() < deadline:
            if predicate(self.stats()):
                return True
            done.wait(0.01)
        return predicate(self.stats())

    # --- lifecycle ------------------------------------------------------------------------------

    def start(self) -> FaultProxy:
        """Bind a free port on 127.0.0.1 and serve on a background thread."""
        ready = threading.Event()
        errors: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._serve(ready))
                loop.run_forever()
            except BaseException as exc:  # reported to start(), which re-raises
                errors.append(exc)
                ready.set()
            finally:
                loop.run_until_complete(self._shutdown())
                loop.close()

        self._thread = threading.Thread(target=run, name="fault-proxy", daemon=True)
        self._thread.start()
        ready.wait(10)
        if errors:
            raise RuntimeError(f"fault proxy did not start: {errors[0]}")
        return self

    async def _serve(self, ready: threading.Event) -> None:
        self._release = asyncio.Event()
        self._server = await asyncio.start_server(
            self._on_client, "127.0.0.1", 0, limit=MAX_HEAD_BYTES
        )
        self.port = int(self._server.sockets[0].getsockname()[1])
        ready.set()

    async def _shutdown(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def stop(self) -> None:
        """Close the listener and every connection; join the thread."""
        loop = self._loop
        if loop is None or self._thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(10)
        self._loop = None
        self._thread = None

    def __enter__(self) -> FaultProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the work (loop thread) ---------------------------------------------------------------

    def _record(self, exchange: Exchange) -> None:
        with self._lock:
            self._exchanges.append(exchange)
            if exchange.fault != FaultKind.PASS:
                self._faults[exchange.fault] += 1

    async def _on_client(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        with self._lock:
            self._connections += 1
            link = self._link
        up: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None
        first = True
        try:
            while True:
                head = await _read_head(reader)
                if head is None:
                    return
                method, target = [*head.first_line.split(" "), "", ""][:2]
                with self._lock:
                    fault = self._plan.choose(method, target)
                needs_upstream = fault.kind not in (
                    FaultKind.RESET,
                    FaultKind.STALL,
                    FaultKind.STATUS,
                )
                if up is not None and up[0].at_eof():
                    # The server closed its idle keep-alive connection: open a new one rather
                    # than turn its timeout into a fault the test did not ask for.
                    up[1].transport.abort()
                    up = None
                if up is None and needs_upstream:
                    up = await asyncio.open_connection(*self.upstream, limit=MAX_HEAD_BYTES)
                # A new connection costs one round trip (the TCP handshake) on a slow link.
                extra = link.rtt_s if (link is not None and first) else 0.0
                first = False
                keep = await self._exchange(
                    reader, writer, up, head, method, target, fault, link, extra
                )
                if not keep:
                    return
        except (_Closed, ConnectionError, asyncio.IncompleteReadError):
            return
        except asyncio.CancelledError:
            return
        finally:
            self._tasks.discard(task)
            if up is not None:
                up[1].transport.abort()
            if not writer.is_closing():
                writer.close()

    async def _hold(self, writer: asyncio.StreamWriter, reader: asyncio.StreamReader) -> None:
        """Keep the client waiting until it gives up, the test releases it, or we stop."""
        release = self._release
        assert release is not None
        with self._lock:
            self._held += 1
        try:
            gone = asyncio.ensure_future(reader.read())
            released = asyncio.ensure_future(release.wait())
            await asyncio.wait({gone, released}, return_when=asyncio.FIRST_COMPLETED)
            for t in (gone, released):
                t.cancel()
        finally:
            with self._lock:
                self._held -= 1
            _abort(writer)

    async def _exchange(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        up: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None,
        head: _Head,
        method: str,
        target: str,
        fault: Fault,
        link: Link | None,
        extra_delay: float,
    ) -> bool:
        """Handle one request; return whether the connection can carry another."""
        kind = fault.kind
        request = [head.raw]
        async for part in _body(reader, head, no_body=False, until_eof=False):
            request.append(part)
        if kind in (FaultKind.RESET, FaultKind.STALL, FaultKind.STATUS):
            self._record(Exchange(method, target, kind, 0, 0, None, kind == FaultKind.STATUS))
            if kind == FaultKind.RESET:
                _abort(writer)
            elif kind == FaultKind.STALL:
                await self._hold(writer, reader)
            else:
                reply = _Line(writer, link)
                reply.put(_canned(fault), extra_delay)
                await reply.flush()
                with self._lock:
                    self._exchanges[-1] = replace(self._exchanges[-1], bytes_down=reply.delivered)
                writer.close()
            return False
        assert up is not None
        up_reader, up_writer = up
        to_server = _Line(up_writer, link)
        sent = 0
        for i, part in enumerate(request):
            to_server.put(part, extra_delay if i == 0 else 0.0)
            sent += len(part)
        await to_server.flush()
        resp_head = await _read_head(up_reader)
        if resp_head is None:
            raise _Closed
        status = int(resp_head.first_line.split(" ")[1])
        no_body = method == "HEAD" or status in (204, 304) or 100 <= status < 200
        parts = [resp_head.raw]
        to_client = _Line(writer, None if kind == FaultKind.LOST_REPLY else link)
        budget = fault.cut_after if kind == FaultKind.CUT else -1
        cut = False
        if budget >= 0 and len(resp_head.raw) > budget:
            to_client.put(resp_head.raw[:budget])
            cut = True
        elif kind != FaultKind.LOST_REPLY:
            to_client.put(resp_head.raw)
            budget = budget - len(resp_head.raw) if budget >= 0 else -1
        if not cut:
            async for part in _body(up_reader, resp_head, no_body=no_body, until_eof=True):
                if kind == FaultKind.LOST_REPLY:
                    parts.append(part)
                    continue
                if budget >= 0 and len(part) >= budget:
                    to_client.put(part[:budget])
                    cut = True
                    break
                to_client.put(part)
                if budget >= 0:
                    budget -= len(part)
        await to_client.flush()
        complete = kind == FaultKind.PASS or (kind == FaultKind.CUT and not cut)
        self._record(Exchange(method, target, kind, sent, to_client.delivered, status, complete))
        if kind == FaultKind.LOST_REPLY:
            if fault.hold:
                await self._hold(writer, reader)
            else:
                _abort(writer)
            return False
        if cut:
            writer.close()  # a plain FIN mid-body: the client sees an incomplete message
            return False
        close = "close" in resp_head.headers.get("connection", "").lower()
        return not close and (
            "content-length" in resp_head.headers
            or no_body
            or "chunked" in resp_head.headers.get("transfer-encoding", "").lower()
        )

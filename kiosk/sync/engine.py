"""The sync engine: one full, resumable reconciliation of the kiosk with the central service.

:meth:`SyncEngine.run_once` does, in this order (see ``docs/sync-engine.md``):

1. **push** the outbox in batches; each batch's results are written in one local transaction
   (sent / quarantined; an ``order_placed`` that central has becomes ``submitted`` in the same
   transaction). A timeout or lost connection leaves the batch pending for a resend with the same
   UUIDs; a rejected event is quarantined and the rest keep moving.
2. **pull order updates** on the server's cursor; each page and its cursor commit together.
3. **pull catalog changes** on the server's cursor; each page and its cursor commit together, so
   an interrupted first sync resumes at the last committed page.
4. **fetch missing images** (a bounded number per run, a few requests in flight at once; the UI
   asks for visible ones first).
5. **heartbeat**: queue depth, last error, disk free…; the reply gives the clock offset. It is
   built and sent right after the push, on its own thread, so its round trip overlaps the pulls;
   this step waits for its answer and fails if it failed.

When central offers it (``wire.FEATURE_SYNC`` in its replies' ``X-Central-Features`` header,
remembered per server), a cycle starts with ONE request instead: ``POST /v1/sync`` carries the
first batch of the outbox, both cursors and the heartbeat, and its reply the events' results, the
first page of each feed and the heartbeat's answer. The steps above then run only for what is
left (more events, more pages, missing images); an idle cycle is that one request. A central
without the call (404/405) is forgotten as offering it and served by the steps above.

Qt-free; it runs on a background thread. Progress and cancellation are data (:meth:`progress`,
:meth:`abort`); a :class:`~kiosk.sync.listener.SyncListener` is told of progress, the finished
run's :class:`SyncSummary`, online and offline, so a Qt bridge can re-emit them as signals. No
widget calls in here.
"""

from __future__ import annotations

import contextlib
import json
import logging
import queue
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from kiosk import __version__, wire
from kiosk.errors import IllegalTransition, KioskError, NotFound
from kiosk.kernel.clock import utc_now
from kiosk.orders import OrderStatus
from kiosk.search_keys import product_keys
from kiosk.storage import outbox
from kiosk.storage.settings import (
    CATALOG_CURSOR,
    CLOCK_OFFSET_S,
    LAST_ATTEMPT_AT,
    LAST_ERROR,
    LAST_ERROR_CODE,
    LAST_SUCCESS_AT,
    ORDERS_CURSOR,
    PULLBACK_CURSOR,
    ROUND_TRIP_SERVER,
)
from kiosk.storage.store import KioskStore
from kiosk.storage.sync_state import referenced_image_hashes
from kiosk.sync.client import CentralClient
from kiosk.sync.credentials import Credentials
from kiosk.sync.errors import (
    BadResponse,
    Offline,
    Rejected,
    RunLimit,
    ServerError,
    SyncCode,
    SyncError,
    central_code,
    sync_code,
)
from kiosk.sync.listener import SyncListener, tell
from kiosk.sync.lock import SyncLock
from kiosk.sync.media import MAX_IMAGE_BYTES, MediaCache, MediaMismatch, is_sha256
from kiosk.sync.snapshot import (
    SnapshotDownloader,
    SnapshotGone,
    read_snapshot,
    snapshot_batches,
)

if TYPE_CHECKING:
    from kiosk.storage.catalog import ProductRecord

log = logging.getLogger(__name__)

#: An event that central failed on (5xx) when sent ALONE, while the rest of its batch went
#: through, is set aside (quarantined) at its this-many-th such failure; until then it waits.
POISON_AFTER = 3

#: Order updates asked for per page.
ORDER_UPDATES_PAGE = wire.ORDER_UPDATES_PAGE_DEFAULT
#: Orders per pull-back page (central serves at most 200).
RECOVERY_PAGE = 200
#: Catalog pages fetched ahead of the one being applied (each at most ``CATALOG_PAGE_MAX``).
CATALOG_PREFETCH = 2
#: Images fetched per ``run_once`` (the rest come later, or when the UI asks).
MEDIA_PER_RUN = 200
#: Image requests in flight at once: on 2G each request costs a 400 ms round trip, so a few in
#: parallel hide most of that latency; small, so the UI's own requests are not starved.
MEDIA_CONCURRENCY = 4

#: Pages one feed (order updates, catalog) may take in one run. 1,000 catalog pages are up to
#: 5 million products, far beyond any real catalog: only a feed whose ``has_more`` never turns
#: false reaches it. The run then stops with ``run_limit``; the next one resumes on the cursor.
MAX_PAGES_PER_RUN = 1000
#: Wall time one run may take (checked between pages and batches; one request is bounded by
#: the client's own deadline, ``Timeouts.total``). The GUI's sync lock is never held longer.
MAX_RUN_S = 30 * 60.0


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Where a running sync is: ``phase`` is idle, push, orders, catalog, media, heartbeat."""

    phase: str
    done: int
    total: int | None
    message: str


@dataclass(frozen=True)
class SyncSummary:
    """What one :meth:`SyncEngine.run_once` did. ``ok`` only if every step completed.

    ``busy`` means another sync held the lock and this one did nothing; ``aborted`` means
    :meth:`SyncEngine.abort` stopped it between pages/batches (everything committed is kept).

    ``error_code`` (a :class:`~kiosk.sync.errors.SyncCode` value, ``None`` when ``ok``) says what
    stopped the run, for screens: the error that ended it early (offline, not enrolled, stopped…)
    or else the first step that failed. ``central_code`` is central's own code of that error when
    central answered (``busy``, ``server_error``, ``unauthorized``, ``bad_cursor``…). ``errors``
    stay English, for logs and the CLI; no one needs to read them to know what happened.
    """

    ok: bool
    pushed: int = 0
    duplicates: int = 0
    quarantined_now: int = 0
    quarantined: int = 0
    pulled_products: int = 0
    deleted_products: int = 0
    order_updates: int = 0
    outbox_remaining: int = 0
    media_fetched: int = 0
    #: Images left for later because today's data budget is spent (kiosk/storage/data_usage.py).
    media_deferred: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    clock_offset_s: float | None = None
    finished_at: str = ""
    busy: bool = False
    aborted: bool = False
    offline: bool = False
    error_code: str | None = None
    central_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (``kiosk sync --json``)."""
        return asdict(self)


@dataclass
class _Run:
    """Mutable tally of one run, frozen into a :class:`SyncSummary` at the end."""

    pushed: int = 0
    duplicates: int = 0
    quarantined_now: int = 0
    pulled_products: int = 0
    deleted_products: int = 0
    order_updates: int = 0
    media_fetched: int = 0
    media_deferred: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    clock_offset_s: float | None = None
    aborted: bool = False
    offline: bool = False
    error_code: SyncCode | None = None
    central_code: str | None = None

    def fail(self, message: str, code: SyncCode, central: str | None = None, *, ends: bool) -> None:
        """Record an error. ``ends``: it stopped the run, so it is the one the summary names;
        otherwise the first error recorded is."""
        self.errors.append(message)
        if ends or self.error_code is None:
            self.error_code, self.central_code = code, central

    def fail_with(self, message: str, exc: BaseException, *, ends: bool = False) -> None:
        """Record ``exc`` (its :func:`sync_code` and central's code)."""
        self.fail(message, sync_code(exc), central_code(exc), ends=ends)


class _Aborted(Exception):
    pass


@dataclass(frozen=True, slots=True)
class _CatalogFetch:
    """The running fetcher thread of a catalog pull, its page queue and its stop flag."""

    thread: threading.Thread
    pages: queue.Queue[_CatalogPage | BaseException]
    stop: threading.Event


class _HeartbeatSend:
    """One heartbeat sent on its own thread; ``ack`` or ``error`` is set when ``thread`` ends."""

    def __init__(self, client: CentralClient, beat: wire.Heartbeat) -> None:
        self.ack: wire.HeartbeatAck | None = None
        self.error: BaseException | None = None
        self._client = client
        self._beat = beat
        self.thread = threading.Thread(target=self._deliver, name="heartbeat", daemon=True)
        self.thread.start()

    def _deliver(self) -> None:
        try:
            self.ack = self._client.heartbeat(self._beat)
        except BaseException as exc:  # raised on the sync thread by the heartbeat step
            self.error = exc


@dataclass(frozen=True, slots=True)
class _FollowUp:
    """What a cycle still does after ``POST /v1/sync``: the named separate ``steps``, or every
    separate step, heartbeat included (``separate``: the round trip was not made)."""

    steps: frozenset[str]
    separate: bool


@dataclass(frozen=True, slots=True)
class _CatalogPage:
    """One validated catalog page, ready to apply (built on the fetcher thread)."""

    categories: list[tuple[str, int, bool]]
    live: list[ProductRecord]
    gone: list[str]
    next_cursor: str
    has_more: bool
    #: The cursor this page was asked for: it must still be the saved one when it is applied.
    cursor: str = ""


class SyncEngine:
    """Reconciles one kiosk store with the central service.

    Args:
        store: the kiosk's local store.
        client: the central client (its ``httpx.Client`` carries base URL and timeouts).
        credentials: where the device token comes from (the OS keyring in production).
        clock: the kiosk clock (aware UTC); shown and reported, never used to order data.
        listener: told of progress, the finished run, online and offline; called on the sync
            thread (:class:`~kiosk.sync.listener.SyncListener`).
        catalog_page_size: products asked for per catalog page; ``None`` (the default) asks for
            ``wire.CATALOG_PAGE_MAX`` while catching up (first sync, runs of full pages) and
            ``wire.CATALOG_PAGE_DEFAULT`` otherwise.
        media_cache: the image cache (default: under ``store.media_dir``).
        media_per_run: images fetched per run at most.
        lock: the single-sender lock (default ``data_dir/sync.lock``).
        max_pages_per_run: pages one feed may take in one run (:data:`MAX_PAGES_PER_RUN`).
        max_run_s: seconds one run may take (:data:`MAX_RUN_S`), checked between pages.
        monotonic: the clock of ``max_run_s`` (tests inject one).
        poison_after: failures (5xx on the event sent alone) before an event is set aside.
        snapshots: take a first sync from a catalog snapshot when central offers one.
        snapshot_downloader: where snapshots come from (default: ``data_dir/catalog-snapshot``).
    """

    def __init__(
        self,
        store: KioskStore,
        client: CentralClient,
        credentials: Credentials,
        *,
        clock: Callable[[], datetime] = utc_now,
        listener: SyncListener | None = None,
        catalog_page_size: int | None = None,
        media_cache: MediaCache | None = None,
        media_per_run: int = MEDIA_PER_RUN,
        lock: SyncLock | None = None,
        max_pages_per_run: int = MAX_PAGES_PER_RUN,
        max_run_s: float = MAX_RUN_S,
        monotonic: Callable[[], float] = time.monotonic,
        poison_after: int = POISON_AFTER,
        snapshots: bool = True,
        snapshot_downloader: SnapshotDownloader | None = None,
    ) -> None:
        from kiosk.storage.practice import PracticeProblem, is_practice_store

        if is_practice_store(store):
            # A practice store's orders are pretend: none may reach the platform (its module).
            raise PracticeProblem("the practice store never syncs; leave practice mode first")
        self.store = store
        self.client = client
        self.credentials = credentials
        self.clock = clock
        self.listener = listener
        self.catalog_page_size = (
            None
            if catalog_page_size is None
            else max(1, min(catalog_page_size, wire.CATALOG_PAGE_MAX))
        )
        self.media = media_cache or MediaCache(store.media_dir)
        self.media_per_run = media_per_run
        self.lock = lock or SyncLock.for_data_dir(store.data_dir)
        self.max_pages_per_run = max(1, max_pages_per_run)
        self.max_run_s = max_run_s
        self._monotonic = monotonic
        self._run_deadline = float("inf")
        self.poison_after = max(1, poison_after)
        self.snapshots = snapshots
        self.snapshot_downloader = snapshot_downloader or SnapshotDownloader(
            client, store.data_dir / "catalog-snapshot"
        )
        self._abort = threading.Event()
        self._progress_lock = threading.Lock()
        self._progress = SyncProgress("idle", 0, None, "")
        self._online: bool | None = None
        self._catalog_fetch: _CatalogFetch | None = None
        self._heartbeat_send: _HeartbeatSend | None = None

    # --- data for the UI ----------------------------------------------------------------------

    def progress(self) -> SyncProgress:
        """The latest progress (safe to call from any thread)."""
        with self._progress_lock:
            return self._progress

    def abort(self) -> None:
        """Ask a running sync to stop at the next page/batch boundary (any thread)."""
        self._abort.set()
        self.client.interrupt()

    @property
    def online(self) -> bool | None:
        """Whether the last request reached the central service (``None``: not tried yet)."""
        return self._online

    def _finished(self, summary: SyncSummary) -> SyncSummary:
        tell(self.listener, lambda li: li.on_finished(summary), "finished")
        return summary

    def _set_progress(self, phase: str, done: int, total: int | None, message: str) -> None:
        p = SyncProgress(phase, done, total, message)
        with self._progress_lock:
            self._progress = p
        tell(self.listener, lambda li: li.on_progress(p), "progress")

    def _set_online(self, online: bool) -> None:
        if self._online is online:
            return
        self._online = online
        if online:
            tell(self.listener, lambda li: li.on_online(), "online")
        else:
            tell(self.listener, lambda li: li.on_offline(), "offline")

    def _check_abort(self) -> None:
        if self._abort.is_set():
            raise _Aborted

    def _check_limits(self, feed: str | None = None, pages: int = 0) -> None:
        """Raise :class:`RunLimit` when this run is past its time, or ``feed`` past its pages."""
        if feed is not None and pages >= self.max_pages_per_run:
            raise RunLimit(
                f"the {feed} feed sent {pages} pages in one run and still says it has more;"
                " stopped (what arrived is kept, the next sync goes on)",
                RunLimit.PAGES,
            )
        if self._monotonic() > self._run_deadline:
            raise RunLimit(
                f"this sync ran longer than {self.max_run_s:.0f}s; stopped (what arrived is"
                " kept, the next sync goes on)",
                RunLimit.TIME,
            )

    # --- the cycle ----------------------------------------------------------------------------

    def run_once(self) -> SyncSummary:
        """One full sync cycle. Never raises for network or server trouble: see the summary."""
        from kiosk.storage.recovery import damaged_reason

        if (damaged := damaged_reason(self.store.data_dir)) is not None:
            # Nothing read from a damaged store may reach the platform (docs/reliability.md).
            summary = SyncSummary(
                ok=False,
                errors=[
                    f"not syncing: the local database is damaged ({damaged}); restart the "
                    "kiosk to repair it"
                ],
                finished_at=self.clock().isoformat(),
                error_code=SyncCode.DAMAGED,
            )
            return self._finished(summary)
        if not self.lock.try_acquire():
            summary = SyncSummary(
                ok=False,
                busy=True,
                errors=["another sync is already running on this kiosk"],
                finished_at=self.clock().isoformat(),
                error_code=SyncCode.ALREADY_RUNNING,
            )
            return self._finished(summary)
        run = _Run()
        try:
            self._abort.clear()
            self.client.clear_interrupt()
            self._run_deadline = self._monotonic() + self.max_run_s
            self._cycle(run)
            self._record_usage()
            summary = self._finish(run)
        finally:
            self.lock.release()
            self._set_progress("idle", 0, None, "")
        return self._finished(summary)

    def _authorize(self) -> None:
        self.client.authorize(self.credentials.token())

    def _cycle(self, run: _Run) -> None:
        try:
            self._authorize()
        except KioskError as exc:
            run.fail_with(str(exc), exc, ends=True)
            return
        try:
            self._steps(run)
            self._learn_features()
        finally:
            self._stop_catalog_fetch()
            self._join_heartbeat()

    def _steps(self, run: _Run) -> None:
        steps: Sequence[tuple[str, Callable[[_Run], None]]] = (
            ("push", self._push),
            ("pullback", self._pull_back),
            ("orders", self._pull_orders),
            ("catalog", self._pull_catalog),
            ("media", self._fetch_missing_media),
            ("heartbeat", self._heartbeat),
        )
        separate = True  # the cycle without the round trip: every step, heartbeat included
        first_sync = self._snapshot_may_start()
        if first_sync:
            # The catalog step takes a snapshot if central offers one; no catalog page from the
            # start may ride on the round trip meanwhile (unless central is known not to).
            steps = [(n, self._catalog_from_snapshot if n == "catalog" else f) for n, f in steps]
        if self._round_trip_offered() and not (first_sync and self._snapshot_maybe_offered()):
            follow: list[_FollowUp] = []
            if not self._step(run, "sync", lambda r: follow.append(self._round_trip(r))):
                return
            if not follow:
                return  # the round trip failed (recorded): the separate calls would too
            if not follow[0].separate:
                separate = False
                steps = [(name, step) for name, step in steps if name in follow[0].steps]
        for name, step in steps:
            if separate and name == "orders":

                def step(r: _Run, pull: Callable[[_Run], None] = step) -> None:
                    # The catalog's first page downloads while order updates are pulled (a
                    # few small requests): on 2G that hides their round trips. After the push,
                    # so orders placed here never wait behind catalog bytes.
                    if not (first_sync and self._snapshot_offered()):
                        self._catalog_fetch = self._start_catalog_fetch()
                    # The heartbeat's round trip overlaps the pulls too; its answer is awaited
                    # (and any failure reported) in the heartbeat step at the end.
                    self._heartbeat_send = self._start_heartbeat(r)
                    pull(r)

            if not self._step(run, name, step):
                return

    def _step(self, run: _Run, name: str, step: Callable[[_Run], None]) -> bool:
        """Run one step; ``False`` when its error ends the run (recorded either way)."""
        try:
            self._check_abort()
            self._check_limits()
            step(run)
        except _Aborted:
            run.aborted = True
            run.fail("sync was stopped before it finished", SyncCode.ABORTED, ends=True)
            return False
        except RunLimit as exc:
            run.fail_with(f"{name}: {exc}", exc, ends=True)
            return False
        except Offline as exc:  # TlsRefused included: nothing was sent
            run.offline = True
            run.fail_with(str(exc), exc, ends=True)
            self._set_online(False)
            return False
        except Rejected as exc:
            self._set_online(True)
            if exc.needs_enrollment:
                run.fail_with(f"{name}: {exc}", exc, ends=True)
                run.errors.append("this kiosk must be enrolled again (`kiosk enroll`)")
                return False
            run.fail_with(f"{name}: {exc}", exc)
        except SyncError as exc:  # ServerError, Unknown, BadResponse, NotEnrolled …
            run.fail_with(f"{name}: {exc}", exc)
        return True

    # --- 0. one round trip ---------------------------------------------------------------------

    def _round_trip_offered(self) -> bool:
        """Whether this server named ``wire.FEATURE_SYNC`` (remembered per server URL)."""
        return self.store.setting(ROUND_TRIP_SERVER) == self.client.base_url

    def _learn_features(self) -> None:
        """Remember the server as offering the round trip once its replies name it."""
        features = self.client.server_features
        if features is None or wire.FEATURE_SYNC not in features:
            return
        if not self._round_trip_offered():
            with self.store.write() as s:
                KioskStore.set_setting(s, ROUND_TRIP_SERVER, self.client.base_url)

    def _round_trip(self, run: _Run) -> _FollowUp:
        """``POST /v1/sync``: the first batch of the outbox, both cursors and the heartbeat in
        one request; the reply is applied as the separate steps apply theirs (results, then the
        order updates page, then the catalog page, each in its own local transaction).

        Returns the steps still to run: ``push`` when the batch was full, a feed whose page said
        ``has_more``, ``media``. Or every separate step (``separate``) when central does not
        know the call (404/405: it is forgotten as offering it), or when it refused or failed on
        the events (4xx/5xx): the push's own batch handling then finds the culprit alone.
        """
        with self.store.read() as s:
            total = outbox.stats(s).pending
            rows = outbox.pending_batch(s, wire.MAX_EVENTS_PER_BATCH)
            batch = [(r.id, r.kind, r.subject_id, r.created_at, r.payload) for r in rows]
            orders_cursor = KioskStore.get_setting(s, ORDERS_CURSOR) or ""
            catalog_cursor = KioskStore.get_setting(s, CATALOG_CURSOR) or ""
        self._set_progress("push", 0, total, f"sending {total} changes")
        events, kinds, invalid = self._wire_events(batch)
        self._quarantine_invalid(invalid, run)
        ids = [e.id for e in events]
        request = wire.SyncRequest(
            events=events,
            orders_cursor=orders_cursor,
            orders_limit=ORDER_UPDATES_PAGE,
            catalog_cursor=catalog_cursor,
            catalog_limit=self._catalog_limit(catalog_cursor, False),
            heartbeat=self._build_heartbeat(run),
        )
        every = _FollowUp(frozenset(), separate=True)
        try:
            reply = self.client.sync(request)
        except Rejected as exc:
            if exc.status in (404, 405):
                log.info("%s has no POST /v1/sync (%s): separate calls", self.client.base_url, exc)
                with self.store.write() as s:
                    KioskStore.set_setting(s, ROUND_TRIP_SERVER, "")
                return every
            if events and exc.status in (413, 422) and not exc.needs_enrollment:
                return every
            if events:
                self._record_attempt(ids, str(exc))
            raise
        except ServerError as exc:
            if events and not exc.busy:
                return every
            if events:
                self._record_attempt(ids, str(exc))
            raise
        except SyncError as exc:
            # Unknown included: central may have the events; they stay pending, same UUIDs.
            if events:
                self._record_attempt(ids, str(exc))
            raise
        self._set_online(True)
        if events:
            settled = self._apply_results(list(reply.results), events, kinds, run)
            unanswered = [i for i in ids if i not in settled]
            if unanswered:
                self._record_attempt(unanswered, "no answer for this event in the server's reply")
            self._set_progress("push", len(events), total, f"sent {len(events)} of {total} changes")
        self._apply_order_page(reply.order_updates, run)
        page = self._catalog_page(reply.catalog, catalog_cursor)
        applied = self._apply_catalog_page(page, run)
        if reply.heartbeat is not None:
            self._record_ack(reply.heartbeat, run)
        follow = {"pullback", "media"}  # the pull-back step asks its flag: no request if unset
        if len(batch) >= wire.MAX_EVENTS_PER_BATCH:
            follow.add("push")
        if reply.order_updates.has_more:
            follow.add("orders")
        if applied and reply.catalog.has_more and self._catalog_cursor_is(page.next_cursor):
            # Only while the saved cursor is still this page's: a catalog import from a file
            # since then reset it, and this sync must not undo that import (the next one does).
            follow.add("catalog")
        return _FollowUp(frozenset(follow), separate=False)

    def _catalog_cursor_is(self, cursor: str) -> bool:
        with self.store.read() as s:
            return (KioskStore.get_setting(s, CATALOG_CURSOR) or "") == cursor

    def _finish(self, run: _Run) -> SyncSummary:
        now = self.clock().isoformat()
        ok = not run.errors
        with self.store.write() as s:
            KioskStore.set_setting(s, LAST_ATTEMPT_AT, now)
            if ok:
                KioskStore.set_setting(s, LAST_SUCCESS_AT, now)
                KioskStore.set_setting(s, LAST_ERROR, "")
                KioskStore.set_setting(s, LAST_ERROR_CODE, "")
            else:
                KioskStore.set_setting(s, LAST_ERROR, "; ".join(run.errors)[:500])
                KioskStore.set_setting(s, LAST_ERROR_CODE, run.error_code or SyncCode.OTHER)
            st = outbox.stats(s)
        return SyncSummary(
            ok=ok,
            pushed=run.pushed,
            duplicates=run.duplicates,
            quarantined_now=run.quarantined_now,
            quarantined=st.quarantined,
            pulled_products=run.pulled_products,
            deleted_products=run.deleted_products,
            order_updates=run.order_updates,
            outbox_remaining=st.pending,
            media_fetched=run.media_fetched,
            media_deferred=run.media_deferred,
            errors=run.errors,
            warnings=run.warnings,
            clock_offset_s=run.clock_offset_s,
            finished_at=now,
            aborted=run.aborted,
            offline=run.offline,
            error_code=None if ok else (run.error_code or SyncCode.OTHER),
            central_code=None if ok else run.central_code,
        )

    # --- 1. push ------------------------------------------------------------------------------

    def _push(self, run: _Run) -> None:
        with self.store.read() as s:
            total = outbox.stats(s).pending
        done = 0
        self._set_progress("push", 0, total, f"sending {total} changes")
        waiting: set[str] = set()  # central failed on these alone in this run: not again now
        while True:
            self._check_abort()
            self._check_limits()
            with self.store.read() as s:
                rows = outbox.pending_batch(s, wire.MAX_EVENTS_PER_BATCH, exclude=waiting)
                batch = [(r.id, r.kind, r.subject_id, r.created_at, r.payload) for r in rows]
            if not batch:
                return
            events, kinds, invalid = self._wire_events(batch)
            self._quarantine_invalid(invalid, run)
            if not events:
                continue
            progressed = self._push_batch(events, kinds, run, waiting)
            self._set_online(True)
            done += len(events)
            self._set_progress("push", done, total, f"sent {done} of {total} changes")
            if not progressed:
                run.fail(
                    "push: the central service answered for none of the events",
                    SyncCode.BAD_RESPONSE,
                    ends=False,
                )
                return

    def _quarantine_invalid(self, invalid: dict[str, str], run: _Run) -> None:
        """Set aside the events that cannot even be put on the wire (see :meth:`_wire_events`)."""
        if not invalid:
            return
        with self.store.write() as s:
            for event_id, reason in invalid.items():
                outbox.quarantine(s, event_id, reason)
        run.quarantined_now += len(invalid)
        run.warnings.extend(f"event {i} could not be sent: {r}" for i, r in invalid.items())

    @staticmethod
    def _wire_events(
        rows: Iterable[tuple[str, str, str, str, str]],
    ) -> tuple[list[wire.Event], dict[str, str], dict[str, str]]:
        events: list[wire.Event] = []
        kinds: dict[str, str] = {}
        invalid: dict[str, str] = {}
        for event_id, kind, subject_id, created_at, payload in rows:
            try:
                events.append(
                    wire.Event(
                        id=event_id,
                        kind=wire.EventKind(kind),
                        subject_id=subject_id,
                        created_at=created_at,
                        payload=json.loads(payload),
                    )
                )
                kinds[event_id] = kind
            except (ValueError, ValidationError) as exc:
                # Cannot even be put on the wire: set it aside for a person, keep the queue moving.
                invalid[event_id] = f"invalid_local_event: {str(exc).splitlines()[0][:200]}"
        return events, kinds, invalid

    def _push_batch(
        self, events: list[wire.Event], kinds: dict[str, str], run: _Run, waiting: set[str]
    ) -> bool:
        """Send one batch and record its results; True when at least one event was settled.

        Central failing (5xx, not "busy") on the batch makes it bisect: halves are sent until
        the failing event is alone (see :meth:`_bisect`), so one event central cannot handle
        never holds back the others. Its id is added to ``waiting``.
        """
        ids = [e.id for e in events]
        set_aside = len(waiting)
        try:
            result = self.client.push_events(wire.EventBatch(events=events))
            results = list(result.results)
        except ServerError as exc:
            if exc.busy:
                self._record_attempt(ids, str(exc))
                raise
            results = self._bisect(events, exc, kinds, run, waiting)
        except Rejected as exc:
            if exc.status not in (413, 422) or exc.needs_enrollment:
                self._record_attempt(ids, str(exc))
                raise
            # The batch as a whole was refused: find the culprit by sending one at a time.
            results = []
            for event in events:
                self._check_abort()
                try:
                    results.extend(self.client.push_events(wire.EventBatch(events=[event])).results)
                except Rejected as one:
                    if one.status not in (413, 422):
                        self._record_attempt([event.id], str(one))
                        raise
                    results.append(
                        wire.EventResult(
                            id=event.id,
                            status=wire.EventStatus.REJECTED,
                            reason=one.code,
                            message=str(one),
                        )
                    )
                except SyncError as one:
                    self._record_attempt([event.id], str(one))
                    raise
        except SyncError as exc:
            # Unknown included: the server may have the events; they stay pending, same UUIDs.
            self._record_attempt(ids, str(exc))
            raise
        settled = self._apply_results(results, events, kinds, run)
        unanswered = [i for i in ids if i not in settled and i not in waiting]
        if unanswered:
            self._record_attempt(unanswered, "no answer for this event in the server's reply")
        return bool(settled) or len(waiting) > set_aside

    def _bisect(
        self,
        events: list[wire.Event],
        first: ServerError,
        kinds: dict[str, str],
        run: _Run,
        waiting: set[str],
    ) -> list[wire.EventResult]:
        """Central failed on ``events``: send halves until each failing event is alone.

        An event central fails on alone, while others got answers, is the culprit: its failure
        is counted and it waits for the next run; at ``poison_after`` failures it is set aside
        (quarantined, visible to the owner and in ``kiosk status``). When central answered none
        of them, central itself is failing: nothing is set aside and ``first`` is raised; except
        for an event already caught this way once, sent alone: its failure counts again.
        """
        results: list[wire.EventResult] = []
        alone: list[tuple[wire.Event, ServerError]] = []

        def halve(chunk: list[wire.Event], failed: ServerError) -> None:
            if len(chunk) == 1:
                alone.append((chunk[0], failed))
                return
            mid = len(chunk) // 2
            for half in (chunk[:mid], chunk[mid:]):
                self._check_abort()
                try:
                    results.extend(self.client.push_events(wire.EventBatch(events=half)).results)
                except ServerError as again:
                    if again.busy:
                        raise
                    halve(half, again)

        try:
            halve(events, first)
        except SyncError as exc:
            # Central stopped answering mid-way: keep what was answered, count the rest.
            answered = {r.id for r in results}
            self._apply_results(results, events, kinds, run)
            self._record_attempt([e.id for e in events if e.id not in answered], str(exc))
            raise
        if not results and not (len(events) == 1 and self._isolated_before(events[0].id)):
            self._record_attempt([e.id for e in events], str(first))
            raise first
        for event, failure in alone:
            waiting.add(event.id)
            with self.store.write() as s:
                failures = outbox.record_failure(s, event.id, f"server_error: {failure}"[:500])
                if failures >= self.poison_after:
                    outbox.quarantine(
                        s,
                        event.id,
                        f"server_error: the central service failed on this event alone "
                        f"{failures} times while the others went through",
                    )
            if failures >= self.poison_after:
                run.quarantined_now += 1
                run.warnings.append(f"event {event.id} set aside: central fails on it alone")
            else:
                run.fail(
                    f"push: the central service failed on event {event.id} "
                    f"({failures} of {self.poison_after} times before it is set aside); "
                    "the others went through",
                    SyncCode.SERVER_ERROR,
                    failure.code,
                    ends=False,
                )
        return results

    def _isolated_before(self, event_id: str) -> bool:
        with self.store.read() as s:
            return outbox.server_failures(s, event_id) > 0

    def _record_attempt(self, ids: list[str], error: str) -> None:
        with self.store.write() as s:
            outbox.record_attempt(s, ids, error[:500])

    def _apply_results(
        self,
        results: list[wire.EventResult],
        events: list[wire.Event],
        kinds: dict[str, str],
        run: _Run,
    ) -> set[str]:
        from kiosk.storage.orders import apply_remote_status

        settled: set[str] = set()
        with self.store.write() as s:
            for r in results:
                if r.id in settled or r.id not in kinds:
                    continue
                settled.add(r.id)
                if r.status == wire.EventStatus.REJECTED and r.reason == "overruled":
                    # Central's status stands: roll the order back to it; the event is settled
                    # (central keeps it as the record of the shop's move) and the owner's queue
                    # shows what to do. Never quarantined: nothing is left to retry.
                    self._overruled(s, r, events, run)
                    continue
                if r.status == wire.EventStatus.REJECTED:
                    reason = r.reason or "rejected"
                    outbox.quarantine(s, r.id, f"{reason}: {r.message}" if r.message else reason)
                    run.quarantined_now += 1
                    continue
                outbox.mark_sent(s, r.id, {"status": r.status.value, **r.result})
                if r.status == wire.EventStatus.DUPLICATE:
                    run.duplicates += 1
                else:
                    run.pushed += 1
                if kinds[r.id] == wire.EventKind.ORDER_PLACED.value:
                    server_no = r.result.get("server_no")
                    order_id = next(e.subject_id for e in events if e.id == r.id)
                    try:
                        apply_remote_status(
                            s,
                            order_id,
                            OrderStatus.SUBMITTED,
                            server_no=server_no if isinstance(server_no, str) else None,
                        )
                    except (IllegalTransition, NotFound) as exc:
                        # Already further along (an update arrived first) or gone: not a failure.
                        log.info("order %s not marked submitted: %s", order_id, exc)
        return settled

    @staticmethod
    def _overruled(s: Any, r: wire.EventResult, events: list[wire.Event], run: _Run) -> None:
        from kiosk.storage.orders import overrule

        event = next(e for e in events if e.id == r.id)
        outbox.mark_sent(
            s, r.id, {"status": "rejected", "reason": "overruled", "move": event.kind, **r.result}
        )
        central = r.result.get("status")
        server_no = r.result.get("server_no")
        try:
            status = OrderStatus(str(central))
        except ValueError:
            log.warning("overruled %s without a usable status", r.id)
            return
        overrule(s, event.subject_id, status, server_no if isinstance(server_no, str) else None)
        run.warnings.append(f"order {event.subject_id}: the platform's status {status} stands")

    # --- 2a. pull-back (after a restore or an enrollment) -------------------------------------

    def _pull_back(self, run: _Run) -> None:
        """Keep every order central holds for the center that this kiosk lacks
        (docs/sync-protocol.md, "Pull-back"); resumable at the saved cursor, idempotent, the
        flag cleared at the end."""
        from kiosk.storage import pullback

        with self.store.read() as s:
            if not pullback.pending(s):
                return
            cursor = KioskStore.get_setting(s, PULLBACK_CURSOR) or ""
        self._set_progress("orders", 0, None, "pulling back the center's orders")
        outcome = pullback.PageOutcome()
        pages = 0
        while True:
            self._check_abort()
            self._check_limits("pull-back", pages)
            pages += 1
            try:
                page = self.client.order_recovery(cursor, RECOVERY_PAGE)
            except Rejected as exc:
                if exc.status != 404:
                    raise
                # A central without pull-back: nothing can be recovered; do not ask again.
                run.warnings.append("pull-back: the central service does not offer it")
                with self.store.write() as s:
                    pullback.finish(s)
                return
            self._set_online(True)
            with self.store.write() as s:
                run.warnings.extend(pullback.apply_page(s, page, outcome))
                if not page.has_more:
                    pullback.finish(s)
                    KioskStore.audit(
                        s,
                        "sync",
                        "pullback_done",
                        None,
                        f"kept {outcome.kept}, updated {outcome.updated}, cash {outcome.cash}",
                    )
            if not page.has_more:
                run.order_updates += outcome.updated
                return
            if page.next_cursor == cursor:
                raise BadResponse("the order recovery feed did not advance; stopped")
            cursor = page.next_cursor

    # --- 2. order updates ----------------------------------------------------------------------

    def _apply_order_page(self, page: wire.OrderUpdatesPage, run: _Run) -> None:
        """Apply one page of order updates and the cursor after it, in one transaction."""
        from kiosk.storage.orders import apply_remote_status

        with self.store.write() as s:
            for u in page.items:
                try:
                    status = OrderStatus(u.status)
                except ValueError:
                    run.warnings.append(f"order {u.order_id}: unknown status '{u.status}'")
                    continue
                try:
                    if apply_remote_status(s, u.order_id, status, u.server_no, u.reason):
                        run.order_updates += 1
                except (IllegalTransition, NotFound) as exc:
                    # Record and move on: one odd update must never wedge the feed.
                    run.warnings.append(f"order {u.order_id}: {exc}")
                    KioskStore.audit(s, "sync", "remote_status_refused", u.order_id, str(exc))
            KioskStore.set_setting(s, ORDERS_CURSOR, page.next_cursor)
        self._set_progress("orders", run.order_updates, None, "order updates applied")

    def _pull_orders(self, run: _Run) -> None:
        cursor = self.store.setting(ORDERS_CURSOR) or ""
        self._set_progress("orders", 0, None, "fetching order updates")
        pages = 0
        while True:
            self._check_abort()
            self._check_limits("order updates", pages)
            pages += 1
            page = self.client.order_updates(cursor, ORDER_UPDATES_PAGE)
            self._set_online(True)
            self._apply_order_page(page, run)
            if not page.has_more:
                return
            if page.next_cursor == cursor:
                raise BadResponse("the order updates feed did not advance; stopped")
            cursor = page.next_cursor

    # --- 3. catalog ------------------------------------------------------------------------------

    def _catalog_limit(self, cursor: str, more: bool) -> int:
        """Products to ask for: the configured size, or the largest page while catching up."""
        if self.catalog_page_size is not None:
            return self.catalog_page_size
        # A first sync (empty cursor) or a feed that says it has more is a bulk download: bigger
        # pages mean fewer round trips (400 ms each on 2G) and fewer commits; resuming after a
        # cut still re-downloads at most the one page that was in flight.
        if not cursor or more:
            return wire.CATALOG_PAGE_MAX
        return wire.CATALOG_PAGE_DEFAULT

    def _start_catalog_fetch(self) -> _CatalogFetch:
        """Start the fetcher thread on the saved catalog cursor (see :meth:`_pull_catalog`)."""
        cursor = self.store.setting(CATALOG_CURSOR) or ""
        pages: queue.Queue[_CatalogPage | BaseException] = queue.Queue(CATALOG_PREFETCH)
        stop = threading.Event()
        thread = threading.Thread(
            target=self._fetch_catalog_pages,
            args=(cursor, pages, stop),
            name="catalog-fetch",
            daemon=True,
        )
        thread.start()
        return _CatalogFetch(thread, pages, stop)

    def _stop_catalog_fetch(self) -> None:
        """Stop the fetcher thread, if any, and wait for it (it never outlives the cycle)."""
        fetch, self._catalog_fetch = self._catalog_fetch, None
        if fetch is None:
            return
        fetch.stop.set()
        # Unblock a fetcher waiting for room in the queue; it checks ``stop`` after each put.
        while fetch.thread.is_alive():
            with contextlib.suppress(queue.Empty):
                fetch.pages.get(timeout=0.05)

    def _pull_catalog(self, run: _Run) -> None:
        """Pull catalog pages, fetching the next page while the current one is applied.

        One fetcher thread downloads, inflates and validates pages ahead (at most
        :data:`CATALOG_PREFETCH` waiting); it was started before the order updates step, so the
        first page is already on its way. This thread applies the pages strictly in order, each
        with the cursor after it in ONE transaction. A fetch error reaches this thread after the
        pages before it were applied, so an interrupted sync resumes at the last committed page,
        as without the pipeline.
        """
        self._set_progress("catalog", 0, None, "fetching catalog changes")
        if self._catalog_fetch is None:
            self._catalog_fetch = self._start_catalog_fetch()
        pages = self._catalog_fetch.pages
        try:
            while True:
                item = pages.get()
                if isinstance(item, BaseException):
                    self._check_abort()  # an abort that cut a fetch short is an abort
                    raise item
                self._check_abort()  # pages fetched ahead of an abort are not applied
                self._set_online(True)
                if not self._apply_catalog_page(item, run) or not item.has_more:
                    return
        finally:
            self._stop_catalog_fetch()

    def _fetch_catalog_pages(
        self,
        cursor: str,
        out: queue.Queue[_CatalogPage | BaseException],
        stop: threading.Event,
    ) -> None:
        """The fetcher thread: download pages from ``cursor`` on, in order, into ``out``.

        The next page is asked for as soon as a page has arrived, on a one-worker download
        thread, while this thread computes the search keys of the page it has (on 2G the link
        never waits for the CPU, and the keys are computed while the sync thread writes). An
        abort, the run's limits or a feed that does not advance stop after the page in hand.
        """
        try:
            with ThreadPoolExecutor(1, thread_name_prefix="catalog-download") as download:
                self._check_abort()
                self._check_limits("catalog", 0)
                pages = 1
                page = self.client.catalog_changes(cursor, self._catalog_limit(cursor, False))
                while not stop.is_set():
                    ahead: Future[wire.CatalogPage] | None = None
                    after: BaseException | None = None  # raised once this page is handed on
                    if page.has_more:
                        nxt = page.next_cursor
                        try:
                            if nxt == cursor:
                                raise BadResponse("the catalog feed did not advance; stopped")
                            self._check_abort()
                            self._check_limits("catalog", pages)
                            pages += 1
                            limit = self._catalog_limit(nxt, True)
                            ahead = download.submit(self.client.catalog_changes, nxt, limit)
                        except BaseException as exc:
                            after = exc
                    out.put(self._catalog_page(page, cursor))
                    if after is not None:
                        raise after
                    if ahead is None:
                        return
                    cursor, page = page.next_cursor, ahead.result()
        except BaseException as exc:  # handed to the applying thread, which raises it there
            if not stop.is_set():
                out.put(exc)

    @staticmethod
    def _catalog_page(page: wire.CatalogPage, cursor: str) -> _CatalogPage:
        """A validated page, ready to apply (search keys computed), asked for at ``cursor``."""
        from kiosk.storage import catalog

        live = [
            catalog.ProductRecord(
                sku=p.sku,
                name=p.name,
                category=p.category,
                price_fen=p.price_fen,
                unit=p.unit,
                description=p.description,
                stock=p.stock.value,
                barcode=p.barcode,
                image_hash=p.image_hash,
                active=p.active,
                server_version=p.version,
                keys=product_keys(p.name, p.sku, p.barcode) if p.active else None,
            )
            for p in page.items
            if not p.deleted
        ]
        return _CatalogPage(
            categories=[(c.name, c.sort_order, c.active) for c in page.categories],
            live=live,
            gone=[p.sku for p in page.items if p.deleted],
            next_cursor=page.next_cursor,
            has_more=page.has_more,
            cursor=cursor,
        )

    def _apply_catalog_page(self, page: _CatalogPage, run: _Run) -> bool:
        """Apply one page and the cursor after it; ``False`` (nothing written) if the saved
        cursor moved meanwhile: a catalog file import cleared it so that the next sync walks the
        whole feed again (``docs/sync-protocol.md``), and this run must not put it back."""
        from kiosk.storage import catalog

        # The page and the cursor after it commit together: resumption is per page.
        with self.store.write() as s:
            if (KioskStore.get_setting(s, CATALOG_CURSOR) or "") != page.cursor:
                log.info("catalog cursor changed during the sync (a file import): pull stopped")
                return False
            catalog.upsert_categories(s, page.categories)
            if page.live:
                catalog.upsert_products(s, page.live)
            deleted = catalog.delete_products(s, page.gone) if page.gone else 0
            KioskStore.set_setting(s, CATALOG_CURSOR, page.next_cursor)
        run.pulled_products += len(page.live)
        run.deleted_products += deleted
        self._set_progress(
            "catalog", run.pulled_products, None, f"{run.pulled_products} products updated"
        )
        return True

    # --- 3a. a first sync from a catalog snapshot ----------------------------------------------

    def _snapshot_may_start(self) -> bool:
        from kiosk.storage.catalog_snapshot import may_start

        return self.snapshots and may_start(self.store.setting(CATALOG_CURSOR))

    def _snapshot_offered(self) -> bool:
        """Whether central's latest reply named ``wire.FEATURE_SNAPSHOT``."""
        return wire.FEATURE_SNAPSHOT in (self.client.server_features or frozenset())

    def _snapshot_maybe_offered(self) -> bool:
        """Named, or no reply seen yet to tell."""
        return self.client.server_features is None or self._snapshot_offered()

    def _catalog_from_snapshot(self, run: _Run) -> None:
        """The catalog step of a first sync: the snapshot when central offers one, then the
        feed's changes after it. A snapshot refused as damaged or hostile is recorded as this
        run's error and the feed is paged from the start instead, in this same run; a cut
        download fails the step (the next sync resumes it)."""
        if self._snapshot_offered() and self._snapshot_may_start():
            # A page fetched ahead (central's features were not known yet) is not wanted now.
            self._stop_catalog_fetch()
            try:
                self._apply_snapshot(run)
            except BadResponse as exc:
                run.fail_with(f"catalog snapshot: {exc}", exc)
                self.snapshot_downloader.discard()
        self._pull_catalog(run)

    def _apply_snapshot(self, run: _Run) -> None:
        from kiosk.storage.catalog_snapshot import apply_batch

        self._set_progress("catalog", 0, None, "fetching the catalog snapshot")
        downloader = self.snapshot_downloader
        for _ in range(2):  # once more if the snapshot was replaced during the download
            try:
                info = downloader.latest()
            except ServerError as exc:
                # No snapshot to be had now (the first one still building): page the feed.
                log.info("no catalog snapshot (%s): paging the feed", exc)
                return
            self._set_online(True)
            if info is None:
                return  # an empty catalog: the feed says so
            try:
                got = downloader.download(info)
                break
            except SnapshotGone:
                continue
        else:
            return
        self._check_abort()
        # Every line is checked before anything is written.
        header = read_snapshot(got.path, info, downloader.max_inflated)
        categories = [(c.name, c.sort_order, c.active) for c in header.categories]
        first = True
        for batch in snapshot_batches(got.path, info, max_inflated=downloader.max_inflated):
            self._check_abort()
            self._check_limits()
            page = self._catalog_page(
                wire.CatalogPage.model_construct(
                    items=batch.items, categories=[], next_cursor=info.cursor, has_more=False
                ),
                "",
            )
            removed = apply_batch(
                self.store,
                categories,
                page.live,
                page.gone,
                first=first,
                final_cursor=info.cursor if batch.last else None,
            )
            if removed is None:
                log.info("catalog cursor changed during the snapshot (a file import): stopped")
                return
            first = False
            run.pulled_products += len(page.live)
            run.deleted_products += removed
            self._set_progress(
                "catalog",
                run.pulled_products,
                info.items,
                f"{run.pulled_products} products from the catalog snapshot",
            )
        downloader.discard(info)

    # --- 4. media ------------------------------------------------------------------------------

    def _fetch_missing_media(self, run: _Run) -> None:
        with self.store.read() as s:
            hashes = referenced_image_hashes(s)
        todo = self.media.missing(hashes)[: self.media_per_run]
        if todo:
            self._fetch(todo, run)

    def fetch_media(self, hashes: list[str]) -> int:
        """Fetch the given images now if not cached (the UI asks for visible products first).

        Safe to call while a sync runs (it does not touch the outbox). Returns how many were
        fetched; images central does not have, or that arrive damaged, are skipped and logged.

        Raises:
            Offline, ServerError, Unknown, Rejected: as the client does.
        """
        self._authorize()
        try:
            return self._fetch(self.media.missing(hashes), _Run(), abortable=False)
        finally:
            self._record_usage()

    # --- the metered link (kiosk/storage/data_usage.py) --------------------------------------

    def _today(self) -> date:
        return self.clock().astimezone().date()

    def _record_usage(self) -> None:
        """Move the bytes the client counted on the wire into today's and this month's totals."""
        from kiosk.storage.data_usage import add_usage

        add_usage(self.store, self._today(), self.client.meter.take().total)

    def _image_room(self) -> int | None:
        """Bytes left in today's budget before what the meter counted since the last record
        (``None``: no budget). Images wait when it is spent; catalog and orders never do."""
        from kiosk.storage.data_usage import data_usage

        usage = data_usage(self.store, self._today())
        if not usage.daily_budget_bytes:
            return None
        return usage.daily_budget_bytes - usage.today_bytes

    def _fetch(self, hashes: list[str], run: _Run, *, abortable: bool = True) -> int:
        """Download and verify ``hashes``, at most :data:`MEDIA_CONCURRENCY` at a time.

        Requests are started in the given order (visible products first). Bytes are verified and
        written on this thread only. An abort stops starting new requests; a fatal error (offline,
        enrollment refused, server failing) stops them too and is raised once the requests in
        flight have ended, so no worker outlives the call. ``run.media_fetched`` counts every
        image stored, even when the step then fails. With a daily data budget
        (:mod:`kiosk.storage.data_usage`), no request starts once today's bytes reached it
        (those in flight finish): ``run.media_deferred`` counts the images left.
        """
        todo = [h for h in hashes if is_sha256(h)]
        if not todo:
            return 0
        room = self._image_room()
        fetched = done = started = 0
        fatal: BaseException | None = None
        aborted = deferred = False
        pending: dict[Future[bytes], str] = {}
        upcoming = iter(todo)
        bound = min(MEDIA_CONCURRENCY, len(todo))
        with ThreadPoolExecutor(max_workers=bound, thread_name_prefix="media-fetch") as pool:
            while True:
                while len(pending) < bound and fatal is None and not aborted and not deferred:
                    if abortable and self._abort.is_set():
                        aborted = True
                        break
                    if room is not None and self.client.meter.peek().total >= room:
                        deferred = True  # over today's budget: the rest waits for another day
                        run.media_deferred += len(todo) - started
                        break
                    sha = next(upcoming, None)
                    if sha is None:
                        break
                    started += 1
                    pending[pool.submit(self.client.media, sha, max_bytes=MAX_IMAGE_BYTES)] = sha
                if not pending:
                    break
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    sha = pending.pop(future)
                    try:
                        self.media.put(sha, future.result())
                        fetched += 1
                        run.media_fetched += 1
                    except Rejected as exc:
                        if exc.needs_enrollment:
                            fatal = fatal or exc
                        else:
                            run.warnings.append(f"image {sha[:12]}: {exc}")
                    except (MediaMismatch, BadResponse) as exc:
                        run.warnings.append(f"image {sha[:12]}: {exc}")
                    except BaseException as exc:  # Offline, ServerError, Unknown…: the step fails
                        fatal = fatal or exc
                    done += 1
                    self._set_progress("media", done, len(todo), f"{fetched} images fetched")
        if fatal is not None:
            raise fatal
        if aborted:
            raise _Aborted
        return fetched

    # --- 5. heartbeat ----------------------------------------------------------------------------

    def _start_heartbeat(self, run: _Run) -> _HeartbeatSend:
        """Build the heartbeat now (after the push) and send it on its own thread.

        Sent while the order updates and catalog are pulled, its 400 ms round trip on 2G costs
        nothing. So its numbers are those right after the push: queue depth, quarantined, the
        errors of the push (or the previous run's last error) and the catalog cursor before this
        run's pull. The next heartbeat reports the rest.
        """
        return _HeartbeatSend(self.client, self._build_heartbeat(run))

    def _build_heartbeat(self, run: _Run) -> wire.Heartbeat:
        """The heartbeat as of now: queue depth, quarantined, the errors so far (or the
        previous run's last error), the catalog cursor, disk free, the kiosk clock."""
        now = self.clock()
        with self.store.read() as s:
            st = outbox.stats(s)
            cursor = KioskStore.get_setting(s, CATALOG_CURSOR)
            previous_error = KioskStore.get_setting(s, LAST_ERROR)
            previous_code = KioskStore.get_setting(s, LAST_ERROR_CODE) if previous_error else None
        last_error = "; ".join(run.errors) if run.errors else (previous_error or None)
        # The fleet views filter on codes, never on English text (docs/central.md).
        error_code = run.error_code if run.errors else previous_code
        try:
            disk_free = shutil.disk_usage(self.store.data_dir).free
        except OSError:
            disk_free = 0
        return wire.Heartbeat(
            app_version=__version__,
            schema_revision=self.store.schema_revision(),
            queue_depth=st.pending,
            quarantined=st.quarantined,
            oldest_unsent_age_s=st.oldest_pending_age_s(now),
            # Errors may quote a hostile reply: the wire refuses control characters in text.
            last_error=wire.clean_text(last_error[:500], multiline=True) if last_error else None,
            error_code=str(error_code) if error_code else None,
            disk_free_bytes=disk_free,
            kiosk_time=now.isoformat(),
            catalog_cursor=cursor,
        )

    def _join_heartbeat(self) -> _HeartbeatSend | None:
        """Wait for the heartbeat thread, if any (it never outlives the cycle)."""
        send, self._heartbeat_send = self._heartbeat_send, None
        if send is not None:
            send.thread.join()
        return send

    def _heartbeat(self, run: _Run) -> None:
        """Wait for the heartbeat sent after the push; its failure fails this step."""
        self._set_progress("heartbeat", 0, None, "reporting health")
        send = self._join_heartbeat() or self._start_heartbeat(run)
        send.thread.join()
        if send.error is not None:
            raise send.error
        if send.ack is None:  # pragma: no cover - deliver() sets one of the two
            raise BadResponse("the heartbeat got no answer")
        self._set_online(True)
        self._record_ack(send.ack, run)

    def _record_ack(self, ack: wire.HeartbeatAck, run: _Run) -> None:
        """Keep the clock offset central measured from the heartbeat."""
        run.clock_offset_s = ack.clock_offset_s
        with self.store.write() as s:
            KioskStore.set_setting(s, CLOCK_OFFSET_S, repr(float(ack.clock_offset_s)))

"""The change feeds never skip a change that a concurrent transaction committed late.

Against the real PostgreSQL server (READ COMMITTED, true concurrency). A writer takes its sequence
number and then waits before committing, while other writers publish and a reader pages the feed
continuously. The control experiment swaps in a naive allocator (a PostgreSQL SEQUENCE, taken before
commit, the classic mistake) and shows that the same reader then does miss a change, so the test
can fail.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from central.db import CentralDb
from central.enrollment import DeviceAuth
from central.feed import Sequences
from central.service import CentralService
from kiosk.wire import Event, EventBatch
from tests.central.conftest import _reset_pg, add_products, order_event

DEADLINE_S = 30.0


@pytest.fixture
def pg_service(pg_database_url: str) -> Iterator[CentralService]:
    """A service on the session's PostgreSQL database, emptied (skips without PostgreSQL)."""
    _reset_pg(pg_database_url)
    db = CentralDb(pg_database_url)
    try:
        yield CentralService(db)
    finally:
        db.close()


class NaiveSequences(Sequences):
    """The mistake the design avoids: numbers handed out before commit, by a non-transactional
    PostgreSQL sequence."""

    def take(self, s: Session, name: str, count: int = 1) -> int:
        first = int(s.execute(text("SELECT nextval('naive_seq')")).scalar_one())
        for _ in range(count - 1):
            s.execute(text("SELECT nextval('naive_seq')"))
        if self.on_sequence is not None:
            self.on_sequence(name, first)
        return first

    def lock(self, s: Session, names: Iterable[str]) -> None:
        """Nothing is locked: the naive design has no counter rows to queue on."""


def _wait_for(cond: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        # PostgreSQL lock queues cannot notify us: poll pg_locks until the deadline.
        time.sleep(0.005)


def _run_catalog_race(service: CentralService, writers: int = 4, per_writer: int = 5) -> dict:
    """Writer 0 takes its number then stalls until the others have committed; returns what the
    reader saw and what was committed."""
    add_products(service, writers * per_writer)
    start = service.catalog_page("", 10_000).next_cursor
    stalled = threading.Event()
    release = threading.Event()
    done = threading.Event()
    first_taken = threading.Lock()
    stall_thread: list[int] = []

    def hook(name: str, _first: int) -> None:
        if name != "catalog":
            return
        with first_taken:
            if stall_thread:
                return
            stall_thread.append(threading.get_ident())
        stalled.set()
        assert release.wait(DEADLINE_S), "never released"

    service.on_sequence = hook
    committed: dict[str, int] = {}
    lock = threading.Lock()
    errors: list[BaseException] = []

    def writer(w: int) -> None:
        try:
            if w != 0:
                stalled.wait(DEADLINE_S)
            for i in range(per_writer):
                sku = f"P{w * per_writer + i:05d}"
                p = service.set_price(sku, 10_000 + w * 100 + i)
                with lock:
                    committed[sku] = p.version
        except BaseException as exc:
            errors.append(exc)

    seen: dict[str, int] = {}

    def reader() -> None:
        cursor = start
        try:
            while True:
                finished = done.is_set()
                page = service.catalog_page(cursor, 3)
                for item in page.items:
                    seen[item["sku"]] = item["version"]
                cursor = page.next_cursor
                if finished and not page.has_more:
                    return
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    read_thread = threading.Thread(target=reader)
    read_thread.start()
    for t in threads:
        t.start()
    # Let the others run (they block behind the stalled writer's lock, or race past it), then
    # let the reader page for a while before the stalled transaction commits.
    assert stalled.wait(DEADLINE_S), "timed out waiting for the first writer to take its number"
    # Correct allocator: the others queue on the counter lock. Naive one: they commit, and the
    # reader pages past the stalled number before it commits.
    _wait_for(lambda: _others_blocked(service) or len(seen) >= per_writer, "other writers")
    release.set()
    for t in threads:
        t.join(DEADLINE_S)
    done.set()
    read_thread.join(DEADLINE_S)
    assert not errors, errors
    return {"seen": seen, "committed": committed}


def _others_blocked(service: CentralService) -> bool:
    with service.db.read() as s:
        waiting = s.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
        ).scalar_one()
    return int(waiting) >= 1


def test_catalog_feed_never_skips_a_late_commit(pg_service: CentralService) -> None:
    result = _run_catalog_race(pg_service)
    assert len(result["committed"]) == 20
    missed = {sku: v for sku, v in result["committed"].items() if result["seen"].get(sku, -1) < v}
    assert missed == {}, f"the reader skipped late-committed changes: {missed}"


def test_naive_sequence_control_does_skip(pg_service: CentralService) -> None:
    """Control: with numbers taken before commit, the same race loses a change."""
    naive = CentralService(pg_service.db, sequences=NaiveSequences())
    with naive.db.write() as s:
        top = s.execute(text("SELECT coalesce(max(version), 0) FROM products")).scalar_one()
        s.execute(text("DROP SEQUENCE IF EXISTS naive_seq"))
        s.execute(text(f"CREATE SEQUENCE naive_seq START {int(top) + 1000}"))
    result = _run_catalog_race(naive)
    missed = {sku: v for sku, v in result["committed"].items() if result["seen"].get(sku, -1) < v}
    assert missed, "the control experiment should have shown a skipped change"


def _run_order_updates_race(service: CentralService, naive: bool = False) -> dict:
    """The first of 8 order moves takes its update number then stalls while the other 7 move
    and a reader pages the feed; returns the orders moved and the orders the reader saw."""
    setup = CentralService(service.db)  # the orders are placed with the real allocator
    add_products(setup, 1)
    with service.db.write() as s:
        s.execute(text("INSERT INTO centers (id, name, created_at) VALUES ('C001', 'C001', now())"))
        s.execute(
            text(
                "INSERT INTO devices (id, center_id, name, app_version, token_hash, created_at) "
                "VALUES ('d1', 'C001', '', '', 'x', now())"
            )
        )
    auth = DeviceAuth(device_id="d1", center_id="C001")
    events = [order_event() for _ in range(8)]
    setup.push_events(auth, EventBatch.model_validate({"events": events}))
    if naive:
        with service.db.write() as s:
            top = s.execute(text("SELECT coalesce(max(seq), 0) FROM order_updates")).scalar_one()
            s.execute(text("DROP SEQUENCE IF EXISTS naive_seq"))
            s.execute(text(f"CREATE SEQUENCE naive_seq START {int(top) + 1}"))
    start = service.order_updates(auth, "", 1000).next_cursor
    stalled, release, done = threading.Event(), threading.Event(), threading.Event()
    taken: list[int] = []

    def hook(name: str, _first: int) -> None:
        if name == "order_update" and not taken:
            taken.append(1)
            stalled.set()
            assert release.wait(DEADLINE_S)

    service.on_sequence = hook
    errors: list[BaseException] = []

    def advance(order_id: str) -> None:
        try:
            service.advance_order(order_id, "accepted")
        except BaseException as exc:
            errors.append(exc)

    seen: set[str] = set()
    read_to = [int(start)]

    def reader() -> None:
        cursor = start
        try:
            while True:
                finished = done.is_set()
                page = service.order_updates(auth, cursor, 2)
                seen.update(u.order_id for u in page.items)
                cursor = page.next_cursor
                read_to[0] = int(cursor)
                if finished and not page.has_more:
                    return
        except BaseException as exc:
            errors.append(exc)

    ids = [Event.model_validate(e).subject_id for e in events]
    first = threading.Thread(target=advance, args=(ids[0],))
    first.start()
    assert stalled.wait(DEADLINE_S), "timed out waiting for the first advance to take its number"
    others = [threading.Thread(target=advance, args=(oid,)) for oid in ids[1:]]
    read_thread = threading.Thread(target=reader)
    read_thread.start()
    for t in others:
        t.start()

    # Correct allocator: the other moves queue on the counter lock. Naive one: they commit and
    # the reader pages past all of them (so past the stalled number) before it commits.
    def others_queued_or_read() -> bool:
        if _others_blocked(service):
            return True
        if any(t.is_alive() for t in others):
            return False
        with service.db.read() as s:
            top = s.execute(text("SELECT max(seq) FROM order_updates")).scalar_one()
        return read_to[0] >= int(top)

    _wait_for(others_queued_or_read, "the other writers to queue or to be read")
    release.set()
    for t in [first, *others]:
        t.join(DEADLINE_S)
    done.set()
    read_thread.join(DEADLINE_S)
    assert not errors, errors
    return {"moved": set(ids), "seen": seen}


def test_order_updates_never_skip_a_late_commit(pg_service: CentralService) -> None:
    result = _run_order_updates_race(pg_service)
    assert result["seen"] == result["moved"]


def test_naive_sequence_control_does_skip_order_updates(pg_service: CentralService) -> None:
    """Control: with update numbers taken before commit, the reader misses the stalled move."""
    result = _run_order_updates_race(
        CentralService(pg_service.db, sequences=NaiveSequences()), naive=True
    )
    missed = result["moved"] - result["seen"]
    assert missed, "the control experiment should have shown a skipped order update"

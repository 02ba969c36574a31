"""The sync engine against the fake central: push, pulls, resume, abort, media, heartbeat."""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from kiosk import wire
from kiosk.orders import OrderStatus
from kiosk.storage import outbox
from kiosk.storage.settings import (
    CATALOG_CURSOR,
    CLOCK_OFFSET_S,
    LAST_ERROR,
    LAST_ERROR_CODE,
    LAST_SUCCESS_AT,
    ORDERS_CURSOR,
)
from kiosk.storage.store import KioskStore
from kiosk.sync.client import RetryPolicy
from kiosk.sync.engine import SyncEngine, SyncProgress
from kiosk.sync.listener import QuietListener
from kiosk.sync.lock import SyncLock
from tests.helpers.sync_listener import NameRecorder
from tests.sync.fake_central import FakeCentral, Fault, reply

EngineFactory = Callable[..., SyncEngine]
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def _order(store: KioskStore, order_id: str) -> Any:
    from kiosk.storage.orders import get_order

    with store.read() as s:
        return get_order(s, order_id)


def _stats(store: KioskStore) -> outbox.OutboxStats:
    with store.read() as s:
        return outbox.stats(s)


def _skus(store: KioskStore) -> dict[str, tuple[int, int]]:
    from sqlalchemy import select

    from kiosk.storage.models import Product

    with store.read() as s:
        return {p.sku: (p.price_fen, p.server_version) for p in s.scalars(select(Product))}


def _enqueue_cash(store: KioskStore, n: int) -> list[str]:
    with store.write() as s:
        events = [outbox.enqueue(s, "cash_entry", f"cash-{i}", {"amount_fen": i}) for i in range(n)]
        return [e.id for e in events]


def test_push_marks_orders_submitted_and_reports_health(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory, place: Callable[..., str]
) -> None:
    ids = [place() for _ in range(3)]
    summary = make_engine().run_once()
    assert summary.ok, summary.errors
    assert (summary.pushed, summary.outbox_remaining, summary.quarantined) == (3, 0, 0)
    for i, order_id in enumerate(ids, start=1):
        view = _order(store, order_id)
        assert view.status == OrderStatus.SUBMITTED
        assert view.server_no == f"S{i:05d}"
    assert len(central.events) == 3
    assert central.heartbeats[-1]["queue_depth"] == 0
    assert store.setting(LAST_SUCCESS_AT) == summary.finished_at
    assert store.setting(LAST_ERROR) == ""


def test_timeout_leaves_events_pending_and_the_resend_uses_the_same_ids(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory, place: Callable[..., str]
) -> None:
    ids = [place() for _ in range(2)]
    # The server commits every attempt, but every reply is lost.
    central.fail("/events", *[Fault(commit_then=httpx.ReadTimeout) for _ in range(4)])
    first = make_engine().run_once()
    assert not first.ok and first.pushed == 0
    assert any("outcome is unknown" in e for e in first.errors)
    assert first.outbox_remaining == 2
    assert all(_order(store, i).status == OrderStatus.PLACED for i in ids)

    second = make_engine().run_once()
    assert second.ok, second.errors
    assert (second.pushed, second.duplicates, second.outbox_remaining) == (0, 2, 0)
    assert all(_order(store, i).status == OrderStatus.SUBMITTED for i in ids)
    sent_ids = {tuple(r) for r in central.event_requests}
    assert len(sent_ids) == 1  # every attempt carried exactly the same event ids
    assert len(central.events) == 2  # and central has each once


def test_rejected_event_is_quarantined_and_the_rest_still_go(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory, place: Callable[..., str]
) -> None:
    ids = [place() for _ in range(3)]
    central.reject_kinds[ids[1]] = "unknown_sku"
    summary = make_engine().run_once()
    assert summary.ok, summary.errors
    assert (summary.pushed, summary.quarantined_now, summary.quarantined) == (2, 1, 1)
    assert summary.outbox_remaining == 0
    assert _order(store, ids[2]).status == OrderStatus.SUBMITTED
    with store.read() as s:
        from sqlalchemy import select

        from kiosk.storage.models import OutboxEvent

        bad = s.scalars(select(OutboxEvent).where(OutboxEvent.state == outbox.QUARANTINED)).one()
        assert bad.subject_id == ids[1] and (bad.last_error or "").startswith("unknown_sku")


def test_a_batch_refused_as_a_whole_is_split_to_find_the_bad_event(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    _enqueue_cash(store, 3)
    # Whole batch 422, then singles (an empty Fault passes through): the second is the culprit.
    central.fail("/events", Fault(status=422), Fault(), Fault(status=422))
    summary = make_engine().run_once()
    assert (summary.pushed, summary.quarantined_now, summary.outbox_remaining) == (2, 1, 0)


def test_more_events_than_one_batch_go_in_capped_batches(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    ids = _enqueue_cash(store, wire.MAX_EVENTS_PER_BATCH * 2 + 7)
    summary = make_engine().run_once()
    assert summary.ok and summary.pushed == len(ids)
    assert [len(b) for b in central.event_requests] == [200, 200, 7]
    assert [i for b in central.event_requests for i in b] == ids  # in queue order


def test_offline_keeps_everything_queued_and_emits_offline_then_online(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory, place: Callable[..., str]
) -> None:
    place()
    events: list[str] = []
    engine = make_engine(listener=NameRecorder(events, progress=True))
    central.fail("/events", *[Fault(exc=httpx.ConnectError) for _ in range(4)])
    down = engine.run_once()
    assert not down.ok and down.offline and down.outbox_remaining == 1
    assert "offline" in events and "online" not in events
    up = engine.run_once()
    assert up.ok and up.pushed == 1
    assert events.count("online") == 1 and events[-1] == "finished"
    assert store.setting(LAST_ERROR) == ""


def test_bad_token_stops_the_cycle_and_asks_for_enrollment(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory, place: Callable[..., str]
) -> None:
    from kiosk.sync.credentials import StaticCredentials

    place()
    engine = make_engine()
    engine.credentials = StaticCredentials("revoked")
    summary = engine.run_once()
    assert not summary.ok and summary.outbox_remaining == 1
    assert any("enrolled again" in e for e in summary.errors)
    assert central.catalog_requests == []  # stopped after the push


def _publish(central: FakeCentral, n: int) -> None:
    for i in range(n):
        central.publish(f"SKU-{i:04d}", name=f"商品{i}", price_fen=100 + i)


def test_catalog_pages_are_applied_with_their_cursor(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    _publish(central, 25)
    central.delete("SKU-0003")
    summary = make_engine(catalog_page_size=10).run_once()
    assert summary.ok, summary.errors
    assert summary.pulled_products == 24 and summary.deleted_products == 0
    assert central.catalog_requests == ["", "11", "21"]  # SKU-0003 moved to version 26
    assert len(_skus(store)) == 24 and "SKU-0003" not in _skus(store)
    assert store.setting(CATALOG_CURSOR) == "26"
    central.publish("SKU-0001", price_fen=999)
    central.delete("SKU-0002")
    again = make_engine(catalog_page_size=10).run_once()
    assert (again.pulled_products, again.deleted_products) == (1, 1)
    assert _skus(store)["SKU-0001"] == (999, 27)


def test_interrupted_catalog_sync_resumes_at_the_last_committed_page(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    _publish(central, 50)
    policy = RetryPolicy(max_attempts=2)
    # Let the first two pages through, then fail the third for good.
    central.override["/catalog"] = _fail_after(central, 2)
    engine = make_engine(client=None, catalog_page_size=10)
    engine.client.policy = policy
    first = engine.run_once()
    assert not first.ok and any("catalog" in e for e in first.errors)
    assert len(_skus(store)) == 20 and store.setting(CATALOG_CURSOR) == "20"
    central.override.clear()
    central.catalog_requests.clear()
    second = make_engine(catalog_page_size=10).run_once()
    assert second.ok, second.errors
    assert central.catalog_requests == ["20", "30", "40"]  # nothing before page 3 again
    assert second.pulled_products == 30 and len(_skus(store)) == 50


def _fail_after(central: FakeCentral, ok_pages: int) -> Callable[[httpx.Request], httpx.Response]:
    served = [0]

    def handler(request: httpx.Request) -> httpx.Response:
        if served[0] >= ok_pages:
            raise httpx.RemoteProtocolError("peer closed connection mid-body", request=request)
        served[0] += 1
        return central._catalog(request)

    return handler


def test_abort_between_pages_keeps_what_was_committed(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    _publish(central, 40)
    holder: list[SyncEngine] = []

    class StopInCatalog(QuietListener):
        def on_progress(self, progress: SyncProgress) -> None:
            if progress.phase == "catalog" and progress.done >= 20:
                holder[0].abort()

    engine = make_engine(catalog_page_size=10, listener=StopInCatalog())
    holder.append(engine)
    summary = engine.run_once()
    assert summary.aborted and not summary.ok
    assert len(_skus(store)) == 20 and store.setting(CATALOG_CURSOR) == "20"
    assert engine.progress().phase == "idle"
    holder.clear()
    holder.append(make_engine(catalog_page_size=10))
    assert holder[0].run_once().ok and len(_skus(store)) == 40


@pytest.mark.parametrize("kind", ["bomb", "malformed"])
def test_hostile_catalog_reply_changes_nothing(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory, kind: str
) -> None:
    _publish(central, 5)
    if kind == "bomb":
        body = gzip.compress(b"{" + b" " * (64 * 1024 * 1024), compresslevel=9)
        central.override["/catalog"] = lambda r: reply(200, body, {"content-encoding": "gzip"})
    else:
        junk = {"items": [{"sku": "X", "version": "1"}], "categories": [], "next_cursor": "9"}
        central.override["/catalog"] = lambda r: reply(200, json.dumps(junk).encode())
    before = store.settings()
    summary = make_engine().run_once()
    assert not summary.ok
    assert any("nothing was changed" in e for e in summary.errors)
    assert _skus(store) == {}
    after = store.settings()
    assert after.get(CATALOG_CURSOR) == before.get(CATALOG_CURSOR) is None


def test_order_updates_flow_back_and_odd_ones_do_not_wedge(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory, place: Callable[..., str]
) -> None:
    a, b = place(), place()
    assert make_engine().run_once().ok
    central.advance(a, "accepted")
    central.advance(b, "cancelled")
    central.advance(a, "shipped")
    central.advance(b, "accepted")  # illegal: cancelled is final
    central.advance("00000000-0000-7000-8000-000000000000", "accepted")  # not ours
    central.advance(a, "teleported")  # unknown status
    summary = make_engine().run_once()
    assert summary.ok, summary.errors
    assert summary.order_updates == 3
    assert len(summary.warnings) == 3
    assert _order(store, a).status == OrderStatus.SHIPPED
    assert _order(store, b).status == OrderStatus.CANCELLED
    assert store.setting(ORDERS_CURSOR) == "6"
    again = make_engine().run_once()
    assert again.order_updates == 0 and again.warnings == []


def test_missing_images_are_fetched_verified_and_cached(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    good = central.add_image(PNG)
    bad = hashlib.sha256(b"the real image").hexdigest()
    central.media[bad] = b"something else"
    absent = "0" * 64
    central.publish("A", image_hash=good)
    central.publish("B", image_hash=bad)
    central.publish("C", image_hash=absent)
    engine = make_engine()
    summary = engine.run_once()
    assert summary.ok, summary.errors
    assert summary.media_fetched == 1 and len(summary.warnings) == 2
    path = store.media_dir / good[:2] / f"{good}.png"
    assert path.read_bytes() == PNG
    assert engine.media.find(bad) is None
    assert engine.fetch_media([good]) == 0  # already there: not downloaded again


def test_heartbeat_reports_queue_age_and_stores_the_clock_offset(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    _enqueue_cash(store, 1)
    central.reject_kinds["cash_entry"] = "not_allowed"
    central.clock_offset_s = 3 * 3600.0
    future = datetime.now(UTC) + timedelta(hours=3)
    summary = make_engine(clock=lambda: future).run_once()
    assert summary.ok and summary.clock_offset_s == 10800.0
    assert float(store.setting(CLOCK_OFFSET_S) or 0) == 10800.0
    beat = central.heartbeats[-1]
    assert beat["kiosk_time"] == future.isoformat() and beat["quarantined"] == 1
    assert beat["queue_depth"] == 0 and beat["schema_revision"] == store.schema_revision()


def test_a_second_sync_while_one_runs_reports_busy(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory, place: Callable[..., str]
) -> None:
    place()
    other = SyncLock.for_data_dir(store.data_dir)
    assert other.try_acquire()
    try:
        summary = make_engine().run_once()
    finally:
        other.release()
    assert summary.busy and not summary.ok and summary.outbox_remaining == 0
    assert "another sync" in summary.errors[0]
    assert central.requests == []
    assert make_engine().run_once().pushed == 1


def test_broken_event_listener_does_not_break_the_sync(
    store: KioskStore, make_engine: EngineFactory, place: Callable[..., str]
) -> None:
    place()

    class Boom:
        def boom(self, *_: object) -> None:
            raise RuntimeError("listener bug")

        on_progress = on_finished = on_online = on_offline = boom

    assert make_engine(listener=Boom()).run_once().ok


def test_heartbeat_sends_a_previous_error_with_control_characters_cleaned(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    """A stored error may quote a hostile reply (ANSI, NUL); the wire refuses those, so the
    heartbeat cleans them instead of failing to be built."""
    with store.write() as s:
        KioskStore.set_setting(s, LAST_ERROR, "central said \x1b[2J\x00 boom\nsecond line")
    summary = make_engine().run_once()
    assert summary.ok, summary.errors
    assert central.heartbeats[-1]["last_error"] == "central said ?[2J? boom\nsecond line"


def test_heartbeat_carries_the_last_error_as_a_code(
    store: KioskStore, central: FakeCentral, make_engine: EngineFactory
) -> None:
    """The fleet views filter on codes (central/fleet.py): the heartbeat names the last failed
    run's outcome code beside its English text, and none after a good run."""
    with store.write() as s:
        KioskStore.set_setting(s, LAST_ERROR, "the platform could not be reached")
        KioskStore.set_setting(s, LAST_ERROR_CODE, "offline")
    assert make_engine().run_once().ok
    assert central.heartbeats[-1]["error_code"] == "offline"
    assert make_engine().run_once().ok
    assert central.heartbeats[-1]["error_code"] is None

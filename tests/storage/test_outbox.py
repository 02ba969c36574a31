"""The outbox queue: order, states, attempts, quarantine and stats."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from kiosk.ids import is_uuid
from kiosk.storage import outbox
from kiosk.storage.models import OutboxEvent
from kiosk.storage.store import KioskStore


def _enqueue(store: KioskStore, n: int) -> list[str]:
    ids = []
    with store.write() as s:
        for i in range(n):
            ids.append(outbox.enqueue(s, "order_placed", f"subject-{i}", {"i": i, "名": "张"}).id)
    return ids


def test_enqueue_in_send_order(store: KioskStore) -> None:
    ids = _enqueue(store, 5)
    assert all(is_uuid(i) for i in ids) and len(set(ids)) == 5
    with store.read() as s:
        batch = outbox.pending_batch(s, 3)
        assert [e.id for e in batch] == ids[:3]
        assert json.loads(batch[0].payload) == {"i": 0, "名": "张"}
        assert batch[0].state == outbox.PENDING and batch[0].attempts == 0


def test_enqueue_rolls_back_with_its_unit_of_work(store: KioskStore) -> None:
    try:
        with store.write() as s:
            outbox.enqueue(s, "order_placed", "x", {})
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    with store.read() as s:
        assert outbox.pending_batch(s, 10) == []


def test_sent_quarantined_attempts_requeue(store: KioskStore) -> None:
    a, b, c = _enqueue(store, 3)
    with store.write() as s:
        outbox.record_attempt(s, [a, b], "connection reset")
        outbox.record_attempt(s, [], "ignored")
        outbox.mark_sent(s, a, {"server_no": "S-1"})
        outbox.quarantine(s, b, "payload_mismatch")
    with store.read() as s:
        ev_a, ev_b = s.get(OutboxEvent, 1), s.get(OutboxEvent, 2)
        assert ev_a is not None and ev_b is not None
        assert ev_a.state == outbox.SENT and json.loads(ev_a.result or "") == {"server_no": "S-1"}
        assert ev_a.attempts == 1 and ev_a.sent_at
        assert ev_b.state == outbox.QUARANTINED and ev_b.last_error == "payload_mismatch"
        assert [e.id for e in outbox.pending_batch(s, 10)] == [c]
        st = outbox.stats(s)
        assert (st.pending, st.quarantined, st.sent) == (1, 1, 1)
        assert st.oldest_pending_at is not None
        age = st.oldest_pending_age_s(datetime.now(UTC))
        assert age is not None and 0 <= age < 60
    with store.write() as s:
        assert outbox.requeue(s, b) is True
        assert outbox.requeue(s, a) is False  # sent events are never requeued
    with store.read() as s:
        assert [e.id for e in outbox.pending_batch(s, 10)] == [b, c]  # seq order is kept


def test_stats_on_empty_queue(store: KioskStore) -> None:
    with store.read() as s:
        st = outbox.stats(s)
    assert (st.pending, st.quarantined, st.sent, st.oldest_pending_at) == (0, 0, 0, None)
    assert st.oldest_pending_age_s(datetime.now(UTC)) is None

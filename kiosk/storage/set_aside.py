"""The technician's view of the outbox: queued and set-aside (quarantined) events.

A set-aside event is retried (back into the queue) or discarded with a reason; both are audited.
Nothing here talks to the network: sending belongs to the sync engine.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from kiosk.errors import InvalidInput, NotFound
from kiosk.storage import outbox
from kiosk.storage.models import Order, OutboxEvent
from kiosk.storage.store import KioskStore
from kiosk.text import check_text

log = logging.getLogger(__name__)

#: Outbox state of an event a technician discarded (kept, with the reason, never sent).
DISCARDED = "discarded"


@dataclass(frozen=True, slots=True)
class QueuedEvent:
    """One outbox event as the technician sees it (no payload: it may hold personal data)."""

    event_id: str
    kind: str
    subject_id: str
    state: str
    attempts: int
    last_error: str | None
    created_at: str
    last_attempt_at: str | None
    #: The shop's order number (``C017-0042``) when the change is about an order, else None.
    order_number: str | None = None


def list_events(
    store: KioskStore, states: Sequence[str] = (outbox.PENDING, outbox.QUARANTINED)
) -> list[QueuedEvent]:
    """Events in ``states`` in send order, with attempts and last error."""
    with store.read() as s:
        rows = s.scalars(
            select(OutboxEvent).where(OutboxEvent.state.in_(list(states))).order_by(OutboxEvent.seq)
        )
        events = list(rows)
        subjects = {r.subject_id for r in events}
        numbers: dict[str, str] = {}
        if subjects:
            found = s.execute(
                select(Order.id, Order.local_no).where(Order.id.in_(sorted(subjects)))
            )
            numbers = {order_id: number for order_id, number in found}
        return [
            QueuedEvent(
                r.id,
                r.kind,
                r.subject_id,
                r.state,
                r.attempts,
                r.last_error,
                r.created_at,
                r.last_attempt_at,
                numbers.get(r.subject_id),
            )
            for r in events
        ]


def _event(s: Session, event_id: str) -> OutboxEvent:
    row = s.scalars(select(OutboxEvent).where(OutboxEvent.id == event_id.strip())).first()
    if row is None:
        raise NotFound(f"no event {event_id} in the outbox")
    return row


def retry_event(store: KioskStore, event_id: str, actor: str) -> QueuedEvent:
    """Put a set-aside event back in the queue (audited); it goes with the next sync."""
    with store.write() as s:
        row = _event(s, event_id)
        if row.state != outbox.QUARANTINED:
            raise InvalidInput(f"event {row.id} is {row.state}, not set aside")
        outbox.requeue(s, row.id)
        KioskStore.audit(s, actor, "event_retry", row.id, row.kind)
    return next(e for e in list_events(store) if e.event_id == row.id)


def discard_event(store: KioskStore, event_id: str, reason: str, actor: str) -> None:
    """Give up on a set-aside event, with a reason (audited; the event is kept, marked)."""
    why = check_text(" ".join((reason or "").split()), "the reason")
    if not why:
        raise InvalidInput("discarding an event needs a reason (it goes into the audit log)")
    with store.write() as s:
        row = _event(s, event_id)
        if row.state != outbox.QUARANTINED:
            raise InvalidInput(
                f"event {row.id} is {row.state}; only set-aside events are discarded"
            )
        s.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == row.id)
            .values(
                state=DISCARDED,
                last_error=f"discarded by {actor}: {why[:300]} (was: {row.last_error or '-'})",
            )
        )
        KioskStore.audit(s, actor, "event_discarded", row.id, f"{row.kind}: {why[:200]}")
    log.warning("outbox event %s (%s) discarded by %s", row.id, row.kind, actor)

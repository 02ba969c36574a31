"""The outbox: changes the central service must learn about, queued in the same transaction.

Every change that central must see is written here by :func:`enqueue` inside the same write unit
of work as the change itself, so either both exist or neither does. The sync engine sends pending
events in ``seq`` order and records each result: ``sent`` (accepted or duplicate),
``quarantined`` (rejected: kept with its reason for a person, never blocking the rest), or a
failed attempt (stays ``pending``; a timeout counts as unknown, not as failure).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kiosk.ids import uuid7
from kiosk.kernel.clock import utc_now_text
from kiosk.storage.models import OutboxEvent

PENDING = "pending"
SENT = "sent"
QUARANTINED = "quarantined"


def enqueue(s: Session, kind: str, subject_id: str, payload: dict[str, Any]) -> OutboxEvent:
    """Queue one event inside the caller's write unit of work; returns it (``id`` is its UUID)."""
    event = OutboxEvent(
        id=uuid7(),
        kind=kind,
        subject_id=subject_id,
        payload=json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
        state=PENDING,
        created_at=utc_now_text(),
        attempts=0,
    )
    s.add(event)
    s.flush()
    return event


def pending_batch(s: Session, limit: int, exclude: Collection[str] = ()) -> list[OutboxEvent]:
    """The oldest pending events, in send order, leaving out the ids in ``exclude``."""
    stmt = select(OutboxEvent).where(OutboxEvent.state == PENDING)
    if exclude:
        stmt = stmt.where(OutboxEvent.id.not_in(list(exclude)))
    return list(s.scalars(stmt.order_by(OutboxEvent.seq).limit(limit)))


def mark_sent(s: Session, event_id: str, result: dict[str, Any]) -> None:
    """The server has the event (accepted now or earlier): it is done."""
    s.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id == event_id)
        .values(state=SENT, sent_at=utc_now_text(), result=json.dumps(result, ensure_ascii=False))
    )


def quarantine(s: Session, event_id: str, reason: str) -> None:
    """The server rejected the event: keep it aside with its reason; the queue moves on."""
    s.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id == event_id)
        .values(state=QUARANTINED, last_error=reason, last_attempt_at=utc_now_text())
    )


def record_attempt(s: Session, event_ids: Sequence[str], error: str | None) -> None:
    """Count a send attempt (and its error, if any) on each of ``event_ids``."""
    if not event_ids:
        return
    s.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id.in_(event_ids))
        .values(attempts=OutboxEvent.attempts + 1, last_attempt_at=utc_now_text(), last_error=error)
    )


def server_failures(s: Session, event_id: str) -> int:
    """Times central failed on this event sent alone (see :func:`record_failure`)."""
    return int(s.scalar(select(OutboxEvent.server_failures).where(OutboxEvent.id == event_id)) or 0)


def record_failure(s: Session, event_id: str, error: str) -> int:
    """Central failed (5xx) on this event sent alone: count it; returns the count so far."""
    s.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id == event_id)
        .values(
            attempts=OutboxEvent.attempts + 1,
            server_failures=OutboxEvent.server_failures + 1,
            last_attempt_at=utc_now_text(),
            last_error=error,
        )
    )
    return server_failures(s, event_id)


def requeue(s: Session, event_id: str) -> bool:
    """Put a quarantined event back in the queue (a technician's "retry")."""
    res = s.execute(
        update(OutboxEvent)
        .where(OutboxEvent.id == event_id, OutboxEvent.state == QUARANTINED)
        .values(state=PENDING, server_failures=0)
    )
    return bool(getattr(res, "rowcount", 0))


@dataclass(frozen=True, slots=True)
class OutboxStats:
    """Queue health for the status line, ``kiosk status`` and the heartbeat."""

    pending: int
    quarantined: int
    sent: int
    oldest_pending_at: str | None

    def oldest_pending_age_s(self, now: datetime) -> float | None:
        """Age of the oldest unsent event by the kiosk clock (display only)."""
        if self.oldest_pending_at is None:
            return None
        return max(0.0, (now - datetime.fromisoformat(self.oldest_pending_at)).total_seconds())


def stats(s: Session) -> OutboxStats:
    """Counts by state and the oldest pending event's creation time."""
    by_state = select(OutboxEvent.state, func.count()).group_by(OutboxEvent.state)
    counts: dict[str, int] = {state: n for state, n in s.execute(by_state).all()}
    oldest = s.scalar(
        select(OutboxEvent.created_at)
        .where(OutboxEvent.state == PENDING)
        .order_by(OutboxEvent.seq)
        .limit(1)
    )
    return OutboxStats(
        pending=counts.get(PENDING, 0),
        quarantined=counts.get(QUARANTINED, 0),
        sent=counts.get(SENT, 0),
        oldest_pending_at=oldest,
    )

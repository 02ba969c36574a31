"""Purging villagers' personal data from finished orders (docs/operating.md).

An order's customer name and phone number are needed until the parcel is handed over (and a
little after, for returns). Orders finished more than ``privacy.retention_days`` days ago (default
30) — picked up, returned, cancelled or rejected — get their name replaced by a marker and their
phone number emptied; the copy of the order in its already-sent ``order_placed`` event is
scrubbed the same way; customers no longer referenced by any order are deleted. Each purge is
audited with counts only.

"Finished" is by the order's last update on the kiosk clock; a clock far ahead purges early,
which for finished orders errs on the private side.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Select, delete, exists, func, select, update

from kiosk.errors import InvalidInput
from kiosk.orders import FINAL, OrderStatus
from kiosk.storage import models as m
from kiosk.storage import outbox
from kiosk.storage.settings import DEFAULT_RETENTION_DAYS, RETENTION_DAYS
from kiosk.storage.store import KioskStore

log = logging.getLogger(__name__)

#: What a purged order shows instead of the villager's name.
PURGED_NAME = "(已清除)"
#: Orders whose personal data may be purged once old enough.
FINISHED = frozenset({OrderStatus.PICKED_UP, *FINAL})


@dataclass(frozen=True, slots=True)
class PurgeResult:
    """What one purge changed."""

    orders: int
    customers: int
    events: int
    retention_days: int


def retention_days(store: KioskStore) -> int:
    """The configured retention period in days."""
    text = store.setting(RETENTION_DAYS)
    try:
        return max(1, int(text)) if text else DEFAULT_RETENTION_DAYS
    except ValueError:
        return DEFAULT_RETENTION_DAYS


def set_retention_days(store: KioskStore, days: int, actor: str) -> None:
    """Change the retention period (1 to 3650 days)."""
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650:
        raise InvalidInput("the retention period is 1 to 3650 days")
    with store.write() as s:
        KioskStore.set_setting(s, RETENTION_DAYS, str(days))
        KioskStore.audit(s, actor, "retention_set", None, f"{days} days")


def _keep_days(store: KioskStore, days: int | None) -> int:
    keep = days if days is not None else retention_days(store)
    if isinstance(keep, bool) or not isinstance(keep, int) or keep < 0:
        raise InvalidInput("--days must be 0 or more")
    return keep


def _purgeable(keep: int, now: datetime | None) -> Select[str]:
    """The ids of finished orders older than ``keep`` days that still hold customer details."""
    cutoff = ((now or datetime.now(UTC)) - timedelta(days=keep)).isoformat(timespec="milliseconds")
    return select(m.Order.id).where(
        m.Order.status.in_([st.value for st in FINISHED]),
        m.Order.updated_at < cutoff,
        m.Order.customer_phone != "",
    )


@dataclass(frozen=True, slots=True)
class PurgePreview:
    """What a purge would change now: ``orders`` finished more than ``retention_days`` ago."""

    orders: int
    retention_days: int


def purge_preview(
    store: KioskStore, *, days: int | None = None, now: datetime | None = None
) -> PurgePreview:
    """How many orders :func:`purge_personal_data` would purge now (same selection, read only)."""
    keep = _keep_days(store, days)
    with store.read() as s:
        n = s.scalar(select(func.count()).select_from(_purgeable(keep, now).subquery()))
    return PurgePreview(int(n or 0), keep)


def purge_personal_data(
    store: KioskStore, actor: str, *, days: int | None = None, now: datetime | None = None
) -> PurgeResult:
    """Purge customer details of orders finished more than ``days`` days ago (one transaction).

    Args:
        days: override the setting (``kiosk tech purge --days N``).
        now: the kiosk clock (tests inject it).
    """
    keep = _keep_days(store, days)
    Ord = m.Order
    with store.write() as s:
        ids = list(s.scalars(_purgeable(keep, now)))
        if ids:
            s.execute(
                update(Ord)
                .where(Ord.id.in_(ids))
                .values(customer_name=PURGED_NAME, customer_phone="", customer_id=None)
            )
        scrubbed = 0
        for ev in s.scalars(
            select(m.OutboxEvent).where(
                m.OutboxEvent.subject_id.in_(ids),
                m.OutboxEvent.kind == "order_placed",
                m.OutboxEvent.state == outbox.SENT,
            )
        ):
            payload = json.loads(ev.payload)
            payload["customer_name"], payload["customer_phone"] = PURGED_NAME, ""
            ev.payload = json.dumps(
                payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            )
            scrubbed += 1
        orphans = s.execute(
            delete(m.Customer).where(~exists().where(Ord.customer_id == m.Customer.id))
        )
        customers = int(getattr(orphans, "rowcount", 0) or 0)
        KioskStore.audit(
            s,
            actor,
            "privacy_purge",
            None,
            f"{len(ids)} orders, {customers} customers, older than {keep} days",
        )
    log.info("privacy purge: %d orders, %d customers", len(ids), customers)
    return PurgeResult(len(ids), customers, scrubbed, keep)

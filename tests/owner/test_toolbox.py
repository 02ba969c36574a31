"""Technician's toolbox through the real store: redaction, purge, bundle, restore, set-aside."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from kiosk.cli import main as kiosk_main
from kiosk.errors import InvalidInput, StoreProblem
from kiosk.logs import RedactingFilter, redact, setup_logging
from kiosk.orders import OrderStatus
from kiosk.storage import models as m
from kiosk.storage import outbox
from kiosk.storage.backup import backup_database
from kiosk.storage.privacy import PURGED_NAME, purge_personal_data
from kiosk.storage.restore import restore_backup
from kiosk.storage.set_aside import DISCARDED, discard_event, list_events, retry_event
from kiosk.storage.store import KioskStore
from kiosk.storage.support_bundle import bundle_text, write_support_bundle
from tests.owner.conftest import PHONE, FakeClock, advance, place

TOKEN = "Zk3xQ9_v-2mLwP0aB7cD5eF1gH4iJ6kL8nO0pQ2rS4t"


def test_redaction_masks_what_must_never_be_logged() -> None:
    line = (
        f"call 13812345678 or +86 159-0000-1111; pin=2580 code: 123456 "
        f'{{"pickup_code": "654321"}} Authorization: Bearer {TOKEN} raw {TOKEN} '
        "image 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08 order C017-0042"
    )
    out = redact(line)
    for secret in ("13812345678", "2580", "123456", "654321", TOKEN):
        assert secret not in out
    assert "138****5678" in out and "C017-0042" in out
    assert "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" in out  # a hash


def test_every_handler_gets_the_filter(tmp_path: Path) -> None:
    path = setup_logging(tmp_path)
    try:
        logging.getLogger("kiosk.test").warning("villager %s paid, token=%s", "13812345678", TOKEN)
        try:
            raise ValueError(f"bad payload {{'customer_phone': '13900001111'}} {TOKEN}")
        except ValueError:
            logging.getLogger("kiosk.test").exception("failed")
        for h in logging.getLogger().handlers:
            h.flush()
        body = path.read_text(encoding="utf-8")
    finally:
        root = logging.getLogger()
        for h in list(root.handlers):
            if getattr(h, "kiosk_log_file", False):
                root.removeHandler(h)
                h.close()
    assert "138****5678" in body and "ValueError" in body
    assert "13812345678" not in body and "13900001111" not in body and TOKEN not in body
    assert all(
        any(isinstance(f, RedactingFilter) for f in h.filters) for h in logging.getLogger().handlers
    )


def test_purge_after_the_retention_period(shop: KioskStore, clock: FakeClock) -> None:
    done = place(shop, ("LY-0001", 1))
    advance(shop, done.order_id, OrderStatus.SHIPPED)
    from kiosk.storage.owner import check_in, confirm_pickup

    check_in(shop, done.local_no, None, "owner")
    confirm_pickup(shop, done.local_no, done.pickup_code, None, "owner", clock=clock)
    open_order = place(shop, ("LY-0002", 1))  # same villager, not finished: kept
    with shop.write() as s:
        for ev in s.scalars(select(m.OutboxEvent).where(m.OutboxEvent.kind == "order_placed")):
            outbox.mark_sent(s, ev.id, {})
    assert purge_personal_data(shop, "technician").orders == 0  # too recent
    later = datetime.now(UTC) + timedelta(days=31)
    r = purge_personal_data(shop, "technician", now=later)
    assert (r.orders, r.customers, r.events) == (1, 0, 1)
    with shop.read() as s:
        purged = s.get(m.Order, done.order_id)
        kept = s.get(m.Order, open_order.order_id)
        assert purged is not None and kept is not None
        assert (purged.customer_name, purged.customer_phone) == (PURGED_NAME, "")
        assert kept.customer_phone == PHONE
        payloads = [e.payload for e in s.scalars(select(m.OutboxEvent))]
        assert sum(PHONE in p for p in payloads) == 1  # only the unfinished order's
        assert [a.action for a in s.scalars(select(m.AuditEntry))][-1] == "privacy_purge"
    with pytest.raises(InvalidInput):
        purge_personal_data(shop, "technician", days=-1)
    # The last order finishes too: its customer row goes.
    from kiosk.storage.owner import cancel_order

    cancel_order(shop, open_order.local_no, "不要了", None, "owner")
    assert purge_personal_data(shop, "technician", days=0, now=later).customers == 1
    assert PHONE.encode() not in _all_bytes(shop)


def _all_bytes(store: KioskStore) -> bytes:
    store.close()  # the last connection checkpoints the WAL into the file
    wal = store.path.with_name(store.path.name + "-wal")
    return store.path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def test_set_aside_events_retry_and_discard(shop: KioskStore) -> None:
    a, b = place(shop, ("LY-0001", 1)), place(shop, ("LY-0002", 1))
    with shop.write() as s:
        for ev in s.scalars(select(m.OutboxEvent)):
            outbox.quarantine(s, ev.id, "unknown_sku: not at central")
    ids = {e.subject_id: e.event_id for e in list_events(shop)}
    with pytest.raises(InvalidInput, match="needs a reason"):
        discard_event(shop, ids[a.order_id], " ", "technician")
    back = retry_event(shop, ids[a.order_id], "technician")
    assert back.state == "pending"
    with pytest.raises(InvalidInput, match="not set aside"):
        retry_event(shop, ids[a.order_id], "technician")
    discard_event(shop, ids[b.order_id], "product withdrawn, villager refunded", "technician")
    states = {e.subject_id: e.state for e in list_events(shop, ("pending", DISCARDED))}
    assert states == {a.order_id: "pending", b.order_id: DISCARDED}
    with shop.read() as s:
        actions = [a.action for a in s.scalars(select(m.AuditEntry))]
    assert "event_retry" in actions and "event_discarded" in actions


def test_support_bundle_is_masked(shop: KioskStore, tmp_path: Path) -> None:
    placed = place(shop, ("LY-0001", 1))
    with shop.write() as s:
        KioskStore.set_setting(s, "device.token_hint", TOKEN)
    setup_logging(shop.data_dir)
    try:
        # A careless log line, written to the file without the filter (as if by another tool).
        (shop.data_dir / "logs" / "kiosk.log.1").write_text(
            f"oops {PHONE} pickup_code={placed.pickup_code} Bearer {TOKEN}\n", encoding="utf-8"
        )
        with pytest.raises(InvalidInput, match="not a folder"):
            write_support_bundle(shop, tmp_path / "missing")
        out = tmp_path / "usb"
        out.mkdir()
        path = write_support_bundle(shop, out, status={"queue_depth": 1})
    finally:
        root = logging.getLogger()
        for h in list(root.handlers):
            if getattr(h, "kiosk_log_file", False):
                root.removeHandler(h)
                h.close()
    assert [p.name for p in out.iterdir()] == [path.name]  # no partial file left
    body = bundle_text(path)
    assert "oops 138****5678" in body and '"queue_depth": 1' in body
    assert PHONE not in body and placed.pickup_code not in body and TOKEN not in body


def test_restore_from_backup_moves_the_files_aside_together(
    shop: KioskStore, tmp_path: Path
) -> None:
    first = place(shop, ("LY-0001", 1))
    backup = backup_database(shop.path, tmp_path / "b.db")
    second = place(shop, ("LY-0002", 1))
    data_dir = shop.data_dir
    shop.close()
    with pytest.raises(StoreProblem, match="not a usable backup"):
        (tmp_path / "junk.db").write_bytes(b"not sqlite" * 100)
        restore_backup(data_dir, tmp_path / "junk.db")
    result = restore_backup(data_dir, backup)
    assert result.unsent_in_replaced == 2 and result.moved_to
    moved = Path(result.moved_to)
    assert (moved / "kiosk.db").exists()
    assert not (data_dir / "kiosk.db-wal").exists() or (moved / "kiosk.db").exists()
    with KioskStore.open(data_dir) as again, again.read() as s:
        assert set(s.scalars(select(m.Order.id))) == {first.order_id}
    # The replaced database is intact and still holds the order the backup did not have.
    (moved / "kiosk.db").rename(moved / "old.db")
    import sqlite3

    conn = sqlite3.connect(moved / "old.db")
    try:
        ids = {r[0] for r in conn.execute("SELECT id FROM orders")}
    finally:
        conn.close()
    assert ids == {first.order_id, second.order_id}


def test_cli_requires_the_pin_and_backs_off(
    shop: KioskStore, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    data = str(shop.data_dir)
    monkeypatch.setenv("KIOSK_NEW_PIN", "73914628")
    assert kiosk_main(["--data-dir", data, "tech", "set-pin", "--role", "technician"]) == 0
    monkeypatch.delenv("KIOSK_NEW_PIN")
    monkeypatch.setenv("KIOSK_PIN", "11335577")
    codes = [kiosk_main(["--data-dir", data, "tech", "outbox", "--json"]) for _ in range(4)]
    err = capsys.readouterr().err
    assert codes == [5, 5, 5, 5] and "wait 30 seconds" in err
    monkeypatch.setenv("KIOSK_PIN", "73914628")
    assert kiosk_main(["--data-dir", data, "tech", "outbox", "--json"]) == 5  # still waiting
    assert "wait" in capsys.readouterr().err

"""Central is the shop's backup of record: after a restore from an older backup (same PC) and on a
replacement PC, the kiosk pulls back every order central holds for its center, hands them over
against the villager's code, and never gives an order number twice (docs/sync-protocol.md,
"Pull-back").

Real kiosk stores, the real enrollment, restore and engine, the real central app on 127.0.0.1
(SQLite, and PostgreSQL when ``KIOSK_TEST_PG_URL`` is set), behind the fault proxy where a sync
is cut.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from kiosk.customers import Customer
from kiosk.errors import InvalidInput
from kiosk.orders import LineRequest, Payment
from kiosk.storage import pullback
from kiosk.storage.backup import backup_database
from kiosk.storage.models import CashEntry, Order
from kiosk.storage.orders import PlacedOrder, place_order
from kiosk.storage.owner import check_in, confirm_pickup
from kiosk.storage.restore import restore_backup
from kiosk.storage.settings import PULLBACK_CURSOR
from kiosk.storage.store import DB_FILENAME, KioskStore
from kiosk.sync.credentials import KeyringCredentials
from tests.helpers.conv_rig import (
    PG_SKIP,
    Central,
    Kiosk,
    central_database,
    open_kiosk,
    pg_available,
    running_central,
)
from tests.helpers.fault_proxy import Fault, FaultProxy, Script


@pytest.fixture(params=["sqlite", "postgresql"])
def central(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Central]:
    if request.param == "postgresql" and not pg_available():
        print(f"\nSKIP: {PG_SKIP}")
        pytest.skip(PG_SKIP)
    monkeypatch.setenv("KIOSK_ALLOW_INSECURE_KEYRING", "1")
    with central_database(request.param, tmp_path) as url, running_central(url) as c:
        c.add_products(2)
        yield c


def _place(kiosk: Kiosk, sku: str = "P00000", qty: int = 1) -> PlacedOrder:
    return place_order(
        kiosk.store,
        Customer.of("王大妈", "13912345678"),
        [LineRequest(sku=sku, qty=qty)],
        Payment.CASH,
    )


def _sync_ok(kiosk: Kiosk, url: str) -> None:
    summary = kiosk.engine(url).run_once()
    assert summary.ok, summary.errors


def _cash(kiosk: Kiosk) -> int:
    sign = {"order_cash": 1, "pickup_cash": 1, "refund": -1}
    with kiosk.store.read() as s:
        rows = s.execute(
            select(CashEntry.kind, func.sum(CashEntry.amount_fen)).group_by(CashEntry.kind)
        ).all()
    return sum(sign[k] * int(v) for k, v in rows)


def _central_cash(central: Central) -> int:
    sign = {"order_cash": 1, "pickup_cash": 1, "refund": -1}
    return sum(sign[c.kind] * int(c.amount_fen) for c in central.service.list_cash("C001"))


def _reopen(kiosk: Kiosk) -> Kiosk:
    kiosk.close()
    return Kiosk(kiosk.data_dir, KioskStore.open(kiosk.data_dir), kiosk.keyring, kiosk.device_id)


def _hand_over(kiosk: Kiosk, central: Central, placed: PlacedOrder) -> None:
    central.service.advance_order(placed.order_id, "accepted")
    central.service.advance_order(placed.order_id, "shipped")
    _sync_ok(kiosk, central.url)
    check_in(kiosk.store, placed.order_id, None, "owner")
    confirm_pickup(kiosk.store, placed.local_no, placed.pickup_code, "already_paid", "owner")
    _sync_ok(kiosk, central.url)


def test_restore_from_an_older_backup_pulls_back_and_never_repeats_a_number(
    central: Central, tmp_path: Path
) -> None:
    kiosk = open_kiosk(tmp_path / "pc")
    kiosk.enroll(central.url, central.code())
    _sync_ok(kiosk, central.url)
    first = _place(kiosk)
    _sync_ok(kiosk, central.url)
    backup = backup_database(kiosk.data_dir / DB_FILENAME, tmp_path / "older.db")
    lost = [_place(kiosk, "P00001", 2), _place(kiosk)]
    _sync_ok(kiosk, central.url)
    central.service.advance_order(lost[0].order_id, "accepted")
    kiosk.close()

    restore_backup(kiosk.data_dir, backup)
    kiosk = Kiosk(kiosk.data_dir, KioskStore.open(kiosk.data_dir), kiosk.keyring, kiosk.device_id)
    try:
        with kiosk.store.read() as s:
            assert s.get(Order, lost[0].order_id) is None
            assert pullback.pending(s) == pullback.RESTORE
        # The counter is behind until central is asked: no order is taken with a used number.
        with pytest.raises(InvalidInput) as refused:
            _place(kiosk)
        assert refused.value.code == "order.restore_pullback"

        _sync_ok(kiosk, central.url)
        with kiosk.store.read() as s:
            assert pullback.pending(s) == ""
            for p in lost:
                row = s.get(Order, p.order_id)
                assert row is not None, "an order central holds was not pulled back"
                assert row.local_no == p.local_no
                assert row.total_fen == p.total_fen
            got = s.get(Order, lost[0].order_id)
            assert got is not None and got.status == "accepted"
            assert [ln.qty for ln in got.lines] == [2]
        assert _cash(kiosk) == _central_cash(central)

        after = _place(kiosk)
        _sync_ok(kiosk, central.url)
        numbers = [o.local_no for o in central.service.list_orders("C001")]
        assert len(numbers) == len(set(numbers)) == 4, numbers
        assert after.local_no not in {first.local_no, *(p.local_no for p in lost)}

        # The villager's code of a pulled-back order still hands the parcel over.
        _hand_over(kiosk, central, lost[1])
        statuses = {o.order_id: o.status for o in central.service.list_orders("C001")}
        assert statuses[lost[1].order_id] == "picked_up"
        assert _cash(kiosk) == _central_cash(central)
    finally:
        kiosk.close()


def test_replacement_pc_pulls_back_the_center_and_hands_over_against_the_code(
    central: Central, tmp_path: Path
) -> None:
    old = open_kiosk(tmp_path / "old")
    old.enroll(central.url, central.code())
    _sync_ok(old, central.url)
    placed = [_place(old), _place(old, "P00001", 3)]
    _sync_ok(old, central.url)
    old_device = old.device_id
    old.close()  # the PC died

    new = open_kiosk(tmp_path / "new")
    try:
        code = str(central.service.create_enroll_code("C001", replaces=old_device).code)
        new.enroll(central.url, code)
        _sync_ok(new, central.url)
        with new.store.read() as s:
            for p in placed:
                row = s.get(Order, p.order_id)
                assert row is not None, "the replacement PC lacks an order of its center"
                assert row.local_no == p.local_no
        # The old PC's drawer came with the orders (the old PC is revoked).
        assert _cash(new) == _central_cash(central)
        _hand_over(new, central, placed[1])
        statuses = {o.order_id: o.status for o in central.service.list_orders("C001")}
        assert statuses[placed[1].order_id] == "picked_up"
        assert _cash(new) == _central_cash(central)
    finally:
        new.close()


def test_a_cut_pull_back_resumes_where_it_stopped(
    central: Central, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from kiosk.sync import engine as eng

    monkeypatch.setattr(eng, "RECOVERY_PAGE", 1)
    old = open_kiosk(tmp_path / "old")
    old.enroll(central.url, central.code())
    _sync_ok(old, central.url)
    placed = [_place(old) for _ in range(3)]
    _sync_ok(old, central.url)
    old.close()
    new = open_kiosk(tmp_path / "new")
    try:
        with FaultProxy("127.0.0.1", central.server.port) as proxy:
            new.enroll(central.url, central.code())
            proxy.set_plan(
                Script(
                    [Fault.passthrough(), Fault.passthrough(), *[Fault.reset()] * 4],
                    only="/v1/orders/recovery",
                )
            )
            assert not new.engine(proxy.url).run_once().ok
            with new.store.read() as s:
                assert pullback.pending(s) == pullback.ENROLL
                assert KioskStore.get_setting(s, PULLBACK_CURSOR)
                kept = s.scalar(select(func.count()).select_from(Order))
            assert kept == 2
            new = _reopen(new)  # killed between the runs
            proxy.heal()
            _sync_ok(new, proxy.url)
        with new.store.read() as s:
            assert pullback.pending(s) == ""
            ids = set(s.scalars(select(Order.id)))
        assert ids == {p.order_id for p in placed}
    finally:
        new.close()


def test_the_recovery_endpoint_is_bounded_validated_and_per_center(
    central: Central, tmp_path: Path
) -> None:
    kiosk = open_kiosk(tmp_path / "pc")
    other = open_kiosk(tmp_path / "other")
    try:
        kiosk.enroll(central.url, central.code())
        other.enroll(central.url, central.code("C002"))
        _sync_ok(kiosk, central.url)
        _sync_ok(other, central.url)
        mine = _place(kiosk)
        _place(other)
        _sync_ok(kiosk, central.url)
        _sync_ok(other, central.url)
        token = KeyringCredentials(kiosk.device_id, backend=kiosk.keyring).token()
        assert token
        with httpx.Client(base_url=central.url) as http:
            url = "/v1/orders/recovery"
            assert http.get(url).status_code == 401
            auth = {"Authorization": f"Bearer {token}"}
            for bad in ({"cursor": "x1"}, {"cursor": "123456789"}, {"limit": "0"}):
                r = http.get(url, params=bad, headers=auth)
                assert r.status_code in (400, 422), (bad, r.status_code)
            page = http.get(url, params={"limit": 100000}, headers=auth).json()
            assert [o["order_id"] for o in page["items"]] == [mine.order_id]
            item = page["items"][0]
            assert item["pickup_salt"].startswith("s2:") and len(item["pickup_hash"]) == 64
            assert mine.pickup_code not in r.text + str(page)
            assert page["has_more"] is False
            again = http.get(url, params={"cursor": page["next_cursor"]}, headers=auth).json()
            assert again["items"] == []
    finally:
        kiosk.close()
        other.close()


def test_orders_taken_before_enrollment_are_adopted_by_the_center(
    central: Central, tmp_path: Path
) -> None:
    """A village without a connection: USB catalog, orders numbered LOCAL-…, then enrollment.
    Central used to refuse them for ever (``wrong_center``)."""
    from kiosk.storage.catalog import import_catalog_file
    from kiosk.storage.models import OutboxEvent
    from kiosk.storage.outbox import QUARANTINED

    (tmp_path / "stick").mkdir()
    central.service.export_catalog(tmp_path / "stick" / "catalog.jsonl")
    kiosk = open_kiosk(tmp_path / "pc")
    try:
        import_catalog_file(kiosk.store, tmp_path / "stick" / "catalog.jsonl")
        early = _place(kiosk)
        assert early.local_no == "LOCAL-0001"
        kiosk.enroll(central.url, central.code())
        _sync_ok(kiosk, central.url)
        later = _place(kiosk)
        _sync_ok(kiosk, central.url)
        with kiosk.store.read() as s:
            aside = s.scalar(select(func.count()).where(OutboxEvent.state == QUARANTINED))
        assert aside == 0, "an order taken before enrollment was set aside"
        at_central = {o.order_id: o for o in central.service.list_orders("C001")}
        assert early.order_id in at_central, "the order taken before enrollment never reached"
        assert at_central[early.order_id].local_no == "C001-0001"
        assert at_central[later.order_id].local_no == "C001-0002"
        # The villager's slip says LOCAL-0001: the owner still finds the order by it.
        _hand_over(kiosk, central, PlacedOrder(early.order_id, "LOCAL-0001", 0, early.pickup_code))
        assert {o.order_id: o.status for o in central.service.list_orders("C001")}[
            early.order_id
        ] == "picked_up"
    finally:
        kiosk.close()


def test_a_second_pc_never_takes_another_pcs_drawer(central: Central, tmp_path: Path) -> None:
    """Cash comes back only to the PC that replaced the one that took it: a later second PC
    pulls back the orders but not the cash, so the center's drawers still add up."""
    old = open_kiosk(tmp_path / "old")
    old.enroll(central.url, central.code())
    _sync_ok(old, central.url)
    _place(old)
    _sync_ok(old, central.url)
    old.close()
    pcs = [open_kiosk(tmp_path / "new"), open_kiosk(tmp_path / "second")]
    try:
        pcs[0].enroll(
            central.url,
            str(central.service.create_enroll_code("C001", replaces=old.device_id).code),
        )
        _sync_ok(pcs[0], central.url)
        pcs[1].enroll(central.url, central.code())
        _sync_ok(pcs[1], central.url)
        with pcs[1].store.read() as s:
            assert s.scalar(select(func.count()).select_from(Order)) == 1
        assert _cash(pcs[0]) + _cash(pcs[1]) == _central_cash(central) > 0
    finally:
        for pc in pcs:
            pc.close()


def test_a_hostile_recovery_page_cannot_wedge_the_store(tmp_path: Path) -> None:
    """Repeated line numbers or an unknown status in a page: that order is left out with a
    warning, the others are kept, the cursor moves on (a crash here would stop every sync)."""
    from kiosk.wire import RecoveryPage

    def item(order_id: str, local_no: str, status: str, line_nos: list[int]) -> dict[str, object]:
        return {
            "order_id": order_id,
            "local_no": local_no,
            "server_no": "S00000001",
            "status": status,
            "customer_name": "王大妈",
            "customer_phone": "13912345678",
            "payment": "cash",
            "total_fen": 100,
            "placed_at": "2026-12-01T08:00:00+00:00",
            "lines": [
                {
                    "line_no": n,
                    "sku": "P00000",
                    "name": "米",
                    "unit": "袋",
                    "unit_price_fen": 100,
                    "product_version": 1,
                    "qty": 1,
                    "line_total_fen": 100,
                    "arrived_qty": 0,
                }
                for n in line_nos
            ],
        }

    page = RecoveryPage.model_validate(
        {
            "items": [
                item("01900000-0000-7000-8000-000000000001", "C001-0001", "shipped", [1, 1]),
                item("01900000-0000-7000-8000-000000000002", "C001-0002", "lost", [1]),
                item("01900000-0000-7000-8000-000000000003", "C001-0003", "shipped", [1, 2]),
            ],
            "next_cursor": "3",
            "has_more": False,
        }
    )
    store = KioskStore.open(tmp_path / "pc")
    try:
        with store.write() as s:
            warnings = pullback.apply_page(s, page, pullback.PageOutcome())
        assert len(warnings) == 2, warnings
        with store.read() as s:
            assert list(s.scalars(select(Order.local_no))) == ["C001-0003"]
            assert KioskStore.get_setting(s, PULLBACK_CURSOR) == "3"
    finally:
        store.close()

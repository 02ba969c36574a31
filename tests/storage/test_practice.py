"""The practice store: made by the real migrations with a copy of the catalog, its own orders and
cash, lessons checked from its state, never synced, deleted on leaving; the real store untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from kiosk.admin import Role
from kiosk.customers import Customer
from kiosk.errors import KioskError
from kiosk.orders import LineRequest, OrderStatus, Payment
from kiosk.practice import Found, Lesson, check_lesson, lesson_order
from kiosk.storage import owner
from kiosk.storage.admin import set_pin, verify_pin
from kiosk.storage.cash import close_day
from kiosk.storage.center import set_center
from kiosk.storage.orders import list_orders, place_order
from kiosk.storage.practice import (
    PracticeProblem,
    code_matches,
    end_practice,
    is_practice_store,
    play_central_moves,
    practice_dir,
    practice_exists,
    practice_facts,
    reset_practice,
    start_practice,
)
from kiosk.storage.search import reindex_all, search_products
from kiosk.storage.settings import PRACTICE_STORE
from kiosk.storage.store import DB_FILENAME, KioskStore
from tests.helpers.seed import seed_products

VILLAGER = Customer.of("王秀英", "13812345678")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(data: Path) -> list[str]:
    return sorted(p.name for p in data.iterdir() if p.name.startswith(DB_FILENAME + "-"))


@pytest.fixture
def real_data(tmp_path: Path) -> Path:
    """A set-up kiosk (catalog, center, owner PIN, one real order), closed."""
    data = tmp_path / "kiosk"
    with KioskStore.open(data) as store:
        seed_products(store)
        with store.write() as s:
            reindex_all(s)  # the seed writes rows only; search needs the index
            set_center(s, "C017", "幸福村服务站")
        set_pin(store, Role.OWNER, "2580", "test")
        place_order(store, VILLAGER, [LineRequest("LY-0001", 1)], Payment.CASH)
    return data


def test_practice_store_copies_the_catalog_and_nothing_else(real_data: Path) -> None:
    with start_practice(real_data) as practice:
        assert practice.path == real_data / "practice" / DB_FILENAME
        assert is_practice_store(practice)
        with KioskStore.open(real_data) as real:
            assert practice.schema_revision() == real.schema_revision()
        with practice.read() as s:
            hits = search_products(s, "大米")
            assert [h.sku for h in hits] == ["LY-0001"]
            assert list_orders(s) == []  # the real order stayed in the real store
            assert practice.get_setting(s, "center.name") == "幸福村服务站"
        # The owner logs in with the PIN they know; pictures come from the real media folder.
        assert verify_pin(practice, Role.OWNER, "2580").ok
        assert practice.media_dir == real_data / "media"
        assert practice.setting("sync.server_url") is None
    with KioskStore.open(real_data) as real:
        assert not is_practice_store(real)
        assert real.setting(PRACTICE_STORE) is None


def test_practice_round_trip_leaves_the_real_database_byte_identical(real_data: Path) -> None:
    before = sha256(real_data / DB_FILENAME)
    sides = side_files(real_data)
    with KioskStore.open(real_data) as real:  # the kiosk is running meanwhile
        practice = start_practice(real_data)
        placed = place_order(practice, VILLAGER, [LineRequest("LY-0002", 2)], Payment.ON_PICKUP)
        play_central_moves(practice, placed.order_id)
        owner.check_in(practice, placed.order_id, None, "trainee")
        owner.confirm_pickup(practice, placed.order_id, placed.pickup_code, "cash", "trainee")
        close_day(practice, "trainee")
        with real.read() as s:
            assert len(list_orders(s)) == 1
        end_practice(real_data, practice)
    assert not practice_dir(real_data).exists()
    assert sha256(real_data / DB_FILENAME) == before
    assert side_files(real_data) == sides


def test_reset_starts_over_and_end_is_idempotent(real_data: Path) -> None:
    practice = start_practice(real_data)
    place_order(practice, VILLAGER, [LineRequest("LY-0001", 1)], Payment.CASH)
    practice = reset_practice(real_data, practice)
    with practice.read() as s:
        assert list_orders(s) == []
    assert end_practice(real_data, practice)
    assert not practice_exists(real_data)
    assert not end_practice(real_data)


def test_no_practice_without_a_kiosk(tmp_path: Path) -> None:
    with pytest.raises(PracticeProblem, match="set the kiosk up"):
        start_practice(tmp_path / "nothing")
    assert not practice_dir(tmp_path / "nothing").exists()


def test_central_moves_only_on_the_practice_store(real_data: Path) -> None:
    with KioskStore.open(real_data) as real:
        with real.read() as s:
            order_id = list_orders(s)[0].order_id
        with pytest.raises(PracticeProblem):
            play_central_moves(real, order_id)
        with real.read() as s:
            assert list_orders(s)[0].status == OrderStatus.PLACED


def test_lessons_of_a_day_checked_from_the_practice_store(real_data: Path) -> None:
    practice = start_practice(real_data)
    try:
        facts = practice_facts(practice)
        # 1. order for a villager
        placed = place_order(practice, VILLAGER, [LineRequest("LY-0001", 1)], Payment.CASH)
        after = practice_facts(practice)
        result = check_lesson(Lesson.ORDER, facts, after)
        assert result.passed, result
        assert {f.kind for f in result.findings} >= {Found.ORDER_PLACED, Found.PAID_CASH}
        # 2. read back the code: right and wrong
        subject = lesson_order(after, Lesson.READ_CODE)
        assert subject is not None and subject.order_id == placed.order_id
        wrong = check_lesson(
            Lesson.READ_CODE, after, after, subject=subject.order_id, code_read_back=False
        )
        assert not wrong.passed and wrong.findings[0].kind is Found.CODE_WRONG
        assert code_matches(practice, placed.order_id, placed.pickup_code)
        assert not code_matches(practice, placed.order_id, "000000")
        right = check_lesson(
            Lesson.READ_CODE, after, after, subject=placed.order_id, code_read_back=True
        )
        assert right.passed
        # 3. the parcel is on its way: the lesson plays the platform's moves
        facts = practice_facts(practice)
        assert play_central_moves(practice, placed.order_id) == [
            OrderStatus.SUBMITTED,
            OrderStatus.ACCEPTED,
            OrderStatus.SHIPPED,
        ]
        after = practice_facts(practice)
        assert check_lesson(Lesson.PARCEL, facts, after, subject=placed.order_id).passed
        # 4. check in (not done yet → says so)
        not_yet = check_lesson(Lesson.CHECK_IN, after, after, subject=placed.order_id)
        assert not not_yet.passed and not_yet.findings[0].kind is Found.NOT_CHECKED_IN
        owner.check_in(practice, placed.order_id, None, "trainee")
        facts, after = after, practice_facts(practice)
        assert check_lesson(Lesson.CHECK_IN, facts, after, subject=placed.order_id).passed
        # 5. hand over: a wrong code first, then the right one
        facts = after
        with pytest.raises(KioskError):
            owner.confirm_pickup(practice, placed.order_id, "000000", None, "trainee")
        half = practice_facts(practice)
        partly = check_lesson(Lesson.HAND_OVER, facts, half, subject=placed.order_id)
        assert [f.ok for f in partly.findings] == [True, False]
        owner.confirm_pickup(practice, placed.order_id, placed.pickup_code, None, "trainee")
        after = practice_facts(practice)
        assert check_lesson(Lesson.HAND_OVER, facts, after, subject=placed.order_id).passed
        # 6. a cancellation (of a new order), 7. a return, 8. closing the day
        facts = after
        other = place_order(practice, VILLAGER, [LineRequest("RY-0001", 1)], Payment.CASH)
        owner.cancel_order(practice, other.order_id, "villager changed mind", None, "trainee")
        after = practice_facts(practice)
        assert check_lesson(Lesson.CANCEL, facts, after).passed
        facts = after
        owner.return_order(practice, placed.order_id, "broken bag", None, "trainee")
        after = practice_facts(practice)
        returned = check_lesson(Lesson.RETURN, facts, after, subject=placed.order_id)
        assert returned.passed
        assert Found.REFUNDED in {f.kind for f in returned.findings}
        facts = after
        assert not check_lesson(Lesson.CLOSE_DAY, facts, facts).passed
        close_day(practice, "trainee")
        assert check_lesson(Lesson.CLOSE_DAY, facts, practice_facts(practice)).passed
    finally:
        end_practice(real_data, practice)
    with KioskStore.open(real_data) as real, real.read() as s:
        assert [o.status for o in list_orders(s)] == [OrderStatus.PLACED]

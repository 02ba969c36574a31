"""Errors shown on the Chinese screens are in Chinese: a wrong pickup code on the owner's
hand-over page, storage refusals at checkout, and anything unknown still reads sensibly. Every
error code raised in kiosk/ has a translated sentence."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from kiosk.admin import Role
from kiosk.errors import InvalidInput, KioskError
from kiosk.orders import LineRequest, OrderStatus, Payment
from kiosk.storage import orders as svc
from kiosk.storage.owner import confirm_pickup
from kiosk.storage.store import KioskStore
from kiosk.ui.errors import error_words, known_codes
from tests.conftest import REPO_ROOT
from tests.ui.admin.conftest import (  # noqa: F401 (fixtures used by name)
    VILLAGER,
    admin_store,
    admin_window,
    advance,
    click,
    clock,
    pinned_template,
    place,
    status_of,
    unlock,
)
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def zh(qapp: Any) -> Iterator[None]:
    """The zh_CN translator for one test; English again afterwards for the other tests."""
    from kiosk.ui.app import make_app

    make_app(lang="zh_CN")
    yield
    make_app(lang="en")


def test_wrong_pickup_code_on_the_hand_over_page_is_chinese(
    qtbot: Any,
    admin_window: Any,  # noqa: F811
    admin_store: KioskStore,  # noqa: F811
) -> None:
    order = place(admin_store, ("LY-0002", 1), payment=Payment.ON_PICKUP)
    advance(admin_store, order.order_id, OrderStatus.ARRIVED)
    window = admin_window(lang="zh_CN")
    try:
        unlock(qtbot, window, Role.OWNER)
        owner = window.admin.owner
        owner.order_field.setFocus()
        qtbot.keyClicks(owner.order_field, order.local_no)
        qtbot.keyClick(owner.order_field, Qt.Key.Key_Return)
        page = owner.pickup
        qtbot.waitUntil(lambda: owner.stack.currentWidget() is page, timeout=10_000)
        wrong = "000000" if order.pickup_code != "000000" else "111111"
        texts = []
        for _ in range(3):  # two free tries, then the back-off
            qtbot.keyClicks(page.code_field, wrong)
            with qtbot.waitSignal(window.services.runner.idle, timeout=10_000):
                click(qtbot, page.action)
            texts.append(page.message.text())
    finally:
        from kiosk.ui.app import make_app

        make_app(lang="en")
    assert texts[0] == "取货码错误。请村民再核对一下取货码。"
    assert texts[2] == "取货码错误。请等 30 秒再试。"
    for text in texts:
        assert "wrong" not in text.lower() and order.local_no not in text
    assert status_of(admin_store, order.order_id) is OrderStatus.ARRIVED


def test_storage_refusals_read_in_chinese(zh: None, admin_store: KioskStore) -> None:  # noqa: F811
    with pytest.raises(InvalidInput) as unknown:
        svc.place_order(admin_store, VILLAGER, [LineRequest("NO-SUCH-SKU", 1)], Payment.CASH)
    # The CLI's English line is unchanged; the screen's words come from the code.
    assert str(unknown.value) == "no product with SKU NO-SUCH-SKU in the catalog"
    assert error_words(unknown.value) == "商品目录里没有商品 NO-SUCH-SKU。"

    order = place(admin_store, ("LY-0001", 1), payment=Payment.CASH)
    with pytest.raises(KioskError) as not_arrived:
        confirm_pickup(admin_store, order.local_no, "123456", None, "test")
    assert str(not_arrived.value).endswith("not waiting for pickup")
    assert error_words(not_arrived.value) == f"订单 {order.local_no} 是“还没发给平台”，不是待取货。"

    with pytest.raises(KioskError) as missing:
        confirm_pickup(admin_store, "C999-9999", "123456", None, "test")
    assert error_words(missing.value) == "本机上没有订单 C999-9999。"


def test_unknown_errors_still_say_something_sensible(zh: None) -> None:
    plain = error_words(KioskError("the disk is full"))
    assert HAN.search(plain) and plain.endswith("the disk is full")
    unknown_code = error_words(KioskError("strange thing", code="no.such.code"))
    assert HAN.search(unknown_code) and "strange thing" in unknown_code
    # A raise site that forgot a param falls back to the English detail, it does not crash.
    forgot = error_words(KioskError("no order X on this kiosk", code="order.not_found"))
    assert "no order X on this kiosk" in forgot
    # A bug's message may hold paths or SQL: only its type is shown.
    crash = error_words(RuntimeError("/home/secret/kiosk.db is locked"))
    assert "RuntimeError" in crash and "secret" not in crash and HAN.search(crash)


def test_english_screens_stay_english(qapp: Any) -> None:
    from kiosk.ui.app import make_app

    make_app(lang="en")
    err = KioskError("x", code="checkin.all_in", params={"order": "C001-0001"})
    assert error_words(err) == "Every parcel of order C001-0001 is already checked in."


#: Error codes are dotted lower-case names (``order.not_found``); other ``code`` values in kiosk/
#: (search keys, SQLite error codes) do not look like that.
ERROR_CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def raised_codes() -> dict[str, str]:
    """code → file of every error code given as ``code="…"`` (or assigned to ``code``) in
    kiosk/, outside the GUI and the sync client (whose codes are the central service's)."""
    found: dict[str, str] = {}
    for path in sorted((REPO_ROOT / "kiosk").rglob("*.py")):
        rel = path.relative_to(REPO_ROOT).as_posix()
        if rel.startswith(("kiosk/ui/", "kiosk/sync/")):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        values: list[ast.expr] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "code":
                values.append(node.value)
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "code" for t in node.targets
            ):
                values.append(node.value)
        for value in values:
            for const in ast.walk(value):
                if isinstance(const, ast.Constant) and ERROR_CODE.match(str(const.value)):
                    found[str(const.value)] = rel
    return found


def test_every_raised_code_has_a_sentence() -> None:
    codes = raised_codes()
    # The scanner must really see the raise sites (else this test could not fail).
    assert {"order.not_found", "pickup.code_wrong", "pickup.code_wait"} <= codes.keys()
    assert len(codes) > 40
    missing = {c: f for c, f in codes.items() if c not in known_codes()}
    assert not missing, f"add these codes to kiosk/ui/errors.py: {missing}"

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
    # The status comes from the one status table (kiosk.ui.order_words).
    assert (
        error_words(not_arrived.value)
        == f"订单 {order.local_no} 不在等待取货（现在的状态：已下单，等待发送）。"
    )

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


# --- the central service's codes and the sync client's errors --------------------------------

#: A central code is a plain lower-case word (``bad_cursor``), as in ErrorBody.error.
CENTRAL_CODE = re.compile(r"^[a-z][a-z_]*$")


def central_codes() -> dict[str, str]:
    """code → file of every code the central service can send, read from central/'s source:
    ``code = "…"`` and ``code="…"`` (its errors), the code argument of ``_error(status, code,
    …)`` (its exception handlers), and ``reject("…", …)`` / ``reason="…"`` (refused changes);
    plus the ``code`` of every :class:`CentralError` subclass, from the objects themselves."""
    from central.errors import CentralError

    found: dict[str, str] = {}
    for path in sorted((REPO_ROOT / "central").rglob("*.py")):
        rel = path.relative_to(REPO_ROOT).as_posix()
        if "/migrations/" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        values: list[ast.expr] = []
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg in ("code", "reason"):
                values.append(node.value)
            elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                if any(isinstance(t, ast.Name) and t.id == "code" for t in targets):
                    values.append(node.value)
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                position = {"_error": 1, "reject": 0}.get(node.func.id)
                if position is not None and len(node.args) > position:
                    values.append(node.args[position])
        for value in values:
            for const in ast.walk(value):
                if isinstance(const, ast.Constant) and CENTRAL_CODE.match(str(const.value)):
                    found.setdefault(str(const.value), rel)

    def subclasses(cls: type) -> list[type]:
        return [c for s in cls.__subclasses__() for c in (s, *subclasses(s))]

    for cls in (CentralError, *subclasses(CentralError)):
        found.setdefault(str(cls.code), f"central.errors.{cls.__name__}")
    return found


def test_every_central_code_has_words(zh: None) -> None:
    from kiosk.sync.errors import Rejected
    from kiosk.ui.errors import central_words, known_central_codes

    codes = central_codes()
    # The scanner must really see the raise sites, handlers and refusals (else it cannot fail).
    assert {
        "unauthorized",  # CentralError class attribute
        "bad_cursor",  # code="…" at a raise site
        "busy",  # code = "…" in the handlers' reply helper
        "unknown_sku",  # reject("unknown_sku", …)
        "payload_mismatch",  # EventResult(reason="…")
        "invalid_payload",
    } <= codes.keys()
    assert len(codes) >= 20
    missing = {c: f for c, f in codes.items() if c not in known_central_codes()}
    assert not missing, f"add these central codes to kiosk/ui/errors.py (_CENTRAL): {missing}"
    generic = error_words(KioskError("x"))[:6]
    for code in codes:
        words = central_words(code)
        assert words and HAN.search(words), code
        # No English left in the Chinese sentence, beyond a command or "HTTP".
        assert not re.search(r"[A-Za-z]{4,}", words.replace("kiosk enroll", "")), words
        # A refusal carrying the code reads the same, not the generic "did not work" + English.
        refused = error_words(Rejected("the central service refused: x", 400, code))
        assert refused == words and not refused.startswith(generic), code
    not_ours = central_words("http_404") or ""  # an error reply that is not the platform's
    assert HAN.search(not_ours) and "404" in not_ours
    assert central_words("no_such_code") is None


def test_every_sync_error_type_has_words(zh: None) -> None:
    """Every error class the sync client raises has its own sentence (a new class fails here)."""
    from kiosk.sync import errors as sync_errors

    made: dict[type, BaseException] = {
        sync_errors.Offline: sync_errors.Offline("cannot reach the central service at http://x"),
        sync_errors.TlsRefused: sync_errors.TlsRefused(
            "the certificate of https://x is not trusted", sync_errors.TlsRefused.UNTRUSTED, 18
        ),
        sync_errors.ServerError: sync_errors.ServerError("busy or failing", 503),
        sync_errors.Rejected: sync_errors.Rejected("refused", 401, "unauthorized"),
        sync_errors.Unknown: sync_errors.Unknown("the outcome is unknown"),
        sync_errors.BadResponse: sync_errors.BadResponse("not JSON"),
        sync_errors.NotEnrolled: sync_errors.NotEnrolled("not enrolled"),
        sync_errors.KeyringRefused: sync_errors.KeyringRefused("no keyring"),
        sync_errors.RunLimit: sync_errors.RunLimit("the catalog feed sent 1000 pages", "pages"),
    }
    classes = {
        c
        for c in vars(sync_errors).values()
        if isinstance(c, type) and issubclass(c, KioskError) and c not in (KioskError,)
    } - {sync_errors.SyncError}
    assert classes == set(made), "give the new sync error class words in kiosk/ui/errors.py"
    generic = error_words(KioskError("x"))[:6]
    said = {cls: error_words(exc) for cls, exc in made.items()}
    for cls, words in said.items():
        assert HAN.search(words) and not words.startswith(generic), cls
        assert "central service" not in words and "http://x" not in words
    assert len(set(said.values())) == len(said)  # each says its own thing


def test_tls_refusals_are_said_by_their_reason_not_their_text(zh: None) -> None:
    """A certificate refused for its dates points at the clock (and shows it); an untrusted one
    at the address; no TLS at all at the address and port. The English message is not read."""
    from PySide6.QtCore import QDateTime

    from kiosk.sync.errors import Offline, TlsRefused

    today = QDateTime.currentDateTime().toString("yyyy-MM-dd")
    dates = error_words(TlsRefused("whatever", TlsRefused.CLOCK, 10))
    untrusted = error_words(TlsRefused("whatever", TlsRefused.UNTRUSTED, 18))
    handshake = error_words(TlsRefused("whatever", TlsRefused.HANDSHAKE))
    offline = error_words(Offline("x"))
    assert "证书" in dates and "日期和时间" in dates and today in dates
    assert "证书" in untrusted and "时间" not in untrusted and "地址" in untrusted
    assert "安全连接" in handshake and "https://" in handshake
    assert len({dates, untrusted, handshake, offline}) == 4
    # An Offline whose English happens to mention SSL is still just "cannot be reached".
    ssl_text = Offline(
        "cannot reach https://x: [SSL: CERTIFICATE_VERIFY_FAILED] certificate has expired"
    )
    assert error_words(ssl_text) == offline


def test_central_failures_keep_their_own_words(zh: None) -> None:
    """Busy (503 busy, Retry-After) and failing (500 server_error) say different things; a
    gateway's 5xx without central's body is a fault, its 503 busy; the enrollment brake says how
    long to wait."""
    from kiosk.sync.errors import ServerError
    from kiosk.ui.errors import central_words

    busy = error_words(ServerError("x", 503, "busy", 2.0))
    failing = error_words(ServerError("x", 500, "server_error"))
    assert busy == central_words("busy") and failing == central_words("server_error")
    assert busy != failing
    assert error_words(ServerError("x", 502)) == failing  # code http_502: not central's
    assert error_words(ServerError("x", 503)) == busy
    assert error_words(ServerError("x", 429, "rate_limited")) == busy
    brake = {
        s: error_words(ServerError("x", 429, "enroll_throttled", s)) for s in (1, 40, 600, 61.2)
    }
    assert brake[1] == "从这里输错注册码的次数太多。请等 1 秒，再仔细输入一次注册码。"
    assert brake[40] == "从这里输错注册码的次数太多。请等 40 秒，再仔细输入一次注册码。"
    assert brake[600] == "从这里输错注册码的次数太多。请等 10 分钟，再仔细输入一次注册码。"
    assert "62 秒" in brake[61.2]  # rounded up: never a wait shorter than asked
    without_wait = error_words(ServerError("x", 429, "enroll_throttled"))
    assert without_wait == central_words("enroll_throttled") and "一刻钟" in without_wait


def test_a_failed_sync_run_reads_in_chinese(zh: None) -> None:
    """A run's words come from its error_code (and central's code), never from its English."""
    from kiosk.sync.engine import SyncSummary
    from kiosk.sync.errors import Offline, SyncCode, Unknown
    from kiosk.ui.errors import central_words, sync_summary_words

    def words(code: str | None, central: str | None = None, *errors: str) -> str:
        return sync_summary_words(
            SyncSummary(ok=False, error_code=code, central_code=central, errors=list(errors))
        )

    said = {code: words(code) for code in SyncCode}
    for code, text in said.items():
        assert HAN.search(text), code
    # Each outcome says its own thing (OTHER and REFUSED without a code both add the detail).
    assert len(set(said.values())) == len(said)
    assert said[SyncCode.OFFLINE] == error_words(Offline("x"))
    assert said[SyncCode.TIMEOUT] == error_words(Unknown("x"))
    assert said[SyncCode.BUSY] == central_words("busy")
    assert said[SyncCode.SERVER_ERROR] == central_words("server_error")
    assert said[SyncCode.UNAUTHORIZED] == central_words("unauthorized")
    assert "日期和时间" in said[SyncCode.TLS_CLOCK]
    # A refusal says central's code; an unknown one adds the English detail for the technician.
    assert words(SyncCode.REFUSED, "bad_cursor", "orders: refused") == central_words("bad_cursor")
    unknown_refusal = words(SyncCode.REFUSED, None, "orders: something new")
    assert HAN.search(unknown_refusal) and unknown_refusal.endswith("orders: something new")
    other = words(SyncCode.OTHER, None, "catalog: something new")
    assert other.endswith("catalog: something new")
    # The English lines alone mean nothing: the phrase that once meant "enroll again", or the
    # old flags, without a code get the generic lead and the detail.
    english = sync_summary_words(
        SyncSummary(ok=False, offline=True, errors=["this kiosk must be enrolled again"])
    )
    assert english.endswith("this kiosk must be enrolled again")
    assert english not in (said[SyncCode.UNAUTHORIZED], said[SyncCode.OFFLINE])

"""What the technician's screen says when the platform is unreachable, refuses its certificate
(for its dates: the clock; or as untrusted), does not know the kiosk, is busy or failing, brakes
enrollment, or refuses a change: each in the screen's language, with what to do, through the
real sync client, the real engine and the real central service."""

from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from central.db import CentralDb
from central.service import CentralService
from kiosk.admin import Role
from kiosk.orders import Payment
from kiosk.storage.settings import SERVER_URL
from kiosk.storage.store import KioskStore
from kiosk.ui.errors import central_words
from tests.central.conftest import FakeClock
from tests.helpers.central_in_thread import CentralInThread
from tests.helpers.central_server import free_port
from tests.helpers.fake_keyring import MemoryKeyring
from tests.ui.admin.conftest import click, place, unlock
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

OFFLINE_ZH = "连不上平台：请检查网络（网线、上网卡）和平台服务地址。订单已保存，来网后会发送。"
TLS_EN = (
    "The security certificate at this address is not one this kiosk trusts: it is not the "
    "platform's, or the address is wrong. Check the central service address; if it is right, "
    "call support."
)
UNKNOWN_KIOSK_ZH = "平台不认识这台村站：请技术员重新注册。"


def set_server_url(store: KioskStore, url: str) -> None:
    with store.write() as s:
        KioskStore.set_setting(s, SERVER_URL, url)


def open_tab(qtbot: Any, window: Any, index: int) -> Any:
    unlock(qtbot, window, Role.TECHNICIAN)
    tech = window.admin.technician
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=20_000)
    bar = tech.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tech.tabs.currentIndex() == index
    return tech


def press_and_wait(qtbot: Any, tech: Any, button: Any) -> str:
    """Press a button of the technician's screen; the words it ends with."""
    with qtbot.waitSignal(tech.done, timeout=60_000) as outcome:
        click(qtbot, button)
    return str(outcome.args[0])


@pytest.fixture
def zh_window(admin_window: Any) -> Iterator[Any]:
    from kiosk.ui.app import make_app

    try:
        yield admin_window(lang="zh_CN")
    finally:
        make_app(lang="en")


def test_connection_test_says_unreachable_in_chinese(
    qtbot: Any, zh_window: Any, admin_store: KioskStore
) -> None:
    set_server_url(admin_store, f"http://127.0.0.1:{free_port()}")  # nobody listens there
    tech = open_tab(qtbot, zh_window, 1)
    said = press_and_wait(qtbot, tech, tech.sync_tab.test_button)
    assert said == OFFLINE_ZH
    assert "cannot reach" not in said and "127.0.0.1" not in said
    qtbot.waitUntil(lambda: not zh_window.services.runner.busy, timeout=10_000)


# --- a server whose certificate nobody trusts -------------------------------------------------


def self_signed_pem(folder: Path) -> Path:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "not-the-platform")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    path = folder / "self-signed.pem"
    path.write_bytes(
        cert.public_bytes(serialization.Encoding.PEM)
        + key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


class _Health(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"status": "ok", "version": "0"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def untrusted_https(tmp_path: Path) -> Iterator[str]:
    """``https://127.0.0.1:PORT`` answering health with a self-signed certificate."""
    pytest.importorskip("cryptography", reason="making a test certificate needs `cryptography`")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(self_signed_pem(tmp_path))
    server = HTTPServer(("127.0.0.1", 0), _Health)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_an_untrusted_certificate_points_at_the_address_not_the_clock(
    qtbot: Any, admin_window: Any, admin_store: KioskStore, untrusted_https: str
) -> None:
    set_server_url(admin_store, untrusted_https)
    window = admin_window()
    tech = open_tab(qtbot, window, 1)
    assert press_and_wait(qtbot, tech, tech.sync_tab.test_button) == TLS_EN
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)


def test_an_expired_certificate_says_check_the_date_and_time_in_chinese(
    qtbot: Any,
    zh_window: Any,
    admin_store: KioskStore,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A certificate the kiosk trusts, refused for its dates only: what a kiosk whose clock is
    years off sees. The words show the computer's date so the technician spots it."""
    pytest.importorskip("cryptography", reason="making a test certificate needs `cryptography`")
    from PySide6.QtCore import QDateTime

    from tests.helpers.tls_server import https_server, make_cert

    now = dt.datetime.now(dt.UTC)
    pem = make_cert(
        tmp_path, valid_from=now - dt.timedelta(days=400), valid_until=now - dt.timedelta(days=1)
    )
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))  # trusted, as a private platform CA would be
    with https_server(pem) as url:
        set_server_url(admin_store, url)
        tech = open_tab(qtbot, zh_window, 1)
        said = press_and_wait(qtbot, tech, tech.sync_tab.test_button)
        qtbot.waitUntil(lambda: not zh_window.services.runner.busy, timeout=10_000)
    today = QDateTime.currentDateTime().toString("yyyy-MM-dd")
    assert said.startswith("因为这台电脑的日期和时间不对，平台的安全证书没有通过验证")
    assert today in said and "certificate" not in said


# --- the real central service -----------------------------------------------------------------


def test_sync_with_a_token_the_platform_does_not_know_says_enroll_again(
    qtbot: Any,
    admin_window: Any,
    enrolled_store: KioskStore,
    device_keyring: MemoryKeyring,
) -> None:
    from kiosk.ui.app import make_app

    for key in device_keyring.secrets:  # e.g. the platform revoked this kiosk
        device_keyring.secrets[key] = "not-a-token-the-platform-issued"
    window = admin_window(enrolled_store, lang="zh_CN")
    try:
        tech = open_tab(qtbot, window, 1)
        said = press_and_wait(qtbot, tech, tech.sync_tab.sync_button)
        qtbot.waitUntil(lambda: tech.sync_tab.sync_button.isEnabled(), timeout=10_000)
    finally:
        make_app(lang="en")
    assert said == UNKNOWN_KIOSK_ZH
    assert "enroll" not in said.lower()
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)


def test_a_change_the_platform_refused_reads_as_words_in_the_outbox(
    qtbot: Any, admin_window: Any, enrolled_store: KioskStore
) -> None:
    # The central service here has no catalog: it refuses an order for a product it does not sell.
    place(enrolled_store, ("LY-0001", 1), payment=Payment.CASH)
    window = admin_window(enrolled_store)
    tech = open_tab(qtbot, window, 1)
    press_and_wait(qtbot, tech, tech.sync_tab.sync_button)
    qtbot.waitUntil(
        lambda: any(e.state == "quarantined" for e in tech.outbox_tab.events), timeout=20_000
    )
    row = next(i for i, e in enumerate(tech.outbox_tab.events) if e.state == "quarantined")
    assert tech.outbox_tab.outbox_table.item(row, 1).text() == "set aside"
    cell = tech.outbox_tab.outbox_table.item(row, 3)
    assert cell.text() == central_words("unknown_sku")
    assert cell.text().startswith("The platform does not sell a product of this order.")
    assert cell.toolTip().startswith("unknown_sku: ")  # the English line, for the technician
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)


def test_sync_while_the_platform_is_down_says_unreachable(
    qtbot: Any,
    admin_window: Any,
    enrolled_store: KioskStore,
    central_server: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("KIOSK_SYNC_RETRIES", "1")  # one attempt: no backoff waits in the test
    central_server.stop()
    window = admin_window(enrolled_store)
    tech = open_tab(qtbot, window, 1)
    said = press_and_wait(qtbot, tech, tech.sync_tab.sync_button)
    assert said.startswith("The platform cannot be reached: check the internet")
    assert "127.0.0.1" not in said
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)


# --- the real central app in this process: busy, failing, the enrollment brake ----------------


@pytest.fixture
def central_here(tmp_path: Path) -> Iterator[tuple[CentralInThread, FakeClock]]:
    """The real central app on 127.0.0.1 in a thread, with a service clock the test moves."""
    clock = FakeClock()
    db = CentralDb(f"sqlite:///{tmp_path / 'central-here.db'}")
    db.migrate()
    server = CentralInThread(CentralService(db, clock=clock)).start()
    try:
        yield server, clock
    finally:
        server.stop()
        db.close()


def test_sync_now_tells_busy_from_failing(
    qtbot: Any,
    zh_window: Any,
    admin_store: KioskStore,
    central_here: tuple[CentralInThread, FakeClock],
    device_keyring: MemoryKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy.exc import OperationalError

    from kiosk.storage.settings import ROUND_TRIP_SERVER
    from kiosk.sync.factory import enroll

    server, _clock = central_here
    enroll(admin_store, server.url, server.service.create_enroll_code("C021").code)
    monkeypatch.setenv("KIOSK_SYNC_RETRIES", "1")  # one attempt: no backoff waits in the test

    def crash(*_a: object) -> None:
        raise RuntimeError("a bug in central")

    def locked(*_a: object) -> None:
        raise OperationalError("UPDATE counters", {}, Exception("database is locked"))

    tech = open_tab(qtbot, zh_window, 1)
    said = {}
    for name, fault in (("failing", crash), ("busy", locked)):
        monkeypatch.setattr(server.service, "order_updates", fault)
        # The faults sit in the separate order-updates call: keep the engine on it (it would
        # otherwise start each cycle with POST /v1/sync once central has offered it).
        with admin_store.write() as s:
            KioskStore.set_setting(s, ROUND_TRIP_SERVER, "")
        said[name] = press_and_wait(qtbot, tech, tech.sync_tab.sync_button)
        qtbot.waitUntil(lambda: tech.sync_tab.sync_button.isEnabled(), timeout=10_000)
    assert said["failing"] == central_words("server_error")
    assert said["failing"].startswith("平台暂时出了故障")
    assert said["busy"] == central_words("busy") and said["busy"] != said["failing"]
    qtbot.waitUntil(lambda: not zh_window.services.runner.busy, timeout=10_000)


@pytest.fixture
def fresh_store(tmp_path: Path) -> Iterator[KioskStore]:
    """A store that has never been set up (the first-run wizard opens on it)."""
    store = KioskStore.open(tmp_path / "fresh")
    try:
        yield store
    finally:
        store.close()


def test_the_wizard_says_how_long_the_enrollment_brake_lasts(
    qtbot: Any,
    fresh_store: KioskStore,
    admin_window: Any,
    central_here: tuple[CentralInThread, FakeClock],
) -> None:
    import httpx

    from central.enrollment import ENROLL_MAX_REFUSALS
    from kiosk.ui.app import make_app

    server, clock = central_here
    code = server.service.create_enroll_code("C021").code
    for i in range(ENROLL_MAX_REFUSALS):  # someone guessed codes from this address
        r = httpx.post(f"{server.url}/v1/enroll", json={"code": f"WRONG{i:03d}"})
        assert r.status_code == 403
    clock.advance(minutes=5)
    try:
        window = admin_window(fresh_store, lang="zh_CN")
        window.show_first_run()
        wizard = window.admin.wizard
        wizard.keyring_backend = MemoryKeyring()
        for step in ("center", "server"):
            if step == "server":
                wizard.center_name.setText("服务站")
                wizard.center_id.setText("C021")
            with qtbot.waitSignal(wizard.step_changed, timeout=20_000) as moved:
                click(qtbot, wizard.next_button)
            assert moved.args[0] == step
        wizard.server_url.setText(server.url)
        wizard.enroll_code.setText(code)  # the right code: refused too while the brake is on
        with qtbot.waitSignal(window.services.runner.idle, timeout=30_000):
            click(qtbot, wizard.enroll_button)
        said = wizard.message.text()
        assert said == "从这里输错注册码的次数太多。请等 10 分钟，再仔细输入一次注册码。"
        assert fresh_store.setting("sync.server_url") is None
        qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
    finally:
        make_app(lang="en")

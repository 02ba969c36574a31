"""Fixtures of the owner/technician GUI tests: a kiosk window whose PINs are set, helpers to
unlock it by clicks, and orders moved along as the central service would."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import keyring
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from kiosk.admin import ClockReading, Role
from kiosk.customers import Customer
from kiosk.orders import LineRequest, OrderStatus, Payment
from kiosk.storage import orders as svc
from kiosk.storage.admin import set_pin
from kiosk.storage.store import KioskStore
from kiosk.sync.factory import enroll
from tests.helpers.central_server import (
    CentralServer,
    central_server,  # noqa: F401  (the fixture, for enrolled_store)
)
from tests.helpers.fake_keyring import MemoryKeyring

OWNER_PIN = "2580"
TECH_PIN = "7391"
PHONE = "13912345678"
VILLAGER = Customer.of("李四", PHONE)


@dataclass
class FakeClock:
    """Both clocks, moved by hand."""

    wall: float = 1_750_000_000.0
    mono: float = 1_000.0

    def __call__(self) -> ClockReading:
        return ClockReading(self.wall, self.mono)

    def pass_time(self, seconds: float) -> None:
        self.wall += seconds
        self.mono += seconds


def click(qtbot: Any, button: QPushButton) -> None:
    assert button.isEnabled(), button.text()
    assert button.isVisible(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def place(
    store: KioskStore, *lines: tuple[str, int], payment: Payment = Payment.CASH
) -> svc.PlacedOrder:
    """Place an order for the test villager."""
    return svc.place_order(store, VILLAGER, [LineRequest(k, q) for k, q in lines], payment)


def advance(store: KioskStore, order_id: str, status: OrderStatus) -> None:
    """Apply a status as if the central service had sent it."""
    with store.write() as s:
        svc.apply_remote_status(s, order_id, status, server_no="S00000001")


def status_of(store: KioskStore, order_id: str) -> OrderStatus:
    with store.read() as s:
        return svc.get_order(s, order_id).status


@pytest.fixture(scope="session")
def pinned_template(template_data_dir: Any, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The UI template store with both PINs set (Argon2id once per session, not per test)."""
    import shutil

    data = tmp_path_factory.mktemp("admin-template") / "data"
    shutil.copytree(template_data_dir, data)
    with KioskStore.open(data) as store:
        set_pin(store, Role.OWNER, OWNER_PIN, "test")
        set_pin(store, Role.TECHNICIAN, TECH_PIN, "test")
    return data


@pytest.fixture
def admin_store(pinned_template: Any, tmp_path: Any) -> Any:
    """A fresh copy of the pinned store for one test."""
    import shutil

    data = tmp_path / "kiosk-data"
    shutil.copytree(pinned_template, data)
    store = KioskStore.open(data)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def device_keyring() -> Iterator[MemoryKeyring]:
    """A secure in-memory keyring standing in for the OS keyring, for this test only."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def enrolled_store(
    admin_store: KioskStore,
    central_server: CentralServer,  # noqa: F811  (the imported fixture)
    device_keyring: MemoryKeyring,
) -> KioskStore:
    """The pinned admin store, enrolled at the real central service (not synced yet)."""
    enroll(admin_store, central_server.url, central_server.enroll_code("C021", "李家村服务站"))
    return admin_store


@pytest.fixture
def admin_window(qtbot: Any, admin_store: KioskStore, clock: FakeClock) -> Any:
    """Build kiosk windows (English) on ``admin_store`` with the fake clock on the PIN screen."""
    from kiosk.ui.app import build_window, make_app

    made: list[Any] = []

    def build(store: KioskStore | None = None, lang: str = "en") -> Any:
        make_app(lang=lang)
        window = build_window(
            store or admin_store, lang=lang, idle_timeout_ms=600_000, connected=False
        )
        window.admin.pin.clock = clock
        window.resize(1366, 768)
        with qtbot.waitSignal(window.home.loaded, timeout=10_000):
            window.show()
        made.append(window)
        return window

    yield build
    for window in made:
        runner = window.services.runner
        qtbot.waitUntil(lambda r=runner: not r.busy, timeout=10_000)
        window.close()
        window.deleteLater()


def type_pin(qtbot: Any, window: Any, pin: str, role: Role = Role.OWNER) -> bool:
    """On the PIN screen: choose the role, type ``pin`` on the keypad, press Unlock; wait."""
    screen = window.admin.pin
    click(qtbot, screen.tech_button if role is Role.TECHNICIAN else screen.owner_button)
    for d in pin:
        click(qtbot, screen.keypad.findChild(QPushButton, f"key_{d}"))
    with qtbot.waitSignal(screen.checked, timeout=10_000) as blocker:
        click(qtbot, screen.unlock_button)
    return bool(blocker.args[0])


def unlock(qtbot: Any, window: Any, role: Role = Role.OWNER) -> None:
    """From villager mode: the top-right button, then the role's PIN."""
    click(qtbot, window.admin_button)
    assert window.admin.current() is window.admin.pin
    assert type_pin(qtbot, window, OWNER_PIN if role is Role.OWNER else TECH_PIN, role)
    screen = window.admin.owner if role is Role.OWNER else window.admin.technician
    assert window.admin.current() is screen


Build = Callable[..., Any]


@pytest.fixture
def services(qtbot: Any, admin_store: KioskStore) -> Iterator[Any]:
    """The kiosk's services on ``admin_store`` (a real runner, English), without any window: for
    building one screen or tab on its own."""
    from kiosk.ui.app import make_app
    from kiosk.ui.images import ImageCache
    from kiosk.ui.services import KioskServices
    from kiosk.ui.tasks import TaskRunner

    make_app(lang="en")
    runner = TaskRunner()
    built = KioskServices(
        store=admin_store,
        runner=runner,
        images=ImageCache(admin_store.media_dir, runner),
        lang="en",
    )
    yield built
    qtbot.waitUntil(lambda: not runner.busy, timeout=10_000)
    runner.shutdown()

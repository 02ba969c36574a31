"""The first-run wizard end to end: offline (enroll later, catalog from a USB file) and online
against the real central service (enrollment code → credential in the keyring)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLineEdit, QPushButton

from kiosk.admin import Role
from kiosk.storage.admin import pins_configured, verify_pin
from kiosk.storage.settings import CENTER_ID, CENTER_NAME
from kiosk.storage.store import KioskStore
from kiosk.ui.admin.wizard import LANGUAGE, needs_first_run
from tests.helpers.central_server import CentralServer, central_server  # noqa: F401
from tests.helpers.fake_keyring import MemoryKeyring
from tests.ui.admin.conftest import click
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

OWNER_PIN, TECH_PIN = "4826", "9150"


@pytest.fixture
def fresh_store(tmp_path: Path) -> Any:
    store = KioskStore.open(tmp_path / "fresh")
    try:
        yield store
    finally:
        store.close()


def next_step(qtbot: Any, wizard: Any, expected: str) -> None:
    with qtbot.waitSignal(wizard.step_changed, timeout=20_000) as blocker:
        click(qtbot, wizard.next_button)
    assert blocker.args[0] == expected, wizard.message.text()


def type_into(qtbot: Any, field: QLineEdit, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def pins_step(qtbot: Any, wizard: Any) -> None:
    type_into(qtbot, wizard.owner_pin, OWNER_PIN)
    type_into(qtbot, wizard.owner_pin2, "4827")
    click(qtbot, wizard.next_button)
    assert "differ" in wizard.message.text() and wizard.step == "pins"
    for field, pin in (
        (wizard.owner_pin, OWNER_PIN),
        (wizard.owner_pin2, OWNER_PIN),
        (wizard.tech_pin, "1234"),
        (wizard.tech_pin2, "1234"),
    ):
        type_into(qtbot, field, pin)
    click(qtbot, wizard.next_button)
    assert "1234" in wizard.message.text() and wizard.step == "pins"  # a straight run
    for field, pin in (
        (wizard.owner_pin, OWNER_PIN),
        (wizard.owner_pin2, OWNER_PIN),
        (wizard.tech_pin, TECH_PIN),
        (wizard.tech_pin2, TECH_PIN),
    ):
        type_into(qtbot, field, pin)
    next_step(qtbot, wizard, "catalog")


def test_wizard_offline_with_usb_catalog(
    qtbot: Any, admin_window: Any, fresh_store: KioskStore, template_data_dir: Path
) -> None:
    assert needs_first_run(fresh_store)
    window = admin_window(fresh_store)
    window.show_first_run()
    wizard = window.admin.wizard
    assert wizard.isVisible() and not window.top.isVisible()
    assert wizard.step == "language" and not wizard.back_button.isEnabled()
    click(qtbot, wizard.zh_button)
    next_step(qtbot, wizard, "center")
    click(qtbot, wizard.next_button)  # nothing typed
    assert wizard.step == "center" and "name and id" in wizard.message.text()
    wizard.center_name.setText("幸福村服务站")  # Chinese comes from the IME in one piece
    type_into(qtbot, wizard.center_id, "c017")
    next_step(qtbot, wizard, "server")
    next_step(qtbot, wizard, "pins")  # no internet here: enroll later
    pins_step(qtbot, wizard)
    # The catalog from the USB stick, with progress.
    catalog = template_data_dir.parent / "catalog" / "catalog.jsonl"
    wizard.choose_file = lambda *_a: catalog
    progress: list[int] = []
    wizard.import_bar.valueChanged.connect(progress.append)
    with qtbot.waitSignal(wizard.imported, timeout=20_000) as imported:
        click(qtbot, wizard.import_button)
    assert imported.args[0].created == 12 and progress
    assert wizard.next_button.text() == "Finish"
    click(qtbot, wizard.next_button)
    assert window.current() is window.home and window.top.isVisible()
    assert window.top.center.text() == "幸福村服务站"
    assert not needs_first_run(fresh_store)
    assert fresh_store.setting(CENTER_ID) == "C017"
    assert fresh_store.setting(CENTER_NAME) == "幸福村服务站"
    assert fresh_store.setting(LANGUAGE) == "zh_CN"
    assert fresh_store.setting("sync.server_url") is None  # not enrolled: sync stays off
    assert all(pins_configured(fresh_store).values())
    assert verify_pin(fresh_store, Role.OWNER, OWNER_PIN).ok
    assert verify_pin(fresh_store, Role.TECHNICIAN, TECH_PIN).ok
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)


def test_wizard_enrolls_with_the_real_central(
    qtbot: Any,
    admin_window: Any,
    fresh_store: KioskStore,
    central_server: CentralServer,  # noqa: F811
) -> None:
    code = central_server.enroll_code("C021", name="红星村服务站")
    window = admin_window(fresh_store)
    window.show_first_run()
    wizard = window.admin.wizard
    backend = MemoryKeyring()
    wizard.keyring_backend = backend
    next_step(qtbot, wizard, "center")
    wizard.center_name.setText("临时名称")
    type_into(qtbot, wizard.center_id, "TMP")
    next_step(qtbot, wizard, "server")
    type_into(qtbot, wizard.server_url, central_server.url)
    with qtbot.waitSignal(window.services.runner.idle, timeout=20_000):
        click(qtbot, wizard.test_button)
    assert "answers" in wizard.message.text(), wizard.message.text()
    type_into(qtbot, wizard.enroll_code, code)
    with qtbot.waitSignal(wizard.enrolled, timeout=30_000) as enrolled:
        click(qtbot, wizard.enroll_button)
    assert enrolled.args[0].center_id == "C021"
    assert wizard.center_name.text() == "红星村服务站"
    assert "Enrolled" in wizard.message.text() and wizard.enroll_code.text() == ""
    # The credential is in the keyring, not in the database.
    device = fresh_store.setting("device.id")
    assert device and (("village-kiosk", f"device:{device}") in backend.secrets)
    token = next(iter(backend.secrets.values()))
    assert all(token not in v for v in fresh_store.settings().values())
    next_step(qtbot, wizard, "pins")
    pins_step(qtbot, wizard)
    click(qtbot, wizard.next_button)
    assert window.current() is window.home
    assert window.top.center.text() == "红星村服务站"
    assert fresh_store.setting("sync.server_url") == central_server.url
    assert fresh_store.setting(CENTER_ID) == "C021"
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)


def test_a_used_code_is_refused_in_plain_words(
    qtbot: Any,
    admin_window: Any,
    fresh_store: KioskStore,
    central_server: CentralServer,  # noqa: F811
) -> None:
    window = admin_window(fresh_store)
    window.show_first_run()
    wizard = window.admin.wizard
    wizard.keyring_backend = MemoryKeyring()
    next_step(qtbot, wizard, "center")
    wizard.center_name.setText("服务站")
    type_into(qtbot, wizard.center_id, "C1")
    next_step(qtbot, wizard, "server")
    type_into(qtbot, wizard.server_url, central_server.url)
    type_into(qtbot, wizard.enroll_code, "NOT-A-REAL-CODE")
    with qtbot.waitSignal(window.services.runner.idle, timeout=30_000):
        click(qtbot, wizard.enroll_button)
    assert "refused" in wizard.message.text(), wizard.message.text()
    assert fresh_store.setting("sync.server_url") is None
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)


def test_first_run_opens_the_wizard_only_without_pins(
    qtbot: Any, admin_window: Any, fresh_store: KioskStore, admin_store: KioskStore
) -> None:
    from kiosk.ui.app import open_first_run_if_needed

    window = admin_window(fresh_store)
    assert open_first_run_if_needed(window)
    assert window.admin.wizard.isVisible() and window.admin.wizard.step == "language"
    configured = admin_window(admin_store)
    assert not open_first_run_if_needed(configured)
    assert configured.current() is configured.home


def tap_digits(qtbot: Any, wizard: Any, digits: str) -> None:
    for digit in digits:
        click(qtbot, wizard.pin_keypad.findChild(QPushButton, f"key_{digit}"))


def test_pins_can_be_set_with_the_on_screen_keypad_alone(
    qtbot: Any, admin_window: Any, fresh_store: KioskStore
) -> None:
    """A touch screen without a keyboard: every PIN box is filled by tapping the big keys; the
    repeated PIN moves on by itself, "Next box" moves on from a first PIN, letters never get in."""
    window = admin_window(fresh_store)
    window.show_first_run()
    wizard = window.admin.wizard
    click(qtbot, wizard.zh_button)
    next_step(qtbot, wizard, "center")
    wizard.center_name.setText("幸福村服务站")
    type_into(qtbot, wizard.center_id, "C017")
    next_step(qtbot, wizard, "server")
    next_step(qtbot, wizard, "pins")
    assert wizard.pin_keypad.isVisible()
    assert wizard.pin_keypad.target() is wizard.owner_pin
    tap_digits(qtbot, wizard, OWNER_PIN)
    click(qtbot, wizard.next_pin_button)
    assert wizard.pin_keypad.target() is wizard.owner_pin2
    tap_digits(qtbot, wizard, OWNER_PIN)  # as long as the first: on to the technician's PIN
    assert wizard.pin_keypad.target() is wizard.tech_pin
    tap_digits(qtbot, wizard, TECH_PIN)
    click(qtbot, wizard.next_pin_button)
    tap_digits(qtbot, wizard, TECH_PIN)
    assert wizard.pin_keypad.target() is wizard.tech_pin2  # the last box: stays put
    assert [f.text() for f in wizard.pin_fields] == [OWNER_PIN, OWNER_PIN, TECH_PIN, TECH_PIN]
    qtbot.keyClicks(wizard.tech_pin2, "ab")  # a keyboard's letters are not digits
    assert wizard.tech_pin2.text() == TECH_PIN
    next_step(qtbot, wizard, "catalog")
    assert verify_pin(fresh_store, Role.OWNER, OWNER_PIN).ok
    assert verify_pin(fresh_store, Role.TECHNICIAN, TECH_PIN).ok
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)

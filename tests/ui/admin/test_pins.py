"""PINs changed from the GUI, through the real store: the owner changes the owner's PIN, the
technician changes the technician's and resets the owner's (the owner forgot it). A wrong
current PIN counts toward the same persisted back-off as the unlock screen; mismatched or
rule-breaking new PINs change nothing and cost no try; the owner never reaches the reset."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QPushButton
from sqlalchemy import select

from kiosk.admin import Role
from kiosk.errors import InvalidInput
from kiosk.storage.admin import load_backoff, pin_key, reset_pin, stored_pin_hash, verify_pin
from kiosk.storage.models import AuditEntry
from kiosk.storage.store import KioskStore
from kiosk.ui.admin.pin_dialog import PinChangeForm
from tests.helpers.raw_files import raw_bytes
from tests.ui.admin.conftest import OWNER_PIN, TECH_PIN, FakeClock, click, type_pin, unlock
from tests.ui.admin.test_admin_lock import skip_countdown
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)

NEW_PIN = "4826"


def idle(qtbot: Any, window: Any) -> None:
    qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=20_000)


def type_into(qtbot: Any, form: PinChangeForm, field: QLineEdit, digits: str) -> None:
    """Tap the field (the keypad follows it), then the digits on the keypad."""
    qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
    assert form.keypad.target() is field
    for d in digits:
        click(qtbot, form.keypad.findChild(QPushButton, f"key_{d}"))
    assert field.text() == digits


def fill(qtbot: Any, form: PinChangeForm, current: str | None, new: str, again: str) -> None:
    if current is not None:
        type_into(qtbot, form, form.current_field, current)
    type_into(qtbot, form, form.new_field, new)
    type_into(qtbot, form, form.again_field, again)


def save(qtbot: Any, form: PinChangeForm) -> bool:
    """Press "Save the new PIN"; True when the PIN was changed."""
    with qtbot.waitSignal(form.checked, timeout=20_000) as blocker:
        click(qtbot, form.save_button)
    return bool(blocker.args[0])


def open_owner_form(qtbot: Any, window: Any) -> PinChangeForm:
    unlock(qtbot, window, Role.OWNER)
    owner = window.admin.owner
    idle(qtbot, window)
    click(qtbot, owner.pin_button)
    assert owner.stack.currentWidget() is owner.pin_form
    return owner.pin_form


def open_pins_tab(qtbot: Any, window: Any) -> Any:
    unlock(qtbot, window, Role.TECHNICIAN)
    tech = window.admin.technician
    idle(qtbot, window)
    bar = tech.tabs.tabBar()
    index = [bar.tabText(i) for i in range(bar.count())].index("PINs")
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tech.pins_tab.pin_form.isVisible()
    return tech


def audit(store: KioskStore) -> list[tuple[str, str, str | None, str]]:
    with store.read() as s:
        return [
            (a.actor, a.action, a.subject, a.detail)
            for a in s.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


def back_to_pin_screen(qtbot: Any, window: Any) -> None:
    """Lock from the owner's queue: back on the PIN screen, nobody unlocked."""
    owner = window.admin.owner
    if owner.stack.currentWidget() is owner.pin_form:
        click(qtbot, owner.pin_form.back_button)
    click(qtbot, owner.lock_button)
    click(qtbot, window.admin_button)
    assert window.admin.current() is window.admin.pin and not window.admin.session.active


def test_owner_changes_the_owner_pin(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    window = admin_window()
    form = open_owner_form(qtbot, window)
    assert form.current_field.isVisible() and form.resetting_as is None
    fill(qtbot, form, OWNER_PIN, NEW_PIN, NEW_PIN)
    assert save(qtbot, form)
    owner = window.admin.owner
    assert owner.stack.currentWidget() is owner.home
    assert owner.message.text() == "The PIN was changed. Use the new PIN from now on."
    assert audit(admin_store)[-2:] == [
        ("owner", "pin_ok", "owner", ""),
        ("owner", "pin_set", "owner", "changed with the current PIN"),
    ]
    idle(qtbot, window)
    back_to_pin_screen(qtbot, window)
    assert not type_pin(qtbot, window, OWNER_PIN, Role.OWNER)  # the old PIN no longer opens
    assert type_pin(qtbot, window, NEW_PIN, Role.OWNER)
    assert window.admin.current() is owner
    assert NEW_PIN.encode() not in raw_bytes(admin_store.path)


def test_wrong_current_pin_shares_the_unlock_back_off(
    qtbot: Any, admin_window: Any, admin_store: KioskStore, clock: FakeClock
) -> None:
    window = admin_window()
    form = open_owner_form(qtbot, window)
    before = stored_pin_hash(admin_store, Role.OWNER)
    for _ in range(2):  # typos are free, as on the unlock screen
        fill(qtbot, form, "1357", NEW_PIN, NEW_PIN)
        assert not save(qtbot, form)
        assert form.message.text() == "The current PIN is wrong. Nothing was changed."
    fill(qtbot, form, "1357", NEW_PIN, NEW_PIN)
    assert not save(qtbot, form)  # the third wrong try in a row costs 30 s
    assert form.waiting and "Wait 30 seconds" in form.message.text()
    assert not form.save_button.isEnabled()
    assert load_backoff_failures(admin_store, Role.OWNER) == 3
    assert stored_pin_hash(admin_store, Role.OWNER) == before

    # The unlock screen keeps the same wait: the right PIN is refused until it is over.
    idle(qtbot, window)
    back_to_pin_screen(qtbot, window)
    pin = window.admin.pin
    assert not type_pin(qtbot, window, OWNER_PIN, Role.OWNER)
    assert "Wait 30 seconds" in pin.message.text()
    clock.pass_time(31)
    skip_countdown(pin)
    assert type_pin(qtbot, window, OWNER_PIN, Role.OWNER)  # unchanged, and the wait is over
    assert load_backoff_failures(admin_store, Role.OWNER) == 0
    wrong = [a for a in audit(admin_store) if a[1] == "pin_wrong"]
    assert [a[3] for a in wrong] == ["failures 1", "failures 2", "failures 3"]


def load_backoff_failures(store: KioskStore, role: Role) -> int:
    with store.read() as s:
        return load_backoff(s, pin_key(role)).failures


def test_mismatched_or_refused_new_pins_change_nothing(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    window = admin_window()
    form = open_owner_form(qtbot, window)
    before = stored_pin_hash(admin_store, Role.OWNER)
    entries = len(audit(admin_store))

    click(qtbot, form.save_button)  # nothing typed
    assert form.message.text() == "Fill in every PIN field first."
    fill(qtbot, form, OWNER_PIN, NEW_PIN, "4862")
    assert not save(qtbot, form)
    assert form.message.text() == "The two new PINs differ. Type the new PIN twice again."
    assert form.new_field.text() == "" and form.again_field.text() == ""
    form.current_field.clear()
    fill(qtbot, form, OWNER_PIN, "1234", "1234")
    assert not save(qtbot, form)
    assert form.message.text() == "A PIN cannot be a run like 1234 or 4321; choose another."
    # None of these reached the store: no try counted, no audit entry, the same hash.
    assert len(audit(admin_store)) == entries
    assert load_backoff_failures(admin_store, Role.OWNER) == 0

    assert stored_pin_hash(admin_store, Role.OWNER) == before
    idle(qtbot, window)


def test_owner_change_never_tells_the_technicians_pin(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    """A refusal "same as the technician's" would reveal it, one candidate per change."""
    window = admin_window()
    form = open_owner_form(qtbot, window)
    fill(qtbot, form, OWNER_PIN, TECH_PIN, TECH_PIN)
    assert save(qtbot, form)  # answered like any other new PIN: nothing learned
    assert "different PINs" not in form.message.text()
    assert verify_pin(admin_store, Role.OWNER, TECH_PIN).ok
    assert verify_pin(admin_store, Role.TECHNICIAN, TECH_PIN).ok  # the technician's is untouched
    idle(qtbot, window)


def test_technician_resets_a_locked_out_owner_pin(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    window = admin_window()
    click(qtbot, window.admin_button)
    for _ in range(3):  # the owner forgot the PIN and is now waiting
        assert not type_pin(qtbot, window, "1357", Role.OWNER)
    assert window.admin.pin.waiting
    skip_countdown(window.admin.pin)  # display only: the technician's PIN has its own back-off
    click(qtbot, window.admin.pin.back_button)

    tech = open_pins_tab(qtbot, window)
    form = tech.pins_tab.pin_form
    click(qtbot, tech.pins_tab.owner_pin_button)
    assert form.resetting_as is Role.TECHNICIAN and form.role is Role.OWNER
    assert not form.current_field.isVisible()
    fill(qtbot, form, None, "5927", "5297")
    assert not save(qtbot, form)
    assert "differ" in form.message.text()
    fill(qtbot, form, None, NEW_PIN, NEW_PIN)
    assert save(qtbot, form)
    assert tech.message.text() == "The owner's PIN was reset. Tell the owner the new PIN."
    assert audit(admin_store)[-1] == ("technician", "pin_set", "owner", "reset by the technician")
    assert form.resetting_as is Role.TECHNICIAN and form.new_field.text() == ""  # ready again

    idle(qtbot, window)
    click(qtbot, tech.lock_button)
    click(qtbot, window.admin_button)
    assert type_pin(qtbot, window, NEW_PIN, Role.OWNER)  # no wait left: the reset cleared it
    assert window.admin.current() is window.admin.owner
    assert stored_pin_hash(admin_store, Role.TECHNICIAN) is not None
    idle(qtbot, window)
    click(qtbot, window.admin.owner.lock_button)
    click(qtbot, window.admin_button)
    assert type_pin(qtbot, window, TECH_PIN, Role.TECHNICIAN)  # the technician's is unchanged


def test_technician_changes_the_technician_pin(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    window = admin_window()
    tech = open_pins_tab(qtbot, window)
    form = tech.pins_tab.pin_form
    assert tech.pins_tab.my_pin_button.isChecked() and form.role is Role.TECHNICIAN
    assert form.resetting_as is None and form.current_field.isVisible()
    fill(qtbot, form, OWNER_PIN, "6150", "6150")  # the owner's PIN is not the technician's
    assert not save(qtbot, form)
    assert form.message.text() == "The current PIN is wrong. Nothing was changed."
    fill(qtbot, form, TECH_PIN, "6150", "6150")
    assert save(qtbot, form)
    assert tech.message.text() == "The PIN was changed. Use the new PIN from now on."
    assert audit(admin_store)[-1] == (
        "technician",
        "pin_set",
        "technician",
        "changed with the current PIN",
    )
    idle(qtbot, window)
    click(qtbot, tech.lock_button)
    click(qtbot, window.admin_button)
    assert not type_pin(qtbot, window, TECH_PIN, Role.TECHNICIAN)
    assert type_pin(qtbot, window, "6150", Role.TECHNICIAN)


def test_the_owner_cannot_reach_a_pin_reset(
    qtbot: Any, admin_window: Any, admin_store: KioskStore
) -> None:
    window = admin_window()
    form = open_owner_form(qtbot, window)
    owner = window.admin.owner
    # The owner's page changes the owner's own PIN, with the current one; no reset anywhere.
    assert form.role is Role.OWNER and form.resetting_as is None and form.current_field.isVisible()
    seen = []
    for page in (owner.pin_form, owner.home):
        owner.stack.setCurrentWidget(page)
        seen += [b.text() for b in window.findChildren(QPushButton) if b.isVisible()]
    assert "Change my PIN" in seen and "Save the new PIN" in seen
    assert not any("Reset" in text for text in seen), seen
    assert not window.admin.technician.isVisible()

    # Below the GUI too: only the technician resets, and only the owner's PIN.
    hashes = {r: stored_pin_hash(admin_store, r) for r in (Role.OWNER, Role.TECHNICIAN)}
    for role, actor in (
        (Role.TECHNICIAN, Role.OWNER),
        (Role.OWNER, Role.OWNER),
        (Role.TECHNICIAN, Role.TECHNICIAN),
    ):
        with pytest.raises(InvalidInput) as refused:
            reset_pin(admin_store, role, NEW_PIN, actor)
        assert refused.value.code == "pin.reset_not_allowed"
    assert {r: stored_pin_hash(admin_store, r) for r in hashes} == hashes
    idle(qtbot, window)

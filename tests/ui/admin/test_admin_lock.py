"""Locked admin (docs/reliability.md): admin screens are unreachable without the PIN; the back-off
doubles and survives a restart; an unlocked session locks itself when idle."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from kiosk.admin import Role
from kiosk.storage.store import KioskStore
from tests.ui.admin.conftest import OWNER_PIN, TECH_PIN, click, type_pin, unlock
from tests.ui.conftest import QT_OFFSCREEN_NOISE

pytestmark = pytest.mark.qt_log_ignore(*QT_OFFSCREEN_NOISE)


def admin_visible(window: Any) -> bool:
    """True when any owner/technician/wizard page is on screen."""
    a = window.admin
    return any(w.isVisible() for w in (a.owner, a.technician, a.wizard))


def villager_buttons(window: Any) -> list[QPushButton]:
    """Every visible, enabled button of villager mode except the way into admin mode."""
    return [
        b
        for b in window.findChildren(QPushButton)
        if b.isVisible() and b.isEnabled() and b is not window.admin_button
    ]


def test_no_villager_path_reaches_an_admin_screen(qtbot: Any, admin_window: Any) -> None:
    window = admin_window()
    window.services.asker.answer = lambda *_a: False  # no modal dialog in the tour
    assert not admin_visible(window)
    # Every button of every villager screen, each clicked from that screen.
    screens = {
        "home": window.go_home,
        "search": lambda: window.show_search("xiyiji"),
        "category": lambda: window.show_category("粮油食品"),
        "detail": lambda: window.show_product("LY-0001"),
        "checkout": window.show_checkout,
        "my orders": window.show_my_orders,
    }
    seen: set[str] = set()
    for name, open_screen in screens.items():
        open_screen()
        qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
        labels = [(b.objectName(), b.text()) for b in villager_buttons(window)]
        for object_name, text in labels:
            open_screen()
            qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
            match = [
                b
                for b in villager_buttons(window)
                if (b.objectName(), b.text()) == (object_name, text)
            ]
            if not match:
                continue
            seen.add(f"{name}/{object_name}/{text}")
            qtbot.mouseClick(match[0], Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: not window.services.runner.busy, timeout=10_000)
            assert not admin_visible(window), (name, text)
            assert not window.admin.session.active, (name, text)
    assert len(seen) > 30, seen
    # Keys: Enter, Escape, function keys and shortcuts typed anywhere do not open admin mode.
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape, Qt.Key.Key_F1, Qt.Key.Key_F12):
        qtbot.keyClick(window, key)
        qtbot.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
    assert not admin_visible(window)
    # The idle reset and "Done" return to villager mode, never into an admin screen.
    window.reset_session()
    assert not admin_visible(window) and not window.admin.session.active


def test_the_pin_screen_is_the_only_way_in(qtbot: Any, admin_window: Any) -> None:
    window = admin_window()
    click(qtbot, window.admin_button)
    assert window.admin.current() is window.admin.pin and window.admin.pin.isVisible()
    assert not window.top.isVisible()
    # Unlock with nothing typed, then with the other role's PIN, then a wrong one: still locked.
    click(qtbot, window.admin.pin.unlock_button)
    assert "Type the PIN" in window.admin.pin.message.text()
    assert not type_pin(qtbot, window, TECH_PIN, Role.OWNER)
    assert not type_pin(qtbot, window, OWNER_PIN, Role.TECHNICIAN)
    assert not admin_visible(window) and not window.admin.session.active
    # "Back to the shop" leaves for villager mode.
    click(qtbot, window.admin.pin.back_button)
    assert window.current() is window.home and window.top.isVisible()
    # The owner's PIN opens the owner's screen only, the technician's the technician's.
    unlock(qtbot, window, Role.OWNER)
    assert window.admin.session.role is Role.OWNER and not window.admin.technician.isVisible()
    click(qtbot, window.admin.owner.lock_button)
    assert window.current() is window.home and not window.admin.session.active
    unlock(qtbot, window, Role.TECHNICIAN)
    assert window.admin.session.role is Role.TECHNICIAN and not window.admin.owner.isVisible()
    click(qtbot, window.admin.technician.lock_button)
    assert window.current() is window.home


def test_no_pin_set_means_no_way_in(qtbot: Any, make_window: Any) -> None:
    """A kiosk without PINs (wizard not finished) does not open admin mode for anybody."""
    window = make_window()
    click(qtbot, window.admin_button)
    assert not type_pin(qtbot, window, "2580", Role.OWNER)
    assert "No PIN is set" in window.admin.pin.message.text()
    assert not admin_visible(window) and not window.admin.session.active


def skip_countdown(pin: Any) -> None:
    """End the on-screen countdown at once (it is display only; the store keeps the wait)."""
    pin._wait_left = 1
    pin._tick()
    assert pin.unlock_button.isEnabled()


def test_wrong_pin_backoff_doubles_and_survives_restart(
    qtbot: Any, admin_window: Any, admin_store: KioskStore, clock: Any
) -> None:
    window = admin_window()
    click(qtbot, window.admin_button)
    pin = window.admin.pin
    for _ in range(2):  # typos are free
        assert not type_pin(qtbot, window, "1357")
        assert pin.message.text() == "Wrong PIN. Try again."
    assert not type_pin(qtbot, window, "1357")  # the third wrong try in a row costs 30 s
    assert pin.waiting and "Wait 30 seconds" in pin.message.text()
    assert not pin.unlock_button.isEnabled()
    # The countdown is display only; the store refuses early tries even with the right PIN.
    skip_countdown(pin)
    assert not type_pin(qtbot, window, OWNER_PIN)
    assert "Wait 30 seconds" in pin.message.text()
    clock.pass_time(31)
    skip_countdown(pin)
    assert not type_pin(qtbot, window, "1357")
    assert "Wait 60 seconds" in pin.message.text()  # doubled
    qtbot.waitUntil(lambda: not window.services.runner.busy)
    window.close()

    # Restart: a new window on the same data folder, a new store object.
    data_dir = admin_store.data_dir
    admin_store.close()
    with KioskStore.open(data_dir) as store2:
        window2 = admin_window(store2)
        click(qtbot, window2.admin_button)
        assert not type_pin(qtbot, window2, OWNER_PIN)  # still waiting: refused unchecked
        assert "Wait 60 seconds" in window2.admin.pin.message.text()
        assert not window2.admin.session.active
        clock.pass_time(61)
        skip_countdown(window2.admin.pin)
        assert type_pin(qtbot, window2, OWNER_PIN)
        assert window2.admin.current() is window2.admin.owner
        qtbot.waitUntil(lambda: not window2.services.runner.busy)
        window2.close()


def test_session_locks_itself_when_idle(qtbot: Any, admin_window: Any) -> None:
    window = admin_window()
    unlock(qtbot, window, Role.OWNER)
    window.admin.session.set_idle_ms(300)
    window.admin.session.start(Role.OWNER)  # restart the timer with the short timeout
    with qtbot.waitSignal(window.admin.session.locked, timeout=5_000):
        pass
    assert window.current() is window.home
    assert not admin_visible(window) and window.top.isVisible()


def test_activity_keeps_the_session_open(qtbot: Any, admin_window: Any) -> None:
    window = admin_window()
    unlock(qtbot, window, Role.OWNER)
    session = window.admin.session
    session.set_idle_ms(400)
    session.start(Role.OWNER)
    field: QWidget = window.admin.owner.order_field
    # Typing keeps it alive for longer than the idle time in total.
    for _ in range(4):
        qtbot.waitUntil(lambda: session._timer.remainingTime() < 250, timeout=2_000)
        qtbot.keyClick(field, Qt.Key.Key_A)
        assert session.active
    with qtbot.waitSignal(session.locked, timeout=5_000):
        pass
    assert not session.active
    QApplication.processEvents()

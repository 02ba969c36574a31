"""An owner's or technician's session that locks itself after a few idle minutes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from kiosk.admin import Role

#: Default idle time before an admin session locks (the owner walks away from the counter).
ADMIN_IDLE_MS = 3 * 60 * 1000

_ACTIVITY = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.KeyPress,
    QEvent.Type.TouchBegin,
    QEvent.Type.Wheel,
    QEvent.Type.InputMethod,
}


class AdminSession(QObject):
    """Who is unlocked, and the idle timer that locks them out again.

    Signals:
        started(str): a role was unlocked (its value: ``owner`` / ``technician``).
        locked(): the session ended (idle timeout, "Lock" button, or villager reset).
    """

    started = Signal(str)
    locked = Signal()

    def __init__(self, idle_ms: int = ADMIN_IDLE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._role: Role | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(idle_ms)
        self._timer.timeout.connect(self.lock)
        self._filtering = False

    def set_idle_ms(self, idle_ms: int) -> None:
        """Change the idle time before locking (tests use a short one)."""
        self._timer.setInterval(idle_ms)

    @property
    def role(self) -> Role | None:
        """The unlocked role, or ``None`` when locked."""
        return self._role

    @property
    def active(self) -> bool:
        """True while a role is unlocked."""
        return self._role is not None

    def start(self, role: Role) -> None:
        """Unlock ``role`` (only after its PIN was verified) and start the idle timer."""
        self._role = role
        app = QApplication.instance()
        if app is not None and not self._filtering:
            app.installEventFilter(self)
            self._filtering = True
        self._timer.start()
        self.started.emit(role.value)

    def lock(self) -> None:
        """End the session now (idempotent)."""
        was = self._role is not None
        self._role = None
        self._timer.stop()
        app = QApplication.instance()
        if app is not None and self._filtering:
            app.removeEventFilter(self)
            self._filtering = False
        if was:
            self.locked.emit()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if self._role is not None and event.type() in _ACTIVITY:
            self._timer.start()
        return False

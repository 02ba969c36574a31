"""What the screens are given: the store, the background runner, pictures, dialogs, printing.

Passed to every screen's constructor (no global application object). Screens reach the core only
through ``kiosk.storage`` functions run on :attr:`KioskServices.runner`; a write the rest of the
kiosk should see (an order placed, an owner's move, an outbox change) runs through
:meth:`KioskServices.write`, which then emits :attr:`StoreSignals.changed`, so views that show
what the store holds (the sync indicator's outbox counts) re-read it at once instead of polling.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.ui.images import ImageCache
from kiosk.ui.speech import ReadAloud
from kiosk.ui.tasks import TaskRunner
from kiosk.ui.widgets import Asker

if TYPE_CHECKING:
    from kiosk.storage.store import KioskStore

T = TypeVar("T")


class StoreSignals(QObject):
    """What the services layer says about the store, on the GUI thread.

    Signals:
        changed(str): a write run through :meth:`KioskServices.write` committed; the argument
            names the operation (e.g. ``"order_placed"``, ``"owner_move"``, ``"outbox"``).
    """

    changed = Signal(str)


def default_slip_printer() -> QPrinter | None:
    """The system's default printer (the receipt printer), or ``None`` when there is none."""
    info = QPrinterInfo.defaultPrinter()
    if info.isNull():
        return None
    return QPrinter(info, QPrinter.PrinterMode.HighResolution)


@dataclass
class KioskServices:
    """Services shared by the villager screens.

    Attributes:
        store: the local store.
        runner: runs store work off the GUI thread.
        images: product pictures, decoded off the GUI thread.
        asker: the replaceable yes/no dialog.
        lang: ``"zh_CN"`` or ``"en"``.
        center_name: shown in the top bar and on pickup slips.
        slip_printer: gives the printer for pickup slips (tests give a PDF printer).
        read_aloud: the kiosk's voice (speaker buttons), or ``None`` where there is none.
        practice: the screens run on the practice store (slips carry the practice mark).
        signals: :class:`StoreSignals` (``changed`` after each :meth:`write`).
    """

    store: KioskStore
    runner: TaskRunner
    images: ImageCache
    asker: Asker = field(default_factory=Asker)
    lang: str = "zh_CN"
    center_name: str = ""
    slip_printer: Callable[[], QPrinter | None] = default_slip_printer
    read_aloud: ReadAloud | None = None
    practice: bool = False
    signals: StoreSignals = field(default_factory=StoreSignals)

    def write(
        self,
        what: str,
        fn: Callable[[], T],
        on_success: Callable[[T], None] | None = None,
        on_failure: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run the write ``fn()`` on :attr:`runner`; once it has returned (committed),
        ``on_success`` is called, then ``signals.changed(what)`` is emitted, on the GUI thread.
        A write that raised calls ``on_failure`` and emits nothing. Returns the task's number."""

        def done(value: T) -> None:
            try:
                if on_success is not None:
                    on_success(value)
            finally:
                self.signals.changed.emit(what)

        return self.runner.run(fn, done, on_failure)

    @property
    def chinese(self) -> bool:
        """True when the screens speak Chinese."""
        return self.lang.startswith("zh")

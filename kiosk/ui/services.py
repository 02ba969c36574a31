"""What the screens are given: the store, the background runner, pictures, dialogs, printing.

Passed to every screen's constructor (no global application object). Screens reach the core only
through ``kiosk.storage`` functions run on :attr:`KioskServices.runner`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from kiosk.storage.store import KioskStore
from kiosk.ui.images import ImageCache
from kiosk.ui.speech import ReadAloud
from kiosk.ui.tasks import TaskRunner
from kiosk.ui.widgets import Asker


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

    @property
    def chinese(self) -> bool:
        """True when the screens speak Chinese."""
        return self.lang.startswith("zh")

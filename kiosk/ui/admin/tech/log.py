"""The Log tab: the end of the newest log file (already redacted when written)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QVBoxLayout, QWidget

from kiosk.logs import log_files
from kiosk.ui import theme
from kiosk.ui.admin.tech.tab import TechTab, button
from kiosk.ui.services import KioskServices

#: Characters of the newest log file shown in the viewer.
LOG_TAIL_CHARS = 60_000


def read_log_tail(data_dir: Path) -> str:
    """The end of the newest log file (already redacted when written)."""
    files = [p for p in log_files(data_dir) if p.name.endswith(".log")] or log_files(data_dir)
    if not files:
        return ""
    text = files[0].read_text(encoding="utf-8", errors="replace")
    return text[-LOG_TAIL_CHARS:]


class LogTab(TechTab):
    """A read-only view of the newest log file's end, reloaded on demand."""

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        lg = QVBoxLayout(self)
        self.log_view = QPlainTextEdit(self)
        self.log_view.setReadOnly(True)
        self.log_view.setFont(theme.font(theme.SMALL_PX))
        lg.addWidget(self.log_view, 1)
        row = QHBoxLayout()
        self.reload_button = button(self.tr("Reload the log"), self, self.load_log)
        row.addWidget(self.reload_button)
        row.addStretch(1)
        lg.addLayout(row)

    def load_log(self) -> None:
        """Show the end of the newest log file."""
        data_dir = self._services.store.data_dir

        def shown(text: str) -> None:
            self.log_view.setPlainText(text or self.tr("The log is empty."))
            self.log_view.moveCursor(self.log_view.textCursor().MoveOperation.End)

        self._run(lambda: read_log_tail(data_dir), shown)

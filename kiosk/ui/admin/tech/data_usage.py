"""The metered link on the technician's sync tab: data used today and this month, and the daily
data budget (docs/sync-engine.md, "Metered link").

The numbers come from the store (:mod:`kiosk.storage.data_usage`, counted on the wire by the
sync client), read and written off the GUI thread; this widget only words them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from kiosk.storage.data_usage import DataUsage, data_usage, set_daily_budget
from kiosk.ui.admin.tech.tab import ACTOR, TechTab, button
from kiosk.ui.services import KioskServices

# 1 MB as the budget field counts it (as the dongle's plan does: 1,000,000 bytes).
MB = 1_000_000
# The largest budget the field takes, in MB.
MAX_BUDGET_MB = 1_000_000


def _today() -> date:
    return datetime.now().astimezone().date()


class DataUsagePanel(TechTab):
    """Bytes used today and this month, and the daily data budget with a field to change it.
    Part of the Sync tab; its outcomes go out as :attr:`TechTab.said`, like a tab's.

    Signals:
        saved(int): the daily budget (bytes; 0: none) was saved.
    """

    saved = Signal(int)

    def __init__(
        self,
        services: KioskServices,
        parent: QWidget | None = None,
        today: Callable[[], date] = _today,
    ) -> None:
        super().__init__(services, parent)
        self._today = today
        self.usage: DataUsage | None = None
        col = QVBoxLayout(self)
        col.setContentsMargins(0, 8, 0, 0)
        self.used_label = QLabel(self)
        self.used_label.setTextFormat(Qt.TextFormat.PlainText)
        self.used_label.setWordWrap(True)
        col.addWidget(self.used_label)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Daily data budget (MB, 0 = none)"), self))
        self.budget_field = QLineEdit(self)
        self.budget_field.setValidator(QIntValidator(0, MAX_BUDGET_MB, self.budget_field))
        self.budget_field.setMaximumWidth(160)
        row.addWidget(self.budget_field)
        self.save_button = button(self.tr("Save budget"), self, self.save_budget)
        row.addWidget(self.save_button)
        row.addStretch(1)
        col.addLayout(row)
        self.note = QLabel(self)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setWordWrap(True)
        col.addWidget(self.note)

    def _mb(self, nbytes: int) -> str:
        return self.tr("%1 MB").replace("%1", f"{nbytes / MB:.1f}")

    def load(self) -> None:
        """Read today's and this month's bytes and the budget, off the GUI thread."""
        store, day = self._services.store, self._today()
        self._run(lambda: data_usage(store, day), self._show)

    def _show(self, usage: DataUsage) -> None:
        self.usage = usage
        self.used_label.setText(
            self.tr("Data used today: %1 · this month: %2")
            .replace("%1", self._mb(usage.today_bytes))
            .replace("%2", self._mb(usage.month_bytes))
        )
        budget = usage.daily_budget_bytes
        if not self.budget_field.hasFocus():
            self.budget_field.setText(str(round(budget / MB)))
        if usage.over_budget:
            self.note.setText(
                self.tr(
                    "Today's data budget is used up: pictures wait for tomorrow; orders and the "
                    "catalog still go."
                )
            )
        elif budget:
            self.note.setText(self.tr("Daily data budget: %1").replace("%1", self._mb(budget)))
        else:
            self.note.setText(self.tr("No daily data budget: pictures download when needed."))

    def save_budget(self) -> None:
        """Save the typed budget (whole MB; empty or 0: none), then show the numbers again."""
        text = self.budget_field.text().strip()
        nbytes = int(text) * MB if text else 0
        store = self._services.store

        def saved(_: object) -> None:
            self._say(
                self.tr("Daily data budget saved: %1").replace("%1", self._mb(nbytes))
                if nbytes
                else self.tr("Daily data budget removed.")
            )
            self.saved.emit(nbytes)
            self.load()

        self._write("data_budget", lambda: set_daily_budget(store, nbytes, ACTOR), saved)

"""The Outbox tab: changes waiting to send or set aside; retry, or discard with a reason."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QTableWidgetItem, QVBoxLayout, QWidget

from kiosk.storage.set_aside import QueuedEvent, discard_event, list_events, retry_event
from kiosk.ui import theme
from kiosk.ui.admin.tech.tab import ACTOR, TechTab, button, table
from kiosk.ui.errors import outbox_reason_words
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import plain_tooltip


def event_kind_words(kind: str) -> str:
    """An outbox event's kind (``order_placed`` …) in the technician's words."""
    words = {
        "order_placed": QCoreApplication.translate("OutboxWords", "New order"),
        "order_cancelled": QCoreApplication.translate("OutboxWords", "Order cancelled"),
        "arrival_checked_in": QCoreApplication.translate("OutboxWords", "Goods arrived"),
        "pickup_confirmed": QCoreApplication.translate("OutboxWords", "Picked up"),
        "order_returned": QCoreApplication.translate("OutboxWords", "Order returned"),
        "cash_entry": QCoreApplication.translate("OutboxWords", "Cash entry"),
        "day_closed": QCoreApplication.translate("OutboxWords", "Day closed"),
        "demand_counts": QCoreApplication.translate("OutboxWords", "Browsing counts"),
    }
    return words.get(kind, kind)


class OutboxTab(TechTab):
    """The outbox's events with their tries and last error; the set-aside ones can be retried
    or discarded (audited, with the technician's reason)."""

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.events: list[QueuedEvent] = []
        b = QVBoxLayout(self)
        self.outbox_table = table(
            self,
            [
                self.tr("Change"),
                self.tr("State"),
                self.tr("Tries"),
                self.tr("Last error"),
            ],
        )
        b.addWidget(self.outbox_table, 1)
        row = QHBoxLayout()
        self.reason_field = QLineEdit(self)
        self.reason_field.setPlaceholderText(self.tr("Reason for discarding"))
        self.retry_button = button(self.tr("Retry"), self, self.retry_selected)
        self.discard_button = button(self.tr("Discard"), self, self.discard_selected)
        self.refresh_button = button(self.tr("Refresh"), self, self.load_outbox)
        row.addWidget(self.refresh_button)
        row.addWidget(self.retry_button)
        row.addWidget(self.reason_field, 1)
        row.addWidget(self.discard_button)
        b.addLayout(row)

    def load_outbox(self) -> None:
        """Events waiting to send or set aside, with tries and the last error."""
        store = self._services.store
        self._run(lambda: list_events(store), self._show_outbox)

    def _show_outbox(self, events: list[QueuedEvent]) -> None:
        self.events = events
        self.outbox_table.setRowCount(len(events))
        for i, ev in enumerate(events):
            state = (
                self.tr("set aside") if ev.state == "quarantined" else self.tr("waiting to send")
            )
            raw = ev.last_error or ""
            # Why the platform set a change aside, in words; a try that failed on the way (no
            # connection …) in general words. The English detail stays as a tooltip only.
            if ev.state == "quarantined":
                why = outbox_reason_words(raw)
                if why == raw:  # no known platform code: no raw text on the screen
                    why = self.tr("The platform refused it. Ask the platform's support.")
            elif raw:
                why = self.tr("Not sent yet: it is tried again at the next sync.")
            else:
                why = ""
            what = event_kind_words(ev.kind)
            if ev.order_number:
                what = f"{what} {ev.order_number}"
            cells = [what, state, str(ev.attempts), why]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j == 3 and raw and raw != why:
                    item.setToolTip(plain_tooltip(raw))  # central's text, never markup
                if j == 1 and ev.state == "quarantined":
                    item.setForeground(theme.PRICE)
                self.outbox_table.setItem(i, j, item)
        self.outbox_table.resizeRowsToContents()

    def selected_event(self) -> QueuedEvent | None:
        """The event of the selected row."""
        row = self.outbox_table.currentRow()
        return self.events[row] if 0 <= row < len(self.events) else None

    def retry_selected(self) -> None:
        """Put the selected set-aside event back in the queue."""
        ev = self.selected_event()
        if ev is None:
            self._say(self.tr("Choose a change in the list first."), ok=False)
            return
        store = self._services.store
        self._write(
            "outbox",
            lambda: retry_event(store, ev.event_id, ACTOR),
            lambda _: self._after_outbox(self.tr("The change will be sent again.")),
        )

    def discard_selected(self) -> None:
        """Give up on the selected set-aside event; needs a reason (audited)."""
        ev = self.selected_event()
        if ev is None:
            self._say(self.tr("Choose a change in the list first."), ok=False)
            return
        reason = self.reason_field.text().strip()
        if not reason:
            self._say(self.tr("Type why this change is discarded."), ok=False)
            return
        store = self._services.store
        self._write(
            "outbox",
            lambda: discard_event(store, ev.event_id, reason, ACTOR),
            lambda _: self._after_outbox(self.tr("The change was discarded.")),
        )

    def _after_outbox(self, text: str) -> None:
        self.reason_field.clear()
        self._say(text)
        self.load_outbox()

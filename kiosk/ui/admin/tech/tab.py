"""What every tab of the technician screen shares: how it says an outcome, runs slow work, and
builds its buttons and tables.

A tab never shows its own outcome line: it emits :attr:`TechTab.said`, and the screen around it
shows the words (so one line under the tabs says what the last task did, whichever tab ran it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHeaderView, QPushButton, QTableWidget, QWidget

from kiosk.admin import Role
from kiosk.ui.errors import error_words
from kiosk.ui.services import KioskServices

#: Who the technician's writes are audited as.
ACTOR = Role.TECHNICIAN.value


class TechTab(QWidget):
    """One tab of the technician screen, on the kiosk's services.

    Signals:
        said(str, bool): a task finished; its outcome in plain words, and whether it went well.
    """

    said = Signal(str, bool)

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._services = services

    def _say(self, text: str, ok: bool = True) -> None:
        self.said.emit(text, ok)

    def _run(self, fn: Callable[[], Any], ok: Callable[[Any], None]) -> None:
        self._services.runner.run(fn, ok, lambda exc: self._say(error_words(exc), ok=False))

    def _write(self, what: str, fn: Callable[[], Any], ok: Callable[[Any], None]) -> None:
        """A write the rest of the kiosk should see (:meth:`KioskServices.write`)."""
        self._services.write(what, fn, ok, lambda exc: self._say(error_words(exc), ok=False))


def button(text: str, parent: QWidget, slot: Callable[[], None]) -> QPushButton:
    """A push button that calls ``slot`` when clicked."""
    btn = QPushButton(text, parent)
    btn.clicked.connect(slot)
    return btn


def table(parent: QWidget, headers: list[str]) -> QTableWidget:
    """A read-only table of whole rows, one selectable, rows at least a finger high."""
    view = QTableWidget(0, len(headers), parent)
    view.setHorizontalHeaderLabels(headers)
    view.verticalHeader().setVisible(False)
    view.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    view.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
    view.setWordWrap(True)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    view.verticalHeader().setDefaultSectionSize(56)
    view.verticalHeader().setMinimumSectionSize(56)  # resizeRowsToContents never goes lower
    return view

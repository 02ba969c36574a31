"""The Checks tab: ``kiosk doctor``'s checks (integrity, schema, disk, backup age, versions,
sync)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QHBoxLayout, QTableWidgetItem, QVBoxLayout, QWidget

from kiosk.storage.doctor import DoctorReport, run_doctor
from kiosk.ui import theme
from kiosk.ui.admin.check_words import check_detail_words
from kiosk.ui.admin.tech.tab import TechTab, button, table
from kiosk.ui.services import KioskServices
from kiosk.ui.widgets import plain_tooltip


def check_name_words(name: str) -> str:
    """A doctor check's name (``disk``, ``integrity`` …) in the technician's words."""
    words = {
        "data folder": QCoreApplication.translate("CheckWords", "Data folder"),
        "database": QCoreApplication.translate("CheckWords", "Database file"),
        "integrity": QCoreApplication.translate("CheckWords", "Database integrity"),
        "schema": QCoreApplication.translate("CheckWords", "Database version"),
        "durability": QCoreApplication.translate("CheckWords", "Safe writing"),
        "catalog": QCoreApplication.translate("CheckWords", "Catalog"),
        "orders": QCoreApplication.translate("CheckWords", "Orders"),
        "outbox": QCoreApplication.translate("CheckWords", "Changes to send"),
        "contents": QCoreApplication.translate("CheckWords", "Contents"),
        "disk": QCoreApplication.translate("CheckWords", "Free disk space"),
        "backup": QCoreApplication.translate("CheckWords", "Backup"),
        "versions": QCoreApplication.translate("CheckWords", "Versions"),
        "sync": QCoreApplication.translate("CheckWords", "Sync"),
        "enrollment": QCoreApplication.translate("CheckWords", "Enrollment"),
        "last sync": QCoreApplication.translate("CheckWords", "Last sync"),
        "queue": QCoreApplication.translate("CheckWords", "Waiting to send"),
        "set aside": QCoreApplication.translate("CheckWords", "Set aside"),
        "clock": QCoreApplication.translate("CheckWords", "Clock"),
    }
    return words.get(name, name)


class ChecksTab(TechTab):
    """The doctor's checks in a table, run off the GUI thread."""

    def __init__(self, services: KioskServices, parent: QWidget | None = None) -> None:
        super().__init__(services, parent)
        self.report: DoctorReport | None = None
        c = QVBoxLayout(self)
        self.checks_table = table(
            self, [self.tr("Check"), self.tr("Result"), self.tr("Details (for the technician)")]
        )
        c.addWidget(self.checks_table, 1)
        row = QHBoxLayout()
        self.checks_button = button(self.tr("Run the checks"), self, self.run_checks)
        row.addWidget(self.checks_button)
        row.addStretch(1)
        c.addLayout(row)

    def run_checks(self) -> None:
        """``kiosk doctor``'s checks, off the GUI thread."""
        data_dir = self._services.store.data_dir
        self._run(lambda: run_doctor(data_dir), self._show_checks)

    def _show_checks(self, report: DoctorReport) -> None:
        self.report = report
        self.checks_table.setRowCount(len(report.checks))
        for i, c in enumerate(report.checks):
            self.checks_table.setItem(i, 0, QTableWidgetItem(check_name_words(c.name)))
            mark = QTableWidgetItem(self.tr("OK") if c.ok else self.tr("Problem"))
            mark.setForeground(theme.OK if c.ok else theme.PRICE)
            self.checks_table.setItem(i, 1, mark)
            detail = QTableWidgetItem(check_detail_words(c))
            detail.setToolTip(plain_tooltip(c.detail))  # kiosk doctor's words, for support
            self.checks_table.setItem(i, 2, detail)
        self.checks_table.resizeRowsToContents()

"""The pickup slip: what the villager takes home, laid out for 80 mm receipt paper.

Printed with :class:`QPrinter` (a receipt printer in the shop, a PDF in tests). The slip carries
the pickup code — it is the villager's copy — but only a masked phone number and no name.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from kiosk.money import format_yuan

#: Receipt paper: 80 mm wide, about 72 mm printable; the length grows with the lines.
PAPER_WIDTH_MM = 80.0
MARGIN_MM = 4.0


@dataclass(frozen=True, slots=True)
class SlipContent:
    """Everything printed on a pickup slip."""

    center_name: str
    local_no: str
    pickup_code: str
    placed_at: str  # as shown to people (local time)
    phone_masked: str
    payment_words: str
    lines: tuple[tuple[str, int, str, int], ...]  # (name, qty, unit, line total fen)
    total_fen: int
    #: Printed in practice mode: the slip carries the practice mark (never a real order's slip).
    practice: bool = False


def slip_html(slip: SlipContent) -> str:
    """The slip as simple HTML (QTextDocument renders it the same on screen and paper)."""
    e = html.escape

    # Each string literally in a translate() call, so pyside6-lupdate finds it.
    words = {
        "slip": QCoreApplication.translate("PickupSlip", "Pickup slip"),
        "code": QCoreApplication.translate("PickupSlip", "Pickup code"),
        "number": QCoreApplication.translate("PickupSlip", "Order number"),
        "placed": QCoreApplication.translate("PickupSlip", "Placed"),
        "phone": QCoreApplication.translate("PickupSlip", "Phone"),
        "payment": QCoreApplication.translate("PickupSlip", "Payment"),
        "total": QCoreApplication.translate("PickupSlip", "Total"),
        "practice": QCoreApplication.translate(
            "PickupSlip", "练习 PRACTICE: not a real order, nothing will be delivered"
        ),
        "bring": QCoreApplication.translate(
            "PickupSlip", "Bring this slip or the code when the shop tells you the parcel arrived."
        ),
    }
    w = {k: e(v) for k, v in words.items()}
    rows = "".join(
        f"<tr><td>{e(name)} ×{qty}{e(unit)}</td><td align='right'>{e(format_yuan(total))}</td></tr>"
        for name, qty, unit, total in slip.lines
    )
    code = f"{slip.pickup_code[:3]} {slip.pickup_code[3:]}"
    mark = (
        f"<p align='center' style='font-size: 14pt;'><b>{w['practice']}</b></p>"
        if slip.practice
        else ""
    )
    return (
        '<div style=\'font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;'
        " font-size: 10pt;'>"
        f"{mark}"
        f"<p align='center' style='font-size: 12pt;'><b>{e(slip.center_name)}</b></p>"
        f"<p align='center'>{w['slip']}</p>"
        f"<p align='center'>{w['code']}</p>"
        f"<p align='center' style='font-size: 26pt;'><b>{e(code)}</b></p>"
        f"<p>{w['number']}: <b>{e(slip.local_no)}</b><br/>"
        f"{w['placed']}: {e(slip.placed_at)}<br/>"
        f"{w['phone']}: {e(slip.phone_masked)}<br/>"
        f"{w['payment']}: {e(slip.payment_words)}</p>"
        f"<table width='100%'>{rows}</table>"
        f"<p align='right' style='font-size: 12pt;'><b>{w['total']}: "
        f"{e(format_yuan(slip.total_fen))}</b></p>"
        f"<p>{w['bring']}</p>{mark}</div>"
    )


def print_slip(printer: QPrinter, slip: SlipContent) -> None:
    """Lay the slip out on 80 mm paper and print it on ``printer`` (GUI thread)."""
    doc = QTextDocument()
    doc.setHtml(slip_html(slip))
    # Receipt printers cut where the text ends, so the page is as long as the slip needs.
    length_mm = max(100.0, 55.0 + 7.0 * len(slip.lines) + 40.0)
    printer.setPageSize(QPageSize(QSizeF(PAPER_WIDTH_MM, length_mm), QPageSize.Unit.Millimeter))
    printer.setPageMargins(
        QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM), QPageLayout.Unit.Millimeter
    )
    doc.setPageSize(QSizeF(printer.pageRect(QPrinter.Unit.Point).width(), length_mm / 25.4 * 72))
    doc.print_(printer)


def pdf_printer(path: str) -> QPrinter:
    """A printer that writes a PDF file (tests, and a shop without a receipt printer)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(path)
    return printer

"""The day-close summary on paper: an 80 mm receipt printer or an A4 page (PDF in tests).

The summary carries no customer data at all: totals by kind, the cash expected in the drawer,
who closed (the role in words: "Shop owner", "Technician") and when.
"""

from __future__ import annotations

import html
from enum import StrEnum

from PySide6.QtCore import QCoreApplication, QMarginsF, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QTextDocument
from PySide6.QtPrintSupport import QPrinter

from kiosk.money import format_yuan
from kiosk.storage.cash import CashKind, DayCloseResult
from kiosk.ui.admin.owner_words import actor_words
from kiosk.ui.slip import MARGIN_MM, PAPER_WIDTH_MM


class Paper(StrEnum):
    """Where the summary is printed."""

    RECEIPT = "receipt"  # 80 mm roll
    A4 = "a4"


def kind_words(kind: str) -> str:
    """A cash kind in plain words."""
    if kind == CashKind.ORDER_CASH.value:
        return QCoreApplication.translate("DayClose", "Cash paid when ordering")
    if kind == CashKind.PICKUP_CASH.value:
        return QCoreApplication.translate("DayClose", "Cash paid at pickup")
    if kind == CashKind.REFUND.value:
        return QCoreApplication.translate("DayClose", "Refunds paid out")
    return kind


def day_close_html(
    close: DayCloseResult, center_name: str, paper: Paper, *, practice: bool = False
) -> str:
    """The summary as simple HTML (the same on screen, receipt and A4); ``practice`` marks it."""
    e = html.escape
    t = {
        "practice": QCoreApplication.translate(
            "DayClose", "练习 PRACTICE: not a real day close, no real cash"
        ),
        "title": QCoreApplication.translate("DayClose", "Day close"),
        "day": QCoreApplication.translate("DayClose", "Business day"),
        "closed": QCoreApplication.translate("DayClose", "Closed at"),
        "by": QCoreApplication.translate("DayClose", "Closed by"),
        "kind": QCoreApplication.translate("DayClose", "Kind"),
        "count": QCoreApplication.translate("DayClose", "Count"),
        "amount": QCoreApplication.translate("DayClose", "Amount"),
        "expected": QCoreApplication.translate("DayClose", "Cash expected in the drawer"),
        "entries": QCoreApplication.translate("DayClose", "Cash entries counted"),
        "again": QCoreApplication.translate(
            "DayClose", "This day was already closed; same totals."
        ),
    }
    w = {k: e(v) for k, v in t.items()}
    # The colon after a label, as the language writes it (full width in Chinese).
    c = e(QCoreApplication.translate("DayClose", ": "))
    rows = "".join(
        f"<tr><td>{e(kind_words(kind))}</td><td align='right'>{total.count}</td>"
        f"<td align='right'>{e(format_yuan(total.fen))}</td></tr>"
        for kind, total in close.totals.items()
    )
    size = "10pt" if paper is Paper.RECEIPT else "12pt"
    again = f"<p>{w['again']}</p>" if close.already_closed else ""
    mark = (
        f"<p align='center' style='font-size: 14pt;'><b>{w['practice']}</b></p>" if practice else ""
    )
    return (
        '<div style=\'font-family: "Noto Sans CJK SC", "Microsoft YaHei", sans-serif;'
        f" font-size: {size};'>{mark}"
        f"<p align='center' style='font-size: 13pt;'><b>{e(center_name)}</b></p>"
        f"<p align='center' style='font-size: 13pt;'><b>{w['title']}</b></p>"
        f"<p>{w['day']}{c}<b>{e(close.business_day)}</b><br/>"
        f"{w['closed']}{c}{e(close.closed_at[:16].replace('T', ' '))}<br/>"
        f"{w['by']}{c}{e(actor_words(close.actor))}</p>"
        f"<table width='100%' cellspacing='0' cellpadding='2'>"
        f"<tr><th align='left'>{w['kind']}</th><th align='right'>{w['count']}</th>"
        f"<th align='right'>{w['amount']}</th></tr>{rows}</table>"
        f"<p>{w['entries']}{c}{close.entries}</p>"
        f"<p style='font-size: 14pt;'><b>{w['expected']}{c}"
        f"{e(format_yuan(close.expected_cash_fen))}</b></p>{again}{mark}</div>"
    )


def print_day_close(
    printer: QPrinter,
    close: DayCloseResult,
    center_name: str,
    paper: Paper = Paper.RECEIPT,
    *,
    practice: bool = False,
) -> None:
    """Lay the summary out for ``paper`` and print it on ``printer`` (GUI thread)."""
    doc = QTextDocument()
    doc.setHtml(day_close_html(close, center_name, paper, practice=practice))
    if paper is Paper.RECEIPT:
        # Receipt printers cut where the text ends: the page is as long as the summary needs.
        length_mm = 150.0
        printer.setPageSize(QPageSize(QSizeF(PAPER_WIDTH_MM, length_mm), QPageSize.Unit.Millimeter))
        margin = MARGIN_MM
    else:
        length_mm = 297.0
        printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        margin = 20.0
    printer.setPageMargins(QMarginsF(margin, margin, margin, margin), QPageLayout.Unit.Millimeter)
    width_pt = printer.pageRect(QPrinter.Unit.Point).width()
    doc.setPageSize(QSizeF(width_pt, (length_mm - 2 * margin) / 25.4 * 72))
    doc.print_(printer)
